"""The one nudge a paused exercise gets, three days after the member paused it (through the
delivery ledger, so it goes out once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db import Database, from_db
from bot.db import exercises as runs_db
from bot.services.delivery import Claim, Due
from bot.services.exercises.catalog import Catalog
from bot.services.exercises.model import Exercise

NUDGE_AFTER = timedelta(days=3)
NUDGE_KIND = "exercise-nudge"
NUDGE_KINDS = {NUDGE_KIND: timedelta(days=2)}


@dataclass(frozen=True, slots=True)
class Nudge:
    run_id: int
    user_id: int
    exercise: Exercise


async def due_nudges(db: Database, now: datetime) -> tuple[list[Due], datetime | None]:
    """Paused runs due their one nudge (3 days after pausing); the courier claims each once."""
    due = [
        Due(
            NUDGE_KIND,
            row["run_id"],
            "once",
            from_db(row["paused_at"]) + NUDGE_AFTER,
            user_id=row["user_id"],
        )
        for row in await runs_db.paused_before(db, now - NUDGE_AFTER)
    ]
    earliest = await runs_db.earliest_pause(db)
    # Pausing pokes the job; the backstop only covers a poke that was missed.
    backstop = now + timedelta(hours=6)
    if earliest is None:
        return due, backstop
    wake = max(from_db(earliest) + NUDGE_AFTER, now + timedelta(seconds=1))
    return due, min(wake, backstop)


async def nudge_for(db: Database, catalog: Catalog, claim: Claim) -> Nudge | None:
    """The nudge for a claimed run, if it is still paused and its exercise still offered."""
    if claim.user_id is None:
        return None
    row = await runs_db.get_run(db, claim.user_id, claim.target_id)
    if row is None or row["status"] != "paused" or row["exercise_id"] not in catalog.exercises:
        return None
    return Nudge(claim.target_id, claim.user_id, catalog.exercises[row["exercise_id"]])
