"""The run service against a real database, without the per-member lock: compare-and-set saves
keep two inputs read at the same moment from both applying."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import paths
from bot.clock import ManualClock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.services.changes import Changes
from bot.services.exercises import engine, runs
from bot.services.exercises.catalog import Catalog

USER = 42


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        yield database


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(paths.exercises_dir())


async def stored(db: Database, run_id: int) -> tuple[dict[str, Any], int]:
    row = await runs_db.get_run(db, USER, run_id)
    assert row is not None
    return json.loads(row["state"]), row["version"]


async def test_an_input_read_before_another_was_saved_changes_nothing(
    db: Database,
    clock: ManualClock,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = await runs.start(
        db, clock, catalog, user_id=USER, exercise_id="right-job", guild_id=None
    )
    run_id = first.run_id
    read_early = await runs_db.get_run(db, USER, run_id)
    applied = await runs.answer(
        db, clock, catalog, user_id=USER, text="Head of Data", changes=Changes()
    )
    assert applied is not None and not applied.stale
    after_first, version = await stored(db, run_id)
    assert version == 1

    # A second message that read the run before the first was saved (as without the lock).
    async def early(*args: object) -> Any:
        return read_early

    monkeypatch.setattr(runs_db, "current_run", early)
    lost = await runs.answer(
        db, clock, catalog, user_id=USER, text="Head of Sales", changes=Changes()
    )
    assert lost is not None and lost.stale
    assert await stored(db, run_id) == (after_first, 1)
    assert after_first["answers"] == {"title": "Head of Data"}


async def test_a_press_read_before_an_answer_was_saved_changes_nothing(
    db: Database,
    clock: ManualClock,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    step = await runs.start(
        db, clock, catalog, user_id=USER, exercise_id="what-i-want", guild_id=None
    )
    key = engine.position_key(step.exercise, step.turn.state.position)
    read_early = await runs_db.get_run(db, USER, step.run_id)
    await runs.answer(
        db,
        clock,
        catalog,
        user_id=USER,
        values=["new"],
        run_id=step.run_id,
        at=key,
        changes=Changes(),
    )
    saved = await stored(db, step.run_id)

    async def early(*args: object) -> Any:
        return read_early

    monkeypatch.setattr(runs_db, "get_run", early)
    lost = await runs.answer(
        db,
        clock,
        catalog,
        user_id=USER,
        values=["more"],
        run_id=step.run_id,
        at=key,
        changes=Changes(),
    )
    assert lost is not None and lost.stale
    monkeypatch.undo()
    assert await stored(db, step.run_id) == saved
    assert saved[0]["answers"] == {"direction": "new"}


async def test_resume_and_cancel_do_not_overwrite_a_newer_save(
    db: Database,
    clock: ManualClock,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    step = await runs.start(
        db, clock, catalog, user_id=USER, exercise_id="right-job", guild_id=None
    )
    await runs.answer(db, clock, catalog, user_id=USER, text="pause", changes=Changes())
    read_paused = await runs_db.get_run(db, USER, step.run_id)
    await runs.resume(db, clock, catalog, user_id=USER)  # awake
    await runs.answer(db, clock, catalog, user_id=USER, text="Head of Data", changes=Changes())
    saved = await stored(db, step.run_id)

    async def early(*args: object) -> Any:
        return read_paused

    # A resume that read the paused run would save it back, undoing the answer.
    monkeypatch.setattr(runs_db, "current_run", early)
    await runs.resume(db, clock, catalog, user_id=USER)
    monkeypatch.setattr(runs_db, "open_run", early)
    with pytest.raises(runs.Changed):
        await runs.cancel(db, clock, catalog, user_id=USER, exercise_id="right-job")
    monkeypatch.undo()
    assert await stored(db, step.run_id) == saved


async def test_pending_effects_are_taken_once(
    db: Database, clock: ManualClock, catalog: Catalog
) -> None:
    step = await runs.start(
        db, clock, catalog, user_id=USER, exercise_id="right-job", guild_id=None
    )
    async with db.transaction() as conn:
        await runs_db.set_pending_effects(conn, step.run_id, [{"kind": "pipeline"}])
        first = await runs_db.take_pending_effects(conn, USER, step.run_id)
        second = await runs_db.take_pending_effects(conn, USER, step.run_id)
    assert first == ([{"kind": "pipeline"}], None)
    assert second is None
