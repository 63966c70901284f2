"""P4 and P5 (issue #13): one bot process's memory and start-up time at thousands of servers.

The bot runs as a process of its own (bench/startproc.py: what ``nextinterview run`` runs, on
a clock starting on a Tuesday at 10:00 UTC) against the Discord emulator in this process, with
N servers of M members each. Every server is a group in the database (SQLite, migrated, then
filled directly) the way a long-running bot leaves it: a posting channel, a time zone, a
weekly schedule of its own (the check-in moved to a day and time of its own, some recaps
moved, some leaderboards off), the last two weeks' posts in the delivery ledger as sent, and a
few members the bot knows (a win last weekend, a follow-up due on Friday). So at start every
job reads every group and member, plans its next wake-up, and has nothing to send.

P4, memory: VmRSS of the bot process (/proc/PID/status) once it is ready and every job has
planned, after a settle (--settle seconds, default 5). Goals: at most 150 MB at 1,000 servers,
and flat in members: the same servers with --compare-members members each (default 10x) must
stay within 10%. The members are declared to the emulator by number (no Person objects), the
way Discord's GUILD_CREATE carries them: member_count plus the bot's own member; a bot that
asked for the member list would get them all (and privileged members intent is allowed here,
so turning member caching on would show as growth rather than as a refused login).

P5, start-up: "ready with every schedule rebuilt" is the later of the bot's log lines "Ready
as ..." (discord.py's on_ready: every server's GUILD_CREATE received, then its wait for more)
and "Scheduler planned its N job(s)" (every job's first run done: groups, reminders, nudges,
cycles all planned). Both are timed from the moment this script starts the process. The
gateway's own connect time is measured in the same run, against the same emulator and
servers: a bare discord.py AutoShardedClient (same intents, no caches, no chunking, the same
wait after READY) in a process of its own, timed from its start to on_ready. P5 is the
difference: what the bot adds to a bare client's start (imports, migrations, cogs, the
command-tree check, per-server handlers, the jobs' first runs competing for the loop).
Goal: under 3 s at 10,000 groups. Also shown: when the emulator had written the last
GUILD_CREATE, and each process's time to it.

Run: ``.venv/bin/python bench/scale_start.py --servers 1000`` (about a minute),
``--servers 10000`` (a few minutes), ``--quick`` for 50 servers in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import re
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.client import intents
from bot.db import Database, from_db, to_db
from bot.local import make_token
from bot.services.schedules import Post, latest, occurrence, slots_for
from discord_emulator import Emulator, Person
from discord_emulator.gateway import GUILD_MEMBERS

START = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # a Tuesday morning
CHILD = Path(__file__).with_name("startproc.py")
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "America/Los_Angeles")
RSS_GOAL_MB = 150.0
FLAT_TOLERANCE = 0.10
P5_GOAL = 3.0
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")
READY = re.compile(r"Ready as .* in (\d+) server")
PLANNED = re.compile(r"Scheduler planned its (\d+) job")
GROUPS = re.compile(r"Weekly posts of (\d+) group")


# -- the world and the database --------------------------------------------------------------


def build_world(emulator: Emulator, servers: int, members: int) -> list[tuple[int, int]]:
    """``servers`` servers of ``members`` members each: [(guild id, channel id)]."""
    made = []
    for n in range(servers):
        guild = emulator.add_guild(f"Group {n}", channels=("general",), members=members)
        made.append((guild.id, guild.channel("general").id))
    return made


def set_members(emulator: Emulator, members: int) -> None:
    """Every server now has ``members`` members (for the next connection)."""
    for guild in emulator.guilds:
        guild.extra_members = members


async def seed(path: Path, groups: list[tuple[int, int]], known: int) -> None:
    """The database of a bot that has served these groups for a while (module docstring)."""
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    async with Database.open(path):
        pass
    long_ago = to_db(START - timedelta(days=60))
    settled = START - timedelta(days=30)
    guild_rows, schedule_rows, ledger, people = [], [], [], []
    for n, (guild_id, channel_id) in enumerate(groups):
        zone = ZONES[n % len(ZONES)]
        guild_rows.append((guild_id, f"Group {n}", zone, channel_id, long_ago, long_ago, long_ago))
        overrides: dict[Post, tuple[int | None, int | None, bool, datetime]] = {
            Post.CHECKIN: (n % 7, (n * 37) % 1440, True, settled)
        }
        if n % 3 == 0:
            overrides[Post.RECAP] = (4, 15 * 60 + n % 120, True, settled)
        if n % 4 == 0:
            overrides[Post.LEADERBOARD] = (None, None, False, settled)
        for post, (weekday, minute, enabled, _) in overrides.items():
            schedule_rows.append(
                (guild_id, post.value, weekday, minute, int(enabled), to_db(settled))
            )
        for slot in slots_for(overrides, from_db(long_ago)):
            if not slot.enabled:
                continue
            monday, at = latest(slot, ZoneInfo(zone), START)
            for weeks in (0, 1):
                day = monday - timedelta(weeks=weeks)
                sent = occurrence(day, slot, ZoneInfo(zone)) if weeks else at
                ledger.append(
                    (f"post:{slot.post.value}", guild_id, day.isoformat(), guild_id, to_db(sent))
                )
        # Ids of their own (worker 3 of the group's millisecond), as the people are not in
        # the emulator: the bot only meets them in the database.
        people += [(guild_id, (guild_id | 3 << 17) + k) for k in range(known)]
    conn = sqlite3.connect(path)
    try:
        conn.executemany(
            "INSERT INTO guilds (guild_id, name, timezone, channel_id, joined_at, welcomed_at, "
            "channel_set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            guild_rows,
        )
        conn.executemany(
            "INSERT INTO group_schedules (guild_id, post, weekday, minute, enabled, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            schedule_rows,
        )
        conn.executemany(
            "INSERT INTO deliveries (kind, target_id, period, guild_id, status, due_at, "
            "claimed_at, attempts, finished_at) VALUES (?, ?, ?, ?, 'sent', ?, ?, 1, ?)",
            [(k, t, p, g, at, at, at) for k, t, p, g, at in ledger],
        )
        conn.executemany(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?)",
            [(user, long_ago) for _, user in people],
        )
        seen = to_db(START - timedelta(days=1))
        conn.executemany(
            "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [(guild, user, long_ago, seen) for guild, user in people],
        )
        won = START - timedelta(days=2)
        conn.executemany(
            "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
            "VALUES (?, 'networking', 'x', ?, ?, ?)",
            [(user, won.date().isoformat(), to_db(won), to_db(won)) for _, user in people],
        )
        friday = (START + timedelta(days=3)).date().isoformat()
        conn.executemany(
            "INSERT INTO follow_ups (user_id, person, reason, due_on, created_at, updated_at) "
            "VALUES (?, 'Dana', 'Follow up', ?, ?, ?)",
            [(user, friday, long_ago, long_ago) for _, user in people],
        )
        conn.commit()
    finally:
        conn.close()


# -- one measured process --------------------------------------------------------------------


@dataclass
class Run:
    """What one process did, in seconds from its start."""

    what: str
    ready: float | None = None
    planned: float | None = None
    gateway_done: float | None = None
    servers: int | None = None
    groups: int | None = None
    cached_members: int | None = None
    rss_mb: float | None = None
    peak_mb: float | None = None
    chart_rss_mb: float | None = None  # after the first chart (matplotlib loads then)
    errors: list[str] = field(default_factory=list)
    log: Path | None = None

    @property
    def done(self) -> float | None:
        """Ready with every schedule rebuilt (a bare client: ready)."""
        if self.ready is None:
            return None
        if self.what != "bot":
            return self.ready
        return None if self.planned is None else max(self.ready, self.planned)


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def log_time(line: str) -> float | None:
    match = LOG_TIME.match(line)
    if match is None:
        return None
    stamp = time.mktime(time.strptime(match.group(1), "%Y-%m-%d %H:%M:%S"))
    return stamp + int(match.group(2)) / 1000


def environment(emulator: Emulator, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "SHARD_", "REST_", "METRICS_", "LOG_"))
    }
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        LOG_LEVEL="INFO",
        **extra,
    )
    return env


async def measure(
    emulator: Emulator,
    what: str,
    args: Sequence[str],
    env: dict[str, str],
    *,
    log: Path,
    settle: float,
    timeout: float,
    then: Callable[[], Awaitable[object]] | None = None,
) -> Run:
    """Start a process, follow it until ready (and planned), settle, read its memory, stop;
    with ``then``, do it (a chart) and read the memory again."""
    run = Run(what, log=log)

    async def delivered() -> None:
        await emulator.wait_until_ready(timeout=timeout)
        run.gateway_done = time.time() - began

    gateway = asyncio.create_task(delivered())
    began = time.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        *args,
        env=env,
        cwd=log.parent,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    finished = asyncio.Event()
    lines: list[str] = []

    async def follow(stream: asyncio.StreamReader) -> None:
        while raw := await stream.readline():
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            seen = log_time(line)
            at = (seen if seen is not None else time.time()) - began
            if line.startswith("READY "):  # the bare client
                _, stamp, servers, cached = line.split()
                run.ready, run.servers = float(stamp) - began, int(servers)
                run.cached_members = int(cached)
            elif match := READY.search(line):
                run.ready, run.servers = at, int(match.group(1))
            elif PLANNED.search(line):
                run.planned = at
            elif (match := GROUPS.search(line)) and run.groups is None:
                run.groups = int(match.group(1))
            elif " ERROR " in line or "Traceback" in line:
                run.errors.append(line)
            if run.done is not None:
                finished.set()

    readers = [
        asyncio.create_task(follow(process.stdout)),
        asyncio.create_task(follow(process.stderr)),
    ]
    exited = asyncio.create_task(process.wait())
    waiter = asyncio.create_task(finished.wait())
    try:
        done, _ = await asyncio.wait(
            {waiter, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if waiter not in done:
            state = "exited" if exited in done else f"not ready within {timeout:.0f}s"
            raise RuntimeError(f"{what} {state}; its output: {log}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(gateway), timeout=5)
        # Sampled through the settle, the last one kept: RSS after start-up's garbage is gone.
        deadline = time.monotonic() + settle
        while True:
            run.rss_mb, run.peak_mb = memory(process.pid)
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(0.5, settle))
        if then is not None:
            await then()
            await asyncio.sleep(1.0)
            run.chart_rss_mb, _ = memory(process.pid)
    finally:
        waiter.cancel()
        gateway.cancel()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(exited, timeout=20)
        except TimeoutError:
            process.kill()
            await exited
        await asyncio.gather(*readers, return_exceptions=True)
        save(log, lines)
    return run


def save(log: Path, lines: list[str]) -> None:
    log.write_text("\n".join(lines) + "\n")


async def run_bot(
    emulator: Emulator,
    seeded: Path,
    scratch: Path,
    name: str,
    *,
    settle: float,
    timeout: float,
    guild_ready_timeout: float | None,
    profile: bool = False,
    chart_by: Person | None = None,
) -> Run:
    """The bot, on a fresh copy of the seeded database (profiled into NAME.prof); with
    ``chart_by``, that person then asks for a chart."""
    database = scratch / f"{name}.db"
    shutil.copy(seeded, database)
    extra = {"DATABASE_PATH": str(database)}
    if profile:
        extra["PROFILE_TO"] = str(scratch / f"{name}.prof")
    if guild_ready_timeout is not None:
        extra["GUILD_READY_TIMEOUT"] = str(guild_ready_timeout)
    return await measure(
        emulator,
        "bot",
        ["bot", START.isoformat()],
        environment(emulator, **extra),
        log=scratch / f"{name}.log",
        settle=settle,
        timeout=timeout,
        then=None if chart_by is None else functools.partial(draw_a_chart, chart_by),
    )


async def draw_a_chart(person: Person) -> None:
    """/leaderboard in a server whose members logged wins: the process's first chart."""
    reply = await person.slash("leaderboard")
    message = await reply.wait_message(timeout=60)
    assert message.attachments, "the leaderboard came without its chart"


async def run_bare(
    emulator: Emulator,
    scratch: Path,
    name: str,
    *,
    settle: float,
    timeout: float,
    guild_ready_timeout: float | None,
    cache_members: bool = False,
) -> Run:
    """A bare discord.py client connected like the bot: the gateway's own cost."""
    extra = {"BARE_INTENTS": str(intents().value)}
    if guild_ready_timeout is not None:
        extra["GUILD_READY_TIMEOUT"] = str(guild_ready_timeout)
    if cache_members:
        extra["BARE_CACHE_MEMBERS"] = "1"
    return await measure(
        emulator,
        "bare",
        ["bare"],
        environment(emulator, **extra),
        log=scratch / f"{name}.log",
        settle=settle,
        timeout=timeout,
    )


# -- the benchmark ---------------------------------------------------------------------------


@dataclass
class Report:
    """Every run: bare clients and bots alternate, so a busy machine hits both alike."""

    servers: int
    members: int
    compare_members: int | None
    shards: int
    seed_seconds: float
    bare: list[Run] = field(default_factory=list)
    bot: list[Run] = field(default_factory=list)
    bot_more_members: list[Run] = field(default_factory=list)

    @property
    def startup_over_gateway(self) -> float:
        """P5: the median over the runs of (bot ready and planned) - (bare client ready)."""
        gaps = []
        for bare, bot in zip(self.bare, self.bot, strict=True):
            assert bot.done is not None and bare.done is not None
            gaps.append(bot.done - bare.done)
        return statistics.median(gaps)

    @property
    def rss_mb(self) -> float:
        return median_of(self.bot, "rss_mb")

    @property
    def members_growth(self) -> float | None:
        if not self.bot_more_members:
            return None
        return median_of(self.bot_more_members, "rss_mb") / self.rss_mb - 1

    @property
    def errors(self) -> list[tuple[Path | None, str]]:
        runs = [*self.bare, *self.bot, *self.bot_more_members]
        return [(run.log, error) for run in runs for error in run.errors]


def median_of(runs: list[Run], name: str) -> float:
    values = [getattr(run, name) for run in runs]
    return statistics.median(v for v in values if v is not None)


async def benchmark(
    servers: int,
    members: int,
    *,
    compare_members: int | None,
    runs: int = 1,
    shards: int = 1,
    known: int = 5,
    settle: float = 5.0,
    guild_ready_timeout: float | None = None,
    profile: bool = False,
    scratch: Path,
) -> Report:
    """Everything the module docstring describes, in one emulator; logs stay in ``scratch``."""
    timeout = 120.0 + servers * 0.02 + shards * 6
    emulator = Emulator(token=make_token(), shard_count=shards, privileged_intents=GUILD_MEMBERS)
    await emulator.start()
    try:
        began = time.perf_counter()
        groups = build_world(emulator, servers, members)
        seeded = scratch / "seeded.db"
        await seed(seeded, groups, known)
        report = Report(servers, members, compare_members, shards, time.perf_counter() - began)
        watcher = emulator.add_person("watcher", guilds=[emulator.guilds[0]])
        common = {"settle": settle, "timeout": timeout, "guild_ready_timeout": guild_ready_timeout}
        for n in range(runs):
            report.bare.append(await run_bare(emulator, scratch, f"bare-{n}", **common))
            report.bot.append(
                await run_bot(
                    emulator,
                    seeded,
                    scratch,
                    f"bot-{n}",
                    profile=profile and n == 0,
                    chart_by=watcher,
                    **common,
                )
            )
        if compare_members is not None:
            set_members(emulator, compare_members)
            for n in range(runs):
                name = f"bot-{compare_members}-members-{n}"
                report.bot_more_members.append(
                    await run_bot(emulator, seeded, scratch, name, **common)
                )
            set_members(emulator, members)
    finally:
        await emulator.stop()
    return report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def show(report: Report) -> bool:
    """Print the figures and the verdicts; True when every goal applicable was met."""

    def at(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.2f}s"

    def mb(size: float | None) -> str:
        return f"{'-':>9}" if size is None else f"{size:7.1f}MB"

    print(
        f"{report.servers:,} servers of {report.members:,} members, {report.shards} shard(s); "
        f"world and database built in {report.seed_seconds:.1f}s"
    )
    print(
        f"  {'process':28} {'gateway done':>12} {'ready':>7} {'planned':>8} "
        f"{'ready+planned':>14} {'RSS':>9} {'peak':>9} {'+chart':>9}"
    )
    rows = [("bare discord.py", run) for run in report.bare]
    rows += [("bot", run) for run in report.bot]
    rows += [(f"bot, {report.compare_members:,} members", r) for r in report.bot_more_members]
    for label, run in rows:
        print(
            f"  {label:28} {at(run.gateway_done):>12} {at(run.ready):>7} {at(run.planned):>8} "
            f"{at(run.done):>14} {mb(run.rss_mb)} {mb(run.peak_mb)} {mb(run.chart_rss_mb)}"
        )
    first = report.bot[0]
    print(
        f"  the bot saw {first.servers} server(s) and planned the posts of {first.groups} "
        f"group(s); errors logged: {len(report.errors)}"
    )
    ok = not report.errors
    p5 = report.startup_over_gateway
    good = p5 < P5_GOAL
    ok &= good
    print(
        f"P5 start-up beyond the gateway (median of {len(report.bot)}): {p5:.2f}s "
        f"(goal < {P5_GOAL:.0f}s at 10,000 groups) {verdict(good)}"
    )
    line = (
        f"P4 memory (median): {report.rss_mb:.1f} MB after ready "
        f"(bare discord.py: {median_of(report.bare, 'rss_mb'):.1f} MB; the bot after its "
        f"first chart: {median_of(report.bot, 'chart_rss_mb'):.1f} MB)"
    )
    if report.servers <= 1000:
        good = report.rss_mb <= RSS_GOAL_MB
        ok &= good
        line += f"; goal <= {RSS_GOAL_MB:.0f} MB at 1,000 servers {verdict(good)}"
    print(line)
    growth = report.members_growth
    if growth is not None:
        good = growth <= FLAT_TOLERANCE
        ok &= good
        print(
            f"P4 flat in members: {median_of(report.bot_more_members, 'rss_mb'):.1f} MB with "
            f"{report.compare_members:,} members per server, {growth:+.1%} "
            f"(goal within {FLAT_TOLERANCE:.0%}) {verdict(good)}"
        )
    for log, error in report.errors[:5]:
        print(f"  error in {log}: {error}")
    return ok


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--members", type=int, default=100, help="members per server")
    parser.add_argument(
        "--compare-members",
        type=int,
        default=None,
        help="also run with this many members per server (default 10x --members; 0: skip)",
    )
    parser.add_argument("--runs", type=int, default=3, help="bare and bot runs, alternating")
    parser.add_argument("--shards", type=int, default=1, help="shards the gateway recommends")
    parser.add_argument("--known", type=int, default=5, help="members per group in the database")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before reading RSS")
    parser.add_argument(
        "--guild-ready-timeout",
        type=float,
        default=None,
        help="discord.py's wait for more servers after READY (default: the bot's, 2 s)",
    )
    parser.add_argument("--quick", action="store_true", help="50 servers, short settle")
    parser.add_argument("--keep", type=Path, default=None, help="keep the logs in this folder")
    parser.add_argument(
        "--profile", action="store_true", help="profile the bot (cProfile, bot.prof in --keep)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.servers, args.settle, args.runs = 50, 1.0, 1
        args.guild_ready_timeout = args.guild_ready_timeout or 0.1
    compare = args.compare_members if args.compare_members is not None else args.members * 10
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        report = await benchmark(
            args.servers,
            args.members,
            compare_members=compare or None,
            runs=args.runs,
            shards=args.shards,
            known=args.known,
            settle=args.settle,
            guild_ready_timeout=args.guild_ready_timeout,
            profile=args.profile,
            scratch=scratch,
        )
        ok = show(report)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
