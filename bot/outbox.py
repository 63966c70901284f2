"""Messages the bot sends on its own, to a group's channel or a member's DMs.

One place paces every background request under Discord's global limit, sends with a nonce so
Discord can recognise a repeat, and turns whatever happened (a message, a Discord error code, a
dropped connection) into a plain :class:`~bot.services.delivery.Result` that services
understand without knowing Discord.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.nonce import nonce_for
from bot.pacing import Pacer, background
from bot.services import public
from bot.services.delivery import Outcome, Result, ShuttingDown

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

# Discord's JSON error codes the bot acts on.
UNKNOWN_CHANNEL = 10003
UNKNOWN_USER = 10013
MISSING_ACCESS = 50001
DM_CLOSED = 50007
MISSING_PERMISSIONS = 50013

BLOCKED_DETAIL = {
    UNKNOWN_CHANNEL: "the channel was deleted",
    MISSING_ACCESS: "I can't see the channel",
    MISSING_PERMISSIONS: "I'm missing a permission in the channel",
}


def classify(error: BaseException) -> Result:
    """What a failed request means for a delivery: try again, wait for a fix, or give up."""
    if isinstance(error, discord.HTTPException):
        code, status = error.code, error.status
        if code == DM_CLOSED:
            return Result(Outcome.DM_CLOSED, detail=f"the member's DMs are closed ({code})")
        if code in BLOCKED_DETAIL:
            return Result(Outcome.BLOCKED, detail=f"{BLOCKED_DETAIL[code]} ({code})")
        if status == 429 or status >= 500:
            return Result(Outcome.RETRY, detail=f"Discord answered {status}")
        if code == UNKNOWN_USER:
            return Result(Outcome.FINAL, detail=f"the member's account is gone ({code})")
        if status in (401, 403, 404):
            return Result(Outcome.BLOCKED, detail=f"Discord answered {status} ({code})")
        # Any other 4xx means Discord refused what we sent: repeating it cannot help.
        log.error("Discord refused a message: %s %s (%s)", status, code, error.text[:200])
        return Result(Outcome.FINAL, detail=f"Discord refused the message ({status}, {code})")
    if isinstance(error, discord.RateLimited):
        return Result(Outcome.RETRY, detail="rate limited")
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError | OSError):
        return Result(Outcome.RETRY, detail=f"connection problem ({type(error).__name__})")
    raise error


class Outbox:
    """Paced, nonce-carrying sends for background work; see the module docstring."""

    def __init__(self, bot: NextInterviewBot, pacer: Pacer) -> None:
        self.bot = bot
        self.pacer = pacer
        self.closing = False

    def close(self) -> None:
        """From now on, refuse to start a request (the caller releases its claim)."""
        self.closing = True

    def _turn(self) -> None:
        # The request itself waits its turn in the bot's HTTP client (bot.pacing).
        if self.closing:
            raise ShuttingDown

    async def to_channel(
        self, channel_id: int, guild_id: int | None, *, nonce: str, **kwargs: Any
    ) -> Result:
        """Post in a channel; never raises for Discord's or the network's answers."""
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        self._turn()
        try:
            with background():
                message = await channel.send(
                    nonce=nonce, allowed_mentions=discord.AllowedMentions.none(), **kwargs
                )
        except Exception as exc:
            return classify(exc)
        return Result(Outcome.SENT, message_id=message.id)

    async def to_member(self, user_id: int, *, nonce: str, **kwargs: Any) -> Result:
        """DM a member; a closed DM comes back as :attr:`Outcome.DM_CLOSED`."""
        try:
            with background():
                channel = self.bot.get_dm_channel_cached(user_id)
                if channel is None:
                    self._turn()
                    channel = await self.bot.create_dm(discord.Object(user_id))
                self._turn()
                message = await channel.send(
                    nonce=nonce, allowed_mentions=discord.AllowedMentions.none(), **kwargs
                )
        except ShuttingDown:
            raise
        except Exception as exc:
            result = classify(exc)
            if result.outcome is Outcome.DM_CLOSED:
                self.bot.dm_closed_hint.add(user_id)
            return result
        return Result(Outcome.SENT, message_id=message.id)

    async def publish(
        self,
        post: public.PublicPost,
        channel_id: int,
        guild_id: int | None,
        content: str,
        **extra: Any,
    ) -> bool:
        """Post (or bring up to date) the one public message a member's action calls for.

        A first claim posts, with a nonce from the claim so a retried request is recognised;
        a later one edits the message already there; a claim another press holds right now
        does nothing. False when the message could not be posted (the claim is released so
        the member can try again). ``extra`` goes with the message (a view, say)."""
        db = self.bot.db
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        none = discord.AllowedMentions.none()
        if post.message_id is not None and post.channel_id is not None:
            existing = self.bot.get_partial_messageable(post.channel_id, guild_id=guild_id)
            try:
                await existing.get_partial_message(post.message_id).edit(
                    content=content, allowed_mentions=none, **extra
                )
                return True
            except discord.NotFound:
                pass  # deleted by someone: post it again below
            except discord.HTTPException as exc:
                log.warning("Could not update public post %s: %s", post.post_id, exc)
                return False
        elif not post.to_post(self.bot.clock.now()):
            return True  # the first press is posting it right now
        # From what is shared, not the claim's row: after a release and a new claim the
        # nonce is the same, so a send that reached Discord unnoticed is not repeated.
        nonce = nonce_for("public", post.kind, post.guild_id, post.user_id, post.ref)
        try:
            message = await channel.send(content, nonce=nonce, allowed_mentions=none, **extra)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Public post %s not posted: %s", post.post_id, exc)
            await public.release(db, post)
            return False
        await public.posted(db, post, channel_id, message.id)
        return True

    async def delete_public(self, posts: list[public.PublicPost]) -> int:
        """Remove messages posted for a member (after /me delete); returns how many could
        not be removed. Paced like any background work: a member may have many."""
        failed = 0
        for post in posts:
            if post.message_id is None or post.channel_id is None:
                continue
            channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
            try:
                with background():
                    await channel.get_partial_message(post.message_id).delete()
            except discord.NotFound:
                pass  # already gone
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                failed += 1
                log.warning("Could not remove public post %s: %s", post.post_id, exc)
        return failed
