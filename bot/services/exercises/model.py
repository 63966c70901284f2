"""An exercise as data: what the loader builds from a TOML file and the engine walks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"
    LIST = "list"
    FOR_EACH = "for_each"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ShowIf:
    step: str | None = None
    equals: str | None = None
    not_equals: str | None = None
    includes: str | None = None
    more_than: int | None = None  # a list or multi with more than this many items
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    kind: Kind
    prompt: str
    hint: str | None = None
    section: str | None = None
    optional: bool = False
    late: bool = False
    show_if: ShowIf | None = None
    # How the answer is named in the documents members keep ("Salary", "Goals").
    label: str | None = None
    # Answered by the opportunity the run is about, when it knows this (the step is not asked).
    from_opportunity: str | None = None
    # text / list items
    min_length: int = 1
    max_length: int = 1000
    # number
    unit: str | None = None
    currency: bool = False
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    # date
    when: str = "future"
    # choice / multi
    options: tuple[Option, ...] = ()
    min_choices: int = 1
    max_choices: int | None = None
    # list
    count: int | None = None
    min_items: int = 1
    max_items: int | None = None
    item_max_length: int = 200
    # for_each
    over: str | None = None
    each: Step | None = None
    # for_each of a two-option choice: every item sorted in one question (picked items take
    # the first option, the rest the second), not one question per item.
    at_once: bool = False

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, slots=True)
class Effect:
    kind: str  # "follow_up" | "pipeline" | "interview"
    person: str
    reason: str | None = None
    # Where the date comes from: date step ids (the first answered one wins) or one "+3d".
    due: tuple[str, ...] = ()
    for_each: str | None = None
    stage: str = "lead"
    confirm: bool = True
    after: str | None = None


@dataclass(frozen=True, slots=True)
class ResultSpec:
    kind: str  # "target" | "offer"
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class Grouping:
    """Show a list's items grouped by the for_each choices asked about each item."""

    title: str
    items: str
    by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    title: str
    summary: str
    intro: str
    outro: str
    minutes: int
    steps: tuple[Step, ...]
    effects: tuple[Effect, ...] = ()
    result: ResultSpec | None = None
    share: str | None = None
    group: Grouping | None = None
    heading: str | None = None  # the document's title, e.g. "Target job: {title}"
    by_id: dict[str, Step] = field(default_factory=dict, compare=False)

    def step(self, step_id: str) -> Step:
        return self.by_id[step_id]
