"""Discord's size limits, named once, and helpers that keep output inside them.

``clip`` itself lives with the services (they shorten what they store too); it is imported
here so that rendering finds every limit helper in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord

from bot.services.text import clip

MESSAGE_CHARS = 2_000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4_096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1_024
EMBED_FOOTER = 2_048
EMBED_TOTAL = 6_000
TEXT_INPUT = 4_000
TEXT_INPUT_PLACEHOLDER = 100
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
SELECT_OPTION_DESCRIPTION = 100
SELECT_PLACEHOLDER = 150
BUTTON_LABEL = 80
MODAL_TITLE = 45
FIELD_LABEL = 45  # a modal's text input or labelled component
FIELD_DESCRIPTION = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100


def pack_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Join lines into as few chunks as possible, each at most ``limit`` characters.

    A single line longer than the limit is clipped rather than split mid-word across pages.
    """
    chunks: list[str] = []
    current = ""
    for raw in lines:
        line = clip(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def embed_pages(
    title: str, description: str, fields: list[tuple[str, str]], colour: Any
) -> list[discord.Embed]:
    """Fields spread over as many embeds as Discord's limits need: at most 25 fields and
    6,000 characters each (one message shows one page), numbered when there are several."""
    budget = EMBED_TOTAL - len(title) - len(description) - 40  # the footer's "Page n of m"
    pages: list[discord.Embed] = []
    current = discord.Embed(title=title, description=description, colour=colour)
    used = 0
    for name, value in fields:
        name, value = clip(name, EMBED_FIELD_NAME), clip(value, EMBED_FIELD_VALUE)
        if current.fields and (
            len(current.fields) >= EMBED_FIELDS or used + len(name) + len(value) > budget
        ):
            pages.append(current)
            current = discord.Embed(title=title, description=description, colour=colour)
            used = 0
        current.add_field(name=name, value=value, inline=False)
        used += len(name) + len(value)
    pages.append(current)
    if len(pages) > 1:
        for number, page in enumerate(pages, start=1):
            page.set_footer(text=f"Page {number} of {len(pages)}")
    return pages
