"""/me: your own settings and numbers."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import group_id
from bot.jobs import INTERVIEW_DAY_JOB, NUDGES_JOB
from bot.render import calendar as render_calendar
from bot.render import charts
from bot.render import stats as render_stats
from bot.render.words import day, plural
from bot.services import calendar as calendar_service
from bot.services import goals as goals_service
from bot.services import interview_day as interview_day_service
from bot.services import nudges as nudges_service
from bot.services import privacy
from bot.services import profile as profile_service
from bot.services import stats as stats_service
from bot.views import Confirm
from cogs._choices import ON_OFF, zone_autocomplete

if TYPE_CHECKING:
    from bot.client import NextInterviewBot


class ConfirmDelete(Confirm):
    def __init__(self, owner_id: int) -> None:
        super().__init__(
            owner_id, yes="Delete everything", no="Keep my data", kept="Nothing was deleted."
        )

    async def confirmed(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        # Stopped before anything is deleted: a second press must not start a second deletion.
        self.stop()
        await interaction.response.edit_message(content="Deleting…", view=None)
        # Nothing more goes to this member from now on, even a reminder already being sent.
        bot.courier.forgotten.add(self.owner_id)
        posts = await privacy.public_posts(bot.db, user_id=self.owner_id)
        removed = await privacy.delete(bot.db, user_id=self.owner_id)
        bot.dm_closed_hint.discard(self.owner_id)
        # What the bot posted in groups for the member (shared plans, celebrations) goes too.
        unposted = await bot.outbox.delete_public(posts)
        text = (
            f"Deleted: {plural(removed, 'record')} about you {'is' if removed == 1 else 'are'} gone"
        )
        if posts:
            text += f", and {plural(len(posts) - unposted, 'message')} I posted for you"
        text += "."
        if unposted:
            text += (
                f" {plural(unposted, 'message')} I couldn't remove (a channel I can no longer "
                "reach): ask the group's organiser to delete it."
            )
        await interaction.edit_original_response(content=text)


class Me(commands.GroupCog, group_name="me"):
    """Your settings and your numbers; everything here is private to you."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="timezone")
    @app_commands.autocomplete(tz=zone_autocomplete)
    @app_commands.describe(tz="Your time zone, e.g. Europe/Berlin (start typing a city)")
    async def timezone(self, interaction: discord.Interaction[NextInterviewBot], tz: str) -> None:
        """Set your time zone: weeks, streaks and reminders follow it."""
        zone = await profile_service.set_timezone(
            self.bot.db, self.bot.clock, interaction.user.id, tz, changes=self.bot.changes
        )
        local = self.bot.clock.now().astimezone(zone)
        await interaction.response.send_message(
            f"Time zone set to **{zone.key}** (it's {local:%H:%M} on "
            f"{day(local.date(), local.date())} there).",
            ephemeral=True,
        )

    @app_commands.command(name="goal")
    @app_commands.describe(count="How many next-interview wins you aim for each week (0-50)")
    async def goal(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        count: app_commands.Range[int, 0, profile_service.MAX_GOAL],
    ) -> None:
        """Set your weekly next-interview goal."""
        await profile_service.set_goal(self.bot.db, self.bot.clock, interaction.user.id, count)
        text = (
            f"Weekly goal set to **{count}**. Every conversation that could lead to another counts."
            if count
            else "Weekly goal turned off."
        )
        week = await goals_service.this_week(self.bot.db, self.bot.clock, interaction.user.id)
        if week.from_checkin:
            # The check-in's number is this week's: say so, or /win would seem to ignore this.
            text += (
                f" This week you committed to {week.count} at the check-in, so this week "
                "counts against that; your weekly goal applies from next week."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="reminders")
    @app_commands.describe(
        state="on or off", hour="The hour for reminder DMs in your time zone (0-23)"
    )
    @app_commands.choices(state=ON_OFF)
    async def reminders(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        state: str,
        hour: app_commands.Range[int, 0, 23] | None = None,
    ) -> None:
        """Turn follow-up reminder DMs on or off, and choose their hour."""
        enabled = state == "on"
        await profile_service.set_reminders(
            self.bot.db,
            self.bot.clock,
            interaction.user.id,
            enabled,
            hour,
            changes=self.bot.changes,
        )
        profile = await profile_service.load(self.bot.db, self.bot.clock, interaction.user.id)
        text = (
            f"Reminders on: one DM at {profile.reminder_hour:02d}:00 ({profile.zone.key}) on "
            "days something is due."
            if enabled
            else "Reminders off. `/followups list` still shows everything."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="nudges")
    @app_commands.describe(state="on or off")
    @app_commands.choices(state=ON_OFF)
    async def nudges(self, interaction: discord.Interaction[NextInterviewBot], state: str) -> None:
        """Turn the kind DM after a quiet stretch on or off (reminders are separate)."""
        enabled = state == "on"
        await nudges_service.set_nudges(self.bot.db, self.bot.clock, interaction.user.id, enabled)
        self.bot.scheduler.poke(NUDGES_JOB)
        text = (
            "Nudges on: if your groups want them, I'll send one kind DM after a quiet stretch."
            if enabled
            else "Nudges off. Follow-up reminders are a separate switch: `/me reminders`."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="interview-day")
    @app_commands.describe(state="on or off")
    @app_commands.choices(state=ON_OFF)
    async def interview_day(
        self, interaction: discord.Interaction[NextInterviewBot], state: str
    ) -> None:
        """Turn on or off the DM on the morning of an interview in your pipeline."""
        enabled = state == "on"
        await interview_day_service.set_cards(
            self.bot.db, self.bot.clock, interaction.user.id, enabled
        )
        self.bot.scheduler.poke(INTERVIEW_DAY_JOB)
        profile = await profile_service.load(self.bot.db, self.bot.clock, interaction.user.id)
        text = (
            f"Interview-day cards on: at 08:00 ({profile.zone.key}) on the day of an interview "
            "in your pipeline, a DM with why it matters to you and the questions to ask."
            if enabled
            else "Interview-day cards off. Your interview dates stay in `/pipeline list`."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="calendar")
    @app_commands.describe(
        action="rotate: a new private link (the old one stops working); off: no link at all"
    )
    @app_commands.choices(
        action=[
            app_commands.Choice(name="rotate: a new private link", value="rotate"),
            app_commands.Choice(name="off: stop my link", value="off"),
        ]
    )
    async def calendar(
        self, interaction: discord.Interaction[NextInterviewBot], action: str
    ) -> None:
        """A private link that keeps your calendar app in step with your follow-ups."""
        base_url = self.bot.settings.calendar_feed_url
        if action == "rotate" and base_url:
            link = await calendar_service.rotate_feed(
                self.bot.db, self.bot.clock, user_id=interaction.user.id, base_url=base_url
            )
            text = render_calendar.feed_text(link)
        elif action == "rotate":
            text = render_calendar.NO_FEEDS
        else:
            # Off works even once the operator has turned links off: nothing is left behind.
            stopped = await calendar_service.stop_feed(self.bot.db, user_id=interaction.user.id)
            text = (
                render_calendar.feed_off_text(stopped)
                if stopped or base_url
                else (render_calendar.NO_FEEDS)
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="leaderboard")
    @app_commands.describe(
        visibility="hide: leave this group's leaderboard and recaps; show: return"
    )
    @app_commands.choices(
        visibility=[
            app_commands.Choice(name="hide", value="hide"),
            app_commands.Choice(name="show", value="show"),
        ]
    )
    async def leaderboard(
        self, interaction: discord.Interaction[NextInterviewBot], visibility: str
    ) -> None:
        """Hide from (or return to) this group's leaderboard and recaps."""
        hidden = visibility == "hide"
        await privacy.set_hidden(
            self.bot.db,
            self.bot.clock,
            # guild_only() does not reach a subcommand of /me (usable in DMs): checked here.
            guild_id=group_id(interaction),
            user_id=interaction.user.id,
            hidden=hidden,
        )
        text = (
            "You're hidden from this group's public posts: leaderboard, recaps, celebrations "
            "and shared plans never name you. Your wins still count in the group's totals, "
            "without your name, and the organisers' private report still lists you."
            if hidden
            else "You're back on this group's leaderboard."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Download everything Next Interview stores about you (JSON, plus your exercises)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await privacy.export(
            self.bot.db, self.bot.clock, self.bot.catalog, user_id=interaction.user.id
        )
        await interaction.followup.send(
            f"Everything stored about you: {plural(result.rows, 'record')}.",
            files=[
                discord.File(io.BytesIO(result.json_text.encode()), filename="my-data.json"),
                discord.File(io.BytesIO(result.markdown.encode()), filename="my-exercises.md"),
            ],
            ephemeral=True,
        )

    @app_commands.command(name="delete")
    async def delete(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Delete everything Next Interview stores about you (asks to confirm)."""
        await interaction.response.send_message(
            "This deletes **everything** stored about you in every group: wins, pipeline, "
            "follow-ups, exercises, commitments and settings. It can't be undone. Download it "
            "first with `/me export` if you want a copy.",
            view=ConfirmDelete(interaction.user.id),
            ephemeral=True,
        )

    @app_commands.command(name="stats")
    async def stats(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Your week against your goal, your streak, totals and the last 12 weeks."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await stats_service.member_stats(
            self.bot.db, self.bot.clock, user_id=interaction.user.id
        )
        png = await asyncio.to_thread(
            charts.weekly_bars, result.weekly, title="Your wins per week", goal=result.goal.count
        )
        await interaction.followup.send(
            embed=render_stats.stats(result),
            file=discord.File(io.BytesIO(png), filename="wins-per-week.png"),
            ephemeral=True,
        )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Me(bot))
