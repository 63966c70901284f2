"""One weekly goal (issue #10): the standing goal, unless this week's check-in set another, and
the same number, with where it came from, in /win, /me stats and the chart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Channel, Emulator, Guild, Message, Person

MONDAY_9 = datetime(2026, 11, 16, 9, 0, 20, tzinfo=UTC)
GOAL_FIELD = "How many next conversations this week?"


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def checkin(
    emulator: Emulator, running: Running, clock: ManualClock, organiser: Person, guild: Guild
) -> Message:
    """The group set up, and Monday's check-in posted in its channel."""
    channel: Channel = guild.channel("general")
    await organiser.slash("setup channel", channel=channel, guild=guild)
    clock.set(MONDAY_9)
    await running.scheduler.idle()
    return await emulator.next_message(channel)


async def commit(person: Person, post: Message, goal: int, *, share: bool = False) -> None:
    if share:
        modal = await person.click(post, "Share my plan")
        fields = {GOAL_FIELD: str(goal), "Your plan": "Call Bea"}
    else:
        modal = await person.click(post, "Set a private goal")
        fields = {GOAL_FIELD: str(goal)}
    done = await person.submit_modal(modal, fields)
    assert "Committed" in (await done.followup()).content


async def stats_text(person: Person, guild: Guild | None = None) -> str:
    reply = await person.slash("me stats", guild=guild) if guild else await person.slash("me stats")
    return (await reply.followup()).text()


async def test_the_checkin_goal_is_this_weeks_goal_in_win_and_stats(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    post = await checkin(emulator, bot, clock, organiser, guild)
    await commit(alice, post, 2)
    # Seen: "1 this week: goal of 1 reached" right after committing to 2.
    win = await alice.slash("win", kind="networking", who="Ann")
    assert "1 of your 2 this week (from your check-in on Monday)" in win.message.text()
    assert "1 of your 2 this week (from your check-in on Monday)" in await stats_text(alice)


async def test_stats_agree_with_the_goal_shared_in_the_recap(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    post = await checkin(emulator, bot, clock, organiser, guild)
    await commit(alice, post, 5, share=True)
    await alice.slash("win", kind="networking", who="Ann")
    await alice.slash("win", kind="networking", who="Ben")
    # Seen: the recap said "2 wins (goal 5)" while /me stats said "goal of 1 reached".
    text = await stats_text(alice)
    assert "2 of your 5 this week (from your check-in on Monday)" in text
    assert "goal of 1" not in text


async def test_the_standing_goal_says_where_it_came_from(bot: Running, alice: Person) -> None:
    await alice.slash("me goal", count=3)
    win = await alice.slash("win", kind="networking", who="Ann")
    assert "1 of your 3 this week (your weekly goal)" in win.message.text()


async def test_goal_set_after_a_checkin_says_this_week_keeps_the_checkin_goal(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    post = await checkin(emulator, bot, clock, organiser, guild)
    await commit(alice, post, 2)
    reply = await alice.slash("me goal", count=4)
    assert "Weekly goal set to **4**" in reply.message.content
    assert "This week you committed to 2 at the check-in" in reply.message.content
    assert "1 of your 2" in (await alice.slash("win", kind="intro", who="Cy")).message.text()


async def test_in_several_groups_the_latest_commitment_counts(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    other = emulator.add_guild("Second Club", channels=("general",))
    alice.join(other)
    organiser.join(other, manage_guild=True)
    first = await checkin(emulator, bot, clock, organiser, guild)
    await organiser.slash("setup channel", channel=other.channel("general"), guild=other)
    # The second group's channel was set after 09:00, so its check-in comes next week: its
    # commitment for this week is written as the check-in form would.
    await commit(alice, first, 2)
    clock.set(MONDAY_9.replace(hour=10))
    await bot.db.execute(
        "INSERT INTO commitments (guild_id, user_id, week, goal, public, created_at, updated_at)"
        " VALUES (?, ?, '2026-11-16', 4, 0, ?, ?)",
        (other.id, alice.id, "2026-11-16T10:00:00.000000Z", "2026-11-16T10:00:00.000000Z"),
    )
    assert "0 of your 4 this week" in await stats_text(alice, guild)
    clock.set(MONDAY_9.replace(hour=11))
    await commit(alice, first, 3)
    assert "0 of your 3 this week" in await stats_text(alice, guild)
