"""kill -9 and SIGTERM in the middle of a Monday fan-out (200 groups' check-ins and 400
reminder DMs, under Discord's 50 requests/s limit): after a restart, every post and every
reminder exists exactly once (issue #9: "kill -9 after 120 sends: 82 of 200 posts and 397 of
400 DMs lost").

The bot runs in its own process (``tests.faults.botproc``: ``nextinterview run`` on a clock
that starts on Monday at 09:00:30) against the emulator in this process. A hook in the
emulator kills it at the chosen instant: just before Discord stores the Nth message, or just
after Discord stored it and before the bot hears back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.local import make_token
from discord_emulator import Emulator, Guild, Person
from tests.faults.monday import seed

GROUPS = 200
MEMBERS = 400
KILL_AFTER = 120  # messages created before the crash (or the stop)
# Where kill -9 falls: the first message, the middle of the check-ins, deep in the DMs; each
# just before Discord stores the message and just after it did (before the bot heard back).
KILL_POINTS = [("before", 1), ("after", 1), ("before", 120), ("after", 120), ("after", 480)]
START = datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC)  # Monday: check-ins and reminders due
POSTS = r"/channels/\d+/messages"
RESTART_AFTER = timedelta(seconds=100)  # longer than a claim's lease: abandoned ones are free
SIGTERM_LIMIT = 10.0  # seconds the process may take to exit after SIGTERM
FINISH_TIMEOUT = 120.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(300),
    pytest.mark.sqlite_only,
]  # the rehearsal reads the SQLite ledger directly


@dataclass
class World:
    emulator: Emulator
    db_path: Path
    groups: list[Guild]
    people: list[Person]
    created: int = 0
    log: list[Path] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "SHARD_"))
        }
        env.update(
            DISCORD_TOKEN=self.emulator.token,
            DATABASE_PATH=str(self.db_path),
            DISCORD_API_BASE=self.emulator.api_base,
            DISCORD_GATEWAY_URL=self.emulator.gateway_url,
            LOG_LEVEL="WARNING",
        )
        return env

    async def start_bot(self, at: datetime) -> asyncio.subprocess.Process:
        log = self.db_path.with_name(f"bot-{len(self.log)}.log")
        self.log.append(log)
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.botproc",
            at.isoformat(),
            env=self.env(),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log.open("wb"),
        )

    def checkins(self) -> list[int]:
        return [self._count(g.channel("general").id, "Weekly check-in") for g in self.groups]

    def reminders(self) -> list[int]:
        counts = []
        for person in self.people:
            channel = person.dm_channel
            counts.append(0 if channel is None else self._count(channel.id, "Today's follow-ups"))
        return counts

    def _count(self, channel_id: int, text: str) -> int:
        channel = self.emulator.world.channels[channel_id]
        return sum(1 for m in channel.messages if m.from_bot and not m.deleted and text in m.text())

    def ledger(self) -> dict[str, int]:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute(
                "SELECT kind || ':' || status, count(*) FROM deliveries GROUP BY 1"
            ).fetchall()
        finally:
            conn.close()
        return dict(rows)

    async def finished(self) -> None:
        done = {"post:checkin:sent": GROUPS, "followup-dm:sent": MEMBERS}
        deadline = time.monotonic() + FINISH_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if self.ledger() == done:
                    return
            except sqlite3.OperationalError:
                pass  # busy for a moment: look again
            await asyncio.sleep(0.5)
        raise AssertionError(f"not everything was delivered: {self.ledger()}; logs {self.log}")

    def assert_exactly_once(self) -> None:
        checkins, reminders = self.checkins(), self.reminders()
        assert (checkins.count(0), reminders.count(0)) == (0, 0), "lost"
        assert max(checkins) == 1 and max(reminders) == 1, "duplicated"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    emulator = Emulator(token=make_token(), global_rate_limit=50)
    await emulator.start()
    try:
        groups = [emulator.add_guild(f"Cohort {n}") for n in range(GROUPS)]
        people = [
            emulator.add_person(f"member{n}", guilds=[groups[n % GROUPS]]) for n in range(MEMBERS)
        ]
        path = tmp_path / "nextinterview.db"
        await seed(path, groups, people)
        yield World(emulator, path, groups, people)
    finally:
        await emulator.stop()


def on_nth_message(world: World, phase: str, action: object, nth: int = KILL_AFTER) -> None:
    """Run ``action`` once, when the nth bot message is about to be (or was just) stored."""

    def hook() -> None:
        world.created += 1
        if world.created == nth:
            action()  # type: ignore[operator]

    world.emulator.on_request("POST", POSTS, phase, hook)


async def wait_for_exit(process: asyncio.subprocess.Process, limit: float) -> float:
    began = time.monotonic()
    await asyncio.wait_for(process.wait(), timeout=limit + 20)
    return time.monotonic() - began


@pytest.mark.parametrize(("phase", "nth"), KILL_POINTS, ids=[f"{p}-{n}" for p, n in KILL_POINTS])
async def test_kill_9_mid_fan_out_loses_nothing_and_repeats_nothing(
    world: World, phase: str, nth: int
) -> None:
    bot = await world.start_bot(START)
    killed = asyncio.Event()

    def kill() -> None:
        os.kill(bot.pid, signal.SIGKILL)  # at this very instant, mid-request
        killed.set()

    on_nth_message(world, phase, kill, nth)
    await asyncio.wait_for(killed.wait(), timeout=60)
    await bot.wait()
    assert bot.returncode == -signal.SIGKILL
    world.emulator.server.hooks.clear()
    began = time.monotonic()
    again = await world.start_bot(START + RESTART_AFTER + timedelta(seconds=10))
    try:
        await world.finished()
    finally:
        again.send_signal(signal.SIGTERM)
        await wait_for_exit(again, SIGTERM_LIMIT)
    world.assert_exactly_once()
    assert time.monotonic() - began < FINISH_TIMEOUT


@pytest.mark.parametrize("locked", [False, True], ids=["plain", "database locked"])
async def test_sigterm_mid_fan_out_exits_quickly_and_loses_nothing(
    world: World, locked: bool
) -> None:
    bot = await world.start_bot(START)
    asked = asyncio.Event()
    locker = sqlite3.connect(world.db_path, timeout=0, isolation_level=None)

    def stop() -> None:
        if locked:
            # Another program holds the database (a backup tool, a stuck migration...).
            locker.execute("BEGIN EXCLUSIVE")
        bot.send_signal(signal.SIGTERM)
        asked.set()

    on_nth_message(world, "after", stop)
    await asyncio.wait_for(asked.wait(), timeout=60)
    took = await wait_for_exit(bot, SIGTERM_LIMIT)
    if locked:
        locker.rollback()
    locker.close()
    assert bot.returncode == 0, world.log[-1].read_text()
    assert took < SIGTERM_LIMIT, f"SIGTERM took {took:.1f}s"
    world.emulator.server.hooks.clear()
    again = await world.start_bot(START + RESTART_AFTER + timedelta(seconds=10))
    try:
        await world.finished()
    finally:
        again.send_signal(signal.SIGTERM)
        await wait_for_exit(again, SIGTERM_LIMIT)
    world.assert_exactly_once()
