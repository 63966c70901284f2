"""The real bot in a process of its own, on a clock that starts at a chosen instant.

``python -m tests.faults.botproc 2026-11-16T09:00:30+00:00 [SINCE]`` with the usual settings in
the environment (token, database, the emulator's URLs) runs exactly what ``nextinterview run``
runs, SIGTERM handling included; only the clock is a rehearsal clock, so a crash test can
kill it at any instant of a Monday morning fan-out and start it again later that morning.
With SINCE (an aware ISO time, real), the clock reads the start time at that real instant,
so processes launched together share one clock however long each takes to import.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from bot.__main__ import _serve
from bot.clock import OffsetClock
from bot.config import load_settings
from bot.logs import setup_logging


def main() -> None:
    start = datetime.fromisoformat(sys.argv[1])
    since = datetime.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else None
    settings = load_settings(None)
    token = settings.token()
    setup_logging(settings.log_level, secrets=[token], log_format=settings.log_format)
    raise SystemExit(asyncio.run(_serve(settings, token, OffsetClock(start, since))))


if __name__ == "__main__":
    main()
