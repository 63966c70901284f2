"""/me end to end: time zone, goal, reminders, stats with its chart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Person


async def test_timezone_autocomplete_and_validation(bot: Running, alice: Person) -> None:
    choices = await alice.autocomplete("me timezone", "tz", "new yo")
    assert {"name": "America/New_York", "value": "America/New_York"} in choices
    assert len(choices) <= 25
    reply = await alice.slash("me timezone", tz="Europe/Paris")
    assert "**Europe/Paris**" in reply.message.content
    assert "09:00 on Mon 16 Nov" in reply.message.content
    bad = await alice.slash("me timezone", tz="Mars/Olympus")
    assert "not a time zone I know" in bad.message.content
    assert await bot.db.fetchval("SELECT timezone FROM users") == "Europe/Paris"


async def test_goal_and_week_count(bot: Running, alice: Person) -> None:
    reply = await alice.slash("me goal", count=3)
    assert "Weekly goal set to **3**" in reply.message.content
    with pytest.raises(ValueError, match="count"):
        await alice.slash("me goal", count=51)
    win = await alice.slash("win", kind="networking", who="Ann")
    assert "1 of your 3 this week" in win.message.text()


async def test_stats_with_streak_totals_and_chart(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("me goal", count=2)
    await alice.slash("pipeline add", company="Acme", stage="talking")
    for week in range(3):
        await alice.slash("win", kind="interview" if week else "networking", who=f"W{week}")
        clock.advance(timedelta(weeks=1))
    await alice.slash("win", kind="intro", who="Now")
    reply = await alice.slash("me stats")
    assert reply.kind == "deferred"
    message = await reply.followup()
    text = message.text()
    assert "1 of your 2 this week" in text
    assert "4 weeks in a row" in text
    assert "job interview: 2" in text and "networking conversation: 1" in text
    assert "In the works" in text and "1 (aim for 6-10)" in text
    [(name, data)] = message.attachments
    assert name == "wins-per-week.png"
    assert data.startswith(b"\x89PNG")


async def test_streak_follows_the_members_zone(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    # Monday 00:30 UTC is still Sunday evening in New York: the win belongs to that Sunday.
    await alice.slash("me timezone", tz="America/New_York")
    clock.set(clock.now() + timedelta(days=7) - timedelta(hours=8) + timedelta(minutes=30))
    await alice.slash("win", kind="networking", who="Late talk")
    row = await bot.db.fetchone("SELECT happened_on FROM wins")
    assert row["happened_on"] == "2026-11-22"
