"""The log filter: payloads reduced to ids, tokens and secrets removed, even in tracebacks."""

from __future__ import annotations

import functools
import io
import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from bot.logs import RedactSecrets, setup_logging

BOT_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.abcd.efghijklmnopqrstuvwxyz0123"
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ"
NOTE = "ZEBRA-NOTE nobody may read this"


def written(name: str, msg: str, *args: Any, exc: BaseException | None = None) -> str:
    """What a handler set up like setup_logging's writes for one record."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(RedactSecrets([BOT_TOKEN]))
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, exc_info)
    handler.handle(record)
    return buffer.getvalue()


def test_gateway_payload_keeps_event_and_ids_only() -> None:
    event = {
        "op": 0,
        "t": "INTERACTION_CREATE",
        "s": 7,
        "d": {
            "id": "111",
            "type": 2,
            "token": INTERACTION_TOKEN,
            "guild_id": "222",
            "data": {"name": "win", "options": [{"name": "note", "value": NOTE}]},
            "member": {"user": {"id": "333", "username": "alice"}},
        },
    }
    line = written("discord.gateway", "For Shard ID %s: WebSocket Event: %s", 0, event)
    assert "t=INTERACTION_CREATE" in line and "s=7" in line and "d.data.name=win" in line
    assert "d.id=111" in line and "d.guild_id=222" in line and "d.member.user.id=333" in line
    assert NOTE not in line and INTERACTION_TOKEN not in line and "alice" not in line


def test_a_lone_mapping_argument_is_summarised_too() -> None:
    # logging hands a single mapping argument over as the record's args themselves.
    line = written("discord.gateway", "Received %s", {"op": 0, "d": {"content": NOTE}})
    assert NOTE not in line and "op=0" in line


def test_rest_bodies_and_responses_are_reduced() -> None:
    url = f"https://discord.com/api/v10/webhooks/999/{INTERACTION_TOKEN}/messages/@original"
    body = json.dumps({"embeds": [{"description": NOTE}]})
    sent = written("discord.http", "%s %s with %s has returned %s", "PATCH", url, body, 200)
    received = written(
        "discord.http", "%s %s has received %s", "PATCH", url, {"id": "5", "content": NOTE}
    )
    for line in (sent, received):
        assert NOTE not in line and INTERACTION_TOKEN not in line
        assert "PATCH https://discord.com/api/v10/webhooks/999/[token]/messages/@original" in line
    assert "has returned 200" in sent and "has received <payload id=5>" in received


def test_queries_keep_their_sql_but_not_their_parameters() -> None:
    call = functools.partial(
        sqlite3.Connection.execute, "INSERT INTO wins (note) VALUES (?)", (NOTE,)
    )
    line = written("aiosqlite", "executing %s", call)
    assert NOTE not in line
    assert "execute(INSERT INTO wins (note) VALUES (?))" in line


def test_tracebacks_and_our_own_lines_are_scrubbed() -> None:
    try:
        raise RuntimeError(f"POST /interactions/123/{INTERACTION_TOKEN}/callback with {BOT_TOKEN}")
    except RuntimeError as exc:
        line = written("bot.client", "Incident %s for user %s", "ab12", 42, exc=exc)
    assert "Incident ab12 for user 42" in line and "Traceback" in line
    assert "/interactions/123/[token]/callback" in line
    assert INTERACTION_TOKEN not in line and BOT_TOKEN not in line


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("discord", "aiosqlite")}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


@pytest.mark.usefixtures("restored_logging")
def test_debug_keeps_discord_but_not_every_query() -> None:
    setup_logging("DEBUG")
    assert logging.getLogger("discord.http").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)


def test_a_message_that_does_not_fit_its_arguments_is_still_written() -> None:
    # Raising here would reach whatever library logged the line.
    line = written("somelib", "%d things", "not a number")
    assert "%d things (arguments not shown" in line
