"""bench/scale_start.py's machinery at a small scale (issue #13, P4 and P5): the bot as a
process of its own reaches ready with every schedule rebuilt, and its memory does not grow
with the members of its servers; and the harness would see it if it did (a client that
caches members grows by far more than the tolerance)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import scale_start
from bot.local import make_token
from discord_emulator import Emulator
from discord_emulator.gateway import GUILD_MEMBERS

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(120)]

SERVERS = 50
MEMBERS = 100
MORE = 1_000  # 10x
QUICK = {"settle": 1.0, "timeout": 60.0, "guild_ready_timeout": 0.1}


async def test_ready_with_every_schedule_and_flat_in_members(tmp_path: Path) -> None:
    report = await scale_start.benchmark(
        SERVERS,
        MEMBERS,
        compare_members=MORE,
        settle=1.0,
        guild_ready_timeout=0.1,
        scratch=tmp_path,
    )
    [bot] = report.bot
    assert not report.errors, report.errors
    assert bot.servers == SERVERS
    assert bot.planned is not None, f"the scheduler never planned its jobs: {bot.log}"
    assert bot.groups == SERVERS, f"the posts of {bot.groups} group(s) planned: {bot.log}"
    assert bot.done is not None and report.startup_over_gateway < scale_start.P5_GOAL
    assert bot.rss_mb is not None and bot.rss_mb <= scale_start.RSS_GOAL_MB
    assert bot.chart_rss_mb is not None  # the leaderboard's chart was drawn
    growth = report.members_growth
    assert growth is not None and growth <= scale_start.FLAT_TOLERANCE, (
        f"memory grew {growth:+.1%} with {MORE} members per server instead of {MEMBERS}"
    )


async def test_the_comparison_would_see_members_cached(tmp_path: Path) -> None:
    emulator = Emulator(token=make_token(), privileged_intents=GUILD_MEMBERS)
    await emulator.start()
    try:
        scale_start.build_world(emulator, SERVERS, MEMBERS)
        few = await scale_start.run_bare(emulator, tmp_path, "few", cache_members=True, **QUICK)
        scale_start.set_members(emulator, MORE)
        many = await scale_start.run_bare(emulator, tmp_path, "many", cache_members=True, **QUICK)
    finally:
        await emulator.stop()
    # Every member arrived (the bot and the owner are members too) and was cached.
    assert few.cached_members == SERVERS * (MEMBERS + 2)
    assert many.cached_members == SERVERS * (MORE + 2)
    assert few.rss_mb is not None and many.rss_mb is not None
    assert many.rss_mb / few.rss_mb - 1 > 2 * scale_start.FLAT_TOLERANCE
