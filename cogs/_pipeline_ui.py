"""Buttons and selects that move the pipeline along: a stage move (from /pipeline move or a
win), settling a closed opportunity's follow-ups, and what to do with the others once an offer
is accepted. All persistent (they work after a restart) and safe to press twice: each reads
the opportunity as it is now."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

import discord

from bot.render import pipeline as render
from bot.render.limits import BUTTON_LABEL, SELECT_OPTION_LABEL, SELECT_OPTIONS, clip
from bot.services import pipeline as pipeline_service
from bot.services.kinds import Stage
from bot.views import AnswerButton, GuardedItem, OwnedView

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

STAGES = "|".join(s.value for s in Stage)


async def answer_move(
    interaction: discord.Interaction[NextInterviewBot],
    opportunity_id: int,
    stage: str,
    *,
    confirmed: bool = False,
) -> None:
    """Move an opportunity and say so, or show what it misses of the target and ask first."""
    bot = interaction.client
    result = await pipeline_service.move(
        bot.db,
        bot.clock,
        user_id=interaction.user.id,
        opportunity_id=opportunity_id,
        stage=stage,
        confirmed=confirmed,
    )
    if isinstance(result, pipeline_service.Moved):
        await interaction.response.send_message(render.moved(result), ephemeral=True)
        return
    view = discord.ui.View(timeout=None)
    view.add_item(MoveButton(opportunity_id, result.stage.value, "Move it anyway", sure=True))
    view.add_item(KeepStageButton(opportunity_id, result.opportunity.stage.value))
    await interaction.response.send_message(
        render.needs_confirmation(result), view=view, ephemeral=True
    )


class MoveButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"ni:mv:(?P<opp>\d+):(?P<stage>{STAGES})(?P<sure>:sure)?",
):
    """Move an opportunity to a stage; ``sure`` once the member saw what it misses."""

    def __init__(self, opportunity_id: int, stage: str, label: str, *, sure: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL),
                style=discord.ButtonStyle.primary,
                custom_id=f"ni:mv:{opportunity_id}:{stage}{':sure' if sure else ''}",
            )
        )
        self.opportunity_id, self.stage, self.sure = opportunity_id, stage, sure

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> MoveButton:
        return cls(
            int(match["opp"]), match["stage"], item.label or "Move", sure=bool(match["sure"])
        )

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        await answer_move(interaction, self.opportunity_id, self.stage, confirmed=self.sure)


class KeepStageButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"ni:mvno:(?P<opp>\d+):(?P<stage>{STAGES})",
):
    """Leave the opportunity where it is: the question goes away, nothing changes."""

    def __init__(self, opportunity_id: int, stage: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Keep it at {stage}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ni:mvno:{opportunity_id}:{stage}",
            )
        )
        self.stage = stage

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> KeepStageButton:
        return cls(int(match["opp"]), match["stage"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        await interaction.response.edit_message(
            content=f"Kept at **{self.stage}**. Nothing changed.", view=None
        )


class SettleButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:cf:(?P<opp>\d+):(?P<how>drop|keep)",
):
    """After closing: drop the opportunity's open follow-ups, or keep the soonest one."""

    def __init__(self, opportunity_id: int, how: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL),
                style=discord.ButtonStyle.danger if how == "drop" else discord.ButtonStyle.primary,
                custom_id=f"ni:cf:{opportunity_id}:{how}",
            )
        )
        self.opportunity_id, self.how = opportunity_id, how

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> SettleButton:
        return cls(int(match["opp"]), match["how"], item.label or "Settle")

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        result = await pipeline_service.settle_follow_ups(
            bot.db,
            bot.clock,
            user_id=interaction.user.id,
            opportunity_id=self.opportunity_id,
            keep_one=self.how == "keep",
            changes=bot.changes,
        )
        await interaction.response.send_message(render.settled(result), ephemeral=True)


def settle_view(opportunity_id: int, open_follow_ups: int) -> discord.ui.View:
    drop, keep = render.settle_labels(open_follow_ups)
    view = discord.ui.View(timeout=None)
    view.add_item(SettleButton(opportunity_id, "drop", drop))
    view.add_item(SettleButton(opportunity_id, "keep", keep))
    return view


# -- after an accepted offer: the other opportunities ------------------------------------------


def _chosen(interaction: discord.Interaction[Any]) -> list[int]:
    """The opportunities picked in a select, as ids (values come from the client: anything
    that is not a plain number is ignored, and only the member's own open ones are acted on)."""
    data: Mapping[str, Any] = interaction.data or {}
    values = data.get("values") or []
    return [int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 20]


async def _act_on_others(
    interaction: discord.Interaction[NextInterviewBot], how: str, ids: list[int] | None
) -> None:
    bot = interaction.client
    if how == "warm":
        kept = await pipeline_service.keep_warm(
            bot.db, bot.clock, user_id=interaction.user.id, opportunity_ids=ids, changes=bot.changes
        )
        text = render.kept_warm(kept)
    else:
        titles = await pipeline_service.withdraw(
            bot.db, bot.clock, user_id=interaction.user.id, opportunity_ids=ids, changes=bot.changes
        )
        text = render.withdrawn(titles)
    await interaction.response.send_message(text, ephemeral=True)


PLACEHOLDERS = {"warm": "Keep warm: follow up in 2 weeks", "withdraw": "Close as withdrawn"}


class OthersSelect(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"ni:ow:(?P<how>warm|withdraw):(?P<opp>\d+)",
):
    """Pick some of the other open opportunities to keep warm, or to close as withdrawn."""

    def __init__(
        self,
        how: str,
        accepted_id: int,
        options: list[pipeline_service.Opportunity] | None = None,
    ) -> None:
        choices = [
            discord.SelectOption(
                label=clip(o.title, SELECT_OPTION_LABEL),
                value=str(o.opportunity_id),
                description=o.stage.value,
            )
            for o in (options or [])[:SELECT_OPTIONS]
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"ni:ow:{how}:{accepted_id}",
                placeholder=PLACEHOLDERS[how],
                options=choices,
                min_values=1,
                max_values=max(1, len(choices)),
            )
        )
        self.how = how

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> OthersSelect:
        return cls(match["how"], int(match["opp"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        await _act_on_others(interaction, self.how, _chosen(interaction))


class OthersAllButton(AnswerButton, template=r"ni:owall:(?P<answer>warm|withdraw):(?P<opp>\d+)"):
    """Every other opportunity open when the offer was accepted, at once: keep all warm, or
    close all as withdrawn (one added since is left alone). The answer comes first in the id
    (unlike other answers) so that buttons sent before it was an AnswerButton still work."""

    ANSWERS: ClassVar[dict[str, str]] = {
        "warm": "Keep all warm",
        "withdraw": "Close all as withdrawn",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"warm": discord.ButtonStyle.primary}

    def __init__(self, answer: str, accepted_id: int) -> None:
        super().__init__(f"ni:owall:{answer}:{accepted_id}", answer)
        self.accepted_id = accepted_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        ids = await pipeline_service.open_at_acceptance(
            bot.db, user_id=interaction.user.id, accepted_id=self.accepted_id
        )
        await _act_on_others(interaction, self.answer, ids)


def others_view(accepted_id: int, others: list[pipeline_service.Opportunity]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(OthersSelect("warm", accepted_id, others))
    view.add_item(OthersSelect("withdraw", accepted_id, others))
    view.add_item(OthersAllButton("warm", accepted_id))
    view.add_item(OthersAllButton("withdraw", accepted_id))
    return view


# -- a duplicate -----------------------------------------------------------------------------


class AddOptions(TypedDict):
    """What /pipeline add was given, kept to add it anyway."""

    company: str
    role: str | None
    stage: str | None
    next_step: str | None
    follow_up: str | None


AddedReply = Callable[
    [discord.Interaction["NextInterviewBot"], pipeline_service.Added], Awaitable[None]
]


class DuplicateView(OwnedView):
    """The same company and role is already open: open that one, or add this one anyway
    (``reply`` then answers as for any add)."""

    def __init__(self, owner_id: int, existing_id: int, add: AddOptions, reply: AddedReply) -> None:
        super().__init__(owner_id)
        self.existing_id, self.add, self.reply = existing_id, add, reply
        self.added = False

    @discord.ui.button(label="Open it", style=discord.ButtonStyle.primary)
    async def open_it(
        self, interaction: discord.Interaction[NextInterviewBot], _: discord.ui.Button[Any]
    ) -> None:
        bot = interaction.client
        found = await pipeline_service.card(
            bot.db, bot.clock, user_id=self.owner_id, opportunity_id=self.existing_id
        )
        await interaction.response.send_message(embed=render.card(found), ephemeral=True)

    @discord.ui.button(label="Add it anyway", style=discord.ButtonStyle.secondary)
    async def add_anyway(
        self, interaction: discord.Interaction[NextInterviewBot], _: discord.ui.Button[Any]
    ) -> None:
        if self.added:
            # One more press would add a third: the offer is used up.
            await interaction.response.send_message("Already added.", ephemeral=True)
            return
        self.added = True
        bot = interaction.client
        result = await pipeline_service.add(
            bot.db,
            bot.clock,
            user_id=self.owner_id,
            allow_duplicate=True,
            changes=bot.changes,
            **self.add,
        )
        if isinstance(result, pipeline_service.Added):
            await self.reply(interaction, result)


DYNAMIC_ITEMS = (
    MoveButton,
    KeepStageButton,
    SettleButton,
    OthersSelect,
    OthersAllButton,
)
