"""Pairing accountability partners: a pure function, checked against brute force.

The rules (issue #11): everyone who joined is in a pair, an odd member makes one trio, nobody
is with someone they asked to avoid (either way), and nobody is with someone from their last
cycles when another grouping exists. "When another grouping exists" is checked exactly: for
small groups the result has the fewest repeats any valid grouping can have.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.pairing import Pairing, pair_up

Couple = frozenset[int]


def couples(group: Iterable[int]) -> set[Couple]:
    return {frozenset(c) for c in combinations(group, 2)}


def check_shape(result: Pairing, members: list[int], avoid: set[Couple]) -> None:
    placed = [m for g in result.groups for m in g]
    assert len(placed) == len(set(placed)), "someone is in two groups"
    assert set(placed) | set(result.unpaired) == set(members)
    assert not set(placed) & set(result.unpaired)
    assert all(len(g) in (2, 3) for g in result.groups)
    assert sum(len(g) == 3 for g in result.groups) <= 1, "more than one trio"
    for group in result.groups:
        assert not couples(group) & avoid, f"{group} pairs people who asked to avoid each other"


def best_possible(members: list[int], met: set[Couple], avoid: set[Couple]) -> tuple[int, int]:
    """(fewest left out, then fewest repeats) over every grouping into pairs, at most one
    trio and people left out: brute force, for small groups."""
    best = (len(members) + 1, 0)

    def walk(rest: list[int], left_out: int, repeats: int, trio: bool) -> None:
        nonlocal best
        if not rest:
            best = min(best, (left_out, repeats))
            return
        first, others = rest[0], rest[1:]
        walk(others, left_out + 1, repeats, trio)
        for other in others:
            pair = frozenset((first, other))
            if pair in avoid:
                continue
            remaining = [m for m in others if m != other]
            walk(remaining, left_out, repeats + (pair in met), trio)
            if trio:
                continue
            for third in remaining:
                group = (first, other, third)
                if couples(group) & avoid:
                    continue
                walk(
                    [m for m in remaining if m != third],
                    left_out,
                    repeats + len(couples(group) & met),
                    True,
                )

    walk(members, 0, 0, False)
    return best


@st.composite
def scenarios(
    draw: st.DrawFn, max_members: int = 8
) -> tuple[list[int], list[list[int]], set[Couple]]:
    members = draw(st.lists(st.integers(1, 40), min_size=0, max_size=max_members, unique=True))
    pool = [*members, 41, 42]  # history and exclusions may name people who left
    history = draw(
        st.lists(st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True), max_size=6)
    )
    avoid = draw(
        st.sets(
            st.tuples(st.sampled_from(pool), st.sampled_from(pool))
            .filter(lambda c: c[0] != c[1])
            .map(frozenset),
            max_size=4,
        )
    )
    return members, history, avoid


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(0, 10**6))
def test_the_grouping_is_valid_and_as_good_as_any(
    scenario: tuple[list[int], list[list[int]], set[Couple]], seed: int
) -> None:
    members, history, avoid = scenario
    result = pair_up(members, history, [tuple(c) for c in avoid], seed=seed)
    check_shape(result, members, avoid)
    met = set().union(*(couples(g) for g in history)) if history else set()
    got = (len(result.unpaired), sum(len(couples(g) & met) for g in result.groups))
    assert result.repeats == got[1]
    assert got == best_possible(members, met, avoid)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10**18), min_size=2, max_size=40, unique=True), st.integers())
def test_without_exclusions_everyone_is_paired_and_an_odd_member_makes_a_trio(
    members: list[int], seed: int
) -> None:
    result = pair_up(members, [], [], seed=seed)
    assert result.unpaired == []
    trios = [g for g in result.groups if len(g) == 3]
    assert len(trios) == len(members) % 2


def test_nobody_repeats_a_recent_partner_when_another_choice_exists() -> None:
    history = [[1, 2], [3, 4], [1, 3], [2, 4]]  # the last cycles
    result = pair_up([1, 2, 3, 4], history, [], seed=7)
    assert sorted(sorted(g) for g in result.groups) == [[1, 4], [2, 3]]
    assert result.repeats == 0


def test_a_repeat_is_made_only_when_nothing_else_is_possible() -> None:
    result = pair_up([1, 2], [[1, 2]], [], seed=1)
    assert [sorted(g) for g in result.groups] == [[1, 2]] and result.repeats == 1


def test_an_exclusion_works_both_ways_and_can_leave_someone_out() -> None:
    assert pair_up([1, 2], [], [(2, 1)]).unpaired == [1, 2]
    result = pair_up([1, 2, 3], [], [(1, 2)])
    assert result.groups == [] or all(not {1, 2} <= set(g) for g in result.groups)
    assert sorted(result.unpaired) in ([1], [2])
    one = pair_up([1], [], [])
    assert one.groups == [] and one.unpaired == [1]


def test_the_same_seed_gives_the_same_grouping_and_another_seed_varies_it() -> None:
    members = list(range(1, 21))
    first = pair_up(members, [], [], seed="group:2026-11-16")
    assert pair_up(members, [], [], seed="group:2026-11-16") == first
    others = {tuple(pair_up(members, [], [], seed=s).groups) for s in range(10)}
    assert len(others) > 1


def test_a_large_group_with_history_is_paired_quickly_without_repeats() -> None:
    members = list(range(1, 301))
    history = [list(g) for cycle in range(3) for g in pair_up(members, [], [], seed=cycle).groups]
    avoid = [(m, m + 1) for m in range(1, 300, 7)]
    began = time.monotonic()
    result = pair_up(members, history, avoid, seed="big")
    assert time.monotonic() - began < 2.0
    assert result.unpaired == [] and result.repeats == 0
    check_shape(result, members, {frozenset(c) for c in avoid})
