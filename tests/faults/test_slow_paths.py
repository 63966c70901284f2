"""A slow database never makes a command miss Discord's 3-second deadline, and a repeated
submission (the member pressing again because nothing seemed to happen) is a no-op (issue #9)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.app import Running
from bot.interactions import incident_text
from discord_emulator import Emulator, Person


@pytest.mark.sqlite_only  # holds the SQLite file with a second connection
async def test_win_answers_in_time_while_the_database_is_locked(
    emulator: Emulator, bot: Running, alice: Person, db_path: Path
) -> None:
    locker = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    loop = asyncio.get_running_loop()
    loop.call_later(4.0, locker.rollback)  # another program holds the file for 4 seconds
    try:
        reply = await alice.slash("win", kind="interview", who="Acme")
        assert reply.kind == "deferred"  # "thinking…" within the 3 seconds
        logged = await reply.followup(timeout=15)
    finally:
        await asyncio.sleep(0)
    locker.close()
    assert "Logged" in logged.text()
    again = await alice.slash("win", kind="interview", who="Acme")
    assert again.kind == "message"  # a fast answer is given directly
    assert again.message is not None and "already logged" in again.message.text()
    assert await bot.db.fetchval("SELECT count(*) FROM wins") == 1


async def test_the_incident_message_does_not_claim_nothing_was_saved(
    emulator: Emulator, bot: Running, alice: Person
) -> None:
    # After a failure the bot cannot know whether the write landed: it says how to check.
    text = incident_text("ABC123")
    assert "nothing was saved" not in text and "ABC123" in text
