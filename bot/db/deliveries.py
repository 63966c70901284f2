"""The exactly-once ledger for everything the bot sends on its own (posts, reminders, nudges).

A row is the one delivery of (kind, target, period). Its life: ``claimed`` with a lease while
someone sends it, then ``sent``, ``retry`` (a transient failure: tried again at
``next_attempt_at``), ``failed`` (given up), ``skipped`` (nothing to send, or missed) or
``cancelled``. A ``claimed`` row whose lease ran out was abandoned by a crash or a stop and is
claimed again. Every change is a compare-and-set on the row's state, so two workers, two
processes or a worker that outlived its lease can never both act on one delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.db.core import Database, Row, from_db, to_db

UNFINISHED = ("claimed", "retry")


@dataclass(frozen=True, slots=True)
class Claimed:
    delivery_id: int
    kind: str
    target_id: int
    period: str
    due_at: datetime
    attempts: int
    user_id: int | None
    guild_id: int | None


def as_claimed(row: Row) -> Claimed:
    return Claimed(
        delivery_id=row["delivery_id"],
        kind=row["kind"],
        target_id=row["target_id"],
        period=row["period"],
        due_at=from_db(row["due_at"] or row["claimed_at"]),
        attempts=row["attempts"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
    )


async def claim(
    conn: aiosqlite.Connection,
    kind: str,
    target_id: int,
    period: str,
    now: datetime,
    *,
    lease_until: datetime,
    due_at: datetime | None = None,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> Claimed | None:
    """Take the delivery for sending: a new one, or one whose lease ran out or whose retry time
    came. None when it is finished, or someone else holds a live lease on it."""
    stamp, lease = to_db(now), to_db(lease_until)
    query = """
        INSERT INTO deliveries (kind, target_id, period, user_id, guild_id, status, due_at,
                                claimed_at, lease_until, attempts)
        VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, ?, 1)
        ON CONFLICT (kind, target_id, period) DO UPDATE SET
            status = 'claimed', claimed_at = excluded.claimed_at,
            lease_until = excluded.lease_until, attempts = deliveries.attempts + 1
        WHERE (deliveries.status = 'claimed' AND deliveries.lease_until <= excluded.claimed_at)
           OR (deliveries.status = 'retry' AND deliveries.next_attempt_at <= excluded.claimed_at)
        RETURNING *
    """
    params = (
        kind,
        target_id,
        period,
        user_id,
        guild_id,
        to_db(due_at or now),
        stamp,
        lease,
    )
    async with conn.execute(query, params) as cursor:
        row = await cursor.fetchone()
    return as_claimed(row) if row is not None else None


async def finish(
    conn: aiosqlite.Connection,
    delivery_id: int,
    attempts: int,
    status: str,
    now: datetime,
    *,
    message_id: int | None = None,
    detail: str | None = None,
    next_attempt_at: datetime | None = None,
) -> bool:
    """Record how the attempt ``attempts`` ended; False when that attempt no longer holds the
    delivery (its lease ran out and another worker took it over)."""
    query = """
        UPDATE deliveries
        SET status = ?, finished_at = CASE WHEN ? IN ('retry', 'claimed') THEN NULL ELSE ? END,
            message_id = coalesce(?, message_id), detail = ?, next_attempt_at = ?,
            lease_until = NULL
        WHERE delivery_id = ? AND status = 'claimed' AND attempts = ?
    """
    cursor = await conn.execute(
        query,
        (
            status,
            status,
            to_db(now),
            message_id,
            detail,
            to_db(next_attempt_at) if next_attempt_at else None,
            delivery_id,
            attempts,
        ),
    )
    return cursor.rowcount == 1


async def extend_leases(
    conn: aiosqlite.Connection, attempts: dict[int, int], lease_until: datetime
) -> None:
    """Keep the leases of claims still being sent (each at the attempt that holds it)."""
    query = """
        UPDATE deliveries SET lease_until = ?
        WHERE delivery_id = ? AND attempts = ? AND status = 'claimed'
    """
    await conn.executemany(
        query, [(to_db(lease_until), delivery_id, n) for delivery_id, n in attempts.items()]
    )


async def record_missed(
    conn: aiosqlite.Connection,
    kind: str,
    target_id: int,
    period: str,
    now: datetime,
    *,
    due_at: datetime,
    detail: str,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> bool:
    """Note a delivery that fell due too long ago to send (once; False if it was known)."""
    query = """
        INSERT INTO deliveries (kind, target_id, period, user_id, guild_id, status, due_at,
                                claimed_at, finished_at, detail)
        VALUES (?, ?, ?, ?, ?, 'skipped', ?, ?, ?, ?)
        ON CONFLICT (kind, target_id, period) DO NOTHING
    """
    stamp = to_db(now)
    cursor = await conn.execute(
        query, (kind, target_id, period, user_id, guild_id, to_db(due_at), stamp, stamp, detail)
    )
    return cursor.rowcount == 1


async def give_up_expired(
    conn: aiosqlite.Connection, kinds: Sequence[str], cutoffs: dict[str, datetime], now: datetime
) -> int:
    """Unfinished deliveries whose grace window closed become ``failed``."""
    changed = 0
    for kind in kinds:
        query = """
            UPDATE deliveries
            SET status = 'failed', finished_at = ?, lease_until = NULL,
                detail = 'not delivered within the grace window'
                         || coalesce(' (last problem: ' || detail || ')', '')
            WHERE kind = ? AND status IN ('claimed', 'retry') AND due_at < ?
              AND (status = 'retry' OR lease_until <= ?)
        """
        cursor = await conn.execute(query, (to_db(now), kind, to_db(cutoffs[kind]), to_db(now)))
        changed += max(cursor.rowcount, 0)
    return changed


async def ready_again(db: Database, kinds: Sequence[str], now: datetime) -> list[Row]:
    """Unfinished deliveries whose turn has come: abandoned leases and retries now due."""
    marks = ", ".join("?" for _ in kinds)
    query = f"""
        SELECT * FROM deliveries
        WHERE kind IN ({marks}) AND status IN ('claimed', 'retry')
          AND ((status = 'claimed' AND lease_until <= ?)
               OR (status = 'retry' AND next_attempt_at <= ?))
        ORDER BY due_at
    """  # noqa: S608 - placeholders only
    stamp = to_db(now)
    return await db.fetchall(query, (*kinds, stamp, stamp))


async def next_attempt(db: Database, kinds: Sequence[str]) -> datetime | None:
    """When the earliest unfinished delivery of ``kinds`` may be tried again."""
    marks = ", ".join("?" for _ in kinds)
    query = f"""
        SELECT min(CASE status WHEN 'claimed' THEN lease_until ELSE next_attempt_at END)
        FROM deliveries WHERE kind IN ({marks}) AND status IN ('claimed', 'retry')
    """  # noqa: S608 - placeholders only
    value = await db.fetchval(query, tuple(kinds))
    return from_db(value) if value else None


async def known_keys(db: Database, kind: str, periods: Iterable[str]) -> set[tuple[int, str]]:
    """(target, period) pairs of ``kind`` already in the ledger for these periods: one read
    instead of a write per item when most of a batch was handled before."""
    wanted = sorted(set(periods))
    if not wanted:
        return set()
    marks = ", ".join("?" for _ in wanted)
    query = f"""
        SELECT target_id, period FROM deliveries WHERE kind = ? AND period IN ({marks})
    """  # noqa: S608 - placeholders only
    return {(r[0], r[1]) for r in await db.fetchall(query, (kind, *wanted))}


async def problems(db: Database, guild_id: int, now: datetime, limit: int = 5) -> list[Row]:
    """A group's deliveries that failed, were skipped, wait for a retry or are stuck."""
    query = """
        SELECT kind, period, status, detail, claimed_at, due_at, attempts, next_attempt_at
        FROM deliveries
        WHERE guild_id = ?
          AND (status IN ('failed', 'skipped', 'retry')
               OR (status = 'claimed' AND lease_until <= ?))
        ORDER BY coalesce(due_at, claimed_at) DESC LIMIT ?
    """
    return await db.fetchall(query, (guild_id, to_db(now), limit))


async def retry_now_for_guild(conn: aiosqlite.Connection, guild_id: int, now: datetime) -> None:
    """A group fixed its setup (a new channel): its waiting retries may go at once."""
    query = """
        UPDATE deliveries SET next_attempt_at = ?
        WHERE guild_id = ? AND status = 'retry' AND next_attempt_at > ?
    """
    await conn.execute(query, (to_db(now), guild_id, to_db(now)))
