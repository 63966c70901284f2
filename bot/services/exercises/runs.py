"""Exercise runs: start, answer, pause, resume, cancel, and the question a follow-up was
waiting for. What a run creates lives in :mod:`.effects`, the exercises on offer in
:mod:`.catalog`, what a run may know in :mod:`.context`, its nudge in :mod:`.nudges` and the
line it shares in :mod:`.shares`.

Every change to a run is saved before the caller sends anything, so a crash or restart can at
worst repeat a question, never lose an answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db.core import Row
from bot.errors import NotFound, UserError
from bot.services.changes import Changes
from bot.services.exercises import effects, engine
from bot.services.exercises.catalog import Catalog, ExerciseGone, exercise_of
from bot.services.exercises.context import context_for
from bot.services.exercises.engine import Context, RunState, Turn
from bot.services.exercises.model import Exercise

log = logging.getLogger(__name__)


class AlreadyOpen(UserError):
    """Starting an exercise that has an open run: the member chooses resume or restart."""

    def __init__(self, run_id: int, exercise: Exercise, number: int, total: int) -> None:
        super().__init__(
            f"You already have **{exercise.title}** open at question {number} of {total}. "
            "Resume where you left off, or start over?"
        )
        self.run_id = run_id


class Changed(UserError):
    """The run changed between reading and saving (another press or message won)."""

    def __init__(self) -> None:
        super().__init__("That exercise changed just now, so nothing was done. Try again.")


@dataclass
class RunTurn:
    """What one call did to a run (the engine's :class:`~.engine.Turn`, with the run it
    belongs to and what it created), for the cog to show. Not to be confused with a
    :class:`~.model.Step`, one question of an exercise."""

    run_id: int
    exercise: Exercise
    turn: Turn
    context: Context
    created: list[str] = field(default_factory=list)
    offered: list[effects.PlannedEffect] = field(default_factory=list)
    guild_id: int | None = None
    # True when the input was for a question already answered: nothing changed, and the turn
    # shows where the run is now.
    stale: bool = False
    # What the opportunity answered at the start: (label, answer as shown).
    prefilled: list[tuple[str, str]] = field(default_factory=list)


def load_state(row: Row) -> RunState:
    return RunState.from_json(json.loads(row["state"]))


async def start(
    db: Database,
    clock: Clock,
    catalog: Catalog,
    *,
    user_id: int,
    exercise_id: str,
    guild_id: int | None,
    opportunity_id: int | None = None,
    restart: bool = False,
) -> RunTurn:
    exercise = catalog.get(exercise_id)
    if opportunity_id is not None and await pipeline_db.get(db, user_id, opportunity_id) is None:
        raise NotFound("I can't find that opportunity in your pipeline. Pick one from the list.")
    ctx = await context_for(db, clock, user_id, opportunity_id)
    existing = await runs_db.open_run(db, user_id, exercise_id)
    if existing is not None and not restart:
        state = load_state(existing)
        open_ctx = await context_for(db, clock, user_id, existing["opportunity_id"])
        prompt = engine.prompt_at(exercise, state, open_ctx)
        raise AlreadyOpen(
            existing["run_id"],
            exercise,
            prompt.number if prompt else 1,
            prompt.total if prompt else 1,
        )
    turn = engine.start(exercise, ctx)
    prefilled = [
        (s.label or s.prompt, engine.describe(s, turn.state.answers[s.id]))
        for s in exercise.steps
        if engine.prefilled(s, ctx) and s.id in turn.state.answers
    ]
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        if existing is not None:
            existing_state = load_state(existing)
            existing_state.status, existing_state.position = engine.CANCELLED, None
            if not await _save(conn, existing, existing_state, now):
                raise Changed
        run_id = await runs_db.insert_run(
            conn,
            user_id=user_id,
            exercise_id=exercise_id,
            state=turn.state.to_json(),
            opportunity_id=opportunity_id,
            guild_id=guild_id,
            now=now,
        )
    return RunTurn(run_id, exercise, turn, ctx, guild_id=guild_id, prefilled=prefilled)


async def discard(db: Database, run_id: int) -> None:
    """Undo a start whose first DM could not be delivered: nothing is half-started."""
    async with db.transaction() as conn:
        await runs_db.delete_run(conn, run_id)


async def _save(conn: Any, row: Row, state: RunState, now: datetime) -> bool:
    """Compare-and-set: saved only if nobody saved the run since ``row`` was read."""
    return await runs_db.save_state(
        conn, row["run_id"], state.to_json(), now, version=row["version"]
    )


async def _open(
    db: Database, clock: Clock, catalog: Catalog, user_id: int, run_id: int | None
) -> tuple[Row, Exercise, RunState, Context] | None:
    row = (
        await runs_db.get_run(db, user_id, run_id)
        if run_id is not None
        else await runs_db.current_run(db, user_id)
    )
    if row is None or row["status"] not in runs_db.OPEN:
        return None
    exercise = exercise_of(catalog, row)
    ctx = await context_for(db, clock, user_id, row["opportunity_id"])
    return row, exercise, load_state(row), ctx


def _where(row: Row, exercise: Exercise, state: RunState, ctx: Context) -> RunTurn:
    """Where a run is, shown without changing anything (for an input that came too late)."""
    turn = engine.where(exercise, state, ctx)
    return RunTurn(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"], stale=True)


async def _where_now(
    db: Database, clock: Clock, catalog: Catalog, user_id: int, run_id: int
) -> RunTurn | None:
    found = await _open(db, clock, catalog, user_id, run_id)
    return None if found is None else _where(*found)


async def resume(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int | None = None
) -> RunTurn | None:
    found = await _open(db, clock, catalog, user_id, run_id)
    if found is None:
        return None
    row, exercise, state, ctx = found
    turn = engine.resume(exercise, state, ctx)
    turned = RunTurn(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"])
    if turn.state.to_json() == state.to_json():
        return turned  # already awake where it should be: nothing to save
    async with db.transaction() as conn:
        saved = await _save(conn, row, turn.state, clock.now())
    if not saved:
        # Something else moved the run on since it was read; show that instead.
        return await _where_now(db, clock, catalog, user_id, row["run_id"])
    return turned


async def answer(
    db: Database,
    clock: Clock,
    catalog: Catalog,
    *,
    user_id: int,
    text: str | None = None,
    values: list[str] | None = None,
    run_id: int | None = None,
    at: str | None = None,
    changes: Changes,
) -> RunTurn | None:
    """Apply one DM message or button press to the member's current (or given) run.

    ``at`` is the question a button belongs to (:func:`engine.position_key`): a press on any
    other question, or one that loses a race with another input, changes nothing and comes
    back ``stale`` with the run's current question.
    """
    found = await _open(db, clock, catalog, user_id, run_id)
    if found is None:
        return None
    row, exercise, state, ctx = found
    if at is not None and not engine.is_at(exercise, state, at):
        return _where(row, exercise, state, ctx)
    turn = engine.advance(exercise, state, ctx, text=text, values=values)
    turned = RunTurn(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"])
    if turn.state.to_json() == state.to_json():
        return turned  # refused input, help...: nothing to save, and the version stays
    now = clock.now()
    async with db.transaction() as conn:
        # The check and the save are one statement: of two inputs read at the same version,
        # only the first is applied.
        saved = await _save(conn, row, turn.state, now)
        if saved and turn.completed:
            turned.created, turned.offered = await effects.finish(
                conn,
                exercise,
                turn.state,
                ctx,
                user_id=user_id,
                run_id=row["run_id"],
                opportunity_id=row["opportunity_id"],
                now=now,
            )
        if saved and turn.late_answered and exercise.result:
            await runs_db.update_result(
                conn, row["run_id"], effects.result_data(exercise, turn.state, ctx)
            )
    if not saved:
        return await _where_now(db, clock, catalog, user_id, row["run_id"])
    if turned.created:
        effects.replan_after_creating(changes)
    if turn.paused:
        changes.exercise_nudges()
    return turned


async def cancel(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, exercise_id: str | None
) -> str | None:
    """Cancel an open run; the title of what was cancelled, or None when nothing was open."""
    row = (
        await runs_db.open_run(db, user_id, exercise_id)
        if exercise_id
        else await runs_db.current_run(db, user_id)
    )
    if row is None or row["status"] not in ("active", "paused"):
        return None
    state = load_state(row)
    state.status, state.position, state.awaiting_cancel = engine.CANCELLED, None, False
    async with db.transaction() as conn:
        if not await _save(conn, row, state, clock.now()):
            raise Changed
    # A run of a removed exercise can still be cancelled; it is named by its id then.
    exercise = catalog.exercises.get(row["exercise_id"])
    return exercise.title if exercise else row["exercise_id"]


async def late_question(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int, step_id: str
) -> RunTurn | None:
    """A follow-up from an exercise was done: ask the question that was waiting for it."""
    row = await runs_db.get_run(db, user_id, run_id)
    if row is None or row["status"] != "completed":
        return None
    try:
        exercise = exercise_of(catalog, row)
    except ExerciseGone:
        return None  # nothing to ask: the follow-up itself was done and logged
    ctx = await context_for(db, clock, user_id, row["opportunity_id"])
    turn = engine.ask_late(exercise, load_state(row), step_id, ctx)
    async with db.transaction() as conn:
        saved = await _save(conn, row, turn.state, clock.now())
    if not saved:
        log.info("Late question for run %s skipped: the run changed meanwhile", run_id)
        return None
    return RunTurn(run_id, exercise, turn, ctx, guild_id=row["guild_id"])


RUN_STATES = {"completed": "finished", "late": "finished", "active": "in progress"}


async def linked_exercises(db: Database, user_id: int) -> dict[int, tuple[str, ...]]:
    """The exercises run about each opportunity, for /pipeline list: the latest run of each
    exercise, e.g. ("why-this-interview (finished)", "offer (paused)")."""
    latest: dict[int, dict[str, str]] = {}
    for row in await runs_db.linked_runs(db, user_id):
        state = RUN_STATES.get(row["status"], row["status"])
        latest.setdefault(row["opportunity_id"], {})[row["exercise_id"]] = state
    return {
        opportunity: tuple(f"{name} ({state})" for name, state in runs.items())
        for opportunity, runs in latest.items()
    }


async def open_run_id(db: Database, user_id: int, exercise_id: str) -> int | None:
    row = await runs_db.open_run(db, user_id, exercise_id)
    return row["run_id"] if row else None
