"""Queries shared by the group-network features: the group's switches for them, and the
week's counts the recap and the leaderboard show."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, to_db


async def group(db: Database, guild_id: int) -> Row | None:
    query = """
        SELECT guild_id, name, timezone, channel_id, left_at, paused_until, partners,
               partner_weeks, partner_anchor, exchange
        FROM guilds WHERE guild_id = ?
    """
    return await db.fetchone(query, (guild_id,))


async def set_partners(
    conn: aiosqlite.Connection, guild_id: int, on: bool, weeks: int, anchor: str | None
) -> None:
    query = """
        UPDATE guilds
        SET partners = ?, partner_weeks = ?, partner_anchor = coalesce(?, partner_anchor)
        WHERE guild_id = ?
    """
    await conn.execute(query, (int(on), weeks, anchor, guild_id))


async def set_exchange(conn: aiosqlite.Connection, guild_id: int, on: bool) -> None:
    query = "UPDATE guilds SET exchange = ? WHERE guild_id = ?"
    await conn.execute(query, (int(on), guild_id))


async def cheers_given_between(db: Database, guild_id: int, start: datetime, end: datetime) -> int:
    query = """
        SELECT count(*) FROM cheers WHERE guild_id = ? AND created_at >= ? AND created_at < ?
    """
    return int(await db.fetchval(query, (guild_id, to_db(start), to_db(end))))


async def pairs_met_between(db: Database, guild_id: int, start: datetime, end: datetime) -> int:
    """Pairs (or trios) whose first "yes, we connected" fell in [start, end)."""
    query = """
        SELECT count(*) FROM (
            SELECT min(answered_at) AS first_yes FROM partner_pairs
            WHERE guild_id = ? AND answer = 'yes'
            GROUP BY cycle, pair_no
        ) AS pairs WHERE first_yes >= ? AND first_yes < ?
    """
    return int(await db.fetchval(query, (guild_id, to_db(start), to_db(end))))


async def introductions_between(db: Database, guild_id: int, start: datetime, end: datetime) -> int:
    query = """
        SELECT count(*) FROM intro_offers
        WHERE guild_id = ? AND status = 'made' AND made_at >= ? AND made_at < ?
    """
    return int(await db.fetchval(query, (guild_id, to_db(start), to_db(end))))


async def encouragers_between(
    db: Database, guild_id: int, start: datetime, end: datetime
) -> list[Row]:
    """Members not hidden in the group, with the cheers they gave and the introductions they
    made in [start, end), most first."""
    query = """
        SELECT given.user_id, sum(given.cheers) AS cheers, sum(given.intros) AS intros
        FROM (
            SELECT user_id, count(*) AS cheers, 0 AS intros FROM cheers
            WHERE guild_id = :guild AND created_at >= :start AND created_at < :end
            GROUP BY user_id
            UNION ALL
            SELECT user_id, 0, count(*) FROM intro_offers
            WHERE guild_id = :guild AND status = 'made' AND made_at >= :start AND made_at < :end
            GROUP BY user_id
        ) AS given
        JOIN members AS m ON m.guild_id = :guild AND m.user_id = given.user_id AND m.hidden = 0
        GROUP BY given.user_id
        ORDER BY sum(given.cheers) + sum(given.intros) DESC, given.user_id
    """
    params = {"guild": guild_id, "start": to_db(start), "end": to_db(end)}
    return await db.fetchall(query, params)


async def introductions_made_by(db: Database, user_id: int) -> int:
    query = "SELECT count(*) FROM intro_offers WHERE user_id = ? AND status = 'made'"
    return int(await db.fetchval(query, (user_id,)))
