"""The package carries its exercises as package data, read through importlib.resources, so an
installed wheel finds them wherever pip put it (--user, a venv, a system site)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from setuptools import find_packages

from bot import paths

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted(p.name for p in (ROOT / "data" / "exercises").glob("*.toml"))


def test_the_package_list_is_every_package() -> None:
    # Listed by hand because the exercises package is mapped from data/exercises: a new
    # subpackage of bot/ or cogs/ must be added to pyproject.toml too.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["bot*", "cogs*", "discord_emulator*"]))
    assert listed == found | {paths.EXERCISES_PACKAGE}


def test_exercises_are_read_from_the_package() -> None:
    folder = paths.exercises_dir()
    assert sorted(p.name for p in folder.glob("*.toml")) == EXERCISES


def test_the_wheel_holds_the_exercises_as_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("nextinterview-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(
        n.rsplit("/", 1)[1]
        for n in names
        if n.startswith(f"{paths.EXERCISES_PACKAGE}/") and n.endswith(".toml")
    )
    assert shipped == EXERCISES
    assert not [n for n in names if ".data/" in n], "nothing outside site-packages"
