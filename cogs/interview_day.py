"""The interview-day card: a DM on the morning of each interview in a member's pipeline."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.jobs import INTERVIEW_DAY_JOB
from bot.render import interview_day as render
from bot.services import interview_card, interview_day
from bot.services.delivery import SENT_NOTHING, Claim, Outcome, Result, earliest

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)


class InterviewDay(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.register(INTERVIEW_DAY_JOB, self.send_cards)

    async def send_cards(self, now: datetime) -> datetime | None:
        """The scheduler job: each card due is claimed, rendered and sent once."""
        due, next_wake = await interview_day.due_cards(
            self.bot.db, now, self.bot.settings.default_timezone
        )
        retry = await self.bot.courier.deliver(interview_day.CARD_KINDS, due, self.deliver)
        return earliest(next_wake, retry)

    async def deliver(self, claim: Claim) -> Result:
        card = await interview_card.card_for(
            self.bot.db, self.bot.clock, self.bot.catalog, claim, changes=self.bot.changes
        )
        if card is None:
            return SENT_NOTHING
        result = await self.bot.outbox.to_member(
            card.user_id, nonce=claim.nonce, embed=render.card_embed(card)
        )
        if result.outcome is not Outcome.SENT:
            log.info("Interview-day card to %s not delivered: %s", card.user_id, result.detail)
        return result


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(InterviewDay(bot))
