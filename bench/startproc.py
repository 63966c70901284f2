"""The two processes bench/scale_start.py starts and measures.

``python bench/startproc.py bot 2026-11-17T10:00:00+00:00`` runs the bot exactly as
``nextinterview run`` does (settings from the environment, SIGTERM handling), on a clock that
starts at the given instant, like tests/faults/botproc.py. Two things differ, both for the
measurement only: the weekly-posts planner logs how many groups it planned (a DEBUG line, so
only that logger is lowered), and GUILD_READY_TIMEOUT, when set, replaces discord.py's wait for
more servers after READY (2 s in production; small runs use less). With PROFILE_TO set, the
whole run is profiled (cProfile) into that file.

``python bench/startproc.py bare`` is a bare discord.py AutoShardedClient connected the way the
bot connects (intents from BARE_INTENTS, no member or message cache, no chunking, the same
wait after READY): what the gateway alone costs. It prints ``READY <unix time> <servers>
<cached members>`` when ready and runs until SIGTERM. With BARE_CACHE_MEMBERS=1 it asks for
the members intent and caches every member instead (the harness's own check that caching
members would show in the figures).

Nothing but what each process needs is imported here: the measured process must not carry
the emulator or the benchmark.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import sys
import time
from datetime import datetime


def run_bot(start: datetime) -> None:
    from bot import app
    from bot.__main__ import _serve
    from bot.clock import OffsetClock
    from bot.config import load_settings
    from bot.logs import setup_logging

    settings = load_settings(None)
    token = settings.token()
    setup_logging(settings.log_level, secrets=[token], log_format=settings.log_format)
    logging.getLogger("bot.services.rhythm").setLevel(logging.DEBUG)
    wait = os.environ.get("GUILD_READY_TIMEOUT")
    if wait:
        app.start = functools.partial(app.start, guild_ready_timeout=float(wait))  # type: ignore[assignment]
    profile_to = os.environ.get("PROFILE_TO")
    if not profile_to:
        raise SystemExit(asyncio.run(_serve(settings, token, OffsetClock(start))))
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        code = asyncio.run(_serve(settings, token, OffsetClock(start)))
    finally:
        profiler.disable()
        profiler.dump_stats(profile_to)
    raise SystemExit(code)


def run_bare() -> None:
    import discord
    import yarl
    from discord.gateway import DiscordWebSocket

    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents._from_value(int(os.environ["BARE_INTENTS"]))
    cache_members = os.environ.get("BARE_CACHE_MEMBERS") == "1"
    if cache_members:
        intents.members = True

    class Bare(discord.AutoShardedClient):
        async def on_ready(self) -> None:
            members = sum(len(g.members) for g in self.guilds)
            print(f"READY {time.time():.3f} {len(self.guilds)} {members}", flush=True)

    client = Bare(
        intents=intents,
        member_cache_flags=(
            discord.MemberCacheFlags.from_intents(intents)
            if cache_members
            else discord.MemberCacheFlags.none()
        ),
        chunk_guilds_at_startup=cache_members,
        max_messages=None,
        guild_ready_timeout=float(os.environ.get("GUILD_READY_TIMEOUT") or 2.0),
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        runner = asyncio.create_task(client.start(os.environ["DISCORD_TOKEN"]))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        await client.close()
        stopper.cancel()
        if runner.done():
            runner.result()

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve())


def main() -> None:
    if sys.argv[1:2] == ["bot"]:
        run_bot(datetime.fromisoformat(sys.argv[2]))
    elif sys.argv[1:2] == ["bare"]:
        run_bare()
    else:
        raise SystemExit("usage: startproc.py bot START | bare")


if __name__ == "__main__":
    main()
