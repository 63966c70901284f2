"""Cheers on celebrated wins, and the daily digest that tells the author about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, to_db


async def celebrated_win(db: Database, guild_id: int, win_id: int) -> Row | None:
    """The win, if the bot celebrated it in this group: its author, kind and the message."""
    query = """
        SELECT w.win_id, w.user_id, w.kind, p.message_id
        FROM wins AS w
        JOIN public_posts AS p
          ON p.kind = 'win' AND p.guild_id = ? AND p.user_id = w.user_id
         AND p.ref = CAST(w.win_id AS TEXT)
        WHERE w.win_id = ?
    """
    return await db.fetchone(query, (guild_id, win_id))


async def has_cheered(db: Database, win_id: int, user_id: int) -> bool:
    query = "SELECT 1 FROM cheers WHERE win_id = ? AND user_id = ?"
    return await db.fetchval(query, (win_id, user_id)) is not None


async def insert(
    conn: aiosqlite.Connection,
    *,
    win_id: int,
    guild_id: int,
    user_id: int,
    line: str | None,
    now: datetime,
) -> bool:
    """Record a cheer; False when this member already cheered this win."""
    query = """
        INSERT INTO cheers (win_id, guild_id, user_id, line, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (win_id, user_id) DO NOTHING
    """
    cursor = await conn.execute(query, (win_id, guild_id, user_id, line, to_db(now)))
    return cursor.rowcount == 1


async def waiting(db: Database) -> list[Row]:
    """Cheers not yet in a digest, with what planning the digest needs: the author and their
    zone and DM state, the group's zone and pause."""
    query = """
        SELECT c.cheer_id, c.created_at, w.user_id AS author,
               coalesce(u.timezone, (SELECT value FROM bot_meta WHERE key = 'default_timezone'),
                        'UTC') AS author_zone,
               u.dm_closed_at, g.timezone AS group_zone, g.paused_until
        FROM cheers AS c
        JOIN wins AS w ON w.win_id = c.win_id
        JOIN users AS u ON u.user_id = w.user_id
        JOIN guilds AS g ON g.guild_id = c.guild_id
        WHERE c.digest_on IS NULL
    """
    return await db.fetchall(query)


async def waiting_for(db: Database, author: int, before: datetime) -> list[Row]:
    """An author's cheers not yet in a digest, given before ``before``, oldest first, with
    the win's kind, the group's zone and pause."""
    query = """
        SELECT c.cheer_id, c.user_id AS cheerer, c.line, c.created_at, w.kind,
               g.timezone AS group_zone, g.paused_until
        FROM cheers AS c
        JOIN wins AS w ON w.win_id = c.win_id
        JOIN guilds AS g ON g.guild_id = c.guild_id
        WHERE w.user_id = ? AND c.digest_on IS NULL AND c.created_at < ?
        ORDER BY c.created_at, c.cheer_id
    """
    return await db.fetchall(query, (author, to_db(before)))


async def mark_digested(conn: aiosqlite.Connection, cheer_ids: Sequence[int], day: str) -> None:
    query = "UPDATE cheers SET digest_on = ? WHERE cheer_id = ? AND digest_on IS NULL"
    await conn.executemany(query, [(day, cheer_id) for cheer_id in cheer_ids])
