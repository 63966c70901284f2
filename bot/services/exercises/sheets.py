"""Reading finished and open runs: the overview, answer sheets, the Markdown export."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.errors import InvalidInput
from bot.services.exercises import engine
from bot.services.exercises.engine import Context, RunState
from bot.services.exercises.model import Exercise, Kind
from bot.services.exercises.runs import Catalog, context_for, load_state


@dataclass(frozen=True, slots=True)
class Overview:
    exercise: Exercise
    completed: int
    open_at: tuple[int, int] | None
    paused: bool


async def overview(db: Database, clock: Clock, catalog: Catalog, *, user_id: int) -> list[Overview]:
    rows = await runs_db.runs_for_user(db, user_id)
    ctx = await context_for(db, clock, user_id)
    result = []
    for exercise in catalog.exercises.values():
        mine = [r for r in rows if r["exercise_id"] == exercise.id]
        done = sum(r["status"] in ("completed", "late") for r in mine)
        open_row = next((r for r in mine if r["status"] in ("active", "paused")), None)
        at = None
        if open_row is not None:
            prompt = engine.prompt_at(exercise, load_state(open_row), ctx)
            at = (prompt.number, prompt.total) if prompt else None
        result.append(
            Overview(exercise, done, at, bool(open_row and open_row["status"] == "paused"))
        )
    return result


def answer_sheet(exercise: Exercise, state: RunState, ctx: Context) -> list[tuple[str, str]]:
    """(question, answer) for everything answered, in order, for summaries and exports.

    Only what still applies: an answer to a question that a later edit hid, or about an item
    since removed from its list, stays in the run but is not shown as part of the result.
    """
    sheet: list[tuple[str, str]] = []
    for step in exercise.steps:
        if step.id not in state.answers:
            continue
        if not step.late and not engine.visible(step, state.answers, ctx):
            continue
        value = state.answers[step.id]
        if step.kind is Kind.FOR_EACH and step.each is not None:
            current = engine.items_of(exercise, step, state.answers, ctx)
            for item in current:
                if item in (value or {}):
                    question = engine.fill(step.each.prompt, state.answers, ctx, item)
                    sheet.append((question, engine.describe(step.each, value[item])))
            continue
        sheet.append((engine.fill(step.prompt, state.answers, ctx), engine.describe(step, value)))
    return sheet


@dataclass(frozen=True, slots=True)
class Sheet:
    exercise: Exercise
    completed_at: str
    rows: list[tuple[str, str]]


async def latest_answers(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, exercise_id: str
) -> Sheet:
    exercise = catalog.get(exercise_id)
    row = await runs_db.latest_completed(db, user_id, exercise_id)
    if row is None:
        raise InvalidInput(
            f"You haven't finished **{exercise.title}** yet. Start it with "
            f"`/exercise start name:{exercise_id}`."
        )
    ctx = await context_for(db, clock, user_id, row["opportunity_id"])
    return Sheet(exercise, row["completed_at"][:10], answer_sheet(exercise, load_state(row), ctx))


async def export_markdown(db: Database, clock: Clock, catalog: Catalog, *, user_id: int) -> str:
    rows = [
        r
        for r in await runs_db.completed_runs(db, user_id)
        if r["exercise_id"] in catalog.exercises
    ]
    # Runs of an exercise whose file was removed can't be shown question by question, but
    # their answers are still the member's: listed by the step names they were saved under.
    orphans = [
        r
        for r in await runs_db.runs_for_user(db, user_id)
        if r["exercise_id"] not in catalog.exercises and r["status"] != "cancelled"
    ]
    lines = ["# My Next Interview exercises", ""]
    if not rows and not orphans:
        lines.append("No finished exercises yet.")
    for row in rows:
        exercise = catalog.exercises[row["exercise_id"]]
        ctx = await context_for(db, clock, user_id, row["opportunity_id"])
        lines += [f"## {exercise.title} ({row['completed_at'][:10]})", ""]
        for question, shown in answer_sheet(exercise, load_state(row), ctx):
            lines += [f"**{question}**", "", shown, ""]
    for row in orphans:
        lines += [
            f"## {row['exercise_id']} (started {row['started_at'][:10]}; no longer offered)",
            "",
        ]
        for step_id, value in load_state(row).answers.items():
            lines += [f"**{step_id}**", "", _raw_answer(value), ""]
    return "\n".join(lines)


def _raw_answer(value: object) -> str:
    """An answer without its question's definition: per-item answers one per line."""
    if value is None:
        return "(skipped)"
    if isinstance(value, dict) and set(value) != {"value", "currency"}:
        return "\n".join(f"- {item}: {engine.display(answer)}" for item, answer in value.items())
    return engine.display(value)
