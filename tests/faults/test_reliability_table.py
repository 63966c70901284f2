"""The README's reliability table says what this suite tries: its numbers come from here.

The fuzz rows are checked at the end of test_fuzz.py (:func:`assert_fuzz_rows`), in the same
process as the fuzz that measured them, since parallel runs keep a file on one worker.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.faults.test_crash import KILL_POINTS
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
    assert all(re.search(r"\S", held) for _, held in rows.values())


FUZZ_ROWS = {
    "command options": "every slash-command option",
    "autocomplete": "every autocomplete with",
    "DM answers": "DM answers to",
}


def assert_fuzz_rows(tally: dict[str, Counter[str]]) -> None:
    """The fuzz rows say what the fuzz just did (a class it did not run is left alone)."""
    rows = table()
    for kind, row in FUZZ_ROWS.items():
        counts = tally[kind]
        if not counts["tried"]:
            continue  # that fuzz test was not part of this run
        tried, held = rows[row]
        assert tried == f"{counts['tried']} inputs ({counts['sent']} sendable)", kind
        assert held == str(counts["held"]), kind
