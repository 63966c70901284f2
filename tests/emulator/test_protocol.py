"""The raw gateway protocol and Discord's validation rules, checked without a bot."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from discord_emulator import Emulator
from discord_emulator.commands import CommandStore
from discord_emulator.errors import ApiError
from discord_emulator.models import Snowflakes
from discord_emulator.validation import (
    FormErrors,
    validate_choices,
    validate_message,
    validate_modal,
)


async def _receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    msg = await ws.receive(timeout=5)
    assert msg.type is aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


async def _closed_with(emu: Emulator, identify: dict[str, Any]) -> int | None:
    async with aiohttp.ClientSession() as session:
        url = emu.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
        async with session.ws_connect(url) as ws:
            hello = await _receive(ws)
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
            await ws.send_str(json.dumps({"op": 1, "d": None}))
            assert (await _receive(ws))["op"] == 11
            await ws.send_str(json.dumps(identify))
            msg = await ws.receive(timeout=5)
            if msg.type is aiohttp.WSMsgType.TEXT:
                return None
            return ws.close_code


async def test_identify_checks_token_and_shard(emu: Emulator) -> None:
    base = {"token": emu.token, "intents": 1, "properties": {}}
    assert await _closed_with(emu, {"op": 2, "d": {**base, "token": "wrong"}}) == 4004
    assert await _closed_with(emu, {"op": 2, "d": {**base, "shard": [2, 2]}}) == 4010
    assert await _closed_with(emu, {"op": 2, "d": {**base, "intents": 1 << 15}}) == 4014
    assert await _closed_with(emu, {"op": 8, "d": {"guild_id": "1"}}) == 4003
    assert await _closed_with(emu, {"op": 2, "d": {**base, "shard": [0, 1]}}) is None


async def test_ready_sequence_and_resume_replay(emu: Emulator) -> None:
    guild = emu.add_guild("Club")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(emu.gateway_url + "?v=10&encoding=json") as ws:
            await _receive(ws)
            await ws.send_str(json.dumps({"op": 2, "d": {"token": emu.token, "intents": 1}}))
            ready = await _receive(ws)
            assert (ready["t"], ready["s"]) == ("READY", 1)
            assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
            created = await _receive(ws)
            assert (created["t"], created["s"]) == ("GUILD_CREATE", 2)
            assert created["d"]["unavailable"] is False
            session_id = ready["d"]["session_id"]
            # Not 1000/1001: those end the session, as on Discord.
            await ws.close(code=4000)
        emu.add_guild("Joined while away")
        async with session.ws_connect(ready["d"]["resume_gateway_url"]) as ws:
            await _receive(ws)
            resume = {"token": emu.token, "session_id": session_id, "seq": 2}
            await ws.send_str(json.dumps({"op": 6, "d": resume}))
            missed = await _receive(ws)
            assert (missed["t"], missed["s"]) == ("GUILD_CREATE", 3)
            assert "unavailable" not in missed["d"]
            assert (await _receive(ws))["t"] == "RESUMED"
        async with session.ws_connect(emu.gateway_url) as ws:
            await _receive(ws)
            stale = {"token": emu.token, "session_id": "nope", "seq": 1}
            await ws.send_str(json.dumps({"op": 6, "d": stale}))
            invalid = await _receive(ws)
            assert (invalid["op"], invalid["d"]) == (9, False)


def _errors(payload: dict[str, Any]) -> dict[str, Any]:
    errors = FormErrors()
    validate_message(payload, errors)
    return errors.tree


def test_message_limits() -> None:
    assert _errors({"content": "x" * 2000}) == {}
    assert "content" in _errors({"content": "x" * 2001})
    assert "nonce" in _errors({"content": "x", "nonce": "n" * 26})
    assert "embeds" in _errors({"embeds": [{"title": "t"}] * 11})
    embed = {
        "fields": [{"name": "n", "value": "v"}] * 26,
        "footer": {"text": "f" * 2049},
        "author": {"name": "a" * 257},
        "description": "d" * 4097,
    }
    tree = _errors({"embeds": [embed]})["embeds"]["0"]
    assert set(tree) == {"fields", "footer", "author", "description"}
    field_tree = _errors({"embeds": [{"fields": [{"name": "", "value": "v" * 1025}]}]})
    assert set(field_tree["embeds"]["0"]["fields"]["0"]) == {"name", "value"}


def test_component_limits() -> None:
    button = {"type": 2, "style": 1, "label": "ok", "custom_id": "a"}
    assert _errors({"components": [{"type": 1, "components": [button]}]}) == {}
    six = [{**button, "custom_id": str(i)} for i in range(6)]
    assert "components" in _errors({"components": [{"type": 1, "components": six}]})
    rows = [{"type": 1, "components": [{**button, "custom_id": str(i)}]} for i in range(6)]
    assert "components" in _errors({"components": rows})
    long = {**button, "label": "l" * 81, "custom_id": "c" * 101}
    tree = _errors({"components": [{"type": 1, "components": [long]}]})
    assert set(tree["components"]["0"]["components"]["0"]) == {"label", "custom_id"}
    dupes = [button, dict(button)]
    assert "COMPONENT_CUSTOM_ID_DUPLICATED" in json.dumps(
        _errors({"components": [{"type": 1, "components": dupes}]})
    )
    options = [{"label": str(i), "value": str(i)} for i in range(26)]
    select = {"type": 3, "custom_id": "s", "options": options}
    assert "options" in json.dumps(_errors({"components": [{"type": 1, "components": [select]}]}))


def test_modal_and_choice_limits() -> None:
    text = {"type": 4, "custom_id": "t", "style": 1, "label": "Goal"}
    validate_modal(
        {"custom_id": "m", "title": "ok", "components": [{"type": 1, "components": [text]}]}
    )
    bad_title = {
        "custom_id": "m",
        "title": "t" * 46,
        "components": [{"type": 1, "components": [text]}],
    }
    with pytest.raises(ApiError, match="50035"):
        validate_modal(bad_title)
    with pytest.raises(ApiError):
        validate_modal({"custom_id": "m", "title": "ok", "components": []})
    huge = {**text, "max_length": 4001}
    with pytest.raises(ApiError):
        validate_modal(
            {"custom_id": "m", "title": "ok", "components": [{"type": 1, "components": [huge]}]}
        )
    validate_choices({"choices": [{"name": "a", "value": "a"}] * 25}, 3)
    with pytest.raises(ApiError):
        validate_choices({"choices": [{"name": "a", "value": "a"}] * 26}, 3)
    with pytest.raises(ApiError):
        validate_choices({"choices": [{"name": "", "value": "a"}]}, 3)
    with pytest.raises(ApiError):
        validate_choices({"choices": [{"name": "a", "value": "1"}]}, 4)


def test_command_schema_rules() -> None:
    store = CommandStore(1, Snowflakes())
    ok = {"name": "win", "description": "Log a win", "options": []}
    first = store.bulk_overwrite(None, [ok])
    again = store.bulk_overwrite(None, [ok])
    assert first[0]["id"] == again[0]["id"] and first[0]["version"] == again[0]["version"]
    changed = store.bulk_overwrite(None, [{**ok, "description": "Log a new win"}])
    assert changed[0]["id"] == first[0]["id"] and changed[0]["version"] != first[0]["version"]
    bad = [
        {"name": "Win", "description": "d"},
        {"name": "w" * 33, "description": "d"},
        {"name": "win", "description": ""},
        {"name": "win", "description": "d" * 101},
        {
            "name": "win",
            "description": "d",
            "options": [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)],
        },
        {
            "name": "win",
            "description": "d",
            "options": [
                {"type": 3, "name": "a", "description": "d"},
                {"type": 3, "name": "b", "description": "d", "required": True},
            ],
        },
        {
            "name": "win",
            "description": "d",
            "options": [
                {
                    "type": 1,
                    "name": "a",
                    "description": "d",
                    "options": [{"type": 1, "name": "b", "description": "d"}],
                }
            ],
        },
    ]
    for command in bad:
        with pytest.raises(ApiError, match="50035"):
            store.bulk_overwrite(None, [command])
    with pytest.raises(ApiError):
        store.bulk_overwrite(None, [{"name": f"c{i}", "description": "d"} for i in range(101)])
    assert store.sync_calls == 3 + len(bad) + 1
    assert [c["name"] for c in store.listed(None)] == ["win"]
