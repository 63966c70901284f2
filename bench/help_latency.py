"""/help through the emulator: our bot against a bare discord.py bot, in one run.

Prints median and p99 latency and throughput for each, and the throughput ratio (target: our
bot reaches at least 0.8 of the bare bot's). Run: ``.venv/bin/python bench/help_latency.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from bot.clock import ManualClock
from bot.local import local_bot, make_token
from discord_emulator import Emulator, Person


@dataclass
class Result:
    name: str
    latencies: list[float]
    elapsed: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"{self.name:<16} median {statistics.median(ordered) * 1000:6.2f} ms   "
            f"p99 {p99 * 1000:6.2f} ms   {self.throughput:7.1f} commands/s"
        )


async def drive(
    name: str, people: list[Person], command: str, total: int, check: Callable[[object], bool]
) -> Result:
    """``total`` invocations spread over the people, each person one at a time."""
    latencies: list[float] = []
    per_person = total // len(people)

    async def person_loop(person: Person) -> None:
        for _ in range(per_person):
            began = time.perf_counter()
            reply = await person.slash(command)
            latencies.append(time.perf_counter() - began)
            assert check(reply), f"{name}: unexpected reply {reply!r}"

    began = time.perf_counter()
    await asyncio.gather(*(person_loop(p) for p in people))
    return Result(name, latencies, time.perf_counter() - began)


async def with_emulator(
    body: Callable[[Emulator, list[Person]], Awaitable[Result]], people_count: int
) -> Result:
    emulator = Emulator(token=make_token())
    await emulator.start()
    try:
        guild = emulator.add_guild("Bench Club")
        people = [emulator.add_person(f"member{i}", guilds=[guild]) for i in range(people_count)]
        return await body(emulator, people)
    finally:
        await emulator.stop()


async def rounds_of(
    name: str, people: list[Person], total: int, rounds: int, check: Callable[[object], bool]
) -> list[Result]:
    """A warm-up (first-use costs are not the steady state), then the measured rounds."""
    await drive(name, people, "help", len(people) * 5, check)
    return [await drive(name, people, "help", total, check) for _ in range(rounds)]


async def bare_bot(total: int, concurrency: int, rounds: int) -> list[Result]:
    async def body(emulator: Emulator, people: list[Person]) -> list[Result]:
        discord.http.Route.BASE = emulator.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
        client = discord.Client(intents=discord.Intents.none())
        tree = app_commands.CommandTree(client)

        @tree.command(name="help", description="A trivial answer.")
        async def trivial(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        async def setup_hook() -> None:
            await tree.sync()

        client.setup_hook = setup_hook  # type: ignore[method-assign]
        task = asyncio.create_task(client.start(emulator.token))
        try:
            await emulator.wait_until_ready(timeout=30)
            await client.wait_until_ready()
            return await rounds_of("bare discord.py", people, total, rounds, lambda r: True)
        finally:
            await client.close()
            await task

    return await with_emulator(body, concurrency)


async def our_bot(total: int, concurrency: int, rounds: int) -> list[Result]:
    async def body(emulator: Emulator, people: list[Person]) -> list[Result]:
        with tempfile.TemporaryDirectory() as scratch:
            clock = ManualClock(datetime.now(UTC))
            async with local_bot(emulator, Path(scratch) / "bench.db", clock):
                return await rounds_of(
                    "Next Interview",
                    people,
                    total,
                    rounds,
                    lambda r: bool(r.message.embeds),  # type: ignore[attr-defined]
                )

    return await with_emulator(body, concurrency)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=400, help="invocations per bot per round")
    parser.add_argument("--concurrency", type=int, default=8, help="members typing at once")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per bot")
    args = parser.parse_args()
    bare = await bare_bot(args.total, args.concurrency, args.rounds)
    ours = await our_bot(args.total, args.concurrency, args.rounds)
    for results in (bare, ours):
        merged = Result(
            results[0].name,
            [latency for r in results for latency in r.latencies],
            sum(r.elapsed for r in results),
        )
        print(merged.line())
    ratio = statistics.median(r.throughput for r in ours) / statistics.median(
        r.throughput for r in bare
    )
    print(f"throughput ratio {ratio:.2f} (target >= 0.80): {'ok' if ratio >= 0.8 else 'BELOW'}")


if __name__ == "__main__":
    asyncio.run(main())
