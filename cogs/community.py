"""Which servers the bot is in: recorded as Discord reports them, never polled."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

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

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await community.group_joined(
            self.bot.db, self.bot.clock, guild_id=guild.id, name=guild.name
        )

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await community.group_left(self.bot.db, self.bot.clock, guild_id=guild.id)
        log.info("Removed from server %s (%s)", guild.id, guild.name)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Community(bot))
