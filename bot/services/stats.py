"""A member's own numbers: this week against the goal, the streak, totals, weekly history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.db import Database
from bot.db import pipeline as pipeline_db
from bot.db import wins as wins_db
from bot.services import profile as profile_service
from bot.services.kinds import WinKind
from bot.services.weeks import current_week, local_date, streak, week_bounds, week_start

HISTORY_WEEKS = 12
# Streaks are counted over the last two years at most: longer ones show as 104 weeks.
STREAK_LOOKBACK_WEEKS = 104


@dataclass(frozen=True, slots=True)
class MemberStats:
    week_of: date
    this_week: int
    goal: int
    streak: int
    totals: dict[WinKind, int]
    in_the_works: int
    weekly: list[tuple[date, int]]  # oldest first, this week last


async def member_stats(db: Database, clock: Clock, *, user_id: int) -> MemberStats:
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    this_monday = current_week(now, profile.zone)
    lookback_start, _ = week_bounds(
        this_monday - timedelta(weeks=STREAK_LOOKBACK_WEEKS), profile.zone
    )
    days = [
        local_date(moment, profile.zone)
        for moment in await wins_db.times_since(db, user_id, lookback_start)
    ]
    per_week: dict[date, int] = {}
    for day in days:
        monday = week_start(day)
        per_week[monday] = per_week.get(monday, 0) + 1
    mondays = [this_monday - timedelta(weeks=i) for i in range(HISTORY_WEEKS - 1, -1, -1)]
    totals_raw = await wins_db.totals_by_kind(db, user_id)
    return MemberStats(
        week_of=this_monday,
        this_week=per_week.get(this_monday, 0),
        goal=profile.goal,
        streak=streak(days, profile.today(now)),
        totals={kind: totals_raw.get(kind.value, 0) for kind in WinKind},
        in_the_works=await pipeline_db.in_the_works(db, user_id),
        weekly=[(monday, per_week.get(monday, 0)) for monday in mondays],
    )


async def streak_of(db: Database, clock: Clock, user_id: int, now: datetime) -> int:
    """Weeks in a row with a win, in the member's own zone (the leaderboard's streak)."""
    profile = await profile_service.load(db, clock, user_id)
    lookback_start, _ = week_bounds(
        current_week(now, profile.zone) - timedelta(weeks=STREAK_LOOKBACK_WEEKS), profile.zone
    )
    days = [
        local_date(moment, profile.zone)
        for moment in await wins_db.times_since(db, user_id, lookback_start)
    ]
    return streak(days, profile.today(now))
