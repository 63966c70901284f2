"""/pipeline import's dry run and result, and what comes with /pipeline export's file."""

from __future__ import annotations

from collections import Counter

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_TITLE, clip
from bot.render.words import plural
from bot.services.pipeline_import import Exported, Imported, Preview
from bot.services.text import echo
from bot.services.tracker_csv import FIELD_NAMES, FIELDS

# Each list shows this many rows; the rest are counted. Eight fields of this size stay well
# inside an embed's 6,000 characters.
SHOWN = 6
LINE = 100
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _listing(lines: list[str], total: int) -> str:
    shown = [clip(line, LINE) for line in lines[:SHOWN]]
    if total > len(shown):
        shown.append(f"…and {total - len(shown)} more")
    return "\n".join(shown)


def _columns(preview: Preview) -> str:
    lines = []
    for name in FIELDS:
        column = preview.mapping.get(name)
        if column is None:
            lines.append(f"{FIELD_NAMES[name]}: not in this file")
        else:
            lines.append(f"{FIELD_NAMES[name]} ← {echo(preview.table.headers[column], 40)}")
    return "\n".join(lines)


def preview_embed(preview: Preview) -> discord.Embed:
    """The dry run: what would be added, what would not and why, and how the file was read."""
    table, plan = preview.table, preview.plan
    filename = echo(table.filename, 80)
    read = f"Read as **{preview.preset.name}**"
    if preview.preset.guessed:
        read += " (a guess from its documented columns: check the columns below)"
    read += f" · {table.encoding}"
    if table.encoding in ("Windows-1252", "Latin-1"):
        read += " (not UTF-8: check that accented letters look right)"
    read += f" · {DELIMITERS.get(table.delimiter, 'comma')}-separated."
    if plan.missing_company:
        read += (
            "\n**Which column holds the company?** Pick it below: *Change a column…* > "
            "company, then the column."
        )
    read += "\nNothing is saved until you press Import."
    embed = discord.Embed(
        title=clip(f"Import preview: {filename}", EMBED_TITLE),
        description=read,
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Columns", value=_columns(preview), inline=False)
    if plan.missing_company:
        return embed
    adds = [f"row {r.number}: {r.title} · {r.stage.value}" for r in preview.new]
    embed.add_field(
        name=f"Would add ({len(preview.new)})",
        value=_listing(adds, len(adds)) or "Nothing new.",
        inline=False,
    )
    lists = (
        (
            "Already in your pipeline",
            [f"row {e.number}: {e.title}" for e in preview.existing],
        ),
        (
            "Twice in this file",
            [f"row {d.number}: same as row {d.first} ({d.title})" for d in plan.repeated],
        ),
        ("Rows with problems", [f"row {p.number}: {p.why}" for p in plan.problems]),
    )
    for title, lines in lists:
        if lines:
            embed.add_field(
                name=f"{title} ({len(lines)})", value=_listing(lines, len(lines)), inline=False
            )
    if plan.closed:
        words = Counter(c.word for c in plan.closed)
        text = ", ".join(f"{echo(word, 30)}: {plural(n, 'row')}" for word, n in words.items())
        embed.add_field(
            name=f"Closed in your tracker, left out ({len(plan.closed)})",
            value=clip(text, 600),
            inline=False,
        )
    stages = _stages(preview)
    if stages:
        embed.add_field(name="Stages", value=stages, inline=False)
    if plan.date_order_assumed:
        first = "month" if plan.date_order == "mdy" else "day"
        embed.add_field(
            name="Dates",
            value=(
                f"Dates like 03/04/2026 are read {first} first: nothing in the file settles "
                "which comes first. If that is wrong, write them as YYYY-MM-DD."
            ),
            inline=False,
        )
    return embed


def _stages(preview: Preview) -> str:
    plan = preview.plan
    lines = []
    read = [
        f"{echo(word, 30)} → {stage.value} ({n})"
        for (word, stage), n in plan.stages_read.items()
        if word.casefold() != stage.value
    ]
    if read:
        lines.append(clip("Read: " + ", ".join(read), 500))
    if plan.unknown_stages:
        unknown = ", ".join(f"{echo(w, 30)} ({n})" for w, n in plan.unknown_stages.items())
        lines.append(
            clip(f"Not known, so those rows are left out: {unknown}.", 300)
            + " Rename them in your file to lead, contacted, talking, interviewing or offer "
            "and import it again (what was added is skipped)."
        )
    return "\n".join(lines)


def imported_text(result: Imported) -> str:
    if not result.added:
        return (
            f"Nothing added: {plural(result.already, 'row')} "
            f"{'is' if result.already == 1 else 'are'} already in your pipeline."
        )
    text = (
        f"Added {plural(result.added, 'opportunity', 'opportunities')} to your pipeline. "
        "`/pipeline list` shows where everything stands."
    )
    if result.already:
        text += (
            f" {plural(result.already, 'row')} already in your pipeline "
            f"{'was' if result.already == 1 else 'were'} left as they are."
        )
    return text


CANCELLED = "Nothing was imported."


def export_text(result: Exported) -> str:
    if not result.count:
        return (
            "No open opportunities yet: here are the columns `/pipeline import` reads, to fill "
            "in and import."
        )
    return (
        f"Your pipeline as a spreadsheet: "
        f"{plural(result.count, 'open opportunity', 'open opportunities')}, in the columns "
        "`/pipeline import` reads. A cell that a spreadsheet would run as a formula starts with "
        "an apostrophe, so it shows as text."
    )
