"""Pacing: every REST request the bot makes stays under Discord's global limit, on purpose.

discord.py obeys per-route buckets and retries 429s, but nothing stops a big fan-out (reminder
DMs, weekly posts to many groups) from reaching the global limit, and then a member's own
request (starting an exercise, sharing a plan) is refused and retried until it fails. So the
bot's HTTP client takes a token from one bucket before every request that counts toward the
global limit (interaction responses and their webhooks do not). A member's request goes ahead
of the queue; background sends (marked with :func:`background`) wait for the tokens left.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator

_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("background", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Requests made inside yield to members' requests (the outbox's sends)."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def in_background() -> bool:
    return _BACKGROUND.get()


class Pacer:
    """An async token bucket with two kinds of waiters: urgent ones (a member waiting for an
    answer) are served first; background ones take what is left."""

    def __init__(
        self,
        rate: float,
        burst: int | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = float(burst if burst is not None else max(1, int(rate)))
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._urgent = 0  # urgent callers waiting: background callers let them go first
        self.on_wait = on_wait  # told how long each caller waited (metrics)

    async def wait(self, cost: float = 1.0, *, urgent: bool | None = None) -> None:
        """Take ``cost`` tokens; ``urgent`` defaults to "not inside :func:`background`"."""
        urgent = not in_background() if urgent is None else urgent
        began = time.monotonic()
        if urgent:
            self._urgent += 1
        try:
            while True:
                self._refill()
                # No await between the check and the take: one caller at a time gets it.
                if self._tokens >= cost and (urgent or not self._urgent):
                    self._tokens -= cost
                    return
                await asyncio.sleep(max((cost - self._tokens) / self.rate, 0.001))
        finally:
            if urgent:
                self._urgent -= 1
            if self.on_wait is not None:
                self.on_wait(time.monotonic() - began)

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
