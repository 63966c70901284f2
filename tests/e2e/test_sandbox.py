"""The sandbox driven through its input stream: every `:` command, a slash command with
quoting, a button, a form, a DM, time travel, and state kept in the database between runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SESSION = [
    ":help",
    ":who",
    '/win kind:interview who:"Acme Corp" note:"went well"',
    ":click Add: Send a thank-you note (Tue 17 Nov)",
    ":as olga",
    "/setup channel channel:#general",
    ":at mon 09:00",
    ":click Share my plan",
    "3",
    "Call Bea and Cy",
    ":as alice",
    ":time",
    ":advance 1d",
    "/exercise start name:why-this-interview",
    "Acme, Data Lead",
    "skip",
    "skip",
    ":select Career advancement",
    ":reload",
    ":as dana",
    ":who",
    ":bogus",
    '/win kind:networking who:"unclosed',
    ":quit",
]


def run(db: Path, lines: list[str], start: str | None = "2026-11-16T08:00Z") -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            str(db.parent / "none.env"),
            "sandbox",
            "--db",
            str(db),
            *(["--start", start] if start else []),
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=db.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_scripted_session(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    out = run(db, SESSION)
    expected = [
        ":advance 3d",  # :help
        "* alice",  # :who
        "Logged: job interview with Acme Corp",  # slash command with quoting
        "Added: **Send a thank-you note** on Tue 17 Nov",  # a button
        "You are now olga.",
        "Weekly posts will go to #general.",
        "It is Mon 16 Nov 2026 09:00 UTC",  # :at
        "[#general] Next Interview:",
        "Weekly check-in",
        "How many next conversations this week?: 3",  # the form, field by field
        "**@olga's plan this week** (3 next conversations): Call Bea and Cy",
        "It is Tue 17 Nov 2026 09:00 UTC",  # :advance, and the reminder it brings
        "[DM to alice] Next Interview:",
        "Today's follow-ups",
        "Career advancement: what exactly",  # a DM answer, skips, then a menu choice
        "Reloaded 5 exercises.",
        "dana joins the server.",
        "unknown command :bogus",
        "check the quotes",
        "Bye. Everything is kept in",
    ]
    position = 0
    for text in expected:
        found = out.find(text, position)
        assert found >= 0, f"{text!r} missing (or out of order) in:\n{out[position:][:3000]}"
        position = found


def test_state_is_kept_between_runs(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    run(db, ['/win kind:networking who:"Ann"', ":advance 2d", ":quit"])
    # No --start the second time: the sandbox's clock carries on where it stopped.
    out = run(db, [":time", "/wins period:all", ":quit"], start=None)
    assert "It is Wed 18 Nov 2026 08:00 UTC" in out
    assert "networking conversation** with Ann" in out
