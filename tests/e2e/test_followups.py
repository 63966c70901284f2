"""Follow-ups end to end: list, Done/Snooze/Drop, and the daily reminder DM exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, EmulatorTimeout, Person
from tests.e2e.conftest import BotFactory


async def reminders_sent(running: Running) -> int:
    return int(
        await running.db.fetchval(
            "SELECT count(*) FROM deliveries WHERE kind = 'followup-dm' AND status = 'sent'"
        )
    )


async def no_dm(person: Person) -> None:
    with pytest.raises(EmulatorTimeout):
        await person.next_dm(timeout=0.3)


async def test_list_done_snooze_drop(bot: Running, alice: Person) -> None:
    await alice.slash("win", kind="interview", who="Acme", follow_up="today")
    await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
    await alice.slash("win", kind="networking", who="Cy", follow_up="2w")
    listing = await alice.slash("followups list")
    text = listing.message.text()
    assert "0 overdue · 1 today · 2 upcoming" in text
    assert listing.message.buttons()[:5] == [
        "1. Done",
        "1. +1 day",
        "1. +3 days",
        "1. +1 week",
        "1. Drop",
    ]
    done = await alice.click(listing.message, "1. Done")
    assert "Logged as a follow-up win" in done.message.content
    kinds = [r[0] for r in await bot.db.fetchall("SELECT kind FROM wins ORDER BY win_id")]
    assert kinds == ["interview", "networking", "networking", "follow-up"]
    again = await alice.click(listing.message, "1. Done")
    assert "already" in again.message.content
    assert kinds == [r[0] for r in await bot.db.fetchall("SELECT kind FROM wins ORDER BY win_id")]
    snoozed = await alice.click(listing.message, "2. +3 days")
    assert "Snoozed to Fri 20 Nov, 3 days after its due date" in snoozed.message.content
    dropped = await alice.click(listing.message, "3. Drop")
    assert "Dropped" in dropped.message.content
    statuses = await bot.db.fetchall("SELECT person, status, due_on FROM follow_ups ORDER BY 1")
    assert [tuple(r) for r in statuses] == [
        ("Acme", "done", "2026-11-16"),
        ("Bea", "snoozed", "2026-11-20"),
        ("Cy", "dropped", "2026-11-30"),
    ]


async def test_empty_list_explains_what_to_do(bot: Running, alice: Person) -> None:
    reply = await alice.slash("followups list")
    assert "Nothing to follow up on" in reply.message.text()


async def test_reminder_arrives_once_at_the_hour_in_members_zone(
    emulator: Emulator, run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot() as running:
        await alice.slash("me timezone", tz="America/New_York")
        await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
        await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
        # Tue 17 Nov 08:59 in New York is 13:59 UTC.
        clock.set(datetime(2026, 11, 17, 13, 59, tzinfo=UTC))
        await running.scheduler.idle()
        await no_dm(alice)
        clock.set(datetime(2026, 11, 17, 14, 0, 30, tzinfo=UTC))
        await running.scheduler.idle()
        dm = await alice.next_dm()
        assert "Today's follow-ups" in dm.text()
        assert "Acme" in dm.text() and "Bea" in dm.text()  # one DM, batched
        await no_dm(alice)
        done = await alice.click(dm, "1. Done")
        assert "Done" in done.message.content
        await emulator.disconnect(resume=True)
        clock.advance(timedelta(minutes=30))
        await running.scheduler.idle()
        await no_dm(alice)
    async with run_bot() as restarted:
        await restarted.scheduler.idle()
        await no_dm(alice)
        assert await reminders_sent(restarted) == 1
        # The buttons of the DM still work after a restart (persistent).
        dropped = await alice.click(dm, "2. Drop")
        assert "Dropped" in dropped.message.content


async def test_downtime_over_the_hour_sends_on_return(
    run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot():
        await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
    clock.set(datetime(2026, 11, 17, 11, 30, tzinfo=UTC))  # down across 09:00 UTC
    async with run_bot() as running:
        await running.scheduler.idle()
        assert "Acme" in (await alice.next_dm()).text()
        assert await reminders_sent(running) == 1


async def test_downtime_past_the_grace_window_skips_that_day(
    run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot():
        await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
    clock.set(datetime(2026, 11, 17, 22, 0, tzinfo=UTC))  # 13 h after the hour
    async with run_bot() as running:
        await running.scheduler.idle()
        await no_dm(alice)
        # A missed reminder is not sent late; what it held is overdue the next day, listed as
        # such, and rides along with the next reminder.
        await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
        clock.set(datetime(2026, 11, 18, 9, 0, 5, tzinfo=UTC))
        await running.scheduler.idle()
        text = (await alice.next_dm()).text()
        assert "Acme" in text and "Bea" in text
        listing = await alice.slash("followups list")
        assert "1 overdue" in listing.message.text()


async def test_closed_dms_are_recorded_and_the_member_told(
    emulator: Emulator, bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
    alice.dms_open = False
    clock.set(datetime(2026, 11, 17, 9, 0, 1, tzinfo=UTC))
    await bot.scheduler.idle()
    row = await bot.db.fetchone("SELECT status, detail FROM deliveries")
    assert row["status"] == "failed" and "50007" in row["detail"]
    assert await bot.db.fetchval("SELECT dm_closed_at FROM users") is not None
    # Nothing is retried blindly: the next day brings no attempt while DMs are known closed.
    before = len(emulator.requests)
    clock.set(datetime(2026, 11, 18, 9, 0, 1, tzinfo=UTC))
    await bot.scheduler.idle()
    assert not [r for r in emulator.requests[before:] if "/messages" in r.path]
    reply = await alice.slash("help")
    notice = await reply.followup()
    assert notice.ephemeral and "DMs are closed" in notice.content
    assert await bot.db.fetchval("SELECT dm_closed_at FROM users") is None


async def test_reminders_off_means_no_dm(bot: Running, alice: Person, clock: ManualClock) -> None:
    await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
    off = await alice.slash("me reminders", state="off")
    assert "Reminders off" in off.message.content
    clock.set(datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    await bot.scheduler.idle()
    await no_dm(alice)
    on = await alice.slash("me reminders", state="on", hour=14)
    assert "14:00" in on.message.content
    clock.set(datetime(2026, 11, 17, 14, 0, 1, tzinfo=UTC))
    await bot.scheduler.idle()
    assert "Acme" in (await alice.next_dm()).text()
