"""What a finished exercise creates: its result (a target, an offer), follow-ups, pipeline
entries, interview dates, and how an offer compares with the target. Planned from the answers
(pure), created in the caller's transaction or when the member accepts what was offered (once,
however often pressed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.db import followups as followups_db
from bot.db import interview_day as interview_db
from bot.db import pipeline as pipeline_db
from bot.errors import NotFound
from bot.services import interview_day
from bot.services import profile as profile_service
from bot.services import target as target_service
from bot.services.changes import Changes
from bot.services.dates import format_day
from bot.services.exercises import engine
from bot.services.exercises.engine import Context, RunState
from bot.services.exercises.model import Effect, Exercise, Kind
from bot.services.text import clip

# for_each lists that go over the member's right-job target.
TARGET_LISTS = ("target:criteria", "target:judged")


@dataclass(frozen=True, slots=True)
class PlannedEffect:
    kind: str  # follow_up | pipeline | interview
    person: str
    reason: str | None
    due: str | None
    stage: str
    confirm: bool
    late_step: str | None

    def describe(self, today: date | None = None) -> str:
        """One line for the member; dates as they read them (with the year when it differs
        from ``today``'s)."""
        day = date.fromisoformat(self.due) if self.due else None
        when = format_day(day, today or day) if day else ""
        if self.kind == "pipeline":
            return f"Pipeline: {self.person} ({self.stage})"
        if self.kind == "interview":
            return f"Interview {when}: {self.person}, with a thank-you note the day after"
        return f"Follow-up: {self.reason} ({self.person}), {when}"


async def offer_onto_opportunity(
    conn: Any, exercise: Exercise, state: RunState, ctx: Context, user_id: int, opportunity_id: int
) -> None:
    """An offer about an opportunity tells /pipeline how that opportunity compares."""
    check = offer_check(exercise, state, ctx)
    if not check:
        return
    current = await interview_db.opportunity_in(conn, user_id, opportunity_id)
    if current is None:
        return
    merged = json.loads(current["target_check"]) if current["target_check"] else {}
    merged.update(check)
    await pipeline_db.set_target_check(conn, user_id, opportunity_id, json.dumps(merged))


def offer_check(exercise: Exercise, state: RunState, ctx: Context) -> dict[str, Any]:
    """What an offer run learnt about the job against the target: its pay, and the member's
    judgement of each other criterion."""
    if exercise.result is None:
        return {}
    pay_step = exercise.result.fields.get("pay") or exercise.result.fields.get("salary")
    judged = next(
        (s for s in exercise.steps if s.kind is Kind.FOR_EACH and s.over in TARGET_LISTS), None
    )
    return target_service.check_from_answers(
        ctx.target,
        state.answers.get(pay_step) if pay_step else None,
        state.answers.get(judged.id) if judged else None,
    )


async def finish(
    conn: Any,
    exercise: Exercise,
    state: RunState,
    ctx: Context,
    *,
    user_id: int,
    run_id: int,
    opportunity_id: int | None,
    now: datetime,
) -> tuple[list[str], list[PlannedEffect]]:
    """Everything a run creates as it completes, in the transaction that completes it: its
    result, and what its answers imply. Returns a line about each thing created, and what is
    offered instead (saved with the run until the member answers)."""
    if exercise.result is not None:
        await runs_db.insert_result(
            conn,
            user_id=user_id,
            run_id=run_id,
            exercise_id=exercise.id,
            kind=exercise.result.kind,
            data=result_data(exercise, state, ctx),
            now=now,
        )
        if exercise.result.kind == "offer" and opportunity_id is not None:
            await offer_onto_opportunity(conn, exercise, state, ctx, user_id, opportunity_id)
    planned = plan_effects(exercise, state.answers, ctx)
    # An interview about the opportunity the run is linked to is recorded at once: the member
    # named it. Without one it would add a pipeline entry from typed text, so it is offered.
    now_too = [e for e in planned if not e.confirm or (e.kind == "interview" and opportunity_id)]
    created = await create_all(conn, now_too, user_id, run_id, opportunity_id, ctx.today, now)
    offered = [e for e in planned if e not in now_too]
    if offered:
        await runs_db.set_pending_effects(conn, run_id, [as_dict(e) for e in offered])
    return created, offered


def result_data(exercise: Exercise, state: RunState, ctx: Context) -> dict[str, Any]:
    """What a run keeps as its result (the fields the exercise names, its judgements against
    the target, late answers), or nothing for an exercise without one."""
    if exercise.result is None:
        return {}
    data: dict[str, Any] = {
        name: state.answers.get(step) for name, step in exercise.result.fields.items()
    }
    for step in exercise.steps:
        if step.kind is Kind.FOR_EACH and step.over in TARGET_LISTS:
            data["comparison"] = state.answers.get(step.id) or {}
            data["target_criteria"] = list(ctx.target_criteria)
        if step.late and step.id in state.answers:
            data[step.id] = state.answers[step.id]
    if exercise.result.kind == "offer" and ctx.target:
        data["versus_target"] = offer_check(exercise, state, ctx)
    return data


def as_dict(effect: PlannedEffect) -> dict[str, Any]:
    return {name: getattr(effect, name) for name in PlannedEffect.__slots__}


def plan_effects(exercise: Exercise, answers: dict[str, Any], ctx: Context) -> list[PlannedEffect]:
    """The follow-ups, pipeline entries and interviews the answers imply (skipped answers
    imply none)."""
    planned: list[PlannedEffect] = []
    for effect in exercise.effects:
        items: list[str | None] = [None]
        if effect.for_each:
            items = list(answers.get(effect.for_each) or [])
        for item in items:
            about = _about_item(exercise, effect, answers, item)
            person = engine.fill(effect.person, about, ctx, item).strip()
            due = _due(exercise, effect, answers, ctx, item)
            if not person or (effect.kind != "pipeline" and due is None):
                continue
            planned.append(
                PlannedEffect(
                    kind=effect.kind,
                    person=clip(person, 100),
                    reason=clip(engine.fill(effect.reason, about, ctx, item), 200)
                    if effect.reason
                    else None,
                    due=due,
                    stage=effect.stage,
                    confirm=effect.confirm,
                    late_step=effect.after,
                )
            )
    return planned


def _about_item(
    exercise: Exercise, effect: Effect, answers: dict[str, Any], item: str | None
) -> dict[str, Any]:
    """The answers as an effect about ``item`` reads them: a per-item answer over the same
    list ("what will you ask {item}?") is the answer about this item."""
    if item is None:
        return answers
    about = dict(answers)
    for step in exercise.steps:
        if step.kind is Kind.FOR_EACH and step.over == effect.for_each:
            about[step.id] = (answers.get(step.id) or {}).get(item)
    return about


def _due(
    exercise: Exercise, effect: Effect, answers: dict[str, Any], ctx: Context, item: str | None
) -> str | None:
    """The first date the effect's sources give: a per-item answer about ``item``, a date
    answer, or today plus +Nd / +Nw. A question the member no longer sees gives none."""
    for source in effect.due:
        if source.startswith("+"):
            amount, unit = int(source[1:-1]), source[-1]
            return (ctx.today + timedelta(days=amount * (7 if unit == "w" else 1))).isoformat()
        if not engine.visible(exercise.step(source), answers, ctx):
            continue
        value = answers.get(source)
        if isinstance(value, dict):
            value = value.get(item or "")
        if isinstance(value, str):
            return value
    return None


async def create_all(
    conn: Any,
    effects: list[PlannedEffect],
    user_id: int,
    run_id: int,
    opportunity_id: int | None,
    today: date,
    now: datetime,
) -> list[str]:
    """Create what the answers imply; pipeline entries first, so a follow-up about the same
    person or company belongs to its entry. Returns a line about each."""
    made: dict[str, int] = {}
    for effect in (e for e in effects if e.kind == "pipeline"):
        made[effect.person.casefold()] = await pipeline_db.insert(
            conn,
            user_id=user_id,
            company=effect.person,
            role=None,
            stage=effect.stage,
            next_step=None,
            now=now,
        )
    for effect in (e for e in effects if e.kind == "interview"):
        about = opportunity_id
        if about is None:
            about = await pipeline_db.insert(
                conn,
                user_id=user_id,
                company=effect.person,
                role=None,
                stage=effect.stage,
                next_step=None,
                now=now,
            )
            # The run is about it from now on: its card reads this run's answers.
            await runs_db.set_opportunity(conn, run_id, about)
            opportunity_id = about
        await interview_day.record_in(
            conn,
            user_id=user_id,
            opportunity_id=about,
            day=date.fromisoformat(effect.due or ""),
            today=today,
            now=now,
        )
    for effect in (e for e in effects if e.kind == "follow_up"):
        await followups_db.insert(
            conn,
            user_id=user_id,
            person=effect.person,
            reason=effect.reason or "Follow up",
            due_on=date.fromisoformat(effect.due or ""),
            opportunity_id=opportunity_id or made.get(effect.person.casefold()),
            source_win_id=None,
            now=now,
            run_id=run_id if effect.late_step else None,
            late_step=effect.late_step,
        )
    return [e.describe(today) for e in effects]


async def settle_effects(
    db: Database, clock: Clock, *, user_id: int, run_id: int, accept: bool, changes: Changes
) -> list[str]:
    """Create (or decline) what a finished run offered; once only, however often pressed."""
    now = clock.now()
    today = (await profile_service.load(db, clock, user_id)).today(now)
    async with db.transaction() as conn:
        # Read and cleared inside the one transaction: a second press finds nothing.
        pending = await runs_db.take_pending_effects(conn, user_id, run_id)
        if pending is None:
            raise NotFound("Those were already dealt with.")
        raw, opportunity_id = pending
        effects = [PlannedEffect(**e) for e in raw]
        if not accept:
            return []
        created = await create_all(conn, effects, user_id, run_id, opportunity_id, today, now)
    if created:
        replan_after_creating(changes)
    return created


def replan_after_creating(changes: Changes) -> None:
    """What a run created (follow-ups, pipeline entries, interview days) is for the
    reminders and the interview-day cards to plan around."""
    changes.reminders()
    changes.interview_cards()
