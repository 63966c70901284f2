"""What a run may know beyond its own answers: today in the member's zone, their right-job
target, and what the opportunity it is about already says (so those questions are not asked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import pipeline as pipeline_db
from bot.db.core import Row
from bot.services import profile as profile_service
from bot.services import target as target_service
from bot.services.exercises.engine import Context


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
