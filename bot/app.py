"""The application's lifecycle: resources in, bot up, bot down, resources closed.

``nextinterview run`` and the local tools (demo, sandbox, end-to-end tests, benchmarks) start
the bot through the same :func:`start` so what is tested is what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.client import NextInterviewBot
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 8.0  # the process must be gone within 10 s of SIGTERM


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at another Discord-compatible server (a REST proxy, the emulator).

    discord.py reads ``Route.BASE`` whenever it builds a request and falls back to
    ``DEFAULT_GATEWAY`` after an invalidated session, so both are set for the process.
    """
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


@dataclass
class Running:
    """A started bot and the resources it was given."""

    bot: NextInterviewBot
    db: Database
    scheduler: Scheduler
    task: asyncio.Task[None]

    async def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Wait for READY on every shard, failing fast if the bot task died first."""
        ready = asyncio.create_task(self.bot.wait_until_ready())
        try:
            done, _ = await asyncio.wait(
                {ready, self.task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            ready.cancel()
        if self.task in done:
            self.task.result()  # re-raise the failure that stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        if ready not in done:
            raise TimeoutError(f"the bot was not ready within {timeout:.0f}s")


async def start(
    settings: Settings, clock: Clock, token: str, *, guild_ready_timeout: float = 2.0
) -> Running:
    """Open the database, build the bot and start it in a task (returns at once)."""
    configure_endpoints(settings)
    db = await Database.connect(settings.database_target)
    try:
        # Before anything talks to Discord: a database that cannot be upgraded stops the
        # start with its own message, not after logging in.
        await db.migrate()
        scheduler = Scheduler(clock)
        bot = NextInterviewBot(
            settings=settings,
            db=db,
            clock=clock,
            scheduler=scheduler,
            guild_ready_timeout=guild_ready_timeout,
            exercises_dir=settings.exercises_dir,
        )
        task = asyncio.create_task(_serve(bot, token), name="nextinterview-bot")
    except BaseException:
        await db.close()
        raise
    return Running(bot=bot, db=db, scheduler=scheduler, task=task)


async def _serve(bot: NextInterviewBot, token: str) -> None:
    async with bot:
        await bot.start(token)


async def stop(running: Running, timeout: float = SHUTDOWN_TIMEOUT) -> None:
    """Graceful shutdown: scheduler (in-flight work finishes), gateway, HTTP, then database."""
    try:
        try:
            await asyncio.wait_for(running.bot.close(), timeout=timeout)
        except TimeoutError:
            log.warning("The bot did not close within %.0fs; stopping anyway", timeout)
        if not running.task.done():
            running.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(running.task, timeout=2.0)
    finally:
        await running.db.close()


@contextlib.asynccontextmanager
async def started(
    settings: Settings,
    clock: Clock,
    token: str,
    *,
    ready_timeout: float = 30.0,
    guild_ready_timeout: float = 2.0,
) -> AsyncIterator[Running]:
    """Start the bot, wait until it is ready, and always shut it down afterwards."""
    running = await start(settings, clock, token, guild_ready_timeout=guild_ready_timeout)
    try:
        await running.wait_until_ready(ready_timeout)
        yield running
    finally:
        await stop(running)
