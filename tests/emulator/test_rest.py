"""REST behaviour: headers, injected faults, rate limits and interaction timing rules."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import discord
import pytest

from discord_emulator import Emulator


async def test_answers_look_like_discords(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {emu.token}"}
        async with session.get(f"{emu.api_base}/users/@me", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            for name in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
                assert f"X-RateLimit-{name}" in resp.headers
            assert (await resp.json())["id"] == str(emu.bot_user_id)
        async with session.get(f"{emu.api_base}/gateway/bot", headers=headers) as resp:
            data = await resp.json()
            assert data["url"] == emu.gateway_url and data["shards"] == 1
        async with session.get(f"{emu.api_base}/users/@me") as resp:
            assert resp.status == 401
        async with session.get(f"{emu.api_base}/no/such/route", headers=headers) as resp:
            assert resp.status == 404
    assert [(e.method, e.path, e.status) for e in emu.errors] == [
        ("GET", "/users/@me", 401),
        ("GET", "/no/such/route", 404),
    ]


@pytest.fixture
async def setup(emu: Emulator, clients: Any, start: Any) -> tuple[Any, Any]:
    guild = emu.add_guild("Job Club")
    client = await start(clients.Ready())
    return client, client.get_channel(guild.channel("general").id)


async def test_injected_429_is_retried(emu: Emulator, setup: Any) -> None:
    _, channel = setup
    emu.fail("POST", r"/channels/\d+/messages", status=429, times=2, retry_after=0.05)
    began = time.monotonic()
    await channel.send("eventually")
    assert time.monotonic() - began >= 0.1
    posts = [r for r in emu.requests if r.method == "POST"]
    assert len(posts) == 3
    assert emu.server.faults.fired == [("POST", posts[0].path, 429)] * 2


async def test_injected_global_429_is_waited_out(emu: Emulator, setup: Any) -> None:
    client, channel = setup
    emu.fail(None, r"/channels/\d+", status=429, retry_after=0.2, global_=True)
    began = time.monotonic()
    fetched = await client.fetch_channel(channel.id)
    assert fetched.id == channel.id
    assert time.monotonic() - began >= 0.2
    assert emu.server.faults.fired == [("GET", f"/channels/{channel.id}", 429)]


async def test_injected_server_errors_and_403(emu: Emulator, setup: Any) -> None:
    client, channel = setup
    emu.fail("POST", r"/channels/\d+/messages", status=500, times=1)
    await channel.send("after one 500")  # discord.py waits 1 s before retrying a 500
    assert emu.world.channels[channel.id].messages[-1].content == "after one 500"
    emu.fail("GET", r"/channels/\d+", status=503)
    with pytest.raises(discord.DiscordServerError):
        await client.fetch_channel(channel.id)
    emu.fail("GET", r"/channels/\d+", status=403, code=50001)
    with pytest.raises(discord.Forbidden) as caught:
        await client.fetch_channel(channel.id)
    assert caught.value.code == 50001
    assert (await client.fetch_channel(channel.id)).id == channel.id


async def test_global_rate_limit(clients: Any) -> None:
    async with Emulator(global_rate_limit=50) as emu:
        with emu.patch_discord():
            guild = emu.add_guild("Club")
            client = clients.Ready()
            task = asyncio.create_task(client.start(emu.token))
            try:
                await asyncio.wait_for(client.became_ready.wait(), 10)
                channel = client.get_channel(guild.channel("general").id)
                began = time.monotonic()
                await asyncio.gather(*(channel.send(f"n{i}") for i in range(80)))
                elapsed = time.monotonic() - began
            finally:
                await client.close()
                await task
            assert len(guild.channel("general").messages) == 80
            assert emu.rate_limited > 0
            # 80 sends plus login requests at 50/s cannot finish within one window.
            # Over 80 accepted requests at 50 per sliding second need well over half a second.
            accepted = len(emu.requests) - emu.rate_limited
            assert accepted >= 82
            assert elapsed > (accepted - 50) / 50
            assert not emu.errors


async def test_late_response_is_unknown_interaction(clients: Any) -> None:
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[BaseException | None] = loop.create_future()
    second: asyncio.Future[BaseException] = loop.create_future()

    async def setup_bot(bot: Any) -> None:
        @bot.tree.command(description="too slow")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            try:
                await interaction.response.send_message("finally")
            except discord.HTTPException as exc:
                outcome.set_result(exc)
            else:
                outcome.set_result(None)

        @bot.tree.command(description="answers twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one")
            try:
                await interaction.response._parent.followup.send("two")
                # Bypass discord.py's own guard to see Discord's answer to a second response.
                adapter = discord.webhook.async_.async_context.get()
                params = discord.webhook.async_.interaction_response_params(4, {"content": "x"})
                await adapter.create_interaction_response(
                    interaction.id, interaction.token, session=interaction._session, params=params
                )
            except discord.HTTPException as exc:
                second.set_result(exc)

    async with Emulator(interaction_deadline=0.2) as emu:
        with emu.patch_discord():
            guild = emu.add_guild("Club")
            alice = emu.add_person("alice", guilds=[guild])
            bot = clients.Tree(setup_bot)
            task = asyncio.create_task(bot.start(emu.token))
            try:
                await asyncio.wait_for(bot.became_ready.wait(), 10)
                with pytest.raises(AssertionError, match="did not respond"):
                    await alice.slash("slow")
                error = await asyncio.wait_for(outcome, 5)
                assert isinstance(error, discord.NotFound) and error.code == 10062
                reply = await alice.slash("twice")
                assert (await reply.followup()).content == "two"
                error = await asyncio.wait_for(second, 5)
                assert isinstance(error, discord.HTTPException) and error.code == 40060
            finally:
                await bot.close()
                await task
            assert [e.code for e in emu.errors] == [10062, 40060]


async def test_connection_reset_reaches_the_client_as_aiohttp_does(
    emu: Emulator, setup: Any
) -> None:
    # A reset before Discord wrote anything: no message, and discord.py surfaces aiohttp's
    # error (it is not an HTTPException).
    _, channel = setup
    emu.fail("POST", r"/channels/\d+/messages", status=0)
    with pytest.raises(aiohttp.ClientError):
        await channel.send("lost in transit")
    assert not emu.world.channels[channel.id].messages


async def test_a_fault_after_the_write_keeps_the_message(emu: Emulator, setup: Any) -> None:
    # Discord stored the message but the answer never arrived: the same nonce then returns the
    # stored message instead of a second one.
    _, channel = setup
    emu.fail("POST", r"/channels/\d+/messages", status=0, after_write=True)
    with pytest.raises(aiohttp.ClientError):
        await channel.send("written", nonce="12345")
    again = await channel.send("written", nonce="12345")
    stored = emu.world.channels[channel.id].messages
    assert [m.content for m in stored] == ["written"]
    assert again.id == stored[0].id


async def test_hooks_run_around_the_write(emu: Emulator, setup: Any) -> None:
    _, channel = setup
    seen: list[tuple[str, int]] = []
    messages = emu.world.channels[channel.id].messages
    emu.on_request(
        "POST", r"/channels/\d+/messages", "before", lambda: seen.append(("b", len(messages)))
    )
    emu.on_request(
        "POST", r"/channels/\d+/messages", "after", lambda: seen.append(("a", len(messages)))
    )
    await channel.send("hello")
    assert seen == [("b", 0), ("a", 1)]
