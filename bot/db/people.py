"""People (``users``) and their membership in groups (``members``)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, to_db


async def ensure_user(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    query = "INSERT INTO users (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING"
    await conn.execute(query, (user_id, to_db(now)))


async def touch_member(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, now: datetime
) -> None:
    """Record that this person used the bot in this server (membership is learnt, not fetched:
    the bot holds no member list, which keeps it free of the privileged members intent)."""
    query = """
        INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
    """
    stamp = to_db(now)
    await conn.execute(query, (guild_id, user_id, stamp, stamp))


async def member_count(db: Database, guild_id: int) -> int:
    query = "SELECT count(*) FROM members WHERE guild_id = ?"
    return int(await db.fetchval(query, (guild_id,)))
