from __future__ import annotations

from bot.services.kinds import DEFAULT_POINTS, WinKind, points_for
from bot.services.wins import suggestions_for


def test_default_points_follow_the_effort() -> None:
    assert [DEFAULT_POINTS[k] for k in WinKind] == [1, 1, 1, 2, 3, 5]


def test_group_overrides_only_what_it_set() -> None:
    overrides = {"interview": 4}
    assert points_for(WinKind.INTERVIEW, overrides) == 4
    assert points_for(WinKind.OFFER, overrides) == 5
    assert points_for(WinKind.NETWORKING, {"networking": 0}) == 0


def test_every_conversation_kind_has_a_next_step_except_follow_ups_and_offers() -> None:
    from datetime import date

    today = date(2026, 11, 16)
    for kind in WinKind:
        suggestions = suggestions_for(kind, today)
        assert all(s.due_on > today for s in suggestions)
        assert bool(suggestions) == (kind not in (WinKind.FOLLOW_UP, WinKind.OFFER))
