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
from bot.jobs import EXERCISE_NUDGE_JOB, INTERVIEW_DAY_JOB, REMINDER_JOB
from bot.services import followups, interview_day, pipeline, profile, wins
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


async def test_follow_up_buttons_tell_the_reminders(db: Database, clock: ManualClock) -> None:
    for number in range(3):
        await wins.log_win(
            db,
            clock,
            user_id=USER,
            guild_id=None,
            kind="networking",
            who="Bea",
            note=str(number),  # a different win each time, each with its follow-up
            follow_up="tomorrow",
            changes=Changes(),
        )
    first, second, third = (await followups.listing(db, clock, user_id=USER)).all
    changes, jobs = told()
    await followups.mark_done(
        db, clock, user_id=USER, follow_up_id=first.follow_up_id, changes=changes
    )
    await followups.snooze(
        db, clock, user_id=USER, follow_up_id=second.follow_up_id, span="1d", changes=changes
    )
    await followups.drop(db, clock, user_id=USER, follow_up_id=third.follow_up_id, changes=changes)
    assert jobs == [REMINDER_JOB] * 3


async def test_the_pipeline_tells_what_its_changes_move(db: Database, clock: ManualClock) -> None:
    changes, jobs = told()
    plain = await pipeline.add(db, clock, user_id=USER, company="Acme", changes=changes)
    assert jobs == []  # no follow-up: nothing for the reminders to plan around
    await pipeline.add(
        db, clock, user_id=USER, company="Globex", follow_up="tomorrow", changes=changes
    )
    assert jobs == [REMINDER_JOB]
    assert isinstance(plain, pipeline.Added)
    opportunity = plain.opportunity.opportunity_id

    jobs.clear()
    await interview_day.schedule(
        db, clock, user_id=USER, opportunity_id=opportunity, when="fri", changes=changes
    )
    assert sorted(jobs) == sorted([REMINDER_JOB, INTERVIEW_DAY_JOB])  # its thank-you note too

    jobs.clear()
    await pipeline.close(
        db, clock, user_id=USER, opportunity_id=opportunity, outcome="accepted", changes=changes
    )
    assert jobs == [INTERVIEW_DAY_JOB]  # its card no longer goes out; follow-ups stay open
    jobs.clear()
    await pipeline.settle_follow_ups(
        db, clock, user_id=USER, opportunity_id=opportunity, keep_one=False, changes=changes
    )
    assert jobs == [REMINDER_JOB]  # the thank-you note was dropped

    jobs.clear()
    await pipeline.keep_warm(db, clock, user_id=USER, opportunity_ids=None, changes=changes)
    assert jobs == []  # Globex already has its follow-up: nothing new
    await pipeline.withdraw(db, clock, user_id=USER, opportunity_ids=None, changes=changes)
    assert sorted(jobs) == sorted([REMINDER_JOB, INTERVIEW_DAY_JOB])
