"""A member's own numbers: this week against the goal, the streak, totals, weekly history.

A win counts in the Monday-to-Sunday week holding the day it happened as the member lived it
(``wins.happened_on``): the same rule every group's board uses, so the two always agree on
which week a win belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.db import Database
from bot.db import pipeline as pipeline_db
from bot.db import wins as wins_db
from bot.services import goals as goals_service
from bot.services import network as network_service
from bot.services import profile as profile_service
from bot.services.goals import WeeklyGoal
from bot.services.kinds import WinKind
from bot.services.weeks import streak, week_start

HISTORY_WEEKS = 12
# Streaks are counted over the last two years at most: longer ones show as 104 weeks.
STREAK_LOOKBACK_WEEKS = 104


@dataclass(frozen=True, slots=True)
class MemberStats:
    week_of: date
    this_week: int
    goal: WeeklyGoal
    streak: int
    totals: dict[WinKind, int]
    in_the_works: int
    weekly: list[tuple[date, int]]  # oldest first, this week last
    introductions_made: int = 0  # for others, confirmed by the person introduced


async def member_stats(db: Database, clock: Clock, *, user_id: int) -> MemberStats:
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    this_monday = week_start(today)
    days = await wins_db.days_since(
        db, user_id, this_monday - timedelta(weeks=STREAK_LOOKBACK_WEEKS)
    )
    per_week: dict[date, int] = {}
    for day in days:
        monday = week_start(day)
        per_week[monday] = per_week.get(monday, 0) + 1
    mondays = [this_monday - timedelta(weeks=i) for i in range(HISTORY_WEEKS - 1, -1, -1)]
    totals_raw = await wins_db.totals_by_kind(db, user_id)
    return MemberStats(
        week_of=this_monday,
        this_week=per_week.get(this_monday, 0),
        goal=await goals_service.this_week(db, clock, user_id, profile),
        streak=streak(days, today),
        totals={kind: totals_raw.get(kind.value, 0) for kind in WinKind},
        in_the_works=await pipeline_db.in_the_works(db, user_id),
        weekly=[(monday, per_week.get(monday, 0)) for monday in mondays],
        introductions_made=await network_service.introductions_made(db, user_id),
    )


async def streak_of(db: Database, clock: Clock, user_id: int, now: datetime) -> int:
    """Weeks in a row with a win, in the member's own weeks (the leaderboard's streak)."""
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    days = await wins_db.days_since(
        db, user_id, week_start(today) - timedelta(weeks=STREAK_LOOKBACK_WEEKS)
    )
    return streak(days, today)
