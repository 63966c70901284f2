"""Connections, pragmas, transactions, migrations and online backup.

Two aiosqlite connections: one writer, serialised by a lock so a transaction never interleaves
with another coroutine's writes, and one reader, so reads in WAL mode never queue behind a
write. Every connection is closed on every path: an aiosqlite connection owns a non-daemon
thread, and one left open keeps the process alive.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.db.migrations import Migration, MigrationError, load_migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # NORMAL is durable against application crashes in WAL mode and several times faster.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)

Row = sqlite3.Row


class DatabaseError(Exception):
    """A database problem a person can act on (message names the fix)."""


def inserted_id(cursor: aiosqlite.Cursor) -> int:
    """The rowid an INSERT just created."""
    if cursor.lastrowid is None:
        raise DatabaseError("an INSERT reported no row id")
    return cursor.lastrowid


def to_db(moment: datetime) -> str:
    """A UTC timestamp in one fixed, sortable text form (the year always has four digits)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored: pass an aware datetime")
    # isoformat pads the year; strftime('%Y') does not below 1000 on glibc, which once wrote
    # rows that sorted wrongly and could not be read back.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db(text: str) -> datetime:
    """Parse a timestamp written by :func:`to_db` (or by an older build, unpadded year)."""
    year, sep, rest = text.partition("-")
    if sep and len(year) < 4 and year.isdigit():
        text = f"{int(year):04d}-{rest}"
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Database:
    """The application's SQLite database. Open with ``async with Database.open(path)``."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def connect(cls, path: str | Path) -> Self:
        """Open both connections and apply the pragmas (migrations are separate)."""
        path = Path(path)
        writer = await _open(path)
        try:
            reader = await _open(path)
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader)

    @classmethod
    @asynccontextmanager
    async def open(cls, path: str | Path, *, migrate: bool = True) -> AsyncIterator[Self]:
        db = await cls.connect(path)
        try:
            if migrate:
                await db.migrate()
            yield db
        finally:
            await db.close()

    async def close(self) -> None:
        """Let SQLite refresh its planner statistics, then close both connections."""
        if self._closed:
            return
        self._closed = True
        try:
            async with self._write_lock:
                await self._writer.execute("PRAGMA optimize")
        except sqlite3.Error:
            log.warning("PRAGMA optimize failed on close", exc_info=True)
        finally:
            try:
                await self._reader.close()
            finally:
                await self._writer.close()

    # -- reads -------------------------------------------------------------------------------

    async def fetchone(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        async with self._reader.execute(query, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        async with self._reader.execute(query, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(query, params)
        return None if row is None else row[0]

    # -- writes ------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error.

        IMMEDIATE takes the write lock up front so two transactions cannot both read and then
        fail to upgrade (SQLITE_BUSY mid-transaction).
        """
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.rollback()
                raise
            else:
                await self._writer.commit()

    async def execute(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write in its own transaction; returns the number of rows changed."""
        async with self.transaction() as conn:
            cursor = await conn.execute(query, params)
            return cursor.rowcount

    async def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(query, rows)

    # -- schema ------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._writer.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        """Apply every pending migration in one transaction; returns (before, after).

        The version lives in ``PRAGMA user_version``, which SQLite changes inside the same
        transaction, so a failed upgrade leaves both schema and version as they were.
        """
        migrations = load_migrations() if migrations is None else migrations
        latest = migrations[-1].version if migrations else 0
        async with self._write_lock:
            current = await self.schema_version()
            if current > latest:
                raise MigrationError(
                    f"The database {self.path} is at schema version {current}, newer than this "
                    f"build knows ({latest}): upgrade Next Interview or restore a backup."
                )
            pending = [m for m in migrations if m.version > current]
            if not pending:
                return current, current
            script = "".join(f"-- {m.name}\n{m.sql}\n;\n" for m in pending)
            try:
                # executescript would COMMIT an open transaction first, so the BEGIN is part of
                # the script itself; on failure the transaction is still open and rolled back.
                await self._writer.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {pending[-1].version};\n"
                    "COMMIT;"
                )
            except sqlite3.Error as exc:
                if self._writer.in_transaction:
                    await self._writer.rollback()
                raise MigrationError(
                    f"Migration to version {pending[-1].version} failed ({exc}); the database "
                    f"is unchanged at version {current}."
                ) from exc
            log.info("Database migrated from schema %d to %d", current, pending[-1].version)
            return current, pending[-1].version

    async def backup(self, destination: str | Path) -> None:
        """A consistent copy of the live database through SQLite's online backup API."""
        await backup_file(self.path, Path(destination))


async def _open(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
    except BaseException:
        await conn.close()
        raise
    return conn


async def backup_file(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` safely while another process may be writing to it.

    The copy is written next to the destination and renamed into place only after SQLite's
    integrity check passes, so a failed backup never leaves a half-written file behind.
    """
    await asyncio.to_thread(_backup_sync, source, destination)


def _backup_sync(source: Path, destination: Path) -> None:
    if not source.exists():
        raise DatabaseError(f"No database at {source}: check DATABASE_PATH.")
    destination = destination.resolve()
    if destination == source.resolve():
        raise DatabaseError("The backup path is the live database itself: choose another path.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1 copies everything under one read lock: a single consistent snapshot.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
            (status,) = dst.execute("PRAGMA quick_check").fetchone()
            if status != "ok":
                raise DatabaseError(f"The backup failed its integrity check: {status}")
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(destination)


__all__ = [
    "Database",
    "DatabaseError",
    "MigrationError",
    "Row",
    "backup_file",
    "from_db",
    "inserted_id",
    "to_db",
]
