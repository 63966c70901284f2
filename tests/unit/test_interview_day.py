"""When an interview-day card falls due: 08:00 on the interview date in the member's zone, for
six hours; once per opportunity and date; never for a closed opportunity or a member who
turned cards off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.db import Database
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db.core import to_db
from bot.services import interview_day

USER = 7
THURSDAY = date(2026, 11, 19)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        yield database


async def interview(db: Database, zone: str, day: date = THURSDAY) -> int:
    now = datetime(2026, 11, 16, tzinfo=UTC)
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, USER, now)
        await people_db.set_timezone(conn, USER, zone)
        opportunity = await pipeline_db.insert(
            conn,
            user_id=USER,
            company="Acme",
            role=None,
            stage="interviewing",
            next_step=None,
            now=now,
        )
        await interview_day.record_in(
            conn, user_id=USER, opportunity_id=opportunity, day=day, today=now.date(), now=now
        )
    return opportunity


@pytest.mark.parametrize(
    ("zone", "card_at"),
    [
        ("America/New_York", datetime(2026, 11, 19, 13, 0, tzinfo=UTC)),
        ("Europe/Berlin", datetime(2026, 11, 19, 7, 0, tzinfo=UTC)),
        ("Pacific/Kiritimati", datetime(2026, 11, 18, 18, 0, tzinfo=UTC)),  # UTC+14
        ("Pacific/Pago_Pago", datetime(2026, 11, 19, 19, 0, tzinfo=UTC)),  # UTC-11
    ],
)
async def test_the_card_is_due_at_eight_local_for_six_hours(
    db: Database, zone: str, card_at: datetime
) -> None:
    opportunity = await interview(db, zone)
    due, wake = await interview_day.due_cards(db, card_at - timedelta(minutes=1))
    assert due == [] and wake == card_at
    for moment in (card_at, card_at + timedelta(hours=6)):
        due, _ = await interview_day.due_cards(db, moment)
        assert [(d.kind, d.target_id, d.period, d.due_at) for d in due] == [
            ("interview-day", opportunity, "2026-11-19", card_at)
        ]
    due, _ = await interview_day.due_cards(db, card_at + timedelta(hours=6, seconds=1))
    assert due == []


async def test_an_interview_weeks_away_wakes_the_job_in_time(db: Database) -> None:
    await interview(db, "Pacific/Kiritimati", date(2026, 12, 10))
    now = datetime(2026, 11, 20, tzinfo=UTC)
    _, wake = await interview_day.due_cards(db, now)
    assert wake is not None and now < wake <= datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
    assert wake == now + interview_day.SAFETY_WAKE  # the backstop, well before


async def test_no_card_for_a_closed_opportunity_or_cards_off(db: Database) -> None:
    opportunity = await interview(db, "UTC")
    at = datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
    await interview_day.set_cards(db, ManualClock(at), USER, False)
    assert (await interview_day.due_cards(db, at))[0] == []
    await interview_day.set_cards(db, ManualClock(at), USER, True)
    assert len((await interview_day.due_cards(db, at))[0]) == 1
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE opportunities SET closed_at = ? WHERE opportunity_id = ?",
            (to_db(at), opportunity),
        )
    assert (await interview_day.due_cards(db, at))[0] == []


async def test_recording_twice_keeps_one_thank_you_and_moves_it(db: Database) -> None:
    opportunity = await interview(db, "UTC")
    now = datetime(2026, 11, 17, tzinfo=UTC)
    async with db.transaction() as conn:
        again = await interview_day.record_in(
            conn, user_id=USER, opportunity_id=opportunity, day=THURSDAY, today=now.date(), now=now
        )
        moved = await interview_day.record_in(
            conn,
            user_id=USER,
            opportunity_id=opportunity,
            day=date(2026, 11, 24),
            today=now.date(),
            now=now,
        )
    assert not again.follow_ups_changed and moved.follow_ups_changed
    rows = await db.fetchall("SELECT person, reason, due_on FROM follow_ups")
    assert [tuple(r) for r in rows] == [("Acme", "Send a thank-you note", "2026-11-25")]
    step = await db.fetchval("SELECT next_step FROM opportunities")
    assert step == "Interview Tue 24 Nov"
