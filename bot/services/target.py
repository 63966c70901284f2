"""How an opportunity measures up against the member's latest right-job target.

A target is the standard a job must meet or beat. A new opportunity rarely says enough to
judge it, so the comparison shows what is known and the member settles the rest with a few
questions (salary, and meets / falls short for the rest).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import pipeline as pipeline_db
from bot.errors import InvalidInput, NotFound
from bot.services.exercises import engine, runs
from bot.services.exercises.model import Kind, Step

JUDGED = (
    ("title", "Title and level"),
    ("responsibilities", "Responsibilities"),
    ("authority", "Level of authority"),
)
STATUS_LABELS = {"meets": "meets or beats it", "short": "falls short", "unknown": "not known yet"}
_SALARY_STEP = Step(id="salary", kind=Kind.NUMBER, prompt="", currency=True, minimum=0)


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: str
    target: str
    status: str  # meets | short | unknown
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

    def line(self) -> str:
        meets = sum(c.status == "meets" for c in self.criteria)
        return f"{meets} meet, {len(self.short)} short, {self.unknown} unknown"


def compare(target: dict[str, Any] | None, check: dict[str, Any] | None) -> Comparison | None:
    """The comparison as far as known; None without a target."""
    if not target:
        return None
    check = check or {}
    criteria: list[Criterion] = []
    wanted = target.get("salary")
    if isinstance(wanted, dict) and "value" in wanted:
        offered = check.get("salary")
        status, detail = "unknown", ""
        if isinstance(offered, dict):
            same = (
                not wanted.get("currency")
                or not offered.get("currency")
                or wanted["currency"] == offered["currency"]
            )
            if same:
                status = "meets" if offered["value"] >= wanted["value"] else "short"
            detail = f"offered {engine.display(offered)}" + ("" if same else " (another currency)")
        criteria.append(Criterion("salary", "Salary", engine.display(wanted), status, detail))
    for key, label in JUDGED:
        if target.get(key):
            criteria.append(
                Criterion(key, label, engine.display(target[key])[:150], check.get(key, "unknown"))
            )
    return Comparison(criteria)


async def for_opportunity(db: Database, *, user_id: int, opportunity_id: int) -> Comparison | None:
    target = await runs.latest_target(db, user_id)
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
        check["salary"] = engine.parse_number(_SALARY_STEP, salary)
    for key, value in judged.items():
        if key not in dict(JUDGED) or value not in STATUS_LABELS:
            raise InvalidInput("Pick meets, falls short or not known for each.")
        check[key] = value
    async with db.transaction() as conn:
        await pipeline_db.set_target_check(conn, user_id, opportunity_id, json.dumps(check))
    return compare(await runs.latest_target(db, user_id), check)
