"""The Monday morning the process-level fault tests share (tests/faults/test_crash.py on one
SQLite process, tests/faults/test_shards.py on three PostgreSQL processes): groups set up on
Sunday evening, after the Sunday leaderboard, so Monday's check-ins are the only posts due, and
members with a follow-up due on Monday, so each gets one reminder DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.db import Database, to_db
from discord_emulator import Guild, Person

SUNDAY = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)


async def seed(target: Path | str, groups: Sequence[Guild], reminded: Sequence[Person]) -> None:
    """``groups`` with a channel chosen on Sunday; each of ``reminded`` with a follow-up due
    on Monday (``target``: a SQLite path or a PostgreSQL URL)."""
    stamp = to_db(SUNDAY)
    async with Database.open(target) as db:
        await db.executemany(
            "INSERT INTO guilds (guild_id, name, timezone, channel_id, joined_at, "
            "channel_set_at) VALUES (?, ?, 'UTC', ?, ?, ?)",
            [(g.id, g.name, g.channel("general").id, stamp, stamp) for g in groups],
        )
        await db.executemany(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?)",
            [(p.id, stamp) for p in reminded],
        )
        await db.executemany(
            "INSERT INTO follow_ups (user_id, person, reason, due_on, created_at, updated_at) "
            "VALUES (?, 'Dana', 'Follow up', '2026-11-16', ?, ?)",
            [(p.id, stamp, stamp) for p in reminded],
        )
