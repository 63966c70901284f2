"""The introduction exchange (issue #11): a request in the group's channel, offers passed to
the asker privately, accept or decline, both sides introduced by DM, "did it happen?" a week
later (an intro win for the asker, credit for the helper), expiry after three weeks, limits,
the organisers' switch, pauses, hidden askers and closed DMs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Message, Person
from tests.e2e.network_kit import answer_text, dms, live, public, public_text, set_up, settle, tick

WHY = "Dana mentioned a data team opening"


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


@pytest.fixture
def bob(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("bob", guilds=[guild])


@pytest.fixture
def cy(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("cy", guilds=[guild])


async def ask(emulator: Emulator, guild: Guild, person: Person, **options: str) -> Message:
    """/ask intro; returns the request as posted in the channel."""
    reply = await person.slash("ask intro", **options)
    answer = await reply.followup()
    assert "in the group's channel" in answer.text(), answer.text()
    while True:
        message = await emulator.next_message(guild.channel("general"))
        if "Who knows someone" in message.text():
            return message


async def test_an_introduction_from_request_to_credit(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    cy: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    request = await ask(emulator, guild, alice, company="Globex", role="Data lead", why=WHY)
    assert "Who knows someone at Globex?" in request.text()
    assert alice.mention in request.text() and "Data lead" in request.text()
    assert request.buttons() == ["I can introduce"]
    offered = await bob.click(request, "I can introduce")
    assert offered.message is not None and offered.message.ephemeral
    assert "passed your offer on" in answer_text(offered)
    await cy.click(request, "I can introduce")
    await settle(bot)
    offers = dms(alice, "can introduce you")
    assert len(offers) == 2
    from_bob = next(m for m in offers if bob.mention in m.text())
    from_cy = next(m for m in offers if cy.mention in m.text())
    assert from_bob.buttons() == ["Accept", "Decline"]
    declined = await alice.click(from_cy, "Decline")
    assert "won't be told" in answer_text(declined)
    accepted = await alice.click(from_bob, "Accept")
    assert bob.mention in answer_text(accepted) and WHY in answer_text(accepted)
    await settle(bot)
    [to_bob] = dms(bob, "accepted your offer")
    assert alice.mention in to_bob.text() and WHY in to_bob.text()
    assert dms(cy) == [], "a declined helper is never told"
    now_public = live(emulator, request).text()
    assert "under way" in now_public
    assert bob.mention not in now_public and cy.mention not in now_public
    assert WHY not in public_text(emulator), "the context is private to the accepted helper"
    # A week later: did it happen?
    await tick(bot, clock, clock.now() + timedelta(days=7, minutes=1))
    [question] = dms(alice, "Did the introduction happen?")
    assert question.buttons() == ["Yes, it happened", "Not yet", "It didn't work out"]
    assert "No rush" in answer_text(await alice.click(question, "Not yet"))
    done = await alice.click(question, "Yes, it happened")
    assert "introduction win" in answer_text(done)
    win = await bot.db.fetchone("SELECT user_id, kind, who FROM wins")
    assert tuple(win) == (alice.id, "intro", "Globex")
    stats = await (await bob.slash("me stats")).followup()
    assert "Introductions made" in stats.text() and "1 for others" in stats.text()
    await settle(bot)
    final = live(emulator, request)
    assert "introduction was made" in final.text() and final.buttons() == []
    await tick(bot, clock, datetime(2026, 11, 27, 16, 0, 30, tzinfo=UTC))
    recap = next(m for m in reversed(emulator.sent_messages) if "Friday recap" in m.text())
    assert "1 introduction made" in recap.text()


async def test_a_hidden_asker_is_never_named_in_public(
    emulator: Emulator,
    bot: Running,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await alice.slash("me leaderboard", visibility="hide")
    request = await ask(emulator, guild, alice, company="Initech", why="PRIVATE-WHY")
    assert "A member is looking" in request.text()
    await bob.click(request, "I can introduce")
    await settle(bot)
    [offer] = dms(alice, "can introduce you")
    await alice.click(offer, "Accept")
    await settle(bot)
    assert alice.mention in dms(bob, "accepted your offer")[0].text()  # by DM, once accepted
    text = public_text(emulator)
    assert alice.mention not in text and str(alice.id) not in text
    assert "PRIVATE-WHY" not in text


async def test_limits_the_organisers_switch_and_a_pause(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    assert (
        "no channel" in (await (await alice.slash("ask intro", company="Acme")).followup()).text()
    )
    await set_up(organiser, guild)
    for company in ("Acme", "Globex", "Initech"):
        await ask(emulator, guild, alice, company=company)
    fourth = await (await alice.slash("ask intro", company="Umbrella")).followup()
    assert "3 requests open already" in fourth.text()
    await organiser.slash("setup exchange", state="off")
    off = await (await bob.slash("ask intro", company="Umbrella")).followup()
    assert "exchange is off" in off.text()
    request = next(m for m in public(emulator) if "Acme" in m.text())
    assert "off" in answer_text(await bob.click(request, "I can introduce"))
    await organiser.slash("setup exchange", state="on")
    await organiser.slash("setup pause", until="2026-11-20")
    paused = await (await bob.slash("ask intro", company="Umbrella")).followup()
    assert "break until 2026-11-20" in paused.text()
    assert "break" in answer_text(await bob.click(request, "I can introduce"))
    assert await bot.db.fetchval("SELECT count(*) FROM intro_offers") == 0
    assert await bot.db.fetchval("SELECT count(*) FROM intro_requests") == 3


async def test_a_request_expires_after_three_weeks_with_a_note(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    request = await ask(emulator, guild, alice, company="Hooli")
    await bob.click(request, "I can introduce")
    await settle(bot)
    await tick(bot, clock, clock.now() + timedelta(days=20))
    assert dms(alice, "has closed") == []
    await tick(bot, clock, clock.now() + timedelta(days=1, minutes=1))
    [note] = dms(alice, "has closed")
    assert "Hooli" in note.text() and "1 offer" in note.text()
    closed = live(emulator, request)
    assert "This request has closed" in closed.text() and closed.buttons() == []
    await tick(bot, clock, clock.now() + timedelta(days=1))
    assert len(dms(alice, "has closed")) == 1
    assert await bot.db.fetchval("SELECT status FROM intro_requests") == "closed"


async def test_closed_dms_are_reported_to_the_helper(
    emulator: Emulator,
    bot: Running,
    organiser: Person,
    alice: Person,
    bob: Person,
    cy: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    request = await ask(emulator, guild, alice, company="Globex")
    alice.dms_open = False
    await bob.click(request, "I can introduce")  # the bot learns only when it tries
    await settle(bot)
    [note] = dms(bob, "couldn't pass")
    assert "Globex" in note.text() and alice.mention not in note.text()
    assert await bot.db.fetchval(
        "SELECT dm_closed_at IS NOT NULL FROM users WHERE user_id = ?", (alice.id,)
    )
    known = await cy.click(request, "I can introduce")  # now it knows: said at once
    assert "DMs are closed" in answer_text(known)
    assert (
        await bot.db.fetchval("SELECT count(*) FROM intro_offers WHERE user_id = ?", (cy.id,)) == 0
    )


async def test_an_asker_who_deletes_their_data_takes_the_request_away_and_the_helper_keeps_credit(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    request = await ask(emulator, guild, alice, company="Globex", why="PRIVATE-WHY")
    await bob.click(request, "I can introduce")
    await settle(bot)
    await alice.click(dms(alice, "can introduce you")[0], "Accept")
    await tick(bot, clock, clock.now() + timedelta(days=7, minutes=1))
    await alice.click(dms(alice, "Did the introduction happen?")[0], "Yes, it happened")
    reply = await alice.slash("me delete")
    done = await alice.click(reply.message, "Delete everything")
    # The deletion, the removal of her posts and the final word come after the click's answer.
    await done.wait_text("Deleted:", timeout=10)
    assert live(emulator, request).deleted, "the request posted for her is removed"
    assert await bot.db.fetchval("SELECT count(*) FROM intro_requests") == 0
    row = await bot.db.fetchone("SELECT request_id, user_id, status FROM intro_offers")
    assert tuple(row) == (None, bob.id, "made")
    stats = await (await bob.slash("me stats")).followup()
    assert "1 for others" in stats.text()
