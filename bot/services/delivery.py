"""Exactly-once delivery of what the bot sends on its own: weekly posts, reminders, nudges.

The database, not memory, knows what was sent. Each job says what is due; :class:`Courier`
claims each item with a lease just before sending it (so a crash leaves at most the few items
in flight, and their leases run out), sends it through a callback with a nonce derived from the
item's key (so a retry after a crash that fell between Discord's write and ours returns the
first message), and records the outcome:

    due --claim(lease)--> claimed --send(nonce)--> sent
                            |  |-- transient (5xx, 429, reset, timeout, locked db) --> retry
                            |  |-- blocked (no permission, channel gone) --> retry, slowly
                            |  '-- final (DMs closed, refused payload) --> failed
                            '-- lease ran out (crash, kill -9, stop) --> claimed again

Retries back off and stop when the item's grace window closes (then it is ``failed`` and shows
in ``/setup show``). Nothing here knows Discord: the callback turns Discord's answers into a
:class:`Result`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock, sleep_until
from bot.db import Database
from bot.db import deliveries as deliveries_db
from bot.db import people as people_db
from bot.db.core import TRANSIENT_DB_ERRORS
from bot.db.deliveries import Claimed
from bot.nonce import nonce_for

log = logging.getLogger(__name__)

# A claim's lease, renewed while its send is in flight: a process that dies (kill -9, a power
# cut) leaves its claims free for another process within this, well inside Discord's nonce
# window, however long a live process's sends take.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)
FIRST_RETRY = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
BLOCKED_RETRY = timedelta(minutes=30)  # a missing permission: ask again, not hammer
MAX_UNEXPECTED = 5  # a bug in rendering is retried a few times, then given up and logged
FANOUT = 16  # items in flight at once per job; the shared pacer keeps the request rate


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # transient: try again soon
    BLOCKED = "blocked"  # the group's setup stops it (permission, channel): try again slowly
    DM_CLOSED = "dm_closed"  # final, and the member's DMs are recorded as closed
    FINAL = "final"  # will never work as it is: failed
    SKIPPED = "skipped"  # nothing to send any more (done, deleted, turned off)


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    message_id: int | None = None
    detail: str | None = None


SENT_NOTHING = Result(Outcome.SKIPPED, detail="nothing left to send")


class ShuttingDown(Exception):
    """Raised by a send callback before its request when the bot is stopping: the claim is
    released for the next start instead of being half-sent."""


@dataclass(frozen=True, slots=True)
class Due:
    """One item a job wants delivered: its ledger key and when it fell due."""

    kind: str
    target_id: int
    period: str
    due_at: datetime
    user_id: int | None = None
    guild_id: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """An item this worker holds a lease on and should send now."""

    delivery_id: int
    kind: str
    target_id: int
    period: str
    due_at: datetime
    attempts: int
    user_id: int | None
    guild_id: int | None

    @property
    def nonce(self) -> str:
        """The same for every attempt at this delivery."""
        return nonce_for(self.kind, self.target_id, self.period)

    @classmethod
    def of(cls, row: Claimed) -> Claim:
        return cls(
            row.delivery_id,
            row.kind,
            row.target_id,
            row.period,
            row.due_at,
            row.attempts,
            row.user_id,
            row.guild_id,
        )


Send = Callable[[Claim], Awaitable[Result]]


def backoff(attempts: int, outcome: Outcome) -> timedelta:
    """How long to wait after attempt number ``attempts`` failed this way."""
    if outcome is Outcome.BLOCKED:
        return BLOCKED_RETRY
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), MAX_BACKOFF)


def is_transient_error(error: BaseException) -> bool:
    """Errors of our own side that pass: the database busy, locked or out of reach."""
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error) or "busy" in str(error)
    return isinstance(error, TRANSIENT_DB_ERRORS)


class Courier:
    """Claims, sends and records deliveries for the scheduler's jobs (one per bot)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        fanout: int = FANOUT,
        on_result: Callable[[str, str], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.fanout = fanout
        self.on_result = on_result  # told (kind, outcome) of every attempt (metrics)
        self.stopping = False
        # Members who just deleted their data: nothing more is sent to them by this process,
        # even an item rendered a moment before the delete.
        self.forgotten: set[int] = set()
        # Claims being sent right now (delivery id -> attempt), their leases kept alive.
        self._inflight: dict[int, int] = {}
        self._renewer: asyncio.Task[None] | None = None

    def stop(self) -> None:
        """Claim nothing more; items already claimed finish or are released."""
        self.stopping = True
        if self._renewer is not None:
            # Leases of sends cut short now run out, and another start takes them over.
            self._renewer.cancel()

    async def deliver(
        self,
        kinds: dict[str, timedelta],
        due: Iterable[Due],
        send: Send,
        *,
        keep: Callable[[Due], bool] | None = None,
    ) -> datetime | None:
        """Send everything of ``kinds`` that is due (the items given, plus earlier ones whose
        lease ran out or whose retry time came), then say when an unfinished one is next due.

        ``kinds`` maps each kind to its grace window: past it, an item is given up. ``keep``
        says which items this process sends (with shards over several processes, a group's
        posts go out from the process that holds its shard); the others are left to theirs.
        """
        now = self.clock.now()
        await self._give_up_expired(kinds, now)
        items: dict[tuple[str, int, str], Due] = {}
        for row in await deliveries_db.ready_again(self.db, list(kinds), now):
            claimed = deliveries_db.as_claimed(row)
            items[(claimed.kind, claimed.target_id, claimed.period)] = Due(
                claimed.kind,
                claimed.target_id,
                claimed.period,
                claimed.due_at,
                claimed.user_id,
                claimed.guild_id,
            )
        for item in due:
            items.setdefault((item.kind, item.target_id, item.period), item)
        if keep is not None:
            items = {key: item for key, item in items.items() if keep(item)}
        gate = asyncio.Semaphore(self.fanout)

        async def one(item: Due) -> bool:
            async with gate:
                if self.stopping:
                    return True
                return await self._one(item, kinds[item.kind], send)

        results = await asyncio.gather(*(one(i) for i in items.values()), return_exceptions=True)
        for failure in (r for r in results if isinstance(r, BaseException)):
            if isinstance(failure, asyncio.CancelledError):
                raise failure
            log.error("A delivery worker failed", exc_info=failure)
        later = await deliveries_db.next_attempt(self.db, list(kinds))
        if any(r is not True for r in results):
            # Some item could not even be claimed (the database was held): it is not in the
            # ledger yet, so nothing there would bring this job back for it. Come back soon.
            return earliest(later, self.clock.now() + FIRST_RETRY)
        return later

    async def _give_up_expired(self, kinds: dict[str, timedelta], now: datetime) -> None:
        if await deliveries_db.next_attempt(self.db, list(kinds)) is None:
            return  # nothing unfinished: a read, not a write under the single writer
        try:
            async with self.db.transaction() as conn:
                given_up = await deliveries_db.give_up_expired(
                    conn, list(kinds), {k: now - g for k, g in kinds.items()}, now
                )
        except TRANSIENT_DB_ERRORS as exc:
            log.warning("Could not close expired deliveries now (%s); later", exc)
            return
        if given_up:
            log.warning("Gave up %d deliveries whose grace window closed", given_up)

    async def _one(self, item: Due, grace: timedelta, send: Send) -> bool:
        """Claim, send and record one item; False when it could not be claimed for now."""
        now = self.clock.now()
        if now - item.due_at > grace:
            return True  # its window closed; _give_up_expired or record_missed deal with it
        try:
            async with self.db.transaction() as conn:
                row = await deliveries_db.claim(
                    conn,
                    item.kind,
                    item.target_id,
                    item.period,
                    now,
                    lease_until=now + LEASE,
                    due_at=item.due_at,
                    user_id=item.user_id,
                    guild_id=item.guild_id,
                )
        except TRANSIENT_DB_ERRORS as exc:
            # Not claimed, so nothing is lost: the next run (soon, see next_wake) tries again.
            log.warning("Could not claim %s/%s (%s); will retry", item.kind, item.target_id, exc)
            return False
        if row is None:
            return True  # finished already, or someone else holds it
        claim = Claim.of(row)
        self._inflight[claim.delivery_id] = claim.attempts
        self._keep_leases()
        try:
            return await self._send(claim, send)
        finally:
            self._inflight.pop(claim.delivery_id, None)

    async def _send(self, claim: Claim, send: Send) -> bool:
        if claim.user_id is not None and claim.user_id in self.forgotten:
            await self._record(
                claim, Result(Outcome.SKIPPED, detail="the member deleted their data")
            )
            return True
        try:
            result = await send(claim)
        except ShuttingDown:
            await self._release(claim)
            return True
        except asyncio.CancelledError:
            # Stopped mid-request: Discord may or may not have the message. The lease runs
            # out and the next start sends it again with the same nonce.
            raise
        except Exception as exc:
            result = self._unexpected(claim, exc)
        await self._record(claim, result)
        return True

    def _keep_leases(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew(), name="delivery-leases")

    async def _renew(self) -> None:
        """While sends are in flight, push their leases forward: only a dead process's
        claims run out."""
        while self._inflight:
            await sleep_until(self.clock, self.clock.now() + RENEW_EVERY)
            if not self._inflight:
                return
            now = self.clock.now()
            try:
                async with self.db.transaction() as conn:
                    await deliveries_db.extend_leases(conn, dict(self._inflight), now + LEASE)
            except TRANSIENT_DB_ERRORS as exc:
                log.warning("Could not renew delivery leases (%s); retrying", exc)

    def _unexpected(self, claim: Claim, exc: Exception) -> Result:
        if is_transient_error(exc):
            log.warning("Delivery %s waits for the database: %s", claim.delivery_id, exc)
            return Result(Outcome.RETRY, detail="the database was busy")
        log.error(
            "Delivery %s (%s for %s, attempt %d) failed unexpectedly",
            claim.delivery_id,
            claim.kind,
            claim.target_id,
            claim.attempts,
            exc_info=exc,
        )
        outcome = Outcome.FINAL if claim.attempts >= MAX_UNEXPECTED else Outcome.RETRY
        return Result(outcome, detail=f"internal error ({type(exc).__name__})")

    async def _record(self, claim: Claim, result: Result) -> None:
        if self.on_result is not None:
            self.on_result(claim.kind, result.outcome.value)
        now = self.clock.now()
        status, next_at = {
            Outcome.SENT: ("sent", None),
            Outcome.SKIPPED: ("skipped", None),
            Outcome.FINAL: ("failed", None),
            Outcome.DM_CLOSED: ("failed", None),
        }.get(result.outcome, ("retry", now + backoff(claim.attempts, result.outcome)))
        try:
            async with self.db.transaction() as conn:
                held = await deliveries_db.finish(
                    conn,
                    claim.delivery_id,
                    claim.attempts,
                    status,
                    now,
                    message_id=result.message_id,
                    detail=result.detail,
                    next_attempt_at=next_at,
                )
                if held and result.outcome is Outcome.DM_CLOSED and claim.user_id is not None:
                    # Closed DMs stop every kind of DM until the member is back (a plain
                    # flag for services: no Discord error code travels further than here).
                    await people_db.mark_dm_closed(conn, claim.user_id, now)
        except TRANSIENT_DB_ERRORS as exc:
            # The lease runs out and the item is claimed again; if it was sent, the nonce
            # makes Discord answer with the message it already has.
            log.warning("Could not record delivery %s (%s)", claim.delivery_id, exc)
            return
        if not held:
            log.warning("Delivery %s was taken over before it finished", claim.delivery_id)

    async def _release(self, claim: Claim) -> None:
        now = self.clock.now()
        try:
            async with self.db.transaction() as conn:
                await deliveries_db.finish(
                    conn,
                    claim.delivery_id,
                    claim.attempts,
                    "retry",
                    now,
                    detail="the bot stopped before sending",
                    next_attempt_at=now,
                )
        except TRANSIENT_DB_ERRORS as exc:
            log.warning("Could not release delivery %s (%s)", claim.delivery_id, exc)


async def record_missed(db: Database, clock: Clock, items: Iterable[Due], why: str) -> None:
    """Items that fell due longer ago than their grace window: never sent, noted once."""
    now = clock.now()
    for item in items:
        try:
            async with db.transaction() as conn:
                await deliveries_db.record_missed(
                    conn,
                    item.kind,
                    item.target_id,
                    item.period,
                    now,
                    due_at=item.due_at,
                    detail=why,
                    user_id=item.user_id,
                    guild_id=item.guild_id,
                )
        except TRANSIENT_DB_ERRORS as exc:
            log.warning("Could not note a missed delivery (%s)", exc)
            return


def earliest(*times: datetime | None) -> datetime | None:
    """The soonest of some wake-up times (None means "no need to wake")."""
    known = [t for t in times if t is not None]
    return min(known) if known else None
