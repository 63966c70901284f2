"""The :class:`Emulator`: a faithful fake Discord (REST + gateway) on 127.0.0.1.

Point the unmodified discord.py at it with::

    discord.http.Route.BASE = emu.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)

(or ``with emu.patch_discord(): ...``), then drive it like people using Discord.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

import yarl
from aiohttp import web

from discord_emulator import perms
from discord_emulator.commands import CommandStore
from discord_emulator.gateway import Gateway
from discord_emulator.interactions import Interactions
from discord_emulator.models import (
    MAX_EXTRA_MEMBERS,
    Channel,
    Guild,
    Message,
    Overwrite,
    Snowflakes,
)
from discord_emulator.people import Person
from discord_emulator.ratelimit import Fault
from discord_emulator.rest import RestRoutes
from discord_emulator.server import ErrorRecord, Hook, RequestRecord, Server
from discord_emulator.state import World

_log = logging.getLogger(__name__)


class Emulator:
    """A fake Discord for end-to-end tests, demos, a sandbox and benchmarks.

    Extra keyword-only knobs beyond the basics: ``shard_count`` (what ``GET /gateway/bot``
    recommends, so ``AutoShardedClient`` starts that many shards), ``heartbeat_interval`` (ms,
    sent in HELLO), ``privileged_intents`` (the intents "enabled in the developer portal";
    identifying with others closes the socket with 4014 as Discord does) and ``route_limit``
    (requests per second per route bucket).
    """

    def __init__(
        self,
        token: str = "emu-token",  # noqa: S107 - a fake token for a fake Discord
        bot_name: str = "Next Interview",
        global_rate_limit: int | None = None,
        interaction_deadline: float = 3.0,
        *,
        shard_count: int = 1,
        heartbeat_interval: int = 41250,
        privileged_intents: int = 0,
        route_limit: int = 50,
        host: str = "127.0.0.1",
        id_seed: int | None = None,
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.recommended_shards = shard_count
        self.host = host
        self.ids = Snowflakes(id_seed)
        self.world = World(self.ids, bot_name)
        self.gateway = Gateway(
            self.world,
            token,
            heartbeat_interval=heartbeat_interval,
            privileged_intents=privileged_intents,
        )
        self.server = Server(self.world, self.gateway, token, global_rate_limit=global_rate_limit)
        self.server.buckets.limit = route_limit
        self.command_store = CommandStore(self.world.application_id, self.ids)
        self.interactions = Interactions(self)
        RestRoutes(self).register(self.server.router)
        self.interactions.register(self.server.router)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ----- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a random port of ``host``."""
        runner = web.AppRunner(self.server.app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.world.base_url = f"http://{self.host}:{self.port}"
        self.gateway.url = self.gateway_url
        _log.info("Discord emulator listening on %s", self.world.base_url)

    async def stop(self) -> None:
        """Close every socket, task and the server."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway here, restoring them afterwards."""
        import discord

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # ----- addresses and records ------------------------------------------------------------

    @property
    def api_base(self) -> str:
        """REST base URL, e.g. ``http://127.0.0.1:PORT/api/v10``."""
        return f"http://{self.host}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Gateway URL, e.g. ``ws://127.0.0.1:PORT/``."""
        return f"ws://{self.host}:{self.port}/"

    @property
    def application_id(self) -> int:
        """The application's id (the bot user has the same id, as on Discord)."""
        return self.world.application_id

    @property
    def bot_user_id(self) -> int:
        """The bot user's id."""
        return self.world.bot_user_id

    @property
    def requests(self) -> list[RequestRecord]:
        """Every REST request received: (method, path, body, time)."""
        return self.server.requests

    @property
    def errors(self) -> list[ErrorRecord]:
        """4xx answers caused by invalid payloads or unknown routes (should stay empty)."""
        return self.server.errors

    @property
    def sent_messages(self) -> list[Message]:
        """Every version of every message the bot created or edited, plus modals/choices."""
        return self.world.sent_messages

    @property
    def sync_calls(self) -> int:
        """How many bulk-overwrite PUTs of commands were received."""
        return self.command_store.sync_calls

    @property
    def rate_limited(self) -> int:
        """How many requests the global rate limit refused."""
        return self.server.global_limiter.rejected

    @property
    def identified_intents(self) -> list[int]:
        """The intents of every IDENTIFY so far (one entry per shard session started)."""
        return self.gateway.identified_intents

    @property
    def guilds(self) -> list[Guild]:
        """Every guild created (removed ones included)."""
        return list(self.world.guilds.values())

    # ----- the world ------------------------------------------------------------------------

    def add_guild(
        self,
        name: str,
        channels: Iterable[str] = ("general",),
        *,
        bot_permissions: int = perms.BOT_DEFAULT,
        members: int = 0,
    ) -> Guild:
        """A server with the bot in it (a live GUILD_CREATE if the bot is connected).

        ``members`` more members are declared by number only, with no :class:`Person` each
        (benchmarks with thousands of servers of hundreds): they count in ``member_count``
        and a bot that requests the member list gets them, but they never act.
        """
        if not 0 <= members < MAX_EXTRA_MEMBERS:
            raise ValueError(f"members is between 0 and {MAX_EXTRA_MEMBERS - 1}")
        guild = self.world.new_guild(name, tuple(channels), perms.as_int(bot_permissions))
        guild.extra_members = members
        self.gateway.dispatch(
            "GUILD_CREATE",
            self.world.guild_create_payload(guild, initial=False),
            guild_id=guild.id,
        )
        return guild

    def remove_guild(self, guild: Guild) -> None:
        """The bot is removed from the server: GUILD_DELETE."""
        if guild.removed:
            return
        guild.removed = True
        self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)}, guild_id=guild.id)
        self.world.signal.fire()

    def add_channel(self, guild: Guild, name: str) -> Channel:
        """A new text channel: CHANNEL_CREATE."""
        channel = Channel(self.ids.next(), name, guild.id, position=len(guild.channels))
        guild.channels[name] = channel
        self.world.channels[channel.id] = channel
        self.gateway.dispatch("CHANNEL_CREATE", channel.payload(), guild_id=guild.id)
        return channel

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel: CHANNEL_DELETE; later REST calls to it answer 404 10003."""
        channel.deleted = True
        guild = self.world.guilds[channel.guild_id] if channel.guild_id else None
        if guild is not None:
            guild.channels.pop(channel.name, None)
        self.gateway.dispatch("CHANNEL_DELETE", channel.payload(), guild_id=channel.guild_id)
        self.world.signal.fire()

    def set_bot_permissions(self, channel: Channel, allow: Any = 0, deny: Any = 0) -> None:
        """A member overwrite for the bot in ``channel``: CHANNEL_UPDATE."""
        bot_id = self.bot_user_id
        channel.overwrites[bot_id] = Overwrite(bot_id, 1, perms.as_int(allow), perms.as_int(deny))
        self.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), guild_id=channel.guild_id)

    def add_person(
        self, name: str, guilds: Iterable[Guild] = (), manage_guild: bool = False
    ) -> Person:
        """A user who is a member of ``guilds`` (a Facilitator there when ``manage_guild``)."""
        person = Person(self, self.ids.next(), name)
        self.world.people[person.id] = person
        for guild in guilds:
            person.join(guild, manage_guild=manage_guild)
        return person

    def open_command(self, guild: Guild, name: str) -> None:
        """What a server admin does in Server Settings > Integrations: let everyone use
        ``/name`` regardless of its default member permissions (the bot must still check)."""
        guild.opened_commands.add(name)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """The synced command schema (global, or of a guild), as Discord stored it."""
        return self.command_store.listed(guild.id if guild else None)

    # ----- gateway control ------------------------------------------------------------------

    async def wait_until_ready(self, timeout: float = 10) -> None:
        """All expected shards identified and every guild sent."""

        def describe() -> str:
            gw = self.gateway
            shards = {s: (sess.ready, sess.conn is not None) for s, sess in gw.by_shard.items()}
            return (
                f"the bot was not ready within {timeout}s: shard count {gw.shard_count}, "
                f"sessions (ready, connected) {shards}, close codes {gw.close_codes}, "
                f"REST errors {self.errors[-3:]}"
            )

        await self.world.signal.wait_for(self.gateway.is_ready, timeout, describe)

    async def wait_if_reconnecting(self, guild_id: int | None) -> None:
        """Before a person's message: if the bot is re-identifying, let it finish first."""
        await self.gateway.ensure_session(guild_id, "message", required=False)

    async def disconnect(self, resume: bool = True) -> None:
        """Drop every shard's socket (4000 -> RESUME with replay; else op 9 -> IDENTIFY)."""
        await self.gateway.disconnect(resume=resume)

    # ----- faults ---------------------------------------------------------------------------

    def fail(
        self,
        method: str | None = "POST",
        path: str = r".*",
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.05,
        code: int | None = None,
        global_: bool = False,
        after_write: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (429, 5xx, 403...), or
        drop the connection without an answer with ``status=0`` (a reset).

        ``path`` is a regex matched against the whole path after ``/api/v10``. With
        ``after_write`` the request is carried out first (Discord wrote; the answer is lost).
        """
        fault = Fault(
            method.upper() if method else None,
            re.compile(path),
            status,
            times,
            retry_after,
            code,
            global_,
            after_write,
        )
        self.server.faults.add(fault)
        return fault

    def on_request(self, method: str, path: str, phase: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` ``before`` or ``after`` the handler of each matching request."""
        if phase not in ("before", "after"):
            raise ValueError("phase is 'before' or 'after'")
        self.server.hooks.append(Hook(method.upper(), re.compile(path), phase, callback))

    # ----- messages -------------------------------------------------------------------------

    async def next_message(self, channel: Channel, timeout: float = 5) -> Message:
        """The next message the bot posts in ``channel`` (not read before, in order)."""
        return await self.world.next_in(channel, timeout, f"message in #{channel.name}")

    def message_event(self, message: Message) -> dict[str, Any]:
        """MESSAGE_CREATE/UPDATE data: the message plus the author's member in guilds."""
        data = message.payload()
        if message.guild_id is not None:
            guild = self.world.guilds[message.guild_id]
            if message.author_id in guild.members:
                data["member"] = guild.member_payload(None, message.author_id)
        return data

    def dispatch_message(self, event: str, message: Message) -> None:
        """Tell the bot about a message (ephemeral ones are never dispatched)."""
        if message.ephemeral:
            return
        self.gateway.dispatch(event, self.message_event(message), guild_id=message.guild_id)

    def delete_message(self, message: Message) -> None:
        """Delete a message: MESSAGE_DELETE."""
        message.deleted = True
        if not message.ephemeral:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=message.guild_id)
        self.world.signal.fire()
