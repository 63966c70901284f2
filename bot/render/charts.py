"""Charts as PNG bytes. CPU-bound: callers run these in a thread (``asyncio.to_thread``).

Only matplotlib's object API is used (no pyplot global state), so renders in several threads
at once do not interfere.
"""

from __future__ import annotations

import io
from datetime import date

BAR = "#2e86ab"
GOAL = "#f18f01"


def weekly_bars(
    weeks: list[tuple[date, int]], *, title: str, goal: int | None = None, label: str = "wins"
) -> bytes:
    """A bar per week (Mondays on the x axis), with an optional goal line."""
    # Imported at the first chart, not at start: matplotlib with numpy and Pillow is some
    # 40 MB of every process's memory and 0.4 s of every start (bench/scale_start.py), and
    # most processes draw a chart rarely. Charts are drawn after a deferral or in scheduled
    # posts, so the first one's extra moment is never against an interaction's deadline.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7, 3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"{monday:%d %b}" for monday, _ in weeks]
    values = [count for _, count in weeks]
    axes.bar(range(len(values)), values, color=BAR)
    axes.set_xticks(range(len(values)), labels, rotation=45, ha="right", fontsize=8)
    if goal:
        axes.axhline(goal, color=GOAL, linestyle="--", linewidth=1.5, label=f"goal {goal}")
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.set_ylabel(label)
    axes.set_title(title, fontsize=11)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0, top=max([*values, goal or 0, 1]) * 1.15)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
