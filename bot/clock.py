"""Time as a dependency.

Everything that asks "what time is it?" takes a :class:`Clock`, so tests and the demo can move
time forward deterministically instead of sleeping. Only timezone-aware UTC datetimes come out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What services need from time: the current instant, always aware and in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock used in production."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, demo, sandbox).

    Listeners registered with :meth:`subscribe` are woken after every move, so the scheduler can
    re-check what became due without polling.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._listeners: list[asyncio.Event] = []

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware datetime")
        when = when.astimezone(UTC)
        if when < self._now:
            raise ValueError("time only moves forward")
        self._now = when
        for event in self._listeners:
            event.set()

    def advance(self, delta: timedelta) -> datetime:
        self.set(self._now + delta)
        return self._now

    def subscribe(self) -> asyncio.Event:
        """An event set every time the clock moves (the subscriber clears it)."""
        event = asyncio.Event()
        self._listeners.append(event)
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        if event in self._listeners:
            self._listeners.remove(event)


class OffsetClock:
    """The real clock shifted to start at another instant: it runs at the speed of real time.

    For rehearsals that need a real process and real waiting (crash and restart tests, load
    runs) at a chosen moment of the week.
    """

    def __init__(self, start: datetime, since: datetime | None = None) -> None:
        """Reads ``start`` at the real instant ``since`` (now, by default): processes started
        together and given the same ``since`` share one rehearsal clock, however long each
        took to start."""
        if start.tzinfo is None or (since is not None and since.tzinfo is None):
            raise ValueError("OffsetClock needs timezone-aware times")
        self.offset = start.astimezone(UTC) - (since or datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def sleep_until(clock: Clock, when: datetime) -> None:
    """Wait until ``clock`` reads ``when``: real waiting for real clocks, and for a
    :class:`ManualClock` until something moves it there (tests never sleep for it)."""
    if isinstance(clock, ManualClock):
        moved = clock.subscribe()
        try:
            while clock.now() < when:
                await moved.wait()
                moved.clear()
        finally:
            clock.unsubscribe(moved)
        return
    delay = (when - clock.now()).total_seconds()
    if delay > 0:
        await asyncio.sleep(delay)
