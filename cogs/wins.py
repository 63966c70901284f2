"""/win and /wins: log the conversations that move a search forward."""

from __future__ import annotations

import logging
import math
import re
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import in_time, send_private
from bot.render import wins as render
from bot.render.limits import BUTTON_LABEL, SELECT_OPTION_DESCRIPTION, SELECT_OPTION_LABEL, clip
from bot.render.words import day
from bot.services import wins as wins_service
from bot.views import Confirm, GuardedItem, PagedView
from cogs._choices import (
    PERIOD_CHOICES,
    follow_up_autocomplete,
    kind_autocomplete,
    member_today,
    opportunity_autocomplete,
    when_autocomplete,
    who_autocomplete,
)
from cogs._pipeline_ui import MoveButton
from cogs.network import cheer_view

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

WINS_PER_PAGE = 10


class SuggestionButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:sg:(?P<win>\d+):(?P<index>\d+)",
):
    """Accept one suggested follow-up. Persistent: still works after a restart."""

    def __init__(self, win_id: int, index: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL),
                style=discord.ButtonStyle.primary,
                custom_id=f"ni:sg:{win_id}:{index}",
            )
        )
        self.win_id = win_id
        self.index = index

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> SuggestionButton:
        return cls(int(match["win"]), int(match["index"]), item.label or "Add")

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        suggestion, created = await wins_service.accept_suggestion(
            bot.db,
            bot.clock,
            user_id=interaction.user.id,
            win_id=self.win_id,
            index=self.index,
            changes=bot.changes,
        )
        today = await member_today(interaction)
        text = (
            f"Added: **{suggestion.reason}** on {day(suggestion.due_on, today)}. "
            "I'll remind you by DM that morning."
            if created
            else "That follow-up is already on your list."
        )
        await interaction.response.send_message(text, ephemeral=True)


class DeclineButton(
    GuardedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ni:sgno:(?P<win>\d+)"
):
    """Decline the suggestions: remove the buttons, keep the win."""

    def __init__(self, win_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="No thanks",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ni:sgno:{win_id}",
            )
        )

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> DeclineButton:
        return cls(int(match["win"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        await interaction.response.edit_message(view=None)


def suggestion_view(result: wins_service.WinLogged) -> discord.ui.View | None:
    """The follow-ups the method suggests (those not already set), and the stage the win
    shows its opportunity has reached."""
    linked = result.on_pipeline
    move = linked.move_to if linked else None
    if not result.suggestions and move is None:
        return None
    view = discord.ui.View(timeout=None)
    for suggestion in result.suggestions:
        view.add_item(
            SuggestionButton(
                result.win_id,
                suggestion.index,
                f"Add: {suggestion.reason} ({day(suggestion.due_on, result.today)})",
            )
        )
    if result.suggestions:
        view.add_item(DeclineButton(result.win_id))
    if linked is not None and move is not None:
        view.add_item(
            MoveButton(linked.opportunity_id, move.value, f"Move {linked.company} to {move.value}")
        )
    return view


async def announce_win(
    bot: NextInterviewBot, user_id: int, announcement: wins_service.Announcement
) -> None:
    """Post a win's celebration in the group (the one place that does: /win and an accepted
    offer alike). The win is saved either way; one that could not be posted is logged."""
    await bot.outbox.publish(
        announcement.post,
        announcement.channel_id,
        announcement.post.guild_id,
        render.announcement_text(
            user_id if announcement.named else None,
            announcement.kind_phrase,
            announcement.shared_who,
        ),
        view=cheer_view(int(announcement.post.ref)),
    )


class WinsPager(PagedView):
    """Pages through /wins with a way to remove a win logged by mistake."""

    def __init__(
        self, owner_id: int, entries: list[wins_service.WinEntry], period: str, today: date
    ) -> None:
        self.entries = entries
        self.period = period
        self.today = today
        super().__init__(owner_id, math.ceil(len(entries) / WINS_PER_PAGE))

    def current(self) -> list[wins_service.WinEntry]:
        return self.entries[self.page * WINS_PER_PAGE : (self.page + 1) * WINS_PER_PAGE]

    def page_embed(self) -> discord.Embed:
        return render.wins_page(self.current(), self.period, self.page, self.pages, self.today)

    def refresh(self) -> None:
        super().refresh()
        self.remove.options = [
            discord.SelectOption(
                label=clip(
                    f"#{entry.win_id} {self.shown_day(entry)} {entry.kind}", SELECT_OPTION_LABEL
                ),
                description=clip(entry.who, SELECT_OPTION_DESCRIPTION),
                value=str(entry.win_id),
            )
            for entry in self.current()
        ] or [discord.SelectOption(label="Nothing to remove", value="0")]
        self.remove.disabled = not self.current()

    def shown_day(self, entry: wins_service.WinEntry) -> str:
        return day(entry.happened_on, self.today)

    # cls is the default, named so that type checkers know what ``self.remove`` is.
    @discord.ui.select(cls=discord.ui.Select, placeholder="Remove a win logged by mistake…")
    async def remove(
        self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]
    ) -> None:
        win_id = int(select.values[0])
        entry = next((e for e in self.entries if e.win_id == win_id), None)
        if entry is None:
            await interaction.response.send_message("Nothing to remove.", ephemeral=True)
            return
        await interaction.response.send_message(
            f"Remove win #{win_id} ({entry.kind} with {clip(entry.who, 80)}, "
            f"{self.shown_day(entry)})? This can't be undone.",
            view=ConfirmRemove(self.owner_id, self, win_id),
            ephemeral=True,
        )


class ConfirmRemove(Confirm):
    def __init__(self, owner_id: int, pager: WinsPager, win_id: int) -> None:
        super().__init__(owner_id, yes="Remove it", no="Keep it", kept="Kept. Nothing changed.")
        self.pager = pager
        self.win_id = win_id

    async def confirmed(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        removed = await wins_service.remove_win(
            interaction.client.db, user_id=self.owner_id, win_id=self.win_id
        )
        self.pager.entries = [e for e in self.pager.entries if e.win_id != self.win_id]
        text = f"Removed win #{self.win_id}." if removed else "That win was already removed."
        await interaction.response.edit_message(content=text, view=None)


class Wins(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SuggestionButton, DeclineButton)

    @app_commands.command(name="win")
    @app_commands.describe(
        kind="What kind of conversation it was (with what it earns in this group)",
        who="Who it was with: a name, a company or both (your open opportunities are offered)",
        when="When it happened: today, yesterday, a weekday or YYYY-MM-DD (default today)",
        note="A private note for yourself (never shown to the group)",
        opportunity="The pipeline opportunity it belongs to, if any",
        follow_up="When to follow up: tomorrow, 3d, 2w, a weekday, YYYY-MM-DD or none",
        share="Show who it was with in the group's celebration (default: no)",
    )
    # One decorator per kind of value: discord.py types each with a single choice type.
    @app_commands.autocomplete(
        kind=kind_autocomplete,
        who=who_autocomplete,
        when=when_autocomplete,
        follow_up=follow_up_autocomplete,
    )
    @app_commands.autocomplete(opportunity=opportunity_autocomplete)
    async def win(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        kind: str,
        who: app_commands.Range[str, 1, wins_service.MAX_WHO],
        when: str | None = None,
        note: app_commands.Range[str, 1, wins_service.MAX_NOTE] | None = None,
        opportunity: int | None = None,
        follow_up: str | None = None,
        share: bool = False,
    ) -> None:
        """Log a next-interview win: any conversation that moves your search forward."""
        # Saving may wait for the database: a slow save answers Discord first, so the member
        # never sees "did not respond" and logs the same win again.
        result = await in_time(
            interaction,
            wins_service.log_win(
                self.bot.db,
                self.bot.clock,
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                kind=kind,
                who=who,
                when=when,
                note=note,
                opportunity_id=opportunity,
                follow_up=follow_up,
                share_who=share,
                changes=self.bot.changes,
            ),
        )
        if result.repeated:
            await send_private(
                interaction,
                "You already logged that one a moment ago, so I kept the first. `/wins` lists "
                "your wins.",
            )
            return
        view = suggestion_view(result)
        extra: dict[str, Any] = {} if view is None else {"view": view}
        await send_private(interaction, embed=render.win_logged(result), **extra)
        if result.announcement:
            await self.announce(interaction, result.announcement)

    async def announce(
        self, interaction: discord.Interaction[Any], announcement: wins_service.Announcement
    ) -> None:
        await announce_win(self.bot, interaction.user.id, announcement)

    @app_commands.command(name="wins")
    @app_commands.describe(period="Which wins to list (default: this week)")
    @app_commands.choices(period=PERIOD_CHOICES)
    async def wins(
        self, interaction: discord.Interaction[NextInterviewBot], period: str = "week"
    ) -> None:
        """List your wins, and remove one logged by mistake."""
        entries = await wins_service.list_wins(
            self.bot.db, self.bot.clock, user_id=interaction.user.id, period=period
        )
        pager = WinsPager(interaction.user.id, entries, period, await member_today(interaction))
        await pager.send(interaction)


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Wins(bot))
