from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.services.dates import (
    WEEKDAYS,
    format_day,
    parse_follow_up,
    parse_when,
    suggest_follow_up,
    suggest_when,
    year_before,
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
    if year_before(today) <= day <= today:
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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0999-12-31", "more than a year ago"),
        ("0001-01-01", "more than a year ago"),
        ("2025-11-17", "more than a year ago"),  # a year and a day back
        ("9999-12-31", "in the future"),
        ("2026-02-31", "not a real date"),
        ("999-12-31", "can't read"),
    ],
)
def test_when_refuses_absurd_years(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_when(text, TODAY)


def test_when_reaches_back_one_year() -> None:
    assert parse_when("2025-11-18", TODAY) == date(2025, 11, 18)
    assert parse_when("2027-02-28", date(2028, 2, 29)) == date(2027, 2, 28)
    with pytest.raises(InvalidInput, match="more than a year ago"):
        parse_when("2027-02-27", date(2028, 2, 29))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0001-01-01", "has passed"),
        ("0999-12-31", "has passed"),
        ("9999-12-31", "more than a year"),
        ("2027-02-31", "not a real date"),
        ("99999-01-01", "can't read"),
        ("999w", "more than a year"),
    ],
)
def test_follow_up_refuses_absurd_years(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_follow_up(text, TODAY)


@pytest.mark.parametrize("text", ["x" * 4000, "`" * 300 + "\u200b" * 300, "2026-" + "1" * 3000])
def test_refusals_quote_at_most_a_short_echo(text: str) -> None:
    for parse in (parse_when, parse_follow_up):
        with pytest.raises(InvalidInput) as info:
            parse(text, TODAY)
        assert len(info.value.message) < 300


@pytest.mark.parametrize(
    "typed",
    [
        "",
        " ",
        "x" * 4000,
        "9" * 4000,
        "abc",
        "999999d",
        "2026-02-31",
        "\x00\u200b",
        "3" * 100,
        "5" + " " * 200 + "days",
    ],
)
def test_date_suggestions_fit_discord_and_never_fail(typed: str) -> None:
    for suggest in (suggest_when, suggest_follow_up):
        for choice in suggest(typed, TODAY):
            assert 1 <= len(choice.label) <= 100
            assert 1 <= len(choice.value) <= 100


@given(st.text(max_size=200), days)
def test_date_suggestions_fit_for_any_text(typed: str, today: date) -> None:
    for suggest in (suggest_when, suggest_follow_up):
        choices = suggest(typed, today)
        assert len(choices) <= 25
        assert all(0 < len(c.label) <= 100 and 0 < len(c.value) <= 100 for c in choices)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 11, 17), "Tue 17 Nov"),
        (date(2026, 1, 1), "Thu 01 Jan"),
        (date(2020, 1, 1), "Wed 01 Jan 2020"),
        (date(2027, 11, 17), "Wed 17 Nov 2027"),
        (date(2025, 12, 31), "Wed 31 Dec 2025"),
    ],
)
def test_days_show_the_year_unless_it_is_this_year(day: date, shown: str) -> None:
    assert format_day(day, TODAY) == shown


def test_suggestions_and_refusals_show_the_year_when_it_differs() -> None:
    new_year_eve = date(2026, 12, 31)
    assert suggest_follow_up("tomorrow", new_year_eve)[0].label == "tomorrow (Fri 01 Jan 2027)"
    assert suggest_when("today", new_year_eve)[0].label == "today (Thu 31 Dec)"
    with pytest.raises(InvalidInput, match="Sat 02 Jan 2027 is in the future"):
        parse_when("2027-01-02", new_year_eve)
