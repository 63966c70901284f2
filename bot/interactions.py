"""Small helpers for answering interactions the same way everywhere."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord

log = logging.getLogger(__name__)

ERROR_COLOUR = discord.Colour.red()


def new_incident_id() -> str:
    """A short id a member can quote and an operator can grep for in the logs."""
    return secrets.token_hex(3).upper()


async def send_private(
    interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any
) -> None:
    """Answer ephemerally, as the first response or as a follow-up if one was already sent."""
    kwargs.setdefault("ephemeral", True)
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


async def safe_send_private(interaction: discord.Interaction[Any], content: str) -> None:
    """Like :func:`send_private` but never raises: used on error paths, where the interaction
    may already be expired or the failure may be Discord itself."""
    try:
        await send_private(interaction, content)
    except discord.HTTPException as exc:
        log.warning("Could not tell %s about an error: %s", interaction.user.id, exc)
