"""/pipeline: keep several opportunities in the works at once."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render import interview_day as render_interview_day
from bot.render import pipeline as render_pipeline
from bot.render import pipeline_import as render_import
from bot.render.limits import (
    FIELD_DESCRIPTION,
    FIELD_LABEL,
    MODAL_TITLE,
    SELECT_OPTION_LABEL,
    SELECT_OPTIONS,
    TEXT_INPUT_PLACEHOLDER,
    clip,
)
from bot.render.words import day
from bot.services import interview_day, pipeline_import, tracker_csv
from bot.services import pipeline as pipeline_service
from bot.services import target as target_service
from bot.services import wins as wins_service
from bot.services.kinds import Outcome, Stage
from bot.services.tracker_presets import PRESETS
from bot.views import Form, OwnedView, send_pages
from cogs._choices import follow_up_autocomplete, opportunity_autocomplete
from cogs._pipeline_import import ImportView
from cogs._pipeline_ui import (
    DYNAMIC_ITEMS,
    AddOptions,
    DuplicateView,
    answer_move,
    others_view,
    settle_view,
)
from cogs.wins import announce_win

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

STAGE_CHOICES = [app_commands.Choice(name=s.value, value=s.value) for s in Stage]
PRESET_CHOICES = [
    app_commands.Choice(
        name=f"{p.name} (columns guessed from its docs)" if p.guessed else p.name, value=p.key
    )
    for p in PRESETS.values()
]
OUTCOME_CHOICES = [app_commands.Choice(name=o.value, value=o.value) for o in Outcome]


class SettleView(OwnedView):
    """One button that opens the few questions settling how an opportunity compares."""

    def __init__(
        self, owner_id: int, opportunity_id: int, title: str, versus: target_service.Comparison
    ) -> None:
        super().__init__(owner_id)
        self.opportunity_id, self.title, self.versus = opportunity_id, title, versus

    @discord.ui.button(label="Compare with my target", style=discord.ButtonStyle.primary)
    async def compare(
        self, interaction: discord.Interaction[NextInterviewBot], _: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(
            TargetModal(self.opportunity_id, self.title, self.versus)
        )


class TargetModal(Form):
    """Salary offered, and meets / falls short for each other criterion of the target."""

    def __init__(self, opportunity_id: int, title: str, versus: target_service.Comparison) -> None:
        super().__init__(title=clip(f"{title} vs your target", MODAL_TITLE))
        self.opportunity_id, self.title = opportunity_id, title
        self.salary: discord.ui.TextInput[Any] | None = None
        self.judged: dict[str, discord.ui.Select[Any]] = {}
        for criterion in versus.criteria:
            if criterion.key == "salary":
                self.salary = discord.ui.TextInput(
                    label="Salary offered (if you know it)",
                    required=False,
                    max_length=40,
                    placeholder=clip(f"Your target: {criterion.target}", TEXT_INPUT_PLACEHOLDER),
                )
                self.add_item(self.salary)
                continue
            select: discord.ui.Select[Any] = discord.ui.Select(
                options=[
                    discord.SelectOption(
                        label=clip(label, SELECT_OPTION_LABEL),
                        value=value,
                        default=value == criterion.status,
                    )
                    for value, label in target_service.JUDGEMENTS.items()
                ]
            )
            self.judged[criterion.key] = select
            self.add_item(
                discord.ui.Label(
                    text=clip(criterion.label, FIELD_LABEL),
                    description=clip(criterion.target, FIELD_DESCRIPTION),
                    component=select,
                )
            )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        # discord.py types a modal's interaction for any client; this bot's modals run in it.
        bot: NextInterviewBot = interaction.client
        result = await target_service.settle(
            bot.db,
            bot.clock,
            user_id=interaction.user.id,
            opportunity_id=self.opportunity_id,
            salary=self.salary.value if self.salary else None,
            judged={key: select.values[0] for key, select in self.judged.items() if select.values},
        )
        if result is None:
            await interaction.response.send_message("You have no target yet.", ephemeral=True)
            return
        await interaction.response.send_message(
            embed=render_pipeline.comparison(result, self.title), ephemeral=True
        )


async def reply_added(
    interaction: discord.Interaction[NextInterviewBot], added: pipeline_service.Added
) -> None:
    """Say what was added, how many are in the works, and how it compares with the target."""
    item, due, versus = added.opportunity, added.due, added.versus
    text = f"Added **{item.title}** at **{item.stage.value}**."
    if due:
        text += f" Follow-up set for {day(due, added.today)}."
    text += f" You now have {added.in_the_works} in the works."
    if versus is None:
        await interaction.response.send_message(text, ephemeral=True)
        return
    settle = SettleView(interaction.user.id, item.opportunity_id, item.title, versus)
    await interaction.response.send_message(
        text, embed=render_pipeline.comparison(versus, item.title), view=settle, ephemeral=True
    )
    settle.message = await interaction.original_response()


class Pipeline(commands.GroupCog, group_name="pipeline"):
    """Your opportunities, from first lead to offer."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    @app_commands.command(name="add")
    @app_commands.describe(
        company="The company (or person) the opportunity is with",
        role="The role, if you know it",
        stage="Where it stands (default: lead)",
        next_step="Your next step, e.g. 'ask Dana for an intro to the hiring manager'",
        follow_up="When to follow up: tomorrow, 3d, 2w, a weekday, YYYY-MM-DD or none",
    )
    @app_commands.choices(stage=STAGE_CHOICES)
    @app_commands.autocomplete(follow_up=follow_up_autocomplete)
    async def add(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        company: app_commands.Range[str, 1, pipeline_service.MAX_COMPANY],
        role: app_commands.Range[str, 1, pipeline_service.MAX_ROLE] | None = None,
        stage: str | None = None,
        next_step: app_commands.Range[str, 1, pipeline_service.MAX_NEXT_STEP] | None = None,
        follow_up: str | None = None,
    ) -> None:
        """Add an opportunity to your pipeline."""
        options = AddOptions(
            company=company, role=role, stage=stage, next_step=next_step, follow_up=follow_up
        )
        result = await pipeline_service.add(
            self.bot.db,
            self.bot.clock,
            user_id=interaction.user.id,
            changes=self.bot.changes,
            **options,
        )
        if isinstance(result, pipeline_service.Added):
            await reply_added(interaction, result)
            return
        existing = result.existing
        duplicate = DuplicateView(
            interaction.user.id, existing.opportunity_id, options, reply_added
        )
        await interaction.response.send_message(
            render_pipeline.duplicate(existing.title, existing.stage.value),
            view=duplicate,
            ephemeral=True,
        )
        duplicate.message = await interaction.original_response()

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Show your open opportunities by stage, with what to do next."""
        view = await pipeline_service.overview(
            self.bot.db, self.bot.clock, user_id=interaction.user.id
        )
        await send_pages(interaction, render_pipeline.pipeline(view))

    @app_commands.command(name="import")
    @app_commands.describe(
        file="A CSV file: a spreadsheet saved as CSV, or your job tracker's CSV export",
        preset="Where the file comes from (default: worked out from its columns)",
    )
    @app_commands.choices(preset=PRESET_CHOICES)
    async def import_(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        file: discord.Attachment,
        preset: str | None = None,
    ) -> None:
        """Import opportunities from a spreadsheet or a job tracker's CSV (a preview first)."""
        too_big = tracker_csv.size_problem(file.size)
        if too_big:
            # Refused before downloading anything.
            await interaction.response.send_message(too_big, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            log.info("An import file could not be downloaded: %s", exc.status)
            await interaction.followup.send(
                "I couldn't download that file from Discord. Try attaching it again.",
                ephemeral=True,
            )
            return
        table = tracker_csv.read_table(data, file.filename)
        chosen = pipeline_import.preset_named(preset, table)
        preview = await pipeline_import.preview(
            self.bot.db,
            self.bot.clock,
            user_id=interaction.user.id,
            table=table,
            preset=chosen,
            mapping=tracker_csv.guess_mapping(table, chosen),
        )
        view = ImportView(interaction.user.id, preview)
        view.message = await interaction.followup.send(
            embed=render_import.preview_embed(preview), view=view, ephemeral=True, wait=True
        )

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Download your open opportunities as a CSV file for any spreadsheet."""
        result = await pipeline_import.export(
            self.bot.db, self.bot.clock, user_id=interaction.user.id
        )
        await interaction.response.send_message(
            render_import.export_text(result),
            file=discord.File(io.BytesIO(result.data), filename=pipeline_import.EXPORT_FILENAME),
            ephemeral=True,
        )

    @app_commands.command(name="move")
    @app_commands.describe(opportunity="The opportunity to move", stage="Its new stage")
    @app_commands.choices(stage=STAGE_CHOICES)
    @app_commands.autocomplete(opportunity=opportunity_autocomplete)
    async def move(
        self, interaction: discord.Interaction[NextInterviewBot], opportunity: int, stage: str
    ) -> None:
        """Move an opportunity to another stage."""
        await answer_move(interaction, opportunity, stage)

    @app_commands.command(name="interview")
    @app_commands.describe(
        opportunity="The opportunity the interview is for",
        on="The day of the interview: today, tomorrow, fri, 3d or YYYY-MM-DD",
    )
    # One decorator per kind of value: discord.py types each with a single choice type.
    @app_commands.autocomplete(opportunity=opportunity_autocomplete)
    @app_commands.autocomplete(on=follow_up_autocomplete)
    async def interview(
        self, interaction: discord.Interaction[NextInterviewBot], opportunity: int, on: str
    ) -> None:
        """Record an interview date: the morning's card, and a thank-you note the day after."""
        bot = self.bot
        scheduled = await interview_day.schedule(
            bot.db,
            bot.clock,
            user_id=interaction.user.id,
            opportunity_id=opportunity,
            when=on,
            changes=bot.changes,
        )
        await interaction.response.send_message(
            render_interview_day.scheduled_text(scheduled), ephemeral=True
        )

    @app_commands.command(name="close")
    @app_commands.describe(opportunity="The opportunity to close", outcome="How it ended")
    @app_commands.choices(outcome=OUTCOME_CHOICES)
    @app_commands.autocomplete(opportunity=opportunity_autocomplete)
    async def close(
        self, interaction: discord.Interaction[NextInterviewBot], opportunity: int, outcome: str
    ) -> None:
        """Close an opportunity with its outcome (it stays in your history)."""
        result = await pipeline_service.close(
            self.bot.db,
            self.bot.clock,
            user_id=interaction.user.id,
            opportunity_id=opportunity,
            outcome=outcome,
            guild_id=interaction.guild_id,
            changes=self.bot.changes,
        )
        text = render_pipeline.closed(result)
        if result.open_follow_ups:
            await interaction.response.send_message(
                text, view=settle_view(opportunity, result.open_follow_ups), ephemeral=True
            )
        else:
            await interaction.response.send_message(text, ephemeral=True)
        offer = result.offer
        if offer is not None and offer.win_id is not None:
            # Logged like any offer win: celebrated where the group celebrates wins.
            announcement = await wins_service.announcement_for(
                self.bot.db,
                self.bot.clock,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                win_id=offer.win_id,
            )
            if announcement is not None:
                await announce_win(self.bot, interaction.user.id, announcement)
        if result.others:
            shown = min(len(result.others), SELECT_OPTIONS)
            await interaction.followup.send(
                render_pipeline.others(len(result.others), shown),
                view=others_view(opportunity, result.others),
                ephemeral=True,
            )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Pipeline(bot))
