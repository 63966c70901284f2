"""Services say what background work must re-plan after their changes (issue #14): no caller
has to remember to poke the reminders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import paths
from bot.clock import ManualClock
from bot.db import Database
from bot.jobs import EXERCISE_NUDGE_JOB, REMINDER_JOB
from bot.services import profile, wins
from bot.services.changes import Changes
from bot.services.exercises import runs
from bot.services.exercises.catalog import Catalog

USER = 7


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        yield database


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))


def told() -> tuple[Changes, list[str]]:
    jobs: list[str] = []
    return Changes(jobs.append), jobs


async def test_nobody_listening_is_allowed() -> None:
    Changes().reminders()  # tests and scripts pass a Changes() that tells nobody


async def test_a_win_with_a_follow_up_tells_the_reminders_once(
    db: Database, clock: ManualClock
) -> None:
    changes, jobs = told()
    await wins.log_win(
        db, clock, user_id=USER, guild_id=None, kind="networking", who="Bea", changes=changes
    )
    assert jobs == []  # nothing for the reminders to plan around
    for _ in range(2):  # the second is the same win again: nothing new to plan
        await wins.log_win(
            db,
            clock,
            user_id=USER,
            guild_id=None,
            kind="networking",
            who="Cy",
            follow_up="tomorrow",
            changes=changes,
        )
    assert jobs == [REMINDER_JOB]


async def test_accepting_a_suggestion_tells_the_reminders(db: Database, clock: ManualClock) -> None:
    changes, jobs = told()
    logged = await wins.log_win(
        db, clock, user_id=USER, guild_id=None, kind="interview", who="Acme", changes=changes
    )
    await wins.accept_suggestion(
        db, clock, user_id=USER, win_id=logged.win_id, index=0, changes=changes
    )
    await wins.accept_suggestion(
        db, clock, user_id=USER, win_id=logged.win_id, index=0, changes=changes
    )
    assert jobs == [REMINDER_JOB]  # the second press added nothing


async def test_a_new_zone_or_reminder_hour_tells_the_reminders(
    db: Database, clock: ManualClock
) -> None:
    changes, jobs = told()
    await profile.set_timezone(db, clock, USER, "Europe/Paris", changes=changes)
    await profile.set_reminders(db, clock, USER, True, 8, changes=changes)
    assert jobs == [REMINDER_JOB, REMINDER_JOB]


async def test_pausing_an_exercise_tells_its_nudge(db: Database, clock: ManualClock) -> None:
    catalog = Catalog(paths.exercises_dir())
    changes, jobs = told()
    await runs.start(db, clock, catalog, user_id=USER, exercise_id="right-job", guild_id=None)
    await runs.answer(db, clock, catalog, user_id=USER, text="pause", changes=changes)
    assert jobs == [EXERCISE_NUDGE_JOB]
