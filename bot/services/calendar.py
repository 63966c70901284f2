"""A member's follow-ups and interview dates as a calendar (RFC 5545), and the private feed
link that keeps a calendar app in step.

**What is in it.** Every open follow-up (overdue ones too) and the interview date of every
open opportunity, as all-day events (``VALUE=DATE``) on their day in the member's zone: the
bot knows the day of each, never a time. A summary says what /followups shows (the reason and
the person or company) and an interview's company and role; nothing else, so a win's note or
an exercise answer never reaches a calendar.

**Stable identities.** An event's UID is its kind and row id plus a constant of this
deployment (random, kept in the database), so importing a newer file updates the events it
already made instead of adding copies, and two deployments never collide. ``DTSTAMP`` and
``LAST-MODIFIED`` are the row's last change (no ``METHOD`` is set, so RFC 5545 reads DTSTAMP
that way), and ``SEQUENCE`` is the whole seconds from the row's creation to that change: it
grows with every revision, as calendar apps expect, without a counter to keep in step across
every write. The same rows make the same file, byte for byte.

**The feed.** ``secrets.token_urlsafe`` makes the token; only its SHA-256 is stored (a token of
256 random bits needs no slow hash). Rotating replaces it, turning it off deletes it; an unknown
or revoked token finds nobody.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import calendar as calendar_db
from bot.db import followups as followups_db
from bot.db import people as people_db
from bot.services import profile as profile_service

PRODID = "-//Next Interview//Follow-ups and interviews//EN"
FILENAME = "next-interview.ics"
# How often a subscribed calendar app should look again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)
TOKEN_BYTES = 32
# What a token looks like; anything else is not looked up at all.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
FOLLOW_UP_NOTE = "A follow-up from Next Interview: /followups list marks it done or snoozes it."
INTERVIEW_NOTE = "An interview in your Next Interview pipeline."


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    kind: str  # "followup" or "interview"
    row_id: int
    day: date
    summary: str
    description: str
    created: datetime
    modified: datetime

    def uid(self, deployment: str) -> str:
        return f"{self.kind}-{self.row_id}.{deployment}@nextinterview"

    @property
    def sequence(self) -> int:
        return max(0, int((self.modified - self.created).total_seconds()))


@dataclass(frozen=True, slots=True)
class MemberCalendar:
    zone: str
    deployment: str
    events: list[CalendarEvent]

    @property
    def follow_ups(self) -> int:
        return sum(e.kind == "followup" for e in self.events)

    @property
    def interviews(self) -> int:
        return sum(e.kind == "interview" for e in self.events)


async def member_calendar(db: Database, clock: Clock, *, user_id: int) -> MemberCalendar:
    """What the member's calendar holds now (see the module docstring)."""
    profile = await profile_service.load(db, clock, user_id)
    deployment = await calendar_db.deployment(db, secrets.token_hex(6))
    events = [
        CalendarEvent(
            kind="followup",
            row_id=row["follow_up_id"],
            day=date.fromisoformat(row["due_on"]),
            summary=f"{row['reason']} · {row['person']}",
            description=FOLLOW_UP_NOTE,
            created=from_db(row["created_at"]),
            modified=from_db(row["updated_at"]),
        )
        for row in await followups_db.open_for_user(db, user_id)
    ]
    for row in await calendar_db.interviews(db, user_id):
        title = f"{row['company']} ({row['role']})" if row["role"] else row["company"]
        events.append(
            CalendarEvent(
                kind="interview",
                row_id=row["opportunity_id"],
                day=date.fromisoformat(row["interview_on"]),
                summary=f"Interview: {title}",
                description=INTERVIEW_NOTE,
                created=from_db(row["created_at"]),
                modified=from_db(row["updated_at"]),
            )
        )
    events.sort(key=lambda e: (e.day, e.kind, e.row_id))
    return MemberCalendar(profile.zone.key, deployment, events)


def to_ics(calendar: MemberCalendar) -> bytes:
    """The calendar as an iCalendar file (CRLF lines folded at 75 octets, text escaped by the
    library, so member text can never start a property or an event of its own)."""
    document = icalendar.Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("x-wr-calname", "Next Interview")
    document.add("x-wr-timezone", calendar.zone)
    document.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    document.add("x-published-ttl", REFRESH)
    for item in calendar.events:
        event = icalendar.Event()
        event.add("uid", item.uid(calendar.deployment))
        event.add("dtstamp", item.modified)
        event.add("created", item.created)
        event.add("last-modified", item.modified)
        event.add("sequence", item.sequence)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        # A reminder to follow up should not show the member as busy all day.
        event.add("transp", "TRANSPARENT")
        document.add_component(event)
    return document.to_ical()


# -- the private feed ------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedLink:
    webcal: str  # for Apple Calendar, Outlook and Thunderbird
    https: str  # for Google Calendar's "From URL", which wants http(s)
    replaced: bool  # an older link stopped working


def links(base_url: str, token: str) -> tuple[str, str]:
    """The feed's ``webcal://`` and ``https://`` addresses under the public ``base_url``."""
    https = f"{base_url.rstrip('/')}/calendar/{token}.ics"
    return re.sub(r"^https?://", "webcal://", https), https


async def rotate_feed(db: Database, clock: Clock, *, user_id: int, base_url: str) -> FeedLink:
    """A new private link for the member; the old one (if any) stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        replaced = await calendar_db.set_feed(conn, user_id, _hash(token), now)
    webcal, https = links(base_url, token)
    return FeedLink(webcal, https, replaced)


async def stop_feed(db: Database, *, user_id: int) -> bool:
    """Turn the member's link off; False when there was none."""
    async with db.transaction() as conn:
        return await calendar_db.delete_feed(conn, user_id)


async def feed_owner(db: Database, token: str) -> int | None:
    """Whose feed ``token`` opens; None for anything unknown, revoked or malformed."""
    if not TOKEN_SHAPE.match(token):
        return None
    return await calendar_db.feed_owner(db, _hash(token))
