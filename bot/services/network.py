"""The group as a network: the group's switches for cheers' neighbours (partners, the
introduction exchange), its pause as these features see it, and the week's counts the recap
and the leaderboard show. The features themselves: :mod:`bot.services.cheers`,
:mod:`bot.services.partners`, :mod:`bot.services.intros`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database
from bot.db import network as network_db
from bot.db import partners as partners_db
from bot.errors import NotFound
from bot.services.weeks import local_midnight_utc, week_start

PAIR_HOUR = 12  # group time: cycles start at noon on Monday, after the morning check-in
RESUME_HOUR = 9  # group time: what a pause held back goes out the morning after it ends
DEFAULT_WEEKS = 2
MOST_ENCOURAGING = 3  # at most this many names share the leaderboard's "most encouraging"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class NetworkGroup:
    guild_id: int
    name: str
    zone: ZoneInfo
    channel_id: int | None
    active: bool  # the bot is still in the server
    paused_until: date | None
    partners: bool
    partner_weeks: int
    partner_anchor: date | None
    exchange: bool

    def paused_on(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in the group's pause (up to and including its last day)."""
        return self.paused_until is not None and (
            moment.astimezone(self.zone).date() <= self.paused_until
        )

    def resumes_at(self) -> datetime | None:
        """The morning after the pause: when what it held back goes out."""
        if self.paused_until is None:
            return None
        day = self.paused_until + timedelta(days=1)
        return datetime.combine(day, time(RESUME_HOUR), tzinfo=self.zone).astimezone(UTC)


def held(zone: ZoneInfo, paused_until: str | None, when: datetime) -> datetime:
    """When something due at ``when`` goes out: then, or after the pause that covers it."""
    if not paused_until or when.astimezone(zone).date() > date.fromisoformat(paused_until):
        return when
    day = date.fromisoformat(paused_until) + timedelta(days=1)
    return max(when, datetime.combine(day, time(RESUME_HOUR), tzinfo=zone).astimezone(UTC))


async def group(db: Database, guild_id: int) -> NetworkGroup | None:
    row = await network_db.group(db, guild_id)
    if row is None:
        return None
    return NetworkGroup(
        guild_id=guild_id,
        name=row["name"],
        zone=ZoneInfo(row["timezone"]),
        channel_id=row["channel_id"],
        active=row["left_at"] is None,
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        partners=bool(row["partners"]),
        partner_weeks=row["partner_weeks"],
        partner_anchor=date.fromisoformat(row["partner_anchor"]) if row["partner_anchor"] else None,
        exchange=bool(row["exchange"]),
    )


async def require_group(db: Database, guild_id: int) -> NetworkGroup:
    found = await group(db, guild_id)
    if found is None:
        raise NotFound(
            "This server isn't set up yet: an organiser can start with `/setup channel`."
        )
    return found


# -- partner cycles: when they start ----------------------------------------------------------


def cycle_start(monday: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(monday, time(PAIR_HOUR), tzinfo=zone).astimezone(UTC)


def checkin_offset(weeks: int) -> timedelta:
    """Mid-cycle: half way through, but never before the Thursday of the first week."""
    return timedelta(days=max(3, 7 * weeks // 2))


def first_cycle(now: datetime, zone: ZoneInfo, weeks: int, last: date | None) -> date:
    """The Monday of the next cycle when partners are turned on (or re-timed) at ``now``: this
    Monday if its noon is still ahead, else next Monday; never sooner than ``weeks`` after the
    last cycle, so changing the cadence cannot make a short cycle."""
    local = now.astimezone(zone)
    monday = week_start(local.date())
    start = monday if now < cycle_start(monday, zone) else monday + timedelta(weeks=1)
    if last is not None:
        start = max(start, last + timedelta(weeks=weeks))
    return start


def cycles_around(
    anchor: date, weeks: int, now: datetime, zone: ZoneInfo
) -> tuple[date | None, date]:
    """(the latest cycle that started by ``now``, if any; the next one to start)."""
    step = timedelta(weeks=weeks)
    if now < cycle_start(anchor, zone):
        return None, anchor
    elapsed = (now.astimezone(zone).date() - anchor).days // step.days
    latest = anchor + step * elapsed
    if cycle_start(latest, zone) > now:
        latest -= step
    return latest, latest + step


@dataclass(frozen=True, slots=True)
class PartnerSettings:
    on: bool
    weeks: int
    next_cycle: datetime | None  # when the next pairing happens (group time noon)
    zone: ZoneInfo


async def set_partners(
    db: Database, clock: Clock, guild_id: int, *, on: bool, every: int | None
) -> PartnerSettings:
    """Turn pairing on or off; turning it on (or changing the cadence) times the next cycle."""
    found = await require_group(db, guild_id)
    weeks = every or found.partner_weeks or DEFAULT_WEEKS
    anchor = None
    if on:
        last = await partners_db.last_cycle(db, guild_id)
        anchor = first_cycle(
            clock.now(), found.zone, weeks, date.fromisoformat(last) if last else None
        )
    async with db.transaction() as conn:
        await network_db.set_partners(
            conn, guild_id, on, weeks, anchor.isoformat() if anchor else None
        )
    return PartnerSettings(
        on, weeks, cycle_start(anchor, found.zone) if anchor else None, found.zone
    )


async def set_exchange(db: Database, guild_id: int, on: bool) -> None:
    await require_group(db, guild_id)
    async with db.transaction() as conn:
        await network_db.set_exchange(conn, guild_id, on)


# -- the week in numbers -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkWeek:
    """What the group did for each other in a week: counts only, nobody named."""

    cheers: int = 0
    pairs_met: int = 0
    introductions: int = 0


@dataclass(frozen=True, slots=True)
class Encourager:
    user_id: int
    cheers: int
    introductions: int


def _instants(first: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local days [first, end) as UTC instants (``date.min``: since the beginning)."""
    start = EARLIEST if first <= EARLIEST.date() else local_midnight_utc(first, zone)
    return start, local_midnight_utc(end, zone)


async def week_counts(
    db: Database, guild_id: int, first: date, end: date, zone: ZoneInfo
) -> NetworkWeek:
    """Cheers given, pairs that met and introductions made on the group's days [first, end)."""
    start, stop = _instants(first, end, zone)
    return NetworkWeek(
        cheers=await network_db.cheers_given_between(db, guild_id, start, stop),
        pairs_met=await network_db.pairs_met_between(db, guild_id, start, stop),
        introductions=await network_db.introductions_between(db, guild_id, start, stop),
    )


async def most_encouraging(
    db: Database, guild_id: int, first: date, end: date, zone: ZoneInfo
) -> list[Encourager]:
    """Who gave the most cheers and introductions (not who received them) on the group's days
    [first, end): the top count, shared by at most a few names; never a hidden member."""
    rows = await network_db.encouragers_between(db, guild_id, *_instants(first, end, zone))
    if not rows:
        return []
    top = rows[0]["cheers"] + rows[0]["intros"]
    return [
        Encourager(r["user_id"], r["cheers"], r["intros"])
        for r in rows[:MOST_ENCOURAGING]
        if r["cheers"] + r["intros"] == top and top > 0
    ]


async def introductions_made(db: Database, user_id: int) -> int:
    """Introductions a member made that the person introduced confirmed."""
    return await network_db.introductions_made_by(db, user_id)
