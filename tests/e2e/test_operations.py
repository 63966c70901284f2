"""Operators' signals (issue #12): Prometheus metrics and /healthz on METRICS_PORT, and JSON
logs for log shippers."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

import aiohttp

from bot.clock import ManualClock
from bot.logs import setup_logging
from discord_emulator import Emulator, Guild, Person
from tests.e2e.conftest import BotFactory


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_metrics_and_health_are_served(
    emulator: Emulator, run_bot: BotFactory, clock: ManualClock, alice: Person, guild: Guild
) -> None:
    olga = emulator.add_person("olga", guilds=[guild], manage_guild=True)
    async with run_bot(metrics_port=0) as running:
        base = f"http://127.0.0.1:{running.bot.metrics.port}"
        status, body = await get(f"{base}/healthz")
        assert status == 200, body
        health = json.loads(body)
        assert health["ready"] is True and health["database"] == "ok"
        assert health["last_scheduler_run"] is not None
        await alice.slash("help")
        await alice.slash("win", kind="networking", who="\u200b")  # refused: a user error
        await olga.slash("setup channel", channel=guild.channel("general"))
        clock.set(datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC))
        await running.scheduler.idle()
        status, text = await get(f"{base}/metrics")
        assert status == 200
        assert 'nextinterview_commands_total{command="help",outcome="ok"} 1.0' in text
        assert 'nextinterview_commands_total{command="win",outcome="refused"} 1.0' in text
        assert 'nextinterview_command_seconds_count{command="help"} 1.0' in text
        assert 'nextinterview_deliveries_total{kind="post:checkin",outcome="sent"} 1.0' in text
        assert "nextinterview_scheduler_lag_seconds_count" in text
        assert "nextinterview_gateway_latency_seconds" in text
        assert "nextinterview_pacer_wait_seconds_count" in text


def test_json_logs_are_one_object_per_line_and_still_redacted() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    # setup_logging also sets these libraries' levels: put them back for the tests after.
    libraries = {name: logging.getLogger(name).level for name in ("discord", "aiosqlite")}
    try:
        setup_logging("INFO", secrets=["tok.en.secret"], log_format="json", stream=stream)
        logging.getLogger("bot.test").info("hello %s", "tok.en.secret")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("bot.test").exception("failed")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in libraries.items():
            logging.getLogger(name).setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["message"] == "hello [redacted]"
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "bot.test" and lines[0]["time"]
    assert "ValueError: boom" in lines[1]["exception"]
