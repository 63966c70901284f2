"""Groups: one row per Discord server the bot has been in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, from_db, to_db


@dataclass(frozen=True, slots=True)
class Group:
    guild_id: int
    name: str
    timezone: str
    channel_id: int | None
    joined_at: datetime
    left_at: datetime | None
    welcomed_at: datetime | None
    announce_wins: bool


def _group(row: Row) -> Group:
    return Group(
        guild_id=row["guild_id"],
        name=row["name"],
        timezone=row["timezone"],
        channel_id=row["channel_id"],
        joined_at=from_db(row["joined_at"]),
        left_at=from_db(row["left_at"]) if row["left_at"] else None,
        welcomed_at=from_db(row["welcomed_at"]) if row["welcomed_at"] else None,
        announce_wins=bool(row["announce_wins"]),
    )


async def get(db: Database, guild_id: int) -> Group | None:
    query = "SELECT * FROM guilds WHERE guild_id = ?"
    row = await db.fetchone(query, (guild_id,))
    return _group(row) if row else None


async def upsert(conn: aiosqlite.Connection, guild_id: int, name: str, now: datetime) -> None:
    """Record that the bot is in this server (again): a returning group keeps its settings."""
    query = """
        INSERT INTO guilds (guild_id, name, joined_at, timezone)
        VALUES (?, ?, ?, coalesce((SELECT value FROM bot_meta WHERE key = 'default_timezone'),
                                  'UTC'))
        ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name, left_at = NULL
    """
    await conn.execute(query, (guild_id, name, to_db(now)))


async def mark_left(conn: aiosqlite.Connection, guild_id: int, now: datetime) -> None:
    query = "UPDATE guilds SET left_at = ? WHERE guild_id = ?"
    await conn.execute(query, (to_db(now), guild_id))


async def mark_welcomed(conn: aiosqlite.Connection, guild_id: int, now: datetime) -> bool:
    """Claim the one welcome message for a server; False when it was already sent."""
    query = "UPDATE guilds SET welcomed_at = ? WHERE guild_id = ? AND welcomed_at IS NULL"
    cursor = await conn.execute(query, (to_db(now), guild_id))
    return cursor.rowcount == 1


async def points(db: Database, guild_id: int) -> dict[str, int]:
    """The group's own points per win kind (kinds left at the default are absent)."""
    query = "SELECT kind, points FROM group_points WHERE guild_id = ?"
    return {row["kind"]: row["points"] for row in await db.fetchall(query, (guild_id,))}


async def channels_for_member(db: Database, user_id: int) -> list[Row]:
    """Groups of a member that have a channel for posts (and are still joined)."""
    query = """
        SELECT g.guild_id, g.channel_id FROM guilds AS g
        JOIN members AS m ON m.guild_id = g.guild_id
        WHERE m.user_id = ? AND g.channel_id IS NOT NULL AND g.left_at IS NULL
        ORDER BY m.last_seen_at DESC
    """
    return await db.fetchall(query, (user_id,))


async def row(db: Database, guild_id: int) -> Row | None:
    query = "SELECT * FROM guilds WHERE guild_id = ?"
    return await db.fetchone(query, (guild_id,))
