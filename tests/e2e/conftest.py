"""End-to-end fixtures: the real bot, the local Discord emulator and a SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import Running
from bot.clock import ManualClock
from bot.local import local_bot, make_token
from discord_emulator import Emulator, Guild, Person
from tests.databases import TEST_DATABASE_URL, create_database, drop_database

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> ManualClock:
    """The injected clock; ``@pytest.mark.clock_start(datetime)`` starts it elsewhere."""
    marker = request.node.get_closest_marker("clock_start")
    return ManualClock(marker.args[0] if marker else START)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(token=make_token())
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    assert not emu.errors, f"the bot sent requests Discord would refuse: {emu.errors}"


@pytest.fixture
def guild(emulator: Emulator) -> Guild:
    return emulator.add_guild("Job Club", channels=("general", "wins"))


@pytest.fixture
def alice(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("alice", guilds=[guild])


@pytest.fixture
async def db_path(tmp_path: Path) -> AsyncIterator[Path | str]:
    """The bot's database: a SQLite file, or a fresh PostgreSQL database (TEST_DATABASE_URL)."""
    if TEST_DATABASE_URL is None:
        yield tmp_path / "nextinterview.db"
        return
    url = await create_database()
    try:
        yield url
    finally:
        await drop_database(url)


BotFactory = Callable[..., AbstractAsyncContextManager[Running]]


@pytest.fixture
def run_bot(emulator: Emulator, db_path: Path, clock: ManualClock, guild: Guild) -> BotFactory:
    """``async with run_bot() as running:`` starts the real bot; call again to restart.

    The bot is already in ``guild`` when it starts, as in a running deployment; a test about
    joining a server adds another one.
    """

    def factory(**overrides: Any) -> AbstractAsyncContextManager[Running]:
        return local_bot(emulator, db_path, clock, **overrides)

    return factory


@pytest.fixture
async def bot(run_bot: BotFactory) -> AsyncIterator[Running]:
    async with run_bot() as running:
        yield running
