"""The sandbox driven through its input stream: every `:` command, a slash command with
quoting, a button, a form, a DM, time travel, and state kept in the database between runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only  # the sandbox keeps its state in a SQLite file

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
        "[#general] Next Interview:",  # :at: the check-in appears when it is posted...
        "Weekly check-in",
        "It is Mon 16 Nov 2026 09:00 UTC",  # ...and the clock stops at the time asked for
        "How many next conversations this week?: 3",  # the form, field by field
        "**@olga's plan this week** (3 next conversations): Call Bea and Cy",
        "[DM to alice] Next Interview:",  # :advance: the reminder it brings, at 09:00...
        "Today's follow-ups",
        "It is Tue 17 Nov 2026 09:00 UTC",  # ...and then the time asked for
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


def test_files_click_by_part_time_and_personas(tmp_path: Path) -> None:
    # Issue #12: ":click Done" failed (the label is "1. Done"), charts/CSVs/exports were never
    # saved, ":advance" moved in 6-hour steps so a Monday 09:00 post showed at "Mon 18:00",
    # and only three personas kept their settings between runs.
    db = tmp_path / "sandbox.db"
    out = run(
        db,
        [
            ":as dana",
            "/me timezone tz:Asia/Tokyo",
            '/win kind:networking who:"Bea" follow_up:tomorrow',
            ":as olga",
            "/setup channel channel:#general",
            ":next",
            ":time",
            ":as dana",
            ":advance 2d",
            ":click Done",
            "/me export",
            ":quit",
        ],
    )
    assert "Pressed [1. Done]" in out
    assert "Logged as a follow-up win" in out
    assert "It is Mon 16 Nov 2026 09:00 UTC" in out  # :next stops at the check-in itself
    saved = [
        line.split("saved to ", 1)[1].rstrip(")")
        for line in out.splitlines()
        if "saved to " in line
    ]
    assert any(path.endswith("my-data.json") for path in saved)
    assert all(Path(path).is_file() for path in saved)
    again = run(db, [":as dana", "/me stats", ":quit"], start=None)
    assert "Asia/Tokyo" in again or "dana" in again
    zone = (
        __import__("sqlite3")
        .connect(db)
        .execute("SELECT count(*) FROM users WHERE timezone = 'Asia/Tokyo'")
        .fetchone()[0]
    )
    assert zone == 1  # dana is the same person (same id) the second time


def test_without_db_the_sandbox_keeps_its_file_out_of_the_working_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), "sandbox"],
        input=":quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={**__import__("os").environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")},
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "sandbox.db").exists()
    assert (home / "data" / "nextinterview" / "sandbox.db").exists()
