"""Answering interactions the same way everywhere: private replies, and failures turned into
friendly messages (expected ones) or an incident id (the rest)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import UserError
from bot.render.limits import MESSAGE_CHARS, clip
from bot.services.text import echo

log = logging.getLogger(__name__)

ERROR_COLOUR = discord.Colour.red()
T = TypeVar("T")


def new_incident_id() -> str:
    """A short id a member can quote and an operator can grep for in the logs."""
    return secrets.token_hex(3).upper()


def incident_text(incident: str) -> str:
    """What a member sees after an unexpected failure. Whether anything was saved is unknown
    (the failure may have come after the write), so it says how to check, not what happened."""
    return (
        "Something went wrong on our side. It may or may not have been saved: check (for "
        "example with `/wins` or `/pipeline list`) before trying again. If it keeps happening, "
        f"tell the group's organiser the incident id `{incident}`."
    )


# Discord wants a first answer within 3 s. Work that usually takes milliseconds answers
# directly; work that has not finished by then (the database busy with another writer) is
# deferred first, so the member sees "thinking…" rather than "did not respond".
DEFER_AFTER = 1.5


async def in_time(interaction: discord.Interaction[Any], work: Awaitable[T]) -> T:
    """Run ``work``; if it is slow, defer the (ephemeral) answer while it finishes. Answer
    afterwards with :func:`send_private`, which follows up when a deferral was sent."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except BaseException:
            task.cancel()
            raise
    return await task


async def send_private(
    interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any
) -> None:
    """Answer ephemerally, as the first response or as a follow-up if one was already sent."""
    kwargs.setdefault("ephemeral", True)
    if content is not None:
        # The last guard: Discord refuses a longer message outright, and the member would see
        # "did not respond" instead of the answer (an error quoting a huge input, say).
        content = clip(content, MESSAGE_CHARS)
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def safe_send_private(interaction: discord.Interaction[Any], content: str) -> None:
    """Like :func:`send_private` but never raises: used on error paths, where the interaction
    may already be expired or the failure may be Discord itself."""
    try:
        await send_private(interaction, content)
    except discord.HTTPException as exc:
        log.warning("Could not tell %s about an error: %s", interaction.user.id, exc)


async def handle_interaction_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Turn any failure into an ephemeral answer: friendly for expected ones, an incident id
    (and a logged traceback) for the rest. Views route their errors here too."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    message = describe_failure(cause)
    if message is None:
        incident = new_incident_id()
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "Incident %s in %s for user %s", incident, command, interaction.user.id, exc_info=cause
        )
        message = incident_text(incident)
    await safe_send_private(interaction, message)


def describe_failure(error: BaseException) -> str | None:
    """The member-facing text for an expected failure, or None for an incident."""
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server: run it in your group's channel."
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(permission_name(p) for p in error.missing_permissions)
        return f"Only members with **{missing}** can do that. Ask your group's organiser."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(permission_name(p) for p in error.missing_permissions)
        return f"I need the **{missing}** permission here. A server admin can grant it."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Easy there: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, DMOnly):
        return "This works in a direct message with me, so your answers stay private."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {echo(str(error.value))}. Pick one of the suggestions."
    if isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        return "This command changed since your Discord app loaded it. Try again in a minute."
    return None


# Discord's UI names for the permissions the bot talks about (the API names differ).
PERMISSION_NAMES = {"manage_guild": "Manage Server", "view_channel": "View Channel"}


def permission_name(permission: str) -> str:
    return PERMISSION_NAMES.get(permission, permission.replace("_", " ").title())


def group_id(interaction: discord.Interaction[Any]) -> int:
    """The server a command runs in, for commands that only make sense in one.

    ``guild_only()`` keeps them out of DMs, but not the subcommands of a group that is usable
    in DMs (/me): either way a DM gets the friendly "works inside a server" answer."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage
    return interaction.guild_id


class DMOnly(app_commands.CheckFailure):
    """Raised by :func:`dm_only`."""


def dm_only() -> Any:
    """A check for commands that only make sense in a DM with the bot."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is not None:
            raise DMOnly
        return True

    return app_commands.check(predicate)
