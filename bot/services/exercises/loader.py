"""Load and validate exercise files. A problem names the file, the step and what is wrong."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any

from bot.services.exercises.model import (
    Effect,
    Exercise,
    Grouping,
    Kind,
    Option,
    ResultSpec,
    ShowIf,
    Step,
)

ID = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
STEP_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VALUE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
RELATIVE_DUE = re.compile(r"^\+(\d{1,3})([dw])$")
CONTEXTS = {"has_target"}
# target:criteria is every criterion of the latest right-job target; target:judged leaves out
# the salary, which is compared as a number rather than judged.
CONTEXT_LISTS = {"target:criteria", "target:judged"}
# What an opportunity can answer, and the kind of step each answer fits.
OPPORTUNITY_FACTS = {
    "company": Kind.TEXT,
    "role": Kind.TEXT,
    "title": Kind.TEXT,  # the company, with the role when known: "Acme (Data Lead)"
    "stage": Kind.TEXT,  # where it stands: lead, contacted, talking, interviewing, offer
    "interview_date": Kind.DATE,
}
STAGES = {"lead", "contacted", "talking", "interviewing", "offer"}
RESULT_KINDS = {"target", "offer"}

TOP_KEYS = {
    "id",
    "title",
    "summary",
    "intro",
    "outro",
    "minutes",
    "share",
    "steps",
    "effects",
    "result",
    "group",
    "heading",
}
# Keys every step may have, and the keys that only some kinds of step take.
COMMON_STEP_KEYS = {
    "id",
    "kind",
    "prompt",
    "hint",
    "section",
    "optional",
    "late",
    "show_if",
    "label",
    "from_opportunity",
}
KIND_KEYS: dict[str, set[Kind]] = {
    "min_length": {Kind.TEXT, Kind.LIST},
    "max_length": {Kind.TEXT, Kind.LIST},
    "unit": {Kind.NUMBER},
    "currency": {Kind.NUMBER},
    "min": {Kind.NUMBER},
    "max": {Kind.NUMBER},
    "integer": {Kind.NUMBER},
    "when": {Kind.DATE},
    "options": {Kind.CHOICE, Kind.MULTI},
    "min_choices": {Kind.MULTI},
    "max_choices": {Kind.MULTI},
    "count": {Kind.LIST},
    "min_items": {Kind.LIST},
    "max_items": {Kind.LIST},
    "item_max_length": {Kind.LIST},
    "over": {Kind.FOR_EACH},
    "each": {Kind.FOR_EACH},
    "at_once": {Kind.FOR_EACH},
}
STEP_KEYS = COMMON_STEP_KEYS | set(KIND_KEYS)
EFFECT_KEYS = {"kind", "person", "reason", "due", "for_each", "stage", "confirm", "after"}
EFFECT_KINDS = ("follow_up", "pipeline", "interview")


class ExerciseError(Exception):
    """An exercise file that cannot be used; the message says where and why."""


class _Where:
    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.step: str | None = None

    def fail(self, problem: str) -> ExerciseError:
        where = f"{self.file}: step '{self.step}'" if self.step else self.file
        return ExerciseError(f"{where}: {problem}")


def _text(
    where: _Where, data: dict[str, Any], key: str, limit: int, *, required: bool = True
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise where.fail(f"'{key}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise where.fail(f"'{key}' must be non-empty text")
    if len(value) > limit:
        raise where.fail(f"'{key}' is {len(value)} characters; the limit is {limit}")
    return value.strip()


def _int(
    where: _Where, data: dict[str, Any], key: str, default: int | None, low: int, high: int
) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise where.fail(f"'{key}' must be a whole number from {low} to {high}")
    return value


def _bool(where: _Where, data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise where.fail(f"'{key}' must be true or false")
    return value


def _placeholders(text: str) -> set[str]:
    """Names in {braces}; raises ValueError for an unmatched brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _names(where: _Where, text: str, what: str) -> set[str]:
    try:
        return _placeholders(text)
    except ValueError:
        raise where.fail(
            f"{what} has an unmatched {{ or }}: write {{{{ or }}}} for a brace"
        ) from None


def _options(where: _Where, raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 25:
        raise where.fail("'options' must be a list of 1 to 25 {value, label} tables")
    options = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"value", "label"}:
            raise where.fail("each option needs exactly 'value' and 'label'")
        if not isinstance(item["value"], str) or not VALUE.match(item["value"]):
            raise where.fail(f"option value {item['value']!r} must be a short lowercase id")
        label = item["label"]
        if not isinstance(label, str) or not 1 <= len(label.strip()) <= 80:
            raise where.fail(f"option label {label!r} must be 1 to 80 characters")
        options.append(Option(item["value"], label.strip()))
    if len({o.value for o in options}) != len(options):
        raise where.fail("option values must be unique")
    if len({o.label.casefold() for o in options}) != len(options):
        raise where.fail("option labels must be unique (members pick by label)")
    return tuple(options)


def _step(where: _Where, raw: Any, earlier: dict[str, Step], *, nested: bool = False) -> Step:
    if not isinstance(raw, dict):
        raise where.fail("each step must be a table")
    if not nested:
        # Name this step in every message about it, even before its id is checked.
        where.step = raw.get("id") if isinstance(raw.get("id"), str) else "(no id)"
    unknown = set(raw) - STEP_KEYS
    if unknown:
        raise where.fail(f"unknown key(s) {sorted(unknown)}")
    step_id = raw.get("id", "each" if nested else None)
    if not isinstance(step_id, str) or not STEP_ID.match(step_id):
        raise where.fail(f"step id {step_id!r} must be lowercase letters, digits and underscores")
    if not nested:
        where.step = step_id
        if step_id in earlier:
            raise where.fail("this id is used by an earlier step")
    try:
        kind = Kind(raw.get("kind"))
    except ValueError:
        raise where.fail(
            f"kind {raw.get('kind')!r} is not one of {[k.value for k in Kind]}"
        ) from None
    if nested and kind is Kind.FOR_EACH:
        raise where.fail("'each' cannot itself be a for_each")
    if nested:
        ignored = {"show_if", "late", "section", "label", "from_opportunity"} & set(raw)
        if ignored:
            raise where.fail(f"{sorted(ignored)} go on the for_each step, not inside 'each'")
    prompt = _text(where, raw, "prompt", 500) or ""
    allowed = set(earlier) | ({"item"} if nested else set()) | {"opportunity"}
    missing = _names(where, prompt, "the prompt") - allowed
    if missing:
        raise where.fail(f"prompt uses {sorted(missing)}, which no earlier step answers")
    fields: dict[str, Any] = {
        "id": step_id,
        "kind": kind,
        "prompt": prompt,
        "hint": _text(where, raw, "hint", 300, required=False),
        "section": _text(where, raw, "section", 60, required=False),
        "optional": _bool(where, raw, "optional", False),
        "late": _bool(where, raw, "late", False),
        "label": _text(where, raw, "label", 60, required=False),
    }
    fact = raw.get("from_opportunity")
    if fact is not None:
        if fact not in OPPORTUNITY_FACTS:
            raise where.fail(f"from_opportunity must be one of {sorted(OPPORTUNITY_FACTS)}")
        if OPPORTUNITY_FACTS[fact] is not kind:
            raise where.fail(
                f"from_opportunity {fact!r} needs a {OPPORTUNITY_FACTS[fact].value} step, "
                f"not {kind.value}"
            )
        fields["from_opportunity"] = fact
    show_if = raw.get("show_if")
    if show_if is not None:
        fields["show_if"] = _show_if(where, show_if, earlier)
    if kind in (Kind.TEXT, Kind.LIST):
        fields["min_length"] = _int(where, raw, "min_length", 1, 1, 1500)
        fields["max_length"] = _int(where, raw, "max_length", 1000, 1, 1500)
        if fields["min_length"] > fields["max_length"]:
            raise where.fail("'min_length' is above 'max_length'")
    if kind is Kind.NUMBER:
        fields["unit"] = _text(where, raw, "unit", 40, required=False)
        fields["currency"] = _bool(where, raw, "currency", False)
        fields["integer"] = _bool(where, raw, "integer", False)
        for key, name in (("min", "minimum"), ("max", "maximum")):
            value = raw.get(key)
            if value is not None and (
                not isinstance(value, int | float) or isinstance(value, bool)
            ):
                raise where.fail(f"'{key}' must be a number")
            fields[name] = value
    if kind is Kind.DATE:
        when = raw.get("when", "future")
        if when not in ("future", "past"):
            raise where.fail('\'when\' must be "future" or "past"')
        fields["when"] = when
    if kind in (Kind.CHOICE, Kind.MULTI):
        fields["options"] = _options(where, raw.get("options"))
        if kind is Kind.MULTI:
            count = len(fields["options"])
            fields["min_choices"] = _int(where, raw, "min_choices", 1, 1, count)
            fields["max_choices"] = _int(where, raw, "max_choices", count, 1, count)
            if fields["min_choices"] > fields["max_choices"]:
                raise where.fail("'min_choices' is above 'max_choices'")
    if kind is Kind.LIST:
        count = _int(where, raw, "count", None, 1, 25)
        fields["count"] = count
        fields["min_items"] = count or _int(where, raw, "min_items", 1, 1, 25)
        fields["max_items"] = count or _int(where, raw, "max_items", 10, 1, 25)
        if fields["min_items"] > fields["max_items"]:
            raise where.fail("'min_items' is above 'max_items'")
        fields["item_max_length"] = _int(where, raw, "item_max_length", 200, 1, 500)
    if kind is Kind.FOR_EACH:
        over = raw.get("over")
        if over not in CONTEXT_LISTS:
            source = earlier.get(over) if isinstance(over, str) else None
            if source is None or source.kind not in (Kind.LIST, Kind.MULTI):
                raise where.fail(
                    f"'over' must name an earlier list or multi step (or one of "
                    f"{sorted(CONTEXT_LISTS)}), not {over!r}"
                )
        fields["over"] = over
        each = raw.get("each")
        if not isinstance(each, dict):
            raise where.fail("a for_each step needs an 'each' table (the question per item)")
        at_once = _bool(where, raw, "at_once", False)
        if at_once:
            # Asked once about every item: the per-item prompt is the step's own.
            each = {"prompt": prompt, **each}
        fields["each"] = _step(where, {"id": step_id, **each}, earlier, nested=True)
        if at_once and (fields["each"].kind is not Kind.CHOICE or len(fields["each"].options) != 2):
            raise where.fail("at_once needs 'each' to be a choice with exactly two options")
        fields["at_once"] = at_once
    for key in set(raw) - COMMON_STEP_KEYS:
        if kind not in KIND_KEYS.get(key, set()):
            raise where.fail(f"'{key}' does not apply to a {kind.value} step")
    return Step(**fields)


def _show_if(where: _Where, raw: Any, earlier: dict[str, Step]) -> ShowIf:
    if not isinstance(raw, dict):
        raise where.fail("'show_if' must be a table")
    if set(raw) == {"context"}:
        if raw["context"] not in CONTEXTS:
            raise where.fail(f"show_if context must be one of {sorted(CONTEXTS)}")
        return ShowIf(context=raw["context"])
    tests = ("equals", "not_equals", "includes", "more_than")
    if "step" not in raw or len(raw) != 2 or not any(t in raw for t in tests):
        raise where.fail(
            "show_if is {step, equals}, {step, not_equals}, {step, includes}, "
            "{step, more_than} or {context}"
        )
    test = next(t for t in tests if t in raw)
    source = earlier.get(raw["step"])
    if source is None:
        raise where.fail(f"show_if names {raw['step']!r}, which is not an earlier step")
    if test == "more_than":
        if source.kind not in (Kind.LIST, Kind.MULTI):
            raise where.fail(
                f"show_if 'more_than' needs a list or multi step; {source.id} is "
                f"{source.kind.value}"
            )
        count = raw["more_than"]
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 24:
            raise where.fail("show_if 'more_than' must be a whole number from 0 to 24")
        return ShowIf(step=raw["step"], more_than=count)
    expected = Kind.MULTI if test == "includes" else Kind.CHOICE
    if source.kind is not expected:
        raise where.fail(
            f"show_if '{test}' needs a {expected.value} step; {source.id} is {source.kind.value}"
        )
    if source.option(raw[test]) is None:
        raise where.fail(f"{raw[test]!r} is not an option of {source.id}")
    return ShowIf(step=raw["step"], **{test: raw[test]})


def _effect(where: _Where, raw: Any, steps: dict[str, Step]) -> Effect:
    where.step = None
    if not isinstance(raw, dict) or set(raw) - EFFECT_KEYS:
        raise where.fail(f"an effect is a table with keys from {sorted(EFFECT_KEYS)}")
    kind = raw.get("kind")
    if kind not in EFFECT_KINDS:
        raise where.fail('effect kind must be "follow_up", "pipeline" or "interview"')
    for_each = raw.get("for_each")
    if for_each is not None and (for_each not in steps or steps[for_each].kind is not Kind.LIST):
        raise where.fail(f"effect for_each {for_each!r} must name a list step")
    allowed = set(steps) | ({"item"} if for_each else set())
    person = _text(where, raw, "person", 200)
    reason = _text(where, raw, "reason", 200, required=kind == "follow_up")
    for template in (person, reason):
        if not template:
            continue
        names = _names(where, template, "effect text")
        if names - allowed:
            raise where.fail(f"effect text {template!r} uses unknown answers")
        # A per-item answer ({asks} of "what will you ask each person?") fills in the answer
        # about this effect's item, so it must be about the same list.
        if any(
            steps[n].kind is Kind.FOR_EACH and steps[n].over != for_each for n in names - {"item"}
        ):
            raise where.fail(f"effect text {template!r} uses a per-item answer about another list")
    due = _due_sources(where, kind, raw.get("due"), steps, for_each)
    stage = raw.get("stage", "interviewing" if kind == "interview" else "lead")
    if stage not in STAGES:
        raise where.fail(f"effect stage must be one of {sorted(STAGES)}")
    after = raw.get("after")
    if after is not None and (after not in steps or not steps[after].late):
        raise where.fail(f"effect after {after!r} must name a step with late = true")
    if kind == "interview" and "confirm" in raw:
        # Linked to an opportunity it is recorded at once; otherwise it would add a pipeline
        # entry from typed text, so it is always offered. Nothing for the file to choose.
        raise where.fail("an interview effect takes no 'confirm'")
    return Effect(
        kind=kind,
        person=person or "",
        reason=reason,
        due=due,
        for_each=for_each,
        stage=stage,
        confirm=_bool(where, raw, "confirm", True),
        after=after,
    )


def _due_sources(
    where: _Where, kind: str, raw: Any, steps: dict[str, Step], for_each: str | None
) -> tuple[str, ...]:
    """Where an effect's date comes from: step ids tried in order, or one +Nd / +Nw."""
    if kind == "pipeline":
        return ()
    sources = [raw] if isinstance(raw, str) else raw
    if kind == "interview":
        if not isinstance(raw, str) or steps.get(raw) is None or steps[raw].kind is not Kind.DATE:
            raise where.fail("an interview effect needs 'due': a date step id")
        return (raw,)
    if (
        not isinstance(sources, list)
        or not 1 <= len(sources) <= 3
        or not all(isinstance(d, str) for d in sources)
    ):
        raise where.fail(
            "a follow_up effect needs 'due': a date step id, a list of them (the first "
            "answered wins) or +Nd / +Nw"
        )
    for due in sources:
        if RELATIVE_DUE.match(due):
            if len(sources) > 1:
                raise where.fail("+Nd / +Nw stands alone in 'due'")
            continue
        source = steps.get(due)
        is_date = source is not None and (
            source.kind is Kind.DATE
            or (
                source.kind is Kind.FOR_EACH
                and source.each is not None
                and source.each.kind is Kind.DATE
                and source.over == for_each
            )
        )
        if not is_date:
            raise where.fail(
                f"effect due {due!r} is not a date step (or a for_each date "
                "step over the same list) nor +Nd / +Nw"
            )
    return tuple(sources)


def _grouping(where: _Where, raw: Any, steps: dict[str, Step]) -> Grouping | None:
    if raw is None:
        return None
    where.step = None
    if not isinstance(raw, dict) or set(raw) != {"title", "items", "by"}:
        raise where.fail("'group' is a table with 'title', 'items' (a list step) and 'by'")
    items = steps.get(raw["items"])
    if items is None or items.kind is not Kind.LIST:
        raise where.fail(f"group items {raw['items']!r} must name a list step")
    by = raw["by"]
    if not isinstance(by, list) or not 1 <= len(by) <= 3:
        raise where.fail("group 'by' lists 1 to 3 for_each choice steps")
    for name in by:
        step = steps.get(name)
        if (
            step is None
            or step.kind is not Kind.FOR_EACH
            or step.over != items.id
            or step.each is None
            or step.each.kind is not Kind.CHOICE
        ):
            raise where.fail(f"group by {name!r} must be a for_each choice step over {items.id!r}")
    return Grouping(title=_text(where, raw, "title", 80) or "", items=items.id, by=tuple(by))


def load_exercise(path: Path) -> Exercise:
    """Load one file; every problem (even a value of the wrong TOML type) is an
    :class:`ExerciseError` naming the file and, where it applies, the step."""
    where = _Where(path)
    try:
        return _load(path, where)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # A list or table where a name was expected, and similar shape mistakes.
        raise where.fail(f"a value has the wrong type or shape ({exc})") from None


def _load(path: Path, where: _Where) -> Exercise:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise where.fail(f"not valid TOML: {exc}") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise where.fail(f"unknown key(s) {sorted(unknown)}")
    exercise_id = data.get("id")
    if exercise_id != path.stem or not isinstance(exercise_id, str) or not ID.match(exercise_id):
        raise where.fail(f"'id' must equal the file name ({path.stem!r}) in lowercase-with-dashes")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise where.fail("an exercise needs at least one [[steps]]")
    steps: dict[str, Step] = {}
    for raw in raw_steps:
        step = _step(where, raw, steps)
        steps[step.id] = step
    where.step = None
    effects = tuple(_effect(where, raw, steps) for raw in data.get("effects", []))
    for step in steps.values():
        if step.late and not any(e.after == step.id for e in effects):
            where.step = step.id
            raise where.fail("a late step must be named by an effect's 'after'")
    where.step = None
    if all(s.late for s in steps.values()):
        raise where.fail("every step is late: nothing to ask")
    result = None
    if "result" in data:
        raw = data["result"]
        if not isinstance(raw, dict) or raw.get("kind") not in RESULT_KINDS:
            raise where.fail(f"result kind must be one of {sorted(RESULT_KINDS)}")
        fields = raw.get("fields")
        if not isinstance(fields, dict) or not fields:
            raise where.fail("result needs 'fields' mapping names to step ids")
        bad = [name for name, step in fields.items() if step not in steps]
        if bad:
            raise where.fail(f"result fields {bad} name steps that do not exist")
        result = ResultSpec(kind=raw["kind"], fields=dict(fields))
    group = _grouping(where, data.get("group"), steps)
    heading = _text(where, data, "heading", 120, required=False)
    if heading:
        unknown = _names(where, heading, "'heading'") - set(steps)
        if unknown:
            raise where.fail(f"'heading' uses {sorted(unknown)}, which no step answers")
    share = _text(where, data, "share", 200, required=False)
    if share and _names(where, share, "'share'") - {"member", "title"}:
        raise where.fail("'share' may only use {member} and {title}: answers stay private")
    exercise = Exercise(
        id=exercise_id,
        title=_text(where, data, "title", 80) or "",
        summary=_text(where, data, "summary", 100) or "",
        intro=_text(where, data, "intro", 1500) or "",
        outro=_text(where, data, "outro", 1500) or "",
        minutes=_int(where, data, "minutes", 15, 1, 240) or 15,
        steps=tuple(steps.values()),
        effects=effects,
        result=result,
        share=share,
        group=group,
        heading=heading,
    )
    exercise.by_id.update(steps)
    return exercise


def load_all(directory: Path) -> dict[str, Exercise]:
    """Every exercise in the folder, by id; the first bad file raises."""
    return {path.stem: load_exercise(path) for path in sorted(directory.glob("*.toml"))}


def check_all(directory: Path) -> list[tuple[str, str | None]]:
    """(file, problem or None) for every file: `nextinterview check` reports them all."""
    report: list[tuple[str, str | None]] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            load_exercise(path)
        except ExerciseError as exc:
            report.append((path.name, str(exc)))
        else:
            report.append((path.name, None))
    return report
