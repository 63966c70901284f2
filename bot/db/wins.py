"""Wins: the next-interview moments members log."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, inserted_id, to_db


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


async def times_since(db: Database, user_id: int, since: datetime) -> list[str]:
    """Instants of a member's wins since ``since`` (streaks and weekly charts)."""
    query = "SELECT happened_at FROM wins WHERE user_id = ? AND happened_at >= ?"
    return [row[0] for row in await db.fetchall(query, (user_id, to_db(since)))]


async def totals_by_kind(db: Database, user_id: int) -> dict[str, int]:
    query = "SELECT kind, count(*) FROM wins WHERE user_id = ? GROUP BY kind"
    return {row[0]: row[1] for row in await db.fetchall(query, (user_id,))}


async def group_tally(db: Database, guild_id: int, start: datetime, end: datetime) -> list[Row]:
    """Per member and kind, the wins of a group's members in [start, end).

    Walks the covering time index and checks membership by primary key, so the cost follows
    the week's wins, not the member count or the table's size.
    """
    query = """
        SELECT w.user_id, w.kind, count(*) AS wins, min(w.happened_at) AS first_at
        FROM wins AS w
        JOIN members AS m ON m.guild_id = ? AND m.user_id = w.user_id
        WHERE w.happened_at >= ? AND w.happened_at < ?
        GROUP BY w.user_id, w.kind
    """
    return await db.fetchall(query, (guild_id, to_db(start), to_db(end)))
