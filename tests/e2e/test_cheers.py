"""Cheers on wins (issue #11): a Cheer button on every win celebration, an optional line
about what the cheerer liked, one digest a day for the author (never one DM per cheer), no
cheering oneself or twice, and the group's counts in the recap and leaderboard."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Person
from tests.e2e.network_kit import (
    answer_text,
    celebration,
    cheer,
    dms,
    public_text,
    set_up,
    settle,
    tick,
)

EVENING = datetime(2026, 11, 16, 18, 0, 30, tzinfo=UTC)
NEXT_EVENING = datetime(2026, 11, 17, 18, 0, 30, tzinfo=UTC)


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


@pytest.fixture
def bob(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("bob", guilds=[guild])


@pytest.fixture
def cy(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("cy", guilds=[guild])


async def test_cheers_reach_the_author_in_one_daily_digest_with_their_lines(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    cy: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild, announce=True)
    await alice.slash("win", kind="interview", who="Acme", note="nervous but fine")
    post = await celebration(emulator, guild, alice)
    assert "Cheer" in post.buttons()
    done = await cheer(bob, post, "You asked for the next step yourself")
    assert "Cheered" in answer_text(done)
    assert "Cheered" in answer_text(await cheer(cy, post))
    assert "already" in answer_text(await cheer(bob, post))  # no form the second time
    assert "your own win" in answer_text(await cheer(alice, post))
    await tick(bot, clock, datetime(2026, 11, 16, 17, 59, tzinfo=UTC))
    assert dms(alice, "cheered") == [], "cheers wait for the evening digest"
    await tick(bot, clock, EVENING)
    [digest] = dms(alice, "cheered")
    text = digest.text()
    assert f"{bob.mention} cheered your job interview" in text
    assert "You asked for the next step yourself" in text
    assert f"{cy.mention} cheered your job interview" in text
    # The line is for the author only; the cheer count is all the channel sees.
    assert "You asked for the next step yourself" not in public_text(emulator)
    rows = await bot.db.fetchall("SELECT user_id FROM cheers ORDER BY user_id")
    assert sorted(r[0] for r in rows) == sorted([bob.id, cy.id])
    # A cheer after the evening's digest waits for tomorrow's: at most one digest a day.
    await alice.slash("win", kind="networking", who="Bea")
    later = await celebration(emulator, guild, alice)
    await cheer(organiser, later, "Great follow-through")
    await tick(bot, clock, datetime(2026, 11, 16, 23, 0, tzinfo=UTC))
    assert len(dms(alice, "cheered")) == 1
    await tick(bot, clock, NEXT_EVENING)
    digests = dms(alice, "cheered")
    assert len(digests) == 2
    assert "Great follow-through" in digests[1].text() and bob.mention not in digests[1].text()


async def test_the_digest_follows_the_authors_evening_and_a_pause(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild, announce=True)
    await alice.slash("me timezone", tz="America/New_York")
    await alice.slash("win", kind="networking", who="Dee")
    await cheer(bob, await celebration(emulator, guild, alice), "Nice")
    await organiser.slash("setup pause", until="2026-11-17")
    await tick(bot, clock, datetime(2026, 11, 16, 23, 0, 30, tzinfo=UTC))  # 18:00 New York
    assert dms(alice, "cheered") == [], "a paused group's cheers wait for the pause to end"
    await tick(bot, clock, datetime(2026, 11, 18, 23, 0, 30, tzinfo=UTC))
    assert len(dms(alice, "cheered")) == 1


async def test_a_double_submit_makes_one_cheer_and_a_closed_dm_keeps_it_waiting(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild, announce=True)
    await alice.slash("win", kind="networking", who="Dee")
    post = await celebration(emulator, guild, alice)
    first = await bob.click(post, "Cheer")
    second = await bob.click(post, "Cheer")
    await asyncio.gather(
        bob.submit_modal(first, {"What I liked (optional)": "one"}),
        bob.submit_modal(second, {"What I liked (optional)": "two"}),
    )
    assert await bot.db.fetchval("SELECT count(*) FROM cheers") == 1
    alice.dms_open = False
    await tick(bot, clock, EVENING)
    assert await bot.db.fetchval(
        "SELECT dm_closed_at IS NOT NULL FROM users WHERE user_id = ?", (alice.id,)
    )
    assert await bot.db.fetchval("SELECT count(*) FROM cheers WHERE digest_on IS NULL") == 1
    alice.dms_open = True
    # Using the bot again tells her about the closed DMs and clears the flag, after the reply
    # (waited for here: on a busy machine the digest could otherwise run before it).
    reply = await alice.slash("me stats")
    while "DMs are closed" not in (await reply.followup(timeout=10)).text():
        pass  # the stats themselves come first
    await tick(bot, clock, NEXT_EVENING)
    assert len(dms(alice, "cheered")) == 1


async def test_a_forged_cheer_button_is_refused_quietly(
    emulator: Emulator,
    bot: Running,
    organiser: Person,
    alice: Person,
    bob: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild, announce=True)
    await alice.slash("win", kind="networking", who="Dee")
    post = await celebration(emulator, guild, alice)
    await bob.slash("win", kind="networking", who="Private Person")  # celebrated too
    await celebration(emulator, guild, bob)
    await settle(bot)
    bobs = await bot.db.fetchval("SELECT win_id FROM wins WHERE user_id = ?", (bob.id,))
    # alice's celebration, but a button claiming bob's win: it is not that message's win.
    reply = await alice.press_forged(post, f"ni:cheer:{bobs}")
    assert reply.modal is None and "isn't there" in answer_text(reply)
    for forged in ("ni:cheer:99999999999999999999999", "ni:cheer:123"):
        reply = await bob.press_forged(post, forged)
        assert reply.modal is None and reply.message is not None and reply.message.ephemeral
    assert await bot.db.fetchval("SELECT count(*) FROM cheers") == 0


async def test_the_recap_counts_cheers_and_the_board_names_the_most_encouraging(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    bob: Person,
    cy: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild, announce=True)
    await alice.slash("win", kind="interview", who="Acme")
    first = await celebration(emulator, guild, alice)
    await cy.slash("win", kind="networking", who="Bea")
    second = await celebration(emulator, guild, cy)
    await cheer(bob, first)
    await cheer(bob, second)
    await cheer(cy, first)
    await organiser.slash("me leaderboard", visibility="hide")
    await cheer(organiser, first)
    await cheer(organiser, second)
    await cheer(alice, second)
    await tick(bot, clock, datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC))
    recap = next(m for m in reversed(emulator.sent_messages) if "Friday recap" in m.text())
    assert "6 cheers given" in recap.text()
    await tick(bot, clock, datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC))
    board = next(m for m in reversed(emulator.sent_messages) if "Leaderboard" in m.text())
    line = next(f for f in board.embeds[0]["fields"] if f["name"] == "Most encouraging")
    # Who gave cheers, never who got them; the hidden organiser gave as many and is unnamed.
    assert line["value"] == f"{bob.mention} (2 cheers given)"
    assert organiser.mention not in board.text()
