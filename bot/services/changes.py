"""The one way a service says that background work must re-plan.

The jobs (:mod:`bot.scheduler`) sleep until the next thing they have to do, computed from the
tables. A change that can bring that moment forward (a follow-up added or moved, an interview
day set, an exercise paused, a member's zone or reminder hour changed) must wake the job so it
plans again. The service that makes the change says so here, right after its transaction
commits, instead of every caller remembering to poke the scheduler: a service that changes one
of these takes a ``changes`` argument, and cannot be called without one.

Services stay free of Discord and of the scheduler: the bot builds ``Changes`` with the
scheduler's ``poke``; tests and scripts pass ``Changes()``, which tells nobody (or a list's
``append``, to see what was said).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.jobs import EXERCISE_NUDGE_JOB, INTERVIEW_DAY_JOB, REMINDER_JOB


class Changes:
    """Tells the job named for each kind of change to re-plan; see the module docstring."""

    def __init__(self, replan: Callable[[str], None] | None = None) -> None:
        self._replan = replan

    def _tell(self, job: str) -> None:
        if self._replan is not None:
            self._replan(job)

    def reminders(self) -> None:
        """Follow-ups were added, moved, done or dropped, or when a member's reminders go out
        changed (zone, hour, on/off)."""
        self._tell(REMINDER_JOB)

    def interview_cards(self) -> None:
        """An interview day may have been set or moved: its morning card is to be planned."""
        self._tell(INTERVIEW_DAY_JOB)

    def exercise_nudges(self) -> None:
        """An exercise was paused: its nudge, three days on, is to be planned."""
        self._tell(EXERCISE_NUDGE_JOB)
