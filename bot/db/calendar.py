"""Calendar feeds and what a member's calendar holds."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, to_db

DEPLOYMENT_KEY = "calendar_deployment"


async def deployment(db: Database, candidate: str) -> str:
    """This deployment's constant for calendar UIDs: ``candidate`` the first time, whatever
    was stored ever after (two processes racing both read the one that won)."""
    read = "SELECT value FROM bot_meta WHERE key = ?"
    stored = await db.fetchval(read, (DEPLOYMENT_KEY,))
    if stored is None:
        query = "INSERT INTO bot_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
        await db.execute(query, (DEPLOYMENT_KEY, candidate))
        stored = await db.fetchval(read, (DEPLOYMENT_KEY,))
    return str(stored)


async def interviews(db: Database, user_id: int) -> list[Row]:
    """Interview dates on the member's open opportunities."""
    query = """
        SELECT opportunity_id, company, role, interview_on, created_at, updated_at
        FROM opportunities
        WHERE user_id = ? AND closed_at IS NULL AND interview_on IS NOT NULL
        ORDER BY interview_on, opportunity_id
    """
    return await db.fetchall(query, (user_id,))


async def set_feed(
    conn: aiosqlite.Connection, user_id: int, token_hash: str, now: datetime
) -> bool:
    """Store the member's feed token hash, replacing any; True when one was replaced."""
    query = "SELECT 1 FROM calendar_feeds WHERE user_id = ?"
    async with conn.execute(query, (user_id,)) as cursor:
        existed = await cursor.fetchone() is not None
    query = """
        INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
                                            created_at = excluded.created_at
    """
    await conn.execute(query, (user_id, token_hash, to_db(now)))
    return existed


async def delete_feed(conn: aiosqlite.Connection, user_id: int) -> bool:
    query = "DELETE FROM calendar_feeds WHERE user_id = ?"
    cursor = await conn.execute(query, (user_id,))
    return cursor.rowcount > 0


async def feed_owner(db: Database, token_hash: str) -> int | None:
    query = "SELECT user_id FROM calendar_feeds WHERE token_hash = ?"
    found = await db.fetchval(query, (token_hash,))
    return None if found is None else int(found)
