"""Everything stored about one person, found by walking the schema.

Every table that holds data about a person has a ``user_id`` column (ARCHITECTURE.md's rule),
so export and delete need no list of tables that a future migration could forget to update.
"""

from __future__ import annotations

from typing import Any

from bot.db.core import Database


async def personal_tables(db: Database) -> list[str]:
    """Tables with a ``user_id`` column, in schema order."""
    return [name for name in await db.tables() if "user_id" in await db.columns(name)]


async def rows_for(db: Database, user_id: int) -> dict[str, list[dict[str, Any]]]:
    export: dict[str, list[dict[str, Any]]] = {}
    for table in await personal_tables(db):
        # Table names come from the database's own catalogue, never from input.
        query = f'SELECT * FROM "{table}" WHERE user_id = ?'  # noqa: S608
        export[table] = [dict(row) for row in await db.fetchall(query, (user_id,))]
    return export


async def delete_everything(db: Database, user_id: int) -> int:
    """Delete every row about the person in one transaction; returns rows removed."""
    tables = await personal_tables(db)
    removed = 0
    async with db.transaction() as conn:
        # Children before parents, so foreign keys never block (cascades cover the rest).
        for table in sorted(tables, key=lambda t: t == "users"):
            query = f'DELETE FROM "{table}" WHERE user_id = ?'  # noqa: S608
            cursor = await conn.execute(query, (user_id,))
            removed += max(cursor.rowcount, 0)
    return removed
