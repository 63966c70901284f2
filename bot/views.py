"""View building blocks shared by the cogs: owner checks, error routing, timeouts."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.interactions import handle_interaction_error

log = logging.getLogger(__name__)


class OwnedView(discord.ui.View):
    """A view only its owner may use; it reports errors like commands do and disables itself
    when it times out, so nobody presses a button that no longer does anything."""

    def __init__(self, owner_id: int, *, timeout: float | None = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to someone else. Run the command yourself to get your own.",
            ephemeral=True,
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_interaction_error(interaction, error)

    async def on_timeout(self) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:
                # An ephemeral message's token lasts 15 minutes; past that it cannot be edited.
                log.debug("Could not disable an expired view: %s", exc)


# Ids in a custom_id are untrusted input: anything beyond a 64-bit integer cannot be a
# snowflake or a row id (and SQLite would refuse it).
MAX_ID = 2**63 - 1
STALE_BUTTON = "That button doesn't work any more. Run the command again for a fresh one."


class GuardedItem:
    """Mixin for persistent ``DynamicItem`` buttons: discord.py only logs their exceptions, so
    the work goes in :meth:`run` and failures reach the member like any command's. Subclasses
    rebuild themselves from their custom id in :meth:`from_match`.

    A custom_id comes from the client and may have been rewritten: numbers that cannot be ids
    are refused with a short private note, never an incident."""

    refused: bool = False

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Any:
        made = cls.from_match(match, item)
        made.refused = any(
            value.isdigit() and int(value) > MAX_ID for value in match.groupdict().values() if value
        )
        return made

    @classmethod
    def from_match(cls, match: re.Match[str], item: discord.ui.Item[Any]) -> Any:
        raise NotImplementedError

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.refused:
            await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
            return
        try:
            await self.run(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)


class EmbedPages(OwnedView):
    """Previous / Next through a list of embeds (answers, a long pipeline...)."""

    def __init__(self, owner_id: int, pages: list[discord.Embed]) -> None:
        super().__init__(owner_id)
        self.pages, self.index = pages, 0
        self.update()

    def update(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[Any], _: Any) -> None:
        self.index -= 1
        self.update()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], _: Any) -> None:
        self.index += 1
        self.update()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)


async def send_pages(interaction: discord.Interaction[Any], pages: list[discord.Embed]) -> None:
    """Answer privately with the first page, and buttons to turn pages when there are more."""
    if len(pages) == 1:
        await interaction.response.send_message(embed=pages[0], ephemeral=True)
        return
    view = EmbedPages(interaction.user.id, pages)
    await interaction.response.send_message(embed=pages[0], view=view, ephemeral=True)
    view.message = await interaction.original_response()
