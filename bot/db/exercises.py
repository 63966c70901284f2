"""Exercise runs and results."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.db.core import Database, Row, inserted_id, to_db

OPEN = ("active", "paused", "late")


async def insert_run(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    exercise_id: str,
    state: dict[str, Any],
    opportunity_id: int | None,
    guild_id: int | None,
    now: datetime,
) -> int:
    query = """
        INSERT INTO exercise_runs (user_id, exercise_id, status, state, opportunity_id, guild_id,
                                   started_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    """
    stamp = to_db(now)
    cursor = await conn.execute(
        query,
        (
            user_id,
            exercise_id,
            state["status"],
            json.dumps(state),
            opportunity_id,
            guild_id,
            stamp,
            stamp,
        ),
    )
    return inserted_id(cursor)


async def save_state(
    conn: aiosqlite.Connection,
    run_id: int,
    state: dict[str, Any],
    now: datetime,
    *,
    version: int,
) -> bool:
    """Save a run's state if it is still at ``version`` (the one read), and count the change.

    False when another change was saved in between: the caller's input belonged to a state
    that no longer exists, so nothing is written. Timestamps follow the status.
    """
    query = """
        UPDATE exercise_runs
        SET state = :state, status = :status, updated_at = :now, version = version + 1,
            paused_at = CASE WHEN :status = 'paused' THEN coalesce(paused_at, :now) END,
            completed_at = CASE WHEN :status IN ('completed', 'late')
                                THEN coalesce(completed_at, :now) END
        WHERE run_id = :run AND version = :version
    """
    cursor = await conn.execute(
        query,
        {
            "state": json.dumps(state),
            "status": state["status"],
            "now": to_db(now),
            "run": run_id,
            "version": version,
        },
    )
    return cursor.rowcount == 1


async def get_run(db: Database, user_id: int, run_id: int) -> Row | None:
    query = "SELECT * FROM exercise_runs WHERE run_id = ? AND user_id = ?"
    return await db.fetchone(query, (run_id, user_id))


async def open_run(db: Database, user_id: int, exercise_id: str) -> Row | None:
    query = """
        SELECT * FROM exercise_runs
        WHERE user_id = ? AND exercise_id = ? AND status IN ('active', 'paused')
    """
    return await db.fetchone(query, (user_id, exercise_id))


async def current_run(db: Database, user_id: int) -> Row | None:
    """The run a DM from this member continues: the most recently touched open one."""
    query = """
        SELECT * FROM exercise_runs
        WHERE user_id = ? AND status IN ('active', 'paused', 'late')
        ORDER BY updated_at DESC, run_id DESC LIMIT 1
    """
    return await db.fetchone(query, (user_id,))


async def runs_for_user(db: Database, user_id: int) -> list[Row]:
    query = "SELECT * FROM exercise_runs WHERE user_id = ? ORDER BY run_id"
    return await db.fetchall(query, (user_id,))


async def latest_completed(db: Database, user_id: int, exercise_id: str) -> Row | None:
    query = """
        SELECT * FROM exercise_runs
        WHERE user_id = ? AND exercise_id = ? AND status IN ('completed', 'late')
        ORDER BY completed_at DESC, run_id DESC LIMIT 1
    """
    return await db.fetchone(query, (user_id, exercise_id))


async def completed_runs(db: Database, user_id: int) -> list[Row]:
    query = """
        SELECT * FROM exercise_runs
        WHERE user_id = ? AND status IN ('completed', 'late')
        ORDER BY completed_at, run_id
    """
    return await db.fetchall(query, (user_id,))


async def delete_run(conn: aiosqlite.Connection, run_id: int) -> None:
    query = "DELETE FROM exercise_runs WHERE run_id = ?"
    await conn.execute(query, (run_id,))


async def set_pending_effects(
    conn: aiosqlite.Connection, run_id: int, effects: list[dict[str, Any]] | None
) -> None:
    query = "UPDATE exercise_runs SET pending_effects = ? WHERE run_id = ?"
    await conn.execute(query, (json.dumps(effects) if effects else None, run_id))


async def take_pending_effects(
    conn: aiosqlite.Connection, user_id: int, run_id: int
) -> tuple[list[dict[str, Any]], int | None] | None:
    """The effects a finished run offered (and its opportunity), cleared in the same
    transaction, so two presses of "Create them" cannot both get them. None if none wait."""
    query = """
        SELECT pending_effects, opportunity_id FROM exercise_runs
        WHERE run_id = ? AND user_id = ? AND pending_effects IS NOT NULL
    """
    async with conn.execute(query, (run_id, user_id)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    await conn.execute(
        "UPDATE exercise_runs SET pending_effects = NULL WHERE run_id = ?", (run_id,)
    )
    return list(json.loads(row["pending_effects"])), row["opportunity_id"]


async def paused_before(db: Database, cutoff: datetime) -> list[Row]:
    query = """
        SELECT * FROM exercise_runs AS r
        WHERE r.status = 'paused' AND r.paused_at <= ? AND NOT EXISTS (
            SELECT 1 FROM deliveries AS d
            WHERE d.kind = 'exercise-nudge' AND d.target_id = r.run_id
        )
        ORDER BY r.paused_at
    """
    return await db.fetchall(query, (to_db(cutoff),))


async def earliest_pause(db: Database) -> str | None:
    """The oldest pause not yet nudged (the ledger says which were)."""
    query = """
        SELECT min(r.paused_at) FROM exercise_runs AS r
        WHERE r.status = 'paused' AND NOT EXISTS (
            SELECT 1 FROM deliveries AS d
            WHERE d.kind = 'exercise-nudge' AND d.target_id = r.run_id
        )
    """
    return await db.fetchval(query)


async def insert_result(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    run_id: int,
    exercise_id: str,
    kind: str,
    data: dict[str, Any],
    now: datetime,
) -> int:
    query = """
        INSERT INTO exercise_results (user_id, run_id, exercise_id, kind, data, created_at)
        VALUES (?, ?, ?, ?, ?, ?)
    """
    cursor = await conn.execute(
        query, (user_id, run_id, exercise_id, kind, json.dumps(data), to_db(now))
    )
    return inserted_id(cursor)


async def update_result(conn: aiosqlite.Connection, run_id: int, data: dict[str, Any]) -> None:
    query = "UPDATE exercise_results SET data = ? WHERE run_id = ?"
    await conn.execute(query, (json.dumps(data), run_id))


async def latest_result(db: Database, user_id: int, kind: str) -> Row | None:
    query = """
        SELECT * FROM exercise_results WHERE user_id = ? AND kind = ?
        ORDER BY created_at DESC, result_id DESC LIMIT 1
    """
    return await db.fetchone(query, (user_id, kind))


async def set_opportunity(conn: aiosqlite.Connection, run_id: int, opportunity_id: int) -> None:
    """The run is about this opportunity from now on (its interview was added to the pipeline)."""
    query = "UPDATE exercise_runs SET opportunity_id = ? WHERE run_id = ?"
    await conn.execute(query, (opportunity_id, run_id))


async def linked_runs(db: Database, user_id: int) -> list[Row]:
    """The member's runs about opportunities (not cancelled), oldest first."""
    query = """
        SELECT run_id, opportunity_id, exercise_id, status FROM exercise_runs
        WHERE user_id = ? AND opportunity_id IS NOT NULL AND status != 'cancelled'
        ORDER BY run_id
    """
    return await db.fetchall(query, (user_id,))


async def latest_completed_about(
    db: Database, user_id: int, exercise_id: str, opportunity_id: int | None
) -> Row | None:
    """The latest finished run of an exercise about this opportunity (any, with None)."""
    query = """
        SELECT * FROM exercise_runs
        WHERE user_id = ? AND exercise_id = ? AND status IN ('completed', 'late')
          AND (CAST(? AS BIGINT) IS NULL OR opportunity_id = ?)
        ORDER BY completed_at DESC, run_id DESC LIMIT 1
    """
    return await db.fetchone(query, (user_id, exercise_id, opportunity_id, opportunity_id))
