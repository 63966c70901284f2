"""Follow-ups: following up beats waiting. Done, snooze, drop, and the daily reminder DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database
from bot.db import followups as followups_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db import wins as wins_db
from bot.db.core import Row
from bot.errors import InvalidInput, NotFound
from bot.services import profile as profile_service
from bot.services.changes import Changes
from bot.services.delivery import Claim, Due
from bot.services.kinds import FollowUpStatus, WinKind

log = logging.getLogger(__name__)

SNOOZE_DAYS = {"1d": 1, "3d": 3, "1w": 7}
REMINDER_KIND = "followup-dm"
# A reminder missed while the bot was down still goes out the same local day.
REMINDER_GRACE = timedelta(hours=12)
# Settings changes poke the job; this is only a backstop against a missed poke.
SAFETY_WAKE = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class FollowUp:
    follow_up_id: int
    person: str
    reason: str
    due_on: date
    status: FollowUpStatus
    opportunity_id: int | None
    run_id: int | None = None
    late_step: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpList:
    today: date
    overdue: list[FollowUp]
    due_today: list[FollowUp]
    upcoming: list[FollowUp]

    @property
    def all(self) -> list[FollowUp]:
        return [*self.overdue, *self.due_today, *self.upcoming]


def _follow_up(row: Row) -> FollowUp:
    return FollowUp(
        follow_up_id=row["follow_up_id"],
        person=row["person"],
        reason=row["reason"],
        due_on=date.fromisoformat(row["due_on"]),
        status=FollowUpStatus(row["status"]),
        opportunity_id=row["opportunity_id"],
        run_id=row["run_id"],
        late_step=row["late_step"],
    )


async def listing(db: Database, clock: Clock, *, user_id: int) -> FollowUpList:
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(clock.now())
    items = [_follow_up(r) for r in await followups_db.open_for_user(db, user_id)]
    return FollowUpList(
        today=today,
        overdue=[f for f in items if f.due_on < today],
        due_today=[f for f in items if f.due_on == today],
        upcoming=[f for f in items if f.due_on > today],
    )


async def mark_done(
    db: Database, clock: Clock, *, user_id: int, follow_up_id: int, changes: Changes
) -> FollowUp:
    """Done logs a ``follow-up`` win: following up is itself a step towards the next talk."""
    item = await _open_item(db, user_id, follow_up_id)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    async with db.transaction() as conn:
        if not await followups_db.set_status(conn, user_id, follow_up_id, "done", now):
            raise NotFound("That follow-up was already dealt with.")
        await wins_db.insert(
            conn,
            user_id=user_id,
            kind=WinKind.FOLLOW_UP.value,
            who=item.person,
            note=None,
            share_who=False,
            happened_on=profile.today(now),
            happened_at=now,
            opportunity_id=item.opportunity_id,
            now=now,
        )
        if item.opportunity_id is not None:
            await pipeline_db.touch_contact(conn, user_id, item.opportunity_id, now)
    changes.reminders()
    return item


@dataclass(frozen=True, slots=True)
class Snoozed:
    due_on: date
    today: date  # the member's, so a date in another year says so
    days: int
    from_due_date: bool  # False: it was overdue, so the snooze counts from today


async def snooze(
    db: Database, clock: Clock, *, user_id: int, follow_up_id: int, span: str, changes: Changes
) -> Snoozed:
    """Move a follow-up on by ``span`` from its due date: "+1 week" on Thursday's follow-up
    means next Thursday. One already overdue moves on from today instead (its date has
    passed, and a snooze into the past would be no snooze at all)."""
    if span not in SNOOZE_DAYS:
        raise InvalidInput("Snooze for 1d, 3d or 1w.")
    item = await _open_item(db, user_id, follow_up_id)
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(clock.now())
    from_due_date = item.due_on >= today
    days = SNOOZE_DAYS[span]
    new_due = (item.due_on if from_due_date else today) + timedelta(days=days)
    async with db.transaction() as conn:
        if not await followups_db.set_status(
            conn, user_id, follow_up_id, "snoozed", clock.now(), due_on=new_due
        ):
            raise NotFound("That follow-up was already dealt with.")
    changes.reminders()
    return Snoozed(new_due, today, days, from_due_date)


async def drop(
    db: Database, clock: Clock, *, user_id: int, follow_up_id: int, changes: Changes
) -> FollowUp:
    item = await _open_item(db, user_id, follow_up_id)
    async with db.transaction() as conn:
        if not await followups_db.set_status(conn, user_id, follow_up_id, "dropped", clock.now()):
            raise NotFound("That follow-up was already dealt with.")
    changes.reminders()
    return item


async def _open_item(db: Database, user_id: int, follow_up_id: int) -> FollowUp:
    row = await followups_db.get(db, user_id, follow_up_id)
    if row is None:
        raise NotFound("I can't find that follow-up.")
    item = _follow_up(row)
    if item.status not in (FollowUpStatus.PENDING, FollowUpStatus.SNOOZED):
        raise NotFound(f"That follow-up is already {item.status.value}.")
    return item


# -- the daily reminder ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    """One member's reminder for one local day, read when it is sent (not when it fell due),
    so a follow-up done or deleted meanwhile is never shown."""

    user_id: int
    day: date
    items: list[FollowUp]


REMINDER_KINDS = {REMINDER_KIND: REMINDER_GRACE}
# Overdue follow-ups alone bring a reminder at most this often: often enough that nothing
# is forgotten, seldom enough not to nag about what the member chose to leave.
OVERDUE_EVERY = timedelta(days=7)


def reminder_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``hour``:00 local time on ``day`` (a DST gap moves it forward)."""
    local = datetime.combine(day, time(hour), tzinfo=zone)
    # Round-tripping through UTC normalises a non-existent local time (spring gap).
    return local.astimezone(UTC)


def reminder_day(
    today: date, due_days: set[date], oldest: date, last_reminder: date | None
) -> date | None:
    """The next local day, from ``today``, that brings this member a reminder: a day
    something falls due, or, with something overdue, the first day a week after the last
    reminder (today if there was none). None when only later due days remain (see
    ``due_days``, which holds the days known in the window)."""
    if today in due_days:
        return today
    if oldest < today:
        overdue_day = today if last_reminder is None else last_reminder + OVERDUE_EVERY
        return max(today, overdue_day)
    return None


async def due_reminders(
    db: Database, now: datetime, default_zone: str = "UTC"
) -> tuple[list[Due], datetime | None]:
    """Reminders due at ``now``, and when the next one falls due.

    A member gets a reminder on each local day something of theirs falls due, from their
    reminder hour until :data:`REMINDER_GRACE` later, listing what is due and overdue; with
    only overdue follow-ups, one a week (:data:`OVERDUE_EVERY` after the last reminder). The
    ledger key is the member and the local day, so each reminder goes out once however often
    this runs, and the weekly one is counted from what the ledger holds; past the grace
    window it is left (``/followups list`` still shows everything).
    """
    # Local "today" anywhere on Earth is within a day of the UTC date.
    horizon = (now + timedelta(days=1)).date()
    due: list[Due] = []
    wakes: list[datetime] = [now + SAFETY_WAKE]
    first = (now - timedelta(days=1)).date()
    due_days: dict[int, set[str]] = {}
    for row in await followups_db.reminder_days(db, first, horizon):
        due_days.setdefault(row["user_id"], set()).add(row["due_on"])
    for row in await followups_db.reminder_candidates(db, REMINDER_KIND, horizon):
        try:
            zone = ZoneInfo(row["timezone"] or default_zone)
            days = {date.fromisoformat(d) for d in due_days.get(row["user_id"], ())}
            oldest = date.fromisoformat(row["oldest"])
            last = date.fromisoformat(row["last_reminder"]) if row["last_reminder"] else None
        except (ValueError, KeyError) as exc:
            log.error("Skipping reminders of %s: unreadable row (%s)", row["user_id"], exc)
            continue
        hour = row["reminder_hour"]
        today = now.astimezone(zone).date()
        upcoming = [d for d in days if d > today]
        if upcoming:
            wakes.append(reminder_instant(min(upcoming), hour, zone))
        day = reminder_day(today, days, oldest, last)
        if day is None:
            continue
        at = reminder_instant(day, hour, zone)
        if day > today or now < at:
            wakes.append(at)
            continue
        if now - at > REMINDER_GRACE:
            # Today's was missed (the bot was down): what is still open is overdue tomorrow,
            # and tomorrow's hour decides again.
            wakes.append(reminder_instant(today + timedelta(days=1), hour, zone))
            continue
        if last == today:
            continue  # claimed already (sent, or in the courier's hands)
        due.append(Due(REMINDER_KIND, row["user_id"], today.isoformat(), at, row["user_id"]))
    # Follow-ups due after the horizon: their day starts no earlier than 14 h before UTC
    # midnight (UTC+14), so waking then is early enough for every zone.
    later = await followups_db.next_due_after(db, horizon)
    if later is not None:
        day_start = datetime.combine(date.fromisoformat(later), time(0), tzinfo=UTC)
        wakes.append(max(day_start - timedelta(hours=14), now + timedelta(minutes=1)))
    return due, min(w for w in wakes if w > now)


async def reminder_items(db: Database, user_id: int, day: date) -> list[FollowUp]:
    """What a reminder for ``day`` lists now: open follow-ups due by then, soonest first."""
    return [_follow_up(r) for r in await followups_db.open_for_user(db, user_id, day)]


async def reminder_for(db: Database, claim: Claim) -> Reminder | None:
    """What a claimed reminder says, read now; None when there is nothing to remind of any
    more (done, snoozed past the day, deleted) or the member turned reminders off."""
    user = await people_db.get_user(db, claim.target_id)
    if user is None or not user["reminders"] or user["dm_closed_at"] is not None:
        return None
    day = date.fromisoformat(claim.period)
    items = await reminder_items(db, claim.target_id, day)
    return Reminder(claim.target_id, day, items) if items else None
