"""The daily reminder's timing and exactly-once claim, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.db import Database
from bot.services import followups, profile
from bot.services.changes import Changes
from bot.services.delivery import Claim, Courier, Outcome, Result
from bot.services.followups import reminder_instant

NEW_YORK = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")


def test_reminder_instant_across_dst() -> None:
    # Paris leaves summer time on 2026-10-25: 09:00 is 07:00 UTC the day before, 08:00 on it.
    assert reminder_instant(date(2026, 10, 24), 9, PARIS) == datetime(2026, 10, 24, 7, tzinfo=UTC)
    assert reminder_instant(date(2026, 10, 25), 9, PARIS) == datetime(2026, 10, 25, 8, tzinfo=UTC)
    # 02:00 does not exist in New York on 2026-03-08; it falls to 03:00 EDT (07:00 UTC).
    assert reminder_instant(date(2026, 3, 8), 2, NEW_YORK) == datetime(2026, 3, 8, 7, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        yield database


async def add_follow_up(db: Database, clock: ManualClock, user_id: int, due: date) -> None:
    from bot.db import followups as followups_db

    await profile.load(db, clock, user_id)
    async with db.transaction() as conn:
        await followups_db.insert(
            conn,
            user_id=user_id,
            person="Dana",
            reason="Follow up",
            due_on=due,
            opportunity_id=None,
            source_win_id=None,
            now=clock.now(),
        )


async def claim_due_reminders(
    db: Database, now: datetime
) -> tuple[list[followups.Reminder], datetime | None]:
    """One run of the reminder job with a send that always succeeds: what went out, and the
    next wake-up."""
    sent: list[followups.Reminder] = []

    async def send(claim: Claim) -> Result:
        reminder = await followups.reminder_for(db, claim)
        if reminder is None:
            return Result(Outcome.SKIPPED)
        sent.append(reminder)
        return Result(Outcome.SENT, message_id=len(sent))

    due, wake = await followups.due_reminders(db, now)
    await Courier(db, ManualClock(now)).deliver(followups.REMINDER_KINDS, due, send)
    return sent, wake


async def run_until_claim(
    db: Database, start: datetime
) -> tuple[datetime, list[followups.Reminder]]:
    """Follow the wake-ups the way the scheduler does until something is claimed."""
    now = start
    for _ in range(20):
        claimed, wake = await claim_due_reminders(db, now)
        if claimed:
            return now, claimed
        assert wake is not None and wake > now
        now = wake
    raise AssertionError("nothing was ever claimed")


async def test_claims_once_per_local_day_and_plans_next_wake(db: Database) -> None:
    clock = ManualClock(datetime(2026, 10, 24, 12, tzinfo=UTC))
    await profile.set_timezone(db, clock, 1, "Europe/Paris", changes=Changes())
    await add_follow_up(db, clock, 1, date(2026, 10, 25))
    at, claimed = await run_until_claim(db, clock.now())
    assert at == datetime(2026, 10, 25, 8, tzinfo=UTC)  # 09:00 Paris, after the change
    assert [(r.user_id, r.day, len(r.items)) for r in claimed] == [(1, date(2026, 10, 25), 1)]
    again, _ = await claim_due_reminders(db, at + timedelta(minutes=5))
    assert again == []
    # Reminders come on due dates: the next one when something else falls due, carrying
    # the overdue item along.
    await add_follow_up(db, clock, 1, date(2026, 10, 27))
    at, claimed = await run_until_claim(db, at + timedelta(minutes=5))
    assert at == datetime(2026, 10, 27, 8, tzinfo=UTC)
    assert claimed[0].day == date(2026, 10, 27) and len(claimed[0].items) == 2


async def test_grace_window(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 16, 12, tzinfo=UTC))
    await add_follow_up(db, clock, 2, date(2026, 11, 17))
    within = datetime(2026, 11, 17, 9, tzinfo=UTC) + followups.REMINDER_GRACE
    claimed, _ = await claim_due_reminders(db, within)
    assert len(claimed) == 1
    await add_follow_up(db, clock, 3, date(2026, 11, 17))
    late = within + timedelta(seconds=1)
    claimed, _ = await claim_due_reminders(db, late)
    assert claimed == []


async def test_far_future_follow_up_wakes_on_its_day_not_every_minute(db: Database) -> None:
    clock = ManualClock(datetime(2026, 11, 16, 12, tzinfo=UTC))
    await add_follow_up(db, clock, 4, date(2026, 11, 16))
    await add_follow_up(db, clock, 5, date(2026, 12, 20))
    claimed, _ = await claim_due_reminders(db, datetime(2026, 11, 16, 12, tzinfo=UTC))
    assert len(claimed) == 1
    _, wake = await claim_due_reminders(db, datetime(2026, 11, 16, 12, 1, tzinfo=UTC))
    assert wake >= datetime(2026, 11, 16, 18, tzinfo=UTC)  # no busy loop
