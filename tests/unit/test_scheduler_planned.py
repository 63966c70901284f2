"""The scheduler says once when every job's first run (the start-up plan) is done: the moment
bench/scale_start.py reads as "every schedule rebuilt" (issue #13, P5)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.scheduler import Scheduler

START = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


async def test_planned_once_every_job_ran_once_failures_included(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock(START)
    scheduler = Scheduler(clock)
    release = asyncio.Event()

    async def slow(now: datetime) -> datetime:
        await release.wait()
        return now + timedelta(hours=1)

    async def broken(now: datetime) -> datetime:
        raise RuntimeError("the database is busy")

    async def quick(now: datetime) -> datetime:
        return now + timedelta(minutes=5)

    scheduler.register("slow", slow)
    scheduler.register("broken", broken)
    scheduler.register("quick", quick)
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        await scheduler.start()
        await asyncio.sleep(0.01)
        assert not scheduler.planned.is_set()  # one job is still planning
        release.set()
        await asyncio.wait_for(scheduler.planned.wait(), 5)
        clock.advance(timedelta(minutes=5))  # later runs say nothing more
        await scheduler.idle()
        await scheduler.stop()
    planned = [r.getMessage() for r in caplog.records if "planned" in r.getMessage()]
    assert len(planned) == 1
    assert planned[0].startswith("Scheduler planned its 3 job(s) in ")


async def test_no_jobs_is_planned_at_once() -> None:
    scheduler = Scheduler(ManualClock(START))
    await scheduler.start()
    assert scheduler.planned.is_set()
    await scheduler.stop()


async def test_a_restart_plans_again() -> None:
    scheduler = Scheduler(ManualClock(START))
    release = asyncio.Event()

    async def waits(now: datetime) -> datetime:
        await release.wait()
        return now + timedelta(hours=1)

    scheduler.register("waits", waits)
    release.set()
    await scheduler.start()
    await asyncio.wait_for(scheduler.planned.wait(), 5)
    await scheduler.stop()
    release.clear()
    await scheduler.start()
    await asyncio.sleep(0.01)
    assert not scheduler.planned.is_set()  # this start's plan is not done yet
    release.set()
    await asyncio.wait_for(scheduler.planned.wait(), 5)
    await scheduler.stop()
