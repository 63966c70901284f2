"""``nextinterview check``: everything that can be verified before going live."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.db import DatabaseError, MigrationError, load_migrations
from bot.db.core import BUSY_TIMEOUT_MS, database_problem
from bot.paths import exercises_dir
from bot.services.exercises.loader import check_all

# Below this a migration or a busy day's write-ahead log may not fit, and SQLite fails mid-write.
MIN_FREE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    text: str


def run_checks(settings: Settings, *, need_token: bool = True) -> list[Finding]:
    """Each check's result as one line; a failed one names the fix."""
    findings: list[Finding] = []

    def attempt(label: str, check: object) -> None:
        try:
            detail = check() if callable(check) else None
        except (ConfigError, MigrationError, DatabaseError) as exc:
            findings.append(Finding(False, str(exc)))
        else:
            findings.append(Finding(True, f"{label}{': ' + detail if detail else ''}"))

    if need_token:
        attempt("DISCORD_TOKEN is set and well-formed", settings.token)
        attempt("application id", lambda: str(settings.application_id()))
    if settings.database_url:
        attempt("PostgreSQL", lambda: asyncio.run(_check_postgres(settings.database_url or "")))
    else:
        attempt("DATABASE_PATH is writable", lambda: settings.check_database_path(create=False))
        attempt("free disk space", lambda: _check_free_space(settings.database_path))
        attempt("migrations", lambda: _check_migrations(settings.database_path))
    findings.extend(_check_exercises(settings.exercises_dir or exercises_dir()))
    return findings


async def _check_postgres(url: str) -> str:
    """The server answers, and its schema is one this build can use (or upgrade)."""
    from bot.db.postgres import POSTGRES_MIGRATIONS, PostgresDatabase

    migrations = load_migrations(POSTGRES_MIGRATIONS)
    latest = migrations[-1].version if migrations else 0
    if [m.version for m in migrations] != [m.version for m in load_migrations()]:
        raise MigrationError("The SQLite and PostgreSQL migrations are not numbered alike.")
    db = await PostgresDatabase.connect(url)
    try:
        current = await db.schema_version()
    finally:
        await db.close()
    if current > latest:
        raise MigrationError(
            f"The database {db.target} is at schema {current}, newer than this build "
            f"({latest}): upgrade Next Interview or restore a backup."
        )
    pending = latest - current
    return f"{db.target} answers, schema {current} of {latest}" + (
        f" ({pending} migration(s) will apply at start)" if pending else ""
    )


def _check_migrations(database: Path) -> str:
    migrations = load_migrations()
    latest = migrations[-1].version if migrations else 0
    # Every migration must apply cleanly to an empty database, in order.
    scratch = sqlite3.connect(":memory:")
    try:
        for migration in migrations:
            try:
                scratch.executescript(migration.sql)
            except sqlite3.Error as exc:
                raise MigrationError(f"{migration.name} does not apply: {exc}") from None
    finally:
        scratch.close()
    if not database.exists():
        return f"{latest} valid; a new database will be created at {database}"
    current = _open_as_run_would(database)
    if current > latest:
        raise MigrationError(
            f"The database {database} is at schema {current}, newer than this build ({latest}): "
            "upgrade Next Interview or restore a backup."
        )
    pending = latest - current
    return f"database at schema {current} of {latest}" + (
        f" ({pending} migration(s) will apply at start)" if pending else ""
    )


def _open_as_run_would(database: Path) -> int:
    """The database's schema version, once it has been opened the way ``run`` opens it.

    The schema is read and the write lock taken and released, writing nothing, so a file that
    is not a database, is damaged, read-only or locked by another program fails here as it
    would at start. ``mode=rw`` never creates the file.
    """
    try:
        conn = sqlite3.connect(
            f"{database.resolve().as_uri()}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise database_problem(exc, database) from exc
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchall()
        (current,) = conn.execute("PRAGMA user_version").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise database_problem(exc, database) from exc
    finally:
        conn.close()
    return int(current)


def _check_free_space(database: Path) -> str:
    folder = database.parent
    while not folder.exists():
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        raise DatabaseError(
            f"The disk holding {database} has {free // 1024} KB free: free some space on it "
            "before starting the bot."
        )
    return f"{free // 2**20:,} MB where DATABASE_PATH lives"


def _check_exercises(directory: Path) -> list[Finding]:
    if not directory.is_dir():
        return [Finding(False, f"No exercise folder at {directory}: reinstall the package.")]
    report = check_all(directory)
    if not report:
        return [Finding(False, f"No exercise files in {directory}: reinstall the package.")]
    return [
        Finding(True, f"exercise {name}")
        if problem is None
        else Finding(False, f"{problem}: fix the file (see data/exercises/README.md).")
        for name, problem in report
    ]
