"""Member text in public posts cannot link, format or mention."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render.safe import inert

CASES = [
    "[Acme](https://evil.example)",
    "see https://evil.example/x_y and HTTP://EVIL.example",
    "<https://evil.example>",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```",
    "# heading\n-# small\n> quote",
    "@everyone @here <@123456789012345678> <@&123456789012345678> <#123456789012345678>",
    "</help:123456789012345678> <t:1700000000:R>",
]


@pytest.mark.parametrize("text", CASES)
def test_nothing_stays_live(text: str) -> None:
    out = inert(text)
    assert "://" not in out
    assert not re.search(r"(?<!\\)\[", out), "an unescaped [ can open a masked link"
    assert not re.search(r"(?<!\\)<", out), "an unescaped < can open a mention"
    assert "@everyone" not in out and "@here" not in out
    assert "**" not in out.replace("\\*", "")


@given(st.text())
def test_what_a_member_typed_is_still_all_there(text: str) -> None:
    visible = inert(text).replace("\\", "").replace("\u200b", "")
    assert visible == text.replace("\\", "")
