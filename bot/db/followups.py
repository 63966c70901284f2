"""Follow-ups: who to get back to, and when."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, to_db


async def insert(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    person: str,
    reason: str,
    due_on: date,
    opportunity_id: int | None,
    source_win_id: int | None,
    now: datetime,
    run_id: int | None = None,
    late_step: str | None = None,
) -> int | None:
    """Create a follow-up; None when this suggestion of this win was already accepted."""
    query = """
        INSERT INTO follow_ups (user_id, person, reason, due_on, opportunity_id, source_win_id,
                                created_at, updated_at, run_id, late_step)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source_win_id, reason) DO NOTHING
        RETURNING follow_up_id
    """
    stamp = to_db(now)
    params = (
        user_id,
        person,
        reason,
        due_on.isoformat(),
        opportunity_id,
        source_win_id,
        stamp,
        stamp,
        run_id,
        late_step,
    )
    async with conn.execute(query, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def get(db: Database, user_id: int, follow_up_id: int) -> Row | None:
    query = "SELECT * FROM follow_ups WHERE follow_up_id = ? AND user_id = ?"
    return await db.fetchone(query, (follow_up_id, user_id))


async def set_status(
    conn: aiosqlite.Connection,
    user_id: int,
    follow_up_id: int,
    status: str,
    now: datetime,
    *,
    due_on: date | None = None,
) -> bool:
    """Change an open follow-up's status (and due date for a snooze); False if not open."""
    query = """
        UPDATE follow_ups SET status = ?, due_on = coalesce(?, due_on), updated_at = ?
        WHERE follow_up_id = ? AND user_id = ? AND status IN ('pending', 'snoozed')
    """
    cursor = await conn.execute(
        query,
        (status, due_on.isoformat() if due_on else None, to_db(now), follow_up_id, user_id),
    )
    return cursor.rowcount == 1


async def open_for_user(db: Database, user_id: int, until: date | None = None) -> list[Row]:
    """Open follow-ups, soonest first; with ``until``, only those due by then."""
    query = """
        SELECT * FROM follow_ups
        WHERE user_id = ? AND status IN ('pending', 'snoozed') AND due_on <= coalesce(?, '9999')
        ORDER BY due_on, follow_up_id
    """
    return await db.fetchall(query, (user_id, until.isoformat() if until else None))


async def reminder_candidates(db: Database, kind: str, last: date) -> list[Row]:
    """People who want reminders and have open follow-ups due by ``last``: their zone and
    hour, their oldest open due date, and the day of their latest ``kind`` delivery (the
    weekly reminder of overdue follow-ups counts from it)."""
    query = """
        SELECT u.user_id,
               coalesce(u.timezone, (SELECT value FROM bot_meta WHERE key = 'default_timezone'),
                        'UTC') AS timezone,
               u.reminder_hour,
               min(f.due_on) AS oldest,
               (SELECT max(d.period) FROM deliveries AS d
                WHERE d.kind = :kind AND d.target_id = u.user_id) AS last_reminder
        FROM follow_ups AS f
        JOIN users AS u ON u.user_id = f.user_id
        WHERE f.status IN ('pending', 'snoozed') AND f.due_on <= :last
          AND u.reminders = 1 AND u.dm_closed_at IS NULL
        GROUP BY u.user_id, u.timezone, u.reminder_hour
    """
    return await db.fetchall(query, {"kind": kind, "last": last.isoformat()})


async def reminder_days(db: Database, first: date, last: date) -> list[Row]:
    """(user_id, due_on) for each day in [first, last] on which an open follow-up of someone
    who wants reminders falls due (one row per person and day)."""
    query = """
        SELECT DISTINCT f.user_id, f.due_on
        FROM follow_ups AS f
        JOIN users AS u ON u.user_id = f.user_id
        WHERE f.status IN ('pending', 'snoozed') AND f.due_on >= ? AND f.due_on <= ?
          AND u.reminders = 1 AND u.dm_closed_at IS NULL
    """
    return await db.fetchall(query, (first.isoformat(), last.isoformat()))


async def next_due_after(db: Database, after: date) -> str | None:
    """The earliest open due date after ``after`` among people who want reminders."""
    query = """
        SELECT min(f.due_on) FROM follow_ups AS f JOIN users AS u ON u.user_id = f.user_id
        WHERE f.status IN ('pending', 'snoozed') AND f.due_on > ?
          AND u.reminders = 1 AND u.dm_closed_at IS NULL
    """
    return await db.fetchval(query, (after.isoformat(),))


async def open_for_opportunity(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int
) -> list[Row]:
    """An opportunity's open follow-ups, soonest first (read inside a write transaction, so
    what is decided from them cannot be raced by a second press)."""
    query = """
        SELECT * FROM follow_ups
        WHERE user_id = ? AND opportunity_id = ? AND status IN ('pending', 'snoozed')
        ORDER BY due_on, follow_up_id
    """
    async with conn.execute(query, (user_id, opportunity_id)) as cursor:
        return list(await cursor.fetchall())
