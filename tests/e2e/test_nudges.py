"""Inactivity nudges: only to members who use the bot, never in a paused group, with the true
number of quiet days, and with their own off switch (issue #9)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, EmulatorTimeout, Guild, Person
from tests.e2e.test_rhythm import organiser, set_up, tick  # noqa: F401 - fixture

QUIET = 0.3


async def no_dm(person: Person) -> None:
    with pytest.raises(EmulatorTimeout):
        await person.next_dm(timeout=QUIET)


async def test_organiser_who_never_logged_anything_is_not_nudged(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,  # noqa: F811
    alice: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await alice.slash("win", kind="networking", who="Ann")
    await tick(bot, clock, clock.now() + timedelta(days=14, minutes=1))
    assert "14 days" in (await alice.next_dm()).text()
    await no_dm(organiser)


async def test_paused_group_sends_no_nudges_and_resumes_after(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,  # noqa: F811
    alice: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await alice.slash("win", kind="networking", who="Ann")
    await organiser.slash("setup pause", until="2026-12-06")
    await tick(bot, clock, clock.now() + timedelta(days=14, minutes=1))  # Mon 30 Nov: paused
    await no_dm(alice)
    await tick(bot, clock, clock.now() + timedelta(days=7))  # Mon 7 Dec: the pause is over
    text = (await alice.next_dm()).text()
    assert "21 days" in text


async def test_the_nudge_says_how_long_it_really_was(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,  # noqa: F811
    alice: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await organiser.slash("setup nudges", state="off")
    await alice.slash("win", kind="networking", who="Ann")
    await tick(bot, clock, clock.now() + timedelta(days=20))
    await organiser.slash("setup nudges", state="on", days=7)
    await bot.scheduler.idle()
    text = (await alice.next_dm()).text()
    assert "20 days since your last logged win" in text
    assert "7 days" not in text


async def test_nudges_have_their_own_off_switch(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,  # noqa: F811
    alice: Person,
    guild: Guild,
) -> None:
    await set_up(organiser, guild)
    await alice.slash("win", kind="networking", who="Ann", follow_up="20d")
    reply = await alice.slash("me nudges", state="off")
    assert "off" in reply.message.content
    await tick(bot, clock, clock.now() + timedelta(days=14, minutes=1))
    await no_dm(alice)
    # Follow-up reminders are a separate choice and still come.
    await tick(bot, clock, clock.now() + timedelta(days=6, hours=1))
    assert "Today's follow-ups" in (await alice.next_dm()).text()
    nudge_help = [m.text() for m in emulator.sent_messages if "/me nudges" in m.text()]
    assert nudge_help == [] or all("state:" in t for t in nudge_help)
