"""Who is where: groups the bot is in and the people who use it there."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.db import Database
from bot.db import groups as groups_db
from bot.db import people as people_db
from bot.services.delivery import Due

WELCOME_KIND = "welcome"
# A welcome the bot could not send when it joined is tried again for a day.
WELCOME_KINDS = {WELCOME_KIND: timedelta(days=1)}


async def record_presence(
    db: Database, clock: Clock, *, user_id: int, guild_id: int | None, guild_name: str = ""
) -> None:
    """Note that a person used the bot, and in which server: a win then counts there."""
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        if guild_id is not None:
            await groups_db.upsert(conn, guild_id, guild_name, now)
            await people_db.touch_member(conn, guild_id, user_id, now)


async def group_joined(db: Database, clock: Clock, *, guild_id: int, name: str) -> Due | None:
    """Record a server the bot is in; the first time, the welcome to deliver."""
    now = clock.now()
    async with db.transaction() as conn:
        await groups_db.upsert(conn, guild_id, name, now)
        first = await groups_db.mark_welcomed(conn, guild_id, now)
    return Due(WELCOME_KIND, guild_id, "once", now, guild_id=guild_id) if first else None


async def group_left(db: Database, clock: Clock, *, guild_id: int) -> None:
    """The bot was removed: keep the group's data (it may come back) but stop its schedules."""
    async with db.transaction() as conn:
        await groups_db.mark_left(conn, guild_id, clock.now())
