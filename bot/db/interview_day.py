"""Interview days: which recorded interviews are due their morning card, the thank-you note
that follows each, and the member's switch for the cards."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, to_db
from bot.db.people import DEFAULT_ZONE_SQL

CARD_KIND = "interview-day"  # deliveries.kind of the card; its period is the interview date


async def set_cards(conn: aiosqlite.Connection, user_id: int, enabled: bool) -> None:
    query = "UPDATE users SET interview_cards = ? WHERE user_id = ?"
    await conn.execute(query, (int(enabled), user_id))


async def cards_wanted(db: Database, user_id: int) -> bool:
    """Whether the member still wants cards and can get DMs (checked again at send time)."""
    query = """
        SELECT interview_cards = 1 AND dm_closed_at IS NULL FROM users WHERE user_id = ?
    """
    return bool(await db.fetchval(query, (user_id,)))


async def due_between(db: Database, first: date, last: date) -> list[Row]:
    """Open opportunities with an interview in [first, last] whose card is not in the ledger
    yet, for members who want cards, with the member's zone."""
    query = f"""
        SELECT o.opportunity_id, o.user_id, o.interview_on,
               coalesce(u.timezone, {DEFAULT_ZONE_SQL}) AS timezone
        FROM opportunities AS o
        JOIN users AS u ON u.user_id = o.user_id
        WHERE o.closed_at IS NULL AND o.interview_on BETWEEN ? AND ?
          AND u.interview_cards = 1 AND u.dm_closed_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM deliveries AS d
              WHERE d.kind = ? AND d.target_id = o.opportunity_id
                AND d.period = o.interview_on
          )
        ORDER BY o.interview_on
    """  # noqa: S608 - a constant fragment
    return await db.fetchall(query, (first.isoformat(), last.isoformat(), CARD_KIND))


async def next_after(db: Database, after: date) -> str | None:
    """The earliest interview date after ``after`` among members who want cards."""
    query = """
        SELECT min(o.interview_on) FROM opportunities AS o
        JOIN users AS u ON u.user_id = o.user_id
        WHERE o.closed_at IS NULL AND o.interview_on > ?
          AND u.interview_cards = 1 AND u.dm_closed_at IS NULL
    """
    return await db.fetchval(query, (after.isoformat(),))


async def opportunity_in(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int
) -> Row | None:
    """The opportunity as this transaction sees it."""
    query = "SELECT * FROM opportunities WHERE opportunity_id = ? AND user_id = ?"
    async with conn.execute(query, (opportunity_id, user_id)) as cursor:
        return await cursor.fetchone()


async def thank_yous(
    conn: aiosqlite.Connection, user_id: int, opportunity_id: int, reason: str
) -> list[Row]:
    """The thank-you follow-ups of an opportunity, any status, oldest first."""
    query = """
        SELECT follow_up_id, due_on, status FROM follow_ups
        WHERE user_id = ? AND opportunity_id = ? AND reason = ?
        ORDER BY follow_up_id
    """
    async with conn.execute(query, (user_id, opportunity_id, reason)) as cursor:
        return list(await cursor.fetchall())


async def move_follow_up(
    conn: aiosqlite.Connection, user_id: int, follow_up_id: int, due_on: date, now: datetime
) -> None:
    """An open follow-up to a new day (the interview it thanks for moved)."""
    query = """
        UPDATE follow_ups SET due_on = ?, updated_at = ?
        WHERE follow_up_id = ? AND user_id = ? AND status IN ('pending', 'snoozed')
    """
    await conn.execute(query, (due_on.isoformat(), to_db(now), follow_up_id, user_id))
