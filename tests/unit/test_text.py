"""Free text is stored without invisible characters and must show something."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.nonce import NONCE_MAX, nonce_for
from bot.services.text import clean_block, clean_line, echo, shows_something

INVISIBLE = ["\u200b\u200b", "\x00", "\u202e\u2066", "\ufeff", "\x07\x1b", " \u2060 "]


@pytest.mark.parametrize("value", INVISIBLE)
def test_invisible_names_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="Tell me who"):
        clean_line(value, "who it was with", 100)


def test_controls_and_overrides_are_removed_but_emoji_sequences_stay() -> None:
    assert clean_line("Ac\x00me\u202e Corp", "x", 100) == "Acme Corp"
    assert clean_line("👩\u200d💻 Bea", "x", 100) == "👩\u200d💻 Bea"
    assert clean_block("line one\x00\nline two \n", "note", 100) == "line one\nline two"
    assert clean_block("\u200b", "note", 100) is None


def test_limits_count_what_is_kept() -> None:
    assert clean_line("a" * 100 + "\u200b" * 50, "x", 100) == "a" * 100
    with pytest.raises(InvalidInput, match="101 characters"):
        clean_line("a" * 101, "x", 100)


@given(st.text())
def test_cleaned_text_is_visible_and_has_no_controls(value: str) -> None:
    try:
        text = clean_line(value, "x", 10_000)
    except InvalidInput:
        return
    assert shows_something(text)
    assert not any(ord(c) < 32 or ord(c) == 0x7F for c in text)


def test_echo_is_short_single_line_and_cannot_break_code_spans() -> None:
    assert echo("x" * 4000).startswith("`x")
    assert len(echo("x" * 4000)) <= 82
    assert echo("a`b\nc") == "`a'b c`"
    assert echo("\u200b") == "that"


@given(st.lists(st.one_of(st.text(), st.integers()), max_size=4))
def test_nonces_are_stable_and_short(parts: list[object]) -> None:
    assert nonce_for(*parts) == nonce_for(*parts)
    assert 0 < len(nonce_for(*parts)) <= NONCE_MAX
