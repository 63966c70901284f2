"""Running the real bot against the local Discord emulator (demo, sandbox, tests, benchmarks).

Nothing here changes how the bot behaves: it only fills in the settings that point discord.py
at the emulator, exactly as a self-hoster would point it at a REST proxy.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import app
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.db import is_database_url

if TYPE_CHECKING:
    from discord_emulator import Emulator

# A handful of local servers all arrive at once; waiting Discord's 2 s for more is pointless.
LOCAL_GUILD_READY_TIMEOUT = 0.1


def make_token(user_id: int = 1100000000000000001) -> str:
    """A random token shaped like Discord's (id.timestamp.hmac), for the emulator."""
    head = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"


def emulator_settings(emulator: Emulator, database: Path | str, **overrides: Any) -> Settings:
    """Settings that point the bot at the emulator; ``database`` is a SQLite file or a
    PostgreSQL URL."""
    where = {"database_url": database} if is_database_url(database) else {"database_path": database}
    return load_settings(
        None,
        discord_token=emulator.token,
        **where,
        discord_api_base=emulator.api_base,
        discord_gateway_url=emulator.gateway_url,
        **overrides,
    )


@asynccontextmanager
async def local_bot(
    emulator: Emulator, database_path: Path | str, clock: Clock, **overrides: Any
) -> AsyncIterator[app.Running]:
    """The real bot, started against ``emulator`` and ready; shut down gracefully on exit."""
    settings = emulator_settings(emulator, database_path, **overrides)
    async with app.started(
        settings, clock, settings.token(), guild_ready_timeout=LOCAL_GUILD_READY_TIMEOUT
    ) as running:
        yield running
