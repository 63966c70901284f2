"""The facilitator's report: per member activity this week and month, and the quiet ones."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.clock import Clock
from bot.db import Database, from_db, to_db
from bot.db import pipeline as pipeline_db
from bot.db import rhythm as rhythm_db
from bot.services.rhythm import group_week, settings
from bot.services.weeks import week_bounds

QUIET_DAYS = 14


@dataclass(frozen=True, slots=True)
class Report:
    members: int
    active_this_week: int
    wins_this_week: int
    quiet: list[int]
    csv_text: str


async def report(db: Database, clock: Clock, guild_id: int) -> Report:
    group = await settings(db, guild_id)
    now = clock.now()
    monday = group_week(now, group.zone)
    week_start_at, week_end_at = week_bounds(monday, group.zone)
    first = now.astimezone(group.zone).date().replace(day=1)
    month_start = datetime.combine(first, time(0), tzinfo=group.zone).astimezone(UTC)
    week = await rhythm_db.wins_per_member_between(
        db, guild_id, to_db(week_start_at), to_db(week_end_at)
    )
    month = await rhythm_db.wins_per_member_between(
        db, guild_id, to_db(month_start), to_db(week_end_at)
    )
    last = await rhythm_db.last_win_per_member(db, guild_id)
    commitments: dict[int, list[tuple[str, int]]] = {}
    for row in await rhythm_db.member_commitments(db, guild_id):
        commitments.setdefault(row["user_id"], []).append((row["week"], row["goal"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "user_id",
            "wins_this_week",
            "wins_this_month",
            "last_win",
            "things_in_the_works",
            "weeks_committed",
            "commitments_kept",
            "quiet",
            # Hidden members are listed here (organisers reach out to quiet members
            # privately) and marked, so nobody names them in the group.
            "hidden",
        ]
    )
    quiet = []
    members = await rhythm_db.group_member_ids(db, guild_id)
    for row in members:
        user = row["user_id"]
        last_win = from_db(last[user]) if user in last else None
        is_quiet = last_win is None or now - last_win > timedelta(days=QUIET_DAYS)
        if is_quiet:
            quiet.append(user)
        kept = 0
        for week_iso, goal in commitments.get(user, []):
            bounds = week_bounds(date.fromisoformat(week_iso), group.zone)
            done = (
                await rhythm_db.wins_per_member_between(
                    db, guild_id, to_db(bounds[0]), to_db(bounds[1])
                )
            ).get(user, 0)
            kept += done >= goal
        writer.writerow(
            [
                user,
                week.get(user, 0),
                month.get(user, 0),
                last_win.astimezone(group.zone).date().isoformat() if last_win else "",
                await pipeline_db.in_the_works(db, user),
                len(commitments.get(user, [])),
                kept,
                "yes" if is_quiet else "",
                "yes" if row["hidden"] else "",
            ]
        )
    return Report(len(members), len(week), sum(week.values()), quiet, out.getvalue())
