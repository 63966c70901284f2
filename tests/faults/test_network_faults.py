"""The group network keeps the three promises (issue #11): double presses act once, custom_ids
are not trusted, member text in public is inert, nothing private reaches a public post, and
pairing and its DMs happen exactly once across restarts and Discord's failures."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Message, Person
from tests.e2e.conftest import BotFactory
from tests.e2e.network_kit import (
    MONDAY_9,
    MONDAY_NOON,
    answer_text,
    celebration,
    cheer,
    dms,
    public,
    public_text,
    set_up,
    settle,
    tick,
)

NASTY = "[Acme](https://evil.example) **Globex** @everyone <@123456789012345678> `x`"
WEEK = timedelta(weeks=1)


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


@pytest.fixture
def bob(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("bob", guilds=[guild])


async def twice(*presses: object) -> list[object]:
    return list(await asyncio.gather(*presses))  # type: ignore[arg-type]


async def count(running: Running, query: str) -> int:
    return int(await running.db.fetchval(query))


async def request_by(emulator: Emulator, guild: Guild, person: Person, company: str) -> Message:
    await (await person.slash("ask intro", company=company, why="PRIVATE-WHY")).followup()
    while True:
        message = await emulator.next_message(guild.channel("general"))
        if "Who knows someone" in message.text():
            return message


async def test_double_presses_in_the_exchange_act_once(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    request = await request_by(emulator, guild, alice, "Globex")
    await twice(bob.click(request, "I can introduce"), bob.click(request, "I can introduce"))
    await settle(bot)
    assert await count(bot, "SELECT count(*) FROM intro_offers") == 1
    [offer] = dms(alice, "can introduce you")
    await twice(alice.click(offer, "Accept"), alice.click(offer, "Accept"))
    await settle(bot)
    assert len(dms(bob, "accepted your offer")) == 1
    await tick(bot, clock, clock.now() + timedelta(days=7, minutes=1))
    [question] = dms(alice, "Did the introduction happen?")
    await twice(
        alice.click(question, "Yes, it happened"), alice.click(question, "Yes, it happened")
    )
    assert await count(bot, "SELECT count(*) FROM wins WHERE kind = 'intro'") == 1


async def test_double_presses_of_a_check_in_count_one_pair(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob):
        await person.slash("partner join")
    await tick(bot, clock, MONDAY_NOON)
    await tick(bot, clock, MONDAY_NOON + timedelta(days=3))
    [ask] = dms(alice, "Did you")
    await twice(alice.click(ask, "Yes"), alice.click(ask, "Yes"))
    assert await count(bot, "SELECT count(*) FROM partner_pairs WHERE answer = 'yes'") == 1


async def test_buttons_take_the_person_from_discord_not_from_the_custom_id(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    other = emulator.add_guild("Other Club")
    await set_up(organiser, guild)
    await organiser.slash("setup partners", state="on", every=1)
    for person in (alice, bob):
        await person.slash("partner join")
    request = await request_by(emulator, guild, alice, "Globex")
    await bob.click(request, "I can introduce")
    await settle(bot)
    assert len(dms(alice, "can introduce you")) == 1
    offer_id = await count(bot, "SELECT offer_id FROM intro_offers")
    await tick(bot, clock, MONDAY_NOON)
    [intro] = dms(bob, "accountability partner")
    # bob, on a DM of his own, forges alice's decision and another server's check-in.
    forged = [
        f"ni:ia:{offer_id}:accept",
        f"ni:iq:{offer_id}:yes",
        f"ni:pc:{other.id}:2026-11-16:yes",
        "ni:pc:1:9999-99-99:skip",
        f"ni:pr:{guild.id}:yes",
        "ni:io:99999999999999999999",
    ]
    await tick(bot, clock, MONDAY_NOON + timedelta(days=3))
    [ask] = dms(bob, "Did you")
    for custom_id in forged:
        reply = await bob.press_forged(ask, custom_id)
        assert reply.message is not None and reply.message.ephemeral, custom_id
        assert "incident" not in reply.message.text().lower(), custom_id
    assert await bot.db.fetchval("SELECT status FROM intro_offers") == "offered"
    assert await count(bot, "SELECT count(*) FROM partner_pairs WHERE answer IS NOT NULL") == 0
    assert intro is not None


async def test_member_text_in_a_public_request_is_inert(
    emulator: Emulator,
    bot: Running,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    reply = await alice.slash(
        "ask intro", company=NASTY[:100], role="**Lead** <@&123456789012345678>"
    )
    await reply.followup()
    [request] = [m for m in public(emulator) if "Who knows" in m.text()]
    text = request.content
    assert not re.search(r"(?<!\\)\[[^\]]*\]\(", text), f"a live masked link: {text!r}"
    assert "://" not in text
    assert (
        "@everyone" not in text
        and "<@123456789012345678>" not in text
        and "<@&123456789012345678>" not in text
    )
    assert "**Globex**" not in text.replace("\\*", "")


async def test_nothing_private_from_the_network_reaches_a_public_post(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    cy = emulator.add_person("cy", guilds=[guild])
    await set_up(organiser, guild, announce=True)
    await organiser.slash("setup partners", state="on", every=1)
    await cy.slash("me leaderboard", visibility="hide")
    for person in (alice, bob, cy):
        await person.slash("partner join")
    await alice.slash("partner avoid", member=cy)
    await alice.slash("win", kind="interview", who="SECRET-WHO", note="PRIVATE-NOTE")
    await cheer(bob, await celebration(emulator, guild, alice), "PRIVATE-CHEER-LINE")
    await tick(bot, clock, MONDAY_9)
    checkin = next(m for m in emulator.sent_messages if "Weekly check-in" in m.text())
    modal = await cy.click(checkin, "Share my plan")
    done = await cy.submit_modal(
        modal, {"How many next conversations this week?": "2", "Your plan": "HIDDEN-PLAN"}
    )
    await done.followup()
    request = await request_by(emulator, guild, cy, "Globex")
    await alice.click(request, "I can introduce")
    await tick(bot, clock, MONDAY_NOON)
    await settle(bot)
    await cy.click(dms(cy, "can introduce you")[0], "Accept")
    await tick(bot, clock, MONDAY_NOON + timedelta(days=3))
    for person in (alice, bob, cy):
        for ask in dms(person, "Did you"):
            await person.click(ask, "Skip this cycle")
    for when in (4, 6):
        await tick(bot, clock, MONDAY_NOON + timedelta(days=when, hours=6))
    text = public_text(emulator)
    assert "Friday recap" in text and "Leaderboard" in text
    for secret in ("PRIVATE-NOTE", "SECRET-WHO", "PRIVATE-CHEER-LINE", "PRIVATE-WHY"):
        assert secret not in text, f"{secret} reached a public post"
    assert cy.mention not in text and str(cy.id) not in text, "a hidden member was named"
    assert "accountability partner" not in text and "avoid" not in text
    # The hidden member's shared plan is public without her name, so her partner's DM
    # (which names her) leaves it out: together they would name her.
    for person in (alice, bob):
        for message in dms(person, "accountability partner"):
            assert "HIDDEN-PLAN" not in message.text()


async def test_pairing_and_its_dms_happen_once_across_restarts_and_a_503(
    emulator: Emulator,
    run_bot: BotFactory,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    async with run_bot() as running:
        await set_up(organiser, guild)
        await organiser.slash("setup partners", state="on", every=1)
        for person in (alice, bob):
            await person.slash("partner join")
        emulator.fail("POST", r"/channels/\d+/messages", status=503, times=1)
        await tick(running, clock, MONDAY_NOON)
    async with run_bot() as running:
        await tick(running, clock, MONDAY_NOON + timedelta(minutes=2))
        assert [len(dms(p, "accountability partner")) for p in (alice, bob)] == [1, 1]
        # A crash after the pairing's transaction but before the ledger noted it: the next
        # claim finds the cycle paired and changes nothing.
        await running.db.execute("DELETE FROM deliveries WHERE kind = 'partner-cycle'")
        before = await running.db.fetchall("SELECT * FROM partner_pairs ORDER BY user_id")
        await tick(running, clock, MONDAY_NOON + timedelta(minutes=5))
        after = await running.db.fetchall("SELECT * FROM partner_pairs ORDER BY user_id")
        assert [tuple(r) for r in before] == [tuple(r) for r in after]
    async with run_bot() as running:
        await tick(running, clock, MONDAY_NOON + timedelta(hours=1))
        assert [len(dms(p, "accountability partner")) for p in (alice, bob)] == [1, 1]
        statuses = await running.db.fetchall(
            "SELECT status, count(*) FROM deliveries WHERE kind = 'partner-intro' GROUP BY 1"
        )
        assert [tuple(r) for r in statuses] == [("sent", 2)]
    assert answer_text is not None
