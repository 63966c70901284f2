"""Accountability partners (issue #11): opt-in pairing each cycle, a DM introducing each pair
with their shared plans and a first message, a mid-cycle check-in, no repeats within three
cycles when avoidable, a trio for an odd count, private exclusions, pauses, closed DMs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Message, Person
from tests.e2e.network_kit import (
    MONDAY_9,
    MONDAY_NOON,
    answer_text,
    dms,
    live,
    public_text,
    set_up,
    tick,
)

GOAL = "How many next conversations this week?"
WEEK = timedelta(weeks=1)


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


@pytest.fixture
def members(emulator: Emulator, guild: Guild, alice: Person) -> list[Person]:
    return [alice, *(emulator.add_person(n, guilds=[guild]) for n in ("bob", "cy", "dee"))]


async def share_plan(person: Person, checkin: Message, plan: str, public: bool = True) -> None:
    label = "Share my plan" if public else "Set a private goal"
    field = "Your plan" if public else "Your plan (private, optional)"
    modal = await person.click(checkin, label)
    done = await person.submit_modal(modal, {GOAL: "2", field: plan})
    await done.followup()


async def pairs_in(running: Running, cycle: str) -> list[set[int]]:
    rows = await running.db.fetchall(
        "SELECT pair_no, user_id FROM partner_pairs WHERE cycle = ? ORDER BY pair_no", (cycle,)
    )
    groups: dict[int, set[int]] = {}
    for pair_no, user_id in rows:
        groups.setdefault(pair_no, set()).add(user_id)
    return list(groups.values())


async def test_an_odd_group_makes_a_trio_introduced_with_shared_plans_and_a_check_in(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, cy, dee = members
    await set_up(organiser, guild)
    turned_on = await organiser.slash("setup partners", state="on")
    assert "every 2 weeks" in answer_text(turned_on) and "Mon 16 Nov at 12:00" in answer_text(
        turned_on
    )
    for person in (alice, bob, cy):
        assert "You're in" in answer_text(await person.slash("partner join"))
    await tick(bot, clock, MONDAY_9)
    checkin = next(m for m in emulator.sent_messages if "Weekly check-in" in m.text())
    await share_plan(bob, checkin, "Call Bea at Initech")
    await share_plan(alice, checkin, "PRIVATE-PLAN-ALICE", public=False)
    await tick(bot, clock, MONDAY_NOON)
    intros = {p.name: dms(p, "accountability partner") for p in (alice, bob, cy, dee)}
    assert [len(v) for v in intros.values()] == [1, 1, 1, 0], "three joined, one did not"
    [to_alice] = intros["alice"]
    assert bob.mention in to_alice.text() and cy.mention in to_alice.text()  # a trio
    assert "Call Bea at Initech" in to_alice.text()  # bob's shared plan
    assert "A first message you could send" in to_alice.text()
    for message in (*intros["bob"], *intros["cy"]):
        assert "PRIVATE-PLAN-ALICE" not in message.text(), "a private plan reached a partner"
    status = answer_text(await alice.slash("partner status"))
    assert bob.mention in status and cy.mention in status
    # Mid-cycle (a week into a two-week cycle): did you connect?
    await tick(bot, clock, MONDAY_NOON + WEEK - timedelta(minutes=5))
    assert dms(alice, "Did you") == []
    await tick(bot, clock, MONDAY_NOON + WEEK)
    [ask] = dms(alice, "Did you")
    assert ask.buttons() == ["Yes", "Not yet", "Skip this cycle"]
    not_yet = await alice.click(ask, "Not yet")
    assert not_yet.message is not None and not_yet.message.ephemeral
    await alice.click(ask, "Yes")
    assert live(emulator, ask).buttons() == [], "a final answer removes the buttons"
    [bobs] = dms(bob, "Did you")
    await bob.click(bobs, "Yes")  # the same trio: one pair that met
    assert await bot.db.fetchval("SELECT count(*) FROM wins") == 0, "a yes logs no win"
    await tick(bot, clock, datetime(2026, 11, 27, 16, 0, 30, tzinfo=UTC))
    recap = next(m for m in reversed(emulator.sent_messages) if "Friday recap" in m.text())
    assert "1 partner pair met" in recap.text()
    text = public_text(emulator)
    assert "accountability partner" not in text and "PRIVATE-PLAN-ALICE" not in text


async def test_no_pair_repeats_within_three_cycles_and_an_even_group_has_no_trio(
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in members:
        await person.slash("partner join")
    couples: list[frozenset[int]] = []
    for week in range(3):
        await tick(bot, clock, MONDAY_NOON + week * WEEK)
        cycle = (MONDAY_NOON + week * WEEK).date().isoformat()
        groups = await pairs_in(bot, cycle)
        assert sorted(len(g) for g in groups) == [2, 2]
        couples += [frozenset(g) for g in groups]
    assert len(set(couples)) == 6, "a pair repeated although another choice existed"
    for person in members:
        assert len(dms(person, "accountability partner")) == 3


async def test_two_unanswered_check_ins_pause_pairing_and_ask_once_to_rejoin(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, _, _ = members
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob):
        await person.slash("partner join")
    for week in range(2):  # alice never answers; bob does
        await tick(bot, clock, MONDAY_NOON + week * WEEK)
        await tick(bot, clock, MONDAY_NOON + week * WEEK + timedelta(days=3))
        await bob.click(dms(bob, "Did you")[-1], "Yes")
    assert len(dms(alice, "Did you")) == 2
    await tick(bot, clock, MONDAY_NOON + 2 * WEEK)
    [question] = dms(alice, "went unanswered")
    assert question.buttons() == ["Pair me again", "Stay paused"]
    assert await pairs_in(bot, "2026-11-30") == [], "a paused member is not paired"
    assert "paused" in answer_text(await alice.slash("partner status"))
    await tick(bot, clock, MONDAY_NOON + 3 * WEEK)
    assert len(dms(alice, "went unanswered")) == 1, "asked once"
    back = await alice.click(question, "Pair me again")
    assert "back in" in answer_text(back)
    await tick(bot, clock, MONDAY_NOON + 4 * WEEK)
    assert await pairs_in(bot, "2026-12-14") == [{alice.id, bob.id}]


async def test_an_exclusion_is_kept_and_nobody_learns_of_it(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, cy, dee = members
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in members:
        await person.slash("partner join")
    done = await alice.slash("partner avoid", member=bob)
    assert done.message is not None and done.message.ephemeral
    assert "won't be paired" in answer_text(done)
    assert "yourself" in answer_text(await alice.slash("partner avoid", member=alice))
    for week in range(3):
        await tick(bot, clock, MONDAY_NOON + week * WEEK)
        cycle = (MONDAY_NOON + week * WEEK).date().isoformat()
        for group in await pairs_in(bot, cycle):
            assert not {alice.id, bob.id} <= group
    assert bob.mention in answer_text(await alice.slash("partner status"))  # to her only
    assert alice.mention not in answer_text(await bob.slash("partner status"))
    export = await bob.slash("me export")
    files = dict((await export.followup()).attachments)
    assert str(alice.id) not in files["my-data.json"].decode().replace(str(bob.id), "")
    for person in (bob, cy, dee):
        assert all("avoid" not in m.text() for m in person.dm_messages)
    assert "avoid" not in public_text(emulator)
    undone = await alice.slash("partner avoid", member=bob, undo=True)
    assert "again" in answer_text(undone)


async def test_a_paused_group_is_not_paired_and_resumes_on_the_next_cycle(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, _, _ = members
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob):
        await person.slash("partner join")
    await organiser.slash("setup pause", until="2026-11-17")
    await tick(bot, clock, MONDAY_NOON)
    assert dms(alice, "accountability partner") == [] and await pairs_in(bot, "2026-11-16") == []
    status = await bot.db.fetchval(
        "SELECT status FROM deliveries WHERE kind = 'partner-cycle' AND period = '2026-11-16'"
    )
    assert status == "skipped"
    await tick(bot, clock, MONDAY_NOON + WEEK)
    assert len(dms(alice, "accountability partner")) == 1


async def test_closed_dms_are_recorded_and_the_partner_is_told(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, cy, dee = members
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob):
        await person.slash("partner join")
    alice.dms_open = False
    await tick(bot, clock, MONDAY_NOON)
    [intro] = dms(bob, "accountability partner")
    assert alice.mention in intro.text()
    [note] = dms(bob, "couldn't reach")
    assert alice.mention in note.text() and "Say hello in the server" in note.text()
    assert await bot.db.fetchval(
        "SELECT dm_closed_at IS NOT NULL FROM users WHERE user_id = ?", (alice.id,)
    )
    for person in (cy, dee):
        await person.slash("partner join")
    await tick(bot, clock, MONDAY_NOON + WEEK)
    groups = await pairs_in(bot, "2026-11-23")
    assert alice.id not in set().union(*groups), "a member the bot cannot reach is not paired"
    assert [len(dms(p, "couldn't reach")) for p in (bob, cy, dee)] == [1, 0, 0]


async def test_joining_needs_partners_on_and_leaving_stops_pairing(
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    members: list[Person],
    guild: Guild,
) -> None:
    alice, bob, cy, _ = members
    await set_up(organiser, guild)
    assert "aren't on" in answer_text(await alice.slash("partner join"))
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob, cy):
        await person.slash("partner join")
    assert "already in" in answer_text(await alice.slash("partner join"))
    assert "out of partner pairing" in answer_text(await cy.slash("partner leave"))
    await tick(bot, clock, MONDAY_NOON)
    assert await pairs_in(bot, "2026-11-16") == [{alice.id, bob.id}]
    await organiser.slash("setup partners", state="off")
    await tick(bot, clock, MONDAY_NOON + WEEK)
    assert await pairs_in(bot, "2026-11-23") == []
