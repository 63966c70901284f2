from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock, OffsetClock, SystemClock
from bot.scheduler import Scheduler

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_manual_clock_drives_jobs_without_sleeping() -> None:
    clock = ManualClock(START)
    scheduler = Scheduler(clock)
    runs: list[datetime] = []

    async def job(now: datetime) -> datetime:
        runs.append(now)
        return now + timedelta(hours=1)

    scheduler.register("hourly", job)
    await scheduler.start()
    await scheduler.idle()
    assert runs == [START]  # the start-up run is the catch-up
    clock.advance(timedelta(minutes=59))
    await scheduler.idle()
    assert len(runs) == 1
    clock.advance(timedelta(minutes=1))
    await scheduler.idle()
    assert runs[-1] == START + timedelta(hours=1)
    await scheduler.stop()


async def test_failing_job_is_retried_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(START)
    scheduler = Scheduler(clock)
    calls = 0

    async def flaky(now: datetime) -> datetime | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("discord is down")
        return None

    scheduler.register("flaky", flaky)
    await scheduler.start()
    await scheduler.idle()
    assert "flaky failed" in caplog.text
    clock.advance(timedelta(minutes=1))
    await scheduler.idle()
    assert calls == 2
    await scheduler.stop()


async def test_stop_waits_for_work_in_flight() -> None:
    clock = ManualClock(START)
    scheduler = Scheduler(clock)
    finished = asyncio.Event()
    started = asyncio.Event()

    async def slow(now: datetime) -> None:
        started.set()
        await asyncio.sleep(0.05)
        finished.set()

    scheduler.register("slow", slow)
    await scheduler.start()
    await started.wait()
    await scheduler.stop(timeout=2)
    assert finished.is_set()


async def test_system_clock_uses_apscheduler_trigger() -> None:
    scheduler = Scheduler(SystemClock())
    fired = asyncio.Event()
    calls = 0

    async def soon(now: datetime) -> datetime | None:
        nonlocal calls
        calls += 1
        if calls == 2:
            fired.set()
            return None
        return now + timedelta(milliseconds=50)

    scheduler.register("soon", soon)
    await scheduler.start()
    await asyncio.wait_for(fired.wait(), timeout=5)
    await scheduler.stop()
    assert calls == 2


def test_manual_clock_refuses_naive_and_backwards() -> None:
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2026, 1, 1))  # noqa: DTZ001
    clock = ManualClock(START)
    with pytest.raises(ValueError, match="forward"):
        clock.set(START - timedelta(seconds=1))


async def test_pokes_during_a_run_collapse_into_one_rerun() -> None:
    # Issue #9: each reminder poke re-ran the whole job; twenty changes in a row queued twenty
    # runs behind the first.
    clock = ManualClock(START)
    scheduler = Scheduler(clock)
    release = asyncio.Event()
    runs = 0

    async def job(now: datetime) -> None:
        nonlocal runs
        runs += 1
        await release.wait()

    scheduler.register("busy", job)
    await scheduler.start()
    for _ in range(3):
        await asyncio.sleep(0)
    for _ in range(20):
        scheduler.poke("busy")
    release.set()
    await scheduler.idle()
    assert runs == 2
    await scheduler.stop()


async def test_a_clock_that_is_not_the_wall_clock_still_wakes_on_time() -> None:
    # A rehearsal clock a day behind: the wake-up comes after the requested delay, not at once
    # and not a day later.
    clock = OffsetClock(datetime.now(UTC) - timedelta(days=1))
    scheduler = Scheduler(clock)
    woke: list[datetime] = []
    done = asyncio.Event()

    async def job(now: datetime) -> datetime | None:
        woke.append(now)
        if len(woke) == 2:
            done.set()
            return None
        return now + timedelta(milliseconds=300)

    scheduler.register("offset", job)
    await scheduler.start()
    await asyncio.wait_for(done.wait(), timeout=5)
    await scheduler.stop()
    gap = woke[1] - woke[0]
    assert timedelta(milliseconds=250) <= gap < timedelta(seconds=3)


def test_processes_given_the_same_instant_share_one_rehearsal_clock() -> None:
    # A process that took 10 s to import still reads the clock the others read.
    start = datetime(2026, 11, 16, 8, 59, 40, tzinfo=UTC)
    launched = datetime.now(UTC) - timedelta(seconds=10)
    late = OffsetClock(start, since=launched).now()
    assert timedelta(seconds=10) <= late - start < timedelta(seconds=11)
    with pytest.raises(ValueError):
        OffsetClock(start, since=datetime(2026, 11, 16))  # noqa: DTZ001 - the naive time refused
