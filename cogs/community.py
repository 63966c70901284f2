"""Which servers the bot is in: recorded as Discord reports them, never polled."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.render.rhythm import WELCOME
from bot.services import community

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)


class Community(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        first = await community.group_joined(
            self.bot.db, self.bot.clock, guild_id=guild.id, name=guild.name
        )
        log.info("Joined server %s (%s)%s", guild.id, guild.name, " for the first time" * first)
        if first:
            await self.welcome(guild)

    async def welcome(self, guild: discord.Guild) -> None:
        """Tell whoever can act how to start: the system channel if the bot may post there,
        else the server owner by DM."""
        channel = guild.system_channel
        me = guild.me
        if channel is not None and me is not None:
            allowed = channel.permissions_for(me)
            if allowed.send_messages and allowed.view_channel:
                try:
                    await channel.send(WELCOME)
                    return
                except discord.HTTPException as exc:
                    log.info("Welcome in %s's system channel failed: %s", guild.id, exc)
        try:
            owner = await self.bot.create_dm(discord.Object(guild.owner_id or 0))
            await owner.send(f"(From **{guild.name}**) {WELCOME}")
        except discord.HTTPException as exc:
            log.info("Could not welcome server %s anywhere: %s", guild.id, exc)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await community.group_joined(
            self.bot.db, self.bot.clock, guild_id=guild.id, name=guild.name
        )

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await community.group_left(self.bot.db, self.bot.clock, guild_id=guild.id)
        # Its schedules stop: the posts job only looks at groups the bot is still in.
        self.bot.scheduler.poke("group-posts")
        log.info("Removed from server %s (%s)", guild.id, guild.name)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Community(bot))
