"""What a member committed to at the check-ins of one week, in any of their groups."""

from __future__ import annotations

from datetime import date

from bot.db.core import Database, Row


async def commitments_of_week(db: Database, user_id: int, week: date) -> list[Row]:
    """The member's commitments for the week starting ``week`` (one per group at most)."""
    query = "SELECT guild_id, goal, updated_at FROM commitments WHERE user_id = ? AND week = ?"
    return await db.fetchall(query, (user_id, week.isoformat()))
