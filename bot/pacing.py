"""Pacing for fan-outs: stay under Discord's global request limit on purpose.

discord.py obeys per-route buckets and retries 429s, but nothing stops a big fan-out (reminder
DMs, weekly posts to many groups) from hitting the global limit and stalling commands. A token
bucket shared by all background sends keeps them at a steady rate below it, leaving headroom
for interactive replies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """An async token bucket: ``await pacer.wait()`` before each request."""

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
        self._lock = asyncio.Lock()
        self.on_wait = on_wait  # told how long each caller waited (metrics)

    async def wait(self, cost: float = 1.0) -> None:
        began = time.monotonic()
        try:
            await self._take(cost)
        finally:
            if self.on_wait is not None:
                self.on_wait(time.monotonic() - began)

    async def _take(self, cost: float) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= cost:
                    self._tokens -= cost
                    return
                await asyncio.sleep((cost - self._tokens) / self.rate)
