"""Wins: the next-interview moments members log."""

from __future__ import annotations

import logging
from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, from_db, inserted_id, to_db

log = logging.getLogger(__name__)


async def insert(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    kind: str,
    who: str,
    note: str | None,
    share_who: bool,
    happened_on: date,
    happened_at: datetime,
    opportunity_id: int | None,
    now: datetime,
) -> int:
    query = """
        INSERT INTO wins (user_id, kind, who, note, share_who, happened_on, happened_at,
                          opportunity_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    """
    cursor = await conn.execute(
        query,
        (
            user_id,
            kind,
            who,
            note,
            int(share_who),
            happened_on.isoformat(),
            to_db(happened_at),
            opportunity_id,
            to_db(now),
        ),
    )
    return inserted_id(cursor)


async def recent_same(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    kind: str,
    who: str,
    note: str | None,
    happened_on: date,
    opportunity_id: int | None,
    since: datetime,
) -> int | None:
    """The id of an identical win the member logged since ``since``, if any."""
    query = """
        SELECT win_id FROM wins
        WHERE user_id = ? AND kind = ? AND who = ? AND note IS ? AND happened_on = ?
          AND opportunity_id IS ? AND created_at >= ?
        ORDER BY win_id DESC LIMIT 1
    """
    params = (user_id, kind, who, note, happened_on.isoformat(), opportunity_id, to_db(since))
    async with conn.execute(query, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def get(db: Database, user_id: int, win_id: int) -> Row | None:
    query = "SELECT * FROM wins WHERE win_id = ? AND user_id = ?"
    return await db.fetchone(query, (win_id, user_id))


async def delete(conn: aiosqlite.Connection, user_id: int, win_id: int) -> bool:
    query = "DELETE FROM wins WHERE win_id = ? AND user_id = ?"
    cursor = await conn.execute(query, (win_id, user_id))
    return cursor.rowcount == 1


async def list_for_user(
    db: Database, user_id: int, since: datetime | None, limit: int = 500
) -> list[Row]:
    query = """
        SELECT * FROM wins
        WHERE user_id = ? AND happened_at >= coalesce(?, '')
        ORDER BY happened_at DESC, win_id DESC
        LIMIT ?
    """
    return await db.fetchall(query, (user_id, to_db(since) if since else None, limit))


async def count_between(db: Database, user_id: int, start: datetime, end: datetime) -> int:
    query = """
        SELECT count(*) FROM wins WHERE user_id = ? AND happened_at >= ? AND happened_at < ?
    """
    return int(await db.fetchval(query, (user_id, to_db(start), to_db(end))))


async def times_since(db: Database, user_id: int, since: datetime) -> list[datetime]:
    """Instants of a member's wins since ``since`` (streaks and weekly charts).

    A row whose time cannot be read (a damaged or hand-edited database) is left out and
    logged: one bad row must not stop a member's stats or a group's leaderboard.
    """
    query = "SELECT win_id, happened_at FROM wins WHERE user_id = ? AND happened_at >= ?"
    times = []
    for row in await db.fetchall(query, (user_id, to_db(since))):
        try:
            times.append(from_db(row[1]))
        except ValueError:
            log.error("Win %s has an unreadable time %r; left out", row[0], row[1][:40])
    return times


async def totals_by_kind(db: Database, user_id: int) -> dict[str, int]:
    query = "SELECT kind, count(*) FROM wins WHERE user_id = ? GROUP BY kind"
    return {row[0]: row[1] for row in await db.fetchall(query, (user_id,))}


async def group_kind_totals(
    db: Database, guild_id: int, start: datetime, end: datetime
) -> dict[str, int]:
    """Wins of the group's members in [start, end), per kind (hidden members included: the
    group's total is not a ranking)."""
    query = """
        SELECT kind, count(*) FROM group_wins
        WHERE guild_id = ? AND happened_at >= ? AND happened_at < ?
        GROUP BY kind
    """
    return {
        row[0]: row[1] for row in await db.fetchall(query, (guild_id, to_db(start), to_db(end)))
    }


async def group_leaders(
    db: Database,
    guild_id: int,
    start: datetime,
    end: datetime,
    points: dict[str, int],
    *,
    limit: int = 10,
) -> list[Row]:
    """Top members by points in [start, end), without those who hide from the board; ties go
    to whoever got there first. ``points`` maps every win kind to its value in this group."""
    query = """
        SELECT user_id,
               sum(CASE kind WHEN 'networking' THEN :networking WHEN 'intro' THEN :intro
                             WHEN 'follow-up' THEN :follow_up
                             WHEN 'informational' THEN :informational
                             WHEN 'interview' THEN :interview WHEN 'offer' THEN :offer
                             ELSE 0 END) AS points,
               count(*) AS wins,
               max(happened_at) AS reached_at
        FROM group_wins
        WHERE guild_id = :guild AND happened_at >= :start AND happened_at < :end
          AND user_id NOT IN (SELECT user_id FROM members WHERE guild_id = :guild AND hidden = 1)
        GROUP BY user_id
        ORDER BY points DESC, reached_at ASC, user_id ASC
        LIMIT :limit
    """
    params = {
        "guild": guild_id,
        "start": to_db(start),
        "end": to_db(end),
        "limit": limit,
        **{kind.replace("-", "_"): value for kind, value in points.items()},
    }
    return await db.fetchall(query, params)
