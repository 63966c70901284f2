"""Shards over several processes (issue #13): which process owns a group's posts, and each
process's share of Discord's global rate limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.client import BACKGROUND_RATE, NextInterviewBot, rest_budget
from bot.clock import SystemClock
from bot.config import load_settings
from bot.db import Database
from bot.scheduler import Scheduler
from bot.services.delivery import Due

GUILD = (5 << 22) | 12_345  # a snowflake whose shard of 3 is 5 % 3 == 2


def test_each_process_takes_its_share_of_the_global_limit() -> None:
    assert rest_budget(load_settings(None)) == (BACKGROUND_RATE, 4)
    rate, burst = rest_budget(load_settings(None, shard_count=3, shard_ids="1"))
    assert rate == pytest.approx(BACKGROUND_RATE / 3) and burst == 1
    # Three such processes never exceed Discord's 50 requests in a second, bursts included.
    assert 3 * (rate + burst) <= 50
    # Behind a REST proxy that holds the limit for every process: the full budget each.
    assert rest_budget(load_settings(None, shard_count=3, shard_ids="1", rest_budget=46)) == (
        46.0,
        4,
    )


@pytest.fixture
async def bots(tmp_path: Path) -> AsyncIterator[list[NextInterviewBot]]:
    async with Database.open(tmp_path / "db.sqlite") as db:
        made = []
        for shard in range(3):
            clock = SystemClock()
            settings = load_settings(None, shard_count=3, shard_ids=str(shard))
            made.append(
                NextInterviewBot(settings=settings, db=db, clock=clock, scheduler=Scheduler(clock))
            )
        yield made


async def test_exactly_one_process_owns_each_group(bots: list[NextInterviewBot]) -> None:
    assert (GUILD >> 22) % 3 == 2
    assert [bot.owns_guild(GUILD) for bot in bots] == [False, False, True]
    for guild_id in range(1 << 22, 400 << 22, 7 << 22):
        assert sum(bot.owns_guild(guild_id) for bot in bots) == 1
    # Member DMs belong to nobody's shard: any process may send them (the ledger decides).
    dm = Due("followup-dm", 5, "2026-11-16", datetime.now(UTC), user_id=5)
    assert all(bot.owns(dm) for bot in bots)
