"""When the group network acts: partner cycles (noon on a Monday, group time, across DST),
the mid-cycle check-in, what a pause holds back; and a few rules of its wording."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.render import network as render
from bot.services.cheers import CheerLine, Digest
from bot.services.intros import RequestPost, RequestState
from bot.services.kinds import WinKind
from bot.services.network import (
    Encourager,
    NetworkWeek,
    checkin_offset,
    cycle_start,
    cycles_around,
    first_cycle,
    held,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 16)


def at(day: date, hour: int, zone: ZoneInfo = LONDON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "last", "expected"),
    [
        (at(MONDAY, 11), None, MONDAY),  # before noon: this Monday
        (at(MONDAY, 13), None, MONDAY + timedelta(weeks=1)),  # after: next Monday
        (at(MONDAY + timedelta(days=2), 9), None, MONDAY + timedelta(weeks=1)),
        # re-timed a week after the last cycle: not sooner than the cadence allows
        (at(MONDAY, 11), MONDAY - timedelta(weeks=1), MONDAY + timedelta(weeks=1)),
    ],
)
def test_the_first_cycle(now: datetime, last: date | None, expected: date) -> None:
    assert first_cycle(now, LONDON, 2, last) == expected


def test_cycles_follow_the_cadence_at_noon_group_time_across_dst() -> None:
    anchor = date(2027, 3, 15)  # the clocks go forward on 28 March in London
    assert cycles_around(anchor, 2, at(anchor, 11), LONDON) == (None, anchor)
    assert cycles_around(anchor, 2, at(anchor, 12), LONDON) == (anchor, date(2027, 3, 29))
    later = date(2027, 3, 29)
    assert cycle_start(later, LONDON) == datetime(2027, 3, 29, 11, tzinfo=UTC)  # BST
    assert cycles_around(anchor, 2, at(later, 11), LONDON) == (anchor, later)
    assert cycles_around(anchor, 2, at(later, 12), LONDON) == (later, date(2027, 4, 12))
    assert cycles_around(anchor, 1, at(date(2027, 3, 24), 9), LONDON) == (
        date(2027, 3, 22),
        date(2027, 3, 29),
    )


@pytest.mark.parametrize(("weeks", "days"), [(1, 3), (2, 7), (3, 10), (4, 14)])
def test_the_check_in_comes_mid_cycle(weeks: int, days: int) -> None:
    assert checkin_offset(weeks) == timedelta(days=days)


def test_a_pause_holds_things_until_the_morning_after_it() -> None:
    due = at(MONDAY, 18)
    assert held(LONDON, None, due) == due
    assert held(LONDON, "2026-11-15", due) == due  # over before
    assert held(LONDON, "2026-11-16", due) == at(MONDAY + timedelta(days=1), 9)
    assert held(LONDON, "2026-11-20", due) == at(date(2026, 11, 21), 9)


def test_a_public_request_names_a_hidden_asker_as_a_member_and_stays_inert() -> None:
    request = RequestPost(
        1,
        2,
        3,
        False,
        "[x](https://evil.example) @everyone",
        None,
        RequestState.UNDERWAY,
        None,
        None,
    )
    text = render.request_text(request)
    assert "A member is looking" in text and "<@3>" not in text
    assert "://" not in text and "@everyone" not in text
    assert "under way" in text


def test_a_long_digest_is_cut_with_a_count_of_the_rest() -> None:
    lines = [CheerLine(n, WinKind.NETWORKING, "x" * 300) for n in range(25)]
    embed = render.cheer_digest(Digest(1, lines, list(range(25))))
    assert embed.description is not None and len(embed.description) <= 4096
    shown = embed.description.count("🎉")
    assert 0 < shown < 25 and f"…and {25 - shown} more cheers." in embed.description
    few = render.cheer_digest(Digest(1, lines[:3], [0, 1, 2]))
    assert few.description is not None and "more" not in few.description


def test_counts_read_as_sentences() -> None:
    assert render.network_week(NetworkWeek()) == ""
    assert render.network_week(NetworkWeek(1, 2, 1)) == (
        "🎉 1 cheer given\n🤝 2 partner pairs met\n✨ 1 introduction made"
    )
    assert render.encouraging([Encourager(5, 2, 1), Encourager(6, 0, 3)]) == (
        "<@5> (2 cheers and 1 introduction given); <@6> (3 introductions given)"
    )
