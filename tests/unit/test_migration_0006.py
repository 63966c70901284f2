"""Migration 0006 (issue #10): a group's wins are keyed by the day each happened as its member
lived it; wins stored before keep their groups and get their day."""

from __future__ import annotations

from pathlib import Path

from bot.db import Database, load_migrations

STAMP = "2026-11-16T08:00:00.000000Z"


async def test_0006_gives_every_group_win_its_day_and_keeps_the_triggers(tmp_path: Path) -> None:
    migrations = load_migrations()
    async with Database.open(tmp_path / "old.db", migrate=False) as db:
        await db.migrate(migrations[:5])
        await db.execute("INSERT INTO users (user_id, created_at) VALUES (1, ?)", (STAMP,))
        await db.execute("INSERT INTO guilds (guild_id, joined_at) VALUES (7, ?)", (STAMP,))
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (7, 1, ?, ?)",
            (STAMP, STAMP),
        )
        # Monday in Tokyo, still Sunday in UTC.
        await db.execute(
            "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
            "VALUES (1, 'interview', 'Acme', '2026-11-23', '2026-11-22T23:00:00.000000Z', ?)",
            (STAMP,),
        )
        await db.migrate(migrations)
        row = await db.fetchone("SELECT guild_id, happened_on, happened_at FROM group_wins")
        assert tuple(row) == (7, "2026-11-23", "2026-11-22T23:00:00.000000Z")
        # A new win, a new group and leaving a group still keep the projection in step.
        await db.execute(
            "INSERT INTO wins (user_id, kind, who, happened_on, happened_at, created_at) "
            "VALUES (1, 'offer', 'Acme', '2026-11-24', '2026-11-24T09:00:00.000000Z', ?)",
            (STAMP,),
        )
        await db.execute("INSERT INTO guilds (guild_id, joined_at) VALUES (8, ?)", (STAMP,))
        await db.execute(
            "INSERT INTO members (guild_id, user_id, joined_at, last_seen_at) VALUES (8, 1, ?, ?)",
            (STAMP, STAMP),
        )
        rows = await db.fetchall(
            "SELECT guild_id, happened_on FROM group_wins ORDER BY guild_id, happened_on"
        )
        assert [tuple(r) for r in rows] == [
            (7, "2026-11-23"),
            (7, "2026-11-24"),
            (8, "2026-11-23"),
            (8, "2026-11-24"),
        ]
        await db.execute("DELETE FROM members WHERE guild_id = 7")
        assert await db.fetchval("SELECT count(*) FROM group_wins WHERE guild_id = 7") == 0
