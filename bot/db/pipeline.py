"""Opportunities and their history."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, to_db


async def insert(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    company: str,
    role: str | None,
    stage: str,
    next_step: str | None,
    now: datetime,
    notes: str | None = None,
    last_contact: datetime | None = None,
) -> int:
    """Add an opportunity and its "created" event. Past the lead stage, its last contact is
    ``last_contact`` if known (an imported row's), else now."""
    query = """
        INSERT INTO opportunities (user_id, company, role, stage, next_step, last_contact_at,
                                   created_at, updated_at, notes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING opportunity_id
    """
    stamp = to_db(now)
    contact = to_db(last_contact) if last_contact else (stamp if stage != "lead" else None)
    async with conn.execute(
        query, (user_id, company, role, stage, next_step, contact, stamp, stamp, notes)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise RuntimeError("INSERT ... RETURNING gave no row")
    opportunity_id = int(row[0])
    await add_event(conn, opportunity_id, user_id, now, "created", stage=stage)
    return opportunity_id


async def add_event(
    conn: aiosqlite.Connection,
    opportunity_id: int,
    user_id: int,
    now: datetime,
    action: str,
    *,
    stage: str | None = None,
    outcome: str | None = None,
) -> None:
    query = """
        INSERT INTO opportunity_events (opportunity_id, user_id, at, action, stage, outcome)
        VALUES (?, ?, ?, ?, ?, ?)
    """
    await conn.execute(query, (opportunity_id, user_id, to_db(now), action, stage, outcome))


async def get(db: Database, user_id: int, opportunity_id: int) -> Row | None:
    query = "SELECT * FROM opportunities WHERE opportunity_id = ? AND user_id = ?"
    return await db.fetchone(query, (opportunity_id, user_id))


async def set_stage(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int, stage: str, now: datetime
) -> None:
    query = """
        UPDATE opportunities SET stage = ?, updated_at = ?, last_contact_at = ?
        WHERE opportunity_id = ? AND user_id = ?
    """
    stamp = to_db(now)
    await conn.execute(query, (stage, stamp, stamp, opportunity_id, user_id))
    await add_event(conn, opportunity_id, user_id, now, "moved", stage=stage)


async def close(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int, outcome: str, now: datetime
) -> bool:
    """Close an open opportunity; False when it was closed already (a second press)."""
    query = """
        UPDATE opportunities SET outcome = ?, closed_at = ?, updated_at = ?
        WHERE opportunity_id = ? AND user_id = ? AND closed_at IS NULL
    """
    stamp = to_db(now)
    cursor = await conn.execute(query, (outcome, stamp, stamp, opportunity_id, user_id))
    if cursor.rowcount != 1:
        return False
    await add_event(conn, opportunity_id, user_id, now, "closed", outcome=outcome)
    return True


async def touch_contact(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int, when: datetime
) -> None:
    """A win or a done follow-up on this opportunity counts as contact."""
    # The later of the two, in SQL both databases speak (SQLite's two-argument max() is
    # PostgreSQL's greatest()).
    query = """
        UPDATE opportunities
        SET last_contact_at = CASE WHEN last_contact_at IS NULL OR last_contact_at < ?
                                   THEN ? ELSE last_contact_at END
        WHERE opportunity_id = ? AND user_id = ?
    """
    stamp = to_db(when)
    await conn.execute(query, (stamp, stamp, opportunity_id, user_id))
    await add_event(conn, opportunity_id, user_id, when, "contact")


async def open_for_user(db: Database, user_id: int) -> list[Row]:
    query = """
        SELECT o.*, (
            SELECT min(f.due_on) FROM follow_ups AS f
            WHERE f.opportunity_id = o.opportunity_id AND f.status IN ('pending', 'snoozed')
        ) AS next_follow_up
        FROM opportunities AS o
        WHERE o.user_id = ? AND o.closed_at IS NULL
        ORDER BY o.updated_at DESC, o.opportunity_id DESC
    """
    return await db.fetchall(query, (user_id,))


async def search_open(db: Database, user_id: int, text: str, limit: int = 25) -> list[Row]:
    # lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's does not.
    query = """
        SELECT opportunity_id, company, role, stage FROM opportunities
        WHERE user_id = ? AND closed_at IS NULL
          AND (lower(company) LIKE lower('%' || ? || '%') ESCAPE '\\'
               OR lower(role) LIKE lower('%' || ? || '%') ESCAPE '\\')
        ORDER BY updated_at DESC, opportunity_id DESC
        LIMIT ?
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await db.fetchall(query, (user_id, escaped, escaped, limit))


async def open_titles(conn: aiosqlite.Connection, user_id: int) -> list[Row]:
    """Company and role of every open opportunity, read inside a write transaction (so an
    import decides what is a duplicate from what cannot change under it)."""
    query = "SELECT company, role FROM opportunities WHERE user_id = ? AND closed_at IS NULL"
    async with conn.execute(query, (user_id,)) as cursor:
        return list(await cursor.fetchall())


async def for_export(db: Database, user_id: int) -> list[Row]:
    """Open opportunities in the order they were added, with what the CSV export writes."""
    query = """
        SELECT company, role, stage, last_contact_at, next_step, notes FROM opportunities
        WHERE user_id = ? AND closed_at IS NULL
        ORDER BY opportunity_id
    """
    return await db.fetchall(query, (user_id,))


async def in_the_works(db: Database, user_id: int) -> int:
    query = """
        SELECT count(*) FROM opportunities
        WHERE user_id = ? AND closed_at IS NULL AND stage != 'lead'
    """
    return int(await db.fetchval(query, (user_id,)))


async def set_target_check(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int, check: str
) -> None:
    query = "UPDATE opportunities SET target_check = ? WHERE opportunity_id = ? AND user_id = ?"
    await conn.execute(query, (check, opportunity_id, user_id))


async def set_interview(
    conn: aiosqlite.Connection,
    user_id: int,
    opportunity_id: int,
    interview_on: date,
    next_step: str,
    now: datetime,
) -> bool:
    """Record an interview date (the interview-day card's day) and make it the next step;
    False when the opportunity is not this member's."""
    query = """
        UPDATE opportunities SET interview_on = ?, next_step = ?, updated_at = ?
        WHERE opportunity_id = ? AND user_id = ?
    """
    cursor = await conn.execute(
        query, (interview_on.isoformat(), next_step, to_db(now), opportunity_id, user_id)
    )
    return cursor.rowcount == 1


async def open_before_closing(db: Database, user_id: int, closed_id: int) -> list[int]:
    """Open opportunities created before ``closed_id`` was closed (by the order of events,
    which two things done in the same instant still have)."""
    query = """
        SELECT o.opportunity_id FROM opportunities AS o
        JOIN opportunity_events AS e
          ON e.opportunity_id = o.opportunity_id AND e.action = 'created'
        WHERE o.user_id = ? AND o.closed_at IS NULL
          AND e.event_id < (SELECT max(c.event_id) FROM opportunity_events AS c
                            WHERE c.opportunity_id = ? AND c.user_id = ? AND c.action = 'closed')
    """
    rows = await db.fetchall(query, (user_id, closed_id, user_id))
    return [row[0] for row in rows]
