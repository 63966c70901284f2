"""When background work runs.

The database decides *what* is due; this module only decides *when to look*. Each job is a
coroutine ``run(now) -> next_wake`` that does whatever is due at ``now`` (claiming rows so it
happens exactly once) and answers when it next wants to run. Jobs run once at start, which is
the catch-up after downtime, then at the time they asked for.

In production APScheduler is the trigger (a date job per wake-up, re-armed after every run).
With a :class:`~bot.clock.ManualClock` (tests, demo, sandbox) moving the clock is the trigger,
so time travel needs no sleeping. Either way, the work itself runs in tasks owned here, so a
shutdown can stop new work and wait for what is in flight instead of cancelling a half-sent
batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock, ManualClock

log = logging.getLogger(__name__)

JobFunc = Callable[[datetime], Awaitable[datetime | None]]


@dataclass(slots=True)
class _Job:
    name: str
    func: JobFunc
    next_wake: datetime | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # A run is already waiting for the lock: further pokes join it instead of queueing more.
    queued: bool = False


class Scheduler:
    """Runs registered jobs when they are due; see the module docstring."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._jobs: dict[str, _Job] = {}
        self._inflight: set[asyncio.Task[None]] = set()
        self._running = False
        self._aps: AsyncIOScheduler | None = None
        self._manual_task: asyncio.Task[None] | None = None
        # When a job last started (the health check), and a hook told how late each start was.
        self.last_run: datetime | None = None
        self.on_start: Callable[[str, timedelta], None] | None = None
        # Set once every job registered at start has finished its first run, i.e. each has
        # looked at the database and planned its next wake-up (logged: start-up benchmarks
        # and operators read it as "every schedule rebuilt").
        self.planned = asyncio.Event()
        self._unplanned: set[str] = set()
        self._started_at = 0.0

    @property
    def running(self) -> bool:
        return self._running

    def register(self, name: str, func: JobFunc) -> None:
        """Add a job; registered jobs start with the scheduler (or at once if it runs)."""
        if name in self._jobs:
            raise ValueError(f"a job named {name!r} is already registered")
        self._jobs[name] = _Job(name, func)
        if self._running:
            self.poke(name)

    def next_wake(self) -> datetime | None:
        """The earliest time a job asked to run again (the sandbox steps time to it)."""
        wakes = [job.next_wake for job in self._jobs.values() if job.next_wake is not None]
        return min(wakes) if wakes else None

    def poke(self, name: str) -> None:
        """Run a job now, e.g. after a setting changed what it should do next."""
        job = self._jobs.get(name)
        if job is not None and self._running:
            self._spawn(job)

    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        # Each start plans afresh (a stop and a start again must not read as planned).
        self.planned.clear()
        self._unplanned = set(self._jobs)
        self._started_at = time.monotonic()
        if not self._unplanned:
            self.planned.set()
        if isinstance(self.clock, ManualClock):
            self._manual_task = asyncio.create_task(self._follow_manual_clock(self.clock))
        else:
            # misfire_grace_time None: a wake-up delayed by a busy loop still runs; the job
            # itself decides what is too late (grace windows live in the services).
            self._aps = AsyncIOScheduler(
                timezone=UTC,
                job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
            self._aps.start()
        for job in self._jobs.values():
            self._spawn(job)
        log.info("Scheduler started with %d job(s)", len(self._jobs))

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop starting work, wait up to ``timeout`` for work in flight, then shut down."""
        if not self._running:
            return
        self._running = False
        if self._manual_task is not None:
            self._manual_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._manual_task
            self._manual_task = None
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self._inflight:
            _done, pending = await asyncio.wait(set(self._inflight), timeout=timeout)
            for task in pending:
                log.warning("Cancelling background work still running after %.1fs", timeout)
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        log.info("Scheduler stopped")

    async def idle(self) -> None:
        """Wait until no job is running (tests and the demo use it after moving the clock)."""
        # Let the clock follower see a move that has just happened before looking.
        for _ in range(3):
            await asyncio.sleep(0)
        while self._inflight:
            await asyncio.wait(set(self._inflight))
            await asyncio.sleep(0)

    # -- internals -----------------------------------------------------------------------------

    def _spawn(self, job: _Job) -> None:
        if job.queued:
            return
        job.queued = True
        task = asyncio.create_task(self._run(job), name=f"job:{job.name}")
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _run(self, job: _Job) -> None:
        # One run of a job at a time; a poke during a run simply runs it again afterwards.
        async with job.lock:
            job.queued = False
            if not self._running:
                return
            now = self.clock.now()
            self.last_run = now
            if self.on_start is not None:
                due = job.next_wake
                self.on_start(
                    job.name, now - due if due is not None and due <= now else timedelta(0)
                )
            try:
                next_wake = await job.func(now)
            except Exception:
                log.exception("Background job %s failed; retrying in a minute", job.name)
                next_wake = now + timedelta(minutes=1)
            job.next_wake = next_wake
            if job.name in self._unplanned:
                self._unplanned.discard(job.name)
                if not self._unplanned:
                    self.planned.set()
                    log.info(
                        "Scheduler planned its %d job(s) in %.2fs",
                        len(self._jobs),
                        time.monotonic() - self._started_at,
                    )
            if (
                self._manual_task is not None
                and next_wake is not None
                and now < next_wake <= self.clock.now()
            ):
                # The manual clock moved past the next wake while this run was busy.
                self._spawn(job)
            if self._aps is not None and next_wake is not None and self._running:
                # APScheduler counts wall-clock time; the clock may be shifted (a rehearsal),
                # so the wake-up is the same delay from now on the wall clock.
                delay = max(next_wake - self.clock.now(), timedelta(0))
                self._aps.add_job(
                    self._fire,
                    trigger=DateTrigger(run_date=datetime.now(UTC) + delay),
                    args=(job.name,),
                    id=job.name,
                    replace_existing=True,
                )

    async def _fire(self, name: str) -> None:
        # A coroutine so APScheduler calls it on the event loop, not in its thread pool; the
        # work itself runs in a task owned here, so shutting APScheduler down cannot cancel it.
        if self._running:
            self._spawn(self._jobs[name])

    async def _follow_manual_clock(self, clock: ManualClock) -> None:
        moved = clock.subscribe()
        while True:
            await moved.wait()
            moved.clear()
            now = clock.now()
            for job in self._jobs.values():
                if job.next_wake is not None and job.next_wake <= now:
                    self._spawn(job)
