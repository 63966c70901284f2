"""/partner: accountability partners, and the buttons of their DMs (the mid-cycle check-in,
the question after a pause). The pairing itself runs in cogs/network.py's job."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions import group_id
from bot.jobs import NETWORK_JOB
from bot.render import network as render
from bot.services import partners
from bot.views import AnswerButton

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

FINAL = ("yes", "skip")


class CheckinButton(
    AnswerButton,
    template=r"ni:pc:(?P<guild>\d+):(?P<cycle>\d{4}-\d{2}-\d{2}):(?P<answer>yes|not-yet|skip)",
):
    """ "Did you two connect?" The pairing answered is the presser's own in that group and
    cycle: the id only says which of their pairings, never whose."""

    ANSWERS: ClassVar[dict[str, str]] = {
        "yes": "Yes",
        "not-yet": "Not yet",
        "skip": "Skip this cycle",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"yes": discord.ButtonStyle.success}

    def __init__(self, guild_id: int, cycle: str, answer: str) -> None:
        super().__init__(f"ni:pc:{guild_id}:{cycle}:{answer}", answer)
        self.guild_id, self.cycle = guild_id, cycle

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        result = await partners.answer(
            bot.db,
            bot.clock,
            guild_id=self.guild_id,
            cycle=self.cycle,
            user_id=interaction.user.id,
            value=self.answer,
        )
        text = render.partner_answered(result)
        if result.recorded and self.answer in FINAL and interaction.message is not None:
            # The question stays readable above its answer.
            await self.reply(interaction, f"{interaction.message.content}\n\n{text}", settled=True)
        else:
            await self.reply(interaction, text, settled=False)


class RejoinButton(AnswerButton, template=r"ni:pr:(?P<guild>\d+):(?P<answer>yes|no)"):
    """After two unanswered check-ins: be paired again, or stay paused (the presser's own)."""

    ANSWERS: ClassVar[dict[str, str]] = {"yes": "Pair me again", "no": "Stay paused"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"yes": discord.ButtonStyle.primary}

    def __init__(self, guild_id: int, answer: str) -> None:
        super().__init__(f"ni:pr:{guild_id}:{answer}", answer)
        self.guild_id = guild_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        stay = self.answer == "no"
        changed = False
        if not stay:
            changed = await partners.rejoin(
                bot.db, guild_id=self.guild_id, user_id=interaction.user.id
            )
        # Staying paused keeps the question open; a press that changed nothing edits nothing.
        await self.reply(interaction, render.partner_rejoined(changed, stay), settled=changed)


@app_commands.guild_only()
class Partners(commands.GroupCog, group_name="partner"):
    """Accountability partners: be paired with someone from the group, by DM."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CheckinButton, RejoinButton)

    @app_commands.command(name="join")
    async def join(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Be paired with another member every cycle, introduced by DM."""
        joined = await partners.join(
            self.bot.db,
            self.bot.clock,
            guild_id=group_id(interaction),
            user_id=interaction.user.id,
        )
        await interaction.response.send_message(
            render.partner_joined(joined, self.bot.clock.now()), ephemeral=True
        )

    @app_commands.command(name="leave")
    async def leave(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Stop being paired (you can join again any time)."""
        was_in = await partners.leave(
            self.bot.db, guild_id=group_id(interaction), user_id=interaction.user.id
        )
        await interaction.response.send_message(render.partner_left(was_in), ephemeral=True)

    @app_commands.command(name="status")
    async def status(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Your pairing: this cycle's partner, the next pairing, who you avoid (only you)."""
        result = await partners.status(
            self.bot.db,
            self.bot.clock,
            guild_id=group_id(interaction),
            user_id=interaction.user.id,
        )
        await interaction.response.send_message(
            render.partner_status(result, self.bot.clock.now()), ephemeral=True
        )

    @app_commands.command(name="avoid")
    @app_commands.describe(
        member="Someone you'd rather not be paired with (they are never told)",
        undo="true: you may be paired with them again",
    )
    async def avoid(
        self,
        interaction: discord.Interaction[NextInterviewBot],
        member: discord.User,
        undo: bool = False,
    ) -> None:
        """Privately never be paired with someone; nobody learns about it."""
        changed = await partners.avoid(
            self.bot.db,
            self.bot.clock,
            guild_id=group_id(interaction),
            user_id=interaction.user.id,
            other_id=member.id,
            other_is_bot=member.bot,
            undo=undo,
        )
        self.bot.scheduler.poke(NETWORK_JOB)
        await interaction.response.send_message(
            render.partner_avoided(undo, changed), ephemeral=True
        )


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(Partners(bot))
