"""Fixtures for the emulator's own tests: an emulator per test and bare discord.py clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
from discord.ext import commands

from discord_emulator import Emulator


class ReadyClient(discord.Client):
    """A bare discord.Client that records what the gateway told it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("intents", discord.Intents.default())
        kwargs.setdefault("guild_ready_timeout", 0.1)
        super().__init__(**kwargs)
        self.became_ready = asyncio.Event()
        self.events: list[tuple[str, Any]] = []

    async def on_ready(self) -> None:
        self.became_ready.set()

    async def on_resumed(self) -> None:
        self.events.append(("resumed", None))

    async def on_message(self, message: discord.Message) -> None:
        self.events.append(("message", message))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.events.append(("guild_join", guild.id))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.events.append(("guild_remove", guild.id))


class ShardedClient(discord.AutoShardedClient, ReadyClient):
    """A bare AutoShardedClient (shard count taken from GET /gateway/bot)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("intents", discord.Intents.default())
        super().__init__(**kwargs)


class TreeBot(commands.Bot):
    """A bare commands.Bot whose ``setup`` callback registers app commands before sync."""

    def __init__(self, setup: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("intents", discord.Intents.default())
        kwargs.setdefault("guild_ready_timeout", 0.1)
        super().__init__(command_prefix="!", help_command=None, **kwargs)
        self._setup = setup
        self.became_ready = asyncio.Event()
        self.failures: list[BaseException] = []

    async def setup_hook(self) -> None:
        if self._setup is not None:
            await self._setup(self)
        await self.tree.sync()

    async def on_ready(self) -> None:
        self.became_ready.set()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """A started emulator with discord.py pointed at it."""
    async with Emulator() as emulator:
        with emulator.patch_discord():
            yield emulator


class Clients:
    """The bare client classes, handed to tests through the ``clients`` fixture."""

    Ready = ReadyClient
    Sharded = ShardedClient
    Tree = TreeBot


@pytest.fixture
def clients() -> type[Clients]:
    """Bare discord.py client classes (no code from the bot under test)."""
    return Clients


@pytest.fixture
async def start(emu: Emulator) -> AsyncIterator[Callable[[Any], Awaitable[Any]]]:
    """``await start(client)``: run a client until ready; every started client is closed."""
    started: list[tuple[Any, asyncio.Task[None]]] = []

    async def _start(client: Any) -> Any:
        task = asyncio.create_task(client.start(emu.token))
        started.append((client, task))
        waiter = asyncio.ensure_future(client.became_ready.wait())
        done, _ = await asyncio.wait({waiter, task}, timeout=10, return_when="FIRST_COMPLETED")
        if waiter not in done:
            waiter.cancel()
            if task.done():
                task.result()
            raise AssertionError("the client did not become ready")
        await emu.wait_until_ready(timeout=5)
        return client

    yield _start
    for client, task in started:
        await client.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
