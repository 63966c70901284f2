"""Wins: the next-interview moments members log."""

from __future__ import annotations

import logging
from datetime import date, datetime

import aiosqlite

from bot.db.core import Database, Row, inserted_id, to_db

log = logging.getLogger(__name__)


async def insert(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    kind: str,
    who: str,
    note: str | None,
    share_who: bool,
    happened_on: date,
    happened_at: datetime,
    opportunity_id: int | None,
    now: datetime,
) -> int:
    query = """
        INSERT INTO wins (user_id, kind, who, note, share_who, happened_on, happened_at,
                          opportunity_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    """
    cursor = await conn.execute(
        query,
        (
            user_id,
            kind,
            who,
            note,
            int(share_who),
            happened_on.isoformat(),
            to_db(happened_at),
            opportunity_id,
            to_db(now),
        ),
    )
    return inserted_id(cursor)


async def recent_same(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    kind: str,
    who: str,
    note: str | None,
    happened_on: date,
    opportunity_id: int | None,
    since: datetime,
) -> int | None:
    """The id of an identical win the member logged since ``since``, if any."""
    query = """
        SELECT win_id FROM wins
        WHERE user_id = ? AND kind = ? AND who = ? AND coalesce(note, '') = coalesce(?, '')
          AND happened_on = ? AND coalesce(opportunity_id, 0) = coalesce(?, 0)
          AND created_at >= ?
        ORDER BY win_id DESC LIMIT 1
    """
    params = (user_id, kind, who, note, happened_on.isoformat(), opportunity_id, to_db(since))
    async with conn.execute(query, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def get(db: Database, user_id: int, win_id: int) -> Row | None:
    query = "SELECT * FROM wins WHERE win_id = ? AND user_id = ?"
    return await db.fetchone(query, (win_id, user_id))


async def delete(conn: aiosqlite.Connection, user_id: int, win_id: int) -> bool:
    query = "DELETE FROM wins WHERE win_id = ? AND user_id = ?"
    cursor = await conn.execute(query, (win_id, user_id))
    return cursor.rowcount == 1


async def list_for_user(
    db: Database, user_id: int, since: date | None, limit: int = 500
) -> list[Row]:
    """A member's wins that happened on ``since`` or later (all for None), latest first."""
    query = """
        SELECT * FROM wins
        WHERE user_id = ? AND happened_on >= coalesce(?, '')
        ORDER BY happened_on DESC, happened_at DESC, win_id DESC
        LIMIT ?
    """
    return await db.fetchall(query, (user_id, since.isoformat() if since else None, limit))


async def count_on_days(db: Database, user_id: int, first: date, end: date) -> int:
    """A member's wins that happened on a day in [first, end)."""
    query = """
        SELECT count(*) FROM wins WHERE user_id = ? AND happened_on >= ? AND happened_on < ?
    """
    return int(await db.fetchval(query, (user_id, first.isoformat(), end.isoformat())))


async def days_since(db: Database, user_id: int, first: date) -> list[date]:
    """The days a member's wins happened on, from ``first`` (weeks, streaks, charts).

    A row whose day cannot be read (a damaged or hand-edited database) is left out and logged:
    one bad row must not stop a member's stats or a group's leaderboard.
    """
    query = "SELECT win_id, happened_on FROM wins WHERE user_id = ? AND happened_on >= ?"
    days = []
    for row in await db.fetchall(query, (user_id, first.isoformat())):
        try:
            days.append(date.fromisoformat(row[1]))
        except (TypeError, ValueError):
            log.error("Win %s has an unreadable day %r; left out", row[0], str(row[1])[:40])
    return days


async def totals_by_kind(db: Database, user_id: int) -> dict[str, int]:
    query = "SELECT kind, count(*) FROM wins WHERE user_id = ? GROUP BY kind"
    return {row[0]: row[1] for row in await db.fetchall(query, (user_id,))}


# A group's wins are counted by the day each happened as its member lived it: a group's week is
# [monday, monday + 7 days) of those days, whatever the zones of the group and the member.


async def group_kind_totals(db: Database, guild_id: int, first: date, end: date) -> dict[str, int]:
    """Wins of the group's members on days in [first, end), per kind (hidden members
    included: the group's total is not a ranking)."""
    query = """
        SELECT kind, count(*) FROM group_wins
        WHERE guild_id = ? AND happened_on >= ? AND happened_on < ?
        GROUP BY kind
    """
    params = (guild_id, first.isoformat(), end.isoformat())
    return {row[0]: row[1] for row in await db.fetchall(query, params)}


async def group_wins_per_member(
    db: Database, guild_id: int, first: date, end: date
) -> dict[int, int]:
    """How many wins each member of the group has on days in [first, end)."""
    query = """
        SELECT user_id, count(*) FROM group_wins
        WHERE guild_id = ? AND happened_on >= ? AND happened_on < ?
        GROUP BY user_id
    """
    params = (guild_id, first.isoformat(), end.isoformat())
    return {row[0]: row[1] for row in await db.fetchall(query, params)}


async def group_leaders(
    db: Database,
    guild_id: int,
    first: date,
    end: date,
    points: dict[str, int],
    *,
    limit: int = 10,
) -> list[Row]:
    """Top members by points on days in [first, end), without those who hide from the board;
    ties go to whoever got there first. ``points`` maps every win kind to its value here."""
    query = """
        SELECT user_id,
               sum(CASE kind WHEN 'networking' THEN :networking WHEN 'intro' THEN :intro
                             WHEN 'follow-up' THEN :follow_up
                             WHEN 'informational' THEN :informational
                             WHEN 'interview' THEN :interview WHEN 'offer' THEN :offer
                             ELSE 0 END) AS points,
               count(*) AS wins,
               max(happened_at) AS reached_at
        FROM group_wins
        WHERE guild_id = :guild AND happened_on >= :first AND happened_on < :end
          AND user_id NOT IN (SELECT user_id FROM members WHERE guild_id = :guild AND hidden = 1)
        GROUP BY user_id
        ORDER BY points DESC, reached_at ASC, user_id ASC
        LIMIT :limit
    """
    params = {
        "guild": guild_id,
        "first": first.isoformat(),
        "end": end.isoformat(),
        "limit": limit,
        **{kind.replace("-", "_"): value for kind, value in points.items()},
    }
    return await db.fetchall(query, params)


async def offers_of(conn: aiosqlite.Connection, user_id: int) -> list[Row]:
    """A member's offer wins: who with and the opportunity each belongs to."""
    query = "SELECT win_id, who, opportunity_id FROM wins WHERE user_id = ? AND kind = 'offer'"
    async with conn.execute(query, (user_id,)) as cursor:
        return list(await cursor.fetchall())


async def group_last_win_days(db: Database, guild_id: int) -> dict[int, str]:
    """The day of each member's latest win, as they lived it (ISO dates)."""
    query = """
        SELECT user_id, max(happened_on) FROM group_wins
        WHERE guild_id = ? AND happened_on BETWEEN '0000-00-00' AND '9999-99-99'
        GROUP BY user_id
    """
    return {row[0]: row[1] for row in await db.fetchall(query, (guild_id,))}
