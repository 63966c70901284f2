"""/help: every command with its description, read from the live command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.help import CommandEntry, help_embeds

if TYPE_CHECKING:
    from bot.client import NextInterviewBot


class Help(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        # Built on first use, once every cog has registered its commands; the tree does not
        # change while the bot runs.
        self._pages: list[discord.Embed] | None = None

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """See every Next Interview command and what it does."""
        if self._pages is None:
            self._pages = self.build_pages()
        pages = self._pages
        # Several pages only when the command list outgrows one message's 6,000 characters.
        await interaction.response.send_message(embed=pages[0], ephemeral=True)
        for page in pages[1:]:
            await interaction.followup.send(embed=page, ephemeral=True)

    def build_pages(self) -> list[discord.Embed]:
        entries = [
            CommandEntry(
                path=command.qualified_name,
                description=command.description,
                options=tuple((p.display_name, p.required) for p in command.parameters),
            )
            for command in self.bot.tree.walk_commands()
            if isinstance(command, app_commands.Command)
        ]
        return help_embeds(entries)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Help(bot))
