"""Generated sentences agree: "1 point", "an offer", never "1 pts" or "a offer"."""

from __future__ import annotations

import pytest

from bot.render.words import article, plural, with_article
from bot.services.kinds import KIND_LABELS, KIND_PHRASES, WinKind


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        (1, "point", None, "1 point"),
        (0, "point", None, "0 points"),
        (2, "win", None, "2 wins"),
        (1, "reply", "replies", "1 reply"),
        (3, "reply", "replies", "3 replies"),
        (-1, "point", None, "-1 points"),
    ],
)
def test_plural(count: int, word: str, many: str | None, expected: str) -> None:
    assert plural(count, word, many) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("offer", "an"),
        ("informational interview", "an"),
        ("introduction to someone new", "an"),
        ("job interview", "a"),
        ("networking conversation", "a"),
        ("follow-up", "a"),
        ("hour", "an"),
        ("one-off chat", "a"),
        ("university friend", "a"),
        ("Offer", "an"),
    ],
)
def test_article(phrase: str, expected: str) -> None:
    assert article(phrase) == expected


def test_kind_phrases_carry_the_right_article() -> None:
    for kind in WinKind:
        assert KIND_PHRASES[kind] == with_article(KIND_LABELS[kind])
    assert KIND_PHRASES[WinKind.OFFER] == "an offer"
    assert KIND_PHRASES[WinKind.INFORMATIONAL] == "an informational interview"
