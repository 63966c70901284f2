"""View building blocks shared by the cogs: owner checks, error routing, timeouts."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.client import handle_interaction_error

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


class GuardedItem:
    """Mixin for persistent ``DynamicItem`` buttons: discord.py only logs their exceptions, so
    the work goes in :meth:`run` and failures reach the member like any command's. Subclasses
    rebuild themselves from their custom id in :meth:`from_match`."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Any:
        return cls.from_match(match, item)

    @classmethod
    def from_match(cls, match: re.Match[str], item: discord.ui.Item[Any]) -> Any:
        raise NotImplementedError

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)
