"""The interview-day card as an embed: short enough to read on the way in."""

from __future__ import annotations

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_FIELD_VALUE, clip
from bot.services.dates import format_day
from bot.services.interview_card import Card
from bot.services.interview_day import CARD_HOUR, Scheduled

# Each part is clipped on its own, so the whole card stays well inside Discord's 6,000.
PART = EMBED_FIELD_VALUE
ONE_LINE = 400


def card_embed(card: Card) -> discord.Embed:
    if card.prepared:
        intro = "You've done the thinking. Read this once, then go and have a good conversation."
    else:
        intro = (
            "No notes for this one yet. Fifteen minutes now is worth it: "
            "`/exercise start name:why-this-interview`, about this opportunity."
        )
    embed = discord.Embed(
        title=clip(f"Today: your interview with {card.title}", 256),
        description=intro,
        colour=BRAND_COLOUR,
    )
    hopes = [f"- {r.label}: {r.hope}" if r.hope else f"- {r.label}" for r in card.reasons]
    if hopes:
        embed.add_field(
            name="Why it matters to you", value=clip("\n".join(hopes), PART), inline=False
        )
    words = [f"- {r.words}" for r in card.reasons if r.words]
    if words:
        embed.add_field(name="How you'll put it", value=clip("\n".join(words), PART), inline=False)
    if card.one_line:
        embed.add_field(name="In one sentence", value=clip(card.one_line, ONE_LINE), inline=False)
    questions = [*card.own_questions, *(q for q in card.bank if q not in card.own_questions)]
    if questions:
        embed.add_field(
            name=_questions_heading(card),
            value=clip("\n".join(f"- {q}" for q in questions), PART),
            inline=False,
        )
    after = []
    if card.thank_you_on is not None:
        after.append(
            f"Send a thank-you note: it's on your follow-ups for "
            f"{format_day(card.thank_you_on, card.today)}."
        )
    if not card.has_bank:
        after.append("For next time: `/exercise start name:what-i-want` builds a question bank.")
    after.append("Don't want these cards? `/me interview-day state:off`")
    embed.add_field(name="Afterwards", value="\n".join(after), inline=False)
    return embed


def _questions_heading(card: Card) -> str:
    if card.round and card.audience:
        return f"Questions to ask: {card.round} · {card.audience}"
    if card.round or card.audience:
        return f"Questions to ask: {card.round or card.audience}"
    return "Questions to ask"


def scheduled_text(scheduled: Scheduled) -> str:
    """The answer to /pipeline interview."""
    recorded = scheduled.recorded
    day = format_day(recorded.day, scheduled.today)
    text = f"Interview with **{clip(scheduled.company, 100)}** on {day}: it is the next step."
    if scheduled.card:
        text += (
            f" On the morning ({CARD_HOUR:02d}:00 your time) I'll DM you a card with why it "
            "matters to you and the questions you want to ask."
        )
    if recorded.thank_you_on is not None:
        thanks = format_day(recorded.thank_you_on, scheduled.today)
        text += f" A thank-you note is on your follow-ups for {thanks}."
    return text
