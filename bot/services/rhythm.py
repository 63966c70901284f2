"""The group rhythm: settings, weekly posts (what is due, what they say), commitments,
leaderboards, the facilitator report and inactivity nudges."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db, to_db
from bot.db import deliveries as deliveries_db
from bot.db import groups as groups_db
from bot.db import people as people_db
from bot.db import rhythm as rhythm_db
from bot.db import wins as wins_db
from bot.errors import InvalidInput, NotFound
from bot.services import network as network_service
from bot.services import profile as profile_service
from bot.services import public as public_service
from bot.services import stats as stats_service
from bot.services.dates import parse_follow_up
from bot.services.delivery import Claim, Due
from bot.services.kinds import DEFAULT_POINTS, WinKind
from bot.services.network import Encourager, NetworkWeek
from bot.services.public import PublicPost
from bot.services.schedules import (
    GRACE,
    WEEKDAYS,
    GroupTimes,
    Post,
    Slot,
    next_after,
    parse_time,
    plan,
    slots_for,
)
from bot.services.schedules import Due as ScheduleDue
from bot.services.text import clean_block, echo
from bot.services.weeks import current_week

log = logging.getLogger(__name__)

POST_KIND = "post:{}"
LEADERS = 10
CHART_WEEKS = 8


# -- settings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupSettings:
    guild_id: int
    channel_id: int | None
    zone: ZoneInfo
    slots: tuple[Slot, ...]
    points: dict[WinKind, int]
    announce_wins: bool
    nudges: bool
    nudge_days: int
    paused_until: date | None


async def ensure_group(db: Database, clock: Clock, guild_id: int, name: str = "") -> None:
    async with db.transaction() as conn:
        await groups_db.upsert(conn, guild_id, name, clock.now())


async def settings(db: Database, guild_id: int) -> GroupSettings:
    row = await groups_db.row(db, guild_id)
    if row is None:
        raise NotFound("This server isn't set up yet: start with `/setup channel`.")
    overrides = {
        Post(r["post"]): (r["weekday"], r["minute"], bool(r["enabled"]), from_db(r["updated_at"]))
        for r in await rhythm_db.schedules(db, guild_id)
    }
    since = from_db(row["channel_set_at"]) if row["channel_set_at"] else None
    custom = await groups_db.points(db, guild_id)
    return GroupSettings(
        guild_id=guild_id,
        channel_id=row["channel_id"],
        zone=ZoneInfo(row["timezone"]),
        slots=slots_for(overrides, since),
        points={k: custom.get(k.value, DEFAULT_POINTS[k]) for k in WinKind},
        announce_wins=bool(row["announce_wins"]),
        nudges=bool(row["nudges"]),
        nudge_days=row["nudge_days"],
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
    )


async def _set(db: Database, guild_id: int, column: str, value: object) -> None:
    async with db.transaction() as conn:
        await rhythm_db.set_group_field(conn, guild_id, column, value)


async def set_channel(db: Database, clock: Clock, guild_id: int, channel_id: int) -> None:
    async with db.transaction() as conn:
        await rhythm_db.set_group_field(conn, guild_id, "channel_id", channel_id)
        await rhythm_db.set_group_field(conn, guild_id, "channel_set_at", to_db(clock.now()))


async def set_timezone(db: Database, guild_id: int, name: str) -> ZoneInfo:
    zone = profile_service.parse_zone(name)
    await _set(db, guild_id, "timezone", zone.key)
    return zone


async def set_schedule(
    db: Database, clock: Clock, guild_id: int, post: str, day: str, at: str
) -> Slot | None:
    """Change when a post goes out; ``off`` as the time turns it off. None when off."""
    try:
        which = Post(post)
    except ValueError:
        raise InvalidInput(
            f"{echo(post)} is not a post: checkin, followups, recap, leaderboard."
        ) from None
    if at.strip().lower() == "off":
        async with db.transaction() as conn:
            await rhythm_db.set_schedule(
                conn, guild_id, which.value, None, None, False, clock.now()
            )
        return None
    if day not in WEEKDAYS:
        raise InvalidInput("Pick a day from mon to sun.")
    try:
        minute = parse_time(at)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    weekday = WEEKDAYS.index(day)
    async with db.transaction() as conn:
        await rhythm_db.set_schedule(
            conn, guild_id, which.value, weekday, minute, True, clock.now()
        )
    return Slot(which, weekday, minute)


async def set_points(db: Database, guild_id: int, kind: str, points: int) -> None:
    if not 0 <= points <= 20:
        raise InvalidInput("Points are 0 to 20.")
    try:
        WinKind(kind)
    except ValueError:
        raise InvalidInput(f"{echo(kind)} is not a kind of win.") from None
    async with db.transaction() as conn:
        await rhythm_db.set_points(conn, guild_id, kind, points)


async def set_flag(db: Database, guild_id: int, column: str, on: bool) -> None:
    await _set(db, guild_id, column, int(on))


async def set_nudge_days(db: Database, guild_id: int, days: int) -> None:
    if not 7 <= days <= 60:
        raise InvalidInput("Nudge after 7 to 60 days without a win.")
    await _set(db, guild_id, "nudge_days", days)


async def pause(db: Database, clock: Clock, guild_id: int, until: str) -> date:
    group = await settings(db, guild_id)
    today = clock.now().astimezone(group.zone).date()
    day = parse_follow_up(until, today)
    if day is None:
        raise InvalidInput("Pause until which date? e.g. 2026-01-05.")
    await _set(db, guild_id, "paused_until", day.isoformat())
    return day


async def resume(db: Database, guild_id: int) -> None:
    await _set(db, guild_id, "paused_until", None)


# -- what is due -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimedPost:
    """A post claimed for sending, with where it goes now (the channel may have changed)."""

    guild_id: int
    channel_id: int
    post: Post
    period: str
    zone: ZoneInfo


def post_kind(post: Post) -> str:
    return POST_KIND.format(post.value)


POST_KINDS = {post_kind(p): GRACE for p in Post}


async def _group_times(db: Database) -> list[GroupTimes]:
    overrides: dict[int, dict[Post, tuple[int | None, int | None, bool, datetime]]] = {}
    for r in await rhythm_db.schedules(db):
        overrides.setdefault(r["guild_id"], {})[Post(r["post"])] = (
            r["weekday"],
            r["minute"],
            bool(r["enabled"]),
            from_db(r["updated_at"]),
        )
    groups = []
    for row in await rhythm_db.posting_groups(db):
        try:
            zone = ZoneInfo(row["timezone"])
            since = from_db(row["channel_set_at"]) if row["channel_set_at"] else None
            paused = date.fromisoformat(row["paused_until"]) if row["paused_until"] else None
        except (ValueError, KeyError) as exc:
            # One group's broken row must not stop every other group's posts.
            log.error("Skipping group %s: unreadable settings (%s)", row["guild_id"], exc)
            continue
        groups.append(
            GroupTimes(
                row["guild_id"], zone, slots_for(overrides.get(row["guild_id"], {}), since), paused
            )
        )
    return groups


async def due_posts(db: Database, now: datetime) -> tuple[list[Due], list[Due], datetime | None]:
    """(posts to send now, posts missed beyond the grace window, next scheduled time).

    Posts already in the ledger are left out with one read; retries and abandoned claims come
    back through the courier.
    """
    groups = await _group_times(db)
    due, missed, wake = plan(groups, now)
    log.debug("Weekly posts of %d group(s) planned; the next at %s", len(groups), wake)
    known = await rhythm_db.claimed_posts(db, (now - timedelta(days=15)).date().isoformat())

    def fresh(items: list[ScheduleDue]) -> list[Due]:
        return [
            Due(post_kind(i.post), i.guild_id, i.period, i.at, guild_id=i.guild_id)
            for i in items
            if (post_kind(i.post), i.guild_id, i.period) not in known
        ]

    return fresh(due), fresh(missed), wake


MISSED = "missed: the bot was down for more than 12 hours after it was due"


async def post_to_send(db: Database, claim: Claim) -> ClaimedPost | None:
    """Where a claimed post goes now; None when the group no longer wants it (removed the
    bot, unset the channel, paused since the claim)."""
    row = await groups_db.row(db, claim.target_id)
    if row is None or row["left_at"] is not None or row["channel_id"] is None:
        return None
    zone = ZoneInfo(row["timezone"])
    paused = date.fromisoformat(row["paused_until"]) if row["paused_until"] else None
    if paused is not None and claim.due_at.astimezone(zone).date() <= paused:
        return None
    post = Post(claim.kind.removeprefix("post:"))
    return ClaimedPost(claim.target_id, row["channel_id"], post, claim.period, zone)


async def channel_changed(db: Database, clock: Clock, guild_id: int) -> None:
    """A new channel may fix what kept posts from going out: retry those at once."""
    async with db.transaction() as conn:
        await deliveries_db.retry_now_for_guild(conn, guild_id, clock.now())


STATUS_WORDS = {
    "failed": "not delivered",
    "skipped": "skipped",
    "retry": "will be retried",
    "claimed": "stuck, will be retried",
}


async def problems(db: Database, clock: Clock, guild_id: int) -> list[str]:
    lines = []
    for r in await deliveries_db.problems(db, guild_id, clock.now()):
        when = (r["due_at"] or r["claimed_at"])[:16].replace("T", " ")
        what = r["kind"].removeprefix("post:")
        status = STATUS_WORDS.get(r["status"], r["status"])
        if r["status"] == "retry" and r["next_attempt_at"]:
            status += f" at {r['next_attempt_at'][11:16]} UTC"
        lines.append(f"{when} UTC: {what} {status} ({r['detail'] or 'no detail'})")
    return lines


def next_times(group: GroupSettings, now: datetime) -> list[tuple[Slot, datetime | None]]:
    return [(s, next_after(s, group.zone, now) if s.enabled else None) for s in group.slots]


# -- commitments -----------------------------------------------------------------------------


def group_week(now: datetime, zone: ZoneInfo) -> date:
    return current_week(now, zone)


MAX_PLAN = 500


@dataclass(frozen=True, slots=True)
class PlanShare:
    """A plan to post (or update) in the group, as the member chose to share it."""

    post: PublicPost
    goal: int
    plan: str
    named: bool  # False for a member hidden from this group's public posts


@dataclass(frozen=True, slots=True)
class Commitment:
    week: str
    goal: int
    committed: int  # members committed this week so far
    share: PlanShare | None


def parse_goal(text: str) -> int:
    """The goal typed in the check-in form: a whole number of conversations, 0 to 50."""
    cleaned = text.strip()
    if not cleaned.isdigit() or not 0 <= int(cleaned) <= profile_service.MAX_GOAL:
        raise InvalidInput(
            f"{echo(cleaned)} isn't a count from 0 to {profile_service.MAX_GOAL}: try again "
            "with a number like 2. Nothing was saved."
        )
    return int(cleaned)


async def commit(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    user_id: int,
    goal: str,
    plan_text: str | None,
    public: bool,
) -> Commitment:
    """Record this week's commitment (again: the latest wins). A shared one also claims the
    group's one public post of this member's plan for the week, to post or to update."""
    count = parse_goal(goal)
    text = clean_block(plan_text, "plan", MAX_PLAN)
    if public and not text:
        raise InvalidInput("To share a plan, write it in the plan box (or set a private goal).")
    group = await settings(db, guild_id)
    now = clock.now()
    week = group_week(now, group.zone).isoformat()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await groups_db.upsert(conn, guild_id, "", now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        await rhythm_db.upsert_commitment(conn, guild_id, user_id, week, count, text, public, now)
    share = None
    if public and text:
        post = await public_service.claim(
            db, clock, user_id=user_id, guild_id=guild_id, kind="plan", ref=week
        )
        named = not await public_service.is_hidden(db, guild_id, user_id)
        share = PlanShare(post, count, text, named)
    return Commitment(week, count, await rhythm_db.commitment_count(db, guild_id, week), share)


async def committed(db: Database, guild_id: int, week: str) -> int:
    return await rhythm_db.commitment_count(db, guild_id, week)


# -- post contents ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowupsPost:
    due_this_week: int


@dataclass(frozen=True, slots=True)
class RecapPost:
    # (user, wins, goal) of members who shared their plan, are not hidden and have a win
    progress: list[tuple[int, int, int]]
    # Everyone else who committed (a private goal, hidden, no win yet): counted, never named
    others: int
    totals: dict[WinKind, int]
    # What members did for each other (cheers, partners who met, introductions): counts only
    network: NetworkWeek = field(default_factory=NetworkWeek)


@dataclass(frozen=True, slots=True)
class Leader:
    user_id: int
    points: int
    wins: int
    streak: int


@dataclass(frozen=True, slots=True)
class Board:
    title: str
    leaders: list[Leader]
    total: int
    previous_total: int | None
    weekly: list[tuple[date, int]] = field(default_factory=list)
    # Who gave the most cheers and introductions (never who received them), not hidden
    encouraging: list[Encourager] = field(default_factory=list)


async def followups_post(db: Database, guild_id: int, period: str) -> FollowupsPost:
    monday = date.fromisoformat(period)
    count = await rhythm_db.follow_ups_due_in_group(
        db, guild_id, monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    )
    return FollowupsPost(count)


async def recap_post(db: Database, guild_id: int, period: str, zone: ZoneInfo) -> RecapPost:
    """The week so far. Only what members chose to make public names them: a shared plan,
    and not hidden. A private goal is never shown in any form, not even as a number."""
    # A win counts in the week holding the day it happened as its member lived it (#10).
    start = date.fromisoformat(period)
    end = start + timedelta(days=7)
    wins = await wins_db.group_wins_per_member(db, guild_id, start, end)
    hidden = {r["user_id"] for r in await rhythm_db.group_member_ids(db, guild_id) if r["hidden"]}
    progress, others = [], 0
    for row in await rhythm_db.commitments(db, guild_id, period):
        count = wins.get(row["user_id"], 0)
        if row["public"] and row["user_id"] not in hidden and count:
            progress.append((row["user_id"], count, row["goal"]))
        else:
            others += 1
    totals = await wins_db.group_kind_totals(db, guild_id, start, end)
    progress.sort(key=lambda p: (-p[1], p[0]))
    return RecapPost(
        progress,
        others,
        {k: totals.get(k.value, 0) for k in WinKind},
        await network_service.week_counts(db, guild_id, start, end, zone),
    )


async def board(db: Database, clock: Clock, guild_id: int, period: str = "week") -> Board:
    """Top members by points for the week (or month, or all time) in the group's zone."""
    group = await settings(db, guild_id)
    now = clock.now()
    points = {k.value: v for k, v in group.points.items()}
    monday = group_week(now, group.zone)
    # Counted by the day each win happened as its member lived it (#10): the group's zone
    # only says which week is this week.
    start, end = monday, monday + timedelta(days=7)
    previous: int | None = None
    title = f"Week of {monday:%d %b}"
    if period == "month":
        start = now.astimezone(group.zone).date().replace(day=1)
        title = f"{start:%B %Y}"
    elif period == "all":
        start, title = date.min, "All time"
    else:
        before = await wins_db.group_kind_totals(db, guild_id, monday - timedelta(days=7), monday)
        previous = sum(before.values())
    rows = await wins_db.group_leaders(db, guild_id, start, end, points, limit=LEADERS)
    leaders = [
        Leader(
            r["user_id"],
            r["points"],
            r["wins"],
            await stats_service.streak_of(db, clock, r["user_id"], now),
        )
        for r in rows
    ]
    total = sum((await wins_db.group_kind_totals(db, guild_id, start, end)).values())
    weekly = []
    if period == "week":
        for back in range(CHART_WEEKS - 1, -1, -1):
            week = monday - timedelta(weeks=back)
            totals = await wins_db.group_kind_totals(db, guild_id, week, week + timedelta(days=7))
            weekly.append((week, sum(totals.values())))
    encouraging = await network_service.most_encouraging(db, guild_id, start, end, group.zone)
    return Board(title, leaders, total, previous, weekly, encouraging)
