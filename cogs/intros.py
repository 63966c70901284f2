"""/ask intro: the introduction exchange, with its buttons ("I can introduce" on the public
request; accept or decline and "did it happen?" in the asker's DMs). The DMs are sent by
cogs/network.py's job."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import group_id, send_private
from bot.jobs import NETWORK_JOB
from bot.render import network as render
from bot.services import intros
from bot.services.intros import IntroAnswer, OfferStatus, RequestState
from bot.views import AnswerButton, GuardedItem

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


class DecisionButton(AnswerButton, template=r"ni:ia:(?P<offer>\d+):(?P<answer>accept|decline)"):
    """The asker accepts or declines an offer (only the asker can: checked by who pressed)."""

    ANSWERS: ClassVar[dict[str, str]] = {"accept": "Accept", "decline": "Decline"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"accept": discord.ButtonStyle.success}

    def __init__(self, offer_id: int, answer: str) -> None:
        super().__init__(f"ni:ia:{offer_id}:{answer}", answer)
        self.offer_id = offer_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        decision = await intros.decide(
            bot.db,
            bot.clock,
            offer_id=self.offer_id,
            user_id=interaction.user.id,
            accept=self.answer == "accept",
        )
        await self.reply(interaction, render.decision_text(decision), settled=decision.changed)
        if decision.changed and decision.offer.status == "accepted":
            bot.scheduler.poke(NETWORK_JOB)
            if decision.offer.request_id is not None:
                await refresh_request(bot, decision.offer.request_id)


class OutcomeButton(AnswerButton, template=r"ni:iq:(?P<offer>\d+):(?P<answer>yes|notyet|no)"):
    """ "Did the introduction happen?" A yes logs the asker's win and credits the helper."""

    ANSWERS: ClassVar[dict[str, str]] = {
        "yes": "Yes, it happened",
        "notyet": "Not yet",
        "no": "It didn't work out",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"yes": discord.ButtonStyle.success}

    def __init__(self, offer_id: int, answer: str) -> None:
        super().__init__(f"ni:iq:{offer_id}:{answer}", answer)
        self.offer_id = offer_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        result = await intros.outcome(
            bot.db,
            bot.clock,
            offer_id=self.offer_id,
            user_id=interaction.user.id,
            answer=self.answer,
        )
        await self.reply(interaction, render.outcome_text(result), settled=result.changed)
        if (
            result.changed
            and result.answer is IntroAnswer.YES
            and result.offer.request_id is not None
        ):
            await refresh_request(bot, result.offer.request_id)


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
        guild_id = group_id(interaction)
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
