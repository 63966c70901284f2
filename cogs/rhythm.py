"""The weekly posts (check-in, follow-up prompt, recap, leaderboard), their buttons,
/leaderboard, and the inactivity nudges."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.clock import sleep_until
from bot.interactions import group_id
from bot.jobs import NUDGES_JOB, POSTS_JOB
from bot.render import charts
from bot.render import rhythm as render
from bot.services import delivery, rhythm
from bot.services import followups as followups_service
from bot.services import nudges as nudges_service
from bot.services.delivery import earliest
from bot.services.schedules import Post
from bot.views import AnswerButton, Form, GuardedItem
from cogs._choices import PERIOD_CHOICES
from cogs.followups import FollowUpPager

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

NOT_HERE = "The check-in works in your group's channel."
TALLY_EVERY = 3.0  # seconds between edits of a check-in's tally (Discord rate-limits edits)


class CommitModal(Form):
    """This week's goal (and plan): shared with the group or kept private."""

    def __init__(self, public: bool) -> None:
        super().__init__(title="Share my plan" if public else "Set my goal for the week")
        self.public = public
        self.goal: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="How many next conversations this week?", default="2", max_length=2
        )
        self.plan: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your plan" + ("" if public else " (private, optional)"),
            style=discord.TextStyle.paragraph,
            required=public,
            max_length=rhythm.MAX_PLAN,
            placeholder="Who will you contact, follow up with or ask for an introduction?",
        )
        self.add_item(self.goal)
        self.add_item(self.plan)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        # discord.py types a modal's interaction for any client; this bot's modals run in it.
        bot: NextInterviewBot = interaction.client
        # The server is Discord's word for where the form was sent, never the button's id.
        guild_id = interaction.guild_id
        if guild_id is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        # Saving may wait for the database: answer Discord first so the form never times out.
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await rhythm.commit(
            bot.db,
            bot.clock,
            guild_id=guild_id,
            user_id=interaction.user.id,
            goal=self.goal.value,
            plan_text=self.plan.value,
            public=self.public,
        )
        text = render.committed_text(result.goal, shared=result.share is not None)
        cog = bot.get_cog("Rhythm")
        if isinstance(cog, Rhythm):
            cog.refresh_tally(guild_id, result.week, interaction.message)
        if result.share is not None and interaction.channel_id is not None:
            share = result.share
            content = render.plan_text(
                interaction.user.id if share.named else None, share.goal, share.plan
            )
            if not await bot.outbox.publish(share.post, interaction.channel_id, guild_id, content):
                text += " Your goal is saved, but I couldn't post the plan in the channel."
        await interaction.followup.send(text, ephemeral=True)


class CommitButton(
    AnswerButton, template=r"ni:ci:(?P<guild>\d+):(?P<week>[\d-]+):(?P<answer>share|private)"
):
    """The check-in's question: share a plan with the group, or set a goal privately. The
    server in the id is never trusted: the form is saved for the server it was sent from."""

    ANSWERS: ClassVar[dict[str, str]] = {"share": "Share my plan", "private": "Set a private goal"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"share": discord.ButtonStyle.primary}

    def __init__(self, guild_id: int, week: str, answer: str) -> None:
        super().__init__(f"ni:ci:{guild_id}:{week}:{answer}", answer)

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        if interaction.guild_id is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        await interaction.response.send_modal(CommitModal(public=self.answer == "share"))


class ShowMineButton(
    GuardedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ni:fp:(?P<guild>\d+)"
):
    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show mine", style=discord.ButtonStyle.primary, custom_id=f"ni:fp:{guild_id}"
            )
        )

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> ShowMineButton:
        return cls(int(match["guild"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        listing = await followups_service.listing(bot.db, bot.clock, user_id=interaction.user.id)
        await FollowUpPager(interaction.user.id, listing).send(interaction)


class Rhythm(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        self._tally_edits: dict[int, datetime] = {}
        self._tally_pending: set[int] = set()
        self._tally_tasks: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CommitButton, ShowMineButton)
        self.bot.scheduler.register(POSTS_JOB, self.send_posts)
        self.bot.scheduler.register(NUDGES_JOB, self.send_nudges)

    # -- scheduled posts -------------------------------------------------------------------

    async def send_posts(self, now: datetime) -> datetime | None:
        """The scheduler job: every post due now, exactly once, then the next wake-up."""
        db, clock = self.bot.db, self.bot.clock
        due, missed, wake = await rhythm.due_posts(db, now)
        # With shards over several processes, each posts for the groups on its shards.
        missed = [item for item in missed if self.bot.owns(item)]
        await delivery.record_missed(db, clock, missed, rhythm.MISSED)
        retry = await self.bot.courier.deliver(
            rhythm.POST_KINDS, due, self.deliver, keep=self.bot.owns
        )
        return earliest(wake, retry)

    async def deliver(self, claim: delivery.Claim) -> delivery.Result:
        """Render a claimed post from the database as it is now, and send it."""
        post = await rhythm.post_to_send(self.bot.db, claim)
        if post is None:
            return delivery.Result(delivery.Outcome.SKIPPED, detail="the group turned it off")
        kwargs = await self.render_post(post)
        result = await self.bot.outbox.to_channel(
            post.channel_id, post.guild_id, nonce=claim.nonce, **kwargs
        )
        if result.outcome is not delivery.Outcome.SENT:
            log.warning(
                "Post %s for group %s not sent: %s", post.post.value, post.guild_id, result.detail
            )
        return result

    async def render_post(self, post: rhythm.ClaimedPost) -> dict[str, Any]:
        db = self.bot.db
        if post.post is Post.CHECKIN:
            count = await rhythm.committed(db, post.guild_id, post.period)
            return {
                "embed": render.checkin_embed(count),
                "view": CommitButton.question(post.guild_id, post.period),
            }
        if post.post is Post.FOLLOWUPS:
            view = discord.ui.View(timeout=None)
            view.add_item(ShowMineButton(post.guild_id))
            content = await rhythm.followups_post(db, post.guild_id, post.period)
            return {"embed": render.followups_embed(content), "view": view}
        if post.post is Post.RECAP:
            recap = await rhythm.recap_post(db, post.guild_id, post.period, post.zone)
            return {"embed": render.recap_embed(recap)}
        return await self.board_message(post.guild_id, "week")

    async def board_message(self, guild_id: int, period: str) -> dict[str, Any]:
        result = await rhythm.board(self.bot.db, self.bot.clock, guild_id, period)
        if not result.weekly or not any(count for _, count in result.weekly):
            return {"embed": render.board_embed(result, with_chart=False)}
        png = await asyncio.to_thread(
            charts.weekly_bars, result.weekly, title="Group wins per week"
        )
        return {
            "embed": render.board_embed(result, with_chart=True),
            "file": discord.File(io.BytesIO(png), filename="group-weeks.png"),
        }

    def refresh_tally(self, guild_id: int, week: str, message: discord.Message | None) -> None:
        """Update the check-in's count: at once, then at most every few seconds (Discord
        rate-limits edits of one message), on the bot's clock."""
        if message is None or message.id in self._tally_pending:
            return
        last = self._tally_edits.get(message.id)
        due = self.bot.clock.now() if last is None else last + timedelta(seconds=TALLY_EVERY)
        self._tally_pending.add(message.id)
        task = asyncio.create_task(self._edit_tally(guild_id, week, message, due))
        self._tally_tasks.add(task)
        task.add_done_callback(self._tally_done)

    def _tally_done(self, task: asyncio.Task[None]) -> None:
        self._tally_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Updating a check-in tally failed", exc_info=task.exception())

    async def _edit_tally(
        self, guild_id: int, week: str, message: discord.Message, due: datetime
    ) -> None:
        try:
            await sleep_until(self.bot.clock, due)
            self._tally_edits[message.id] = self.bot.clock.now()
        finally:
            # Submissions from here on are counted by this edit or schedule the next one.
            self._tally_pending.discard(message.id)
        count = await rhythm.committed(self.bot.db, guild_id, week)
        try:
            await message.edit(embed=render.checkin_embed(count))
        except discord.HTTPException as exc:
            log.info("Could not update the check-in tally in %s: %s", guild_id, exc)

    async def cog_unload(self) -> None:
        # Edits still waiting are dropped with the bot: the next submission re-counts.
        for task in list(self._tally_tasks):
            task.cancel()
        if self._tally_tasks:
            await asyncio.wait(set(self._tally_tasks), timeout=2)

    # -- inactivity nudges -------------------------------------------------------------------

    async def send_nudges(self, now: datetime) -> datetime | None:
        due, wake = await nudges_service.due_nudges(self.bot.db, now)
        retry = await self.bot.courier.deliver(nudges_service.NUDGE_KINDS, due, self.deliver_nudge)
        return earliest(wake, retry)

    async def deliver_nudge(self, claim: delivery.Claim) -> delivery.Result:
        nudge = await nudges_service.nudge_for(self.bot.db, self.bot.clock, claim)
        if nudge is None:
            return delivery.SENT_NOTHING
        return await self.bot.outbox.to_member(
            nudge.user_id, nonce=claim.nonce, content=render.nudge_text(nudge.days, nudge.has_won)
        )

    # -- on demand ---------------------------------------------------------------------------

    @app_commands.command(name="leaderboard")
    @app_commands.guild_only()
    @app_commands.describe(period="Which period (default: this week)")
    @app_commands.choices(period=PERIOD_CHOICES)
    async def leaderboard(
        self, interaction: discord.Interaction[NextInterviewBot], period: str = "week"
    ) -> None:
        """The group's leaderboard by points, privately for you."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = group_id(interaction)
        await rhythm.ensure_group(self.bot.db, self.bot.clock, guild_id)
        await interaction.followup.send(
            **await self.board_message(guild_id, period), ephemeral=True
        )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Rhythm(bot))
