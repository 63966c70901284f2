"""/help: every command with its description, read from the live command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.help import CommandEntry, help_embeds

if TYPE_CHECKING:
    from bot.client import NextInterviewBot


def needs(command: app_commands.Command[Any, ..., Any]) -> discord.Permissions | None:
    """The permissions Discord asks of a member before showing the command (set on the
    command or on its top-level group)."""
    root = command.root_parent
    return command.default_permissions or (root.default_permissions if root else None)


class Help(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        # Built on first use, once every cog has registered its commands (the tree does not
        # change while the bot runs), per set of commands withheld from the reader.
        self._pages: dict[frozenset[str], list[discord.Embed]] = {}

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """See every Next Interview command and what it does."""
        # Discord's command picker hides what a member may not use (/setup needs Manage
        # Server), so /help does too: it lists what the reader can use and says the rest
        # exists. In DMs there are no server permissions, so organiser commands are named only.
        allowed = interaction.permissions if interaction.guild is not None else None
        withheld = frozenset(
            command.qualified_name
            for command in self._commands()
            if (wanted := needs(command)) is not None
            and (allowed is None or not wanted.is_subset(allowed))
        )
        pages = self._pages.get(withheld)
        if pages is None:
            pages = self._pages[withheld] = self.build_pages(withheld)
        # Several pages only when the command list outgrows one message's 6,000 characters.
        await interaction.response.send_message(embed=pages[0], ephemeral=True)
        for page in pages[1:]:
            await interaction.followup.send(embed=page, ephemeral=True)

    def _commands(self) -> list[app_commands.Command[Any, ..., Any]]:
        return [
            command
            for command in self.bot.tree.walk_commands()
            if isinstance(command, app_commands.Command)
        ]

    def build_pages(self, withheld: frozenset[str] = frozenset()) -> list[discord.Embed]:
        entries = [
            CommandEntry(
                path=command.qualified_name,
                description=command.description,
                options=tuple((p.display_name, p.required) for p in command.parameters),
            )
            for command in self._commands()
            if command.qualified_name not in withheld
        ]
        tops = sorted({path.split(" ", 1)[0] for path in withheld})
        return help_embeds(entries, tops)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Help(bot))
