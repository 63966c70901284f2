"""The demo is the product's front door: it runs in CI exactly as a newcomer runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo import run_demo


async def test_demo_passes_and_writes_transcript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run_demo(out=tmp_path)
    printed = capsys.readouterr().out
    assert code == 0, printed
    transcript = (tmp_path / "transcript.md").read_text()
    assert "alice: /help" in transcript
    assert "FAILED" not in transcript
    assert "Every step produced what it should." in printed
