"""Facts the bot keeps about itself (``bot_meta``)."""

from __future__ import annotations

from bot.db.core import Database


async def get(db: Database, key: str) -> str | None:
    query = "SELECT value FROM bot_meta WHERE key = ?"
    return await db.fetchval(query, (key,))


async def put(db: Database, key: str, value: str) -> None:
    query = """
        INSERT INTO bot_meta (key, value) VALUES (?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
    """
    await db.execute(query, (key, value))
