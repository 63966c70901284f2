"""Exercise runs: start, answer, pause, resume, cancel; results, effects, answers, export.

Every change to a run is saved before the caller sends anything, so a crash or restart can at
worst repeat a question, never lose an answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import exercises as runs_db
from bot.db import groups as groups_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db import public_posts as public_posts_db
from bot.db.core import Row
from bot.db.public_posts import PublicPost
from bot.errors import InvalidInput, NotFound, UserError
from bot.services import profile as profile_service
from bot.services import public as public_service
from bot.services import target as target_service
from bot.services.delivery import Claim, Due
from bot.services.exercises import effects, engine
from bot.services.exercises.engine import Context, RunState, Turn
from bot.services.exercises.loader import load_all
from bot.services.exercises.model import Exercise, Kind

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(days=3)
NUDGE_KIND = "exercise-nudge"
SHARE_KIND = "exercise"  # public_posts.kind of the line a finished exercise shares


class Catalog:
    """The exercises available, loaded (and validated) from a folder; reloadable."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.exercises: dict[str, Exercise] = {}
        self.reload()

    def reload(self) -> None:
        self.exercises = load_all(self.directory)

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            names = ", ".join(sorted(self.exercises))
            raise NotFound(f"There is no exercise called `{exercise_id}`. Try: {names}.") from None


class AlreadyOpen(UserError):
    """Starting an exercise that has an open run: the member chooses resume or restart."""

    def __init__(self, run_id: int, exercise: Exercise, number: int, total: int) -> None:
        super().__init__(
            f"You already have **{exercise.title}** open at question {number} of {total}. "
            "Resume where you left off, or start over?"
        )
        self.run_id = run_id


class ExerciseGone(UserError):
    """A run whose exercise file was removed: it cannot go on, and nothing of it is lost."""

    def __init__(self, exercise_id: str) -> None:
        super().__init__(
            f"**{exercise_id}** is no longer offered here, so I can't carry on with it. Your "
            "answers so far are kept, and `/exercise export` includes them. You can start "
            "another exercise with `/exercise start`."
        )
        self.exercise_id = exercise_id


class Changed(UserError):
    """The run changed between reading and saving (another press or message won)."""

    def __init__(self) -> None:
        super().__init__("That exercise changed just now, so nothing was done. Try again.")


@dataclass
class Step:
    """What happened to a run after one call, for the cog to show."""

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


# -- context ---------------------------------------------------------------------------------


def opportunity_facts(row: Row, today: date) -> dict[str, Any]:
    """What an opportunity answers for steps with ``from_opportunity``."""
    facts: dict[str, Any] = {
        "company": row["company"],
        "title": row["company"] + (f" ({row['role']})" if row["role"] else ""),
        "stage": row["stage"],
    }
    if row["role"]:
        facts["role"] = row["role"]
    # A date already past is no answer to "when is it?": the member is asked again.
    if row["interview_on"] and row["interview_on"] >= today.isoformat():
        facts["interview_date"] = row["interview_on"]
    return facts


async def context_for(
    db: Database, clock: Clock, user_id: int, opportunity_id: int | None = None
) -> Context:
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(clock.now())
    target = await target_service.latest_target(db, user_id)
    items = target_service.criteria_items(target)
    opportunity, facts = "", {}
    if opportunity_id is not None:
        row = await pipeline_db.get(db, user_id, opportunity_id)
        if row is not None:
            facts = opportunity_facts(row, today)
            opportunity = facts["title"]
    return Context(
        today=today,
        target_criteria=tuple(text for _, text in items),
        target_judged=tuple(text for key, text in items if key != "salary"),
        opportunity=opportunity,
        facts=facts,
        target=target,
    )


async def latest_target(db: Database, user_id: int) -> dict[str, Any] | None:
    return await target_service.latest_target(db, user_id)


# -- lifecycle -------------------------------------------------------------------------------


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
) -> Step:
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
    return Step(run_id, exercise, turn, ctx, guild_id=guild_id, prefilled=prefilled)


async def discard(db: Database, run_id: int) -> None:
    """Undo a start whose first DM could not be delivered: nothing is half-started."""
    async with db.transaction() as conn:
        await runs_db.delete_run(conn, run_id)


async def _save(conn: Any, row: Row, state: RunState, now: datetime) -> bool:
    """Compare-and-set: saved only if nobody saved the run since ``row`` was read."""
    return await runs_db.save_state(
        conn, row["run_id"], state.to_json(), now, version=row["version"]
    )


def exercise_of(catalog: Catalog, row: Row) -> Exercise:
    """The exercise a run follows; ExerciseGone (logged) when its file was removed."""
    exercise = catalog.exercises.get(row["exercise_id"])
    if exercise is None:
        log.warning(
            "Run %s of user %s follows exercise %r, which is no longer offered (file removed?); "
            "its answers are kept",
            row["run_id"],
            row["user_id"],
            row["exercise_id"],
        )
        raise ExerciseGone(row["exercise_id"])
    return exercise


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


def _where(row: Row, exercise: Exercise, state: RunState, ctx: Context) -> Step:
    """Where a run is, shown without changing anything (for an input that came too late)."""
    turn = engine.where(exercise, state, ctx)
    return Step(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"], stale=True)


async def _where_now(
    db: Database, clock: Clock, catalog: Catalog, user_id: int, run_id: int
) -> Step | None:
    found = await _open(db, clock, catalog, user_id, run_id)
    return None if found is None else _where(*found)


async def resume(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int | None = None
) -> Step | None:
    found = await _open(db, clock, catalog, user_id, run_id)
    if found is None:
        return None
    row, exercise, state, ctx = found
    turn = engine.resume(exercise, state, ctx)
    step = Step(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"])
    if turn.state.to_json() == state.to_json():
        return step  # already awake where it should be: nothing to save
    async with db.transaction() as conn:
        saved = await _save(conn, row, turn.state, clock.now())
    if not saved:
        # Something else moved the run on since it was read; show that instead.
        return await _where_now(db, clock, catalog, user_id, row["run_id"])
    return step


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
) -> Step | None:
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
    step = Step(row["run_id"], exercise, turn, ctx, guild_id=row["guild_id"])
    if turn.state.to_json() == state.to_json():
        return step  # refused input, help...: nothing to save, and the version stays
    now = clock.now()
    async with db.transaction() as conn:
        # The check and the save are one statement: of two inputs read at the same version,
        # only the first is applied.
        saved = await _save(conn, row, turn.state, now)
        if saved and turn.completed:
            await _complete(conn, step, user_id, row, now)
        if saved and turn.late_answered and exercise.result:
            await runs_db.update_result(
                conn, row["run_id"], _result_data(exercise, turn.state, ctx)
            )
    if not saved:
        return await _where_now(db, clock, catalog, user_id, row["run_id"])
    return step


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


# -- completion: results and effects ---------------------------------------------------------


async def _complete(conn: Any, step: Step, user_id: int, row: Row, now: datetime) -> None:
    exercise, state, ctx = step.exercise, step.turn.state, step.context
    opportunity_id = row["opportunity_id"]
    if exercise.result is not None:
        await runs_db.insert_result(
            conn,
            user_id=user_id,
            run_id=step.run_id,
            exercise_id=exercise.id,
            kind=exercise.result.kind,
            data=_result_data(exercise, state, ctx),
            now=now,
        )
        if exercise.result.kind == "offer" and opportunity_id is not None:
            await effects.offer_onto_opportunity(
                conn, exercise, state, ctx, user_id, opportunity_id
            )
    planned = effects.plan_effects(exercise, state.answers, ctx)
    # An interview about the opportunity the run is linked to is recorded at once: the member
    # named it. Without one it would add a pipeline entry from typed text, so it is offered.
    now_too = [e for e in planned if not e.confirm or (e.kind == "interview" and opportunity_id)]
    step.created += await effects.create_all(
        conn, now_too, user_id, step.run_id, opportunity_id, ctx.today, now
    )
    step.offered = [e for e in planned if e not in now_too]
    if step.offered:
        await runs_db.set_pending_effects(
            conn, step.run_id, [effects.as_dict(e) for e in step.offered]
        )


def _result_data(exercise: Exercise, state: RunState, ctx: Context) -> dict[str, Any]:
    if exercise.result is None:
        return {}
    data: dict[str, Any] = {
        name: state.answers.get(step) for name, step in exercise.result.fields.items()
    }
    for step in exercise.steps:
        if step.kind is Kind.FOR_EACH and step.over in effects.TARGET_LISTS:
            data["comparison"] = state.answers.get(step.id) or {}
            data["target_criteria"] = list(ctx.target_criteria)
        if step.late and step.id in state.answers:
            data[step.id] = state.answers[step.id]
    if exercise.result.kind == "offer" and ctx.target:
        data["versus_target"] = effects.offer_check(exercise, state, ctx)
    return data


async def late_question(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int, step_id: str
) -> Step | None:
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
    return Step(run_id, exercise, turn, ctx, guild_id=row["guild_id"])


# -- nudges ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Nudge:
    run_id: int
    user_id: int
    exercise: Exercise


NUDGE_KINDS = {NUDGE_KIND: timedelta(days=2)}


async def due_nudges(db: Database, now: datetime) -> tuple[list[Due], datetime | None]:
    """Paused runs due their one nudge (3 days after pausing); the courier claims each once."""
    due = [
        Due(
            NUDGE_KIND,
            row["run_id"],
            "once",
            from_db(row["paused_at"]) + NUDGE_AFTER,
            user_id=row["user_id"],
        )
        for row in await runs_db.paused_before(db, now - NUDGE_AFTER)
    ]
    earliest = await runs_db.earliest_pause(db)
    # Pausing pokes the job; the backstop only covers a poke that was missed.
    backstop = now + timedelta(hours=6)
    if earliest is None:
        return due, backstop
    wake = max(from_db(earliest) + NUDGE_AFTER, now + timedelta(seconds=1))
    return due, min(wake, backstop)


async def nudge_for(db: Database, catalog: Catalog, claim: Claim) -> Nudge | None:
    """The nudge for a claimed run, if it is still paused and its exercise still offered."""
    if claim.user_id is None:
        return None
    row = await runs_db.get_run(db, claim.user_id, claim.target_id)
    if row is None or row["status"] != "paused" or row["exercise_id"] not in catalog.exercises:
        return None
    return Nudge(claim.target_id, claim.user_id, catalog.exercises[row["exercise_id"]])


class AlreadyShared(UserError):
    def __init__(self) -> None:
        super().__init__("You already shared this one with your group, so I didn't post it again.")


@dataclass(frozen=True, slots=True)
class Share:
    """A claimed share of a finished run: where it goes and what it says (never answers)."""

    post: PublicPost
    guild_id: int
    channel_id: int
    template: str
    title: str
    named: bool  # False when the member hides from this group's public posts

    def line(self, mention: str) -> str:
        # A member who hides from the group is not named, not even by mention.
        who = mention
        if not self.named:
            who = "A member" if self.template.startswith("{member}") else "a member"
        return self.template.format(member=who, title=self.title)


async def claim_share(
    db: Database, clock: Clock, catalog: Catalog, *, user_id: int, run_id: int
) -> Share:
    """Claim the one public line about a finished run, before it is posted: a second press
    (even one at the same moment) gets AlreadyShared and posts nothing."""
    row = await runs_db.get_run(db, user_id, run_id)
    if row is None or row["status"] not in ("completed", "late"):
        raise NotFound("Only a finished exercise can be shared.")
    exercise = exercise_of(catalog, row)
    if not exercise.share:
        raise InvalidInput("This exercise has nothing to share.")
    groups = await groups_db.channels_for_member(db, user_id)
    chosen = next((g for g in groups if g["guild_id"] == row["guild_id"]), None)
    chosen = chosen or (groups[0] if groups else None)
    if chosen is None:
        raise InvalidInput(
            "Your group hasn't chosen a channel for posts yet, so there is "
            "nowhere to share. An organiser can set one with `/setup channel`."
        )
    hidden = await public_service.is_hidden(db, chosen["guild_id"], user_id)
    async with db.transaction() as conn:
        post = await public_posts_db.claim(
            conn,
            user_id=user_id,
            guild_id=chosen["guild_id"],
            kind=SHARE_KIND,
            ref=str(run_id),
            now=clock.now(),
        )
    if not post.to_post(clock.now()):
        raise AlreadyShared
    return Share(
        post,
        chosen["guild_id"],
        chosen["channel_id"],
        exercise.share,
        exercise.title,
        named=not hidden,
    )


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
