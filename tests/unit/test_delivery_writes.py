"""A run of a delivery job that finds everything already handled writes nothing (issue #9:
"each reminder poke rewrites every claim: with 5,000 due, a later poke spends 1.5 s on 5,000
write transactions under the single writer")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.db import Database, to_db
from bot.services import followups
from bot.services.delivery import Claim, Courier, Outcome, Result

MEMBERS = 5_000
NOW = datetime(2026, 11, 16, 9, 5, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        stamp = to_db(datetime(2026, 11, 15, tzinfo=UTC))
        await database.executemany(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?)",
            [(n, stamp) for n in range(1, MEMBERS + 1)],
        )
        await database.executemany(
            "INSERT INTO follow_ups (user_id, person, reason, due_on, created_at, updated_at) "
            "VALUES (?, 'Dana', 'Follow up', '2026-11-16', ?, ?)",
            [(n, stamp, stamp) for n in range(1, MEMBERS + 1)],
        )
        yield database


def count_transactions(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counter = [0]
    original = db.transaction

    @asynccontextmanager
    async def counted() -> AsyncIterator[Any]:
        counter[0] += 1
        async with original() as conn:
            yield conn

    monkeypatch.setattr(db, "transaction", counted)
    return counter


async def run_once(db: Database) -> int:
    sent = 0

    async def send(claim: Claim) -> Result:
        nonlocal sent
        sent += 1
        return Result(Outcome.SENT, message_id=claim.delivery_id)

    due, _ = await followups.due_reminders(db, NOW)
    await Courier(db, ManualClock(NOW), fanout=64).deliver(followups.REMINDER_KINDS, due, send)
    return sent


async def test_a_second_run_finds_everything_sent_and_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await run_once(db) == MEMBERS
    writes = count_transactions(db, monkeypatch)
    assert await run_once(db) == 0
    assert writes[0] == 0, f"{writes[0]} write transactions for nothing to send"
