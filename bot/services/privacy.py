"""A member's own data: hide from leaderboards, export everything, delete everything."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.clock import Clock
from bot.db import Database
from bot.db import people as people_db
from bot.db import privacy as privacy_db
from bot.db import rhythm as rhythm_db
from bot.errors import InvalidInput
from bot.services import public
from bot.services.exercises import sheets
from bot.services.exercises.catalog import Catalog


async def set_hidden(
    db: Database, clock: Clock, *, guild_id: int, user_id: int, hidden: bool
) -> None:
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        if not await rhythm_db.set_hidden(conn, guild_id, user_id, hidden):
            raise InvalidInput("Use this in your group's server.")


@dataclass(frozen=True, slots=True)
class Export:
    json_text: str
    markdown: str
    rows: int


async def export(db: Database, clock: Clock, catalog: Catalog, *, user_id: int) -> Export:
    data = await privacy_db.rows_for(db, user_id)
    for row in data.get("exercise_runs", []) + data.get("exercise_results", []):
        for key in ("state", "data", "pending_effects"):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
    document = {"user_id": user_id, "exported_at": clock.now().isoformat(), "tables": data}
    return Export(
        json_text=json.dumps(document, indent=2, ensure_ascii=False, default=str),
        markdown=await sheets.export_markdown(db, clock, catalog, user_id=user_id),
        rows=sum(len(rows) for rows in data.values()),
    )


async def public_posts(db: Database, *, user_id: int) -> list[public.PublicPost]:
    """Messages the bot posted in groups on the member's behalf (to remove with their data)."""
    return [p for p in await public.for_user(db, user_id) if p.message_id is not None]


async def delete(db: Database, *, user_id: int) -> int:
    return await privacy_db.delete_everything(db, user_id)
