"""Messages the bot posted in a group on a member's behalf: claimed before posting, so a
double press posts once, and found again by the member's id, so /me delete can remove them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.db.core import Database, Row, from_db, to_db

# A claim still without a message this long after it was made was abandoned (a crash between
# claiming and posting): it may be posted again, with the same nonce.
ABANDONED_AFTER = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class PublicPost:
    post_id: int
    user_id: int
    guild_id: int
    kind: str
    ref: str
    channel_id: int | None
    message_id: int | None
    created_at: datetime
    created: bool  # True when this call made the claim; False when it existed already

    def to_post(self, now: datetime) -> bool:
        """Whether the caller should post now: a new claim, or one abandoned unposted."""
        return self.created or (self.message_id is None and now - self.created_at > ABANDONED_AFTER)


async def claim(
    conn: aiosqlite.Connection,
    *,
    user_id: int,
    guild_id: int,
    kind: str,
    ref: str,
    now: datetime,
) -> PublicPost:
    """Claim the one public post of ``kind`` about ``ref``; an earlier claim is returned as it is
    (``created`` False), with its message id if it was posted."""
    query = """
        INSERT INTO public_posts (user_id, guild_id, kind, ref, created_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, guild_id, user_id, ref) DO NOTHING
    """
    cursor = await conn.execute(query, (user_id, guild_id, kind, ref, to_db(now)))
    created = cursor.rowcount == 1
    query = """
        SELECT * FROM public_posts WHERE kind = ? AND guild_id = ? AND user_id = ? AND ref = ?
    """
    async with conn.execute(query, (kind, guild_id, user_id, ref)) as rows:
        row = await rows.fetchone()
    if row is None:
        raise RuntimeError("a public post claim vanished inside its own transaction")
    return _post(row, created)


async def posted(db: Database, post_id: int, channel_id: int, message_id: int) -> None:
    query = "UPDATE public_posts SET channel_id = ?, message_id = ? WHERE post_id = ?"
    await db.execute(query, (channel_id, message_id, post_id))


async def release(db: Database, post_id: int) -> None:
    """Forget a claim whose message could not be posted, so the member can try again."""
    query = "DELETE FROM public_posts WHERE post_id = ? AND message_id IS NULL"
    await db.execute(query, (post_id,))


async def for_user(db: Database, user_id: int) -> list[PublicPost]:
    query = "SELECT * FROM public_posts WHERE user_id = ? ORDER BY post_id"
    return [_post(row, False) for row in await db.fetchall(query, (user_id,))]


def _post(row: Row, created: bool) -> PublicPost:
    return PublicPost(
        post_id=row["post_id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        ref=row["ref"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
        created=created,
    )
