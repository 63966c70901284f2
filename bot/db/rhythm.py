"""Queries of the group rhythm: settings, schedules, commitments, posts and their problems."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, to_db

# "The latest win" only among times that can be read: a damaged row (text that is not a time,
# which sorts after every real one) must not hide the real latest win or break its reader.
# A range rather than a pattern: the same on SQLite and PostgreSQL, and an index can use it.
READABLE = "BETWEEN '0000-00-00T' AND '9999-99-99U'"


async def set_group_field(
    conn: aiosqlite.Connection, guild_id: int, column: str, value: object
) -> None:
    """Set one of the group's own settings (a fixed set of columns, never user input)."""
    allowed = {
        "channel_id",
        "timezone",
        "announce_wins",
        "nudges",
        "nudge_days",
        "paused_until",
        "channel_set_at",
    }
    if column not in allowed:
        raise ValueError(f"not a group setting: {column}")
    query = f"UPDATE guilds SET {column} = ? WHERE guild_id = ?"  # noqa: S608 - column allow-listed
    await conn.execute(query, (value, guild_id))


async def set_points(conn: aiosqlite.Connection, guild_id: int, kind: str, points: int) -> None:
    query = """
        INSERT INTO group_points (guild_id, kind, points) VALUES (?, ?, ?)
        ON CONFLICT (guild_id, kind) DO UPDATE SET points = excluded.points
    """
    await conn.execute(query, (guild_id, kind, points))


async def set_schedule(
    conn: aiosqlite.Connection,
    guild_id: int,
    post: str,
    weekday: int | None,
    minute: int | None,
    enabled: bool,
    now: datetime,
) -> None:
    query = """
        INSERT INTO group_schedules (guild_id, post, weekday, minute, enabled, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id, post) DO UPDATE SET
            weekday = coalesce(excluded.weekday, group_schedules.weekday),
            minute = coalesce(excluded.minute, group_schedules.minute),
            enabled = excluded.enabled, updated_at = excluded.updated_at
    """
    await conn.execute(query, (guild_id, post, weekday, minute, int(enabled), to_db(now)))


async def schedules(db: Database, guild_id: int | None = None) -> list[Row]:
    query = """
        SELECT * FROM group_schedules WHERE guild_id = coalesce(?, guild_id)
    """
    return await db.fetchall(query, (guild_id,))


async def posting_groups(db: Database) -> list[Row]:
    """Groups that have a channel and have not removed the bot."""
    query = """
        SELECT guild_id, timezone, channel_id, paused_until, channel_set_at, nudges, nudge_days
        FROM guilds WHERE channel_id IS NOT NULL AND left_at IS NULL
    """
    return await db.fetchall(query)


async def claimed_posts(db: Database, since_period: str) -> set[tuple[str, int, str]]:
    query = """
        SELECT kind, target_id, period FROM deliveries
        WHERE kind LIKE 'post:%' AND period >= ?
    """
    return {(r[0], r[1], r[2]) for r in await db.fetchall(query, (since_period,))}


async def upsert_commitment(
    conn: aiosqlite.Connection,
    guild_id: int,
    user_id: int,
    week: str,
    goal: int,
    plan: str | None,
    public: bool,
    now: datetime,
) -> None:
    query = """
        INSERT INTO commitments (guild_id, user_id, week, goal, plan, public, created_at,
                                 updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id, week, user_id) DO UPDATE SET
            goal = excluded.goal, plan = excluded.plan, public = excluded.public,
            updated_at = excluded.updated_at
    """
    stamp = to_db(now)
    await conn.execute(query, (guild_id, user_id, week, goal, plan, int(public), stamp, stamp))


async def commitments(db: Database, guild_id: int, week: str) -> list[Row]:
    query = "SELECT * FROM commitments WHERE guild_id = ? AND week = ?"
    return await db.fetchall(query, (guild_id, week))


async def commitment_count(db: Database, guild_id: int, week: str) -> int:
    query = "SELECT count(*) FROM commitments WHERE guild_id = ? AND week = ?"
    return int(await db.fetchval(query, (guild_id, week)))


async def member_commitments(db: Database, guild_id: int) -> list[Row]:
    query = "SELECT user_id, week, goal FROM commitments WHERE guild_id = ?"
    return await db.fetchall(query, (guild_id,))


async def group_member_ids(db: Database, guild_id: int) -> list[Row]:
    query = "SELECT user_id, hidden, joined_at FROM members WHERE guild_id = ?"
    return await db.fetchall(query, (guild_id,))


async def is_hidden(db: Database, guild_id: int, user_id: int) -> bool:
    query = "SELECT hidden FROM members WHERE guild_id = ? AND user_id = ?"
    return bool(await db.fetchval(query, (guild_id, user_id)))


async def set_hidden(conn: aiosqlite.Connection, guild_id: int, user_id: int, hidden: bool) -> bool:
    query = "UPDATE members SET hidden = ? WHERE guild_id = ? AND user_id = ?"
    cursor = await conn.execute(query, (int(hidden), guild_id, user_id))
    return cursor.rowcount == 1


async def follow_ups_due_in_group(db: Database, guild_id: int, first: str, last: str) -> int:
    query = """
        SELECT count(*) FROM follow_ups AS f
        JOIN members AS m ON m.user_id = f.user_id AND m.guild_id = ?
        WHERE f.status IN ('pending', 'snoozed') AND f.due_on BETWEEN ? AND ?
    """
    return int(await db.fetchval(query, (guild_id, first, last)))


async def inactive_candidates(db: Database) -> list[Row]:
    """One row per (member, group with nudges on) for people who use the bot and want nudges:
    their last win, when they were first seen, and the group's zone, pause and days.

    "Use the bot" means something of theirs is stored beyond being seen: a win, an
    opportunity, a follow-up, a commitment or an exercise. An organiser who only ran /setup
    is not nudged to log wins.
    """
    query = f"""
        SELECT m.user_id, g.nudge_days AS days, g.timezone, g.paused_until,
               (SELECT min(joined_at) FROM members AS mm WHERE mm.user_id = m.user_id)
                   AS first_seen,
               (SELECT max(w.happened_at) FROM wins AS w
                WHERE w.user_id = m.user_id AND w.happened_at {READABLE})
                   AS last_win
        FROM members AS m
        JOIN guilds AS g ON g.guild_id = m.guild_id
        JOIN users AS u ON u.user_id = m.user_id
        WHERE g.nudges = 1 AND g.left_at IS NULL AND u.nudges = 1 AND u.dm_closed_at IS NULL
          AND (EXISTS (SELECT 1 FROM wins AS w WHERE w.user_id = m.user_id)
               OR EXISTS (SELECT 1 FROM opportunities AS o WHERE o.user_id = m.user_id)
               OR EXISTS (SELECT 1 FROM follow_ups AS f WHERE f.user_id = m.user_id)
               OR EXISTS (SELECT 1 FROM commitments AS c WHERE c.user_id = m.user_id)
               OR EXISTS (SELECT 1 FROM exercise_runs AS r WHERE r.user_id = m.user_id))
    """  # noqa: S608 - a constant
    return await db.fetchall(query)


async def last_win_of(db: Database, user_id: int) -> str | None:
    query = f"""
        SELECT max(happened_at) FROM wins WHERE user_id = ? AND happened_at {READABLE}
    """  # noqa: S608 - a constant
    return await db.fetchval(query, (user_id,))


async def claimed_keys(db: Database, kind: str) -> set[tuple[int, str]]:
    query = "SELECT target_id, period FROM deliveries WHERE kind = ?"
    return {(r[0], r[1]) for r in await db.fetchall(query, (kind,))}
