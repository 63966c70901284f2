"""Inactivity nudges: one kind DM per quiet stretch to members of groups that want them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import deliveries as deliveries_db
from bot.db import people as people_db
from bot.db import rhythm as rhythm_db

NUDGE_KIND = "inactive-nudge"


@dataclass(frozen=True, slots=True)
class InactiveNudge:
    delivery_id: int
    user_id: int
    days: int


async def claim_inactivity_nudges(
    db: Database, now: datetime
) -> tuple[list[InactiveNudge], datetime]:
    """One kind DM per quiet stretch: keyed by the member's last win (or their joining)."""
    claimed, wake = [], now + timedelta(hours=6)
    done = await rhythm_db.claimed_keys(db, NUDGE_KIND)
    for row in await rhythm_db.inactive_candidates(db):
        since_text = row["last_win"] or row["joined_at"]
        since = from_db(since_text)
        due = since + timedelta(days=row["days"])
        if due > now:
            wake = min(wake, due)
            continue
        if (row["user_id"], since_text) in done:
            continue
        async with db.transaction() as conn:
            delivery = await deliveries_db.claim(
                conn, NUDGE_KIND, row["user_id"], since_text, now, user_id=row["user_id"]
            )
        if delivery is not None:
            claimed.append(InactiveNudge(delivery, row["user_id"], row["days"]))
    return claimed, wake


async def nudge_done(
    db: Database, clock: Clock, nudge: InactiveNudge, status: str, detail: str | None = None
) -> None:
    await deliveries_db.finish(db, nudge.delivery_id, status, clock.now(), detail=detail)
    if detail and "50007" in detail:
        async with db.transaction() as conn:
            await people_db.mark_dm_closed(conn, nudge.user_id, clock.now())
