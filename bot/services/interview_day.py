"""Interview days: recording an interview date, the thank-you note that follows it, and when
each interview-day card falls due.

The card goes out at 08:00 in the member's zone on the day of the interview: early enough to
read before a morning interview, and an hour before the daily follow-up reminder (09:00 by
default), so the two never arrive as one. A card missed while the bot was down still goes out
until 14:00 (a grace of six hours); after that the interview is most likely over and a card
would only be noise. The delivery key is the opportunity and the interview date, so a card goes
out once however often the job runs or the bot restarts, and a moved interview gets its own.

What the card says is built at send time by :mod:`bot.services.interview_card`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot.clock import Clock
from bot.db import Database
from bot.db import followups as followups_db
from bot.db import interview_day as interview_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.errors import InvalidInput, NotFound
from bot.services import profile as profile_service
from bot.services.changes import Changes
from bot.services.dates import format_day, parse_follow_up
from bot.services.delivery import Due

log = logging.getLogger(__name__)

CARD_KIND = interview_db.CARD_KIND
CARD_HOUR = 8
CARD_GRACE = timedelta(hours=6)
CARD_KINDS = {CARD_KIND: CARD_GRACE}
# The same words /win suggests after an interview, so the follow-up reads the same either way.
THANK_YOU = "Send a thank-you note"
# Recording a date pokes the job; this only covers a poke that was missed.
SAFETY_WAKE = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Recorded:
    """An interview date on an opportunity, and its thank-you note (None if already sent)."""

    opportunity_id: int
    day: date
    thank_you_on: date | None
    follow_ups_changed: bool


async def record_in(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    opportunity_id: int,
    day: date,
    today: date,
    now: datetime,
) -> Recorded:
    """Inside a transaction: the interview date becomes the opportunity's next step (and its
    card's day), and the thank-you note for the day after is on the follow-ups."""
    shown = format_day(day, today)
    if not await pipeline_db.set_interview(
        conn, user_id, opportunity_id, day, f"Interview {shown}", now
    ):
        raise NotFound("I can't find that opportunity in your pipeline.")
    return await ensure_thank_you(
        conn, user_id=user_id, opportunity_id=opportunity_id, day=day, now=now
    )


async def record(
    db: Database, clock: Clock, *, user_id: int, opportunity_id: int, day: date
) -> Recorded:
    """Record an interview date on an opportunity (for /pipeline and other callers)."""
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    async with db.transaction() as conn:
        return await record_in(
            conn,
            user_id=user_id,
            opportunity_id=opportunity_id,
            day=day,
            today=profile.today(now),
            now=now,
        )


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An interview date typed with /pipeline interview, as recorded."""

    recorded: Recorded
    company: str
    today: date  # the member's, so dates in another year say so
    card: bool  # the member wants interview-day cards and can get DMs


async def schedule(
    db: Database, clock: Clock, *, user_id: int, opportunity_id: int, when: str, changes: Changes
) -> Scheduled:
    """Record the interview date a member typed (today, tomorrow, fri, 3d, YYYY-MM-DD)."""
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(clock.now())
    day = parse_follow_up(when, today)
    if day is None:
        raise InvalidInput("Which day is the interview? e.g. fri or 2026-12-03.")
    opportunity = await pipeline_db.get(db, user_id, opportunity_id)
    if opportunity is None:
        raise NotFound("I can't find that opportunity in your pipeline. Pick one from the list.")
    recorded = await record(db, clock, user_id=user_id, opportunity_id=opportunity_id, day=day)
    if recorded.follow_ups_changed:
        changes.reminders()
    changes.interview_cards()
    card = await interview_db.cards_wanted(db, user_id)
    return Scheduled(recorded, opportunity["company"], today, card)


async def ensure_thank_you(
    conn: aiosqlite.Connection, *, user_id: int, opportunity_id: int, day: date, now: datetime
) -> Recorded:
    """One thank-you note per interview: kept if there is one for this day (whatever became of
    it), moved if an open one waits for an earlier date of this interview, else added."""
    opportunity = await interview_db.opportunity_in(conn, user_id, opportunity_id)
    if opportunity is None:
        raise NotFound("I can't find that opportunity in your pipeline.")
    due = day + timedelta(days=1)
    notes = await interview_db.thank_yous(conn, user_id, opportunity_id, THANK_YOU)
    if any(n["due_on"] == due.isoformat() for n in notes):
        return Recorded(opportunity_id, day, due, follow_ups_changed=False)
    waiting = [n for n in notes if n["status"] in ("pending", "snoozed")]
    if waiting:
        await interview_db.move_follow_up(conn, user_id, waiting[-1]["follow_up_id"], due, now)
        return Recorded(opportunity_id, day, due, follow_ups_changed=True)
    await followups_db.insert(
        conn,
        user_id=user_id,
        person=opportunity["company"],
        reason=THANK_YOU,
        due_on=due,
        opportunity_id=opportunity_id,
        source_win_id=None,
        now=now,
    )
    return Recorded(opportunity_id, day, due, follow_ups_changed=True)


async def set_cards(db: Database, clock: Clock, user_id: int, enabled: bool) -> None:
    """Turn interview-day cards on or off for a member."""
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, clock.now())
        await interview_db.set_cards(conn, user_id, enabled)


def card_instant(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant of 08:00 on ``day`` in ``zone`` (a DST gap moves it forward)."""
    return datetime.combine(day, time(CARD_HOUR), tzinfo=zone).astimezone(UTC)


async def due_cards(
    db: Database, now: datetime, default_zone: str = "UTC"
) -> tuple[list[Due], datetime | None]:
    """Cards due at ``now``, and when the next one falls due (see the module docstring)."""
    wakes: list[datetime] = [now + SAFETY_WAKE]
    # Local "today" anywhere on Earth is within a day of the UTC date.
    first, horizon = (now - timedelta(days=1)).date(), (now + timedelta(days=1)).date()
    due: list[Due] = []
    for row in await interview_db.due_between(db, first, horizon):
        try:
            zone = ZoneInfo(row["timezone"] or default_zone)
            day = date.fromisoformat(row["interview_on"])
        except (ValueError, KeyError) as exc:
            log.error("Skipping the card of opportunity %s: %s", row["opportunity_id"], exc)
            continue
        at = card_instant(day, zone)
        if now < at:
            wakes.append(at)
        elif now - at <= CARD_GRACE:
            due.append(Due(CARD_KIND, row["opportunity_id"], day.isoformat(), at, row["user_id"]))
    later = await interview_db.next_after(db, horizon)
    if later is not None:
        # That day starts no earlier than 14 h before UTC midnight (UTC+14) anywhere.
        day_start = datetime.combine(date.fromisoformat(later), time(0), tzinfo=UTC)
        wakes.append(max(day_start - timedelta(hours=14), now + timedelta(minutes=1)))
    return due, min(w for w in wakes if w > now)
