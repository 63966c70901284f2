"""Exercise prompts, summaries and listings as embeds; the Markdown export is plain text."""

from __future__ import annotations

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_NAME,
    EMBED_FIELD_VALUE,
    EMBED_FIELDS,
    EMBED_TOTAL,
    clip,
    pack_lines,
)
from bot.render.words import plural
from bot.services.exercises import engine
from bot.services.exercises.engine import Prompt
from bot.services.exercises.model import Exercise, Kind
from bot.services.exercises.sheets import Document, Overview, Sheet, finished_on

COMMANDS_FOOTER = "Type back · skip · keep · pause · cancel · help"


def prompt_embed(exercise: Exercise, prompt: Prompt) -> discord.Embed:
    step = prompt.step
    where = f" · {prompt.section}" if prompt.section else ""
    text = prompt.text
    if prompt.items:
        # The member sorts these by number or in the menu, so each is shown with its number.
        text += "\n\n" + "\n".join(f"{i}. {item}" for i, item in enumerate(prompt.items, 1))
    embed = discord.Embed(
        title=clip(f"{exercise.title}: step {prompt.number} of {prompt.total}{where}", 256),
        description=clip(text, EMBED_DESCRIPTION),
        colour=BRAND_COLOUR,
    )
    how = _how_to_answer(prompt)
    if how:
        embed.add_field(name="How to answer", value=clip(how, EMBED_FIELD_VALUE), inline=False)
    if step.hint:
        embed.add_field(name="Hint", value=clip(step.hint, EMBED_FIELD_VALUE), inline=False)
    if prompt.previous is not None:
        embed.add_field(
            name="Your earlier answer (send a new one, or type keep)",
            value=clip(prompt.previous, EMBED_FIELD_VALUE) or "(empty)",
            inline=False,
        )
    if prompt.draft:
        embed.add_field(
            name=f"So far ({len(prompt.draft)})",
            value=clip("\n".join(f"- {item}" for item in prompt.draft), EMBED_FIELD_VALUE),
            inline=False,
        )
    embed.set_footer(text=COMMANDS_FOOTER + (" (this one is optional)" if step.optional else ""))
    over = len(embed) - EMBED_TOTAL
    if over > 0:
        # Earlier answers fill the prompt, the earlier answer and the draft: together they can
        # pass Discord's total for one embed, which would refuse the whole question.
        embed.description = clip(embed.description or "", len(embed.description or "") - over)
    return embed


def _how_to_answer(prompt: Prompt) -> str:
    step = prompt.step
    if step.kind is Kind.FOR_EACH and step.at_once and step.each is not None:
        first, second = step.each.options
        return (
            f"Pick those for **{first.label}** in the menu, or type their numbers like `1, 3` "
            f"(`all` or `none` work too). The others go to **{second.label}**."
        )
    if step.kind is Kind.CHOICE:
        numbered = "\n".join(f"{i}. {o.label}" for i, o in enumerate(step.options, start=1))
        return f"Press a button, or type the number or name:\n{numbered}"
    if step.kind is Kind.MULTI:
        numbered = "\n".join(f"{i}. {o.label}" for i, o in enumerate(step.options, start=1))
        return f"Pick from the menu, or type numbers like `1, 3`:\n{numbered}"
    if step.kind is Kind.LIST:
        if step.count:
            return f"{plural(step.count, 'item')}, one per line (one message or several)."
        return (
            f"One item per line, {step.min_items} to {step.max_items}; type `done` when that's all."
        )
    if step.kind is Kind.NUMBER:
        example = "85000 EUR" if step.currency else "12"
        unit = f" ({step.unit})" if step.unit else ""
        return f"A number{unit}, e.g. `{example}`."
    if step.kind is Kind.DATE:
        return (
            "A date: `tomorrow`, `3d`, `2w`, a weekday or YYYY-MM-DD."
            if step.when == "future"
            else "A date: `today`, `yesterday`, a weekday or YYYY-MM-DD."
        )
    return ""


def intro_embed(
    exercise: Exercise,
    about: str = "",
    prefilled: list[tuple[str, str]] | None = None,
    stage: str | None = None,
) -> discord.Embed:
    embed = discord.Embed(
        title=exercise.title, description=clip(exercise.intro, 4000), colour=BRAND_COLOUR
    )
    if about:
        known = "\n".join(f"{label}: {clip(shown, 200)}" for label, shown in prefilled or [])
        embed.add_field(
            name=clip(f"About {about}" + (f" · {stage}" if stage else ""), EMBED_FIELD_NAME),
            value=clip(
                "I've filled in what your pipeline already says:\n" + known
                if known
                else "Your answers will be kept with it in your pipeline.",
                EMBED_FIELD_VALUE,
            ),
            inline=False,
        )
    embed.set_footer(
        text=f"About {plural(exercise.minutes, 'minute')} · everything you write here is "
        "private and saved after each answer"
    )
    return embed


def document_fields(doc: Document) -> list[tuple[str, str]]:
    """A document's sections as embed fields, a long section over several."""
    fields = []
    for section in doc.sections:
        # A long entry (a list with what was said about each item) may span fields, by line.
        lines = [
            line
            for entry in section.entries
            for line in (entry.splitlines() if len(entry) > EMBED_FIELD_VALUE else [entry])
        ]
        chunks = pack_lines(lines, EMBED_FIELD_VALUE)
        for index, chunk in enumerate(chunks):
            name = section.heading + (" (cont.)" if index else "")
            fields.append((clip(name, EMBED_FIELD_NAME), chunk))
    return fields


def summary_embeds(doc: Document) -> list[discord.Embed]:
    """The finished exercise: outro, then the document it produced, over as many embeds as
    needed."""
    exercise = doc.exercise
    first = discord.Embed(
        title=f"Done: {exercise.title}",
        colour=discord.Colour.green(),
        description=clip(exercise.outro, EMBED_DESCRIPTION),
    )
    fields = [(clip(doc.title, EMBED_FIELD_NAME), "Here it is, to keep:"), *document_fields(doc)]
    return pack_fields(first, fields, f"{clip(doc.title, 200)} (cont.)")


def pack_fields(
    first: discord.Embed, fields: list[tuple[str, str]], more_title: str
) -> list[discord.Embed]:
    embeds = [first]
    for name, value in fields:
        current = embeds[-1]
        if (
            len(current.fields) >= EMBED_FIELDS
            or len(current) + len(name) + len(value) > EMBED_TOTAL - 100
        ):
            current = discord.Embed(title=more_title, colour=first.colour)
            embeds.append(current)
        current.add_field(name=name, value=value, inline=False)
    return embeds


def overview_embed(items: list[Overview]) -> discord.Embed:
    embed = discord.Embed(
        title="Guided exercises",
        colour=BRAND_COLOUR,
        description=(
            "Private conversations in your DMs that turn the method into a plan. Start one with "
            "`/exercise start`."
        ),
    )
    for item in items:
        status = []
        if item.open_at:
            number, total = item.open_at
            state = "paused" if item.paused else "in progress"
            status.append(f"{state} at step {number} of {total}")
        if item.completed:
            status.append(f"finished {item.completed}x")
        line = (
            f"{item.exercise.summary}\n`{item.exercise.id}` · about {item.exercise.minutes} "
            f"min" + (f" · **{', '.join(status)}**" if status else "")
        )
        embed.add_field(name=item.exercise.title, value=clip(line, EMBED_FIELD_VALUE), inline=False)
    return embed


def sheet_pages(sheet: Sheet) -> list[discord.Embed]:
    doc = sheet.document
    first = discord.Embed(
        title=clip(doc.title, 256),
        colour=BRAND_COLOUR,
        description=f"Your latest **{sheet.exercise.title}**, finished "
        f"{finished_on(sheet.completed_at, sheet.today)}. Only you can see this.",
    )
    pages = pack_fields(first, document_fields(doc), f"{clip(doc.title, 200)} (cont.)")
    for number, page in enumerate(pages, start=1):
        if len(pages) > 1:
            page.set_footer(text=f"Page {number} of {len(pages)}")
    return pages


def nudge_text(exercise: Exercise) -> str:
    return (
        f"You paused **{exercise.title}** a few days ago. Your answers are all saved: send "
        "any message here to pick up where you left off, or `cancel` to drop it."
    )


__all__ = [
    "engine",
    "intro_embed",
    "nudge_text",
    "overview_embed",
    "prompt_embed",
    "sheet_pages",
    "summary_embeds",
]
