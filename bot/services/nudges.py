"""Inactivity nudges: one kind DM per quiet stretch, to members who use the bot, in groups
that want them and are not paused; members can turn them off for themselves."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import people as people_db
from bot.db import rhythm as rhythm_db
from bot.services.delivery import Claim, Due

log = logging.getLogger(__name__)

NUDGE_KIND = "inactive-nudge"
# Missed while the bot was down? A nudge still makes sense a couple of days late.
NUDGE_KINDS = {NUDGE_KIND: timedelta(days=2)}
BACKSTOP = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class InactiveNudge:
    user_id: int
    days: int  # whole days since the last win (or since first using the bot)
    has_won: bool


@dataclass(slots=True)
class _Quiet:
    since: str
    began: datetime  # ``since`` parsed once
    has_won: bool
    days: int | None = None  # the shortest nudge_days among the groups that may nudge now


async def due_nudges(db: Database, now: datetime) -> tuple[list[Due], datetime]:
    """One nudge per quiet stretch, keyed by the member's last win (or first use)."""
    wake = now + BACKSTOP
    quiet: dict[int, _Quiet] = {}
    for row in await rhythm_db.inactive_candidates(db):
        # A member is read once (one row per group they are in; the times are theirs).
        entry = quiet.get(row["user_id"])
        try:
            zone = ZoneInfo(row["timezone"])
            if entry is None:
                since = row["last_win"] or row["first_seen"]
                entry = _Quiet(since, from_db(since), row["last_win"] is not None)
        except (ValueError, KeyError) as exc:
            log.error("Skipping the nudge of %s: unreadable row (%s)", row["user_id"], exc)
            continue
        quiet[row["user_id"]] = entry
        paused = row["paused_until"]
        if paused and now.astimezone(zone).date().isoformat() <= paused:
            # A group on holiday nudges nobody; once the pause ends, the nudge comes.
            wake = min(wake, now + timedelta(hours=1))
            continue
        entry.days = row["days"] if entry.days is None else min(entry.days, row["days"])
    done = await rhythm_db.claimed_keys(db, NUDGE_KIND)
    due: list[Due] = []
    for user_id, entry in quiet.items():
        if entry.days is None or (user_id, entry.since) in done:
            continue
        at = entry.began + timedelta(days=entry.days)
        if at > now:
            wake = min(wake, at)
            continue
        # Due now even if the group only just turned nudges on: the window counts from now.
        due.append(Due(NUDGE_KIND, user_id, entry.since, max(at, now - timedelta(hours=1))))
    return due, wake


async def nudge_for(db: Database, clock: Clock, claim: Claim) -> InactiveNudge | None:
    """The nudge as it stands when sent; None if the member logged a win, turned nudges off
    or closed their DMs since it fell due."""
    user = await people_db.get_user(db, claim.target_id)
    if user is None or not user["nudges"] or user["dm_closed_at"] is not None:
        return None
    last_win = await rhythm_db.last_win_of(db, claim.target_id)
    if last_win is not None and last_win != claim.period:
        return None  # a win since: the quiet stretch is over
    days = (clock.now() - from_db(claim.period)).days
    return InactiveNudge(claim.target_id, days, last_win is not None)


async def set_nudges(db: Database, clock: Clock, user_id: int, enabled: bool) -> None:
    """A member's own switch for inactivity nudges (follow-up reminders are separate)."""
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_nudges(conn, user_id, enabled)
