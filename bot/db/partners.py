"""Accountability partners: who joined, who they avoid, the pairs of each cycle and their
check-in answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.db.core import Database, Row, to_db


async def _all(conn: aiosqlite.Connection, query: str, params: Sequence[Any]) -> list[Row]:
    async with conn.execute(query, params) as cursor:
        return list(await cursor.fetchall())


# -- membership --------------------------------------------------------------------------------


async def membership(db: Database, guild_id: int, user_id: int) -> Row | None:
    query = "SELECT * FROM partner_members WHERE guild_id = ? AND user_id = ?"
    return await db.fetchone(query, (guild_id, user_id))


async def join(conn: aiosqlite.Connection, guild_id: int, user_id: int, now: datetime) -> None:
    """Join pairing, or come back after a pause (the unanswered count starts again)."""
    query = """
        INSERT INTO partner_members (guild_id, user_id, joined_at) VALUES (?, ?, ?)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET paused_cycle = NULL, unanswered = 0
    """
    await conn.execute(query, (guild_id, user_id, to_db(now)))


async def leave(conn: aiosqlite.Connection, guild_id: int, user_id: int) -> bool:
    query = "DELETE FROM partner_members WHERE guild_id = ? AND user_id = ?"
    cursor = await conn.execute(query, (guild_id, user_id))
    return cursor.rowcount == 1


async def rejoin(conn: aiosqlite.Connection, guild_id: int, user_id: int) -> bool:
    """Unpause a member paused for unanswered check-ins; False if they were not paused."""
    query = """
        UPDATE partner_members SET paused_cycle = NULL, unanswered = 0
        WHERE guild_id = ? AND user_id = ? AND paused_cycle IS NOT NULL
    """
    cursor = await conn.execute(query, (guild_id, user_id))
    return cursor.rowcount == 1


async def add_avoid(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, avoid_id: int, now: datetime
) -> None:
    query = """
        INSERT INTO partner_avoid (guild_id, user_id, avoid_id, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT DO NOTHING
    """
    await conn.execute(query, (guild_id, user_id, avoid_id, to_db(now)))


async def remove_avoid(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, avoid_id: int
) -> bool:
    query = "DELETE FROM partner_avoid WHERE guild_id = ? AND user_id = ? AND avoid_id = ?"
    cursor = await conn.execute(query, (guild_id, user_id, avoid_id))
    return cursor.rowcount == 1


async def avoided_by(db: Database, guild_id: int, user_id: int) -> list[int]:
    query = "SELECT avoid_id FROM partner_avoid WHERE guild_id = ? AND user_id = ? ORDER BY 1"
    return [r[0] for r in await db.fetchall(query, (guild_id, user_id))]


# -- a cycle's pairing (inside its transaction) -----------------------------------------------


async def cycle_exists(conn: aiosqlite.Connection, guild_id: int, cycle: str) -> bool:
    query = "SELECT 1 FROM partner_pairs WHERE guild_id = ? AND cycle = ? LIMIT 1"
    return bool(await _all(conn, query, (guild_id, cycle)))


async def previous_answers(conn: aiosqlite.Connection, guild_id: int, cycle: str) -> list[Row]:
    """The cycle before ``cycle``: each member's answer and whether their check-in was sent."""
    query = """
        SELECT p.cycle, p.user_id, p.answer, d.status AS asked
        FROM partner_pairs AS p
        LEFT JOIN deliveries AS d
          ON d.kind = 'partner-checkin' AND d.target_id = p.user_id
         AND d.period = p.guild_id || ':' || p.cycle
        WHERE p.guild_id = ?
          AND p.cycle = (SELECT max(cycle) FROM partner_pairs WHERE guild_id = ? AND cycle < ?)
    """
    return await _all(conn, query, (guild_id, guild_id, cycle))


async def count_answer(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, cycle: str, unanswered: bool | None
) -> None:
    """Count one cycle's check-in for a member once: True unanswered, False answered, None
    never asked (the count stays)."""
    # The casts tell PostgreSQL the parameter's type (a bare ``? IS NULL`` has none).
    query = """
        UPDATE partner_members
        SET unanswered = CASE WHEN CAST(? AS INTEGER) IS NULL THEN unanswered
                              WHEN CAST(? AS INTEGER) = 1 THEN unanswered + 1 ELSE 0 END,
            counted_cycle = ?
        WHERE guild_id = ? AND user_id = ? AND (counted_cycle IS NULL OR counted_cycle < ?)
    """
    flag = None if unanswered is None else int(unanswered)
    await conn.execute(query, (flag, flag, cycle, guild_id, user_id, cycle))


async def pause_unanswered(
    conn: aiosqlite.Connection, guild_id: int, cycle: str, limit: int
) -> None:
    query = """
        UPDATE partner_members SET paused_cycle = ?
        WHERE guild_id = ? AND unanswered >= ? AND paused_cycle IS NULL
    """
    await conn.execute(query, (cycle, guild_id, limit))


async def eligible(conn: aiosqlite.Connection, guild_id: int) -> list[int]:
    """Members to pair: joined, not paused, DMs not known to be closed."""
    query = """
        SELECT pm.user_id FROM partner_members AS pm
        JOIN users AS u ON u.user_id = pm.user_id
        WHERE pm.guild_id = ? AND pm.paused_cycle IS NULL AND u.dm_closed_at IS NULL
        ORDER BY pm.user_id
    """
    return [r[0] for r in await _all(conn, query, (guild_id,))]


async def recent_groups(
    conn: aiosqlite.Connection, guild_id: int, cycle: str, cycles: int
) -> list[list[int]]:
    """The groups of the ``cycles`` cycles before ``cycle``."""
    query = """
        SELECT cycle, pair_no, user_id FROM partner_pairs
        WHERE guild_id = ? AND cycle IN (
            SELECT DISTINCT cycle FROM partner_pairs WHERE guild_id = ? AND cycle < ?
            ORDER BY cycle DESC LIMIT ?
        )
        ORDER BY cycle, pair_no
    """
    groups: dict[tuple[str, int], list[int]] = {}
    for row in await _all(conn, query, (guild_id, guild_id, cycle, cycles)):
        groups.setdefault((row[0], row[1]), []).append(row[2])
    return list(groups.values())


async def avoid_couples(conn: aiosqlite.Connection, guild_id: int) -> list[tuple[int, int]]:
    query = "SELECT user_id, avoid_id FROM partner_avoid WHERE guild_id = ?"
    return [(r[0], r[1]) for r in await _all(conn, query, (guild_id,))]


async def insert_pairs(
    conn: aiosqlite.Connection,
    guild_id: int,
    cycle: str,
    weeks: int,
    groups: Iterable[Sequence[int]],
) -> None:
    query = """
        INSERT INTO partner_pairs (guild_id, cycle, pair_no, user_id, weeks) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING
    """
    rows = [
        (guild_id, cycle, number, user_id, weeks)
        for number, group in enumerate(groups, start=1)
        for user_id in group
    ]
    await conn.executemany(query, rows)


# -- reading pairs ------------------------------------------------------------------------------


async def last_cycle(db: Database, guild_id: int) -> str | None:
    query = "SELECT max(cycle) FROM partner_pairs WHERE guild_id = ?"
    return await db.fetchval(query, (guild_id,))


async def latest_pair_of(db: Database, guild_id: int, user_id: int) -> Row | None:
    query = """
        SELECT * FROM partner_pairs WHERE guild_id = ? AND user_id = ?
        ORDER BY cycle DESC LIMIT 1
    """
    return await db.fetchone(query, (guild_id, user_id))


async def pair_row(db: Database, guild_id: int, cycle: str, user_id: int) -> Row | None:
    query = "SELECT * FROM partner_pairs WHERE guild_id = ? AND cycle = ? AND user_id = ?"
    return await db.fetchone(query, (guild_id, cycle, user_id))


async def partners_of(db: Database, guild_id: int, cycle: str, user_id: int) -> list[int]:
    """The others in the member's pair or trio that cycle."""
    query = """
        SELECT other.user_id FROM partner_pairs AS mine
        JOIN partner_pairs AS other
          ON other.guild_id = mine.guild_id AND other.cycle = mine.cycle
         AND other.pair_no = mine.pair_no AND other.user_id != mine.user_id
        WHERE mine.guild_id = ? AND mine.cycle = ? AND mine.user_id = ?
        ORDER BY other.user_id
    """
    return [r[0] for r in await db.fetchall(query, (guild_id, cycle, user_id))]


async def failed_intros(
    db: Database, guild_id: int, cycle: str, user_ids: Sequence[int]
) -> list[int]:
    """Which of ``user_ids`` the bot could not reach with their pairing DM that cycle."""
    if not user_ids:
        return []
    marks = ", ".join("?" for _ in user_ids)
    query = f"""
        SELECT target_id FROM deliveries
        WHERE kind = 'partner-intro' AND period = ? AND status = 'failed'
          AND target_id IN ({marks})
        ORDER BY target_id
    """  # noqa: S608 - placeholders only
    return [r[0] for r in await db.fetchall(query, (f"{guild_id}:{cycle}", *user_ids))]


async def shared_plans(
    db: Database, guild_id: int, week: str, user_ids: Sequence[int]
) -> list[Row]:
    """Plans shared publicly at the week's check-in by members who are not hidden."""
    if not user_ids:
        return []
    marks = ", ".join("?" for _ in user_ids)
    query = f"""
        SELECT c.user_id, c.plan FROM commitments AS c
        JOIN members AS m ON m.guild_id = c.guild_id AND m.user_id = c.user_id AND m.hidden = 0
        WHERE c.guild_id = ? AND c.week = ? AND c.public = 1 AND c.plan IS NOT NULL
          AND c.user_id IN ({marks})
        ORDER BY c.user_id
    """  # noqa: S608 - placeholders only
    return await db.fetchall(query, (guild_id, week, *user_ids))


async def answer(
    conn: aiosqlite.Connection, guild_id: int, cycle: str, user_id: int, value: str, now: datetime
) -> bool:
    """Record a check-in answer; "yes" and "skip" are final, "not yet" can become either.
    False when nothing changed (answered already, or no such pairing)."""
    query = """
        UPDATE partner_pairs SET answer = ?, answered_at = ?
        WHERE guild_id = ? AND cycle = ? AND user_id = ?
          AND (answer IS NULL OR (answer = 'not-yet' AND ? != 'not-yet'))
    """
    cursor = await conn.execute(query, (value, to_db(now), guild_id, cycle, user_id, value))
    return cursor.rowcount == 1


# -- planning -----------------------------------------------------------------------------------


async def groups_with_partners(db: Database) -> list[Row]:
    query = """
        SELECT guild_id, timezone, paused_until, partner_weeks, partner_anchor FROM guilds
        WHERE partners = 1 AND left_at IS NULL AND partner_anchor IS NOT NULL
    """
    return await db.fetchall(query)


async def pairs_since(db: Database, since: str) -> list[Row]:
    """Every member's pairing since ``since`` in groups with partners on, with the group's
    zone and pause and where each of the member's messages stands in the ledger."""
    query = """
        SELECT p.guild_id, p.cycle, p.pair_no, p.user_id, p.weeks, p.answer,
               g.timezone, g.paused_until,
               (pm.user_id IS NOT NULL) AS still_joined,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'partner-intro'
                  AND d.target_id = p.user_id AND d.period = p.guild_id || ':' || p.cycle)
                   AS intro_status,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'partner-checkin'
                  AND d.target_id = p.user_id AND d.period = p.guild_id || ':' || p.cycle)
                   AS checkin_status,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'partner-unreachable'
                  AND d.target_id = p.user_id AND d.period = p.guild_id || ':' || p.cycle)
                   AS note_status
        FROM partner_pairs AS p
        JOIN guilds AS g ON g.guild_id = p.guild_id
        LEFT JOIN partner_members AS pm ON pm.guild_id = p.guild_id AND pm.user_id = p.user_id
        WHERE p.cycle >= ? AND g.partners = 1 AND g.left_at IS NULL
        ORDER BY p.guild_id, p.cycle, p.pair_no, p.user_id
    """
    return await db.fetchall(query, (since,))


async def paused_to_ask(db: Database) -> list[Row]:
    """Members paused for unanswered check-ins who were not asked yet whether to rejoin."""
    query = """
        SELECT pm.guild_id, pm.user_id, pm.paused_cycle, g.timezone FROM partner_members AS pm
        JOIN guilds AS g ON g.guild_id = pm.guild_id
        WHERE pm.paused_cycle IS NOT NULL AND g.partners = 1 AND g.left_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM deliveries AS d WHERE d.kind = 'partner-rejoin'
                AND d.target_id = pm.user_id AND d.period = pm.guild_id || ':' || pm.paused_cycle
          )
    """
    return await db.fetchall(query)
