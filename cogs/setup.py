"""/setup: a group's channel, time zone, schedule, points and switches (Manage Server only)."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import group_id
from bot.jobs import NETWORK_JOB, NUDGES_JOB, POSTS_JOB
from bot.render import network as network_render
from bot.render import rhythm as render
from bot.render.words import plural
from bot.services import dates, network, report, rhythm
from bot.services.kinds import KIND_LABELS, WinKind
from bot.services.schedules import WEEKDAYS, Post
from cogs._choices import ON_OFF, zone_autocomplete
from cogs._members import people_of

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

NEEDED = ("view_channel", "send_messages", "embed_links", "attach_files")


def bot_missing(channel: discord.abc.GuildChannel) -> list[str]:
    """Permissions the bot lacks in ``channel`` for posting the weekly rhythm."""
    me = channel.guild.me
    granted = channel.permissions_for(me) if me else discord.Permissions.none()
    return [name for name in NEEDED if not getattr(granted, name)]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(commands.GroupCog, group_name="setup"):
    """Set up the group's weekly rhythm (organisers with Manage Server)."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # Discord hides /setup from members without Manage Server, but a server can open it to
        # anyone in its Integrations settings: the bot checks again.
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        # The group's row may not exist yet if the bot joined while it was offline.
        guild = interaction.guild
        if guild is not None:
            await rhythm.ensure_group(self.bot.db, self.bot.clock, guild.id, guild.name)
        return True

    def changed(self) -> None:
        self.bot.scheduler.poke(POSTS_JOB)

    @app_commands.command(name="channel")
    @app_commands.describe(channel="Where check-ins, recaps and leaderboards are posted")
    async def channel(
        self, interaction: discord.Interaction[NextInterviewBot], channel: discord.TextChannel
    ) -> None:
        """Choose the channel for the group's weekly posts."""
        missing = bot_missing(channel)
        if missing:
            names = ", ".join(f"**{name.replace('_', ' ').title()}**" for name in missing)
            await interaction.response.send_message(
                f"I can't post in {channel.mention} yet: I'm missing {names} there. Give my role "
                "those permissions in the channel settings and run this again. Nothing changed.",
                ephemeral=True,
            )
            return
        await rhythm.set_channel(self.bot.db, self.bot.clock, channel.guild.id, channel.id)
        # Posts waiting for a fix (a deleted channel, a missing permission) may go now.
        await rhythm.channel_changed(self.bot.db, self.bot.clock, channel.guild.id)
        self.changed()
        group = await rhythm.settings(self.bot.db, channel.guild.id)
        await interaction.response.send_message(
            f"Weekly posts will go to {channel.mention}.\n"
            + render.schedule_lines(group, self.bot.clock.now()),
            ephemeral=True,
        )

    @app_commands.command(name="timezone")
    @app_commands.autocomplete(tz=zone_autocomplete)
    @app_commands.describe(tz="The group's time zone, e.g. Europe/London (start typing a city)")
    async def timezone(self, interaction: discord.Interaction[NextInterviewBot], tz: str) -> None:
        """Set the group's time zone: weeks and post times follow it."""
        zone = await rhythm.set_timezone(self.bot.db, group_id(interaction), tz)
        self.changed()
        await interaction.response.send_message(
            f"The group's time zone is now **{zone.key}**.", ephemeral=True
        )

    @app_commands.command(name="schedule")
    @app_commands.describe(
        post="Which weekly post",
        day="The day it goes out",
        time="Time of day as HH:MM in the group's zone, or off",
    )
    @app_commands.choices(
        post=[app_commands.Choice(name=p.value, value=p.value) for p in Post],
        day=[app_commands.Choice(name=d, value=d) for d in WEEKDAYS],
    )
    async def schedule(
        self, interaction: discord.Interaction[NextInterviewBot], post: str, day: str, time: str
    ) -> None:
        """Change when a weekly post goes out (time off turns it off)."""
        slot = await rhythm.set_schedule(
            self.bot.db, self.bot.clock, group_id(interaction), post, day, time
        )
        self.changed()
        text = (
            f"The **{post}** post is off."
            if slot is None
            else f"The **{post}** post now goes out {slot.label} (group time)."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="points")
    @app_commands.describe(kind="The kind of win", points="Points it earns in this group (0-20)")
    @app_commands.choices(
        kind=[
            app_commands.Choice(name=f"{k.value}: {KIND_LABELS[k]}", value=k.value) for k in WinKind
        ]
    )
    async def points(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        kind: str,
        points: app_commands.Range[int, 0, 20],
    ) -> None:
        """Change how many points a kind of win earns in this group."""
        await rhythm.set_points(self.bot.db, group_id(interaction), kind, points)
        await interaction.response.send_message(
            f"**{kind}** wins now earn **{plural(points, 'point')}** here.", ephemeral=True
        )

    @app_commands.command(name="announce-wins")
    @app_commands.describe(state="on: a short public celebration when a member logs a win")
    @app_commands.choices(state=ON_OFF)
    async def announce_wins(
        self, interaction: discord.Interaction[NextInterviewBot], state: str
    ) -> None:
        """Turn public win celebrations on or off (notes are never shown)."""
        await rhythm.set_flag(self.bot.db, group_id(interaction), "announce_wins", state == "on")
        await interaction.response.send_message(
            f"Win announcements are **{state}**.", ephemeral=True
        )

    @app_commands.command(name="nudges")
    @app_commands.describe(
        state="on: a kind DM to members with no win for a while",
        days="Days without a win before the nudge (7-60, default 14)",
    )
    @app_commands.choices(state=ON_OFF)
    async def nudges(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        state: str,
        days: app_commands.Range[int, 7, 60] | None = None,
    ) -> None:
        """Turn inactivity nudges on or off, and choose after how many days."""
        guild_id = group_id(interaction)
        await rhythm.set_flag(self.bot.db, guild_id, "nudges", state == "on")
        if days is not None:
            await rhythm.set_nudge_days(self.bot.db, guild_id, days)
        self.bot.scheduler.poke(NUDGES_JOB)
        group = await rhythm.settings(self.bot.db, guild_id)
        text = (
            f"Nudges are **on**: one kind DM after {group.nudge_days} days without a win."
            if group.nudges
            else "Nudges are **off**."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="partners")
    @app_commands.describe(
        state="on: members who join with /partner join are paired, introduced by DM",
        every="Weeks between new pairs (1-4, default 2)",
    )
    @app_commands.choices(state=ON_OFF)
    async def partners(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        state: str,
        every: app_commands.Range[int, 1, 4] | None = None,
    ) -> None:
        """Turn accountability partners on or off, and choose how often pairs change."""
        result = await network.set_partners(
            self.bot.db, self.bot.clock, group_id(interaction), on=state == "on", every=every
        )
        self.bot.scheduler.poke(NETWORK_JOB)
        await interaction.response.send_message(
            network_render.partners_setting(result, self.bot.clock.now()), ephemeral=True
        )

    @app_commands.command(name="exchange")
    @app_commands.describe(state="on: members can ask the group for introductions (/ask intro)")
    @app_commands.choices(state=ON_OFF)
    async def exchange(
        self, interaction: discord.Interaction[NextInterviewBot], state: str
    ) -> None:
        """Turn the introduction exchange on or off."""
        await network.set_exchange(self.bot.db, group_id(interaction), state == "on")
        await interaction.response.send_message(
            network_render.exchange_setting(state == "on"), ephemeral=True
        )

    @app_commands.command(name="pause")
    @app_commands.describe(until="Post nothing up to and including this date (holidays)")
    async def pause(self, interaction: discord.Interaction[NextInterviewBot], until: str) -> None:
        """Pause the weekly posts until a date."""
        guild_id = group_id(interaction)
        day = await rhythm.pause(self.bot.db, self.bot.clock, guild_id, until)
        self.changed()
        group = await rhythm.settings(self.bot.db, guild_id)
        today = self.bot.clock.now().astimezone(group.zone).date()
        await interaction.response.send_message(
            f"Paused: no weekly posts up to and including {dates.format_day(day, today)}.",
            ephemeral=True,
        )

    @pause.autocomplete("until")
    async def until_autocomplete(
        self, interaction: discord.Interaction[NextInterviewBot], current: str
    ) -> list[app_commands.Choice[str]]:
        group = await rhythm.settings(self.bot.db, group_id(interaction))
        today = self.bot.clock.now().astimezone(group.zone).date()
        return [
            app_commands.Choice(name=s.label, value=s.value)
            for s in dates.suggest_follow_up(current, today)
            if s.value != "none"
        ]

    @app_commands.command(name="resume")
    async def resume(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Resume the weekly posts after a pause."""
        await rhythm.resume(self.bot.db, group_id(interaction))
        self.changed()
        await interaction.response.send_message(
            "Resumed: the weekly posts are back on.", ephemeral=True
        )

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Everything about this group's setup, the next post times and any problem."""
        guild_id = group_id(interaction)
        group = await rhythm.settings(self.bot.db, guild_id)
        problems = await rhythm.problems(self.bot.db, self.bot.clock, guild_id)
        channel = (
            interaction.guild.get_channel(group.channel_id)
            if (interaction.guild and group.channel_id)
            else None
        )
        missing = bot_missing(channel) if isinstance(channel, discord.TextChannel) else []
        await interaction.response.send_message(
            embed=render.setup_embed(
                group,
                self.bot.clock.now(),
                problems,
                missing,
                channel_exists=channel is not None or not group.channel_id,
                network=await network.group(self.bot.db, guild_id),
            ),
            ephemeral=True,
        )

    @app_commands.command(name="report")
    async def report(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """A facilitator's summary of the group, with a CSV per member."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild, user = interaction.guild, interaction.user
        known = user if isinstance(user, discord.Member) else None
        result = await report.report(
            self.bot.db,
            self.bot.clock,
            group_id(interaction),
            lambda ids: people_of(guild, ids, known=known),
        )
        await interaction.followup.send(
            embed=render.report_embed(result),
            file=discord.File(io.BytesIO(result.csv_text.encode()), filename="group-report.csv"),
            ephemeral=True,
        )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Setup(bot))
