"""When each group's weekly posts fall due, in the group's own time zone.

Pure functions of the schedule, the zone and "now". A post's *period* is the Monday of the
group's local week it belongs to, so it can be claimed exactly once however the clocks move:
on the autumn DST change a 01:30 post exists twice on the wall clock but once per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.services.text import echo

GRACE = timedelta(hours=12)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Post(StrEnum):
    CHECKIN = "checkin"
    FOLLOWUPS = "followups"
    RECAP = "recap"
    LEADERBOARD = "leaderboard"


# (weekday, minutes after local midnight): Monday 09:00, Wednesday 12:00, Friday 16:00,
# Sunday 18:00 - the rhythm of a week: commit, follow up, take stock, celebrate.
DEFAULTS: dict[Post, tuple[int, int]] = {
    Post.CHECKIN: (0, 9 * 60),
    Post.FOLLOWUPS: (2, 12 * 60),
    Post.RECAP: (4, 16 * 60),
    Post.LEADERBOARD: (6, 18 * 60),
}


@dataclass(frozen=True, slots=True)
class Slot:
    post: Post
    weekday: int
    minute: int
    enabled: bool = True
    since: datetime | None = None  # occurrences before this are not caught up

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday].title()} {self.minute // 60:02d}:{self.minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class GroupTimes:
    guild_id: int
    zone: ZoneInfo
    slots: tuple[Slot, ...]
    paused_until: date | None = None


@dataclass(frozen=True, slots=True)
class Due:
    guild_id: int
    post: Post
    period: str  # Monday of the group's local week, ISO
    at: datetime  # when it was scheduled (UTC)


def parse_time(text: str) -> int:
    """Minutes after midnight from HH:MM; raises ValueError with a readable message."""
    try:
        hours, minutes = text.strip().split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise ValueError(f"{echo(text)} is not a time: use HH:MM, e.g. 09:30") from None
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(f"{echo(text)} is not a time of day: use 00:00 to 23:59")
    return value


def occurrence(monday: date, slot: Slot, zone: ZoneInfo) -> datetime:
    """The UTC instant of the slot in the local week starting ``monday``.

    A local time in the spring gap does not exist; zoneinfo reads it with the offset before
    the change, so it lands an hour later on the wall clock. In the autumn overlap the first
    of the two instants is used.
    """
    local = datetime.combine(
        monday + timedelta(days=slot.weekday),
        time(slot.minute // 60, slot.minute % 60),
        tzinfo=zone,
    )
    return local.astimezone(UTC)


def _monday(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def latest(
    slot: Slot, zone: ZoneInfo, now: datetime, monday: date | None = None
) -> tuple[date, datetime]:
    """The most recent occurrence at or before ``now`` and the Monday of its week
    (``monday``: that of ``now`` in ``zone``, when the caller knows it already)."""
    monday = _monday(now, zone) if monday is None else monday
    at = occurrence(monday, slot, zone)
    if at > now:
        monday -= timedelta(days=7)
        at = occurrence(monday, slot, zone)
    return monday, at


def next_after(slot: Slot, zone: ZoneInfo, now: datetime, monday: date | None = None) -> datetime:
    monday = _monday(now, zone) if monday is None else monday
    for weeks in range(3):
        at = occurrence(monday + timedelta(weeks=weeks), slot, zone)
        if at > now:
            return at
    raise AssertionError("a weekly slot always recurs within three weeks")


def plan(
    groups: list[GroupTimes], now: datetime, grace: timedelta = GRACE
) -> tuple[list[Due], list[Due], datetime | None]:
    """(due now, missed beyond the grace window, next wake-up) across all groups."""
    due: list[Due] = []
    missed: list[Due] = []
    wake: datetime | None = None
    # The Monday of now's week per zone: thousands of groups share a handful of zones.
    mondays: dict[ZoneInfo, date] = {}
    for group in groups:
        this_week = mondays.get(group.zone)
        if this_week is None:
            this_week = mondays[group.zone] = _monday(now, group.zone)
        for slot in group.slots:
            if not slot.enabled:
                continue
            upcoming = next_after(slot, group.zone, now, this_week)
            wake = upcoming if wake is None else min(wake, upcoming)
            monday, at = latest(slot, group.zone, now, this_week)
            if slot.since is not None and at < slot.since:
                continue
            if group.paused_until and at.astimezone(group.zone).date() <= group.paused_until:
                continue
            item = Due(group.guild_id, slot.post, monday.isoformat(), at)
            (due if now - at <= grace else missed).append(item)
    return due, missed, wake


def slots_for(
    overrides: dict[Post, tuple[int | None, int | None, bool, datetime]], since: datetime | None
) -> tuple[Slot, ...]:
    """A group's four slots: its own settings where it changed them, the defaults elsewhere."""
    slots = []
    for post, (weekday, minute) in DEFAULTS.items():
        changed = overrides.get(post)
        start = since
        if changed is not None:
            day, mins, enabled, updated = changed
            weekday = day if day is not None else weekday
            minute = mins if mins is not None else minute
            start = max(start, updated) if start else updated
            slots.append(Slot(post, weekday, minute, enabled, start))
        else:
            slots.append(Slot(post, weekday, minute, True, start))
    return tuple(slots)
