"""Pairing accountability partners: who is with whom this cycle. Pure: no database, no clock.

The rules, in order of importance:

1. nobody is grouped with someone either of them asked to avoid (a hard rule);
2. as few people as possible are left out (only exclusions can force it);
3. as few couples as possible repeat one from the recent cycles ("no one is paired with someone
   they had lately when another choice exists");
4. groups are pairs; an odd member makes one trio (never more than one).

A depth-first search finds the best grouping: the member with the fewest possible partners
left goes first, fresh partners before repeats, and a branch that cannot beat the best found so
far is cut. A grouping with nobody left out and no repeat ends the search at once, which is the
usual case; otherwise the search is exact for small groups and stops after a node budget for
large ones, keeping the best it found. A seed breaks ties, so cycles vary but a rerun of the
same cycle gives the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

BUDGET = 50_000  # search nodes; far more than a pool without conflicts needs
TRIO_CANDIDATES = 8  # partners considered as the other two of a trio at each step
CHUNK = 800  # pools larger than this are grouped in chunks (recursion depth)


@dataclass(frozen=True, slots=True)
class Pairing:
    groups: list[tuple[int, ...]]  # pairs, and at most one trio; members ascending
    unpaired: list[int]  # only when exclusions leave no way to place someone
    repeats: int  # couples that were together in the recent cycles


def pair_up(
    members: Iterable[int],
    recent: Iterable[Iterable[int]],
    avoid: Iterable[tuple[int, int]],
    *,
    seed: object = 0,
    budget: int = BUDGET,
) -> Pairing:
    """Group ``members`` by the rules above. ``recent`` holds the groups of the last cycles;
    ``avoid`` the couples that must never be together (in either order)."""
    people = sorted(set(members))
    rng = random.Random(str(seed))  # noqa: S311 - variety between cycles, not secrecy
    tiebreak = {p: rng.random() for p in people}
    blocked: dict[int, set[int]] = {p: set() for p in people}
    for a, b in avoid:
        if a != b and a in blocked and b in blocked:
            blocked[a].add(b)
            blocked[b].add(a)
    met: dict[int, set[int]] = {p: set() for p in people}
    for group in recent:
        for a, b in combinations(sorted(set(group)), 2):
            if a in met and b in met:
                met[a].add(b)
                met[b].add(a)
    if len(people) > CHUNK:
        ordered = sorted(people, key=tiebreak.__getitem__)
        parts = [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]
        if len(parts[-1]) < 2 and len(parts) > 1:
            parts[-2] += parts.pop()
        found = [_search(part, blocked, met, tiebreak, budget) for part in parts]
        trios = [g for f in found for g in f.groups if len(g) == 3]
        if len(trios) > 1:
            # Two chunks each made a trio: two trios' spare members make a pair instead.
            return _search(people, blocked, met, tiebreak, budget)
        return Pairing(
            sorted(g for f in found for g in f.groups),
            sorted(m for f in found for m in f.unpaired),
            sum(f.repeats for f in found),
        )
    return _search(people, blocked, met, tiebreak, budget)


def _search(
    people: Sequence[int],
    blocked: dict[int, set[int]],
    met: dict[int, set[int]],
    tiebreak: dict[int, float],
    budget: int,
) -> Pairing:
    best: tuple[tuple[int, int], list[tuple[int, ...]], list[int]] | None = None
    nodes = 0
    groups: list[tuple[int, ...]] = []
    left_out: list[int] = []

    def repeats_in(group: tuple[int, ...]) -> int:
        return sum(1 for a, b in combinations(group, 2) if b in met[a])

    def first_to_place(remaining: set[int]) -> int:
        # Fewest allowed partners first, then fewest fresh ones: they are the hardest to place.
        def key(p: int) -> tuple[int, int, float]:
            allowed = len(remaining) - 1 - len(blocked[p] & remaining)
            fresh = allowed - len((met[p] - blocked[p]) & remaining)
            return (allowed, fresh, tiebreak[p])

        return min(remaining, key=key)

    def search(remaining: set[int], repeats: int, trio_used: bool) -> bool:
        """Explore from here; True when the search should stop (perfect found, or budget)."""
        nonlocal best, nodes
        nodes += 1
        if best is not None:
            if best[0] == (0, 0) or nodes > budget:
                return True
            # An odd rest with the trio spent leaves at least one more person out.
            bound = (len(left_out) + (1 if trio_used and len(remaining) % 2 else 0), repeats)
            if bound >= best[0]:
                return False
        if not remaining:
            best = ((len(left_out), repeats), list(groups), list(left_out))
            return best[0] == (0, 0)
        member = first_to_place(remaining)
        rest = remaining - {member}
        partners = sorted(
            (q for q in rest if q not in blocked[member]),
            key=lambda q: (q in met[member], tiebreak[q]),
        )
        options: list[tuple[tuple[int, ...], int]] = [
            ((member, q), int(q in met[member])) for q in partners
        ]
        if not trio_used:
            for q, r in combinations(partners[:TRIO_CANDIDATES], 2):
                if r not in blocked[q]:
                    options.append(((member, q, r), repeats_in((member, q, r))))
        # The last three of an odd pool make the trio; otherwise pairs come first.
        size = 3 if len(remaining) == 3 and not trio_used else 2
        options.sort(key=lambda o: (o[1], len(o[0]) != size))
        for group, cost in options:
            groups.append(group)
            stop = search(rest - set(group), repeats + cost, trio_used or len(group) == 3)
            groups.pop()
            if stop:
                return True
        left_out.append(member)
        stop = search(rest, repeats, trio_used)
        left_out.pop()
        return stop

    search(set(people), 0, False)
    if best is None:  # unreachable: the first descent always ends in a grouping
        return Pairing([], sorted(people), 0)
    (_, repeats), found, out = best
    return Pairing(sorted(tuple(sorted(g)) for g in found), sorted(out), repeats)
