"""Messages posted in a group on a member's behalf (a shared plan, a win celebration, a
finished exercise): one per thing shared, named only when the member is not hidden, and
remembered so /me delete can remove them."""

from __future__ import annotations

from bot.clock import Clock
from bot.db import Database
from bot.db import people as people_db
from bot.db import public_posts as public_db
from bot.db import rhythm as rhythm_db
from bot.db.public_posts import PublicPost

__all__ = ["PublicPost", "claim", "for_user", "is_hidden", "posted", "release"]


async def claim(
    db: Database, clock: Clock, *, user_id: int, guild_id: int, kind: str, ref: str
) -> PublicPost:
    """The one public post of ``kind`` about ``ref``: new (``created``) or as it was left."""
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        return await public_db.claim(
            conn, user_id=user_id, guild_id=guild_id, kind=kind, ref=ref, now=now
        )


async def posted(db: Database, post: PublicPost, channel_id: int, message_id: int) -> None:
    await public_db.posted(db, post.post_id, channel_id, message_id)


async def release(db: Database, post: PublicPost) -> None:
    """The message could not be posted: let the member try again."""
    await public_db.release(db, post.post_id)


async def for_user(db: Database, user_id: int) -> list[PublicPost]:
    return await public_db.for_user(db, user_id)


async def is_hidden(db: Database, guild_id: int, user_id: int) -> bool:
    """Whether the member asked not to be named in this group's public posts."""
    return await rhythm_db.is_hidden(db, guild_id, user_id)
