"""The facilitator's report: per member activity this week and month, and the quiet ones.

People are named by their display names, looked up when the report is made (nothing about
them is stored for it); a member the lookup cannot find shows as their id. A member is quiet
after 14 days without a win, counted from their last win or, before any, from the day they
first used the bot in the group: nobody is quiet on their first day. Organisers who never
logged anything of their own search are left out of the quiet list (they run the group).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db import rhythm as rhythm_db
from bot.db import wins as wins_db
from bot.services.rhythm import group_week, settings

QUIET_DAYS = 14


@dataclass(frozen=True, slots=True)
class Person:
    """What the report knows of a member from Discord, at the moment it is made."""

    name: str
    organiser: bool = False


# Display names (and who organises) for some user ids; ids it cannot find are left out.
Lookup = Callable[[list[int]], Awaitable[dict[int, Person]]]


@dataclass(frozen=True, slots=True)
class QuietMember:
    user_id: int
    name: str
    days: int
    hidden: bool


@dataclass(frozen=True, slots=True)
class Report:
    members: int
    active_this_week: int
    wins_this_week: int
    quiet: list[QuietMember]
    csv_text: str


def spreadsheet_safe(text: str) -> str:
    """A name as a CSV cell a spreadsheet will show, never run: a leading = + - @ (or tab,
    carriage return) would make it a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def quiet_days(today: date, first_use: date, last_win: date | None) -> int:
    """Whole days since the member's last win, or since they first used the bot here."""
    since = max(first_use, last_win) if last_win else first_use
    return max(0, (today - since).days)


async def report(db: Database, clock: Clock, guild_id: int, lookup: Lookup | None = None) -> Report:
    group = await settings(db, guild_id)
    now = clock.now()
    today = now.astimezone(group.zone).date()
    monday = group_week(now, group.zone)
    # Counted like the board: by the day each win happened as its member lived it.
    week = await wins_db.group_wins_per_member(db, guild_id, monday, monday + timedelta(days=7))
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    month = await wins_db.group_wins_per_member(db, guild_id, first, next_month)
    last = await wins_db.group_last_win_days(db, guild_id)
    commitments: dict[int, list[tuple[str, int]]] = {}
    for row in await rhythm_db.member_commitments(db, guild_id):
        commitments.setdefault(row["user_id"], []).append((row["week"], row["goal"]))
    members = await people_db.group_members(db, guild_id)
    people = await lookup([row["user_id"] for row in members]) if lookup else {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "user_id",
            "name",
            "wins_this_week",
            "wins_this_month",
            "last_win",
            "things_in_the_works",
            "weeks_committed",
            "commitments_kept",
            "quiet_days",
            # Hidden members are listed here (organisers reach out to quiet members
            # privately) and marked, so nobody names them in the group.
            "hidden",
        ]
    )
    quiet = []
    for row in members:
        user = row["user_id"]
        person = people.get(user, Person(str(user)))
        last_win = date.fromisoformat(last[user]) if user in last else None
        first_use = from_db(row["joined_at"]).astimezone(group.zone).date()
        days = quiet_days(today, first_use, last_win)
        leaves_out = person.organiser and not row["searching"]
        is_quiet = days >= QUIET_DAYS and not leaves_out
        if is_quiet:
            quiet.append(QuietMember(user, person.name, days, bool(row["hidden"])))
        kept = 0
        for week_iso, goal in commitments.get(user, []):
            start = date.fromisoformat(week_iso)
            done = (
                await wins_db.group_wins_per_member(db, guild_id, start, start + timedelta(days=7))
            ).get(user, 0)
            kept += done >= goal
        writer.writerow(
            [
                user,
                spreadsheet_safe(person.name),
                week.get(user, 0),
                month.get(user, 0),
                last_win.isoformat() if last_win else "",
                await pipeline_db.in_the_works(db, user),
                len(commitments.get(user, [])),
                kept,
                days if is_quiet else "",
                "yes" if row["hidden"] else "",
            ]
        )
    quiet.sort(key=lambda q: (-q.days, q.name.casefold()))
    return Report(len(members), len(week), sum(week.values()), quiet, out.getvalue())
