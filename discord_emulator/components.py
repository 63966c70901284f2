"""Walking and numbering message/modal components (rows, containers, sections, labels)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first walk over rows, containers, sections and labels."""
    for comp in components:
        yield comp
        children = comp.get("components")
        if isinstance(children, list):
            yield from walk_components(children)
        for key in ("component", "accessory"):
            child = comp.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


def assign_component_ids(components: list[dict[str, Any]]) -> None:
    """Number components that have no ``id`` the way Discord does (unique, depth-first)."""
    used = {c["id"] for c in walk_components(components) if isinstance(c.get("id"), int)}
    counter = itertools.count(1)
    for comp in walk_components(components):
        if not isinstance(comp.get("id"), int):
            value = next(counter)
            while value in used:
                value = next(counter)
            comp["id"] = value
            used.add(value)
