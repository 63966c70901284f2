from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.db import Database, Migration, MigrationError, load_migrations


def schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    finally:
        conn.close()
    return [(name, " ".join(sql.split())) for name, sql in rows]


async def test_fresh_database_reaches_latest(tmp_path: Path) -> None:
    migrations = load_migrations()
    async with Database.open(tmp_path / "fresh.db") as db:
        assert await db.schema_version() == migrations[-1].version
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        # Opening again applies nothing.
        assert await db.migrate() == (migrations[-1].version,) * 2


@pytest.mark.parametrize("start", range(len(load_migrations())))
async def test_upgrade_from_each_earlier_version(tmp_path: Path, start: int) -> None:
    migrations = load_migrations()
    async with Database.open(tmp_path / "old.db", migrate=False) as db:
        await db.migrate(migrations[:start])
        assert await db.schema_version() == start
        before, after = await db.migrate(migrations)
        assert (before, after) == (start, migrations[-1].version)
    async with Database.open(tmp_path / "fresh.db"):
        pass
    assert schema(tmp_path / "old.db") == schema(tmp_path / "fresh.db")


async def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    good = load_migrations()
    broken = [*good, Migration(len(good) + 1, "9999_broken.sql", "CREATE TABLE t (a);\nBOOM;")]
    async with Database.open(tmp_path / "db.sqlite") as db:
        with pytest.raises(MigrationError, match="unchanged"):
            await db.migrate(broken)
        assert await db.schema_version() == good[-1].version
        assert await db.fetchval("SELECT count(*) FROM sqlite_master WHERE name = 't'") == 0


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "db.sqlite") as db:
        await db.execute("PRAGMA user_version = 999")
    with pytest.raises(MigrationError, match="newer than this build"):
        async with Database.open(tmp_path / "db.sqlite"):
            pass


def test_gaps_and_bad_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="expected version 0002"):
        load_migrations(tmp_path)
    (tmp_path / "0003_c.sql").unlink()
    (tmp_path / "2-bad.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_reason\.sql"):
        load_migrations(tmp_path)


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "db.sqlite") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO bot_meta (key, value) VALUES ('k', 'v')")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT count(*) FROM bot_meta") == 0


async def test_backup_is_consistent_while_writing(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "live.db") as db:
        await db.executemany(
            "INSERT INTO bot_meta (key, value) VALUES (?, ?)", [(f"k{i}", "v") for i in range(500)]
        )
        await db.backup(tmp_path / "copy.db")
        await db.execute("INSERT INTO bot_meta (key, value) VALUES ('after', 'v')")
    conn = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert conn.execute("SELECT count(*) FROM bot_meta").fetchone() == (500,)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == load_migrations()[-1].version
    finally:
        conn.close()
    assert not (tmp_path / "copy.db.partial").exists()


async def test_0005_repairs_unpadded_years_and_reopens_abandoned_claims(tmp_path: Path) -> None:
    migrations = load_migrations()
    async with Database.open(tmp_path / "old.db", migrate=False) as db:
        await db.migrate(migrations[:4])
        await db.executemany(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?)",
            [(1, "2026-11-16T08:00:00.000000Z")],
        )
        await db.execute(
            "INSERT INTO guilds (guild_id, joined_at) VALUES (7, '2026-11-16T08:00:00.000000Z')"
        )
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) "
            "VALUES (7, 1, '2026-11-16T08:00:00.000000Z', '2026-11-16T08:00:00.000000Z')"
        )
        # What an older build stored for `/win when:0999-12-31`.
        await db.execute(
            "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
            "VALUES (1, 'networking', 'Bea', '0999-12-31', '999-12-31T12:00:00.000000Z', "
            "'2026-11-16T08:00:00.000000Z')"
        )
        await db.execute(
            "INSERT INTO deliveries (kind, target_id, period, status, claimed_at) "
            "VALUES ('post:checkin', 7, '2026-11-16', 'claimed', '2026-11-16T09:00:00.000000Z')"
        )
        await db.migrate(migrations)
        assert await db.fetchval("SELECT happened_at FROM wins") == "0999-12-31T12:00:00.000000Z"
        assert (
            await db.fetchval("SELECT happened_at FROM group_wins") == "0999-12-31T12:00:00.000000Z"
        )
        row = await db.fetchone("SELECT status, due_at, lease_until, attempts FROM deliveries")
        assert tuple(row) == (
            "claimed",
            "2026-11-16T09:00:00.000000Z",
            "2026-11-16T09:00:00.000000Z",
            1,
        )
