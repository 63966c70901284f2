"""Reading finished and open runs: the overview, answer sheets, the Markdown export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.errors import InvalidInput
from bot.services import target as target_service
from bot.services.dates import format_day
from bot.services.exercises import effects, engine
from bot.services.exercises.catalog import Catalog
from bot.services.exercises.context import context_for
from bot.services.exercises.engine import Context, RunState
from bot.services.exercises.model import Exercise, Kind, Step
from bot.services.exercises.runs import load_state


@dataclass(frozen=True, slots=True)
class Overview:
    exercise: Exercise
    completed: int
    open_at: tuple[int, int] | None
    paused: bool


async def overview(db: Database, clock: Clock, catalog: Catalog, *, user_id: int) -> list[Overview]:
    rows = await runs_db.runs_for_user(db, user_id)
    result = []
    for exercise in catalog.exercises.values():
        mine = [r for r in rows if r["exercise_id"] == exercise.id]
        done = sum(r["status"] in ("completed", "late") for r in mine)
        open_row = next((r for r in mine if r["status"] in ("active", "paused")), None)
        at = None
        if open_row is not None:
            # Numbered as the member sees it: without what its opportunity answered.
            ctx = await context_for(db, clock, user_id, open_row["opportunity_id"])
            prompt = engine.prompt_at(exercise, load_state(open_row), ctx)
            at = (prompt.number, prompt.total) if prompt else None
        result.append(
            Overview(exercise, done, at, bool(open_row and open_row["status"] == "paused"))
        )
    return result


def _applies(step: Step, state: RunState, ctx: Context) -> bool:
    """Answered, and still part of the result (a later edit may have hidden it)."""
    if step.id not in state.answers or state.answers[step.id] is None:
        return False
    return step.late or engine.visible(step, state.answers, ctx)


# -- the document a member keeps -------------------------------------------------------------

NO_TARGET = (
    "No target yet: run `/exercise start name:right-job` to set the standard an offer should meet."
)
DEFAULT_SECTION = "In short"


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a document: a heading and its entries (each one or more lines)."""

    heading: str
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """What an exercise produced, as a person would keep it: a profile, a plan, a question
    bank; not the questions it took to get there."""

    title: str
    exercise: Exercise
    sections: tuple[Section, ...]


def shown(step: Step, value: Any, ctx: Context) -> str:
    """An answer as it reads in a document: dates as members read them, units kept."""
    if step.kind is Kind.DATE and isinstance(value, str):
        return format_day(date.fromisoformat(value), ctx.today)
    if step.kind is Kind.NUMBER:
        return engine.display(value) + (f" {step.unit}" if step.unit else "")
    return engine.describe(step, value)


def document(exercise: Exercise, state: RunState, ctx: Context) -> Document:
    """The run's answers laid out by section, under short labels: a list's per-item answers
    under each item, a sorted list as its bank, a comparison with the target as such."""
    answers = state.answers
    group = exercise.group
    in_bank = {group.items, *group.by} if group else set()
    # for_each steps shown under the items of the list they ask about.
    under: dict[str, list[Step]] = {}
    for step in exercise.steps:
        if step.kind is Kind.FOR_EACH and step.id not in in_bank and step.over in exercise.by_id:
            under.setdefault(step.over or "", []).append(step)
    sections: list[tuple[str, list[str]]] = []

    def add(heading: str | None, entry: str) -> None:
        heading = heading or DEFAULT_SECTION
        if not sections or sections[-1][0] != heading:
            sections.append((heading, []))
        sections[-1][1].append(entry)

    for step in exercise.steps:
        if group is not None and step.id == group.items:
            bank = _bank(exercise, state, ctx)
            if bank:
                sections.append((group.title, bank))
            continue
        if step.id in in_bank:
            continue
        if step.kind is Kind.FOR_EACH and step.over in effects.TARGET_LISTS:
            if engine.visible(step, answers, ctx):
                for line in _against_target(exercise, state, ctx):
                    add(step.section, line)
            continue
        if step.kind is Kind.FOR_EACH or not _applies(step, state, ctx):
            continue
        label = step.label or engine.fill(step.prompt, answers, ctx)
        if step.kind in (Kind.LIST, Kind.MULTI):
            add(step.section, _listed(step, label, under.get(step.id, []), state, ctx))
        elif label == step.section:
            add(step.section, shown(step, answers[step.id], ctx))  # the heading names it
        else:
            add(step.section, f"**{label}:** {shown(step, answers[step.id], ctx)}")
    title = engine.fill(exercise.heading, answers, ctx) if exercise.heading else exercise.title
    return Document(
        title=title,
        exercise=exercise,
        sections=tuple(Section(heading, tuple(entries)) for heading, entries in sections),
    )


def _listed(
    step: Step,
    label: str,
    per_item: list[Step],
    state: RunState,
    ctx: Context,
) -> str:
    """A list (or a multi's choices) with what was said about each item beneath it."""
    value = state.answers.get(step.id) or []
    if step.kind is Kind.MULTI:  # per-item answers are kept by the option's label
        items = [option.label for v in value if (option := step.option(v)) is not None]
    else:
        items = list(value)
    lines = [f"**{label}**"]
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if step.count else "- "
        lines.append(marker + item)
        for about in per_item:
            answer = (state.answers.get(about.id) or {}).get(item)
            if (
                about.each is None
                or answer is None
                or not engine.visible(about, state.answers, ctx)
            ):
                continue
            name = about.label or "Answer"
            lines.append(f"{' ' * len(marker)}- {name}: {shown(about.each, answer, ctx)}")
    return "\n".join(lines)


def _bank(exercise: Exercise, state: RunState, ctx: Context) -> list[str]:
    """The grouped list (e.g. the question bank): one entry per bucket, in option order."""
    group = exercise.group
    if group is None:
        return []
    items = state.answers.get(group.items) or []
    by = [exercise.step(step_id) for step_id in group.by]
    options = [s.each.options if s.each else () for s in by]
    buckets: dict[tuple[int, ...], list[str]] = {}
    for item in items:
        indexes = []
        for step, choices in zip(by, options, strict=True):
            value = (state.answers.get(step.id) or {}).get(item)
            index = next((i for i, o in enumerate(choices) if o.value == value), len(choices))
            indexes.append(index)
        buckets.setdefault(tuple(indexes), []).append(item)
    entries = []
    for key in sorted(buckets):
        names = [
            choices[i].label if i < len(choices) else "Not sorted"
            for i, choices in zip(key, options, strict=True)
        ]
        entries.append("\n".join([f"**{' · '.join(names)}**", *(f"- {q}" for q in buckets[key])]))
    return entries


def _against_target(exercise: Exercise, state: RunState, ctx: Context) -> list[str]:
    if not ctx.target:
        return [NO_TARGET]
    comparison = target_service.compare(ctx.target, effects.offer_check(exercise, state, ctx))
    if comparison is None:
        return [NO_TARGET]
    lines = []
    for criterion in comparison.criteria:
        detail = criterion.detail or f"your target: {criterion.target}"
        status = target_service.STATUS_LABELS[criterion.status]
        lines.append(f"- {criterion.label}: {status} ({detail})")
    return ["\n".join(lines)]


@dataclass(frozen=True, slots=True)
class Sheet:
    exercise: Exercise
    completed_at: str
    document: Document
    today: date


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
    return Sheet(
        exercise, row["completed_at"][:10], document(exercise, load_state(row), ctx), ctx.today
    )


def finished_on(completed_at: str, today: date) -> str:
    return format_day(date.fromisoformat(completed_at[:10]), today)


def markdown(doc: Document, completed_at: str, today: date) -> list[str]:
    """A document as Markdown lines: a heading, when, then each section's entries."""
    lines = [
        f"## {doc.title}",
        "",
        f"*{doc.exercise.title}, finished {finished_on(completed_at, today)}*",
        "",
    ]
    for section in doc.sections:
        lines += [f"### {section.heading}", ""]
        for entry in section.entries:
            lines += [entry, ""]
    return lines


async def export_markdown(db: Database, clock: Clock, catalog: Catalog, *, user_id: int) -> str:
    rows = [
        r
        for r in await runs_db.completed_runs(db, user_id)
        if r["exercise_id"] in catalog.exercises
    ]
    # Runs of an exercise whose file was removed can't be shown as documents, but their
    # answers are still the member's: listed by the step names they were saved under.
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
        lines += markdown(document(exercise, load_state(row), ctx), row["completed_at"], ctx.today)
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
