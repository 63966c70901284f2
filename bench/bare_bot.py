"""The yardstick for bench/help_latency.py: a bare discord.py bot answering ``/help``.

The smallest bot discord.py makes: no database, no cogs, no cache beyond the defaults, one
command answering a one-word ephemeral message. Reads DISCORD_TOKEN, DISCORD_API_BASE and
DISCORD_GATEWAY_URL from the environment, like ``nextinterview run`` against the emulator.
"""

from __future__ import annotations

import asyncio
import os

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket


async def main() -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)

    @tree.command(name="help", description="A trivial answer.")
    async def trivial(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
