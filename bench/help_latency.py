"""P1: /help through the emulator, Next Interview against a bare discord.py bot, in one run.

Each bot runs as a process of its own, as in production (ours is ``nextinterview run`` with a
fresh SQLite file; the bare one is bench/bare_bot.py), each against its own emulator in this
process. The rounds alternate between the two bots, in alternating order, so whatever the
machine does meanwhile falls on both alike. Each round sends ``--total`` invocations from
``--concurrency`` members typing at once.

Prints median and p99 latency, throughput and the bot process's CPU time per command for each
bot, the median of the per-round throughput ratios (goal >= 0.9) and the ratio of the p99s
(goal <= 1.2). On a busy machine the rounds scatter; the CPU ratio scatters much less.
``--same-answer``: the bare bot answers with the very embed our /help sends instead of "pong",
so the ratio shows what the bot itself adds, apart from the size of its answer (the emulator,
in this process on the same cores, parses and stores every byte of it; Discord would not
take those cycles from the bot).
Run: ``.venv/bin/python bench/help_latency.py`` (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.local import make_token
from discord_emulator import Emulator, Person

HERE = Path(__file__).resolve().parent
THROUGHPUT_GOAL = 0.9
P99_GOAL = 1.2


@dataclass
class Result:
    name: str
    latencies: list[float]
    elapsed: float
    cpu: float = 0.0  # seconds of CPU the bot's process used meanwhile

    @property
    def cpu_per_command(self) -> float:
        return self.cpu / len(self.latencies)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    def line(self) -> str:
        return (
            f"{self.name:<16} median {statistics.median(self.latencies) * 1000:6.2f} ms   "
            f"p99 {self.p99 * 1000:6.2f} ms   {self.throughput:7.1f} commands/s   "
            f"bot CPU {self.cpu_per_command * 1000:5.2f} ms/command"
        )


@dataclass
class Contender:
    name: str
    people: list[Person]
    check: Callable[[Any], bool]
    pid: int

    def cpu(self) -> float:
        """CPU seconds (user + system) the bot's process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(bot: Contender, total: int) -> Result:
    """``total`` invocations spread over the people, each person one at a time."""
    latencies: list[float] = []
    per_person = total // len(bot.people)

    async def person_loop(person: Person) -> None:
        for _ in range(per_person):
            began = time.perf_counter()
            reply = await person.slash("help")
            latencies.append(time.perf_counter() - began)
            assert bot.check(reply), f"{bot.name}: unexpected reply {reply!r}"

    # Both emulators live in this process and keep every message; without this, the full
    # collections of this growing heap fell on whichever bot was being measured at the time
    # (the same rounds came out low in every run). Frozen objects are not walked again.
    gc.collect()
    gc.freeze()
    began, cpu = time.perf_counter(), bot.cpu()
    await asyncio.gather(*(person_loop(p) for p in bot.people))
    return Result(bot.name, latencies, time.perf_counter() - began, bot.cpu() - cpu)


@asynccontextmanager
async def running(
    name: str, argv: list[str], extra_env: dict[str, str], people: int, check: Callable[[Any], bool]
) -> AsyncIterator[Contender]:
    """An emulator with one server and ``people`` members, and a bot process serving it."""
    emulator = Emulator(token=make_token())
    await emulator.start()
    process = None
    try:
        guild = emulator.add_guild("Bench Club")
        members = [emulator.add_person(f"member{i}", guilds=[guild]) for i in range(people)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
        env.update(
            DISCORD_TOKEN=emulator.token,
            DISCORD_API_BASE=emulator.api_base,
            DISCORD_GATEWAY_URL=emulator.gateway_url,
            LOG_LEVEL="WARNING",
            **extra_env,
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env=env, stdout=asyncio.subprocess.DEVNULL
        )
        await emulator.wait_until_ready(timeout=60)
        deadline = time.monotonic() + 60
        while "help" not in {c["name"] for c in emulator.commands()}:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} never synced /help")
            await asyncio.sleep(0.1)
        yield Contender(name, members, check, process.pid)
    finally:
        if process is not None and process.returncode is None:
            process.terminate()
            await process.wait()
        await emulator.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=400, help="invocations per bot per round")
    parser.add_argument("--concurrency", type=int, default=8, help="members typing at once")
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds per bot")
    parser.add_argument(
        "--same-answer",
        action="store_true",
        help="the bare bot answers with our /help embed instead of a word",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        async with AsyncExitStack() as stack:
            ours = await stack.enter_async_context(
                running(
                    "Next Interview",
                    ["-m", "bot", "run"],
                    {"DATABASE_PATH": str(Path(scratch) / "bench.db")},
                    args.concurrency,
                    lambda r: bool(r.message.embeds),
                )
            )
            extra: dict[str, str] = {}
            if args.same_answer:
                reply = await ours.people[0].slash("help")
                answer = Path(scratch) / "answer.json"
                answer.write_text(json.dumps(reply.message.embeds), "utf-8")
                extra["BARE_ANSWER"] = str(answer)
            bare = await stack.enter_async_context(
                running(
                    "bare discord.py",
                    [str(HERE / "bare_bot.py")],
                    extra,
                    args.concurrency,
                    (lambda r: bool(r.message.embeds))
                    if args.same_answer
                    else (lambda r: r.message.content == "pong"),
                )
            )
            # Warm-up: first-use costs (imports on first call, caches) are not the steady state.
            for bot in (bare, ours):
                await drive(bot, args.concurrency * 10)
            results: dict[str, list[Result]] = {bare.name: [], ours.name: []}
            for round_no in range(args.rounds):
                order = (bare, ours) if round_no % 2 == 0 else (ours, bare)
                for bot in order:
                    results[bot.name].append(await drive(bot, args.total))

    merged = {
        name: Result(
            name,
            [x for r in rs for x in r.latencies],
            sum(r.elapsed for r in rs),
            sum(r.cpu for r in rs),
        )
        for name, rs in results.items()
    }
    for result in merged.values():
        print(result.line())
    ratios = [
        o.throughput / b.throughput
        for o, b in zip(results[ours.name], results[bare.name], strict=True)
    ]
    ratio = statistics.median(ratios)
    p99_ratio = merged[ours.name].p99 / merged[bare.name].p99
    print("per-round throughput ratios: " + ", ".join(f"{r:.2f}" for r in ratios))
    cpu_ratio = merged[bare.name].cpu_per_command / merged[ours.name].cpu_per_command
    print(f"bot CPU per command, bare / ours: {cpu_ratio:.2f} (less sensitive to a busy machine)")
    print(
        f"throughput ratio (median of rounds) {ratio:.2f} (goal >= {THROUGHPUT_GOAL}): "
        f"{'ok' if ratio >= THROUGHPUT_GOAL else 'BELOW'}"
    )
    print(
        f"p99 ratio {p99_ratio:.2f} (goal <= {P99_GOAL}): "
        f"{'ok' if p99_ratio <= P99_GOAL else 'ABOVE'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
