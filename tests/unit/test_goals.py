"""The weekly goal rule (issue #10): the latest check-in commitment of the week, else the
standing goal."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.services import goals


def test_the_rule_latest_commitment_of_the_week_else_the_standing_goal() -> None:
    monday = date(2026, 11, 16)
    standing = goals.weekly_goal_from(3, [])
    assert (standing.count, standing.source) == (3, goals.Source.STANDING)
    later = goals.Commitment(4, datetime(2026, 11, 17, 12, tzinfo=UTC), monday)
    earlier = goals.Commitment(1, datetime(2026, 11, 16, 12, tzinfo=UTC), monday)
    chosen = goals.weekly_goal_from(3, [earlier, later])
    assert (chosen.count, chosen.source, chosen.committed_at) == (
        4,
        goals.Source.CHECKIN,
        later.at,
    )
