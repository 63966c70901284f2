"""Logging next-interview wins, and the follow-ups the method suggests after each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import followups as followups_db
from bot.db import groups as groups_db
from bot.db import pipeline as pipeline_db
from bot.db import wins as wins_db
from bot.db.core import Row
from bot.errors import InvalidInput, NotFound
from bot.services import profile as profile_service
from bot.services.dates import parse_follow_up, parse_when
from bot.services.kinds import KIND_LABELS, WinKind, points_for
from bot.services.weeks import current_week, week_bounds

MAX_WHO = 100
MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A follow-up the method calls for after a win; the member accepts or declines it."""

    reason: str
    due_on: date


@dataclass(frozen=True, slots=True)
class Announcement:
    """A short public celebration: who and what kind, never the note."""

    guild_id: int
    channel_id: int
    text: str


@dataclass(frozen=True, slots=True)
class WinLogged:
    win_id: int
    kind: WinKind
    who: str
    happened_on: date
    points: int
    week_count: int
    goal: int
    follow_up_on: date | None
    suggestions: list[Suggestion]
    suggest_exercise: str | None
    announcement: Announcement | None


def suggestions_for(kind: WinKind, today: date) -> list[Suggestion]:
    """What to do next after this kind of conversation, so nobody sits back and waits."""
    tomorrow = today + timedelta(days=1)
    if kind is WinKind.INTERVIEW:
        return [
            Suggestion("Send a thank-you note", tomorrow),
            Suggestion("Ask where they are in their process", today + timedelta(days=7)),
        ]
    if kind in (WinKind.NETWORKING, WinKind.INFORMATIONAL):
        return [
            Suggestion("Send a thank-you note", tomorrow),
            Suggestion("Check back with an update", today + timedelta(days=14)),
        ]
    if kind is WinKind.INTRO:
        return [Suggestion("Set up the meeting yourself", today + timedelta(days=2))]
    return []


def clean_line(value: str | None, what: str, limit: int) -> str:
    """One required line of text, spaces tidied; refuses empty and over-long input."""
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInput(f"Tell me {what}.")
    if len(text) > limit:
        raise InvalidInput(f"That is {len(text)} characters for {what}; keep it to {limit}.")
    return text


def clean_note(value: str | None, limit: int = MAX_NOTE) -> str | None:
    """Optional free text, kept as typed (line breaks too)."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"That note is {len(text)} characters; keep it to {limit}.")
    return text or None


def _instant(day: date, today: date, now: datetime, profile: profile_service.Profile) -> datetime:
    """The instant a win counts at: now for today, midday local time for an earlier day."""
    if day == today:
        return now
    return datetime.combine(day, time(12), tzinfo=profile.zone).astimezone(UTC)


async def log_win(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    guild_id: int | None,
    kind: str,
    who: str,
    when: str | None = None,
    note: str | None = None,
    opportunity_id: int | None = None,
    follow_up: str | None = None,
    share_who: bool = False,
) -> WinLogged:
    """Validate everything first, then store the win (and its follow-up) in one transaction."""
    try:
        win_kind = WinKind(kind)
    except ValueError:
        raise InvalidInput(f"`{kind}` is not a kind of win I know.") from None
    person = clean_line(who, "who the conversation was with (a name, a company or both)", MAX_WHO)
    text = clean_note(note)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    day = parse_when(when or "today", today)
    follow_up_on = parse_follow_up(follow_up, today) if follow_up else None
    if opportunity_id is not None and not await pipeline_db.get(db, user_id, opportunity_id):
        raise NotFound("I can't find that opportunity in your pipeline. Pick one from the list.")
    points_overrides = await _points(db, guild_id)

    async with db.transaction() as conn:
        win_id = await wins_db.insert(
            conn,
            user_id=user_id,
            kind=win_kind.value,
            who=person,
            note=text,
            share_who=share_who,
            happened_on=day,
            happened_at=_instant(day, today, now, profile),
            opportunity_id=opportunity_id,
            now=now,
        )
        if opportunity_id is not None:
            await pipeline_db.touch_contact(conn, user_id, opportunity_id, now)
        if follow_up_on is not None:
            await followups_db.insert(
                conn,
                user_id=user_id,
                person=person,
                reason="Follow up",
                due_on=follow_up_on,
                opportunity_id=opportunity_id,
                source_win_id=win_id,
                now=now,
            )

    start, end = week_bounds(current_week(now, profile.zone), profile.zone)
    return WinLogged(
        win_id=win_id,
        kind=win_kind,
        who=person,
        happened_on=day,
        points=points_for(win_kind, points_overrides),
        week_count=await wins_db.count_between(db, user_id, start, end),
        goal=profile.goal,
        follow_up_on=follow_up_on,
        suggestions=suggestions_for(win_kind, today),
        suggest_exercise="offer" if win_kind is WinKind.OFFER else None,
        announcement=await _announcement(db, guild_id, win_kind, person if share_who else None),
    )


async def _points(db: Database, guild_id: int | None) -> dict[str, int]:
    return {} if guild_id is None else await groups_db.points(db, guild_id)


async def _announcement(
    db: Database, guild_id: int | None, kind: WinKind, shared_who: str | None
) -> Announcement | None:
    if guild_id is None:
        return None
    group = await groups_db.get(db, guild_id)
    if group is None or not group.announce_wins or group.channel_id is None:
        return None
    what = KIND_LABELS[kind]
    with_whom = f" with {shared_who}" if shared_who else ""
    return Announcement(guild_id, group.channel_id, f"{{member}} just logged a {what}{with_whom}!")


async def accept_suggestion(
    db: Database, clock: Clock, *, user_id: int, win_id: int, index: int
) -> tuple[Suggestion, bool]:
    """Turn suggestion ``index`` of a win into a follow-up; (suggestion, created now?)."""
    row = await wins_db.get(db, user_id, win_id)
    if row is None:
        raise NotFound("That win is gone, so there is nothing to follow up on.")
    created_today = from_db(row["created_at"])
    profile = await profile_service.load(db, clock, user_id)
    options = suggestions_for(WinKind(row["kind"]), profile.today(created_today))
    if not 0 <= index < len(options):
        raise NotFound("That suggestion no longer exists.")
    suggestion = options[index]
    async with db.transaction() as conn:
        created = await followups_db.insert(
            conn,
            user_id=user_id,
            person=row["who"],
            reason=suggestion.reason,
            due_on=max(suggestion.due_on, profile.today(clock.now())),
            opportunity_id=row["opportunity_id"],
            source_win_id=win_id,
            now=clock.now(),
        )
    return suggestion, created is not None


async def remove_win(db: Database, *, user_id: int, win_id: int) -> bool:
    async with db.transaction() as conn:
        return await wins_db.delete(conn, user_id, win_id)


async def list_wins(db: Database, clock: Clock, *, user_id: int, period: str) -> list[Row]:
    profile = await profile_service.load(db, clock, user_id)
    now = clock.now()
    if period == "week":
        since, _ = week_bounds(current_week(now, profile.zone), profile.zone)
    elif period == "month":
        first = profile.today(now).replace(day=1)
        since = datetime.combine(first, time(0), tzinfo=profile.zone).astimezone(UTC)
    else:
        since = None
    return await wins_db.list_for_user(db, user_id, since)
