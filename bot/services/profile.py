"""A member's personal settings: time zone, weekly goal, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.clock import Clock
from bot.db import Database
from bot.db import people as people_db
from bot.errors import InvalidInput

MAX_GOAL = 50
DEFAULT_GOAL = 1
DEFAULT_REMINDER_HOUR = 9


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    zone: ZoneInfo
    goal: int
    reminders: bool
    reminder_hour: int
    dm_closed: bool

    def today(self, now: datetime) -> date:
        """The member's calendar date at ``now``."""
        return now.astimezone(self.zone).date()


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted, for autocomplete."""
    return tuple(sorted(available_timezones() - {"localtime", "Factory"}))


def parse_zone(name: str) -> ZoneInfo:
    cleaned = name.strip()
    try:
        if cleaned in zone_names() or cleaned == "UTC":
            return ZoneInfo(cleaned)
    except ZoneInfoNotFoundError:
        pass
    raise InvalidInput(
        f"`{cleaned}` is not a time zone I know. Pick one from the list, e.g. Europe/Berlin "
        "or America/Chicago."
    )


def suggest_zones(partial: str, limit: int = 25) -> list[str]:
    """Zones whose name contains what was typed (spaces match underscores)."""
    needle = partial.strip().lower().replace(" ", "_")
    if not needle:
        popular = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Australia/Sydney",
        ]
        return popular[:limit]
    starts = [z for z in zone_names() if z.lower().split("/")[-1].startswith(needle)]
    contains = [z for z in zone_names() if needle in z.lower() and z not in starts]
    return (starts + contains)[:limit]


async def load(db: Database, clock: Clock, user_id: int, default_zone: str = "UTC") -> Profile:
    """The member's settings, creating their row with defaults on first use."""
    row = await people_db.get_user(db, user_id)
    if row is None:
        async with db.transaction() as conn:
            await people_db.ensure_user(conn, user_id, clock.now())
        row = await people_db.get_user(db, user_id)
        if row is None:
            raise RuntimeError(f"user {user_id} vanished while being created")
    return Profile(
        user_id=user_id,
        zone=ZoneInfo(row["timezone"] or default_zone),
        goal=row["weekly_goal"],
        reminders=bool(row["reminders"]),
        reminder_hour=row["reminder_hour"],
        dm_closed=row["dm_closed_at"] is not None,
    )


async def set_timezone(db: Database, clock: Clock, user_id: int, name: str) -> ZoneInfo:
    zone = parse_zone(name)
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_timezone(conn, user_id, zone.key)
    return zone


async def set_goal(db: Database, clock: Clock, user_id: int, goal: int) -> int:
    if not 0 <= goal <= MAX_GOAL:
        raise InvalidInput(f"A weekly goal is a number from 0 to {MAX_GOAL}.")
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_goal(conn, user_id, goal)
    return goal


async def set_reminders(
    db: Database, clock: Clock, user_id: int, enabled: bool, hour: int | None
) -> None:
    if hour is not None and not 0 <= hour <= 23:
        raise InvalidInput("The reminder hour is 0 to 23 (your time zone).")
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_reminders(conn, user_id, enabled, hour)
        # Turning reminders on is also the way back after closed DMs were recorded.
        if enabled:
            await people_db.clear_dm_closed(conn, user_id)


async def take_dm_closed_notice(db: Database, user_id: int) -> bool:
    """True once after reminders could not be delivered because DMs were closed."""
    row = await people_db.get_user(db, user_id)
    if row is None or row["dm_closed_at"] is None:
        return False  # the common case stays a cheap read
    async with db.transaction() as conn:
        return await people_db.clear_dm_closed(conn, user_id)
