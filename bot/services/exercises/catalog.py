"""The exercises on offer: loaded and validated from a folder (at start-up, so a bad file stops
the bot with a message naming the file and step), reloadable, and the exercise a stored run
follows."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.db.core import Row
from bot.errors import NotFound, UserError
from bot.services.exercises.loader import load_all
from bot.services.exercises.model import Exercise

log = logging.getLogger(__name__)


class Catalog:
    """The exercises available, loaded (and validated) from a folder; reloadable."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.exercises: dict[str, Exercise] = {}
        self.reload()

    def reload(self) -> None:
        self.exercises = load_all(self.directory)

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            names = ", ".join(sorted(self.exercises))
            raise NotFound(f"There is no exercise called `{exercise_id}`. Try: {names}.") from None


class ExerciseGone(UserError):
    """A run whose exercise file was removed: it cannot go on, and nothing of it is lost."""

    def __init__(self, exercise_id: str) -> None:
        super().__init__(
            f"**{exercise_id}** is no longer offered here, so I can't carry on with it. Your "
            "answers so far are kept, and `/exercise export` includes them. You can start "
            "another exercise with `/exercise start`."
        )
        self.exercise_id = exercise_id


def exercise_of(catalog: Catalog, row: Row) -> Exercise:
    """The exercise a run follows; ExerciseGone (logged) when its file was removed."""
    exercise = catalog.exercises.get(row["exercise_id"])
    if exercise is None:
        log.warning(
            "Run %s of user %s follows exercise %r, which is no longer offered (file removed?); "
            "its answers are kept",
            row["run_id"],
            row["user_id"],
            row["exercise_id"],
        )
        raise ExerciseGone(row["exercise_id"])
    return exercise
