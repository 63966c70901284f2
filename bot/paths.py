"""Where shipped data lives: the exercises are package data, found through importlib.resources
in a checkout, an editable install or any installed wheel (a venv, --user, a system site)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# data/exercises, shipped under this name (see pyproject.toml).
EXERCISES_PACKAGE = "nextinterview_exercises"


def exercises_dir() -> Path:
    """The folder of the built-in exercise files."""
    # pip installs wheels unzipped, so the package is a real folder the loader can list.
    return Path(str(resources.files(EXERCISES_PACKAGE)))
