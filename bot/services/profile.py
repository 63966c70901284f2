"""A member's personal settings: time zone, weekly goal, reminders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.clock import Clock
from bot.db import Database
from bot.db import people as people_db
from bot.errors import InvalidInput
from bot.services.changes import Changes
from bot.services.text import echo

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


# A time zone is a place: its clocks change with daylight saving and its rules with politics.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
)
_EXAMPLES = "Europe/Berlin or America/Chicago"

# Abbreviations name an offset, not a place: EST stays UTC-5 through the New York summer.
# Each maps to the places people usually mean by it, the most likely first.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("EST", "EDT", "ET"), ("America/New_York",)),
    **dict.fromkeys(("CST", "CDT", "CT"), ("America/Chicago", "Asia/Shanghai")),
    **dict.fromkeys(("MST", "MDT", "MT"), ("America/Denver", "America/Phoenix")),
    **dict.fromkeys(("PST", "PDT", "PT"), ("America/Los_Angeles",)),
    **dict.fromkeys(("AKST", "AKDT"), ("America/Anchorage",)),
    **dict.fromkeys(("HST", "HDT"), ("Pacific/Honolulu",)),
    **dict.fromkeys(("AST", "ADT"), ("America/Halifax", "Asia/Riyadh")),
    **dict.fromkeys(("NST", "NDT"), ("America/St_Johns",)),
    **dict.fromkeys(("GMT", "BST"), ("Europe/London",)),
    **dict.fromkeys(("WET", "WEST"), ("Europe/Lisbon",)),
    **dict.fromkeys(("CET", "CEST", "MET", "MEST"), ("Europe/Paris", "Europe/Berlin")),
    **dict.fromkeys(("EET", "EEST"), ("Europe/Athens", "Europe/Helsinki")),
    "MSK": ("Europe/Moscow",),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "PKT": ("Asia/Karachi",),
    "WIB": ("Asia/Jakarta",),
    "ICT": ("Asia/Bangkok",),
    "SGT": ("Asia/Singapore",),
    "HKT": ("Asia/Hong_Kong",),
    "PHT": ("Asia/Manila",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "AWST": ("Australia/Perth",),
    **dict.fromkeys(("ACST", "ACDT"), ("Australia/Adelaide",)),
    **dict.fromkeys(("AEST", "AEDT"), ("Australia/Sydney", "Australia/Brisbane")),
    **dict.fromkeys(("NZST", "NZDT"), ("Pacific/Auckland",)),
    "SAST": ("Africa/Johannesburg",),
    "WAT": ("Africa/Lagos",),
    "CAT": ("Africa/Maputo",),
    "EAT": ("Africa/Nairobi",),
    "BRT": ("America/Sao_Paulo",),
    "ART": ("America/Argentina/Buenos_Aires",),
}

# Old names the zone database keeps for old systems, and the place each stands for.
LEGACY: dict[str, str] = {
    **dict.fromkeys(
        ("Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"), "UTC"
    ),
    **dict.fromkeys(
        ("Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "GMT+0", "GMT-0"), "UTC"
    ),
    **dict.fromkeys(("Greenwich", "Etc/Greenwich"), "UTC"),
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "US/Arizona": "America/Phoenix",
    "US/Alaska": "America/Anchorage",
    "US/Hawaii": "Pacific/Honolulu",
    "US/Aleutian": "America/Adak",
    "US/East-Indiana": "America/Indiana/Indianapolis",
    "US/Indiana-Starke": "America/Indiana/Knox",
    "US/Michigan": "America/Detroit",
    "US/Samoa": "Pacific/Pago_Pago",
    "Navajo": "America/Denver",
    "Canada/Atlantic": "America/Halifax",
    "Canada/Central": "America/Winnipeg",
    "Canada/Eastern": "America/Toronto",
    "Canada/Mountain": "America/Edmonton",
    "Canada/Newfoundland": "America/St_Johns",
    "Canada/Pacific": "America/Vancouver",
    "Canada/Saskatchewan": "America/Regina",
    "Canada/Yukon": "America/Whitehorse",
    "Mexico/General": "America/Mexico_City",
    "Mexico/BajaNorte": "America/Tijuana",
    "Mexico/BajaSur": "America/Mazatlan",
    "Brazil/East": "America/Sao_Paulo",
    "Brazil/West": "America/Manaus",
    "Brazil/Acre": "America/Rio_Branco",
    "Brazil/DeNoronha": "America/Noronha",
    "Chile/Continental": "America/Santiago",
    "Chile/EasterIsland": "Pacific/Easter",
    "Cuba": "America/Havana",
    "Jamaica": "America/Jamaica",
    "GB": "Europe/London",
    "GB-Eire": "Europe/London",
    "Eire": "Europe/Dublin",
    "Iceland": "Atlantic/Reykjavik",
    "Poland": "Europe/Warsaw",
    "Portugal": "Europe/Lisbon",
    "Turkey": "Europe/Istanbul",
    "W-SU": "Europe/Moscow",
    "Egypt": "Africa/Cairo",
    "Libya": "Africa/Tripoli",
    "Iran": "Asia/Tehran",
    "Israel": "Asia/Jerusalem",
    "PRC": "Asia/Shanghai",
    "ROC": "Asia/Taipei",
    "ROK": "Asia/Seoul",
    "Hongkong": "Asia/Hong_Kong",
    "Japan": "Asia/Tokyo",
    "Singapore": "Asia/Singapore",
    "NZ": "Pacific/Auckland",
    "NZ-CHAT": "Pacific/Chatham",
    "Kwajalein": "Pacific/Kwajalein",
}
# UTC+2, GMT-5, +05:30, Etc/GMT+5: offsets that never follow a place's clock changes.
_OFFSET = re.compile(r"^(etc/)?((gmt|utc|uct)\s*)?[+\-\u2212]\s*\d|^etc/")
# Nothing longer than this names a zone; longer text is not even looked at.
_ZONE_CHARS = 64


@dataclass(frozen=True, slots=True)
class ZoneCheck:
    """A typed time zone: its canonical name when accepted, else why not and what to use."""

    key: str | None
    why: str = ""  # "abbreviation", "legacy", "offset" or "unknown" when refused
    instead: tuple[str, ...] = ()


@cache
def zone_names() -> tuple[str, ...]:
    """Every accepted region name (Area/Location), sorted, for autocomplete."""
    return tuple(sorted(z for z in available_timezones() if z.split("/")[0] in REGIONS))


@cache
def _folded() -> dict[str, str]:
    """Accepted names by their case-folded spelling, so europe/paris finds Europe/Paris."""
    return {name.casefold(): name for name in ("UTC", *zone_names())}


@cache
def _legacy_folded() -> dict[str, str]:
    return {name.casefold(): region for name, region in LEGACY.items()}


def _typed(name: str) -> str:
    visible = "".join(c for c in name if c.isprintable() or c.isspace())
    return " ".join(visible.split())


def check_zone(name: str) -> ZoneCheck:
    """Whether ``name`` is a region (or UTC), and if not, why and which region to use."""
    typed = _typed(name)
    if not typed or len(typed) > _ZONE_CHARS:
        return ZoneCheck(None, "unknown")
    folded = typed.replace(" ", "_").casefold()
    if folded in _folded():
        return ZoneCheck(_folded()[folded])
    if typed.upper() in ABBREVIATIONS:
        return ZoneCheck(None, "abbreviation", ABBREVIATIONS[typed.upper()])
    if folded in _legacy_folded():
        return ZoneCheck(None, "legacy", (_legacy_folded()[folded],))
    if _OFFSET.match(folded):
        return ZoneCheck(None, "offset")
    return ZoneCheck(None, "unknown")


def parse_zone(name: str) -> ZoneInfo:
    """A region such as Europe/Paris, or UTC; abbreviations and offsets get the region to use."""
    check = check_zone(name)
    if check.key is not None:
        return ZoneInfo(check.key)
    shown = echo(name)
    options = " or ".join(f"**{zone}**" for zone in check.instead)
    if check.why == "abbreviation":
        raise InvalidInput(
            f"{shown} is an abbreviation, and I need a place so daylight saving is right. "
            f"Try {options}."
        )
    if check.why == "legacy":
        raise InvalidInput(f"{shown} is an old name for {options}: use that instead.")
    if check.why == "offset":
        raise InvalidInput(
            f"{shown} is a fixed offset, which misses daylight saving changes. Pick the place "
            f"whose clock you follow, e.g. {_EXAMPLES}."
        )
    raise InvalidInput(
        f"{shown} is not a time zone I know. Pick one from the list, e.g. {_EXAMPLES}."
    )


def suggest_zones(partial: str, limit: int = 25) -> list[str]:
    """Regions matching what was typed (spaces match underscores); an abbreviation or an old
    name puts the region it stands for first."""
    typed = _typed(partial)
    if not typed:
        return list(POPULAR_ZONES[:limit])
    if len(typed) > _ZONE_CHARS:
        return []
    check = check_zone(typed)
    needle = typed.replace(" ", "_").casefold()
    names = ("UTC", *zone_names())
    first = [check.key] if check.key else list(check.instead)
    starts = [z for z in names if z.casefold().split("/")[-1].startswith(needle)]
    contains = [z for z in names if needle in z.casefold()]
    return list(dict.fromkeys(first + starts + contains))[:limit]


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


async def set_timezone(
    db: Database, clock: Clock, user_id: int, name: str, *, changes: Changes
) -> ZoneInfo:
    zone = parse_zone(name)
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_timezone(conn, user_id, zone.key)
    changes.reminders()  # they go out at an hour in the member's zone
    return zone


async def set_goal(db: Database, clock: Clock, user_id: int, goal: int) -> int:
    if not 0 <= goal <= MAX_GOAL:
        raise InvalidInput(f"A weekly goal is a number from 0 to {MAX_GOAL}.")
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_goal(conn, user_id, goal)
    return goal


async def set_reminders(
    db: Database, clock: Clock, user_id: int, enabled: bool, hour: int | None, *, changes: Changes
) -> None:
    if hour is not None and not 0 <= hour <= 23:
        raise InvalidInput("The reminder hour is 0 to 23 (your time zone).")
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await people_db.set_reminders(conn, user_id, enabled, hour)
        # Turning reminders on is also the way back after closed DMs were recorded.
        if enabled:
            await people_db.clear_dm_closed(conn, user_id)
    changes.reminders()


async def take_dm_closed_notice(db: Database, user_id: int) -> bool:
    """True once after reminders could not be delivered because DMs were closed."""
    row = await people_db.get_user(db, user_id)
    if row is None or row["dm_closed_at"] is None:
        return False  # the common case stays a cheap read
    async with db.transaction() as conn:
        return await people_db.clear_dm_closed(conn, user_id)
