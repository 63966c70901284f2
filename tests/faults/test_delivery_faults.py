"""Weekly posts and reminder DMs survive Discord's and our own transient failures: every item
goes out exactly once (issue #9, "a claim that is never finished is lost for good")."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Channel, Emulator, Guild, Person

MONDAY_9 = datetime(2026, 11, 16, 9, 0, 20, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 11, 17, 9, 0, 20, tzinfo=UTC)
POSTS = r"/channels/\d+/messages"


async def tick(running: Running, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await running.scheduler.idle()


async def groups_with_channels(
    emulator: Emulator, count: int
) -> list[tuple[Guild, Channel, Person]]:
    made = []
    for n in range(count):
        guild = emulator.add_guild(f"Club {n}")
        organiser = emulator.add_person(f"org{n}", guilds=[guild], manage_guild=True)
        made.append((guild, guild.channel("general"), organiser))
    for _, channel, organiser in made:
        await organiser.slash("setup channel", channel=channel)
    return made


async def members_with_follow_ups(emulator: Emulator, guild: Guild, count: int) -> list[Person]:
    people = [emulator.add_person(f"m{n}", guilds=[guild]) for n in range(count)]
    for person in people:
        await person.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
    return people


def posted(emulator: Emulator, channel: Channel, text: str) -> list[int]:
    """Ids of the bot's own public messages in a channel that contain ``text``."""
    return [
        m.id
        for m in emulator.world.channels[channel.id].messages
        if m.from_bot and not m.ephemeral and not m.deleted and text in m.text()
    ]


def checkins(emulator: Emulator, channel: Channel) -> list[int]:
    return posted(emulator, channel, "Weekly check-in")


def dms_by_person(emulator: Emulator, people: list[Person]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for person in people:
        for channel in emulator.world.channels.values():
            if channel.recipient is person:
                counts[person.name] += sum(
                    1 for m in channel.messages if m.from_bot and "Today's follow-ups" in m.text()
                )
    return counts


async def statuses(running: Running, kind_like: str) -> Counter[str]:
    rows = await running.db.fetchall(
        "SELECT status FROM deliveries WHERE kind LIKE ?", (kind_like,)
    )
    return Counter(r[0] for r in rows)


async def test_a_503_on_a_post_is_retried_not_lost(
    emulator: Emulator, bot: Running, clock: ManualClock
) -> None:
    made = await groups_with_channels(emulator, 3)
    emulator.fail("POST", POSTS, status=503, times=1)
    await tick(bot, clock, MONDAY_9)
    assert sum(len(checkins(emulator, c)) for _, c, _ in made) == 2
    await tick(bot, clock, MONDAY_9 + timedelta(seconds=31))
    assert [len(checkins(emulator, c)) for _, c, _ in made] == [1, 1, 1]
    assert await statuses(bot, "post:checkin") == Counter(sent=3)


async def test_repeated_server_errors_and_rate_limits_are_ridden_out(
    emulator: Emulator, bot: Running, clock: ManualClock
) -> None:
    [(_, channel, _)] = await groups_with_channels(emulator, 1)
    emulator.fail("POST", POSTS, status=503, times=5)
    await tick(bot, clock, MONDAY_9)
    for seconds in (31, 62, 124, 248, 496):
        await tick(bot, clock, clock.now() + timedelta(seconds=seconds))
    assert len(checkins(emulator, channel)) == 1
    # Six global 429s in a row: more than discord.py waits out by itself.
    emulator.fail("POST", POSTS, status=429, times=6, retry_after=0.01, global_=True)
    await tick(bot, clock, datetime(2026, 11, 18, 12, 0, 20, tzinfo=UTC))
    await tick(bot, clock, clock.now() + timedelta(seconds=31))
    prompts = [
        m
        for m in emulator.world.channels[channel.id].messages
        if "follow up, don't wait" in m.text()
    ]
    assert len(prompts) == 1
    assert await statuses(bot, "post:%") == Counter(sent=2)


async def test_a_connection_reset_loses_no_reminder(
    emulator: Emulator, bot: Running, clock: ManualClock, guild: Guild
) -> None:
    people = await members_with_follow_ups(emulator, guild, 6)
    sends = 0

    def reset_the_third() -> None:
        nonlocal sends
        sends += 1
        if sends == 3:
            emulator.fail("POST", POSTS, status=0)

    emulator.on_request("POST", POSTS, "before", reset_the_third)
    await tick(bot, clock, TUESDAY_9)
    await tick(bot, clock, TUESDAY_9 + timedelta(seconds=31))
    assert dms_by_person(emulator, people) == Counter({p.name: 1 for p in people})
    assert await statuses(bot, "followup-dm") == Counter(sent=6)


async def test_an_answer_lost_after_discords_write_is_not_sent_twice(
    emulator: Emulator, bot: Running, clock: ManualClock
) -> None:
    made = await groups_with_channels(emulator, 2)
    emulator.fail("POST", POSTS, status=0, after_write=True)
    emulator.fail("POST", POSTS, status=503, after_write=True)
    await tick(bot, clock, MONDAY_9)
    await tick(bot, clock, MONDAY_9 + timedelta(seconds=31))
    assert [len(checkins(emulator, c)) for _, c, _ in made] == [1, 1]
    assert await statuses(bot, "post:checkin") == Counter(sent=2)


@pytest.mark.sqlite_only  # holds the SQLite file with a second connection
async def test_a_locked_database_mid_batch_delays_but_loses_nothing(
    emulator: Emulator, bot: Running, clock: ManualClock, guild: Guild, db_path: Path
) -> None:
    people = await members_with_follow_ups(emulator, guild, 8)
    locker = sqlite3.connect(db_path, timeout=0)
    sent = 0

    def lock_after_the_first() -> None:
        nonlocal sent
        sent += 1
        if sent == 1:
            locker.execute("BEGIN EXCLUSIVE")

    emulator.on_request("POST", POSTS, "after", lock_after_the_first)
    clock.set(TUESDAY_9)
    await asyncio.sleep(8)  # another program holds the database for 8 seconds
    locker.rollback()
    locker.close()
    await bot.scheduler.idle()
    for _ in range(4):
        await tick(bot, clock, clock.now() + timedelta(minutes=2))
    assert dms_by_person(emulator, people) == Counter({p.name: 1 for p in people})
    assert await statuses(bot, "followup-dm") == Counter(sent=8)


async def test_gateway_drops_mid_fan_out_change_nothing(
    emulator: Emulator, bot: Running, clock: ManualClock, guild: Guild
) -> None:
    people = await members_with_follow_ups(emulator, guild, 6)
    drops = 0

    def drop_twice() -> None:
        nonlocal drops
        drops += 1
        if drops in (2, 4):
            asyncio.get_running_loop().create_task(emulator.disconnect(resume=drops == 2))

    emulator.on_request("POST", POSTS, "after", drop_twice)
    await tick(bot, clock, TUESDAY_9)
    await emulator.wait_until_ready(timeout=15)
    await tick(bot, clock, TUESDAY_9 + timedelta(minutes=2))
    assert dms_by_person(emulator, people) == Counter({p.name: 1 for p in people})


@pytest.mark.parametrize("closed_how", ["dms closed", "left the server"])
async def test_closed_dms_are_recorded_and_not_retried(
    emulator: Emulator, bot: Running, clock: ManualClock, guild: Guild, closed_how: str
) -> None:
    [alice, bob] = await members_with_follow_ups(emulator, guild, 2)
    if closed_how == "dms closed":
        alice.dms_open = False
    else:
        alice.leave(guild)
    await tick(bot, clock, TUESDAY_9)
    await tick(bot, clock, TUESDAY_9 + timedelta(hours=1))
    assert dms_by_person(emulator, [alice, bob]) == Counter({"m1": 1})
    assert await statuses(bot, "followup-dm") == Counter(sent=1, failed=1)
    assert await bot.db.fetchval(
        "SELECT dm_closed_at IS NOT NULL FROM users WHERE user_id = ?", (alice.id,)
    )


async def test_a_welcome_that_failed_is_sent_later_not_lost(
    emulator: Emulator, bot: Running, clock: ManualClock
) -> None:
    emulator.fail("POST", POSTS, status=503, times=1)
    club = emulator.add_guild("New Club", channels=("lobby",))
    # The bot hears of the new server over the gateway and tries at once; time moves on only
    # once that try has failed and its retry is booked (on a busy machine, waiting for the
    # server's row alone let the clock move first, and the retry was booked after it).
    for _ in range(500):
        status = await bot.db.fetchval(
            "SELECT status FROM deliveries WHERE kind = 'welcome' AND target_id = ?", (club.id,)
        )
        if status == "retry":
            break
        await asyncio.sleep(0.02)
    assert status == "retry"
    await bot.scheduler.idle()
    assert posted(emulator, club.channel("lobby"), "Thanks for adding") == []
    await tick(bot, clock, clock.now() + timedelta(seconds=31))
    assert len(posted(emulator, club.channel("lobby"), "Thanks for adding")) == 1


async def test_one_unreadable_row_stops_no_post_and_no_command(
    emulator: Emulator, bot: Running, clock: ManualClock, guild: Guild, alice: Person
) -> None:
    # Issue #9: one member's odd date once stopped the whole group's leaderboard, /me stats
    # and the report. A row no build should write (a damaged or hand-edited database) is
    # skipped and logged, never fatal.
    organiser = emulator.add_person("olga", guilds=[guild], manage_guild=True)
    await organiser.slash("setup channel", channel=guild.channel("general"))
    await alice.slash("win", kind="networking", who="Bea")
    for happened in ("garbage", "999-12-31T12:00:00.000000Z"):
        await bot.db.execute(
            "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
            "VALUES (?, 'networking', 'X', '2026-11-16', ?, '2026-11-16T08:00:00.000000Z')",
            (alice.id, happened),
        )
    stats = await alice.slash("me stats")
    assert "incident" not in (await stats.followup()).text()
    report = await organiser.slash("setup report")
    assert "incident" not in (await report.followup()).text()
    await tick(bot, clock, datetime(2026, 11, 22, 18, 0, 20, tzinfo=UTC))
    assert len(posted(emulator, guild.channel("general"), "Leaderboard")) == 1
