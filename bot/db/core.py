"""The database: one interface, two backends.

:class:`Database` is what services and the data layer see: reads (``fetchone``, ``fetchall``,
``fetchval``), one atomic write at a time (``transaction``), migrations and a schema version.
``Database.connect(target)`` opens SQLite for a file path (the default) or PostgreSQL for a
``postgresql://`` URL (:mod:`bot.db.postgres`); queries are written once, with ``?`` (or
``:name``) placeholders, in SQL both understand.

SQLite: two aiosqlite connections, one writer, serialised by a lock so a transaction never
interleaves with another coroutine's writes, and one reader, so reads in WAL mode never queue
behind a write. Every connection is closed on every path: an aiosqlite connection owns a
non-daemon thread, and one left open keeps the process alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


class DatabaseBusy(Exception):
    """The database could not be reached or was busy just now: try again later."""


# What a caller may treat as "try again soon": SQLite's busy or locked file, and the server
# backend's lost connections (raised as DatabaseBusy by bot.db.postgres).
TRANSIENT_DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, DatabaseBusy)


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


def is_database_url(target: str | Path) -> bool:
    """Whether ``target`` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Database:
    """The application's database, whichever backend. Open with ``async with
    Database.open(path_or_url)``; the data layer's queries run unchanged on both."""

    dialect: str = "sqlite"
    # What to name in messages: the file, or the server and database (never a password).
    target: str = ""

    @classmethod
    async def connect(cls, target: str | Path) -> Database:
        """Open the database (migrations are separate): SQLite for a path, PostgreSQL for a
        ``postgresql://`` URL."""
        if is_database_url(target):
            from bot.db.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(target))
        return await SqliteDatabase.connect(target)

    @classmethod
    @asynccontextmanager
    async def open(cls, target: str | Path, *, migrate: bool = True) -> AsyncIterator[Database]:
        db = await cls.connect(target)
        try:
            if migrate:
                await db.migrate()
            yield db
        finally:
            await db.close()

    async def close(self) -> None:
        raise NotImplementedError

    async def fetchone(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        raise NotImplementedError

    async def fetchall(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchval(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(query, params)
        return None if row is None else row[0]

    def transaction(self) -> contextlib.AbstractAsyncContextManager[Any]:
        """One atomic write; write transactions never run at the same time (the data layer
        relies on it, as it relies on SQLite's single writer)."""
        raise NotImplementedError

    async def execute(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write in its own transaction; returns the number of rows changed."""
        async with self.transaction() as conn:
            cursor = await conn.execute(query, params)
            return int(cursor.rowcount)

    async def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(query, rows)

    async def schema_version(self) -> int:
        raise NotImplementedError

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        raise NotImplementedError

    def list_agg(self, expression: str) -> str:
        """SQL for the distinct values of ``expression`` in a group, comma-separated."""
        return f"group_concat(DISTINCT {expression})"

    async def tables(self) -> list[str]:
        """Every table of the application, in the order they were created."""
        raise NotImplementedError

    async def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    async def backup(self, destination: str | Path) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    """The SQLite backend (the default): a file, one process."""

    dialect = "sqlite"

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self.target = str(path)
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def connect(cls, path: str | Path) -> SqliteDatabase:  # type: ignore[override]
        """Open both connections and apply the pragmas (migrations are separate).

        A file the bot cannot use (not a database, damaged, locked by another program,
        read-only, on a full disk) is refused here with a :class:`DatabaseError` naming the
        fix, so ``run`` stops before anything talks to Discord.
        """
        path = Path(path)
        writer = await _open(path)
        try:
            await _check_writable(writer, path)
            reader = await _open(path)
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader)

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

    # -- writes ------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:  # type: ignore[override]
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

    # -- schema ------------------------------------------------------------------------------

    async def tables(self) -> list[str]:
        query = """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            ORDER BY rowid
        """
        return [row[0] for row in await self.fetchall(query)]

    async def columns(self, table: str) -> list[str]:
        return [
            row[0] for row in await self.fetchall("SELECT name FROM pragma_table_info(?)", (table,))
        ]

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
                # A full disk or a lock is the file's problem, not the migration's: say so.
                problem = describe_problem(exc, self.path)
                raise MigrationError(
                    f"Migration to version {pending[-1].version} failed; the database is "
                    f"unchanged at version {current}: {problem}"
                    if problem
                    else f"Migration to version {pending[-1].version} failed ({exc}); the "
                    f"database is unchanged at version {current}."
                ) from exc
            log.info("Database migrated from schema %d to %d", current, pending[-1].version)
            return current, pending[-1].version

    async def backup(self, destination: str | Path) -> None:
        """A consistent copy of the live database through SQLite's online backup API."""
        await backup_file(self.path, Path(destination))


async def _open(path: Path) -> aiosqlite.Connection:
    try:
        # The timeout bounds the wait for a lock from the first statement on, before the
        # busy_timeout pragma has run.
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise database_problem(exc, path) from exc
    try:
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        # Reading the schema makes SQLite check the header against the file: one that is not
        # a database or was cut short is refused here, not at the first command. Read to the
        # end, so the statement does not hold a read snapshot open.
        async with conn.execute("SELECT count(*) FROM sqlite_schema") as cursor:
            await cursor.fetchall()
    except sqlite3.Error as exc:
        await conn.close()
        raise database_problem(exc, path) from exc
    except BaseException:
        await conn.close()
        raise
    return conn


async def _check_writable(conn: aiosqlite.Connection, path: Path) -> None:
    """Take the write lock once and let it go, writing nothing.

    In WAL mode another program's lock does not stop reads, so without this a locked file
    would only fail at the first write. The wait is bounded by the busy timeout.
    """
    try:
        await conn.execute("BEGIN IMMEDIATE")
        await conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise database_problem(exc, path) from exc


# Fixes that several of the messages below name.
_RESTORE = (
    "stop the bot, copy your latest backup over DATABASE_PATH and start it again "
    "(see Operations in the README)"
)
_WRITABLE = (
    "make it and its folder writable by the bot's user (SQLite writes -wal and -shm files "
    "beside it), or point DATABASE_PATH at a file in a directory the bot can write to"
)


def _primary_code(exc: sqlite3.Error) -> int | None:
    # Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT...) keep the primary in the low byte.
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def describe_problem(exc: sqlite3.Error, path: Path) -> str | None:
    """One line saying what is wrong with the database file and the fix, or None for a bug.

    Only the errors a person can act on are described, by SQLite's primary result code.
    """
    code = _primary_code(exc)
    if code == sqlite3.SQLITE_NOTADB:
        return (
            f"{path} is not a SQLite database: point DATABASE_PATH at the bot's database, or "
            f"{_RESTORE}."
        )
    if code == sqlite3.SQLITE_CORRUPT:
        return f"{path} is damaged ({exc}): {_RESTORE}."
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"{path} is locked by another program (still busy after "
            f"{BUSY_TIMEOUT_MS // 1000} s): stop the other program using it (another copy of "
            "the bot, a backup, an SQLite browser) and start again."
        )
    if code in (
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_AUTH,
    ):
        return f"{path} cannot be opened for writing ({exc}): {_WRITABLE}."
    if code == sqlite3.SQLITE_FULL:
        return f"The disk holding {path} is full: free some space on it and start again."
    if code == sqlite3.SQLITE_IOERR:
        return (
            f"Cannot read or write {path} ({exc}): make sure its disk has free space and "
            "works, then start again."
        )
    return None


def database_problem(exc: sqlite3.Error, path: Path) -> DatabaseError:
    """``exc`` as a :class:`DatabaseError` whose one-line message names the fix."""
    return DatabaseError(
        describe_problem(exc, path) or f"{path}: {exc}: check DATABASE_PATH, or {_RESTORE}."
    )


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
    partial = destination.with_name(destination.name + ".partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
    except OSError as exc:
        raise _backup_target_problem(destination, exc) from exc
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise database_problem(exc, source) from exc
    try:
        # Read the schema first so a broken source is named as such, not as a failed copy.
        src.execute("SELECT count(*) FROM sqlite_schema").fetchall()
    except sqlite3.Error as exc:
        src.close()
        raise database_problem(exc, source) from exc
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1 copies everything under one read lock: a single consistent snapshot.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
            (status,) = dst.execute("PRAGMA quick_check").fetchone()
            if status != "ok":
                raise DatabaseError(
                    f"{source} looks damaged: its copy failed SQLite's integrity check "
                    f"({status}): keep your earlier backups and {_RESTORE}."
                )
        finally:
            dst.close()
        partial.replace(destination)
    except sqlite3.Error as exc:
        _discard(partial)
        if _primary_code(exc) in (
            sqlite3.SQLITE_NOTADB,
            sqlite3.SQLITE_CORRUPT,
            sqlite3.SQLITE_BUSY,
        ):
            raise database_problem(exc, source) from exc
        raise _backup_target_problem(destination, exc) from exc
    except OSError as exc:
        _discard(partial)
        raise _backup_target_problem(destination, exc) from exc
    except BaseException:
        _discard(partial)
        raise
    finally:
        src.close()


def _discard(partial: Path) -> None:
    # Best effort: failing to remove the half-written copy must not hide why the backup failed.
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _backup_target_problem(destination: Path, exc: Exception) -> DatabaseError:
    return DatabaseError(
        f"Cannot write the backup {destination} ({exc}): choose a path in a folder you can "
        "write to, on a disk with free space."
    )


__all__ = [
    "Database",
    "DatabaseError",
    "MigrationError",
    "Row",
    "backup_file",
    "database_problem",
    "describe_problem",
    "from_db",
    "inserted_id",
    "to_db",
]
