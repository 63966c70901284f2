"""/ask intro: the introduction exchange, with its buttons ("I can introduce" on the public
request; accept or decline and "did it happen?" in the asker's DMs). The DMs are sent by
cogs/network.py's job."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import send_private
from bot.jobs import NETWORK_JOB
from bot.render import network as render
from bot.services import intros
from bot.services.intros import IntroAnswer, OfferStatus, RequestState
from bot.views import GuardedItem

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

NOT_HERE = "This works on a request in your group's channel."


async def refresh_request(bot: NextInterviewBot, request_id: int) -> None:
    """Bring the public request up to date (under way, made, closed), naming nobody new."""
    found = await intros.request_post(bot.db, request_id)
    if found is None or found.post is None or found.post.message_id is None:
        return
    open_now = found.state in (RequestState.OPEN, RequestState.UNDERWAY)
    await bot.outbox.publish(
        found.post,
        found.post.channel_id or found.channel_id or 0,
        found.guild_id,
        render.request_text(found),
        view=offer_view(request_id) if open_now else None,
    )


class OfferButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:io:(?P<request>\d+)",
):
    """ "I can introduce" on a public request."""

    def __init__(self, request_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="I can introduce",
                style=discord.ButtonStyle.primary,
                custom_id=f"ni:io:{request_id}",
            )
        )
        self.request_id = request_id

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> OfferButton:
        return cls(int(match["request"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        if interaction.guild_id is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        result = await intros.offer(
            bot.db,
            bot.clock,
            guild_id=interaction.guild_id,
            request_id=self.request_id,
            user_id=interaction.user.id,
            message_id=interaction.message.id if interaction.message else None,
        )
        if result.status is OfferStatus.SENT:
            bot.scheduler.poke(NETWORK_JOB)
        await interaction.response.send_message(render.offer_reply(result), ephemeral=True)


def offer_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(OfferButton(request_id))
    return view


class DecisionButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:ia:(?P<offer>\d+):(?P<choice>accept|decline)",
):
    """The asker accepts or declines an offer (only the asker can: checked by who pressed)."""

    def __init__(self, offer_id: int, choice: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Accept" if choice == "accept" else "Decline",
                style=discord.ButtonStyle.success
                if choice == "accept"
                else discord.ButtonStyle.secondary,
                custom_id=f"ni:ia:{offer_id}:{choice}",
            )
        )
        self.offer_id, self.choice = offer_id, choice

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> DecisionButton:
        return cls(int(match["offer"]), match["choice"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        decision = await intros.decide(
            bot.db,
            bot.clock,
            offer_id=self.offer_id,
            user_id=interaction.user.id,
            accept=self.choice == "accept",
        )
        text = render.decision_text(decision)
        if not decision.changed:
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.edit_message(content=text, view=None)
        if decision.offer.status == "accepted":
            bot.scheduler.poke(NETWORK_JOB)
            if decision.offer.request_id is not None:
                await refresh_request(bot, decision.offer.request_id)


def decision_view(offer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DecisionButton(offer_id, "accept"))
    view.add_item(DecisionButton(offer_id, "decline"))
    return view


OUTCOME_LABELS = {"yes": "Yes, it happened", "notyet": "Not yet", "no": "It didn't work out"}


class OutcomeButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:iq:(?P<offer>\d+):(?P<answer>yes|notyet|no)",
):
    """ "Did the introduction happen?" A yes logs the asker's win and credits the helper."""

    def __init__(self, offer_id: int, answer: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=OUTCOME_LABELS[answer],
                style=discord.ButtonStyle.success
                if answer == "yes"
                else discord.ButtonStyle.secondary,
                custom_id=f"ni:iq:{offer_id}:{answer}",
            )
        )
        self.offer_id, self.answer = offer_id, answer

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> OutcomeButton:
        return cls(int(match["offer"]), match["answer"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        result = await intros.outcome(
            bot.db,
            bot.clock,
            offer_id=self.offer_id,
            user_id=interaction.user.id,
            answer=self.answer,
        )
        text = render.outcome_text(result)
        if not result.changed:
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.edit_message(content=text, view=None)
        if result.answer is IntroAnswer.YES and result.offer.request_id is not None:
            await refresh_request(bot, result.offer.request_id)


def outcome_view(offer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for answer in OUTCOME_LABELS:
        view.add_item(OutcomeButton(offer_id, answer))
    return view


@app_commands.guild_only()
class Ask(commands.GroupCog, group_name="ask"):
    """Ask your group for help with the next conversation."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(OfferButton, DecisionButton, OutcomeButton)

    @app_commands.command(name="intro")
    @app_commands.describe(
        company="Where you'd like to meet someone, e.g. Globex (shown in the channel)",
        role="The role or team, if you know it (shown in the channel)",
        why="A line of context: only a helper whose offer you accept sees it",
    )
    async def intro(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        company: app_commands.Range[str, 1, intros.MAX_COMPANY],
        role: app_commands.Range[str, 1, intros.MAX_ROLE] | None = None,
        why: app_commands.Range[str, 1, intros.MAX_WHY] | None = None,
    ) -> None:
        """Ask the group who knows someone at a company; you choose whose offer to take."""
        # Posting in the channel is a Discord request of its own: answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id or 0
        request = await intros.ask(
            self.bot.db,
            self.bot.clock,
            guild_id=guild_id,
            user_id=interaction.user.id,
            company=company,
            role=role,
            why=why,
        )
        posted = False
        if request.post is not None and request.channel_id is not None:
            posted = await self.bot.outbox.publish(
                request.post,
                request.channel_id,
                guild_id,
                render.request_text(request),
                view=offer_view(request.request_id),
            )
        if not posted:
            await intros.not_posted(self.bot.db, self.bot.clock, request.request_id)
        await send_private(interaction, render.asked_reply(posted))


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Ask(bot))
