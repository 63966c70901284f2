from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.services.weeks import current_week, streak, week_bounds, week_start

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_week_spanning_autumn_change_is_169_hours() -> None:
    # Paris leaves summer time on Sunday 2026-10-25.
    start, end = week_bounds(date(2026, 10, 19), PARIS)
    assert start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=169)


def test_week_spanning_spring_change_is_167_hours() -> None:
    # New York springs forward on Sunday 2026-03-08, the last day of the week of 2026-03-02.
    start, end = week_bounds(date(2026, 3, 2), NEW_YORK)
    assert end - start == timedelta(hours=167)


def test_same_instant_is_in_different_weeks_by_zone() -> None:
    # Monday 2026-11-16 05:00 in Auckland is still Sunday in New York.
    moment = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)
    assert current_week(moment, AUCKLAND) == date(2026, 11, 16)
    assert current_week(moment, NEW_YORK) == date(2026, 11, 9)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),  # noqa: DTZ001
    st.sampled_from([PARIS, NEW_YORK, AUCKLAND, ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata")]),
)
def test_every_instant_lies_in_its_week(naive: datetime, zone: ZoneInfo) -> None:
    moment = naive.replace(tzinfo=UTC)
    monday = current_week(moment, zone)
    start, end = week_bounds(monday, zone)
    assert start <= moment < end
    assert monday.weekday() == 0


def test_streak_counts_consecutive_weeks() -> None:
    today = date(2026, 11, 18)
    wins = [date(2026, 11, 16), date(2026, 11, 10), date(2026, 11, 3), date(2026, 10, 20)]
    assert streak(wins, today) == 3
    # Nothing yet this week: last week's run still stands.
    assert streak(wins[1:], today) == 2
    # A gap last week breaks it.
    assert streak([date(2026, 11, 3)], today) == 0
    assert streak([], today) == 0


@given(st.sets(st.integers(min_value=0, max_value=60)), st.dates())
def test_streak_never_exceeds_distinct_weeks(offsets: set[int], today: date) -> None:
    wins = [today - timedelta(weeks=o) for o in offsets if today - timedelta(weeks=o) > date.min]
    result = streak(wins, today)
    assert 0 <= result <= len({week_start(w) for w in wins})
