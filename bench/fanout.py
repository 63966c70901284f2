"""Fan-out under Discord's global limit: 1,000 groups' check-ins and 10,000 follow-up DMs.

Everything falls due at the same minute, through the emulator enforcing 50 requests/s. Prints
the total time against the rate-limit floor (requests / 50 per second; target within 1.15x),
duplicates (target 0), losses (target 0), the 429s met, and /help latency while it runs.
Run: ``.venv/bin/python bench/fanout.py`` (about 8 minutes; ``--scale 0.1`` for a quick look).

P3 (issue #13) is the same at ten times the size across processes on PostgreSQL:
``--scale 10 --processes 3 --database-url postgresql://.../empty_db``: each process runs
``nextinterview run``'s code holding one shard of three, all against one emulator whose global
limit is shared by every connection of the bot, as Discord's is.

The emulator lives in this process and keeps every request and message; its heap is frozen
every 10 s so that full garbage collections do not stall it (they did: 43 of 58 global 429s
at 3x scale came right after one). The report says how many ran and how long the longest
took; ``--collect-emulator`` leaves the heap to the collector, as before.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.db import Database, to_db
from bot.db.transfer import migrate_data
from bot.local import local_bot, make_token
from discord_emulator import Emulator, Person

MONDAY_0859 = datetime(2026, 11, 16, 8, 59, tzinfo=UTC)
LIMIT = 50


def seed(path: Path, groups: list[tuple[int, int]], people: list[tuple[int, int]]) -> None:
    """Groups with a channel, members with one follow-up due today each."""
    conn = sqlite3.connect(path)
    before = to_db(MONDAY_0859 - timedelta(days=7))
    # Channels chosen just now: only this Monday's check-in is due, nothing from last week.
    chosen = to_db(MONDAY_0859 - timedelta(minutes=1))
    conn.executemany(
        "INSERT INTO guilds (guild_id, name, joined_at, channel_id, channel_set_at) "
        "VALUES (?, 'bench', ?, ?, ?)",
        [(g, before, c, chosen) for g, c in groups],
    )
    conn.executemany(
        "INSERT INTO users (user_id, created_at) VALUES (?, ?)", [(u, before) for u, _ in people]
    )
    conn.executemany(
        "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)",
        [(g, u, before, before) for u, g in people],
    )
    # A recent win keeps inactivity nudges out of this measurement.
    conn.executemany(
        "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
        "VALUES (?, 'networking', 'x', '2026-11-15', ?, ?)",
        [(u, to_db(MONDAY_0859 - timedelta(days=1)), before) for u, _ in people],
    )
    conn.executemany(
        "INSERT INTO follow_ups (user_id, person, reason, due_on, created_at, updated_at) "
        "VALUES (?, 'Dana', 'Follow up', '2026-11-16', ?, ?)",
        [(u, before, before) for u, _ in people],
    )
    conn.commit()
    conn.close()


async def help_loop(person: Person, stop: asyncio.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        reply = await person.slash("help")
        assert reply.message is not None
        latencies.append(time.perf_counter() - began)
        await asyncio.sleep(0.2)


@dataclass
class Outcome:
    elapsed: float
    counted: int
    posts: Counter[int]
    dms: Counter[int]
    limited: int
    sent: list[tuple[object, ...]]
    latencies: list[float]


def tally(
    emulator: Emulator, since: int, limited_before: int
) -> tuple[int, Counter[int], Counter[int], int]:
    counted = [
        r
        for r in emulator.requests[since:]
        if "/interactions/" not in r.path and "/webhooks/" not in r.path
    ]
    posts = Counter(
        m.channel_id for m in emulator.sent_messages if m.guild_id and "check-in" in m.text()
    )
    dms = Counter(
        m.channel_id
        for m in emulator.sent_messages
        if m.guild_id is None and "follow-ups" in m.text()
    )
    return len(counted), posts, dms, emulator.rate_limited - limited_before


async def in_process(emulator: Emulator, db_path: Path, watcher: Person) -> Outcome:
    """One bot in this process on a manual clock (the default)."""
    clock = ManualClock(MONDAY_0859)
    async with local_bot(emulator, db_path, clock) as running:
        await running.scheduler.idle()
        requests_before = len(emulator.requests)
        limited_before = emulator.rate_limited
        stop, latencies = asyncio.Event(), []
        helper = asyncio.create_task(help_loop(watcher, stop, latencies))
        began = time.perf_counter()
        clock.set(MONDAY_0859 + timedelta(minutes=1, seconds=30))
        await running.scheduler.idle()
        elapsed = time.perf_counter() - began
        stop.set()
        await helper
        counted, posts, dms, limited = tally(emulator, requests_before, limited_before)
        sent = await running.db.fetchall(
            "SELECT kind, status, count(*) FROM deliveries GROUP BY kind, status"
        )
    return Outcome(elapsed, counted, posts, dms, limited, [tuple(r) for r in sent], latencies)


async def across_processes(
    emulator: Emulator,
    url: str,
    processes: int,
    watcher: Person,
    expected: int,
    logs: Path | None = None,
) -> Outcome:
    """``processes`` bot processes, shard i of ``processes`` each, on one PostgreSQL database,
    their clocks starting a little before 09:00 so that they are ready when it strikes."""
    lead = 20.0  # seconds of the rehearsal clock before 09:00: time to start and connect
    start = MONDAY_0859 + timedelta(seconds=60 - lead)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        DATABASE_URL=url,
        SHARD_COUNT=str(processes),
        LOG_LEVEL="INFO" if logs else "WARNING",
    )
    requests_before = len(emulator.requests)
    limited_before = emulator.rate_limited
    launched, since = time.monotonic(), datetime.now(UTC)
    bots = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.botproc",
            start.isoformat(),
            since.isoformat(),
            env={**env, "SHARD_IDS": str(shard)},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=(logs / f"shard-{shard}.log").open("wb") if logs else None,
        )
        for shard in range(processes)
    ]
    try:
        await emulator.wait_until_ready(timeout=lead)
        struck = launched + lead  # when the processes' clocks reach 09:00
        stop, latencies = asyncio.Event(), []
        helper = asyncio.create_task(help_loop(watcher, stop, latencies))
        async with Database.open(url, migrate=False) as db:
            while True:
                done = await db.fetchval(
                    "SELECT count(*) FROM deliveries WHERE status IN ('sent', 'failed')"
                )
                if done >= expected:
                    break
                await asyncio.sleep(1)
            sent = await db.fetchall(
                "SELECT kind, status, count(*) FROM deliveries GROUP BY kind, status"
            )
        stop.set()
        await helper
        counted, posts, dms, limited = tally(emulator, requests_before, limited_before)
        work = [
            r.time
            for r in emulator.requests[requests_before:]
            if r.time >= struck and "/interactions/" not in r.path and "/webhooks/" not in r.path
        ]
        elapsed = max(work) - struck
        counted = len(work)
    finally:
        for bot in bots:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
        for bot in bots:
            await bot.wait()
    return Outcome(elapsed, counted, posts, dms, limited, [tuple(r) for r in sent], latencies)


class HeapWatch:
    """When this process's full garbage collections ran and how long each took. The emulator
    lives here and keeps every request and message, so its heap only grows; a full collection
    walks all of it and stalls the emulator, whose answers then arrive in a burst."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float]] = []  # (monotonic start, seconds)
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        now = time.monotonic()
        if phase == "start":
            self._began = now
        else:
            self.pauses.append((self._began, now - self._began))

    def report(self, refused_at: list[float], long: float = 0.1) -> str:
        longest = max((d for _, d in self.pauses), default=0.0)
        stalls = [(t, d) for t, d in self.pauses if d >= long]
        after = sum(1 for r in refused_at if any(t <= r <= t + d + 2.0 for t, d in stalls))
        return (
            f"this process's full collections: {len(self.pauses)}, longest "
            f"{longest * 1000:.0f} ms, {len(stalls)} over {long * 1000:.0f} ms; "
            f"global 429s within 2 s of one: {after} of {len(refused_at)}"
        )


async def keep_heap_frozen(every: float = 10.0) -> None:
    """Move what the emulator has kept so far out of the collector's reach, again and again,
    so that no full collection walks it (the benchmark measures the bot, not this heap)."""
    while True:
        await asyncio.sleep(every)
        gc.freeze()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--processes", type=int, default=1, help="bot processes (shards)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (with --processes)")
    parser.add_argument("--logs", type=Path, help="keep each process's log (INFO) in this folder")
    parser.add_argument(
        "--collect-emulator",
        action="store_true",
        help="leave the emulator's heap to the garbage collector (as before: full collections "
        "stall it as it grows)",
    )
    args = parser.parse_args()
    if args.processes > 1 and not args.database_url:
        parser.error("several processes share a PostgreSQL database: give --database-url")
    n_groups = max(1, int(1000 * args.scale))
    n_people = max(1, int(10_000 * args.scale))
    emulator = Emulator(token=make_token(), global_rate_limit=LIMIT)
    await emulator.start()
    heap = HeapWatch()
    gc.callbacks.append(heap)
    freezer = None if args.collect_emulator else asyncio.create_task(keep_heap_frozen())
    try:
        guilds = [emulator.add_guild(f"group {i}", channels=("general",)) for i in range(n_groups)]
        people = [
            emulator.add_person(f"m{i}", guilds=[guilds[i % n_groups]]) for i in range(n_people)
        ]
        watcher = emulator.add_person("watcher", guilds=[guilds[0]])
        with tempfile.TemporaryDirectory() as scratch:
            db_path = Path(scratch) / "fanout.db"
            async with Database.open(db_path):
                pass
            seed(
                db_path,
                [(g.id, g.channel("general").id) for g in guilds],
                [(p.id, guilds[i % n_groups].id) for i, p in enumerate(people)],
            )
            if args.database_url:
                await migrate_data(db_path, args.database_url)
                outcome = await across_processes(
                    emulator,
                    args.database_url,
                    args.processes,
                    watcher,
                    n_groups + n_people,
                    args.logs,
                )
            else:
                outcome = await in_process(emulator, db_path, watcher)
    finally:
        if freezer is not None:
            freezer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await freezer
        gc.callbacks.remove(heap)
        await emulator.stop()
    floor = outcome.counted / LIMIT
    posts, dms = outcome.posts, outcome.dms
    duplicates = sum(c - 1 for c in posts.values() if c > 1) + sum(
        c - 1 for c in dms.values() if c > 1
    )
    losses = (n_groups - len(posts)) + (n_people - len(dms))
    ordered = sorted(outcome.latencies)
    where = f"{args.processes} process(es)" + (" on PostgreSQL" if args.database_url else "")
    print(
        f"{n_groups:,} check-ins, {n_people:,} reminder DMs, {where}: {outcome.counted:,} requests"
    )
    print(
        f"total {outcome.elapsed:.1f}s against a floor of {floor:.1f}s at {LIMIT}/s: "
        f"{outcome.elapsed / floor:.2f}x (target <= 1.15)"
    )
    print(
        f"duplicates {duplicates} (target 0), losses {losses} (target 0), "
        f"429s met {outcome.limited}"
    )
    print(f"deliveries: {outcome.sent}")
    print(heap.report(emulator.server.global_limiter.rejected_at))
    if ordered:
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"/help during the fan-out: median {statistics.median(ordered) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms over {len(ordered)} calls"
        )


if __name__ == "__main__":
    asyncio.run(main())
