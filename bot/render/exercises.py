"""Exercise prompts, summaries and listings as embeds; the Markdown export is plain text."""

from __future__ import annotations

from collections import defaultdict

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_NAME,
    EMBED_FIELD_VALUE,
    EMBED_FIELDS,
    EMBED_TOTAL,
    clip,
)
from bot.render.words import plural
from bot.services.exercises import engine
from bot.services.exercises.engine import Context, Prompt, RunState
from bot.services.exercises.model import Exercise, Kind
from bot.services.exercises.sheets import Overview, Sheet

COMMANDS_FOOTER = "Type back · skip · keep · pause · cancel · help"


def prompt_embed(exercise: Exercise, prompt: Prompt) -> discord.Embed:
    step = prompt.step
    where = f" · {prompt.section}" if prompt.section else ""
    embed = discord.Embed(
        title=clip(f"{exercise.title}: step {prompt.number} of {prompt.total}{where}", 256),
        description=clip(prompt.text, EMBED_DESCRIPTION),
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


def intro_embed(exercise: Exercise) -> discord.Embed:
    embed = discord.Embed(
        title=exercise.title, description=clip(exercise.intro, 4000), colour=BRAND_COLOUR
    )
    embed.set_footer(
        text=f"About {plural(exercise.minutes, 'minute')} · everything you write here is "
        "private and saved after each answer"
    )
    return embed


def summary_embeds(
    exercise: Exercise, state: RunState, ctx: Context, sheet: list[tuple[str, str]]
) -> list[discord.Embed]:
    """The finished exercise: outro, then every answer, split over as many embeds as needed."""
    first = discord.Embed(
        title=f"Done: {exercise.title}",
        colour=discord.Colour.green(),
        description=clip(exercise.outro, EMBED_DESCRIPTION),
    )
    fields = [(clip(q, EMBED_FIELD_NAME), clip(a, EMBED_FIELD_VALUE) or "-") for q, a in sheet]
    fields += _grouped(exercise, state)
    fields += _shortfalls(exercise, state, ctx)
    return pack_fields(first, fields, f"{exercise.title} (cont.)")


def _grouped(exercise: Exercise, state: RunState) -> list[tuple[str, str]]:
    group = exercise.group
    if group is None:
        return []
    items = state.answers.get(group.items) or []
    buckets: dict[str, list[str]] = defaultdict(list)
    for item in items:
        labels = []
        for step_id in group.by:
            step = exercise.step(step_id)
            value = (state.answers.get(step_id) or {}).get(item)
            option = step.each.option(value) if step.each and value else None
            labels.append(option.label if option else "Not sorted")
        buckets[" · ".join(labels)].append(item)
    fields = [
        (
            clip(f"{group.title}: {key}", EMBED_FIELD_NAME),
            clip("\n".join(f"- {q}" for q in qs), EMBED_FIELD_VALUE),
        )
        for key, qs in sorted(buckets.items())
    ]
    return fields


def _shortfalls(exercise: Exercise, state: RunState, ctx: Context) -> list[tuple[str, str]]:
    compare = next(
        (s for s in exercise.steps if s.kind is Kind.FOR_EACH and s.over == "target:criteria"), None
    )
    if compare is None:
        return []
    if not ctx.has_target:
        return [
            (
                "Against your target",
                "No target yet: run `/exercise start name:right-job` to "
                "set the standard an offer should meet.",
            )
        ]
    answers = state.answers.get(compare.id) or {}
    short = [item for item, value in answers.items() if value == "short"]
    unsure = [item for item, value in answers.items() if value == "unsure"]
    lines = [f"Falls short: {item}" for item in short] + [f"Not sure yet: {i}" for i in unsure]
    return [
        (
            "Against your target",
            clip("\n".join(lines) or "Meets or beats every criterion.", EMBED_FIELD_VALUE),
        )
    ]


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
    first = discord.Embed(
        title=f"Your answers: {sheet.exercise.title}",
        colour=BRAND_COLOUR,
        description=f"Finished {sheet.completed_at}. Only you can see this.",
    )
    fields = [(clip(q, EMBED_FIELD_NAME), clip(a, EMBED_FIELD_VALUE) or "-") for q, a in sheet.rows]
    pages = pack_fields(first, fields, f"Your answers: {sheet.exercise.title} (cont.)")
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
