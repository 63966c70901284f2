"""Small grammar for generated sentences: "1 point", "3 points", "an offer", "a job interview",
"Mon 04 Jan", "+3 points"."""

from __future__ import annotations

from datetime import date

from bot.services.dates import format_day

# Words that start with a vowel letter but a consonant sound, and the reverse.
_SOUNDS_LIKE_CONSONANT = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe", "ubiq")
_SOUNDS_LIKE_VOWEL = ("hour", "honest", "honor", "honour", "heir")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and the word agreeing with it: ``1 point``, ``0 points``, ``2 wins``.

    ``many`` is the plural when adding an s is wrong (``1 reply``, ``2 replies``).
    """
    return f"{count} {word if count == 1 else (many or word + 's')}"


def article(phrase: str) -> str:
    """``a`` or ``an`` for ``phrase``, by how its first word sounds."""
    first = phrase.strip().lower()
    if first.startswith(_SOUNDS_LIKE_VOWEL):
        return "an"
    if first.startswith(_SOUNDS_LIKE_CONSONANT):
        return "a"
    return "an" if first[:1] in ("a", "e", "i", "o", "u") else "a"


def with_article(phrase: str) -> str:
    """``phrase`` after its article: ``an offer``, ``a job interview``."""
    return f"{article(phrase)} {phrase}"


def day(value: date, today: date | None = None) -> str:
    """A date as members read it, with its year when that is not ``today``'s year.

    Pass the member's (or group's) today: without it the year is never shown.
    """
    return format_day(value, today or value)


def points_text(points: int, in_group: bool) -> str:
    """What a win earns; a kind worth nothing in this group says so rather than "+0"."""
    if points == 0:
        return "0 points in this group" if in_group else "0 points"
    return f"+{plural(points, 'point')}"
