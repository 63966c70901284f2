"""Weeks and streaks in a person's or group's own time zone.

A week runs Monday 00:00 to the next Monday 00:00 *local time*; converted to UTC its length is
not always 7 x 24 hours (DST), which is why bounds are computed from local midnights rather
than by adding hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an instant in a zone."""
    return moment.astimezone(zone).date()


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of 00:00 local time on ``day`` (zoneinfo resolves gaps/folds)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def week_bounds(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the local week starting ``monday``, as UTC instants."""
    return local_midnight_utc(monday, zone), local_midnight_utc(monday + timedelta(days=7), zone)


def current_week(now: datetime, zone: ZoneInfo) -> date:
    """The Monday of the week ``now`` falls in, locally."""
    return week_start(local_date(now, zone))


def streak(win_days: Iterable[date], today: date) -> int:
    """Weeks in a row with at least one win, counting back from this week.

    A week still in progress does not break the streak: with no win yet this week, the streak
    is the run that ended last week.
    """
    weeks = {week_start(day) for day in win_days}
    cursor = week_start(today)
    if cursor not in weeks:
        cursor -= timedelta(days=7)
    count = 0
    while cursor in weeks:
        count += 1
        cursor -= timedelta(days=7)
    return count
