"""Which day brings a follow-up reminder (issue #10): every day something falls due, and with
only overdue items, once a week after the last reminder."""

from __future__ import annotations

from datetime import date

from bot.services.followups import reminder_day

TUE = date(2026, 11, 17)


def test_a_due_day_always_brings_one() -> None:
    assert reminder_day(TUE, {TUE}, oldest=date(2026, 11, 1), last_reminder=TUE) == TUE


def test_overdue_only_comes_a_week_after_the_last_reminder() -> None:
    later = date(2026, 11, 20)
    assert reminder_day(later, set(), oldest=TUE, last_reminder=TUE) == date(2026, 11, 24)
    assert reminder_day(date(2026, 11, 24), set(), oldest=TUE, last_reminder=TUE) == date(
        2026, 11, 24
    )


def test_overdue_never_reminded_comes_today() -> None:
    assert reminder_day(TUE, set(), oldest=date(2026, 11, 10), last_reminder=None) == TUE


def test_nothing_due_or_overdue_brings_nothing() -> None:
    assert (
        reminder_day(TUE, {date(2026, 11, 18)}, oldest=date(2026, 11, 18), last_reminder=None)
        is None
    )
