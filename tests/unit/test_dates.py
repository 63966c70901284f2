from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.services.dates import (
    WEEKDAYS,
    parse_follow_up,
    parse_when,
    suggest_follow_up,
    suggest_when,
)

TODAY = date(2026, 11, 18)  # a Wednesday
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1))


def test_when_words() -> None:
    assert parse_when("today", TODAY) == TODAY
    assert parse_when(" Yesterday ", TODAY) == date(2026, 11, 17)
    assert parse_when("wednesday", TODAY) == TODAY  # today is the most recent Wednesday
    assert parse_when("mon", TODAY) == date(2026, 11, 16)
    assert parse_when("thu", TODAY) == date(2026, 11, 12)
    assert parse_when("2026-11-01", TODAY) == date(2026, 11, 1)


@pytest.mark.parametrize("text", ["2026-11-19", "2030-01-01"])
def test_when_refuses_future(text: str) -> None:
    with pytest.raises(InvalidInput, match="future"):
        parse_when(text, TODAY)


@pytest.mark.parametrize("text", ["2026-02-30", "soon", "13/11/2026", "mo"])
def test_when_refuses_nonsense(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_when(text, TODAY)


def test_follow_up_words() -> None:
    assert parse_follow_up("tomorrow", TODAY) == date(2026, 11, 19)
    assert parse_follow_up("3d", TODAY) == date(2026, 11, 21)
    assert parse_follow_up("2w", TODAY) == date(2026, 12, 2)
    assert parse_follow_up("wed", TODAY) == date(2026, 11, 25)  # the next one, not today
    assert parse_follow_up("friday", TODAY) == date(2026, 11, 20)
    assert parse_follow_up("none", TODAY) is None
    assert parse_follow_up("2026-12-24", TODAY) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("2026-11-17", "has passed"), ("2028-01-01", "more than a year"), ("60w", "more than a year")],
)
def test_follow_up_refuses_past_and_far(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_follow_up(text, TODAY)


@given(days, st.sampled_from(WEEKDAYS))
def test_weekday_when_is_within_last_week(today: date, name: str) -> None:
    day = parse_when(name, today)
    assert 0 <= (today - day).days <= 6
    assert WEEKDAYS[day.weekday()] == name


@given(days, st.sampled_from(WEEKDAYS))
def test_weekday_follow_up_is_within_next_week(today: date, name: str) -> None:
    day = parse_follow_up(name, today)
    assert day is not None
    assert 1 <= (day - today).days <= 7
    assert WEEKDAYS[day.weekday()] == name


@given(days, days)
def test_iso_dates_round_trip_or_refuse(today: date, day: date) -> None:
    text = day.isoformat()
    if day <= today:
        assert parse_when(text, today) == day
    else:
        with pytest.raises(InvalidInput):
            parse_when(text, today)
    if today <= day <= today + timedelta(days=366):
        assert parse_follow_up(text, today) == day
    else:
        with pytest.raises(InvalidInput):
            parse_follow_up(text, today)


@given(st.text(max_size=30), days)
def test_any_text_parses_or_says_why(text: str, today: date) -> None:
    for parse in (parse_when, parse_follow_up):
        try:
            parse(text, today)
        except InvalidInput as exc:
            assert exc.message


def test_suggestions_show_resolved_dates() -> None:
    when = suggest_when("y", TODAY)
    assert [s.value for s in when] == ["yesterday"]
    assert "Tue 17 Nov" in when[0].label
    follow = suggest_follow_up("5d", TODAY)
    assert follow[0].value == "5d" and "Mon 23 Nov" in follow[0].label
    assert suggest_follow_up("zzz", TODAY) == []
    assert len(suggest_follow_up("", TODAY)) <= 25
