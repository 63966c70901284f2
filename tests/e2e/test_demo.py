"""The demo is the product's front door: it runs in CI exactly as a newcomer runs it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.demo import run_demo


async def test_demo_plays_a_week_and_writes_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    began = time.monotonic()
    code = await run_demo(out=tmp_path)
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert time.monotonic() - began < 30
    transcript = (tmp_path / "transcript.md").read_text()
    for moment in (
        "[#general] olga: /setup channel",
        "alice: back",
        "bot restarts",
        "Today's follow-ups",
        "[clicks] ben: [1. Done]",
        "Weekly check-in",
        "Friday recap",
        "Leaderboard: Week of 16 Nov",
        "[DM to alice]",
        "[only ben sees this]",
        "[clicks] alice: [Cheer]",
        "Your group cheered you on",
        "Your accountability partner",
        "Who knows someone at Globex?",
        "An introduction is under way",
        "Today: your interview with Northwind",
    ):
        assert moment in transcript, moment
    assert "FAILED" not in transcript
    assert (tmp_path / "group-weeks.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "alice-wins-per-week.png").exists()
    assert "Every step produced what it should." in printed
    assert str(tmp_path) in printed
