"""The /help embed, built from the registered command tree so it never goes stale."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.render.limits import EMBED_FIELD_VALUE, EMBED_FIELDS, EMBED_TOTAL, pack_lines

BRAND_COLOUR = discord.Colour.from_rgb(46, 134, 171)


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """One command as /help lists it."""

    path: str  # e.g. "pipeline add"
    description: str
    options: tuple[tuple[str, bool], ...]  # (name, required)

    @property
    def usage(self) -> str:
        parts = [f"/{self.path}"]
        parts += [name if required else f"[{name}]" for name, required in self.options]
        return " ".join(parts)


INTRO = (
    "Next Interview keeps your search moving: the goal is always the **next conversation**. "
    "Log every talk that moves you forward, keep several opportunities going, and follow up "
    "instead of waiting. Replies about you are only visible to you."
)


def organisers_note(withheld: list[str]) -> str:
    names = ", ".join(f"`/{name}`" for name in withheld)
    return f"Organisers (Manage Server) also have {names}: their /help lists it."


def help_embeds(
    entries: list[CommandEntry], withheld: list[str] | None = None
) -> list[discord.Embed]:
    """Embeds listing the commands, grouped by top-level command, split to fit Discord;
    ``withheld`` names the top-level commands left out for needing a permission the reader
    lacks (a line says they exist)."""
    groups: dict[str, list[CommandEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        groups.setdefault(entry.path.split(" ", 1)[0], []).append(entry)

    fields: list[tuple[str, str]] = []
    for top, members in groups.items():
        lines = [f"`{e.usage}`\n{e.description}" for e in members]
        for index, chunk in enumerate(pack_lines(lines, EMBED_FIELD_VALUE)):
            fields.append((f"/{top}" + (" (cont.)" if index else ""), chunk))

    embeds: list[discord.Embed] = []
    embed = discord.Embed(title="Next Interview: commands", description=INTRO, colour=BRAND_COLOUR)
    for name, value in fields:
        if len(embed.fields) >= EMBED_FIELDS or len(embed) + len(name) + len(value) > EMBED_TOTAL:
            embeds.append(embed)
            embed = discord.Embed(title="Next Interview: commands (cont.)", colour=BRAND_COLOUR)
        embed.add_field(name=name, value=value, inline=False)
    if withheld:
        embed.set_footer(text=organisers_note(sorted(withheld)))
    embeds.append(embed)
    return embeds
