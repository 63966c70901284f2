"""The exactly-once ledger for anything the bot sends on its own (reminders, posts)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, to_db


async def claim(
    conn: aiosqlite.Connection,
    kind: str,
    target_id: int,
    period: str,
    now: datetime,
    *,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> int | None:
    """Claim one delivery; None if it was claimed before (sent, failed or in flight)."""
    query = """
        INSERT INTO deliveries (kind, target_id, period, user_id, guild_id, claimed_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (kind, target_id, period) DO NOTHING
    """
    cursor = await conn.execute(query, (kind, target_id, period, user_id, guild_id, to_db(now)))
    return cursor.lastrowid if cursor.rowcount == 1 else None


async def finish(
    db: Database,
    delivery_id: int,
    status: str,
    now: datetime,
    *,
    message_id: int | None = None,
    detail: str | None = None,
) -> None:
    query = """
        UPDATE deliveries SET status = ?, finished_at = ?, message_id = ?, detail = ?
        WHERE delivery_id = ?
    """
    await db.execute(query, (status, to_db(now), message_id, detail, delivery_id))


async def mark_skipped(conn: aiosqlite.Connection, delivery_id: int, detail: str) -> None:
    query = "UPDATE deliveries SET status = 'skipped', detail = ? WHERE delivery_id = ?"
    await conn.execute(query, (detail, delivery_id))
