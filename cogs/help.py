"""/help: an index of every command, or one area in full, read from the live command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.help import (
    Area,
    CommandEntry,
    OptionEntry,
    help_index,
    help_topic,
    topic_unknown,
    topic_withheld,
)
from bot.render.limits import AUTOCOMPLETE_CHOICES, CHOICE_NAME
from bot.services.text import clip

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

TopLevel = app_commands.Command[Any, ..., Any] | app_commands.Group


def entry(command: app_commands.Command[Any, ..., Any]) -> CommandEntry:
    return CommandEntry(
        path=command.qualified_name,
        description=command.description,
        options=tuple(
            OptionEntry(p.display_name, p.description, p.required) for p in command.parameters
        ),
    )


def area(top: TopLevel) -> Area:
    if isinstance(top, app_commands.Command):
        return Area(top.name, top.description, (entry(top),))
    found = [c for c in top.walk_commands() if isinstance(c, app_commands.Command)]
    return Area(
        top.name, top.description, tuple(entry(c) for c in sorted(found, key=lambda c: c.name))
    )


def topic_name(typed: str) -> str:
    """What a member typed as a topic, as a top-level command's name ("/WIN " is "win")."""
    words = typed.strip().lower().lstrip("/").split()
    return words[0] if words else ""


class Help(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        # Built on first use, once every cog has registered its commands (the tree does not
        # change while the bot runs). /help is the most used command, so each answer is
        # worked out once: per set of permissions, then per set of areas withheld.
        self._areas: dict[str, Area] | None = None
        self._withheld: dict[int | None, frozenset[str]] = {}
        self._index: dict[frozenset[str], list[discord.Embed]] = {}
        self._topics: dict[str, list[discord.Embed]] = {}

    def areas(self) -> dict[str, Area]:
        if self._areas is None:
            self._areas = {
                top.name: area(top)
                for top in self.bot.tree.get_commands()
                if not isinstance(top, app_commands.ContextMenu)
            }
        return self._areas

    def withheld(self, interaction: discord.Interaction[NextInterviewBot]) -> frozenset[str]:
        """The areas the reader may not use. Discord's command picker hides a command whose
        default permissions a member lacks (/setup needs Manage Server), so /help does too.
        In DMs there are no server permissions, so organiser commands are only named."""
        allowed = interaction.permissions if interaction.guild is not None else None
        key = allowed.value if allowed is not None else None
        found = self._withheld.get(key)
        if found is None:
            found = self._withheld[key] = frozenset(
                top.name
                for top in self.bot.tree.get_commands()
                if (wanted := top.default_permissions) is not None
                and (allowed is None or not wanted.is_subset(allowed))
            )
        return found

    @app_commands.command(name="help")
    @app_commands.describe(topic="One area in full, with every option explained (e.g. pipeline)")
    async def help(
        self, interaction: discord.Interaction[NextInterviewBot], topic: str | None = None
    ) -> None:
        """See every Next Interview command, or one area of them in full."""
        withheld = self.withheld(interaction)
        if topic is None:
            pages = self._index.get(withheld)
            if pages is None:
                visible = [a for name, a in self.areas().items() if name not in withheld]
                pages = self._index[withheld] = help_index(visible, sorted(withheld))
        else:
            name = topic_name(topic)
            if name in withheld:
                await interaction.response.send_message(topic_withheld(name), ephemeral=True)
                return
            if name not in self.areas():
                names = [n for n in self.areas() if n not in withheld]
                await interaction.response.send_message(topic_unknown(names), ephemeral=True)
                return
            pages = self._topics.get(name)
            if pages is None:
                pages = self._topics[name] = help_topic(self.areas()[name])
        # Several pages only when the list outgrows one message's 6,000 characters.
        await interaction.response.send_message(embed=pages[0], ephemeral=True)
        for page in pages[1:]:
            await interaction.followup.send(embed=page, ephemeral=True)

    @help.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction[NextInterviewBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """The areas the member can use, matching what they typed."""
        needle = topic_name(current)
        withheld = self.withheld(interaction)
        return [
            app_commands.Choice(name=clip(f"/{a.name}: {a.description}", CHOICE_NAME), value=name)
            for name, a in sorted(self.areas().items())
            if name not in withheld and needle in name
        ][:AUTOCOMPLETE_CHOICES]


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Help(bot))
