"""How an opportunity or an offer measures up against the member's latest right-job target.

A target is the standard a job must meet or beat. Salaries are compared as numbers, and only in
one currency: an amount in another currency is flagged for the member to weigh, never converted
at a rate the bot would have to guess. The rest (title, responsibilities, authority) only the
member can judge, so a new opportunity shows what is known and a few questions settle the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.db import pipeline as pipeline_db
from bot.errors import InvalidInput, NotFound
from bot.services.exercises import engine
from bot.services.exercises.model import Kind, Step
from bot.services.text import clip

# Every criterion of a target, in the order members read them.
CRITERIA = (
    ("title", "Title"),
    ("salary", "Salary"),
    ("responsibilities", "Responsibilities"),
    ("authority", "Level of authority"),
)
JUDGED = (
    ("title", "Title and level"),
    ("responsibilities", "Responsibilities"),
    ("authority", "Level of authority"),
)
# What a member can say about a criterion they judge themselves.
JUDGEMENTS = {"meets": "meets or beats it", "short": "falls short", "unknown": "not known yet"}
# Every status a criterion can have: the judgements, and a salary in another currency.
STATUS_LABELS = {**JUDGEMENTS, "currency": "in another currency"}
_SALARY_STEP = Step(id="salary", kind=Kind.NUMBER, prompt="", currency=True, minimum=0)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its currency (None when the member gave none)."""

    value: float
    currency: str | None

    @classmethod
    def of(cls, raw: Any) -> Money | None:
        """A stored number answer ({value, currency}) or typed text; None if neither."""
        if isinstance(raw, dict) and isinstance(raw.get("value"), int | float):
            return cls(raw["value"], raw.get("currency") or None)
        if isinstance(raw, str):
            try:
                return parse_money(raw)
            except InvalidInput:
                return None
        return None

    def shown(self) -> str:
        return engine.display({"value": self.value, "currency": self.currency})

    def as_answer(self) -> dict[str, Any]:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {"value": value, "currency": self.currency}


def parse_money(text: str) -> Money:
    """An amount as people write it: ``95k``, ``$95,000``, ``120.000 EUR``, ``€1.2m``...

    Raises InvalidInput (with the reason) when it is not an amount.
    """
    answer = engine.parse_number(_SALARY_STEP, text)
    return Money(answer["value"], answer["currency"])


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: str
    target: str
    status: str  # a key of STATUS_LABELS
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    criteria: list[Criterion]

    @property
    def unknown(self) -> int:
        return sum(c.status == "unknown" for c in self.criteria)

    @property
    def short(self) -> list[Criterion]:
        return [c for c in self.criteria if c.status == "short"]

    @property
    def flagged(self) -> list[Criterion]:
        """Criteria the bot cannot settle and will not guess: a salary in another currency."""
        return [c for c in self.criteria if c.status == "currency"]

    def line(self) -> str:
        meets = sum(c.status == "meets" for c in self.criteria)
        text = f"{meets} meet, {len(self.short)} short, {self.unknown} unknown"
        if self.flagged:
            text += f", {len(self.flagged)} in another currency"
        return text


def compare_salary(wanted: Money, offered: Money | None) -> tuple[str, str]:
    """(status, detail) for a salary against the target's."""
    if offered is None:
        return "unknown", ""
    if wanted.currency and offered.currency and wanted.currency != offered.currency:
        return "currency", (
            f"offered {offered.shown()} against your {wanted.shown()}: compare them yourself, "
            "I don't convert currencies"
        )
    # One side without a currency is read in the other's, and the detail says so.
    assumed = (
        f" (read as {wanted.currency or offered.currency})"
        if (wanted.currency or offered.currency) and not (wanted.currency and offered.currency)
        else ""
    )
    status = "meets" if offered.value >= wanted.value else "short"
    return status, f"offered {offered.shown()}{assumed}"


def compare(target: dict[str, Any] | None, check: dict[str, Any] | None) -> Comparison | None:
    """The comparison as far as known; None without a target.

    ``check`` holds what is known about the job: ``salary`` (a number answer or typed text)
    and meets / short / unknown for the criteria only the member can judge.
    """
    if not target:
        return None
    check = check or {}
    criteria: list[Criterion] = []
    wanted = Money.of(target.get("salary"))
    if wanted is not None:
        status, detail = compare_salary(wanted, Money.of(check.get("salary")))
        criteria.append(Criterion("salary", "Salary", wanted.shown(), status, detail))
    for key, label in JUDGED:
        if target.get(key):
            status = check.get(key, "unknown")
            criteria.append(
                Criterion(
                    key,
                    label,
                    engine.display(target[key])[:150],
                    status if status in JUDGEMENTS else "unknown",
                )
            )
    return Comparison(criteria)


def criteria_items(target: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(key, text) for each criterion of the target, e.g. ("salary", "Salary: 120,000 EUR");
    the text is what exercises show and key their per-criterion answers by."""
    if not target:
        return []
    return [
        (key, f"{label}: {clip(engine.display(target[key]), 150)}")
        for key, label in CRITERIA
        if target.get(key) not in (None, "")
    ]


# An exercise's "not sure yet" is the comparison's "not known yet".
_FROM_ANSWER = {"meets": "meets", "short": "short", "unsure": "unknown"}


def check_from_answers(
    target: dict[str, Any] | None, salary: Any, judged: dict[str, Any] | None
) -> dict[str, Any]:
    """What an exercise learnt about a job, as a check for :func:`compare`: the salary answer,
    and per-criterion answers keyed by the criterion's text."""
    check: dict[str, Any] = {}
    money = Money.of(salary)
    if money is not None:
        check["salary"] = money.as_answer()
    texts = dict((text, key) for key, text in criteria_items(target))
    for text, value in (judged or {}).items():
        key = texts.get(text)
        if key is not None and key != "salary" and value in _FROM_ANSWER:
            check[key] = _FROM_ANSWER[value]
    return check


async def latest_target(db: Database, user_id: int) -> dict[str, Any] | None:
    row = await runs_db.latest_result(db, user_id, "target")
    return json.loads(row["data"]) if row else None


async def for_opportunity(db: Database, *, user_id: int, opportunity_id: int) -> Comparison | None:
    target = await latest_target(db, user_id)
    row = await pipeline_db.get(db, user_id, opportunity_id)
    if row is None:
        raise NotFound("I can't find that opportunity.")
    check = json.loads(row["target_check"]) if row["target_check"] else None
    return compare(target, check)


async def settle(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_id: int,
    salary: str | None,
    judged: dict[str, str],
) -> Comparison | None:
    """Store the member's answers (salary offered, meets/short per criterion)."""
    row = await pipeline_db.get(db, user_id, opportunity_id)
    if row is None:
        raise NotFound("I can't find that opportunity.")
    check: dict[str, Any] = json.loads(row["target_check"]) if row["target_check"] else {}
    if salary and salary.strip():
        check["salary"] = parse_money(salary).as_answer()
    for key, value in judged.items():
        if key not in dict(JUDGED) or value not in JUDGEMENTS:
            raise InvalidInput("Pick meets, falls short or not known for each.")
        check[key] = value
    async with db.transaction() as conn:
        await pipeline_db.set_target_check(conn, user_id, opportunity_id, json.dumps(check))
    return compare(await latest_target(db, user_id), check)
