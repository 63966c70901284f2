"""The PostgreSQL backend: ``DATABASE_URL=postgresql://...``, for several processes.

Driver: asyncpg, the asyncio-native PostgreSQL driver (a binary protocol implementation, the
fastest and most used with asyncio; psycopg 3 would be the other good choice, but its async
mode adds a layer this bot does not need). The data layer's SQL is written once for both
backends; this module is the thin seam that makes it run here:

- placeholders: ``?`` and ``:name`` become ``$1..$n`` (translated once per query text);
- ids: an ``INSERT`` without ``RETURNING`` gets ``RETURNING *``, so ``cursor.lastrowid`` is
  the new row's first column (every table with a generated id declares it first);
- writes: every write transaction first takes one transaction-scoped advisory lock, so write
  transactions never run at the same time, across processes too. The data layer was written
  for SQLite's single writer (read-then-write inside one transaction is safe there), and this
  keeps that true without auditing every query; write transactions last milliseconds, and
  reads never wait for it.
- migrations: their own files (``migrations/postgres/``, numbered like SQLite's), the version
  in a one-row table.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.db.core import Database, DatabaseBusy, DatabaseError
from bot.db.migrations import MIGRATIONS_DIR, Migration, MigrationError, load_migrations

log = logging.getLogger(__name__)

POSTGRES_MIGRATIONS = MIGRATIONS_DIR / "postgres"
# The write lock: one advisory lock key for "a write transaction of Next Interview".
WRITE_LOCK = 0x4E495754  # "NIWT"
CONNECT_TIMEOUT = 10.0
POOL_SIZE = 10

_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|::|\?|(?<![:\w]):([A-Za-z_]\w*)""")


@lru_cache(maxsize=2048)
def _positional(query: str) -> str:
    """``?`` placeholders as ``$1..$n`` (outside quotes and comments)."""
    counter = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal counter
        if match.group(0) != "?":
            return match.group(0)
        counter += 1
        return f"${counter}"

    return _TOKEN.sub(swap, query)


@lru_cache(maxsize=2048)
def _named(query: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` placeholders as ``$n`` (one number per name), and the names in order."""
    names: list[str] = []

    def swap(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _TOKEN.sub(swap, query), tuple(names)


def _value(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL, SQLite's can. Stored text never has one (the text
    # cleaner removes control characters), so a NUL can only arrive in a lookup: swapped for
    # U+FFFD it still matches nothing, where the raw byte would be a server error.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def translate(query: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple[str, list[Any]]:
    """A query written for SQLite, and its parameters, as asyncpg takes them."""
    if isinstance(params, dict):
        sql, names = _named(query)
        return sql, [_value(params[name]) for name in names]
    return _positional(query), [_value(value) for value in params]


def _has_statements(sql: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in sql.splitlines())


def _verb(sql: str) -> str:
    for line in sql.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            return stripped.split(None, 1)[0].upper()
    return ""


class Record(tuple[Any, ...]):
    """A row whose numbers came back as Decimal (PostgreSQL's sum of integers), as integers;
    readable by index, by column name and with dict(), like the other rows."""

    _keys: tuple[str, ...]

    def __new__(cls, record: asyncpg.Record) -> Record:
        values = tuple(
            int(v) if isinstance(v, Decimal) and v == v.to_integral_value() else v
            for v in record.values()
        )
        row = super().__new__(cls, values)
        row._keys = tuple(record.keys())
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._keys.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._keys


def _row(record: asyncpg.Record | None) -> Any:
    if record is None:
        return None
    if any(isinstance(value, Decimal) for value in record.values()):
        return Record(record)
    return record


class Cursor:
    """What the data layer reads after ``conn.execute``: rows, how many, the new id."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Any]:
        return list(self._rows)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None


class _Call:
    """``await conn.execute(...)`` and ``async with conn.execute(...) as cursor`` alike."""

    def __init__(self, conn: asyncpg.Connection, query: str, params: Any) -> None:
        self._conn, self._query, self._params = conn, query, params

    def __await__(self) -> Generator[Any, None, Cursor]:
        return run(self._conn, self._query, self._params).__await__()

    async def __aenter__(self) -> Cursor:
        return await run(self._conn, self._query, self._params)

    async def __aexit__(self, *_: object) -> None:
        return None


async def run(conn: asyncpg.Connection, query: str, params: Any = ()) -> Cursor:
    sql, args = translate(query, params)
    sql = sql.strip().rstrip(";")
    verb = _verb(sql)
    returns = verb in ("SELECT", "WITH", "VALUES") or re.search(r"\bRETURNING\b", sql, re.I)
    inserting = verb == "INSERT" and not returns
    if inserting:
        sql += " RETURNING *"
    if returns or inserting:
        rows = [_row(r) for r in await conn.fetch(sql, *args)]
        lastrowid = rows[0][0] if inserting and rows and isinstance(rows[0][0], int) else None
        return Cursor(rows, len(rows), lastrowid)
    status = await conn.execute(sql, *args)
    last = status.rsplit(" ", 1)[-1]
    return Cursor([], int(last) if last.isdigit() else -1, None)


class Connection:
    """The connection a write transaction yields: the calls the data layer makes on it."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    def execute(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Call:
        return _Call(self._conn, query, params)

    async def executemany(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        sql, _ = translate(query, ())
        await self._conn.executemany(sql, [[_value(value) for value in row] for row in rows])


# Failures that pass: the server restarting, a dropped connection, too many clients.
_UNREACHABLE = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,
)


@contextmanager
def busy_when_unreachable() -> Iterator[None]:
    """The server out of reach for a moment reads as DatabaseBusy (callers retry), like a
    locked SQLite file."""
    try:
        yield
    except _UNREACHABLE as exc:
        raise DatabaseBusy(f"PostgreSQL is not reachable right now ({exc})") from exc


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresDatabase(Database):
    """The PostgreSQL backend; see the module docstring."""

    dialect = "postgresql"

    def __init__(self, url: str, pool: asyncpg.Pool) -> None:
        self.url = url
        self.target = redact(url)
        self._pool = pool
        self._closed = False

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:  # type: ignore[override]
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT,
                # Long-lived statement caches break when a migration changes a table.
                statement_cache_size=0,
            )
        except (OSError, asyncpg.PostgresError, ValueError) as exc:
            raise DatabaseError(
                f"Cannot open the PostgreSQL database {redact(url)} ({exc}): check DATABASE_URL "
                "(server, port, database name, user) and that the server is running."
            ) from exc
        return cls(url, pool)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._pool.close()

    # -- reads -------------------------------------------------------------------------------

    async def fetchone(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        sql, args = translate(query, params)
        with busy_when_unreachable():
            async with self._pool.acquire() as conn:
                return _row(await conn.fetchrow(sql, *args))

    async def fetchall(self, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        sql, args = translate(query, params)
        with busy_when_unreachable():
            async with self._pool.acquire() as conn:
                return [_row(r) for r in await conn.fetch(sql, *args)]

    # -- writes ------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:  # type: ignore[override]
        with busy_when_unreachable():
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
                yield Connection(conn)

    # -- schema ------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._pool.acquire() as conn:
            exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
            if not exists:
                return 0
            return int(await conn.fetchval("SELECT version FROM schema_version") or 0)

    async def migrate(self, migrations: list[Migration] | None = None) -> tuple[int, int]:
        """Apply every pending migration in one transaction (PostgreSQL's DDL is
        transactional: a failed upgrade leaves schema and version as they were)."""
        migrations = load_migrations(POSTGRES_MIGRATIONS) if migrations is None else migrations
        latest = migrations[-1].version if migrations else 0
        async with self._pool.acquire() as conn, conn.transaction():
            # Two processes starting together: one migrates, the other waits and finds it done.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"
            )
            current = await conn.fetchval("SELECT version FROM schema_version")
            if current is None:
                await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                current = 0
            if current > latest:
                raise MigrationError(
                    f"The database {self.target} is at schema version {current}, newer than "
                    f"this build knows ({latest}): upgrade Next Interview or restore a backup."
                )
            pending = [m for m in migrations if m.version > current]
            for migration in pending:
                if not _has_statements(migration.sql):
                    continue  # a number kept for SQLite's sake (see migrations/postgres/0001)
                try:
                    await conn.execute(migration.sql)
                except asyncpg.PostgresError as exc:
                    raise MigrationError(
                        f"Migration to version {migration.version} failed ({exc}); the "
                        f"database is unchanged at version {current}."
                    ) from exc
            if pending:
                await conn.execute("UPDATE schema_version SET version = $1", pending[-1].version)
                log.info("Database migrated from schema %d to %d", current, pending[-1].version)
                return current, pending[-1].version
            return current, current

    def list_agg(self, expression: str) -> str:
        return f"string_agg(DISTINCT {expression}, ',')"

    async def tables(self) -> list[str]:
        query = """
            SELECT c.relname FROM pg_class AS c
            JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = current_schema()
              AND c.relname <> 'schema_version'
            ORDER BY c.oid
        """
        return [row[0] for row in await self.fetchall(query)]

    async def columns(self, table: str) -> list[str]:
        query = """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
        """
        return [row[0] for row in await self.fetchall(query, (table,))]

    async def vacuum_analyze(self) -> None:
        """VACUUM (ANALYZE) the whole database: after a bulk load (migrate-data)."""
        with busy_when_unreachable():
            async with self._pool.acquire() as conn:
                await conn.execute("VACUUM (ANALYZE)")  # never inside a transaction

    async def backup(self, destination: str | Path) -> None:
        raise DatabaseError(
            "Back up a PostgreSQL database with its own tools: pg_dump --format=custom "
            f"{self.target} > backup.dump (restore with pg_restore)."
        )
