"""People (``users``) and their membership in groups (``members``)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, to_db


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


# A member without a zone of their own follows DEFAULT_TIMEZONE (kept in bot_meta at start).
DEFAULT_ZONE_SQL = "coalesce((SELECT value FROM bot_meta WHERE key = 'default_timezone'), 'UTC')"


async def get_user(db: Database, user_id: int) -> Row | None:
    query = f"""
        SELECT user_id, coalesce(timezone, {DEFAULT_ZONE_SQL}) AS timezone, weekly_goal,
               reminders, reminder_hour, nudges, dm_closed_at, created_at
        FROM users WHERE user_id = ?
    """  # noqa: S608 - a constant fragment
    return await db.fetchone(query, (user_id,))


async def set_timezone(conn: aiosqlite.Connection, user_id: int, zone: str) -> None:
    query = "UPDATE users SET timezone = ? WHERE user_id = ?"
    await conn.execute(query, (zone, user_id))


async def set_goal(conn: aiosqlite.Connection, user_id: int, goal: int) -> None:
    query = "UPDATE users SET weekly_goal = ? WHERE user_id = ?"
    await conn.execute(query, (goal, user_id))


async def set_reminders(
    conn: aiosqlite.Connection, user_id: int, enabled: bool, hour: int | None
) -> None:
    query = """
        UPDATE users SET reminders = ?, reminder_hour = coalesce(?, reminder_hour)
        WHERE user_id = ?
    """
    await conn.execute(query, (int(enabled), hour, user_id))


async def set_nudges(conn: aiosqlite.Connection, user_id: int, enabled: bool) -> None:
    query = "UPDATE users SET nudges = ? WHERE user_id = ?"
    await conn.execute(query, (int(enabled), user_id))


async def mark_dm_closed(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    query = "UPDATE users SET dm_closed_at = ? WHERE user_id = ? AND dm_closed_at IS NULL"
    await conn.execute(query, (to_db(now), user_id))


async def clear_dm_closed(conn: aiosqlite.Connection, user_id: int) -> bool:
    """Forget a recorded closed DM; True if there was one (the member should be told)."""
    query = "UPDATE users SET dm_closed_at = NULL WHERE user_id = ? AND dm_closed_at IS NOT NULL"
    cursor = await conn.execute(query, (user_id,))
    return cursor.rowcount == 1


async def guilds_of(db: Database, user_id: int) -> list[int]:
    query = "SELECT guild_id FROM members WHERE user_id = ?"
    return [row[0] for row in await db.fetchall(query, (user_id,))]


async def dm_closed_users(db: Database) -> list[int]:
    query = "SELECT user_id FROM users WHERE dm_closed_at IS NOT NULL"
    return [row[0] for row in await db.fetchall(query)]


async def group_members(db: Database, guild_id: int) -> list[Row]:
    """A group's members: when each first used the bot here, whether they hide from public
    posts, and whether they have anything of their own search stored (a win, an opportunity,
    a follow-up, a commitment or an exercise), as opposed to only having run a command."""
    query = """
        SELECT m.user_id, m.joined_at, m.hidden,
               (EXISTS (SELECT 1 FROM wins AS w WHERE w.user_id = m.user_id)
                OR EXISTS (SELECT 1 FROM opportunities AS o WHERE o.user_id = m.user_id)
                OR EXISTS (SELECT 1 FROM follow_ups AS f WHERE f.user_id = m.user_id)
                OR EXISTS (SELECT 1 FROM commitments AS c WHERE c.user_id = m.user_id)
                OR EXISTS (SELECT 1 FROM exercise_runs AS r WHERE r.user_id = m.user_id))
                   AS searching
        FROM members AS m WHERE m.guild_id = ?
        ORDER BY m.joined_at, m.user_id
    """
    return await db.fetchall(query, (guild_id,))
