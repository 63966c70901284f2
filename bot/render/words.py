"""Small grammar for generated sentences: "1 point", "3 points", "an offer", "a job interview"."""

from __future__ import annotations

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
