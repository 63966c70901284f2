"""The one weekly goal a member is counted against, wherever it is shown.

The rule: the standing goal (``/me goal``) holds every week, unless the member committed to a
number at a check-in for this week; then that number is this week's goal. A member in several
groups may commit in each: the latest commitment counts, because it is the last thing they
said about this week. The week is the member's own (Monday to Sunday in their time zone),
matched against the Monday of the group's week the commitment was made for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import goals as goals_db
from bot.services import profile as profile_service
from bot.services.weeks import current_week


class Source(StrEnum):
    STANDING = "standing"  # /me goal
    CHECKIN = "checkin"  # a commitment at this week's check-in


@dataclass(frozen=True, slots=True)
class Commitment:
    goal: int
    at: datetime  # when it was made (or last changed)
    week: date  # the Monday of the week it is for


@dataclass(frozen=True, slots=True)
class WeeklyGoal:
    count: int
    source: Source
    committed_at: datetime | None = None
    committed_on: date | None = None  # the member's own date of the commitment

    @property
    def from_checkin(self) -> bool:
        return self.source is Source.CHECKIN


def weekly_goal_from(standing: int, commitments: Iterable[Commitment]) -> WeeklyGoal:
    """The rule itself: the latest commitment of the week, else the standing goal."""
    latest = max(commitments, key=lambda c: (c.at, c.goal), default=None)
    if latest is None:
        return WeeklyGoal(standing, Source.STANDING)
    return WeeklyGoal(latest.goal, Source.CHECKIN, latest.at)


async def this_week(
    db: Database,
    clock: Clock,
    user_id: int,
    profile: profile_service.Profile | None = None,
) -> WeeklyGoal:
    """The goal the member's current week is counted against."""
    member = profile or await profile_service.load(db, clock, user_id)
    monday = current_week(clock.now(), member.zone)
    rows = await goals_db.commitments_of_week(db, user_id, monday)
    chosen = weekly_goal_from(
        member.goal, (Commitment(r["goal"], from_db(r["updated_at"]), monday) for r in rows)
    )
    if chosen.committed_at is None:
        return chosen
    return WeeklyGoal(
        chosen.count,
        chosen.source,
        chosen.committed_at,
        chosen.committed_at.astimezone(member.zone).date(),
    )
