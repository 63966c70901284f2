"""The README's reliability table says what this suite tries: its numbers come from here.

Runs after test_fuzz.py in the same session (files run in name order), so the fuzz counts are
the ones just measured; when the fuzz module did not run (a selection), those rows are left.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.faults.test_crash import KILL_POINTS
from tests.faults.test_fuzz import TALLY
from tests.faults.test_privacy_faults import TAMPERED_IDS

README = Path(__file__).resolve().parents[2] / "README.md"


def table() -> dict[str, tuple[str, str]]:
    """Rows of the README's reliability table: first words of the fault class -> (tried, held)."""
    text = README.read_text("utf-8")
    section = text.split("## Reliability", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and not set(cells[0]) <= {"-"} and cells[0] != "fault class":
            rows[" ".join(cells[0].split()[:3])] = (cells[1], cells[2])
    return rows


def test_counts_in_the_readme_are_the_suites() -> None:
    rows = table()
    assert rows["kill -9 in"][0] == f"{len(KILL_POINTS)} crash points"
    assert rows["tampered `custom_id`s (ids"][0] == str(len(TAMPERED_IDS))
    fuzz_rows = {
        "command options": "every slash-command option",
        "autocomplete": "every autocomplete with",
        "DM answers": "DM answers to",
    }
    for kind, row in fuzz_rows.items():
        counts = TALLY[kind]
        if not counts["tried"]:
            continue  # the fuzz module was not part of this run
        tried, held = rows[row]
        assert tried == f"{counts['tried']} inputs ({counts['sent']} sendable)", kind
        assert held == str(counts["held"]), kind
    assert all(re.search(r"\S", held) for _, held in rows.values())
