"""Three bot processes, shards 0, 1 and 2 of 3, on one PostgreSQL database (issue #13): a
Monday's check-ins go out from the process holding each group's shard, reminders from
whichever process claims them first, DM exercises are served by shard 0's process; kill -9
one process in the middle and start it again: every post and reminder exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.local import make_token
from discord_emulator import Emulator, Guild, Person
from tests.databases import TEST_DATABASE_URL, create_database, drop_database
from tests.faults.monday import seed

pytestmark = [
    pytest.mark.skipif(TEST_DATABASE_URL is None, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
    pytest.mark.slow,
    pytest.mark.timeout(300),
]

SHARDS = 3
GROUPS = 30
MEMBERS = 3_000  # 100 per group
WITH_FOLLOW_UPS = 300  # members with a follow-up due on Monday: one reminder DM each
EXERCISERS = 6  # members who answer an exercise by DM while the fan-out runs
START = datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC)
KILL_AFTER = 60  # messages created before shard 1's process is killed
FINISH_TIMEOUT = 150.0


@dataclass
class Cluster:
    emulator: Emulator
    url: str
    groups: list[Guild]
    people: list[Person]
    logs: Path
    processes: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)
    created: int = 0

    async def start(self, shard: int, at: datetime) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DISCORD_", "DATABASE_", "SHARD_", "REST_"))
        }
        env.update(
            DISCORD_TOKEN=self.emulator.token,
            DATABASE_URL=self.url,
            DISCORD_API_BASE=self.emulator.api_base,
            DISCORD_GATEWAY_URL=self.emulator.gateway_url,
            SHARD_COUNT=str(SHARDS),
            SHARD_IDS=str(shard),
            LOG_LEVEL="WARNING",
        )
        log = (self.logs / f"shard-{shard}-{len(list(self.logs.iterdir()))}.log").open("wb")
        self.processes[shard] = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.botproc",
            at.isoformat(),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            await asyncio.wait_for(process.wait(), timeout=20)

    def count(self, channel_id: int, text: str) -> int:
        channel = self.emulator.world.channels[channel_id]
        return sum(1 for m in channel.messages if m.from_bot and not m.deleted and text in m.text())

    async def ledger(self) -> dict[str, int]:
        async with Database.open(self.url, migrate=False) as db:
            rows = await db.fetchall(
                "SELECT kind || ':' || status, count(*) FROM deliveries GROUP BY 1"
            )
        return {row[0]: row[1] for row in rows}

    async def finished(self) -> None:
        want = {"post:checkin:sent": GROUPS, "followup-dm:sent": WITH_FOLLOW_UPS}
        deadline = time.monotonic() + FINISH_TIMEOUT
        while time.monotonic() < deadline:
            got = await self.ledger()
            if all(got.get(k) == v for k, v in want.items()):
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"not everything was delivered: {await self.ledger()}; {self.logs}")


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    url = await create_database()
    emulator = Emulator(token=make_token(), global_rate_limit=50, shard_count=SHARDS)
    await emulator.start()
    logs = tmp_path / "logs"
    logs.mkdir()
    made = None
    try:
        groups = [emulator.add_guild(f"Cohort {n}") for n in range(GROUPS)]
        people = [emulator.add_person(f"m{n}", guilds=[groups[n % GROUPS]]) for n in range(MEMBERS)]
        await seed(url, groups, people[:WITH_FOLLOW_UPS])
        made = Cluster(emulator, url, groups, people, logs)
        yield made
    finally:
        if made is not None:
            await made.stop()
        await emulator.stop()
        await drop_database(url)


async def test_three_processes_one_database_exactly_once(cluster: Cluster) -> None:
    emulator = cluster.emulator
    killed = asyncio.Event()

    def kill_shard_1() -> None:
        cluster.created += 1
        if cluster.created == KILL_AFTER:
            os.kill(cluster.processes[1].pid, signal.SIGKILL)
            killed.set()

    emulator.on_request("POST", r"/channels/\d+/messages", "after", kill_shard_1)
    began = time.monotonic()
    for shard in range(SHARDS):
        await cluster.start(shard, START)
    await asyncio.wait_for(killed.wait(), timeout=90)
    await cluster.processes[1].wait()
    emulator.server.hooks.clear()
    # Back on the same clock as the others (synchronised, as in production): the dead
    # process's claims are taken over once their leases run out, by whichever process first.
    await cluster.start(1, START + timedelta(seconds=time.monotonic() - began))
    await emulator.wait_until_ready(timeout=60)

    # DM exercises while the fan-out finishes: started in each member's server (any shard),
    # answered in DMs (shard 0's process).
    exercisers = cluster.people[WITH_FOLLOW_UPS : WITH_FOLLOW_UPS + EXERCISERS]
    for person in exercisers:
        reply = await person.slash("exercise start", name="right-job")
        await reply.wait_message(timeout=15)
    before = {person.name: len(person.dm_messages) for person in exercisers}
    for person in exercisers:
        await person.dm("Head of Data")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(len(p.dm_messages) > before[p.name] for p in exercisers):
            break
        await asyncio.sleep(0.2)
    unanswered = [p.name for p in exercisers if len(p.dm_messages) <= before[p.name]]
    assert not unanswered, f"DM answers nobody replied to: {unanswered}"

    await cluster.finished()
    checkins = [cluster.count(g.channel("general").id, "Weekly check-in") for g in cluster.groups]
    reminders = [
        cluster.count(p.dm_channel.id, "Today's follow-ups") if p.dm_channel else 0
        for p in cluster.people[:WITH_FOLLOW_UPS]
    ]
    assert checkins == [1] * GROUPS, "lost or repeated check-ins"
    assert reminders == [1] * WITH_FOLLOW_UPS, "lost or repeated reminders"
