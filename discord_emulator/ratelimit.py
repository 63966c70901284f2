"""Rate limits and injected faults, answered with Discord's headers and bodies.

discord.py reads ``X-RateLimit-*`` on every answer to pace itself, and treats a 429 without a
``Via`` header as a Cloudflare ban, so every 429 here carries ``Via: 1.1 google`` like Discord's.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import deque
from dataclasses import dataclass

from discord_emulator.errors import ApiError

VIA = "1.1 google"


RESET = 0  # a fault "status" meaning: drop the connection without answering


class ConnectionDropped(Exception):
    """Close the client's connection without an answer, as a reset or a crashed proxy does."""


@dataclass
class Fault:
    """One fault armed with ``Emulator.fail``: answer matching requests ``times`` times.

    With ``after_write`` the request is carried out first (a message is stored) and only then
    answered with the fault: Discord wrote, the client never heard.
    """

    method: str | None
    path: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    code: int | None
    global_: bool
    after_write: bool = False

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        if self.times <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.path.fullmatch(path) is not None


class Faults:
    """Faults armed by a test, consumed in the order they were armed."""

    def __init__(self) -> None:
        self.armed: list[Fault] = []
        self.fired: list[tuple[str, str, int]] = []

    def add(self, fault: Fault) -> None:
        """Arm a fault."""
        self.armed.append(fault)

    def check(
        self,
        method: str,
        path: str,
        bucket: Buckets,
        major: str,
        template: str,
        *,
        after_write: bool = False,
    ) -> None:
        """Raise the faulted answer if an armed fault matches this request at this point."""
        for fault in self.armed:
            if fault.after_write == after_write and fault.matches(method, path):
                fault.times -= 1
                self.fired.append((method, path, fault.status))
                if fault.status == RESET:
                    raise ConnectionDropped
                raise self._answer(fault, bucket, major, template)

    @staticmethod
    def _answer(fault: Fault, buckets: Buckets, major: str, template: str) -> ApiError:
        if fault.status == 429:
            return rate_limited(
                fault.retry_after,
                global_=fault.global_,
                buckets=buckets,
                major=major,
                template=template,
            )
        messages = {
            400: "400: Bad Request",
            403: "Missing Permissions",
            404: "404: Not Found",
            500: "500: Internal Server Error",
            502: "502: Bad Gateway",
            503: "503: Service Unavailable",
            504: "504: Gateway Timeout",
        }
        codes = {403: 50013}
        code = fault.code if fault.code is not None else codes.get(fault.status, 0)
        return ApiError(fault.status, code, messages.get(fault.status, f"{fault.status}"))


def rate_limited(
    retry_after: float,
    *,
    global_: bool,
    buckets: Buckets | None = None,
    major: str = "",
    template: str = "",
) -> ApiError:
    """A 429 answer, global or for one route bucket."""
    retry_after = max(0.001, round(retry_after, 3))
    headers = {
        "Via": VIA,
        "Retry-After": str(math.ceil(retry_after)),
        "X-RateLimit-Scope": "global" if global_ else "user",
    }
    if global_:
        headers["X-RateLimit-Global"] = "true"
    elif buckets is not None:
        headers.update(buckets.exhausted_headers(template, major, retry_after))
    error = ApiError(429, 0, "You are being rate limited.", headers=headers)
    error.retry_after = retry_after  # type: ignore[attr-defined]
    error.global_ = global_  # type: ignore[attr-defined]
    return error


class GlobalLimiter:
    """A sliding one-second window over the bot's requests (Discord's global limit)."""

    def __init__(self, per_second: int | None) -> None:
        self.per_second = per_second
        self._window: deque[float] = deque()
        self.rejected_at: list[float] = []  # time.monotonic() of each refusal, for benchmarks

    @property
    def rejected(self) -> int:
        """How many requests were refused."""
        return len(self.rejected_at)

    def check(self) -> None:
        """Count a request, or raise the global 429 with the time until a slot frees."""
        if self.per_second is None:
            return
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.per_second:
            self.rejected_at.append(now)
            raise rate_limited(self._window[0] + 1.0 - now, global_=True)
        self._window.append(now)


class Buckets:
    """Per-route buckets: each (route, major parameter) allows ``limit`` requests per window.

    Answers carry the real counters so discord.py paces itself as it does against Discord.
    """

    def __init__(self, limit: int = 50, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._state: dict[tuple[str, str], tuple[float, int]] = {}

    @staticmethod
    def bucket_hash(template: str) -> str:
        """A stable opaque bucket id per route template, like Discord's."""
        return hashlib.sha1(template.encode(), usedforsecurity=False).hexdigest()[:32]

    def take(self, template: str, major: str) -> dict[str, str]:
        """Count a request in its bucket; returns the headers, or raises 429 when exhausted."""
        now = time.monotonic()
        start, used = self._state.get((template, major), (now, 0))
        if now >= start + self.window:
            start, used = now, 0
        if used >= self.limit:
            raise rate_limited(
                start + self.window - now,
                global_=False,
                buckets=self,
                major=major,
                template=template,
            )
        used += 1
        self._state[(template, major)] = (start, used)
        return self._headers(template, self.limit - used, start + self.window - now)

    def exhausted_headers(self, template: str, major: str, retry_after: float) -> dict[str, str]:
        """Headers of a bucket with nothing left for ``retry_after`` seconds."""
        return self._headers(template, 0, retry_after)

    def _headers(self, template: str, remaining: int, reset_after: float) -> dict[str, str]:
        reset_after = max(0.001, reset_after)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket_hash(template),
        }
