"""The weekly posts end to end: on time, exactly once across restarts and downtime, the
check-in's commitments, recap, leaderboard, failures, leaving, and nudges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Channel, Emulator, EmulatorTimeout, Guild, Message, Person
from tests.e2e.conftest import BotFactory

MONDAY_9 = datetime(2026, 11, 16, 9, 0, 20, tzinfo=UTC)


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def set_up(organiser: Person, guild: Guild, channel: str = "general") -> Channel:
    await organiser.slash("setup channel", channel=guild.channel(channel))
    return guild.channel(channel)


async def tick(running: Running, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await running.scheduler.idle()


async def nothing_in(emulator: Emulator, channel: Channel) -> None:
    with pytest.raises(EmulatorTimeout):
        await emulator.next_message(channel, timeout=0.3)


async def posts(running: Running, kind: str) -> list[tuple[str, str]]:
    rows = await running.db.fetchall(
        "SELECT period, status FROM deliveries WHERE kind = ? ORDER BY period", (f"post:{kind}",)
    )
    return [tuple(r) for r in rows]


async def test_checkin_on_time_with_commitments_and_tally(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    channel = await set_up(organiser, guild)
    await tick(bot, clock, datetime(2026, 11, 16, 8, 59, tzinfo=UTC))
    await nothing_in(emulator, channel)
    await tick(bot, clock, MONDAY_9)
    checkin = await emulator.next_message(channel)
    assert "what's your next interview" in checkin.text()
    assert checkin.buttons() == ["Share my plan", "Set a private goal"]
    assert "0 members" in checkin.text()
    modal = await alice.click(checkin, "Share my plan")
    done = await alice.submit_modal(
        modal,
        {
            "How many next conversations this week?": "3",
            "Your plan": "Call Bea and ask Cy for an intro",
        },
    )
    assert "Committed: 3" in (await done.followup()).content
    shared = await emulator.next_message(channel)
    assert "plan this week** (3 next conversations): Call Bea and ask Cy for an intro" in (
        shared.content
    )
    modal = await organiser.click(checkin, "Set a private goal")
    private = await organiser.submit_modal(
        modal,
        {
            "How many next conversations this week?": "2",
            "Your plan (private, optional)": "secret plan XYZ",
        },
    )
    await private.followup()
    clock.advance(timedelta(seconds=3))  # the tally is edited at most every 3 s
    await emulator_settle(emulator, checkin, "2 members")
    for message in emulator.sent_messages:
        assert "secret plan XYZ" not in message.text()
    bad = await alice.click(checkin, "Set a private goal")
    refused = await alice.submit_modal(bad, {"How many next conversations this week?": "a"})
    assert "isn't a count" in (await refused.followup()).content
    assert await bot.db.fetchval("SELECT goal FROM commitments WHERE user_id = ?", (alice.id,)) == 3


async def emulator_settle(emulator: Emulator, message: Message, expected: str) -> None:
    """Wait for the throttled tally edit to land."""
    import asyncio

    for _ in range(80):
        if expected in emulator.world.messages[message.id].text():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{expected!r} never appeared: {emulator.world.messages[message.id]}")


async def test_each_post_at_its_time(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    channel = await set_up(organiser, guild)
    await tick(bot, clock, MONDAY_9)
    await emulator.next_message(channel)
    await alice.slash("win", kind="interview", who="Acme", note="private note QWE", follow_up="wed")
    await alice.slash("win", kind="networking", who="Bea")
    checkin = next(m for m in emulator.sent_messages if "check-in" in m.text())
    modal = await alice.click(checkin, "Share my plan")
    done = await alice.submit_modal(
        modal, {"How many next conversations this week?": "2", "Your plan": "Keep going"}
    )
    await done.followup()
    await emulator.next_message(channel)  # the shared plan
    await tick(bot, clock, datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC))
    prompt = await emulator.next_message(channel)
    assert "**1** follow-up is due across the group this week" in prompt.text()
    mine = await alice.click(prompt, "Show mine")
    assert mine.message.ephemeral and "Follow up" in mine.message.text()
    await tick(bot, clock, datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC))
    recap = await emulator.next_message(channel)
    assert f"<@{alice.id}>: 2 wins of 2 ✓" in recap.text()
    assert "job interview: 1" in recap.text()
    await tick(bot, clock, datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC))
    board = await emulator.next_message(channel)
    assert f"1. <@{alice.id}>: 4 points · 2 wins · streak 1" in board.text()
    assert "2 wins (last week: 0)" in board.text()
    [(name, data)] = board.attachments
    assert name == "group-weeks.png" and data.startswith(b"\x89PNG")
    for message in emulator.sent_messages:
        if message.guild_id and not message.ephemeral:
            assert "QWE" not in message.text() and "Acme" not in message.text()


async def test_quiet_week_gets_a_friendly_board(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    channel = await set_up(organiser, guild)
    await tick(bot, clock, datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC))
    board = await emulator.next_message(channel)
    assert "A quiet stretch" in board.text() and not board.attachments


async def test_restarts_before_at_and_after_post_time_post_once(
    emulator: Emulator,
    run_bot: BotFactory,
    clock: ManualClock,
    organiser: Person,
    guild: Guild,
) -> None:
    async with run_bot() as running:
        channel = await set_up(organiser, guild)
        await tick(running, clock, datetime(2026, 11, 16, 8, 59, 50, tzinfo=UTC))
    async with run_bot() as running:  # back just after the post time
        await tick(running, clock, datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC))
        await emulator.next_message(channel)
    async with run_bot() as running:  # and again: nothing repeats
        await tick(running, clock, datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
        await nothing_in(emulator, channel)
        await emulator.disconnect(resume=True)
        await tick(running, clock, datetime(2026, 11, 16, 10, 0, tzinfo=UTC))
        await nothing_in(emulator, channel)
        assert await posts(running, "checkin") == [("2026-11-16", "sent")]


async def test_downtime_within_grace_posts_on_return_beyond_is_skipped(
    emulator: Emulator,
    run_bot: BotFactory,
    clock: ManualClock,
    organiser: Person,
    guild: Guild,
) -> None:
    async with run_bot() as running:
        channel = await set_up(organiser, guild)
    clock.set(datetime(2026, 11, 16, 20, 0, tzinfo=UTC))  # down 11 h past Monday 09:00
    async with run_bot() as running:
        await running.scheduler.idle()
        assert "check-in" in (await emulator.next_message(channel)).text()
    clock.set(datetime(2026, 11, 19, 1, 0, tzinfo=UTC))  # down 13 h past Wednesday 12:00
    async with run_bot() as running:
        await running.scheduler.idle()
        await nothing_in(emulator, channel)
        assert await posts(running, "followups") == [("2026-11-16", "skipped")]
        shown = (await organiser.slash("setup show")).message.text()
        assert "followups skipped" in shown


async def test_schedule_change_takes_effect_at_once(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    channel = await set_up(organiser, guild)
    await tick(bot, clock, MONDAY_9)
    await emulator.next_message(channel)
    # Moving the check-in later the same day does not post it twice this week.
    await organiser.slash("setup schedule", post="checkin", day="mon", time="10:00")
    await tick(bot, clock, datetime(2026, 11, 16, 10, 0, 30, tzinfo=UTC))
    await nothing_in(emulator, channel)
    # A new slot for the recap works from the next occurrence.
    await organiser.slash("setup schedule", post="recap", day="mon", time="11:00")
    await tick(bot, clock, datetime(2026, 11, 16, 11, 0, 30, tzinfo=UTC))
    assert "Friday recap" in (await emulator.next_message(channel)).text()


async def test_deleted_channel_and_missing_permission_are_reported(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    channel = await set_up(organiser, guild)
    emulator.set_bot_permissions(
        channel, deny=__import__("discord").Permissions(send_messages=True)
    )
    await tick(bot, clock, MONDAY_9)
    shown = (await organiser.slash("setup show")).message.text()
    assert "checkin will be retried" in shown
    assert "I'm missing a permission in the channel (50013)" in shown
    emulator.delete_channel(channel)
    await tick(bot, clock, datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC))
    shown = (await organiser.slash("setup show")).message.text()
    assert "the channel was deleted" in shown
    assert "no longer exists" in shown
    # Past the grace window the check-in is given up, and says why.
    await tick(bot, clock, datetime(2026, 11, 18, 12, 31, tzinfo=UTC))
    shown = (await organiser.slash("setup show")).message.text()
    assert "checkin not delivered (not delivered within the grace window" in shown


async def test_a_permission_fixed_within_the_grace_window_lets_the_post_go_out(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    # Issue #9: a post refused for a missing permission was never tried again.
    channel = await set_up(organiser, guild)
    emulator.set_bot_permissions(
        channel, deny=__import__("discord").Permissions(send_messages=True)
    )
    await tick(bot, clock, MONDAY_9)
    await nothing_in(emulator, channel)
    emulator.set_bot_permissions(channel)
    await tick(bot, clock, MONDAY_9 + timedelta(minutes=31))
    assert "check-in" in (await emulator.next_message(channel)).text()
    assert await posts(bot, "checkin") == [("2026-11-16", "sent")]


async def test_a_new_channel_gets_the_waiting_post_at_once(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    old = await set_up(organiser, guild)
    emulator.delete_channel(old)
    await tick(bot, clock, MONDAY_9)
    new = emulator.add_channel(guild, "job-club")
    await organiser.slash("setup channel", channel=new)
    await bot.scheduler.idle()
    assert "check-in" in (await emulator.next_message(new)).text()
    assert await posts(bot, "checkin") == [("2026-11-16", "sent")]


async def test_leaving_a_server_stops_its_posts(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    await set_up(organiser, guild)
    emulator.remove_guild(guild)
    for _ in range(50):  # the bot learns it was removed from the gateway
        if await bot.db.fetchval("SELECT left_at FROM guilds"):
            break
        await __import__("asyncio").sleep(0.02)
    await tick(bot, clock, MONDAY_9)
    assert await posts(bot, "checkin") == []


async def test_pause_skips_posts_until_the_date(
    emulator: Emulator, bot: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> None:
    channel = await set_up(organiser, guild)
    await organiser.slash("setup pause", until="2026-11-17")
    await tick(bot, clock, MONDAY_9)
    await nothing_in(emulator, channel)
    await tick(bot, clock, datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC))
    assert "follow up" in (await emulator.next_message(channel)).text().lower()


async def test_leaderboard_on_demand_and_hiding(
    emulator: Emulator, bot: Running, organiser: Person, alice: Person, guild: Guild
) -> None:
    await alice.slash("win", kind="offer", who="Globex")
    await organiser.slash("win", kind="networking", who="Ann")
    reply = await alice.slash("leaderboard")
    text = (await reply.wait_message()).text()
    assert text.index(f"<@{alice.id}>") < text.index(f"<@{organiser.id}>")
    hidden = await alice.slash("me leaderboard", visibility="hide")
    assert "hidden" in hidden.message.content
    text = (await (await organiser.slash("leaderboard", period="all")).wait_message()).text()
    assert f"<@{alice.id}>" not in text and "2 wins" in text


async def test_report_for_facilitators(
    bot: Running, clock: ManualClock, organiser: Person, alice: Person, guild: Guild
) -> None:
    await alice.slash("win", kind="interview", who="Acme")
    await organiser.slash("help")
    reply = await organiser.slash("setup report")
    message = await reply.followup()
    assert "Wins this week" in message.text()
    [(name, data)] = message.attachments
    assert name == "group-report.csv"
    lines = data.decode().splitlines()
    assert lines[0].startswith("user_id,name,wins_this_week")
    assert f"{alice.id},alice,1,1,2026-11-16" in data.decode()


async def test_inactive_member_gets_one_kind_nudge(
    emulator: Emulator, bot: Running, clock: ManualClock, alice: Person
) -> None:
    await alice.slash("win", kind="networking", who="Ann")
    await tick(bot, clock, clock.now() + timedelta(days=13))
    with pytest.raises(EmulatorTimeout):
        await alice.next_dm(timeout=0.3)
    await tick(bot, clock, clock.now() + timedelta(days=1, minutes=1))
    nudge = await alice.next_dm()
    assert "14 days since your last logged win" in nudge.text()
    assert "next-interview" in nudge.text()
    await tick(bot, clock, clock.now() + timedelta(days=10))
    with pytest.raises(EmulatorTimeout):
        await alice.next_dm(timeout=0.3)
