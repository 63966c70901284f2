"""``nextinterview migrate-data --to postgresql://...``: a SQLite deployment, copied whole into
an empty PostgreSQL database, in one transaction, checked table by table."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.db.core import Database, DatabaseError, SqliteDatabase
from bot.db.postgres import Connection, PostgresDatabase

log = logging.getLogger(__name__)

BATCH = 2_000
# Kept in step by triggers on PostgreSQL as on SQLite: rebuilt by copying what it projects.
PROJECTIONS = {"group_wins"}


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    rows: int


async def migrate_data(source: Path, target: str) -> list[Copied]:
    """Copy every row of the SQLite database at ``source`` into the PostgreSQL database at
    ``target`` (which must be empty), then compare row counts; raises DatabaseError."""
    if not await asyncio.to_thread(source.exists):
        raise DatabaseError(f"No SQLite database at {source}: check DATABASE_PATH.")
    async with Database.open(source) as sqlite, Database.open(target) as postgres:
        if not isinstance(sqlite, SqliteDatabase) or not isinstance(postgres, PostgresDatabase):
            raise DatabaseError("migrate-data copies a SQLite file into a PostgreSQL URL.")
        if await sqlite.schema_version() != await postgres.schema_version():
            raise DatabaseError("The two databases are at different schema versions.")
        filled = [t for t in await postgres.tables() if await _count(postgres, t)]
        if filled:
            raise DatabaseError(
                f"{postgres.target} is not empty ({', '.join(filled[:5])} have rows): "
                "migrate-data only fills a new, empty database."
            )
        order = await _parents_first(postgres)
        tables = [t for t in order if t in set(await sqlite.tables())]
        copied = []
        async with postgres.transaction() as conn:
            for table in tables:
                if table in PROJECTIONS:
                    continue
                columns = await sqlite.columns(table)
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" for _ in columns)
                # Names come from the databases' own catalogues, never from input.
                insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
                select = f'SELECT {names} FROM "{table}"'  # noqa: S608
                rows = [tuple(r) for r in await sqlite.fetchall(select)]
                for start in range(0, len(rows), BATCH):
                    await conn.executemany(insert, rows[start : start + BATCH])
                log.info("Copied %d rows of %s", len(rows), table)
            await _continue_ids(conn, tables)
            # Checked before the commit: a count that differs leaves the target empty.
            for table in tables:
                want = await _count(sqlite, table)
                counted = f'SELECT count(*) FROM "{table}"'  # noqa: S608 - from the catalogue
                got = int((await (await conn.execute(counted)).fetchone())[0])
                if want != got:
                    raise DatabaseError(
                        f"{table}: {want} rows in {source} but {got} would be in "
                        f"{postgres.target}; nothing was copied."
                    )
                copied.append(Copied(table, got))
        # Fresh statistics and visibility map for the planner (autovacuum would get there
        # eventually): without them, the first weeks run on guesses and heap reads.
        await postgres.vacuum_analyze()
        return copied


async def _count(db: Database, table: str) -> int:
    return int(await db.fetchval(f'SELECT count(*) FROM "{table}"'))  # noqa: S608


async def _parents_first(db: PostgresDatabase) -> list[str]:
    """Tables in an order where every table comes after the ones it references."""
    query = """
        SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
        WHERE contype = 'f' AND conrelid <> confrelid
    """
    parents: dict[str, set[str]] = {t: set() for t in await db.tables()}
    for child, parent in await db.fetchall(query):
        parents.setdefault(child.strip('"'), set()).add(parent.strip('"'))
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, ps in parents.items() if not (ps - set(ordered)))
        if not ready:
            raise DatabaseError(f"Tables reference each other in a cycle: {sorted(parents)}")
        ordered.extend(ready)
        for table in ready:
            del parents[table]
    return ordered


async def _continue_ids(conn: Connection, tables: list[str]) -> None:
    """Generated ids carry on after the copied ones instead of starting again at 1."""
    query = """
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND is_identity = 'YES'
    """
    identity = await (await conn.execute(query)).fetchall()
    for table, column in identity:
        if table in tables:
            # Names come from the catalogue, never from input.
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "  # noqa: S608
                f'coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
            )
