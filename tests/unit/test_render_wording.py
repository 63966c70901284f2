"""Rendered sentences: counts agree with their nouns, dates carry their year when it differs."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bot.render import exercises as render_exercises
from bot.render import wins as render_wins
from bot.services.exercises.model import Kind
from bot.services.goals import Source, WeeklyGoal
from bot.services.kinds import WinKind
from bot.services.wins import Suggestion, WinLogged

TODAY = date(2026, 12, 30)


def logged(**changes: Any) -> WinLogged:
    values: dict[str, Any] = {
        "win_id": 1,
        "kind": WinKind.INTERVIEW,
        "who": "Acme",
        "happened_on": TODAY,
        "points": 1,
        "week_count": 1,
        "goal": WeeklyGoal(2, Source.STANDING),
        "follow_up_on": date(2027, 12, 30),
        "suggestions": [Suggestion("Send a thank-you note", date(2026, 12, 31))],
        "suggest_exercise": None,
        "announcement": None,
        "today": TODAY,
    }
    return WinLogged(**{**values, **changes})


def test_win_logged_counts_and_years() -> None:
    embed = render_wins.win_logged(logged())
    text = str(embed.to_dict())
    assert embed.description is not None
    assert embed.description.startswith("+1 point · Wed 30 Dec\n")
    assert "Thu 30 Dec 2027" in text
    assert "Send a thank-you note: Thu 31 Dec" in text
    assert "+3 points" in str(render_wins.win_logged(logged(points=3)).to_dict())


def test_day_keeps_working_without_today() -> None:
    assert render_wins.day(date(2027, 1, 4)) == "Mon 04 Jan"
    assert render_wins.day(date(2027, 1, 4), TODAY) == "Mon 04 Jan 2027"


@pytest.mark.parametrize(("count", "expected"), [(1, "1 item, one per line"), (3, "3 items")])
def test_list_answers_count_items(count: int, expected: str) -> None:
    step = SimpleNamespace(kind=Kind.LIST, count=count)
    assert expected in render_exercises._how_to_answer(SimpleNamespace(step=step))  # type: ignore[arg-type]


@pytest.mark.parametrize(("minutes", "expected"), [(1, "About 1 minute ·"), (5, "About 5 minutes")])
def test_exercise_intro_minutes(minutes: int, expected: str) -> None:
    exercise = SimpleNamespace(title="Offer", intro="Hi", minutes=minutes)
    embed = render_exercises.intro_embed(exercise)  # type: ignore[arg-type]
    assert embed.footer.text is not None and expected in embed.footer.text
