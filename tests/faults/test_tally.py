"""The check-in's tally: edited at once, then at most every few seconds of the bot's clock;
its background edits are owned, observed and stopped with the bot (issue #9)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app import Running
from bot.clock import ManualClock
from cogs.rhythm import TALLY_EVERY
from discord_emulator import Emulator, Guild, Message, Person

MONDAY_9 = datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC)
GOAL = "How many next conversations this week?"


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


def tally(emulator: Emulator, checkin: Message) -> str:
    return emulator.world.messages[checkin.id].text()


async def commit(person: Person, checkin: Message) -> None:
    modal = await person.click(checkin, "Set a private goal")
    done = await person.submit_modal(modal, {GOAL: "2", "Your plan (private, optional)": ""})
    await done.followup()


async def test_tally_follows_the_bots_clock_and_stops_with_the_bot(
    emulator: Emulator, run_bot: object, clock: ManualClock, alice: Person, guild: Guild
) -> None:
    bob = emulator.add_person("bob", guilds=[guild])
    olga = emulator.add_person("olga", guilds=[guild], manage_guild=True)
    async with run_bot() as running:  # type: ignore[operator]
        assert isinstance(running, Running)
        await olga.slash("setup channel", channel=guild.channel("general"))
        clock.set(MONDAY_9)
        await running.scheduler.idle()
        checkin = await emulator.next_message(guild.channel("general"))
        await commit(alice, checkin)
        await settle()
        assert "1 member" in tally(emulator, checkin)
        await commit(bob, checkin)
        await asyncio.sleep(TALLY_EVERY + 0.5)  # real time passing does not count...
        assert "1 member" in tally(emulator, checkin)
        clock.advance(timedelta(seconds=TALLY_EVERY))  # ...the bot's clock does
        await settle()
        assert "2 members" in tally(emulator, checkin)
        await commit(olga, checkin)  # an edit waits; the bot stops before it is due
        cog = running.bot.get_cog("Rhythm")
        pending = set(cog._tally_tasks)  # type: ignore[union-attr]
        assert pending
    assert all(task.done() for task in pending)
