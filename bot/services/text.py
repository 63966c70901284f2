"""Text members type, made safe to store and show.

Discord lets through characters nobody can see: NUL and other control characters, zero-width
spaces, and bidirectional overrides that make text read backwards. Stored as typed, they give
names that look empty and lines that spoof what follows. Every piece of free text passes
through here before it is stored: invisible characters go, and what is left must show something.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidInput

# Zero-width joiners stay: they hold emoji sequences (👩‍💻) and some scripts together.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_ECHO_LIMIT = 80


def _drop_invisible(text: str, *, keep_newlines: bool) -> str:
    kept = []
    for char in text:
        if char in "\n\t\r":
            # Line breaks separate words: kept in blocks, spaces in one-line values.
            kept.append(char if keep_newlines and char != "\r" else " ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _KEEP_FORMAT):
            continue
        kept.append(char)
    return "".join(kept)


def shows_something(text: str) -> bool:
    """Whether ``text`` has at least one visible character (a letter, digit, mark or sign)."""
    return any(unicodedata.category(c)[0] in "LNPSM" for c in text)


def clean_line(value: str | None, what: str, limit: int) -> str:
    """One required line: invisible characters removed, spaces tidied, within ``limit``.

    ``what`` completes "Tell me ..." in the message for an empty or invisible value.
    """
    text = " ".join(_drop_invisible(value or "", keep_newlines=False).split())
    if not shows_something(text):
        raise InvalidInput(f"Tell me {what}.")
    if len(text) > limit:
        raise InvalidInput(f"That is {len(text)} characters for {what}; keep it to {limit}.")
    return text


def clean_block(value: str | None, what: str, limit: int) -> str | None:
    """Optional free text (line breaks kept), invisible characters removed; None if empty."""
    text = _drop_invisible(value or "", keep_newlines=True)
    text = re.sub(r"[ \t]+\n", "\n", text).strip()
    if not shows_something(text):
        return None
    if len(text) > limit:
        raise InvalidInput(f"That {what} is {len(text)} characters; keep it to {limit}.")
    return text


def clip(text: str, limit: int, marker: str = "…") -> str:
    """``text`` cut to ``limit`` characters, with a marker when something was cut.

    The one way to shorten text: services use it for what they store or hand on, and
    ``bot.render.limits`` for what Discord shows."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker


def echo(value: str, limit: int = _ECHO_LIMIT) -> str:
    """What a member typed, quoted back in a reply: one line, clipped, safe in `code`."""
    text = " ".join(_drop_invisible(value, keep_newlines=False).split()).replace("`", "'")
    text = clip(text, limit)
    return f"`{text}`" if text else "that"
