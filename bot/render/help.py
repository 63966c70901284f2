"""/help, built from the registered command tree so it never goes stale.

Two views: an index (every area with its description and its commands' names) and one topic
in full (each command's usage, description and options). The index is what members see most,
so it stays short: every byte is serialised, carried and parsed again on each use.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.render.limits import EMBED_DESCRIPTION, embed_pages, pack_lines

BRAND_COLOUR = discord.Colour.from_rgb(46, 134, 171)


@dataclass(frozen=True, slots=True)
class OptionEntry:
    """One option of a command, as /help explains it."""

    name: str
    description: str
    required: bool


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """One command as /help lists it."""

    path: str  # e.g. "pipeline add"
    description: str
    options: tuple[OptionEntry, ...] = ()

    @property
    def name(self) -> str:
        """The command's name within its area ("add" for "pipeline add")."""
        return self.path.split(" ", 1)[-1]

    @property
    def usage(self) -> str:
        parts = [f"/{self.path}"]
        parts += [o.name if o.required else f"[{o.name}]" for o in self.options]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Area:
    """A top-level command: a group of commands, or one command on its own."""

    name: str
    description: str
    commands: tuple[CommandEntry, ...]

    @property
    def single(self) -> bool:
        return len(self.commands) == 1 and self.commands[0].path == self.name


INTRO = (
    "Next Interview keeps your search moving: the goal is always the **next conversation**. "
    "Log every talk that moves you forward, keep several opportunities going, and follow up "
    "instead of waiting. Replies about you are only visible to you."
)
TOPIC_HINT = "Each area in full, with its options: `/help topic:pipeline` (any area above)."


def organisers_note(withheld: list[str]) -> str:
    names = ", ".join(f"`/{name}`" for name in withheld)
    return f"Organisers (Manage Server) also have {names}: their /help lists it."


def index_lines(area: Area) -> list[str]:
    if area.single:
        return [f"**/{area.name}** {area.description}"]
    names = " ".join(f"`{c.name}`" for c in area.commands)
    return [f"**/{area.name}** {area.description}", names]


def help_index(areas: list[Area], withheld: list[str] | None = None) -> list[discord.Embed]:
    """The index: each area the reader can use, one or two lines each, split to fit Discord
    (one message per embed); ``withheld`` names the areas left out for needing a permission
    the reader lacks (a footer says they exist)."""
    lines = [INTRO, ""]
    for area in sorted(areas, key=lambda a: a.name):
        lines += index_lines(area)
    lines += ["", TOPIC_HINT]
    embeds = [
        discord.Embed(
            title="Next Interview: commands" + (" (cont.)" if index else ""),
            description=chunk,
            colour=BRAND_COLOUR,
        )
        for index, chunk in enumerate(pack_lines(lines, EMBED_DESCRIPTION))
    ]
    if withheld:
        embeds[-1].set_footer(text=organisers_note(sorted(withheld)))
    return embeds


def command_text(command: CommandEntry) -> str:
    lines = [command.description]
    lines += [f"• `{o.name}`: {o.description}" for o in command.options]
    return "\n".join(lines)


def help_topic(area: Area) -> list[discord.Embed]:
    """One area in full: each command's usage as a field, with its description and what
    each option is for."""
    fields = [(f"`{c.usage}`", command_text(c)) for c in area.commands]
    return embed_pages(f"/{area.name}", area.description, fields, BRAND_COLOUR)


def topic_withheld(name: str) -> str:
    return (
        f"`/{name}` is for organisers (Manage Server), so I won't list its commands here. "
        "Ask an organiser of your group if something needs changing."
    )


def topic_unknown(areas: list[str]) -> str:
    names = ", ".join(sorted(areas))
    return (
        f"There's no help topic by that name. Pick one of: {names}; "
        "or run `/help` on its own for the whole list."
    )
