"""Reading the dates members type: ``today``, ``fri``, ``3d``, ``2026-05-04`` ...

Pure functions of the text and "today" in the member's zone, so they are easy to test and the
autocomplete can show exactly what a choice will mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import InvalidInput

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_FOLLOW_UP_DAYS = 366
_RELATIVE = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An autocomplete choice: what it says, and the value that will be submitted."""

    label: str
    value: str


def _weekday(text: str) -> int | None:
    """Index of a weekday from its name or a prefix of at least three letters."""
    if len(text) < 3:
        return None
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(text):
            return index
    return None


def _iso(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"`{text}` is not a real date. Use YYYY-MM-DD, e.g. 2026-03-09."
        ) from None


def parse_when(text: str, today: date) -> date:
    """When something happened: today, yesterday, a weekday (its most recent one, today
    included) or YYYY-MM-DD. The future is refused."""
    cleaned = text.strip().lower()
    if cleaned in ("", "today", "now"):
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    weekday = _weekday(cleaned)
    if weekday is not None:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    if _ISO.match(cleaned):
        day = _iso(cleaned)
        if day > today:
            raise InvalidInput(
                f"{day:%a %d %b %Y} is in the future. Log a win once it has happened."
            )
        return day
    raise InvalidInput(
        f"I can't read `{text.strip()}` as a date. Try today, yesterday, a weekday like "
        "tuesday, or YYYY-MM-DD."
    )


def parse_follow_up(text: str, today: date) -> date | None:
    """When to follow up: tomorrow, 3d, 2w, a weekday (the next one), YYYY-MM-DD, or none.

    Today counts (a same-day reminder is fine); the past and more than a year ahead do not.
    """
    cleaned = text.strip().lower()
    if cleaned in ("none", "no", "never", "-"):
        return None
    if cleaned == "today":
        day = today
    elif cleaned == "tomorrow":
        day = today + timedelta(days=1)
    elif match := _RELATIVE.match(cleaned):
        amount = int(match.group(1))
        per = 7 if match.group(2).startswith("w") else 1
        day = today + timedelta(days=amount * per)
    elif (weekday := _weekday(cleaned)) is not None:
        day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    elif _ISO.match(cleaned):
        day = _iso(cleaned)
        if day < today:
            raise InvalidInput(f"{day:%a %d %b %Y} has passed. Pick today or a later date.")
    else:
        raise InvalidInput(
            f"I can't read `{text.strip()}` as a follow-up date. Try tomorrow, 3d, 2w, a "
            "weekday like friday, YYYY-MM-DD, or none."
        )
    if (day - today).days > MAX_FOLLOW_UP_DAYS:
        raise InvalidInput("That is more than a year away. Pick a date within the next year.")
    return day


def _label(word: str, day: date) -> str:
    return f"{word} ({day:%a %d %b})"


def suggest_when(partial: str, today: date) -> list[Suggestion]:
    """Autocomplete for a past date: the matching words, each with the date it means."""
    candidates = ["today", "yesterday", *WEEKDAYS]
    return _suggest(partial, candidates, lambda word: parse_when(word, today))


def suggest_follow_up(partial: str, today: date) -> list[Suggestion]:
    """Autocomplete for a follow-up date, including what a typed ``5d`` would mean."""
    candidates = ["tomorrow", "3d", "1w", "2w", *WEEKDAYS, "none"]
    return _suggest(partial, candidates, lambda word: parse_follow_up(word, today))


def _suggest(
    partial: str, candidates: list[str], resolve: Callable[[str], date | None]
) -> list[Suggestion]:
    cleaned = partial.strip().lower()
    words = [w for w in candidates if w.startswith(cleaned)] if cleaned else candidates
    if cleaned and cleaned not in words:
        words.insert(0, cleaned)  # what was typed, if it parses (3d, a date...)
    suggestions: list[Suggestion] = []
    for word in words:
        try:
            day = resolve(word)
        except InvalidInput:
            continue
        label = "none (no follow-up)" if day is None else _label(word, day)
        suggestions.append(Suggestion(label=label, value=word))
    return suggestions[:25]
