"""Member text made inert before it goes into a public post.

What a member types is shown as they typed it, never as markup: no masked or live links, no
headings or spoilers, no mentions (which would render as names even though the bot never lets
them ping). Private replies show a member their own text and need none of this.
"""

from __future__ import annotations

import re

from discord.utils import escape_markdown, escape_mentions

ZERO_WIDTH_SPACE = "\u200b"
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")


def inert(text: str) -> str:
    """``text`` for a public post: Markdown escaped, links and mentions broken."""
    # Every Markdown character escaped, links included (a link left alone is still live).
    escaped = escape_markdown(text, ignore_links=False)
    # Discord only links text with a scheme: a zero-width space after the colon breaks it.
    escaped = _SCHEME.sub(lambda m: f"{m.group(1)}:{ZERO_WIDTH_SPACE}", escaped)
    # <@id>, <#id>, <@&id>, </cmd:id>, <t:...>: shown literally, not as mentions.
    escaped = escaped.replace("<", "\\<")
    return escape_mentions(escaped)
