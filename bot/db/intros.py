"""The introduction exchange: requests ("who knows someone at Globex?") and offers."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, inserted_id, to_db


async def open_count(db: Database, user_id: int) -> int:
    query = "SELECT count(*) FROM intro_requests WHERE user_id = ? AND status = 'open'"
    return int(await db.fetchval(query, (user_id,)))


async def insert_request(
    conn: aiosqlite.Connection,
    *,
    guild_id: int,
    user_id: int,
    company: str,
    role: str | None,
    why: str | None,
    now: datetime,
    expires_at: datetime,
) -> int:
    query = """
        INSERT INTO intro_requests (guild_id, user_id, company, role, why, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
    """
    cursor = await conn.execute(
        query, (guild_id, user_id, company, role, why, to_db(now), to_db(expires_at))
    )
    return inserted_id(cursor)


async def request(db: Database, request_id: int) -> Row | None:
    """A request with how many offers it has and whether one was accepted."""
    query = """
        SELECT r.*, g.name AS group_name,
               (SELECT count(*) FROM intro_offers AS o WHERE o.request_id = r.request_id)
                   AS offers,
               EXISTS (SELECT 1 FROM intro_offers AS o WHERE o.request_id = r.request_id
                       AND o.status IN ('accepted', 'made', 'not-made')) AS underway
        FROM intro_requests AS r JOIN guilds AS g ON g.guild_id = r.guild_id
        WHERE r.request_id = ?
    """
    return await db.fetchone(query, (request_id,))


async def close_request(
    conn: aiosqlite.Connection, request_id: int, status: str, now: datetime
) -> bool:
    """Move an open request to ``done`` or ``closed``; False when it was not open."""
    query = """
        UPDATE intro_requests SET status = ?, closed_at = ?
        WHERE request_id = ? AND status = 'open'
    """
    cursor = await conn.execute(query, (status, to_db(now), request_id))
    return cursor.rowcount == 1


async def insert_offer(
    conn: aiosqlite.Connection, request_id: int, guild_id: int, user_id: int, now: datetime
) -> int | None:
    """A helper's offer; None when they already offered on this request."""
    query = """
        INSERT INTO intro_offers (request_id, guild_id, user_id, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (request_id, user_id) DO NOTHING
    """
    cursor = await conn.execute(query, (request_id, guild_id, user_id, to_db(now)))
    return inserted_id(cursor) if cursor.rowcount == 1 else None


async def offer(db: Database, offer_id: int) -> Row | None:
    """An offer with its request (the request's columns are NULL once the asker deleted it)."""
    query = """
        SELECT o.offer_id, o.request_id, o.guild_id, o.user_id AS helper, o.status,
               o.created_at, o.decided_at, o.made_at,
               r.user_id AS asker, r.company, r.role, r.why, r.status AS request_status,
               g.name AS group_name, g.timezone, g.paused_until
        FROM intro_offers AS o
        LEFT JOIN intro_requests AS r ON r.request_id = o.request_id
        JOIN guilds AS g ON g.guild_id = o.guild_id
        WHERE o.offer_id = ?
    """
    return await db.fetchone(query, (offer_id,))


async def decide(
    conn: aiosqlite.Connection, offer_id: int, frm: str, to: str, now: datetime
) -> bool:
    """Compare-and-set an offer's status: one press of one button acts, a second finds it
    moved on."""
    stamp = to_db(now)
    query = """
        UPDATE intro_offers
        SET status = ?,
            decided_at = CASE WHEN ? IN ('accepted', 'declined') THEN ? ELSE decided_at END,
            made_at = CASE WHEN ? = 'made' THEN ? ELSE made_at END
        WHERE offer_id = ? AND status = ?
    """
    cursor = await conn.execute(query, (to, to, stamp, to, stamp, offer_id, frm))
    return cursor.rowcount == 1


# -- planning -----------------------------------------------------------------------------------


async def offers_to_send(db: Database, since: datetime) -> list[Row]:
    """Offers made since ``since`` that the asker was not yet told about (or whose DM failed,
    so the helper may need telling), with the asker."""
    query = """
        SELECT o.offer_id, o.guild_id, o.user_id AS helper, o.status, o.created_at,
               r.user_id AS asker,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'intro-offer'
                  AND d.target_id = o.offer_id AND d.period = 'offer') AS sent_status,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'intro-unreachable'
                  AND d.target_id = o.offer_id AND d.period = 'offer') AS note_status
        FROM intro_offers AS o JOIN intro_requests AS r ON r.request_id = o.request_id
        WHERE o.created_at >= ?
    """
    return await db.fetchall(query, (to_db(since),))


async def accepted_since(db: Database, since: datetime) -> list[Row]:
    """Offers accepted since ``since``, with where the helper's DM, its bounce note and the
    asker's follow-up question stand."""
    query = """
        SELECT o.offer_id, o.guild_id, o.user_id AS helper, o.status, o.decided_at,
               r.user_id AS asker, g.timezone, g.paused_until,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'intro-accepted'
                  AND d.target_id = o.offer_id AND d.period = 'accepted') AS sent_status,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'intro-unreachable'
                  AND d.target_id = o.offer_id AND d.period = 'accepted') AS note_status,
               (SELECT status FROM deliveries AS d WHERE d.kind = 'intro-followup'
                  AND d.target_id = o.offer_id AND d.period = 'week') AS asked_status
        FROM intro_offers AS o
        JOIN intro_requests AS r ON r.request_id = o.request_id
        JOIN guilds AS g ON g.guild_id = o.guild_id
        WHERE o.decided_at >= ? AND o.status IN ('accepted', 'made', 'not-made')
    """
    return await db.fetchall(query, (to_db(since),))


async def open_requests(db: Database) -> list[Row]:
    """Open requests, soonest to expire first, with the group's zone and pause."""
    query = """
        SELECT r.request_id, r.user_id, r.guild_id, r.expires_at, g.timezone, g.paused_until
        FROM intro_requests AS r JOIN guilds AS g ON g.guild_id = r.guild_id
        WHERE r.status = 'open'
        ORDER BY r.expires_at
    """
    return await db.fetchall(query)
