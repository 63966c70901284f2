"""The opportunity pipeline: several things in the works, so one "no" never stalls a search."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import followups as followups_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.errors import InvalidInput, NotFound
from bot.services import profile as profile_service
from bot.services import target as target_service
from bot.services.dates import parse_follow_up
from bot.services.exercises.runs import latest_target
from bot.services.kinds import STAGE_ORDER, Outcome, Stage
from bot.services.text import clean_block, clean_line, echo

MAX_COMPANY = 100
MAX_ROLE = 100
MAX_NEXT_STEP = 200
RECOMMENDED_MIN = 6
RECOMMENDED_MAX = 10
QUIET_DAYS = 14


@dataclass(frozen=True, slots=True)
class Opportunity:
    opportunity_id: int
    company: str
    role: str | None
    stage: Stage
    next_step: str | None
    last_contact: datetime | None
    next_follow_up: date | None
    versus_target: str | None = None

    @property
    def title(self) -> str:
        return f"{self.company} ({self.role})" if self.role else self.company


@dataclass(frozen=True, slots=True)
class PipelineView:
    by_stage: dict[Stage, list[Opportunity]]
    in_the_works: int
    quiet: list[Opportunity]
    nudges: list[str]
    today: date  # the member's, so dates in another year can say so


def _opportunity(row: pipeline_db.Row, target: dict[str, Any] | None = None) -> Opportunity:
    check = json.loads(row["target_check"]) if row["target_check"] else None
    comparison = target_service.compare(target, check)
    return Opportunity(
        opportunity_id=row["opportunity_id"],
        company=row["company"],
        role=row["role"],
        stage=Stage(row["stage"]),
        next_step=row["next_step"],
        last_contact=from_db(row["last_contact_at"]) if row["last_contact_at"] else None,
        next_follow_up=date.fromisoformat(row["next_follow_up"]) if row["next_follow_up"] else None,
        versus_target=comparison.line() if comparison else None,
    )


def _optional_line(value: str | None, what: str, limit: int) -> str | None:
    """An optional one-line value, cleaned; None when nothing visible was typed."""
    if clean_block(value, what, limit) is None:
        return None
    return clean_line(value, what, limit)


def _stage(value: str | None, default: Stage = Stage.LEAD) -> Stage:
    if value is None:
        return default
    try:
        return Stage(value)
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise InvalidInput(f"{echo(value)} is not a stage. Use one of: {names}.") from None


async def add(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    company: str,
    role: str | None = None,
    stage: str | None = None,
    next_step: str | None = None,
    follow_up: str | None = None,
) -> tuple[Opportunity, date | None]:
    name = clean_line(company, "the company", MAX_COMPANY)
    title = _optional_line(role, "the role", MAX_ROLE)
    step = _optional_line(next_step, "your next step", MAX_NEXT_STEP)
    chosen = _stage(stage)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    due = parse_follow_up(follow_up, profile.today(now)) if follow_up else None
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        opportunity_id = await pipeline_db.insert(
            conn,
            user_id=user_id,
            company=name,
            role=title,
            stage=chosen.value,
            next_step=step,
            now=now,
        )
        if due is not None:
            await followups_db.insert(
                conn,
                user_id=user_id,
                person=name,
                reason=step or "Follow up",
                due_on=due,
                opportunity_id=opportunity_id,
                source_win_id=None,
                now=now,
            )
    return await get(db, user_id, opportunity_id), due


async def get(db: Database, user_id: int, opportunity_id: int) -> Opportunity:
    for row in await pipeline_db.open_for_user(db, user_id):
        if row["opportunity_id"] == opportunity_id:
            return _opportunity(row)
    raise NotFound("I can't find that open opportunity. Pick one from the list.")


async def move(
    db: Database, clock: Clock, *, user_id: int, opportunity_id: int, stage: str
) -> tuple[Opportunity, Stage]:
    current = await get(db, user_id, opportunity_id)
    target = _stage(stage)
    if target is current.stage:
        raise InvalidInput(f"{current.title} is already at **{target.value}**.")
    async with db.transaction() as conn:
        await pipeline_db.set_stage(conn, user_id, opportunity_id, target.value, clock.now())
    return await get(db, user_id, opportunity_id), current.stage


async def close(
    db: Database, clock: Clock, *, user_id: int, opportunity_id: int, outcome: str
) -> Opportunity:
    current = await get(db, user_id, opportunity_id)
    try:
        result = Outcome(outcome)
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"{echo(outcome)} is not an outcome. Use one of: {names}.") from None
    async with db.transaction() as conn:
        await pipeline_db.close(conn, user_id, opportunity_id, result.value, clock.now())
    return current


async def overview(db: Database, clock: Clock, *, user_id: int) -> PipelineView:
    """Open opportunities by stage, how many are in the works, and what to do about it."""
    now = clock.now()
    target = await latest_target(db, user_id)
    opportunities = [_opportunity(r, target) for r in await pipeline_db.open_for_user(db, user_id)]
    by_stage: dict[Stage, list[Opportunity]] = {stage: [] for stage in STAGE_ORDER}
    for item in opportunities:
        by_stage[item.stage].append(item)
    working = [o for o in opportunities if o.stage is not Stage.LEAD]
    quiet = [
        o
        for o in working
        if o.last_contact is None or now - o.last_contact >= timedelta(days=QUIET_DAYS)
    ]
    nudges: list[str] = []
    if len(working) < RECOMMENDED_MIN:
        short = RECOMMENDED_MIN - len(working)
        leads = len(by_stage[Stage.LEAD])
        nudges.append(
            f"You have {len(working)} in the works; aim for {RECOMMENDED_MIN}-{RECOMMENDED_MAX} "
            f"so no single answer can stall you. Reach out on {short} more"
            + (
                f": you already have {leads} {'lead' if leads == 1 else 'leads'} to contact."
                if leads
                else "."
            )
        )
    for item in quiet[:5]:
        nudges.append(
            f"No contact with {item.title} for {QUIET_DAYS}+ days: follow up and ask where "
            "things stand rather than waiting to hear."
        )
    profile = await profile_service.load(db, clock, user_id)
    return PipelineView(
        by_stage=by_stage,
        in_the_works=len(working),
        quiet=quiet,
        nudges=nudges,
        today=profile.today(now),
    )


async def autocomplete(db: Database, *, user_id: int, text: str) -> list[tuple[str, int]]:
    rows = await pipeline_db.search_open(db, user_id, text.strip())
    return [
        (
            f"{r['company']}{' - ' + r['role'] if r['role'] else ''} [{r['stage']}]"[:100],
            r["opportunity_id"],
        )
        for r in rows
    ]
