"""A double press (two clicks that arrive together) acts once, for every button that changes
data outside the exercises (those are in tests/e2e/test_exercise_faults.py) (issue #9)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Person

GOAL = "How many next conversations this week?"


async def twice(*presses: object) -> list[object]:
    return list(await asyncio.gather(*presses))  # type: ignore[arg-type]


async def count(running: Running, query: str) -> int:
    return int(await running.db.fetchval(query))


async def test_follow_up_done_twice_logs_one_win(bot: Running, alice: Person) -> None:
    await alice.slash("win", kind="networking", who="Bea", follow_up="today")
    listing = await alice.slash("followups list")
    await twice(alice.click(listing.message, "1. Done"), alice.click(listing.message, "1. Done"))
    assert await count(bot, "SELECT count(*) FROM wins WHERE kind = 'follow-up'") == 1


async def test_a_suggestion_added_twice_is_one_follow_up(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="interview", who="Acme")
    button = reply.message.buttons()[0]
    await twice(alice.click(reply.message, button), alice.click(reply.message, button))
    assert await count(bot, "SELECT count(*) FROM follow_ups") == 1


async def test_removing_a_win_twice_removes_one(bot: Running, alice: Person) -> None:
    await alice.slash("win", kind="networking", who="Bea")
    await alice.slash("win", kind="networking", who="Cy")
    listing = await alice.slash("wins")
    win_id = await count(bot, "SELECT min(win_id) FROM wins")
    confirm = await alice.select(listing.message, [str(win_id)])
    await twice(
        alice.click(confirm.message, "Remove it"), alice.click(confirm.message, "Remove it")
    )
    assert await count(bot, "SELECT count(*) FROM wins") == 1


async def test_the_check_in_form_sent_twice_at_once_posts_one_plan(
    emulator: Emulator, bot: Running, clock: ManualClock, alice: Person, guild: Guild
) -> None:
    olga = emulator.add_person("olga", guilds=[guild], manage_guild=True)
    await olga.slash("setup channel", channel=guild.channel("general"))
    clock.set(datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC))
    await bot.scheduler.idle()
    checkin = await emulator.next_message(guild.channel("general"))
    first = await alice.click(checkin, "Share my plan")
    second = await alice.click(checkin, "Share my plan")
    fields = {GOAL: "2", "Your plan": "Call Bea"}
    done = await twice(alice.submit_modal(first, fields), alice.submit_modal(second, fields))
    for reply in done:
        await reply.followup()  # type: ignore[attr-defined]
    channel = emulator.world.channels[guild.channel("general").id]
    plans = [m for m in channel.messages if m.from_bot and "plan this week" in m.text()]
    assert len(plans) == 1
    assert await count(bot, "SELECT count(*) FROM commitments") == 1
