"""The group as a network: the Cheer button on win celebrations, and the one background job
that pairs partners and delivers every DM of cheers, partners and introductions."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.interactions import in_time, send_private
from bot.jobs import NETWORK_JOB
from bot.render import network as render
from bot.services import cheers, delivery, intros, partners
from bot.services.delivery import SENT_NOTHING, Claim, Outcome, Result, earliest
from bot.views import Form, GuardedItem
from cogs.intros import DecisionButton, OutcomeButton, refresh_request
from cogs.partners import CheckinButton, RejoinButton

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

NOT_HERE = "Cheers work on a celebration in your group's channel."
MESSAGE_KINDS = {**cheers.DIGEST_KINDS, **partners.MESSAGE_KINDS, **intros.MESSAGE_KINDS}
# A DM that could not be delivered leaves someone waiting on it: they are told (next run).
BOUNCING = (partners.INTRO, intros.OFFER, intros.ACCEPTED)


class CheerModal(Form):
    """An optional line for the author: what the cheerer liked."""

    def __init__(self, win_id: int) -> None:
        super().__init__(title="Cheer this win")
        self.win_id = win_id
        self.line: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What I liked (optional)",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=cheers.MAX_LINE,
            placeholder="e.g. You asked for the next meeting yourself!",
        )
        self.add_item(self.line)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        # discord.py types a modal's interaction for any client; this bot's modals run in it.
        bot: NextInterviewBot = interaction.client
        if interaction.guild_id is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        result = await in_time(
            interaction,
            cheers.cheer(
                bot.db,
                bot.clock,
                guild_id=interaction.guild_id,
                win_id=self.win_id,
                user_id=interaction.user.id,
                message_id=interaction.message.id if interaction.message else None,
                line=self.line.value,
            ),
        )
        if result.status is cheers.CheerStatus.OK:
            bot.scheduler.poke(NETWORK_JOB)
        await send_private(interaction, render.cheer_reply(result))


class CheerButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:cheer:(?P<win>\d+)",
):
    """Cheer on a win celebration. The win must be the one that very message celebrates, in
    the server the press came from; the presser is whoever Discord says pressed."""

    def __init__(self, win_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cheer",
                emoji="🎉",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ni:cheer:{win_id}",
            )
        )
        self.win_id = win_id

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> CheerButton:
        return cls(int(match["win"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        if interaction.guild_id is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        found = await cheers.check(
            bot.db,
            guild_id=interaction.guild_id,
            win_id=self.win_id,
            user_id=interaction.user.id,
            message_id=interaction.message.id if interaction.message else None,
        )
        if found.status is not cheers.CheerStatus.OK:
            await interaction.response.send_message(render.cheer_reply(found), ephemeral=True)
            return
        await interaction.response.send_modal(CheerModal(self.win_id))


def cheer_view(win_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CheerButton(win_id))
    return view


Handler = Callable[[Claim], Awaitable[Result]]


class Network(commands.Cog):
    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        self.bounced = False
        self.handlers: dict[str, Handler] = {
            partners.CYCLE: self.pair_cycle,
            cheers.DIGEST_KIND: self.send_digest,
            partners.INTRO: self.send_partner_intro,
            partners.CHECKIN: self.send_partner_checkin,
            partners.REJOIN: self.send_partner_rejoin,
            partners.UNREACHABLE: self.send_partner_unreachable,
            intros.OFFER: self.send_offer,
            intros.ACCEPTED: self.send_accepted,
            intros.FOLLOWUP: self.send_followup,
            intros.EXPIRED: self.send_expired,
            intros.UNREACHABLE: self.send_intro_unreachable,
        }

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CheerButton)
        self.bot.scheduler.register(NETWORK_JOB, self.run)

    # -- the job ---------------------------------------------------------------------------

    async def run(self, now: datetime) -> datetime | None:
        """Pair the cycles that started, then send every DM that is due, exactly once."""
        db, clock, courier = self.bot.db, self.bot.clock, self.bot.courier
        cycles = await partners.due_cycles(db, now)
        await delivery.record_missed(db, clock, cycles.paused, partners.PAUSED)
        await delivery.record_missed(db, clock, cycles.missed, partners.MISSED)
        paired = await courier.deliver(partners.CYCLE_KINDS, cycles.due, self.deliver)
        wakes = [cycles.wake, paired]
        for _ in range(2):  # a second pass tells people about DMs that just bounced
            self.bounced = False
            digests, digest_wake = await cheers.due_digests(db, now)
            pairs = await partners.due_messages(db, now)
            await delivery.record_missed(db, clock, pairs.skipped, partners.PAUSED)
            exchange = await intros.due_messages(db, now)
            sent = await courier.deliver(
                MESSAGE_KINDS, [*digests, *pairs.due, *exchange.due], self.deliver
            )
            wakes += [digest_wake, pairs.wake, exchange.wake, sent]
            if not self.bounced:
                break
        return earliest(*wakes)

    async def deliver(self, claim: Claim) -> Result:
        result = await self.handlers[claim.kind](claim)
        if claim.kind in BOUNCING and result.outcome in (Outcome.DM_CLOSED, Outcome.FINAL):
            self.bounced = True
        return result

    async def dm(self, user_id: int, claim: Claim, **kwargs: Any) -> Result:
        result = await self.bot.outbox.to_member(user_id, nonce=claim.nonce, **kwargs)
        if result.outcome is not Outcome.SENT:
            log.info("%s to %s not delivered: %s", claim.kind, user_id, result.detail)
        return result

    # -- partners ---------------------------------------------------------------------------

    async def pair_cycle(self, claim: Claim) -> Result:
        run = await partners.run_cycle(self.bot.db, self.bot.clock, claim)
        if run.skipped is not None:
            return Result(Outcome.SKIPPED, detail=run.skipped)
        return Result(Outcome.SENT, detail=f"{run.groups} pair(s) or trio")

    async def send_partner_intro(self, claim: Claim) -> Result:
        intro = await partners.intro_for(self.bot.db, claim)
        if intro is None:
            return SENT_NOTHING
        embed = render.partner_intro(intro, self.bot.clock.now())
        return await self.dm(intro.user_id, claim, embed=embed)

    async def send_partner_checkin(self, claim: Claim) -> Result:
        checkin = await partners.checkin_for(self.bot.db, claim)
        if checkin is None:
            return SENT_NOTHING
        return await self.dm(
            checkin.user_id,
            claim,
            content=render.partner_checkin(checkin),
            view=CheckinButton.question(checkin.guild_id, checkin.cycle),
        )

    async def send_partner_rejoin(self, claim: Claim) -> Result:
        ask = await partners.rejoin_for(self.bot.db, claim)
        if ask is None:
            return SENT_NOTHING
        return await self.dm(
            ask.user_id,
            claim,
            content=render.partner_rejoin(ask),
            view=RejoinButton.question(ask.guild_id),
        )

    async def send_partner_unreachable(self, claim: Claim) -> Result:
        note = await partners.unreachable_for(self.bot.db, claim)
        if note is None:
            return SENT_NOTHING
        return await self.dm(note.user_id, claim, content=render.partner_unreachable(note))

    # -- cheers -----------------------------------------------------------------------------

    async def send_digest(self, claim: Claim) -> Result:
        digest = await cheers.digest_for(self.bot.db, claim)
        if digest is None:
            return SENT_NOTHING
        result = await self.dm(digest.user_id, claim, embed=render.cheer_digest(digest))
        if result.outcome is Outcome.SENT:
            await cheers.digested(self.bot.db, digest, claim.period)
        return result

    # -- introductions ----------------------------------------------------------------------

    async def send_offer(self, claim: Claim) -> Result:
        offer = await intros.offer_for(self.bot.db, claim)
        if offer is None:
            return SENT_NOTHING
        return await self.dm(
            offer.asker,
            claim,
            content=render.offer_dm(offer),
            view=DecisionButton.question(offer.offer_id),
        )

    async def send_accepted(self, claim: Claim) -> Result:
        offer = await intros.accepted_for(self.bot.db, claim)
        if offer is None:
            return SENT_NOTHING
        return await self.dm(offer.helper, claim, content=render.accepted_dm(offer))

    async def send_followup(self, claim: Claim) -> Result:
        offer = await intros.followup_for(self.bot.db, claim)
        if offer is None:
            return SENT_NOTHING
        return await self.dm(
            offer.asker,
            claim,
            content=render.followup_dm(offer),
            view=OutcomeButton.question(offer.offer_id),
        )

    async def send_expired(self, claim: Claim) -> Result:
        expired = await intros.expire(self.bot.db, self.bot.clock, claim)
        if expired is None:
            return SENT_NOTHING
        await refresh_request(self.bot, expired.request.request_id)
        return await self.dm(expired.asker, claim, content=render.expired_dm(expired))

    async def send_intro_unreachable(self, claim: Claim) -> Result:
        note = await intros.unreachable_for(self.bot.db, claim)
        if note is None:
            return SENT_NOTHING
        return await self.dm(note.to, claim, content=render.unreachable_dm(note))


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Network(bot))
