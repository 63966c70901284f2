"""/exercise and the DM conversations: guided exercises that turn the method into a plan."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import describe_failure, new_incident_id
from bot.jobs import EXERCISE_NUDGE_JOB
from bot.render import exercises as render
from bot.render.limits import AUTOCOMPLETE_CHOICES, CHOICE_NAME, clip
from bot.services.delivery import SENT_NOTHING, Claim, Result, earliest
from bot.services.exercises import nudges, runs, sheets
from bot.views import OwnedView, send_pages
from cogs._choices import opportunity_autocomplete
from cogs._exercise_ui import DYNAMIC_ITEMS, send_turn

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

DMS_CLOSED_HELP = (
    "I can't send you direct messages, and the exercises happen there so your answers stay "
    "private. To allow them: right-click this server's icon > **Privacy Settings** > turn on "
    "**Direct Messages**, then run the command again. Nothing was started."
)
STALE_MESSAGE = "That crossed with another answer, so I didn't save it. Here is where you are:"
NO_RUN_HELP = (
    "Hi! There's no exercise in progress. Start one with `/exercise start` in your group's "
    "server (or here), and I'll ask the questions one at a time."
)


async def exercise_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=clip(f"{e.id}: {e.title}", CHOICE_NAME), value=e.id)
        for e in interaction.client.catalog.exercises.values()
        if needle in e.id or needle in e.title.lower()
    ][:AUTOCOMPLETE_CHOICES]


class ResumeOrRestart(OwnedView):
    def __init__(
        self,
        cog: Exercises,
        owner_id: int,
        exercise_id: str,
        guild_id: int | None,
        opportunity_id: int | None,
    ) -> None:
        super().__init__(owner_id, timeout=300)
        self.cog, self.exercise_id = cog, exercise_id
        self.guild_id, self.opportunity_id = guild_id, opportunity_id

    @discord.ui.button(label="Resume", style=discord.ButtonStyle.primary)
    async def resume(
        self, interaction: discord.Interaction[NextInterviewBot], _: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.edit_message(view=None)
        await self.cog.resume_in_dm(interaction, exercise_id=self.exercise_id)

    @discord.ui.button(label="Start over", style=discord.ButtonStyle.secondary)
    async def restart(
        self, interaction: discord.Interaction[NextInterviewBot], _: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.edit_message(view=None)
        await self.cog.start_in_dm(interaction, self.exercise_id, self.opportunity_id, restart=True)


class Exercises(commands.GroupCog, group_name="exercise"):
    """Guided exercises, answered privately in DMs."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.scheduler.register(EXERCISE_NUDGE_JOB, self.send_nudges)

    # -- commands ----------------------------------------------------------------------------

    @app_commands.command(name="start")
    @app_commands.describe(name="Which exercise", opportunity="An opportunity it is about")
    # One decorator per kind of value: discord.py types each with a single choice type.
    @app_commands.autocomplete(name=exercise_autocomplete)
    @app_commands.autocomplete(opportunity=opportunity_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        name: str,
        opportunity: int | None = None,
    ) -> None:
        """Start a guided exercise in your DMs (answers stay private)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.start_in_dm(interaction, name, opportunity)

    async def start_in_dm(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        name: str,
        opportunity: int | None,
        *,
        restart: bool = False,
    ) -> None:
        bot = self.bot
        # Under the member's lock, like every change to their runs: a restart cancels the
        # open run, which must not race with an answer to it.
        async with bot.exercise_lock(interaction.user.id):
            try:
                turned = await runs.start(
                    bot.db,
                    bot.clock,
                    bot.catalog,
                    user_id=interaction.user.id,
                    exercise_id=name,
                    guild_id=interaction.guild_id,
                    opportunity_id=opportunity,
                    restart=restart,
                )
            except runs.AlreadyOpen as open_run:
                view = ResumeOrRestart(
                    self, interaction.user.id, name, interaction.guild_id, opportunity
                )
                await interaction.followup.send(open_run.message, view=view, ephemeral=True)
                return
            try:
                channel = await interaction.user.create_dm()
                await channel.send(
                    embed=render.intro_embed(
                        turned.exercise,
                        turned.context.opportunity,
                        turned.prefilled,
                        turned.context.facts.get("stage"),
                    )
                )
                await send_turn(bot, channel, turned)
            except discord.Forbidden as exc:
                await runs.discard(bot.db, turned.run_id)
                log.info(
                    "Exercise not started for %s: DMs closed (%s)", interaction.user.id, exc.code
                )
                await interaction.followup.send(DMS_CLOSED_HELP, ephemeral=True)
                return
        where = "here" if interaction.guild_id is None else "in your DMs"
        await interaction.followup.send(
            f"**{turned.exercise.title}** has started {where}. Answer at your own pace: every "
            "answer is saved.",
            ephemeral=True,
        )

    @app_commands.command(name="resume")
    async def resume(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Continue your exercise in progress where you left off."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.resume_in_dm(interaction)

    async def resume_in_dm(
        self, interaction: discord.Interaction[NextInterviewBot], *, exercise_id: str | None = None
    ) -> None:
        bot = self.bot
        async with bot.exercise_lock(interaction.user.id):
            run_id = None
            if exercise_id is not None:
                run_id = await runs.open_run_id(bot.db, interaction.user.id, exercise_id)
            turned = await runs.resume(
                bot.db, bot.clock, bot.catalog, user_id=interaction.user.id, run_id=run_id
            )
            if turned is None:
                await interaction.followup.send(
                    "You have no exercise in progress. Start one with `/exercise start`.",
                    ephemeral=True,
                )
                return
            try:
                channel = await interaction.user.create_dm()
                await send_turn(bot, channel, turned)
            except discord.Forbidden:
                await interaction.followup.send(
                    DMS_CLOSED_HELP.replace("Nothing was started.", "Your answers are safe."),
                    ephemeral=True,
                )
                return
        await interaction.followup.send(
            f"Picked up **{turned.exercise.title}** in your DMs.", ephemeral=True
        )

    @app_commands.command(name="cancel")
    @app_commands.describe(name="Which exercise to cancel (default: the one you're doing now)")
    @app_commands.autocomplete(name=exercise_autocomplete)
    async def cancel(
        self, interaction: discord.Interaction[NextInterviewBot], name: str | None = None
    ) -> None:
        """Cancel an exercise in progress (its answers are discarded)."""
        async with self.bot.exercise_lock(interaction.user.id):
            title = await runs.cancel(
                self.bot.db,
                self.bot.clock,
                self.bot.catalog,
                user_id=interaction.user.id,
                exercise_id=name,
            )
        text = f"Cancelled **{title}**." if title else "There's no exercise in progress to cancel."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """What exercises there are, which you finished, and where you are."""
        items = await sheets.overview(
            self.bot.db, self.bot.clock, self.bot.catalog, user_id=interaction.user.id
        )
        await interaction.response.send_message(embed=render.overview_embed(items), ephemeral=True)

    @app_commands.command(name="answers")
    @app_commands.describe(name="Which exercise")
    @app_commands.autocomplete(name=exercise_autocomplete)
    async def answers(self, interaction: discord.Interaction[NextInterviewBot], name: str) -> None:
        """Your latest finished answers to an exercise (only you see them)."""
        sheet = await sheets.latest_answers(
            self.bot.db,
            self.bot.clock,
            self.bot.catalog,
            user_id=interaction.user.id,
            exercise_id=name,
        )
        await send_pages(interaction, render.sheet_pages(sheet))

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """All your finished exercises as a Markdown file (only you see it)."""
        text = await sheets.export_markdown(
            self.bot.db, self.bot.clock, self.bot.catalog, user_id=interaction.user.id
        )
        file = discord.File(io.BytesIO(text.encode()), filename="my-exercises.md")
        await interaction.response.send_message("Your exercises:", file=file, ephemeral=True)

    # -- the DM conversation -------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        try:
            await self.converse(message)
        except Exception as error:
            # The DM listener's error net, like the command tree's: discord.py would only log.
            await self.tell_failure(message, error)

    async def converse(self, message: discord.Message) -> None:
        bot = self.bot
        # Held while replying too: two quick messages are answered, and shown, in order.
        async with bot.exercise_lock(message.author.id):
            turned = await runs.answer(
                bot.db,
                bot.clock,
                bot.catalog,
                user_id=message.author.id,
                text=message.content,
                changes=bot.changes,
            )
            try:
                if turned is None:
                    await message.channel.send(NO_RUN_HELP)
                    return
                if turned.stale:
                    await message.channel.send(STALE_MESSAGE)
                await send_turn(bot, message.channel, turned)
            except discord.HTTPException as exc:
                # The answer is saved; the next message or /exercise resume shows the question.
                log.warning("Could not reply in DM to %s: %s", message.author.id, exc)

    async def tell_failure(self, message: discord.Message, error: Exception) -> None:
        text = describe_failure(error)
        if text is None:
            incident = new_incident_id()
            log.error(
                "Incident %s in a DM from user %s", incident, message.author.id, exc_info=error
            )
            # Whether the message was saved depends on where it failed: point to where the
            # run is rather than ask for the message again (which could answer twice).
            text = (
                "Something went wrong on our side with that message. Your earlier answers are "
                "safe, and `/exercise resume` shows where you are. If it keeps happening, tell "
                f"the group's organiser the incident id `{incident}`."
            )
        try:
            await message.channel.send(text)
        except discord.HTTPException as exc:
            log.warning("Could not tell %s about a problem in DM: %s", message.author.id, exc)

    # -- nudges --------------------------------------------------------------------------------

    async def send_nudges(self, now: datetime) -> datetime | None:
        due, next_wake = await nudges.due_nudges(self.bot.db, now)
        retry = await self.bot.courier.deliver(nudges.NUDGE_KINDS, due, self.deliver_nudge)
        return earliest(next_wake, retry)

    async def deliver_nudge(self, claim: Claim) -> Result:
        nudge = await nudges.nudge_for(self.bot.db, self.bot.catalog, claim)
        if nudge is None:
            return SENT_NOTHING
        return await self.bot.outbox.to_member(
            nudge.user_id, nonce=claim.nonce, content=render.nudge_text(nudge.exercise)
        )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Exercises(bot))
