"""Which servers the bot is in: recorded as Discord reports them, never polled."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.jobs import POSTS_JOB, WELCOME_JOB
from bot.render.rhythm import WELCOME
from bot.render.safe import inert
from bot.services import community
from bot.services.delivery import Claim, Outcome, Result

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)


class Community(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.register(WELCOME_JOB, self.retry_welcomes)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        welcome = await community.group_joined(
            self.bot.db, self.bot.clock, guild_id=guild.id, name=guild.name
        )
        log.info("Joined server %s%s", guild.id, " for the first time" * bool(welcome))
        if welcome is not None:
            await self.bot.courier.deliver(community.WELCOME_KINDS, [welcome], self.deliver)
            self.bot.scheduler.poke(WELCOME_JOB)  # plans a retry if it did not go out

    async def retry_welcomes(self, now: datetime) -> datetime | None:
        """The scheduler job: welcomes that failed when the bot joined, tried again."""
        return await self.bot.courier.deliver(
            community.WELCOME_KINDS, [], self.deliver, keep=self.bot.owns
        )

    async def deliver(self, claim: Claim) -> Result:
        """Tell whoever can act how to start: the system channel if the bot may post there,
        else the server owner by DM."""
        guild = self.bot.get_guild(claim.target_id)
        if guild is None:
            return Result(Outcome.SKIPPED, detail="the bot is no longer in the server")
        channel, me = guild.system_channel, guild.me
        if channel is not None and me is not None:
            allowed = channel.permissions_for(me)
            if allowed.send_messages and allowed.view_channel:
                result = await self.bot.outbox.to_channel(
                    channel.id, guild.id, nonce=claim.nonce, content=WELCOME
                )
                if result.outcome not in (Outcome.BLOCKED, Outcome.FINAL):
                    return result
        if guild.owner_id is None:
            return Result(Outcome.BLOCKED, detail="no channel to post in and no owner known")
        return await self.bot.outbox.to_member(
            guild.owner_id, nonce=claim.nonce, content=f"(From **{inert(guild.name)}**) {WELCOME}"
        )

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await community.group_joined(
            self.bot.db, self.bot.clock, guild_id=guild.id, name=guild.name
        )

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await community.group_left(self.bot.db, self.bot.clock, guild_id=guild.id)
        # Its schedules stop: the posts job only looks at groups the bot is still in.
        self.bot.scheduler.poke(POSTS_JOB)
        log.info("Removed from server %s (%s)", guild.id, guild.name)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Community(bot))
