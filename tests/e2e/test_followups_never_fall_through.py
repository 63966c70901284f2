"""Follow-ups that never fall through (issue #10): every due item actionable from the reminder,
overdue items marked and reminded again weekly (exactly once each), snoozes counted from the
due date, and numbering that continues across pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import EmulatorTimeout, Person
from tests.e2e.conftest import BotFactory


async def no_dm(person: Person) -> None:
    with pytest.raises(EmulatorTimeout):
        await person.next_dm(timeout=0.3)


async def at(running: Running, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await running.scheduler.idle()


async def test_every_due_item_is_actionable_from_the_reminder(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    for index in range(1, 8):
        await alice.slash("win", kind="networking", who=f"Person {index}", follow_up="tomorrow")
    await at(bot, clock, datetime(2026, 11, 17, 9, 0, 5, tzinfo=UTC))
    dm = await alice.next_dm()
    # Seen: buttons for 4 of 7 due items, and no way to reach the other three.
    assert "1. Done" in dm.buttons() and "4. Drop" in dm.buttons()
    assert "Page 1 of 2" in dm.text()
    page = await alice.click(dm, "Next")
    assert page.kind == "update"
    assert "5. Done" in page.message.buttons() and "7. Drop" in page.message.buttons()
    assert "Person 7" in page.message.text() and "Page 2 of 2" in page.message.text()
    done = await alice.click(page.message, "7. Done")
    assert "Person 7" in done.message.content
    back = await alice.click(page.message, "Previous")
    assert "1. Done" in back.message.buttons()


async def test_overdue_items_are_marked_and_reminded_weekly_once(
    run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot() as running:
        await alice.slash("me nudges", state="off")  # a quiet-stretch DM is another matter
        await alice.slash("win", kind="networking", who="Acme", follow_up="tomorrow")
        await at(running, clock, datetime(2026, 11, 17, 9, 0, 5, tzinfo=UTC))
        assert "Acme" in (await alice.next_dm()).text()
        for day in range(18, 24):
            await at(running, clock, datetime(2026, 11, day, 9, 0, 5, tzinfo=UTC))
            await no_dm(alice)
        # Seen: overdue items sat under "Today's follow-ups" with their old date, and were
        # never reminded of again.
        await at(running, clock, datetime(2026, 11, 24, 9, 0, 5, tzinfo=UTC))
        dm = await alice.next_dm()
        assert "Overdue" in dm.text() and "was due Tue 17 Nov" in dm.text()
        assert "Today's follow-ups" not in dm.text()
        assert "1. Done" in dm.buttons()
    async with run_bot() as restarted:
        await at(restarted, clock, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
        await no_dm(alice)
        await at(restarted, clock, datetime(2026, 11, 25, 9, 0, 5, tzinfo=UTC))
        await no_dm(alice)
        await at(restarted, clock, datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC))
        assert "was due Tue 17 Nov" in (await alice.next_dm()).text()
        sent = await restarted.db.fetchall(
            "SELECT period FROM deliveries WHERE kind = 'followup-dm' AND status = 'sent'"
            " ORDER BY period"
        )
        assert [r[0] for r in sent] == ["2026-11-17", "2026-11-24", "2026-12-01"]


async def test_an_item_due_today_brings_the_overdue_ones_along(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("win", kind="follow-up", who="Acme", follow_up="tomorrow")
    await alice.slash("win", kind="follow-up", who="Bea", follow_up="wed")
    await at(bot, clock, datetime(2026, 11, 17, 9, 0, 5, tzinfo=UTC))
    await alice.next_dm()
    await at(bot, clock, datetime(2026, 11, 18, 9, 0, 5, tzinfo=UTC))
    text = (await alice.next_dm()).text()
    assert "Today's follow-ups" in text
    assert "**Follow up** · Bea · today" in text
    assert "**Follow up** · Acme · overdue, was due Tue 17 Nov" in text


async def test_snoozing_counts_from_the_due_date(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("win", kind="networking", who="Bea", follow_up="thu")
    listing = await alice.slash("followups list")
    snoozed = await alice.click(listing.message, "1. +1 week")
    # Seen: "+1 week" counted from today (Mon 23 Nov), not from the due date.
    assert "Snoozed to Thu 26 Nov, a week after its due date" in snoozed.message.content
    assert await bot.db.fetchval("SELECT due_on FROM follow_ups") == "2026-11-26"


async def test_snoozing_an_overdue_item_counts_from_today_and_says_so(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
    clock.advance(timedelta(days=3))
    listing = await alice.slash("followups list")
    snoozed = await alice.click(listing.message, "1. +3 days")
    assert "Snoozed to Sun 22 Nov, 3 days from today (it was overdue)" in snoozed.message.content


async def test_numbering_continues_across_pages(bot: Running, alice: Person) -> None:
    for index in range(1, 6):
        await alice.slash("win", kind="networking", who=f"Person {index}", follow_up="3d")
    listing = await alice.slash("followups list")
    page = await alice.click(listing.message, "Next")
    # Seen: page 2 started again at 1.
    assert "5. Done" in page.message.buttons()
    assert "1. Done" not in page.message.buttons()
    assert "5. Upcoming" in page.message.text()
