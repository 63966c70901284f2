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
from bot.services.text import echo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_FOLLOW_UP_DAYS = 366
# Discord refuses an autocomplete choice whose name or value is longer than this.
_CHOICE_CHARS = 100
_RELATIVE = re.compile(r"^(\d{1,3})\s*(d|day|days|w|wk|week|weeks)$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An autocomplete choice: what it says, and the value that will be submitted."""

    label: str
    value: str


def format_day(value: date, today: date) -> str:
    """A date as members read it: ``Tue 17 Nov``, with the year when it is not ``today``'s.

    The one place dates are spelt out, so a date a year away never passes for one this year.
    """
    shown = f"{value:%a %d %b}"
    return shown if value.year == today.year else f"{shown} {value.year}"


def year_before(today: date) -> date:
    """The same date a year earlier (28 Feb for 29 Feb): the oldest date a win may have.

    Wins count toward weeks, streaks and boards; one older than a year is a typo, not a win.
    """
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _plain(text: str) -> str:
    """What was typed, lowercased, without invisible characters, spaces collapsed."""
    visible = "".join(c for c in text if c.isprintable() or c.isspace())
    return " ".join(visible.split()).lower()


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
            f"{echo(text)} is not a real date. Use YYYY-MM-DD, e.g. 2026-03-09."
        ) from None


def parse_when(text: str, today: date) -> date:
    """When something happened: today, yesterday, a weekday (its most recent one, today
    included) or YYYY-MM-DD, up to a year back. The future is refused."""
    cleaned = _plain(text)
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
                f"{format_day(day, today)} is in the future. Log a win once it has happened."
            )
        if day < year_before(today):
            raise InvalidInput(
                f"{format_day(day, today)} is more than a year ago. Pick a date in the last year."
            )
        return day
    raise InvalidInput(
        f"I can't read {echo(text)} as a date. Try today, yesterday, a weekday like "
        "tuesday, or YYYY-MM-DD."
    )


def parse_follow_up(text: str, today: date) -> date | None:
    """When to follow up: tomorrow, 3d, 2w, a weekday (the next one), YYYY-MM-DD, or none.

    Today counts (a same-day reminder is fine); the past and more than a year ahead do not.
    """
    cleaned = _plain(text)
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
            raise InvalidInput(f"{format_day(day, today)} has passed. Pick today or a later date.")
    else:
        raise InvalidInput(
            f"I can't read {echo(text)} as a follow-up date. Try tomorrow, 3d, 2w, a "
            "weekday like friday, YYYY-MM-DD, or none."
        )
    if (day - today).days > MAX_FOLLOW_UP_DAYS:
        raise InvalidInput("That is more than a year away. Pick a date within the next year.")
    return day


def suggest_when(partial: str, today: date) -> list[Suggestion]:
    """Autocomplete for a past date: the matching words, each with the date it means."""
    candidates = ["today", "yesterday", *WEEKDAYS]
    return _suggest(partial, candidates, today, lambda word: parse_when(word, today))


def suggest_follow_up(partial: str, today: date) -> list[Suggestion]:
    """Autocomplete for a follow-up date, including what a typed ``5d`` would mean."""
    candidates = ["tomorrow", "3d", "1w", "2w", *WEEKDAYS, "none"]
    return _suggest(partial, candidates, today, lambda word: parse_follow_up(word, today))


def _suggest(
    partial: str, candidates: list[str], today: date, resolve: Callable[[str], date | None]
) -> list[Suggestion]:
    cleaned = _plain(partial)
    words = [w for w in candidates if w.startswith(cleaned)] if cleaned else candidates
    # What was typed, if it parses (3d, a date...); anything long enough to break Discord's
    # choice limit cannot be a date, so it is not even tried.
    if cleaned and cleaned not in words and len(cleaned) <= _CHOICE_CHARS // 2:
        words.insert(0, cleaned)
    suggestions: list[Suggestion] = []
    for word in words:
        try:
            day = resolve(word)
        except InvalidInput:
            continue
        label = "none (no follow-up)" if day is None else f"{word} ({format_day(day, today)})"
        suggestions.append(Suggestion(label=label, value=word))
    return suggestions[:25]
