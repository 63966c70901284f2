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
from bot.services import goals as goals_service
from bot.services import profile as profile_service
from bot.services import public as public_service
from bot.services.changes import Changes
from bot.services.dates import parse_follow_up, parse_when
from bot.services.goals import WeeklyGoal
from bot.services.kinds import (
    KIND_LABELS,
    KIND_PHRASES,
    Stage,
    WinKind,
    parse_kind,
    points_for,
    stage_after_win,
)
from bot.services.pipeline import normalised
from bot.services.public import PublicPost
from bot.services.text import clean_block, clean_line, echo
from bot.services.weeks import week_start

MAX_WHO = 100
MAX_NOTE = 1000
# A second identical /win within this window is the first one submitted again.
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A follow-up the method calls for after a win; the member accepts or declines it."""

    reason: str
    due_on: date
    index: int = 0  # its place among the win's suggestions (the button says which)


@dataclass(frozen=True, slots=True)
class Announcement:
    """A short public celebration: who (unless hidden) and what kind, never the note; the
    claim makes it one message however often the win is submitted."""

    post: PublicPost
    channel_id: int
    kind_phrase: str
    shared_who: str | None  # the member's own words: made inert before posting
    named: bool  # False for a member hidden from this group's public posts


@dataclass(frozen=True, slots=True)
class OnPipeline:
    """The opportunity a win was linked to, and the stage move it suggests (if any)."""

    opportunity_id: int
    company: str
    title: str
    stage: Stage
    move_to: Stage | None


@dataclass(frozen=True, slots=True)
class WinLogged:
    win_id: int
    kind: WinKind
    who: str
    happened_on: date
    points: int
    week_count: int
    goal: WeeklyGoal
    follow_up_on: date | None
    suggestions: list[Suggestion]
    suggest_exercise: str | None
    announcement: Announcement | None
    today: date  # the member's, so dates in another year can say so
    repeated: bool = False  # the same win was just logged: nothing new was stored
    in_group: bool = False  # points are this group's (a kind may be worth 0 here)
    follow_up_reason: str = "Follow up"
    on_pipeline: OnPipeline | None = None
    # Open opportunities at the company typed, when there are several: none was picked.
    ambiguous: int = 0


def suggestions_for(kind: WinKind, today: date) -> list[Suggestion]:
    """What to do next after this kind of conversation, so nobody sits back and waits."""
    tomorrow = today + timedelta(days=1)
    steps: list[tuple[str, date]] = []
    if kind is WinKind.INTERVIEW:
        steps = [
            ("Send a thank-you note", tomorrow),
            ("Ask where they are in their process", today + timedelta(days=7)),
        ]
    elif kind in (WinKind.NETWORKING, WinKind.INFORMATIONAL):
        steps = [
            ("Send a thank-you note", tomorrow),
            ("Check back with an update", today + timedelta(days=14)),
        ]
    elif kind is WinKind.INTRO:
        steps = [("Set up the meeting yourself", today + timedelta(days=2))]
    return [Suggestion(reason, due, index) for index, (reason, due) in enumerate(steps)]


def kind_of(text: str) -> WinKind:
    """The kind a member picked or typed, checked (autocomplete lets anything through)."""
    kind = parse_kind(text)
    if kind is None:
        names = ", ".join(k.value for k in WinKind)
        raise InvalidInput(f"{echo(text)} is not a kind of win I know. Pick one of: {names}.")
    return kind


@dataclass(frozen=True, slots=True)
class KindOption:
    kind: WinKind
    label: str
    points: int


async def kind_options(db: Database, guild_id: int | None, text: str) -> list[KindOption]:
    """The kinds matching what was typed, with what each is worth in this group (the
    defaults in a DM), in the method's order."""
    overrides = await _points(db, guild_id)
    typed = " ".join(text.split()).casefold()
    return [
        KindOption(kind, KIND_LABELS[kind], points_for(kind, overrides))
        for kind in WinKind
        if typed in kind.value or typed in KIND_LABELS[kind].casefold()
    ]


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
    changes: Changes,
) -> WinLogged:
    """Validate everything first, then store the win (and its follow-up) in one transaction."""
    win_kind = kind_of(kind)
    person = clean_line(who, "who the conversation was with (a name, a company or both)", MAX_WHO)
    text = clean_block(note, "note", MAX_NOTE)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    day = parse_when(when or "today", today)
    follow_up_on = parse_follow_up(follow_up, today) if follow_up else None
    linked, ambiguous = await _linked_opportunity(db, user_id, person, opportunity_id)
    opportunity_id = linked["opportunity_id"] if linked is not None else None
    points_overrides = await _points(db, guild_id)
    suggestions = suggestions_for(win_kind, today)
    # A follow-up set on the day the method suggests a step *is* that step: it takes the
    # step's name, and the step is not offered again as a button.
    same_day = next((s for s in suggestions if s.due_on == follow_up_on), None)
    follow_up_reason = same_day.reason if same_day else "Follow up"

    async with db.transaction() as conn:
        # The same win submitted again moments later (a retry after a slow answer, a double
        # send) is the one already stored, not a second win.
        repeat_of = await wins_db.recent_same(
            conn,
            user_id=user_id,
            kind=win_kind.value,
            who=person,
            note=text,
            happened_on=day,
            opportunity_id=opportunity_id,
            since=now - REPEAT_WINDOW,
        )
        if repeat_of is not None:
            win_id = repeat_of
        else:
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
        if repeat_of is None and opportunity_id is not None:
            await pipeline_db.touch_contact(conn, user_id, opportunity_id, now)
        if repeat_of is None and follow_up_on is not None:
            await followups_db.insert(
                conn,
                user_id=user_id,
                person=person,
                reason=follow_up_reason,
                due_on=follow_up_on,
                opportunity_id=opportunity_id,
                source_win_id=win_id,
                now=now,
            )
    if repeat_of is None and follow_up_on is not None:
        changes.reminders()

    monday = week_start(today)
    on_pipeline = None
    if linked is not None:
        stage = Stage(linked["stage"])
        on_pipeline = OnPipeline(
            linked["opportunity_id"],
            linked["company"],
            f"{linked['company']} ({linked['role']})" if linked["role"] else linked["company"],
            stage,
            # A closed opportunity (picked with the option) has no stage left to move to.
            None if linked["closed_at"] else stage_after_win(win_kind, stage),
        )
    return WinLogged(
        win_id=win_id,
        kind=win_kind,
        who=person,
        happened_on=day,
        points=points_for(win_kind, points_overrides),
        week_count=await wins_db.count_on_days(db, user_id, monday, monday + timedelta(days=7)),
        goal=await goals_service.this_week(db, clock, user_id, profile),
        follow_up_on=follow_up_on,
        suggestions=[s for s in suggestions if s is not same_day],
        suggest_exercise="offer" if win_kind is WinKind.OFFER else None,
        announcement=None
        if repeat_of is not None
        else await _announcement(
            db, clock, guild_id, user_id, win_id, win_kind, person if share_who else None
        ),
        today=today,
        repeated=repeat_of is not None,
        in_group=guild_id is not None,
        follow_up_reason=follow_up_reason,
        on_pipeline=on_pipeline,
        ambiguous=ambiguous,
    )


async def _linked_opportunity(
    db: Database, user_id: int, who: str, chosen: int | None
) -> tuple[Row | None, int]:
    """The opportunity a win belongs to: the one chosen, else the only open one whose company
    is what was typed (any case or spacing). With several at that company, none is guessed:
    (None, how many)."""
    if chosen is not None:
        row = await pipeline_db.get(db, user_id, chosen)
        if row is None:
            raise NotFound(
                "I can't find that opportunity in your pipeline. Pick one from the list."
            )
        return row, 0
    wanted = normalised(who)
    matches = [
        row
        for row in await pipeline_db.open_for_user(db, user_id)
        if normalised(row["company"]) == wanted
    ]
    if len(matches) == 1:
        return matches[0], 0
    return None, len(matches)


async def _points(db: Database, guild_id: int | None) -> dict[str, int]:
    return {} if guild_id is None else await groups_db.points(db, guild_id)


async def _announcement(
    db: Database,
    clock: Clock,
    guild_id: int | None,
    user_id: int,
    win_id: int,
    kind: WinKind,
    shared_who: str | None,
) -> Announcement | None:
    if guild_id is None:
        return None
    group = await groups_db.get(db, guild_id)
    if group is None or not group.announce_wins or group.channel_id is None:
        return None
    post = await public_service.claim(
        db, clock, user_id=user_id, guild_id=guild_id, kind="win", ref=str(win_id)
    )
    named = not await public_service.is_hidden(db, guild_id, user_id)
    return Announcement(post, group.channel_id, KIND_PHRASES[kind], shared_who, named)


async def announcement_for(
    db: Database, clock: Clock, *, guild_id: int | None, user_id: int, win_id: int
) -> Announcement | None:
    """The celebration of a win logged elsewhere than /win (an accepted offer), if the group
    celebrates wins; who it was with stays private, as for a win not shared."""
    row = await wins_db.get(db, user_id, win_id)
    if row is None:
        return None
    return await _announcement(db, clock, guild_id, user_id, win_id, WinKind(row["kind"]), None)


async def accept_suggestion(
    db: Database, clock: Clock, *, user_id: int, win_id: int, index: int, changes: Changes
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
    if created is not None:
        changes.reminders()
    return suggestion, created is not None


async def remove_win(db: Database, *, user_id: int, win_id: int) -> bool:
    async with db.transaction() as conn:
        return await wins_db.delete(conn, user_id, win_id)


@dataclass(frozen=True, slots=True)
class WinEntry:
    """One win as /wins lists it (never its private note)."""

    win_id: int
    kind: WinKind
    who: str
    happened_on: date


async def list_wins(db: Database, clock: Clock, *, user_id: int, period: str) -> list[WinEntry]:
    """The member's wins this week, this month or all time, by the days they happened (the
    same weeks as their stats), latest first."""
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(clock.now())
    if period == "week":
        since: date | None = week_start(today)
    elif period == "month":
        since = today.replace(day=1)
    else:
        since = None
    return [
        WinEntry(
            win_id=row["win_id"],
            kind=WinKind(row["kind"]),
            who=row["who"],
            happened_on=date.fromisoformat(row["happened_on"]),
        )
        for row in await wins_db.list_for_user(db, user_id, since)
    ]
