"""Stored timestamps: one sortable text form for every year, read back whatever was stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db import from_db, to_db


@pytest.mark.parametrize("year", [1, 9, 99, 999, 1000, 2026, 9999])
def test_every_year_round_trips_with_four_digits(year: int) -> None:
    moment = datetime(year, 12, 31, 12, 0, 0, 1, tzinfo=UTC)
    text = to_db(moment)
    assert text[4] == "-" and len(text) == 27
    assert from_db(text) == moment


@given(st.datetimes(timezones=st.just(UTC)))
def test_text_order_is_time_order(moment: datetime) -> None:
    later = moment + timedelta(microseconds=1) if moment.year < 9999 else moment
    assert to_db(moment) <= to_db(later)
    assert from_db(to_db(moment)) == moment


def test_rows_written_by_older_builds_are_read() -> None:
    # Before 0.2 a year below 1000 was written unpadded ('999-...'), and could not be read.
    assert from_db("999-12-31T12:00:00.000000Z") == datetime(999, 12, 31, 12, tzinfo=UTC)


def test_other_zones_are_stored_as_utc() -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert to_db(moment) == "2026-03-28T23:30:00.000000Z"
