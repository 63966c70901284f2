"""Where shipped data lives, in a checkout and in an installed package."""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent / "data"
_INSTALLED = Path(sys.prefix) / "share" / "nextinterview"


def exercises_dir() -> Path:
    """``data/exercises`` in a checkout (editable install), else the installed copy."""
    checkout = _CHECKOUT / "exercises"
    return checkout if checkout.is_dir() else _INSTALLED / "exercises"
