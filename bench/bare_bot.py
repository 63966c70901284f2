"""The yardstick for bench/help_latency.py: a bare discord.py bot answering ``/help``.

The smallest bot discord.py makes: no database, no cogs, no cache beyond the defaults, one
command answering a one-word ephemeral message. Reads DISCORD_TOKEN, DISCORD_API_BASE and
DISCORD_GATEWAY_URL from the environment, like ``nextinterview run`` against the emulator.
With BARE_ANSWER naming a JSON file of embeds, it answers with those embeds instead (the same
answer as Next Interview's /help: ``help_latency.py --same-answer``).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket


def answer() -> list[discord.Embed]:
    """The embeds to answer with (BARE_ANSWER), or none: the one word."""
    path = os.environ.get("BARE_ANSWER")
    if not path:
        return []
    return [discord.Embed.from_dict(e) for e in json.loads(Path(path).read_text("utf-8"))]


async def main(embeds: list[discord.Embed]) -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)

    @tree.command(name="help", description="A trivial answer.")
    async def trivial(interaction: discord.Interaction) -> None:
        if embeds:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main(answer()))
