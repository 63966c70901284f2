"""Load and validate exercise files. A problem names the file, the step and what is wrong.

The models below mirror a file table by table, TOML types taken as written (strict: no "3" for
3). A step is one model per kind, so a key that only other kinds take "does not apply"; rules
that tie steps together are model validators of the file. A pydantic error is told in the
author's words (`_explain`), never shown raw; a valid file becomes the dataclasses of model.py.
"""

from __future__ import annotations

import re
import reprlib
import string
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

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

ID = re.compile(r"[a-z][a-z0-9-]{1,39}")
STEP_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
VALUE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
RELATIVE_DUE = re.compile(r"\+\d{1,3}[dw]")
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
# The kinds of step each show_if test reads.
SHOW_IF_TESTS = {
    "equals": (Kind.CHOICE,),
    "not_equals": (Kind.CHOICE,),
    "includes": (Kind.MULTI,),
    "more_than": (Kind.LIST, Kind.MULTI),
}
STAGES = {"lead", "contacted", "talking", "interviewing", "offer"}
RESULT_KINDS = {"target", "offer"}
EFFECT_KINDS = {"follow_up", "pipeline", "interview"}
# Whether, where and under what name a for_each shows is the step's to say, not its `each`'s.
STEP_ONLY_KEYS = {"id", "show_if", "late", "section", "label", "from_opportunity"}


class ExerciseError(Exception):
    """An exercise file that cannot be used; the message says where and why."""


class _Problem(ValueError):
    """A rule a validator found broken. `where` ("step 'goals'", "effect 2") is set by the
    rules checked across the file; otherwise the location of pydantic's error says where."""

    def __init__(self, problem: str, where: str | None = None) -> None:
        super().__init__(problem)
        self.where = where


@contextmanager
def _about(where: str) -> Iterator[None]:
    """Problems found inside are about this step or effect (unless they say otherwise)."""
    try:
        yield
    except _Problem as problem:
        problem.where = problem.where or where
        raise


def _must(what: str, fits: Callable[[Any], object]) -> WrapValidator:
    """Any mistake in the value reads "<key> must be <what>": pydantic's own words (an error
    per bound, its type names) are for programmers, not for whoever writes the file."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            if fits(value := handler(value)):
                return value
        except ValidationError:
            pass
        raise PydanticCustomError("must", "must be {what}", {"what": what})

    return WrapValidator(validate)


def _whole(low: int, high: int) -> WrapValidator:
    return _must(f"a whole number from {low} to {high}", lambda n: low <= n <= high)


def _one_of(values: Collection[str]) -> WrapValidator:
    return _must(f"one of {sorted(values)}", values.__contains__)


def _text(limit: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=limit)


def _placeholders(text: str | None, what: str) -> set[str]:
    """The {names} the engine fills in."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text or "") if name}
    except ValueError:
        raise _Problem(
            f"{what} has an unmatched {{ or }}: write {{{{ or }}}} for a brace"
        ) from None


# -- the tables of a file ------------------------------------------------------------------------


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Option(_Table):
    value: Annotated[str, _must("a short lowercase id", VALUE.fullmatch)]
    label: Annotated[str, _text(80)]


class _ShowIf(_Table):
    step: str | None = None
    equals: str | None = None
    not_equals: str | None = None
    includes: str | None = None
    more_than: Annotated[int, _whole(0, 24)] | None = None
    context: Annotated[str, _one_of(CONTEXTS)] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        given, tests = self.model_fields_set, self.model_fields_set - {"step", "context"}
        # {context} alone, or a step and exactly one test of it.
        if given != {"context"} and not (given == {"step", *tests} and len(tests) == 1):
            raise _Problem(
                "show_if is {step, equals}, {step, not_equals}, {step, includes}, "
                "{step, more_than} or {context}"
            )
        return self

    def check_references(self, earlier: Mapping[str, _Question]) -> None:
        if self.step is None:
            return  # a context: nothing in the file to refer to
        source = earlier.get(self.step)
        if source is None:
            raise _Problem(f"show_if names {self.step!r}, which is not an earlier step")
        test = next(iter(self.model_fields_set - {"step"}))
        if source.kind not in SHOW_IF_TESTS[test]:
            needs = " or ".join(SHOW_IF_TESTS[test])
            raise _Problem(f"show_if '{test}' needs a {needs} step; {source.id} is {source.kind}")
        value = getattr(self, test)
        if isinstance(source, _OptionsStep) and value not in {o.value for o in source.options}:
            raise _Problem(f"{value!r} is not an option of {source.id}")


class _Question(_Table):
    """What every step has; the question a for_each asks per item (`each`) is one too."""

    id: Annotated[str, _must("lowercase letters, digits and underscores", STEP_ID.fullmatch)]
    kind: Kind
    prompt: Annotated[str, _text(500)]
    hint: Annotated[str, _text(300)] | None = None
    section: Annotated[str, _text(60)] | None = None
    label: Annotated[str, _text(60)] | None = None
    optional: bool = False
    late: bool = False
    show_if: _ShowIf | None = None
    from_opportunity: Annotated[str, _one_of(OPPORTUNITY_FACTS)] | None = None

    @model_validator(mode="after")
    def _fits_the_fact(self) -> Self:
        fact = self.from_opportunity
        if fact and OPPORTUNITY_FACTS[fact] is not self.kind:
            needs = OPPORTUNITY_FACTS[fact].value
            raise _Problem(f"from_opportunity {fact!r} needs a {needs} step, not {self.kind.value}")
        return self

    def check_references(self, earlier: Mapping[str, _Question], *, per_item: bool = False) -> None:
        """The rules about other steps, which must come before this one."""
        known = set(earlier) | {"opportunity"} | ({"item"} if per_item else set())
        unknown = _placeholders(self.prompt, "the prompt") - known
        if unknown:
            raise _Problem(f"prompt uses {sorted(unknown)}, which no earlier step answers")
        if self.show_if:
            self.show_if.check_references(earlier)


class _TextStep(_Question):
    kind: Literal[Kind.TEXT]
    min_length: Annotated[int, _whole(1, 1500)] = 1
    max_length: Annotated[int, _whole(1, 1500)] = 1000

    @model_validator(mode="after")
    def _lengths_in_order(self) -> Self:
        if self.min_length > self.max_length:
            raise _Problem("'min_length' is above 'max_length'")
        return self


class _NumberStep(_Question):
    kind: Literal[Kind.NUMBER]
    unit: Annotated[str, _text(40)] | None = None
    currency: bool = False
    integer: bool = False
    minimum: float | None = Field(None, alias="min")
    maximum: float | None = Field(None, alias="max")

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Self:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise _Problem("'min' is above 'max'")
        return self


class _DateStep(_Question):
    kind: Literal[Kind.DATE]
    when: Annotated[str, _must('"future" or "past"', {"future", "past"}.__contains__)] = "future"


class _OptionsStep(_Question):
    options: list[_Option] = []  # none reads like too many: one message says what is asked

    @model_validator(mode="after")
    def _options_tell_apart(self) -> Self:
        if not 1 <= len(self.options) <= 25:
            raise _Problem("'options' must be a list of 1 to 25 {value, label} tables")
        if len({o.value for o in self.options}) != len(self.options):
            raise _Problem("option values must be unique")
        if len({o.label.casefold() for o in self.options}) != len(self.options):
            raise _Problem("option labels must be unique (members pick by label)")
        return self


class _ChoiceStep(_OptionsStep):
    kind: Literal[Kind.CHOICE]


class _MultiStep(_OptionsStep):
    kind: Literal[Kind.MULTI]
    min_choices: Annotated[int, _whole(1, 25)] = 1
    max_choices: Annotated[int, _whole(1, 25)] | None = None  # None: as many as there are options

    @model_validator(mode="after")
    def _choices_fit_the_options(self) -> Self:
        count = len(self.options)
        self.max_choices = self.max_choices or count
        for key, value in (("min_choices", self.min_choices), ("max_choices", self.max_choices)):
            if value > count:
                raise _Problem(f"'{key}' must be a whole number from 1 to {count}, not {value}")
        if self.min_choices > self.max_choices:
            raise _Problem("'min_choices' is above 'max_choices'")
        return self


class _ListStep(_Question):
    kind: Literal[Kind.LIST]
    count: Annotated[int, _whole(1, 25)] | None = None
    min_items: Annotated[int, _whole(1, 25)] = 1
    max_items: Annotated[int, _whole(1, 25)] = 10
    item_max_length: Annotated[int, _whole(1, 500)] = 200

    @model_validator(mode="after")
    def _items_in_order(self) -> Self:
        if self.count:
            if {"min_items", "max_items"} & self.model_fields_set:
                raise _Problem("'count' asks for exactly that many items: drop min/max_items")
            self.min_items = self.max_items = self.count
        if self.min_items > self.max_items:
            raise _Problem("'min_items' is above 'max_items'")
        return self


_Each = Annotated[
    _TextStep | _NumberStep | _DateStep | _ChoiceStep | _MultiStep | _ListStep,
    Field(discriminator="kind"),
]


class _ForEachStep(_Question):
    kind: Literal[Kind.FOR_EACH]
    over: str
    each: _Each
    at_once: bool = False

    @model_validator(mode="before")
    @classmethod
    def _each_shares_the_step(cls, data: Any) -> Any:
        """Answers per item are kept under the step's id, so `each` takes it; asked about
        every item at once, it asks the step's prompt too."""
        if not isinstance(data, dict):
            return data
        if "each" not in data:
            raise _Problem("a for_each step needs an 'each' table (the question per item)")
        if not isinstance(each := data["each"], dict):
            return data  # not a table: validating the field says so
        if misplaced := sorted(STEP_ONLY_KEYS & set(each)):
            raise _Problem(f"{misplaced} go on the for_each step, not inside 'each'")
        shared = {"id": data.get("id")} | (
            {"prompt": data.get("prompt")} if data.get("at_once") is True else {}
        )
        return {**data, "each": shared | each}

    @model_validator(mode="after")
    def _sorts_two_ways(self) -> Self:
        if self.at_once and not (
            isinstance(self.each, _ChoiceStep) and len(self.each.options) == 2
        ):
            raise _Problem("at_once needs 'each' to be a choice with exactly two options")
        return self

    def check_references(self, earlier: Mapping[str, _Question], *, per_item: bool = False) -> None:
        super().check_references(earlier)
        source = earlier.get(self.over)
        if self.over not in CONTEXT_LISTS and not isinstance(source, _ListStep | _MultiStep):
            raise _Problem(
                f"'over' must name an earlier list or multi step (or one of "
                f"{sorted(CONTEXT_LISTS)}), not {self.over!r}"
            )
        self.each.check_references(earlier, per_item=True)


_Step = Annotated[_Each | _ForEachStep, Field(discriminator="kind")]


def _build_step(spec: _Question) -> Step:
    fields = dict(spec) | {"show_if": spec.show_if and ShowIf(**dict(spec.show_if))}
    if isinstance(spec, _OptionsStep):
        fields["options"] = tuple(Option(o.value, o.label) for o in spec.options)
    if isinstance(spec, _ForEachStep):
        fields["each"] = _build_step(spec.each)
    return Step(**fields)


class _Effect(_Table):
    kind: Annotated[str, _one_of(EFFECT_KINDS)]
    person: Annotated[str, _text(200)]
    reason: Annotated[str, _text(200)] | None = None
    # Where the date comes from: date step ids (the first answered wins) or one "+3d".
    due: Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)] = []
    for_each: str | None = None
    stage: Annotated[str, _one_of(STAGES)] | None = None
    confirm: bool = True
    after: str | None = None

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        if self.kind == "follow_up" and self.reason is None:
            raise _Problem("'reason' is required")
        if self.kind == "interview" and "confirm" in self.model_fields_set:
            # Linked to an opportunity it is recorded at once; otherwise it would add a
            # pipeline entry from typed text, so it is always offered. Nothing to choose.
            raise _Problem("an interview effect takes no 'confirm'")
        return self

    def check_references(self, steps: Mapping[str, _Question]) -> None:
        if self.for_each is not None and not isinstance(steps.get(self.for_each), _ListStep):
            raise _Problem(f"'for_each' must name a list step, not {self.for_each!r}")
        for key in ("person", "reason"):
            names = _placeholders(getattr(self, key), f"'{key}'")
            if unknown := names - set(steps) - ({"item"} if self.for_each else set()):
                raise _Problem(f"'{key}' uses {sorted(unknown)}, which no step answers")
            # An answer per item ({asks} of "what will you ask each person?") reads as the
            # one about this effect's item, so it must be about the same list.
            if other := sorted(
                n for n in names - {"item"} if _over(steps[n]) not in (None, self.for_each)
            ):
                about = f"for each of {self.for_each!r}" if self.for_each else "not for each item"
                raise _Problem(
                    f"'{key}' uses {other}, answered per item of another list; "
                    f"this effect is {about}"
                )
        if self.after is not None and not (self.after in steps and steps[self.after].late):
            raise _Problem(f"'after' must name a step with late = true, not {self.after!r}")
        if self.kind == "interview" and (
            len(self.due) != 1 or not isinstance(steps.get(self.due[0]), _DateStep)
        ):
            raise _Problem("an interview effect needs 'due': a date step id")
        if self.kind == "follow_up":
            self._check_follow_up_due(steps)

    def _check_follow_up_due(self, steps: Mapping[str, _Question]) -> None:
        if not 1 <= len(self.due) <= 3:
            raise _Problem(
                "a follow_up effect needs 'due': a date step id, a list of them (the first "
                "answered wins) or +Nd / +Nw"
            )
        for due in self.due:
            if RELATIVE_DUE.fullmatch(due):
                if len(self.due) > 1:
                    raise _Problem("+Nd / +Nw stands alone in 'due'")
                continue
            source = steps.get(due)
            # A for_each date over the effect's own list gives each item its own date.
            if not isinstance(source, _DateStep) and not (
                isinstance(source, _ForEachStep)
                and source.each.kind is Kind.DATE
                and source.over == self.for_each
            ):
                raise _Problem(
                    f"'due' names {due!r}, which is not a date step (or a for_each date step "
                    "over the same list) nor +Nd / +Nw"
                )

    def build(self) -> Effect:
        stage = self.stage or ("interviewing" if self.kind == "interview" else "lead")
        due = () if self.kind == "pipeline" else tuple(self.due)
        return Effect(**{**dict(self), "due": due, "stage": stage})


def _over(step: _Question) -> str | None:
    """What a for_each step is asked for each item of (None for any other step)."""
    return step.over if isinstance(step, _ForEachStep) else None


class _Result(_Table):
    kind: Annotated[str, _one_of(RESULT_KINDS)]
    fields: Annotated[dict[str, str], Field(min_length=1)]


class _Group(_Table):
    title: Annotated[str, _text(80)]
    items: str
    by: Annotated[list[str], Field(min_length=1, max_length=3)]

    def check_references(self, steps: Mapping[str, _Question]) -> None:
        if not isinstance(steps.get(self.items), _ListStep):
            raise _Problem(f"group items {self.items!r} must name a list step")
        for name in self.by:
            step = steps.get(name)
            if not (
                isinstance(step, _ForEachStep)
                and step.over == self.items
                and step.each.kind is Kind.CHOICE
            ):
                raise _Problem(
                    f"group by {name!r} must be a for_each choice step over {self.items!r}"
                )


class _File(_Table):
    id: str
    title: Annotated[str, _text(80)]
    summary: Annotated[str, _text(100)]
    intro: Annotated[str, _text(1500)]
    outro: Annotated[str, _text(1500)]
    minutes: Annotated[int, _whole(1, 240)] = 15
    share: Annotated[str, _text(200)] | None = None
    heading: Annotated[str, _text(120)] | None = None
    steps: list[_Step] = []
    effects: list[_Effect] = []
    result: _Result | None = None
    group: _Group | None = None

    @field_validator("id")
    @classmethod
    def _names_the_file(cls, value: str, info: ValidationInfo) -> str:
        name = (info.context or {}).get("file", value)
        if value != name or not ID.fullmatch(value):
            raise _Problem(f"'id' must equal the file name ({name!r}) in lowercase-with-dashes")
        return value

    @field_validator("share")
    @classmethod
    def _keeps_answers_private(cls, value: str | None) -> str | None:
        if _placeholders(value, "'share'") - {"member", "title"}:
            raise _Problem("'share' may only use {member} and {title}: answers stay private")
        return value

    @model_validator(mode="after")
    def _steps_fit_together(self) -> Self:
        if not self.steps:
            raise _Problem("an exercise needs at least one [[steps]]")
        earlier: dict[str, _Question] = {}
        for step in self.steps:
            with _about(f"step {step.id!r}"):
                if step.id in earlier:
                    raise _Problem("this id is used by an earlier step")
                step.check_references(earlier)
            earlier[step.id] = step
        for number, effect in enumerate(self.effects, 1):
            with _about(f"effect {number}"):
                effect.check_references(earlier)
        for step in self.steps:
            if step.late and all(effect.after != step.id for effect in self.effects):
                raise _Problem(
                    "a late step must be named by an effect's 'after'", f"step {step.id!r}"
                )
        if all(step.late for step in self.steps):
            raise _Problem("every step is late: nothing to ask")
        if self.result and (bad := [n for n, s in self.result.fields.items() if s not in earlier]):
            raise _Problem(f"result fields {bad} name steps that do not exist")
        if self.group:
            self.group.check_references(earlier)
        if unknown := _placeholders(self.heading, "'heading'") - set(earlier):
            raise _Problem(f"'heading' uses {sorted(unknown)}, which no step answers")
        return self

    def build(self) -> Exercise:
        steps = tuple(_build_step(step) for step in self.steps)
        result, group = self.result, self.group
        tables = {
            "steps": steps,
            "effects": tuple(effect.build() for effect in self.effects),
            "result": ResultSpec(result.kind, dict(result.fields)) if result else None,
            "group": Grouping(group.title, group.items, tuple(group.by)) if group else None,
        }
        exercise = Exercise(**dict(self) | tables)  # the same keys as the file's
        exercise.by_id.update((step.id, step) for step in steps)
        return exercise


# -- pydantic's errors in the author's words -----------------------------------------------------

_STEP_MODELS = (_TextStep, _NumberStep, _DateStep, _ChoiceStep, _MultiStep, _ListStep, _ForEachStep)
_STEP_KEYS = {f.alias or n for model in _STEP_MODELS for n, f in model.model_fields.items()}
_KINDS = {kind.value for kind in Kind}
# How each kind of pydantic error reads; {name} is the key, {value} what the file has.
_MESSAGES = {
    "missing": "{name} is required",
    "must": "{name} must be {what}, not {value}",
    "string_type": "{name} must be text, not {value}",
    "string_too_short": "{name} must be non-empty text",
    "string_too_long": "{name} is {length} characters; the limit is {max_length}",
    "bool_type": "{name} must be true or false, not {value}",
    "float_type": "{name} must be a number, not {value}",
    "list_type": "{name} must be a list, not {value}",
    "dict_type": "{name} must be a table, not {value}",
    "model_type": "{name} must be a table, not {value}",
    "model_attributes_type": "{name} must be a table, not {value}",
    "too_short": "{name} must not be empty",
    "too_long": "{name} has {actual_length} items; the limit is {max_length}",
}


def _explain(exc: ValidationError, data: dict[str, Any]) -> str:
    """The first error as "step 'x': what is wrong" (or "effect 2: ..."). An unknown key goes
    first: a misspelt key explains the "is required" that comes with it."""
    errors = exc.errors()
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc, ctx, value = error["loc"], error.get("ctx", {}), error["input"]
    where, path = _locate(loc, data)
    if isinstance(ctx.get("error"), _Problem):
        where, problem = ctx["error"].where or where, str(ctx["error"])
    elif error["type"] == "extra_forbidden":
        keys = [
            str(e["loc"][-1])
            for e in errors
            if e["type"] == error["type"] and e["loc"][:-1] == loc[:-1]
        ]
        problem = _misplaced(keys, str(loc[-2]) if len(loc) > 1 else "", path[:-1])
    elif error["type"].startswith("union_tag"):
        problem = _wrong_kind(value, each=path[-1:] == ("each",))
    elif error["type"] in _MESSAGES:
        length = len(value.strip()) if isinstance(value, str) else 0
        problem = _MESSAGES[error["type"]].format(
            name=_name(path), value=reprlib.repr(value), length=length, **ctx
        )
    else:  # not foreseen: pydantic's words, still named and located
        problem = f"{_name(path)} {error['msg']}"
    return f"{where}: {problem.strip()}" if where else problem.strip()


def _locate(
    loc: tuple[int | str, ...], data: dict[str, Any]
) -> tuple[str | None, tuple[int | str, ...]]:
    """The step or effect an error is in (a step without a usable id named by its place), and
    where in it, without the kind by which pydantic chose a step's model."""
    if len(loc) < 2 or loc[0] not in ("steps", "effects") or not isinstance(loc[1], int):
        return None, loc
    if loc[0] == "effects":
        return f"effect {loc[1] + 1}", loc[2:]
    step_id = data["steps"][loc[1]].get("id") if isinstance(data["steps"][loc[1]], dict) else None
    where = f"step {step_id!r}" if isinstance(step_id, str) else f"step {loc[1] + 1}"
    return where, tuple(part for part in loc[2:] if part not in _KINDS)


def _name(path: tuple[int | str, ...]) -> str:
    """A key as messages name it: 'prompt', show_if 'more_than', option 2 'label'."""
    words: list[str] = []
    for part in path:
        if isinstance(part, int) and words:
            words[-1] = f"{words[-1].removesuffix('s')} {part + 1}"
        else:
            words.append(str(part))
    if path and isinstance(path[-1], str):
        words[-1] = f"'{words[-1]}'"
    return " ".join(words)


def _misplaced(keys: list[str], table: str, path: tuple[int | str, ...]) -> str:
    """Keys a table does not take: unknown ones, or ones only other kinds of step take."""
    inside = f" in {_name(path)}" if path else ""
    unknown = [key for key in keys if table not in _KINDS or key not in _STEP_KEYS]
    if unknown:
        return f"unknown key(s) {unknown}{inside}"
    return f"'{keys[0]}' does not apply to a {table} step{inside}"


def _wrong_kind(step: Any, *, each: bool) -> str:
    """A step's kind picks its model; `each` takes any kind but for_each."""
    kinds = [kind.value for kind in Kind if not (each and kind is Kind.FOR_EACH)]
    tag = step.get("kind") if isinstance(step, dict) else None
    if tag is None:
        return f"{'each ' if each else ''}'kind' is required: one of {kinds}"
    if each and tag == Kind.FOR_EACH:
        return "'each' cannot itself be a for_each"
    return f"kind {tag!r} is not one of {kinds}"


# -- loading -------------------------------------------------------------------------------------


def load_exercise(path: Path) -> Exercise:
    """Load one file; every problem (even a value of the wrong TOML type) is an
    :class:`ExerciseError` naming the file and, where it applies, the step."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ExerciseError(f"{path.name}: not valid TOML: {exc}") from None
    try:
        spec = _File.model_validate(data, context={"file": path.stem})
    except ValidationError as exc:
        raise ExerciseError(f"{path.name}: {_explain(exc, data)}") from None
    return spec.build()


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
