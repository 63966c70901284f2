"""The bot: an AutoShardedBot that receives its resources, and the command tree's error net."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import math
import pkgutil
import time
import weakref
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import paths
from bot.calendar_feed import CalendarFeed
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.db import meta as meta_db
from bot.db import people as people_db
from bot.interactions import describe_failure, handle_interaction_error, safe_send_private
from bot.metrics import Metrics, database_answers, health_report
from bot.outbox import Outbox
from bot.pacing import Pacer
from bot.scheduler import Scheduler
from bot.services import community, profile
from bot.services.changes import Changes
from bot.services.delivery import Courier, Due
from bot.services.exercises.catalog import Catalog

log = logging.getLogger(__name__)

DM_CLOSED_NOTICE = (
    "I tried to send you a direct message (a reminder, a nudge or a note from your group), "
    "but your DMs are closed to me. To get them: right-click the server icon > Privacy "
    "Settings > allow Direct Messages. I'll try again from now on; `/me reminders state:off` "
    "and `/me nudges state:off` stop reminders and nudges."
)
SCHEDULER_STOP_TIMEOUT = 3.0  # in-flight sends are short; the process must exit within 10 s
PRESENCE_WAIT = 0.5  # seconds a command waits for its presence write before going ahead
PRESENCE_REFRESH = 600.0  # seconds between membership writes for the same person and server
PRESENCE_CACHE_SIZE = 50_000
# Discord allows 50 requests/s per bot across all routes (interaction replies excepted). A
# token bucket of 46/s with a burst of 4 never puts more than 50 in any one second.
# Interaction responses and their webhooks do not count toward the global limit.
UNPACED_ROUTES = ("/interactions/", "/webhooks/")
BACKGROUND_RATE = 46.0
BACKGROUND_BURST = 4

# The bot never joins voice; without this discord.py warns at every start that the optional
# voice libraries are missing, which reads like a problem to a self-hoster.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def settle_heap() -> None:
    """Move everything built so far (modules, the exercise catalog, the servers from the
    gateway) out of the garbage collector's reach. It lives as long as the process, yet each
    full collection walked all of it: a 40 ms pause every few hundred commands, which was the
    p99 of /help (bench/help_latency.py). Later objects are collected as usual."""
    gc.collect()
    gc.freeze()


def intents() -> discord.Intents:
    """The gateway events the product needs, and nothing privileged.

    ``guilds`` gives servers, channels and roles (permission checks for posting);
    ``dm_messages`` carries the exercise conversations, whose content arrives without the
    privileged message-content intent because DMs are exempt.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


class NextInterviewTree(app_commands.CommandTree["NextInterviewBot"]):
    """The last error net, and the place every slash command passes through first."""

    def __init__(self, client: NextInterviewBot, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        # (user, guild) pairs recorded recently: membership only needs noting once in a while,
        # and skipping the write keeps every command off the database's write lock.
        self._recently_seen: dict[tuple[int, int | None], float] = {}

    async def interaction_check(self, interaction: discord.Interaction[NextInterviewBot]) -> bool:
        bot = interaction.client
        interaction.extras["started"] = time.monotonic()
        guild = interaction.guild
        key = (interaction.user.id, guild.id if guild else None)
        now = time.monotonic()
        fresh = now - self._recently_seen.get(key, -PRESENCE_REFRESH) < PRESENCE_REFRESH
        # Whether to look for a closed-DM notice after the reply: always for people this
        # process saw fail, and at every presence refresh for failures another process saw.
        interaction.extras["dm_notice"] = not fresh or interaction.user.id in bot.dm_closed_hint
        if fresh:
            return True
        if len(self._recently_seen) > PRESENCE_CACHE_SIZE:
            self._recently_seen.clear()
        self._recently_seen[key] = now
        # Normally a millisecond; with the database held by another writer it must not eat
        # into the command's 3 seconds, so a slow write finishes in the background.
        presence = bot.spawn(
            community.record_presence(
                bot.db,
                bot.clock,
                user_id=interaction.user.id,
                guild_id=guild.id if guild else None,
                guild_name=guild.name if guild else "",
            ),
            "recording who used the bot",
        )
        await asyncio.wait({presence}, timeout=PRESENCE_WAIT)
        return True

    async def on_error(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        error: app_commands.AppCommandError,
    ) -> None:
        if interaction.command is not None:
            cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
            outcome = "refused" if describe_failure(cause) is not None else "incident"
            interaction.client.metrics.command_done(
                interaction.command.qualified_name, outcome, command_seconds(interaction)
            )
        await handle_interaction_error(interaction, error)


def rest_budget(settings: Settings) -> tuple[float, int]:
    """Background requests per second for this process, and the burst: Discord's global limit
    is per bot, so a process holding some of the shards takes that share of it, unless
    REST_BUDGET says otherwise (a REST proxy in front that holds the limit for everyone)."""
    share = 1.0
    if settings.shard_ids and settings.shard_count:
        share = len(settings.shard_ids) / settings.shard_count
    rate = settings.rest_budget or BACKGROUND_RATE * share
    # The burst is shared out too, so the processes together never go over in any second.
    burst = max(1, round(BACKGROUND_BURST * min(1.0, rate / BACKGROUND_RATE)))
    return rate, burst


def optional(**values: Any) -> dict[str, Any]:
    """The keyword arguments that have a value."""
    return {name: value for name, value in values.items() if value is not None}


def command_seconds(interaction: discord.Interaction[Any]) -> float | None:
    started = interaction.extras.get("started")
    return None if started is None else time.monotonic() - started


class NextInterviewBot(commands.AutoShardedBot):
    """The Discord side of the application. Resources are owned by the entry point."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: Clock,
        scheduler: Scheduler,
        guild_ready_timeout: float = 2.0,
        exercises_dir: Path | None = None,
    ) -> None:
        super().__init__(
            # Prefix commands are unused: every feature is a slash command, so guild message
            # content (a privileged intent) is never needed.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=NextInterviewTree,
            # Memory must not grow with members: no member cache, no chunking, no message
            # cache (views and exercises never read cached messages).
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            shard_count=settings.shard_count,
            allowed_mentions=discord.AllowedMentions.none(),
            # How long discord.py waits for more servers after READY before on_ready; local
            # runs (demo, tests) with a handful of servers can use a much shorter wait.
            guild_ready_timeout=guild_ready_timeout,
            # Only when set: discord.py reads "absent" as all shards and "ask Discord".
            **optional(
                shard_ids=settings.shard_ids, application_id=settings.discord_application_id
            ),
        )
        self.settings = settings
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        # What operators see (METRICS_PORT): every part below reports into it.
        self.metrics = Metrics()
        self.metrics.gateway_latency.set_function(self._gateway_latency)
        scheduler.on_start = self.metrics.job_started
        # Background sends (reminders, weekly posts) share one pace below the global limit.
        rate, burst = rest_budget(settings)
        self.pacer = Pacer(rate=rate, burst=burst, on_wait=self.metrics.paced)
        self._pace_every_request()
        self.outbox = Outbox(self, self.pacer)
        # The exactly-once ledger's worker: claims, sends through the outbox, records.
        self.courier = Courier(db, clock, on_result=self.metrics.delivery_done)
        # What services say must re-plan after their changes (bot.services.changes) reaches
        # the jobs concerned: the scheduler stays injected, services never see it.
        self.changes = Changes(scheduler.poke)
        # Members' private calendar links (CALENDAR_FEED_URL and CALENDAR_PORT), when given.
        self.calendar_feed = CalendarFeed(db, clock)
        # People whose closed DMs this process recorded: the database is the truth, this only
        # spares every other command a lookup.
        self.dm_closed_hint: set[int] = set()
        # Exercise files are validated here, at start-up: a bad file stops the bot with a
        # message naming the file and step, rather than failing mid-conversation.
        self.catalog: Catalog = Catalog(exercises_dir or paths.exercises_dir())
        # Whether the servers the gateway sent at start-up were taken out of the collector's
        # full sweeps (settle_heap), which is done once.
        self._heap_settled = False
        # Work started in the background (not scheduled jobs): owned, observed, stopped.
        self._background: set[asyncio.Task[Any]] = set()
        # One conversation step at a time per member: two quick DMs must not race on a run.
        self._exercise_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def setup_hook(self) -> None:
        # Queries fall back to this for members and groups without a zone of their own.
        await meta_db.put(self.db, "default_timezone", self.settings.default_timezone)
        self.dm_closed_hint = set(await people_db.dm_closed_users(self.db))
        for name in cog_modules():
            await self.load_extension(name)
        await self.sync_commands_if_changed()
        if self.settings.metrics_port is not None:
            await self.metrics.serve(
                self.settings.metrics_host, self.settings.metrics_port, self.health
            )
        if self.settings.calendar_feeds and self.settings.calendar_port is not None:
            await self.calendar_feed.serve(self.settings.calendar_host, self.settings.calendar_port)
        if self.settings.discord_gateway_url and self.shard_count is None:
            # With no shard count, discord.py would connect to the gateway URL that
            # /gateway/bot names; asking for the count here makes it use the configured one.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        await self.scheduler.start()
        settle_heap()

    async def sync_commands_if_changed(self) -> bool:
        """Sync application commands only when their definition changed since the last sync.

        Discord rate-limits syncs hard, and restarts are frequent; the hash of what was last
        synced (per target and API) lives in the database.
        """
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [
            command.to_dict(self.tree)
            for command in sorted(
                self.tree.get_commands(guild=guild), key=lambda c: (c.name, type(c).__name__)
            )
        ]
        target = f"guild:{guild.id}" if guild else "global"
        key = f"commands:{discord.http.Route.BASE}:{self.application_id}:{target}"
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        if await meta_db.get(self.db, key) == digest:
            log.info("Application commands unchanged (%s); not syncing", target)
            return False
        synced = await self.tree.sync(guild=guild)
        await meta_db.put(self.db, key, digest)
        log.info("Synced %d application commands (%s)", len(synced), target)
        return True

    def exercise_lock(self, user_id: int) -> asyncio.Lock:
        lock = self._exercise_locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._exercise_locks[user_id] = lock
        return lock

    def spawn(self, work: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``work`` in the background: its failure is logged, and a stop cancels it."""
        task = asyncio.create_task(work, name=what)
        self._background.add(task)

        def finished(done: asyncio.Task[Any]) -> None:
            self._background.discard(done)
            if not done.cancelled() and done.exception() is not None:
                log.error("Background work failed: %s", what, exc_info=done.exception())

        task.add_done_callback(finished)
        return task

    async def health(self) -> dict[str, Any]:
        """The /healthz answer for this process."""
        database_ok = await database_answers(lambda: self.db.fetchval("SELECT 1"))
        return health_report(
            ready=self.is_ready(),
            database_ok=database_ok,
            last_run=self.scheduler.last_run,
            now=self.clock.now(),
        )

    def _gateway_latency(self) -> float:
        latency = self.latency
        return latency if math.isfinite(latency) else 0.0

    def _pace_every_request(self) -> None:
        """Every REST request that counts toward Discord's global limit first takes a token
        from the pacer (members' requests ahead of background sends), so even a Monday
        fan-out never gets a member's own request refused. discord.py has no hook for this;
        its HTTP client's request method is wrapped, once, here."""
        unpaced = self.http.request

        async def request(route: discord.http.Route, **kwargs: Any) -> Any:
            if not route.path.startswith(UNPACED_ROUTES):
                await self.pacer.wait()
            return await unpaced(route, **kwargs)

        self.http.request = request  # type: ignore[method-assign]

    def owns_guild(self, guild_id: int | None) -> bool:
        """Whether this process holds the shard of a server (Discord's rule: shard =
        (guild_id >> 22) % shard_count); with every shard here, or no server, it does."""
        if guild_id is None or self.shard_ids is None or not self.shard_count:
            return True
        return (guild_id >> 22) % self.shard_count in self.shard_ids

    def owns(self, item: Due) -> bool:
        """For the courier: a group's delivery is this process's if it holds the group."""
        return self.owns_guild(item.guild_id)

    def get_dm_channel_cached(self, user_id: int) -> discord.DMChannel | None:
        """The DM channel with a member if this process already knows it (no request)."""
        return self._connection._get_private_channel_by_user(user_id)

    async def on_app_command_completion(
        self, interaction: discord.Interaction[NextInterviewBot], command: Any
    ) -> None:
        self.metrics.command_done(command.qualified_name, "ok", command_seconds(interaction))
        # Told after the reply, so the check never slows a command down.
        if not interaction.extras.get("dm_notice"):
            return
        self.dm_closed_hint.discard(interaction.user.id)
        if await profile.take_dm_closed_notice(self.db, interaction.user.id):
            await safe_send_private(interaction, DM_CLOSED_NOTICE)

    async def on_ready(self) -> None:
        # Only a log line (and the heap settled once): on_ready fires again after reconnects,
        # so no work may start here.
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))
        if not self._heap_settled:
            self._heap_settled = True
            settle_heap()

    async def close(self) -> None:
        # Stop claiming, let the sends in flight finish (or release their claims), then close
        # the gateway. Anything cut off mid-request is sent again on the next start with the
        # same nonce, so it can neither be lost nor appear twice.
        self.courier.stop()
        self.outbox.close()
        await self.scheduler.stop(timeout=SCHEDULER_STOP_TIMEOUT)
        for task in list(self._background):
            task.cancel()
        await self.metrics.stop()
        await self.calendar_feed.stop()
        await super().close()


def cog_modules() -> list[str]:
    """Every module in the ``cogs`` package: a new feature is loaded by existing."""
    return sorted(
        f"{cogs.__name__}.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )
