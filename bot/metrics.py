"""Operators' signals: Prometheus metrics and a health check, on ``METRICS_PORT``.

Counters and histograms come from the official client library (``prometheus_client``) in a
registry of the bot's own; ``/metrics`` serves them in the text format Prometheus scrapes and
``/healthz`` answers whether this process is ready, can reach its database and is still
running its scheduled work. Both are served by aiohttp, which the bot already runs on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 3600.0)
HEALTH_TIMEOUT = 2.0  # seconds the database check may take before it counts as unreachable
# Jobs wake at least every few hours (their backstops); much longer means the loop is stuck.
SCHEDULER_STALE = timedelta(hours=7)


class Metrics:
    """What the bot counts while it runs; the cogs, courier, scheduler and pacer report here."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "nextinterview_commands",
            "Slash commands answered, by command and outcome (ok, refused, incident).",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "nextinterview_command_seconds",
            "Time from receiving a slash command to finishing it.",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "nextinterview_deliveries",
            "Posts, reminders and nudges by kind and outcome (sent, retry, blocked, failed...).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.scheduler_lag = Histogram(
            "nextinterview_scheduler_lag_seconds",
            "How late a background job started after the time it asked for.",
            ["job"],
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.gateway_latency = Gauge(
            "nextinterview_gateway_latency_seconds",
            "Discord gateway heartbeat latency (average over shards).",
            registry=self.registry,
        )
        self.pacer_wait = Histogram(
            "nextinterview_pacer_wait_seconds",
            "Time background sends waited to stay under Discord's global rate limit.",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    # -- reports -------------------------------------------------------------------------------

    def command_done(self, command: str, outcome: str, seconds: float | None) -> None:
        self.commands.labels(command, outcome).inc()
        if seconds is not None:
            self.command_seconds.labels(command).observe(seconds)

    def delivery_done(self, kind: str, outcome: str) -> None:
        self.deliveries.labels(kind, outcome).inc()

    def job_started(self, job: str, lag: timedelta) -> None:
        self.scheduler_lag.labels(job).observe(max(lag.total_seconds(), 0.0))

    def paced(self, seconds: float) -> None:
        self.pacer_wait.observe(seconds)

    # -- serving -------------------------------------------------------------------------------

    async def serve(
        self,
        host: str,
        port: int,
        health: Callable[[], Awaitable[dict[str, Any]]],
    ) -> None:
        """Serve ``/metrics`` and ``/healthz`` on ``host:port`` (port 0: any free one)."""

        async def metrics(_: web.Request) -> web.Response:
            body = generate_latest(self.registry)
            return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

        async def healthz(_: web.Request) -> web.Response:
            report = await health()
            return web.Response(
                status=200 if report["ok"] else 503,
                text=json.dumps(report),
                content_type="application/json",
            )

        app = web.Application()
        app.router.add_get("/metrics", metrics)
        app.router.add_get("/healthz", healthz)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("Metrics and health on http://%s:%d/metrics and /healthz", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def health_report(
    *, ready: bool, database_ok: bool, last_run: datetime | None, now: datetime
) -> dict[str, Any]:
    """The /healthz answer: ok only when ready, the database answers and jobs keep running."""
    fresh = last_run is not None and now - last_run < SCHEDULER_STALE
    return {
        "ok": ready and database_ok and fresh,
        "ready": ready,
        "database": "ok" if database_ok else "unreachable",
        "last_scheduler_run": last_run.isoformat() if last_run else None,
    }


async def database_answers(check: Callable[[], Awaitable[Any]]) -> bool:
    try:
        await asyncio.wait_for(check(), timeout=HEALTH_TIMEOUT)
    except Exception:  # any failure means "not healthy"; the details are in the bot's logs
        return False
    return True
