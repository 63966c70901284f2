"""The ledger of public posts made for a member: claimed once, abandoned claims retried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.db import public_posts as public_db

NOW = datetime(2026, 11, 16, 9, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database.open(tmp_path / "db.sqlite") as database:
        yield database


async def claim(db: Database, now: datetime) -> public_db.PublicPost:
    async with db.transaction() as conn:
        return await public_db.claim(conn, user_id=1, guild_id=2, kind="plan", ref="w", now=now)


async def test_one_claim_per_thing_shared_and_an_abandoned_one_is_posted_again(
    db: Database,
) -> None:
    first = await claim(db, NOW)
    assert first.created and first.to_post(NOW)
    again = await claim(db, NOW + timedelta(seconds=5))
    assert not again.created and not again.to_post(NOW + timedelta(seconds=5))
    # A crash between the claim and the post: after a while, posting is allowed again.
    assert again.to_post(NOW + public_db.ABANDONED_AFTER + timedelta(seconds=1))
    await public_db.posted(db, first.post_id, 3, 4)
    done = await claim(db, NOW + timedelta(hours=1))
    assert done.message_id == 4 and not done.to_post(NOW + timedelta(hours=1))
    await public_db.release(db, done.post_id)  # a posted message is never released
    assert (await claim(db, NOW + timedelta(hours=2))).message_id == 4
