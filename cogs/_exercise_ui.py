"""Showing an exercise conversation in a DM: questions, buttons, menus, summaries.

Every component here is persistent (a ``DynamicItem``) and carries the run and the question it
belongs to, so a button pressed after a restart, or on an old question, still does the right
thing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.render import exercises as render
from bot.render.limits import (
    BUTTON_LABEL,
    MESSAGE_CHARS,
    SELECT_OPTION_LABEL,
    SELECT_OPTIONS,
    SELECT_PLACEHOLDER,
    clip,
)
from bot.services.exercises import effects, runs, shares, sheets
from bot.services.exercises.answers import ALL_PREFIX
from bot.services.exercises.engine import CANCEL_NO, CANCEL_YES, CONFIRM_KEY, position_key
from bot.services.exercises.model import Kind, Option
from bot.views import AnswerButton, GuardedItem

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

MAX_BUTTONS = 5

ALREADY_ANSWERED = "That was already answered. Here is where you are now:"


def question_view(turned: runs.RunTurn) -> discord.ui.View | None:
    prompt = turned.turn.prompt
    if prompt is None:
        return None
    asked = prompt.step
    key = position_key(turned.exercise, turned.turn.state.position)
    view = discord.ui.View(timeout=None)
    if asked.at_once and asked.each is not None and prompt.items:
        # Every item sorted in one press: pick those for the first option, the rest take the
        # second (25 items at most in a menu; a list step allows no more).
        first, second = asked.each.options
        items = prompt.items[:SELECT_OPTIONS]
        view.add_item(
            ChoiceMenu(
                turned.run_id,
                key,
                [Option(str(i), item) for i, item in enumerate(items)],
                1,
                len(items),
                placeholder=f"Pick those for: {first.label}",
            )
        )
        for option in (first, second):
            view.add_item(
                ChoiceButton(turned.run_id, key, ALL_PREFIX + option.value, f"All: {option.label}")
            )
        return view
    if asked.kind is Kind.CHOICE and len(asked.options) <= MAX_BUTTONS:
        for option in asked.options:
            view.add_item(ChoiceButton(turned.run_id, key, option.value, option.label))
        return view
    if asked.kind in (Kind.CHOICE, Kind.MULTI):
        low = 1 if asked.kind is Kind.CHOICE else asked.min_choices
        high = 1 if asked.kind is Kind.CHOICE else (asked.max_choices or len(asked.options))
        view.add_item(ChoiceMenu(turned.run_id, key, asked.options, low, high))
        return view
    return None


async def send_turn(
    bot: NextInterviewBot, channel: discord.abc.Messageable, turned: runs.RunTurn
) -> None:
    """Everything one turn has to say, in order."""
    turn = turned.turn
    for note in turn.notes:
        await channel.send(clip(note, MESSAGE_CHARS))
    if turn.paused:
        await channel.send(
            "Paused. Everything so far is saved. Send any message here, or use "
            "`/exercise resume`, when you want to carry on."
        )
    if turn.confirm_cancel:
        await channel.send(
            "Cancel this exercise? Your answers in this run will be discarded.",
            view=CancelButton.question(turned.run_id),
        )
    if turn.cancelled:
        await channel.send("Cancelled. Start again any time with `/exercise start`.")
    if turn.prompt is not None:
        view = question_view(turned)
        embed = render.prompt_embed(turned.exercise, turn.prompt)
        if view is None:
            await channel.send(embed=embed)
        else:
            await channel.send(embed=embed, view=view)
    if turn.completed:
        await _send_completion(channel, turned)
    if turn.late_answered:
        await channel.send(f"Thanks: added to your **{turned.exercise.title}**.")


async def _send_completion(channel: discord.abc.Messageable, turned: runs.RunTurn) -> None:
    embeds = render.summary_embeds(
        sheets.document(turned.exercise, turned.turn.state, turned.context)
    )
    # One embed per message keeps each message under the 6,000-character total.
    for embed in embeds[:-1]:
        await channel.send(embed=embed)
    share = discord.ui.View(timeout=None)
    if turned.exercise.share:
        share.add_item(ShareButton(turned.run_id))
    if share.children:
        await channel.send(embed=embeds[-1], view=share)
    else:
        await channel.send(embed=embeds[-1])
    if turned.created:
        # One line per planned item: a long list from the answers must still fit one message.
        lines = "\n".join(f"- {c}" for c in turned.created)
        await channel.send(clip(f"Added for you:\n{lines}", MESSAGE_CHARS))
    if turned.offered:
        lines = "\n".join(f"- {e.describe(turned.context.today)}" for e in turned.offered)
        await channel.send(
            clip(f"Your answers suggest these. Add them?\n{lines}", MESSAGE_CHARS),
            view=EffectsButton.question(turned.run_id),
        )


async def _answer_component(
    interaction: discord.Interaction[NextInterviewBot], run_id: int, key: str, values: list[str]
) -> None:
    bot = interaction.client
    # Acknowledged at once: the member's lock may be held by a reply being sent (and paced by
    # Discord), which must not make this press miss its three-second deadline.
    await interaction.response.defer()
    async with bot.exercise_lock(interaction.user.id):
        # The position check and the save happen in the service, as one compare-and-set.
        turned = await runs.answer(
            bot.db,
            bot.clock,
            bot.catalog,
            user_id=interaction.user.id,
            values=values,
            run_id=run_id,
            at=key,
            changes=bot.changes,
        )
        if turned is None:
            await interaction.followup.send("That exercise is no longer open.", ephemeral=True)
            return
        if turned.stale:
            await interaction.followup.send(ALREADY_ANSWERED, ephemeral=True)
        else:
            # The pressed question's buttons are spent: remove them so nobody answers twice.
            await interaction.edit_original_response(view=None)
        await send_turn(bot, interaction.channel, turned)  # type: ignore[arg-type]


async def ask_late_question(
    bot: NextInterviewBot, user: discord.User | discord.Member, run_id: int, step_id: str
) -> None:
    """An exercise was waiting for this follow-up (e.g. "what did they suggest?"): ask now,
    under the member's lock like every other change to a run."""
    async with bot.exercise_lock(user.id):
        turned = await runs.late_question(
            bot.db, bot.clock, bot.catalog, user_id=user.id, run_id=run_id, step_id=step_id
        )
        if turned is None:
            return
        try:
            await send_turn(bot, await user.create_dm(), turned)
        except discord.HTTPException as exc:
            log.info("Could not ask %s the follow-up question: %s", user.id, exc)


class ChoiceButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:exb:(?P<run>\d+):(?P<key>[\d.]+|x):(?P<value>[a-z0-9_-]+)",
):
    def __init__(self, run_id: int, key: str, value: str, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label or value, BUTTON_LABEL),
                style=discord.ButtonStyle.primary,
                custom_id=f"ni:exb:{run_id}:{key}:{value}",
            )
        )
        self.run_id, self.key, self.value = run_id, key, value

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> ChoiceButton:
        return cls(int(match["run"]), match["key"], match["value"], item.label or "")

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        await _answer_component(interaction, self.run_id, self.key, [self.value])


class ChoiceMenu(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"ni:exm:(?P<run>\d+):(?P<key>[\d.]+)",
):
    def __init__(
        self,
        run_id: int,
        key: str,
        options: Any = (),
        low: int = 1,
        high: int = 1,
        *,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"ni:exm:{run_id}:{key}",
                min_values=low,
                max_values=high,
                placeholder=clip(placeholder, SELECT_PLACEHOLDER)
                if placeholder
                else ("Choose…" if high == 1 else "Choose one or more…"),
                options=[
                    discord.SelectOption(label=clip(o.label, SELECT_OPTION_LABEL), value=o.value)
                    for o in options
                ]
                or [discord.SelectOption(label="-", value="-")],
            )
        )
        self.run_id, self.key = run_id, key

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> ChoiceMenu:
        return cls(int(match["run"]), match["key"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        data: Mapping[str, Any] = interaction.data or {}
        values = list(data.get("values", []))
        await _answer_component(interaction, self.run_id, self.key, values)


class CancelButton(AnswerButton, template=r"ni:excl:(?P<run>\d+):(?P<answer>yes|no)"):
    """ "Cancel this exercise?" after the member typed cancel: answered like a question."""

    ANSWERS: ClassVar[dict[str, str]] = {"yes": "Yes, cancel it", "no": "No, carry on"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"yes": discord.ButtonStyle.danger}

    def __init__(self, run_id: int, answer: str) -> None:
        super().__init__(f"ni:excl:{run_id}:{answer}", answer)
        self.run_id = run_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        value = CANCEL_YES if self.answer == "yes" else CANCEL_NO
        await _answer_component(interaction, self.run_id, CONFIRM_KEY, [value])


class EffectsButton(AnswerButton, template=r"ni:exfx:(?P<run>\d+):(?P<answer>yes|no)"):
    """Create what a finished run's answers suggest (follow-ups, pipeline entries), or not."""

    ANSWERS: ClassVar[dict[str, str]] = {"yes": "Create them", "no": "No thanks"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"yes": discord.ButtonStyle.success}

    def __init__(self, run_id: int, answer: str) -> None:
        super().__init__(f"ni:exfx:{run_id}:{answer}", answer)
        self.run_id = run_id

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        created = await effects.settle_effects(
            bot.db,
            bot.clock,
            user_id=interaction.user.id,
            run_id=self.run_id,
            accept=self.answer == "yes",
            changes=bot.changes,
        )
        text = (
            ("Created:\n" + "\n".join(f"- {c}" for c in created))
            if created
            else "Fine: nothing was added."
        )
        await interaction.response.edit_message(content=clip(text, MESSAGE_CHARS), view=None)


class ShareButton(
    GuardedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ni:exsh:(?P<run>\d+)"
):
    """Share the short, non-private line about a finished exercise with the group."""

    def __init__(self, run_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share with the group",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ni:exsh:{run_id}",
            )
        )
        self.run_id = run_id

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> ShareButton:
        return cls(int(match["run"]))

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        # Claimed before posting: a second press (AlreadyShared) is told so and posts nothing.
        share = await shares.claim_share(
            bot.db, bot.clock, bot.catalog, user_id=interaction.user.id, run_id=self.run_id
        )
        posted = await bot.outbox.publish(
            share.post, share.channel_id, share.guild_id, share.line(interaction.user.mention)
        )
        if not posted:
            await interaction.response.send_message(
                "I couldn't post in your group's channel, so nothing was shared. Ask an "
                "organiser to check my permissions there, then press the button again.",
                ephemeral=True,
            )
            return
        await interaction.response.edit_message(view=None)
        unnamed = "" if share.named else " Your name isn't on it, as you hide from that group."
        await interaction.followup.send(
            f"Shared with your group (just that line, nothing of your answers).{unnamed}"
        )


DYNAMIC_ITEMS = (ChoiceButton, ChoiceMenu, CancelButton, EffectsButton, ShareButton)
