"""Database time at scale: 1M wins across 100 groups, one of them with 10,000 members.

Measures what members and the weekly rhythm ask most: ``/me stats`` (every query it makes)
and a group's weekly tally. Target: each under 10 ms of database time. Prints the figures.
Run: ``.venv/bin/python bench/db_scale.py`` (building the data set takes a minute; it is kept
in ``--path`` and reused). With ``--database-url postgresql://...`` (P2 on PostgreSQL) the
same data set is copied there with ``nextinterview migrate-data``'s own code, timed, and the
same queries are measured against that database (an empty database is filled; one that
already holds the data set is reused).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.db import Database, to_db
from bot.db import wins as wins_db
from bot.db.postgres import redact
from bot.db.transfer import migrate_data
from bot.services import stats as stats_service
from bot.services.kinds import DEFAULT_POINTS, WinKind
from bot.services.weeks import current_week

# Sunday evening: the week is nearly over, as when the leaderboard is posted.
NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Paris")
GROUPS = 100
BIG_GROUP_MEMBERS = 10_000
SMALL_GROUP_MEMBERS = 100
WINS = 1_000_000
WEEKS = 52
BIG_GROUP = 1


def build(path: Path) -> None:
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    stamp = to_db(NOW)
    members: list[tuple[int, int]] = []
    user_id = 1
    for guild in range(1, GROUPS + 1):
        size = BIG_GROUP_MEMBERS if guild == BIG_GROUP else SMALL_GROUP_MEMBERS
        for _ in range(size):
            members.append((guild, user_id))
            user_id += 1
    users = list(range(1, user_id))
    # Some people belong to two groups: their wins count in both.
    members += [(rng.randint(2, GROUPS), u) for u in rng.sample(users, 2_000)]
    members = sorted(set(members))
    conn.executemany(
        "INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?)",
        [(g, f"group {g}", stamp) for g in range(1, GROUPS + 1)],
    )
    conn.executemany(
        "INSERT INTO users (user_id, timezone, created_at) VALUES (?, ?, ?)",
        [(u, rng.choice(["UTC", "Europe/Paris", "America/New_York"]), stamp) for u in users],
    )
    conn.executemany(
        "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)",
        [(g, u, stamp, stamp) for g, u in members],
    )
    kinds = [k.value for k in WinKind]
    start = NOW - timedelta(weeks=WEEKS)
    span = int((NOW - start).total_seconds())
    batch: list[tuple[object, ...]] = []
    for _ in range(WINS):
        at = start + timedelta(seconds=rng.randrange(span))
        batch.append(
            (
                rng.choice(users),
                rng.choice(kinds),
                "someone",
                at.date().isoformat(),
                to_db(at),
                stamp,
            )
        )
        if len(batch) == 50_000:
            conn.executemany(
                "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


async def timed(samples: int, call: object) -> list[float]:
    durations = []
    for _ in range(samples):
        began = time.perf_counter()
        await call()  # type: ignore[operator]
        durations.append((time.perf_counter() - began) * 1000)
    return durations


def report(name: str, durations: list[float]) -> bool:
    ordered = sorted(durations)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    ok = statistics.median(ordered) < 10
    print(
        f"{name:<34} median {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   "
        f"{'ok' if ok else 'OVER 10 ms'}"
    )
    return ok


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(tempfile.gettempdir()) / "nextinterview-bench.db"
    parser.add_argument("--path", type=Path, default=default, help="data set file (kept)")
    parser.add_argument("--database-url", help="measure on this PostgreSQL database instead")
    args = parser.parse_args()
    if not args.path.exists():
        print(f"Building {WINS:,} wins in {args.path} ...", flush=True)
        async with Database.open(args.path):
            pass  # schema via the real migrations
        began = time.perf_counter()
        build(args.path)
        print(f"built in {time.perf_counter() - began:.0f}s")
    target: Path | str = args.path
    if args.database_url:
        target = args.database_url
        async with Database.open(target) as db:
            filled = await db.fetchval("SELECT count(*) FROM wins")
        if not filled:
            print(f"Copying the data set with migrate-data into {redact(target)} ...", flush=True)
            began = time.perf_counter()
            await migrate_data(args.path, target)
            async with Database.open(target) as db:
                await db.execute("ANALYZE")
            print(f"copied and verified in {time.perf_counter() - began:.0f}s")
    clock = ManualClock(NOW)
    rng = random.Random(1)
    async with Database.open(target) as db:
        total = await db.fetchval("SELECT count(*) FROM wins")
        memberships = await db.fetchval("SELECT count(*) FROM members")
        print(f"{total:,} wins, {memberships:,} memberships")
        big_members = [
            r[0]
            for r in await db.fetchall(
                "SELECT user_id FROM members WHERE guild_id = ?", (BIG_GROUP,)
            )
        ]

        async def stats() -> None:
            await stats_service.member_stats(db, clock, user_id=rng.choice(big_members))

        # A group's week is the days Monday to Sunday its members' wins happened on.
        start = current_week(NOW, ZONE)
        end = start + timedelta(days=7)

        points = {kind.value: value for kind, value in DEFAULT_POINTS.items()}

        async def tally_of(guild: int) -> None:
            # What a weekly post needs: totals by kind and the top ten by points.
            await wins_db.group_kind_totals(db, guild, start, end)
            await wins_db.group_leaders(db, guild, start, end, points)

        async def tally() -> None:
            await tally_of(BIG_GROUP)

        async def small_tally() -> None:
            await tally_of(rng.randint(2, GROUPS))

        await stats()
        await tally()
        results = [
            report("/me stats (all its queries)", await timed(200, stats)),
            report("weekly tally, 10,000-member group", await timed(30, tally)),
            report("weekly tally, 100-member group", await timed(100, small_tally)),
        ]
    print("all within target" if all(results) else "SOME OVER TARGET")


if __name__ == "__main__":
    asyncio.run(main())
