"""The PostgreSQL backend (issue #13): the seam that runs the data layer's SQL there, the
schema kept in step with SQLite's, migrate-data and check. Tests that need a server skip with
a reason unless TEST_DATABASE_URL names one (CI's second pass does)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.checks import run_checks
from bot.clock import ManualClock
from bot.config import load_settings
from bot.db import Database, load_migrations
from bot.db.postgres import POSTGRES_MIGRATIONS, redact, translate
from bot.db.transfer import migrate_data
from bot.services import community, profile, wins
from bot.services.changes import Changes
from tests.databases import TEST_DATABASE_URL, create_database, drop_database

needs_server = pytest.mark.skipif(
    TEST_DATABASE_URL is None, reason="needs PostgreSQL: set TEST_DATABASE_URL"
)
NOW = datetime(2026, 11, 16, 9, tzinfo=UTC)


def test_placeholders_become_numbered_outside_quotes_and_comments() -> None:
    sql, args = translate(
        "SELECT '?', x FROM t WHERE a = ? AND b = '?:x' -- why? :y\n AND c = ?", (1, 2)
    )
    assert sql == "SELECT '?', x FROM t WHERE a = $1 AND b = '?:x' -- why? :y\n AND c = $2"
    assert args == [1, 2]
    sql, args = translate(
        "SELECT :a, :b::text, :a FROM t WHERE d = 'x:y' AND e = :b", {"a": 1, "b": "two"}
    )
    assert sql == "SELECT $1, $2::text, $1 FROM t WHERE d = 'x:y' AND e = $2"
    assert args == [1, "two"]


def test_a_nul_in_a_lookup_becomes_a_character_postgres_can_hold() -> None:
    # A hostile option value with NUL made PostgreSQL refuse the whole query (an incident).
    _, args = translate("SELECT 1 WHERE a = ? AND b = ?", ("a\x00b", 3))
    assert args == ["a\ufffdb", 3]
    _, args = translate("SELECT :x", {"x": "\x00"})
    assert args == ["\ufffd"]


def test_passwords_stay_out_of_messages() -> None:
    assert redact("postgresql://ni:secret@db:5432/ni") == "postgresql://ni:***@db:5432/ni"
    assert redact("postgresql://db/ni") == "postgresql://db/ni"


def test_migrations_are_numbered_alike() -> None:
    sqlite = [m.version for m in load_migrations()]
    postgres = [m.version for m in load_migrations(POSTGRES_MIGRATIONS)]
    assert postgres == sqlite


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    url = await create_database()
    try:
        yield url
    finally:
        await drop_database(url)


@needs_server
async def test_both_backends_have_the_same_tables_and_columns(tmp_path: Path, pg_url: str) -> None:
    async with Database.open(tmp_path / "db.sqlite") as sqlite, Database.open(pg_url) as pg:
        assert await pg.schema_version() == await sqlite.schema_version()
        assert set(await pg.tables()) == set(await sqlite.tables())
        for table in await sqlite.tables():
            assert await pg.columns(table) == await sqlite.columns(table), table


async def a_deployment(path: Path) -> None:
    """A SQLite database with a group, members, wins and their projection."""
    clock = ManualClock(NOW)
    async with Database.open(path) as db:
        for user in (1, 2):
            await community.record_presence(db, clock, user_id=user, guild_id=7, guild_name="C")
            await profile.set_timezone(db, clock, user, "Europe/Paris", changes=Changes())
            for who in ("Ann", "Bea", "Cy"):
                await wins.log_win(
                    db,
                    clock,
                    user_id=user,
                    guild_id=7,
                    kind="networking",
                    who=f"{who}{user}",
                    changes=Changes(),
                )


@needs_server
async def test_migrate_data_copies_everything_and_checks_it(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "live.db"
    await a_deployment(source)
    copied = {c.table: c.rows for c in await migrate_data(source, pg_url)}
    assert copied["wins"] == 6 and copied["group_wins"] == 6 and copied["users"] == 2
    async with Database.open(pg_url) as pg:
        # The bot carries on there: a new win gets the next id, and counts in the group.
        clock = ManualClock(NOW)
        logged = await wins.log_win(
            pg, clock, user_id=1, guild_id=7, kind="intro", who="Dee", changes=Changes()
        )
        assert logged.win_id == 7
        assert await pg.fetchval("SELECT count(*) FROM group_wins WHERE guild_id = 7") == 7
    with pytest.raises(Exception, match="not empty"):
        await migrate_data(source, pg_url)


@needs_server
def test_check_reports_the_server(pg_url: str) -> None:
    settings = load_settings(None, database_url=pg_url)
    findings = run_checks(settings, need_token=False)
    database = [f for f in findings if f.text.startswith(("PostgreSQL", "Cannot"))]
    assert database and database[0].ok, findings
    assert "schema 0 of" in database[0].text
