"""The exercise engine: given a run's state and what the member sent, the next state.

Pure functions, no I/O: the service saves the state this returns *before* anything is sent,
so a crash between the two can only re-send a question, never lose an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.errors import InvalidInput
from bot.services.exercises.answers import parse, parse_number, parse_sort, visible_text
from bot.services.exercises.model import Exercise, Kind, Step

ACTIVE, PAUSED, COMPLETED, CANCELLED, LATE = "active", "paused", "completed", "cancelled", "late"
COMMANDS = ("back", "skip", "pause", "cancel", "help", "keep", "done")
# What a paused run still hears as a command; any other message only wakes it.
STILL_COMMANDS_WHEN_PAUSED = ("back", "skip", "pause", "cancel", "help", "keep")
WELCOME_BACK = "Welcome back. Here is where you left off:"
CANCEL_YES, CANCEL_NO = "cancel:yes", "cancel:no"


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine may know beyond the run: today in the member's zone, their target, and
    what the opportunity the run is about already says (``facts``, by the names a step's
    ``from_opportunity`` uses)."""

    today: date
    target_criteria: tuple[str, ...] = ()
    opportunity: str = ""
    # The target's criteria the member judges (all but the salary, compared as a number).
    target_judged: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    # The latest right-job target itself, for comparisons in summaries (None without one).
    target: dict[str, Any] | None = None

    @property
    def has_target(self) -> bool:
        return bool(self.target_criteria)


@dataclass(frozen=True, slots=True)
class Position:
    step: str
    item: int | None = None  # index into the for_each items


@dataclass
class RunState:
    """Everything about a run in progress; saved as JSON after every input."""

    answers: dict[str, Any] = field(default_factory=dict)
    position: Position | None = None
    draft: list[str] = field(default_factory=list)
    awaiting_cancel: bool = False
    status: str = ACTIVE
    late: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "position": None
            if self.position is None
            else {"step": self.position.step, "item": self.position.item},
            "draft": self.draft,
            "awaiting_cancel": self.awaiting_cancel,
            "status": self.status,
            "late": self.late,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunState:
        position = data.get("position")
        return cls(
            answers=dict(data.get("answers", {})),
            position=Position(position["step"], position.get("item")) if position else None,
            draft=list(data.get("draft", [])),
            awaiting_cancel=bool(data.get("awaiting_cancel", False)),
            status=data.get("status", ACTIVE),
            late=data.get("late"),
        )


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question as the member will see it."""

    step: Step  # the step asked (the 'each' sub-step inside a for_each)
    text: str
    number: int
    total: int
    section: str | None
    previous: str | None  # the earlier answer when coming back to a question
    draft: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # what an at-once question sorts, in order


@dataclass(frozen=True, slots=True)
class Turn:
    """What one input did: the new state and what to say."""

    state: RunState
    notes: tuple[str, ...] = ()
    prompt: Prompt | None = None
    confirm_cancel: bool = False
    completed: bool = False
    cancelled: bool = False
    paused: bool = False
    late_answered: bool = False


# -- walking the steps ---------------------------------------------------------------------


def items_of(exercise: Exercise, step: Step, answers: dict[str, Any], ctx: Context) -> list[str]:
    """The items a for_each step repeats over, as the member will read them."""
    if step.over == "target:criteria":
        return list(ctx.target_criteria)
    if step.over == "target:judged":
        return list(ctx.target_judged)
    source = exercise.step(step.over or "")
    value = answers.get(source.id)
    # A list hidden by a later edit no longer drives questions, whatever it held before.
    if not value or not visible(source, answers, ctx):
        return []
    if source.kind is Kind.MULTI:
        return [source.option(v).label for v in value if source.option(v)]  # type: ignore[union-attr]
    return list(value)


def visible(step: Step, answers: dict[str, Any], ctx: Context) -> bool:
    if step.late:
        return False
    rule = step.show_if
    if rule is None:
        return True
    if rule.context == "has_target":
        return ctx.has_target
    answer = answers.get(rule.step or "")
    if rule.equals is not None:
        return answer == rule.equals
    if rule.not_equals is not None:
        # An unanswered (or skipped) choice does not show the dependent question.
        return answer is not None and answer != rule.not_equals
    if rule.more_than is not None:
        return isinstance(answer, list) and len(answer) > rule.more_than
    return isinstance(answer, list) and rule.includes in answer


def prefilled(step: Step, ctx: Context) -> bool:
    """Whether the opportunity the run is about answers this step (so it is not asked)."""
    return step.from_opportunity is not None and ctx.facts.get(step.from_opportunity) not in (
        None,
        "",
    )


def _prefill(exercise: Exercise, state: RunState, ctx: Context) -> None:
    """Store what the opportunity answers, unless the member already answered it."""
    for step in exercise.steps:
        if prefilled(step, ctx) and step.id not in state.answers:
            state.answers[step.id] = ctx.facts[step.from_opportunity or ""]


def positions(exercise: Exercise, answers: dict[str, Any], ctx: Context) -> list[Position]:
    """Every question the member will be asked, given their answers so far."""
    found: list[Position] = []
    for step in exercise.steps:
        if not visible(step, answers, ctx) or prefilled(step, ctx):
            continue
        if step.kind is Kind.FOR_EACH and step.at_once:
            # Every item in one question, once there are items to sort.
            if items_of(exercise, step, answers, ctx):
                found.append(Position(step.id))
        elif step.kind is Kind.FOR_EACH:
            found += [
                Position(step.id, i) for i in range(len(items_of(exercise, step, answers, ctx)))
            ]
        else:
            found.append(Position(step.id))
    return found


def _stored(state: RunState, exercise: Exercise, pos: Position, ctx: Context) -> tuple[bool, Any]:
    """(answered?, answer) at a position; for_each answers are kept per item text."""
    if pos.item is None:
        return pos.step in state.answers, state.answers.get(pos.step)
    items = items_of(exercise, exercise.step(pos.step), state.answers, ctx)
    per_item = state.answers.get(pos.step) or {}
    key = items[pos.item] if pos.item < len(items) else None
    return key in per_item, per_item.get(key) if key else None


def _store(state: RunState, exercise: Exercise, pos: Position, ctx: Context, value: Any) -> None:
    if pos.item is None:
        state.answers[pos.step] = value
        return
    items = items_of(exercise, exercise.step(pos.step), state.answers, ctx)
    per_item = dict(state.answers.get(pos.step) or {})
    per_item[items[pos.item]] = value
    state.answers[pos.step] = per_item


def asked_step(exercise: Exercise, pos: Position) -> Step:
    """The step a member answers at ``pos``: the per-item sub-step of a for_each, or the
    for_each itself when it asks about every item at once."""
    step = exercise.step(pos.step)
    if step.kind is Kind.FOR_EACH and step.each and not step.at_once:
        return step.each
    return step


def fill(template: str, answers: dict[str, Any], ctx: Context, item: str | None = None) -> str:
    """A prompt with {answer} placeholders filled in from earlier answers."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "item":
            return item or ""
        if name == "opportunity":
            return ctx.opportunity or "this opportunity"
        return display(answers.get(name)) or "…"

    return re.sub(r"\{([a-z][a-z0-9_]*)\}", value, template)


def display(value: Any) -> str:
    """An answer as text, for prompts, summaries and exports."""
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) == {"value", "currency"}:
        amount = value["value"]
        shown = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
        return f"{shown} {value['currency']}" if value.get("currency") else shown
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def prompt_at(exercise: Exercise, state: RunState, ctx: Context) -> Prompt | None:
    pos = state.position
    if pos is None:
        return None
    if state.late:
        step = exercise.step(state.late)
        text = fill(step.prompt, state.answers, ctx)
        return Prompt(step, text, 1, 1, step.section, None)
    order = positions(exercise, state.answers, ctx)
    step = asked_step(exercise, pos)
    item = None
    if pos.item is not None:
        items = items_of(exercise, exercise.step(pos.step), state.answers, ctx)
        item = items[pos.item] if pos.item < len(items) else None
    answered, previous = _stored(state, exercise, pos, ctx)
    return Prompt(
        step=step,
        text=fill(step.prompt, state.answers, ctx, item),
        number=order.index(pos) + 1 if pos in order else 1,
        total=len(order),
        section=exercise.step(pos.step).section,
        previous=describe(step, previous) if answered else None,
        draft=tuple(state.draft),
        items=tuple(items_of(exercise, step, state.answers, ctx)) if step.at_once else (),
    )


def describe(step: Step, value: Any) -> str:
    """An answer as the member reads it: option labels, one item per line, dates spelt out."""
    if value is None:
        return "(skipped)"
    if step.kind is Kind.CHOICE:
        option = step.option(value)
        return option.label if option else str(value)
    if step.kind is Kind.MULTI:
        return ", ".join(o.label if (o := step.option(v)) else str(v) for v in value)
    if step.kind is Kind.LIST:
        return "\n".join(f"- {v}" for v in value)
    if step.kind is Kind.DATE:
        return f"{date.fromisoformat(value):%a %d %b %Y}"
    if step.kind is Kind.FOR_EACH and step.at_once and step.each and isinstance(value, dict):
        lines = []
        for option in step.each.options:
            chosen = [item for item, picked in value.items() if picked == option.value]
            lines.append(f"{option.label}:")
            lines += [f"- {item}" for item in chosen] or ["- (none)"]
        return "\n".join(lines)
    return display(value)


CONFIRM_KEY = "x"  # the question key of the cancel confirmation's buttons


def position_key(exercise: Exercise, position: Position | None) -> str:
    """A short, stable name for a question, carried by its buttons: "3", or "5.1" for the
    second item of a for-each step."""
    if position is None:
        return CONFIRM_KEY
    index = [s.id for s in exercise.steps].index(position.step)
    return f"{index}" if position.item is None else f"{index}.{position.item}"


def is_at(exercise: Exercise, state: RunState, key: str) -> bool:
    """Whether a press of a button for question ``key`` belongs to where the run is now."""
    if key == CONFIRM_KEY:
        return state.awaiting_cancel
    return not state.awaiting_cancel and position_key(exercise, state.position) == key


def where(exercise: Exercise, state: RunState, ctx: Context) -> Turn:
    """Where a run is, as a turn that changes nothing: the open question (or confirmation)."""
    if state.awaiting_cancel:
        return Turn(state=state, confirm_cancel=True)
    return Turn(state=state, prompt=prompt_at(exercise, state, ctx))


def start(exercise: Exercise, ctx: Context) -> Turn:
    state = RunState()
    _prefill(exercise, state, ctx)
    order = positions(exercise, state.answers, ctx)
    if not order:
        # Every question is hidden for this member (e.g. all need a target): nothing to ask.
        state.status = COMPLETED
        return Turn(state=state, completed=True)
    state.position = order[0]
    return Turn(state=state, prompt=prompt_at(exercise, state, ctx))


def resume(exercise: Exercise, state: RunState, ctx: Context) -> Turn:
    new = _copy(state)
    if new.status == PAUSED:
        new.status = ACTIVE
    _repair(exercise, new, ctx)
    return Turn(state=new, prompt=prompt_at(exercise, new, ctx))


def ask_late(exercise: Exercise, state: RunState, step_id: str, ctx: Context) -> Turn:
    """A completed run gets one more question (asked after a follow-up was done)."""
    new = _copy(state)
    new.status, new.late, new.position = LATE, step_id, Position(step_id)
    return Turn(state=new, prompt=prompt_at(exercise, new, ctx))


# -- one input -------------------------------------------------------------------------------


def advance(
    exercise: Exercise,
    state: RunState,
    ctx: Context,
    *,
    text: str | None = None,
    values: list[str] | None = None,
) -> Turn:
    """Apply one message (``text``) or one button/menu choice (``values``)."""
    new = _copy(state)
    if text is not None:
        # Invisible characters never count: "pause\u200b" is `pause`, a lone NUL is nothing.
        text = visible_text(text)
    word = (text or "").strip().lower()
    was_paused = new.status == PAUSED
    if was_paused and not (text is not None and word == "pause"):
        new.status = ACTIVE
    _repair(exercise, new, ctx)
    if new.position is None:
        return Turn(state=new, completed=new.status == COMPLETED)
    if was_paused and text is not None and word not in STILL_COMMANDS_WHEN_PAUSED:
        # "Send any message to carry on": the message wakes the run and is not an answer,
        # so the question is asked again. (A button press names its question: it answers.)
        return Turn(state=new, notes=(WELCOME_BACK,), prompt=prompt_at(exercise, new, ctx))

    if new.awaiting_cancel:
        if word in ("yes", "y", "cancel") or values == [CANCEL_YES]:
            new.status, new.position, new.awaiting_cancel = CANCELLED, None, False
            return Turn(state=new, cancelled=True)
        new.awaiting_cancel = False
        return Turn(state=new, notes=("Carrying on.",), prompt=prompt_at(exercise, new, ctx))
    if values == [CANCEL_NO]:
        return Turn(state=new, prompt=prompt_at(exercise, new, ctx))

    if text is not None and word in COMMANDS and new.late:
        return _late_command(exercise, new, ctx, word)
    if text is not None and word in COMMANDS:
        return _command(exercise, new, ctx, word)

    step = asked_step(exercise, new.position)
    work = _copy(new)
    finish = False
    if step.kind is Kind.LIST and text and "\n" in text.strip():
        # "item\nitem\ndone" in one message adds the items and finishes the list.
        lines = text.strip().splitlines()
        if lines[-1].strip().lower() == "done":
            text, finish = "\n".join(lines[:-1]), True
    try:
        value, done = _parse(exercise, work, ctx, step, text, values)
    except InvalidInput as problem:
        # Bad input changes nothing (beyond waking a paused run).
        return Turn(state=new, notes=(problem.message,), prompt=prompt_at(exercise, new, ctx))
    if not done and finish:
        return _command(exercise, work, ctx, "done")
    if not done:
        more = _list_more(step, work)
        return Turn(state=work, notes=(f"Got it: {len(work.draft)} so far. {more}",))
    return _answered(exercise, work, ctx, value)


def _parse(
    exercise: Exercise,
    state: RunState,
    ctx: Context,
    step: Step,
    text: str | None,
    values: list[str] | None,
) -> tuple[Any, bool]:
    if step.kind is Kind.FOR_EACH:  # asked at once: the answer sorts every item
        items = items_of(exercise, step, state.answers, ctx)
        return parse_sort(step, items, text, values), True
    return parse(step, state.draft, ctx.today, text, values)


def _answered(exercise: Exercise, state: RunState, ctx: Context, value: Any) -> Turn:
    pos = state.position
    if pos is None:
        return Turn(state=state)
    if state.late:
        state.answers[state.late] = value
        state.status, state.late, state.position = COMPLETED, None, None
        return Turn(state=state, late_answered=True)
    _store(state, exercise, pos, ctx, value)
    state.draft = []
    order = positions(exercise, state.answers, ctx)
    after = order[order.index(pos) + 1 :] if pos in order else order
    state.position = after[0] if after else None
    if state.position is None:
        state.status = COMPLETED
        return Turn(state=state, completed=True)
    return Turn(state=state, prompt=prompt_at(exercise, state, ctx))


def _late_command(exercise: Exercise, state: RunState, ctx: Context, word: str) -> Turn:
    """The one extra question of a finished run: only help, skip and stopping make sense."""
    if word == "help":
        return Turn(
            state=state,
            notes=("Answer in a message, or type `skip` to leave it.",),
            prompt=prompt_at(exercise, state, ctx),
        )
    if word in ("skip", "cancel", "pause"):
        state.status, state.late, state.position = COMPLETED, None, None
        return Turn(state=state, notes=("Fine: nothing added.",), late_answered=True)
    return Turn(
        state=state,
        notes=(f"`{word}` doesn't apply to this question.",),
        prompt=prompt_at(exercise, state, ctx),
    )


def _command(exercise: Exercise, state: RunState, ctx: Context, word: str) -> Turn:
    pos = state.position
    if pos is None:
        return Turn(state=state)
    step = asked_step(exercise, pos)
    if word == "help":
        return Turn(
            state=state,
            notes=(HELP_TEXT + (f"\n\nHint: {step.hint}" if step.hint else ""),),
            prompt=prompt_at(exercise, state, ctx),
        )
    if word == "pause":
        state.status = PAUSED
        return Turn(state=state, paused=True)
    if word == "cancel":
        state.awaiting_cancel = True
        return Turn(state=state, confirm_cancel=True)
    if word == "back":
        order = positions(exercise, state.answers, ctx)
        index = order.index(pos) if pos in order else 0
        if index == 0:
            return Turn(
                state=state,
                notes=("This is the first question.",),
                prompt=prompt_at(exercise, state, ctx),
            )
        state.position, state.draft = order[index - 1], []
        return Turn(state=state, prompt=prompt_at(exercise, state, ctx))
    if word == "skip":
        if not (step.optional or exercise.step(pos.step).optional):
            return Turn(
                state=state,
                notes=(
                    "This question can't be skipped: it is what the "
                    "rest builds on. Type `help` for options.",
                ),
                prompt=prompt_at(exercise, state, ctx),
            )
        return _answered(exercise, state, ctx, None)
    if word == "keep":
        answered, previous = _stored(state, exercise, pos, ctx)
        if not answered:
            return Turn(
                state=state,
                notes=("There is no earlier answer to keep here.",),
                prompt=prompt_at(exercise, state, ctx),
            )
        return _answered(exercise, state, ctx, previous)
    # "done" finishes an open list.
    if step.kind is not Kind.LIST:
        return _answer_text(exercise, state, ctx, word)
    if len(state.draft) < step.min_items:
        need = step.min_items - len(state.draft)
        return Turn(state=state, notes=(f"I need at least {step.min_items}: send {need} more.",))
    return _answered(exercise, state, ctx, list(state.draft))


def _answer_text(exercise: Exercise, state: RunState, ctx: Context, word: str) -> Turn:
    """A command word that is really an answer (e.g. `done` to a text question)."""
    if state.position is None:
        return Turn(state=state)
    step = asked_step(exercise, state.position)
    try:
        value, _ = _parse(exercise, state, ctx, step, word, None)
    except InvalidInput as problem:
        return Turn(state=state, notes=(problem.message,), prompt=prompt_at(exercise, state, ctx))
    return _answered(exercise, state, ctx, value)


HELP_TEXT = (
    "Answer in a message (or with the buttons). You can also type:\n"
    "`back` previous question · `skip` skip an optional one · `keep` keep your earlier answer\n"
    "`pause` stop for now (everything is saved) · `cancel` stop and discard this run"
)


def _list_more(step: Step, state: RunState) -> str:
    if step.count:
        return f"Send {step.count - len(state.draft)} more."
    return (
        "Send more, or type `done` when that's all."
        if len(state.draft) >= step.min_items
        else f"Send at least {step.min_items - len(state.draft)} more."
    )


# -- keeping state valid ---------------------------------------------------------------------


def _copy(state: RunState) -> RunState:
    return RunState.from_json(_deep(state.to_json()))


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


def _repair(exercise: Exercise, state: RunState, ctx: Context) -> None:
    """After an edit changed what is visible, make sure the position is a real question."""
    if state.status in (COMPLETED, CANCELLED) or state.late:
        return
    _prefill(exercise, state, ctx)
    order = positions(exercise, state.answers, ctx)
    if state.position in order:
        return
    unanswered = [p for p in order if not _stored(state, exercise, p, ctx)[0]]
    state.position = unanswered[0] if unanswered else (order[-1] if order else None)
    state.draft = []


def is_valid(exercise: Exercise, state: RunState, ctx: Context) -> bool:
    """The invariant the property test checks after any sequence of inputs."""
    if state.status not in (ACTIVE, PAUSED, COMPLETED, CANCELLED, LATE):
        return False
    if state.status in (COMPLETED, CANCELLED):
        return state.position is None and not state.awaiting_cancel
    if state.position is None:
        return False
    if state.late:
        return state.status == LATE
    return state.position in positions(exercise, state.answers, ctx)


__all__ = [
    "Context",
    "Position",
    "Prompt",
    "RunState",
    "Turn",
    "advance",
    "ask_late",
    "describe",
    "display",
    "fill",
    "is_at",
    "is_valid",
    "items_of",
    "parse_number",
    "position_key",
    "positions",
    "prefilled",
    "prompt_at",
    "resume",
    "start",
    "where",
]
