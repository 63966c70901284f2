"""Login, READY and GUILD_CREATE on one and two shards, intents, resume and re-identify."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from discord_emulator import Emulator


async def test_login_and_ready_with_several_guilds(emu: Emulator, clients: Any, start: Any) -> None:
    guilds = [emu.add_guild(f"Club {i}", channels=("general", "wins")) for i in range(3)]
    client = await start(clients.Ready())
    assert client.user.id == emu.bot_user_id
    assert client.user.bot
    assert client.application_id == emu.application_id
    assert sorted(g.id for g in client.guilds) == sorted(g.id for g in guilds)
    seen = client.get_guild(guilds[0].id)
    assert seen is not None
    assert [c.name for c in seen.text_channels] == ["general", "wins"]
    assert seen.default_role.id == guilds[0].id
    assert {r.name for r in seen.roles} >= {"@everyone", "Facilitator"}
    assert seen.me is not None and seen.me.top_role.managed
    assert [r[:2] for r in emu.requests[:2]] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    ]
    assert emu.identified_intents == [discord.Intents.default().value]
    assert not emu.errors


async def test_two_shards_receive_their_own_guilds(clients: Any) -> None:
    async with Emulator(shard_count=2) as emu:
        with emu.patch_discord():
            guilds = [emu.add_guild(f"Club {i}") for i in range(4)]
            assert {(g.id >> 22) % 2 for g in guilds} == {0, 1}
            client = clients.Sharded()
            task = asyncio.create_task(client.start(emu.token))
            try:
                await asyncio.wait_for(client.became_ready.wait(), 10)
                await emu.wait_until_ready(timeout=5)
                assert client.shard_count == 2
                assert set(client.shards) == {0, 1}
                for guild in guilds:
                    seen = client.get_guild(guild.id)
                    assert seen is not None
                    assert seen.shard_id == (guild.id >> 22) % 2
                assert len(emu.identified_intents) == 2
                # Each shard's session only announced its own guilds.
                for shard, session in emu.gateway.by_shard.items():
                    ready = next(f for _, f in session.history if '"t":"READY"' in f)
                    mine = [str(g.id) for g in guilds if (g.id >> 22) % 2 == shard]
                    assert all(gid in ready for gid in mine)
                    assert not any(str(g.id) in ready for g in guilds if str(g.id) not in mine)
            finally:
                await client.close()
                await asyncio.wait_for(task, 5)
            assert not emu.errors


async def test_wrong_token_is_refused(emu: Emulator, clients: Any) -> None:
    client = clients.Ready()
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()
    assert emu.errors and emu.errors[0].status == 401


async def test_privileged_intent_not_enabled_closes_4014(emu: Emulator, clients: Any) -> None:
    client = clients.Ready(intents=discord.Intents.default() | discord.Intents(members=True))
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await asyncio.wait_for(client.start(emu.token), 10)
    await client.close()
    assert 4014 in emu.gateway.close_codes


async def test_live_guild_join_and_removal(emu: Emulator, clients: Any, start: Any) -> None:
    client = await start(clients.Ready())
    joined = asyncio.ensure_future(client.wait_for("guild_join", timeout=5))
    guild = emu.add_guild("New Club")
    assert (await joined).id == guild.id
    removed = asyncio.ensure_future(client.wait_for("guild_remove", timeout=5))
    emu.remove_guild(guild)
    assert (await removed).id == guild.id
    assert client.get_guild(guild.id) is None


async def test_resume_replays_missed_events(emu: Emulator, clients: Any, start: Any) -> None:
    guild = emu.add_guild("Club")
    alice = emu.add_person("alice", guilds=[guild])
    client = await start(clients.Ready())
    resumed = asyncio.ensure_future(client.wait_for("resumed", timeout=5))
    got = asyncio.ensure_future(client.wait_for("message", timeout=5))
    await emu.disconnect(resume=True)
    # Sent while the bot's socket is down: it must arrive through RESUME's replay.
    await alice.dm("sent while you were away")
    await resumed
    message = await got
    assert message.content == "sent while you were away"
    assert emu.gateway.resumes == 1
    assert emu.gateway.identifies == 1
    assert 4000 in emu.gateway.close_codes


async def test_invalid_session_makes_the_client_identify_again(
    emu: Emulator, clients: Any, start: Any
) -> None:
    guild = emu.add_guild("Club")
    alice = emu.add_person("alice", guilds=[guild])
    client = await start(clients.Ready())
    old_session = emu.gateway.by_shard[0].id
    await emu.disconnect(resume=False)
    # discord.py waits 5 s before any IDENTIFY that is not its first one.
    await emu.wait_until_ready(timeout=10)
    assert emu.gateway.identifies == 2
    assert emu.gateway.resumes == 0
    assert emu.gateway.by_shard[0].id != old_session
    got = asyncio.ensure_future(client.wait_for("message", timeout=5))
    await alice.dm("after the new session")
    assert (await got).content == "after the new session"


async def test_resume_of_unknown_session_is_invalidated(
    emu: Emulator, clients: Any, start: Any
) -> None:
    emu.add_guild("Club")
    client = await start(clients.Ready())
    # Forget the session on the emulator's side, as Discord does after a long outage.
    session = emu.gateway.by_shard[0]
    emu.gateway.sessions.pop(session.id)
    await emu.disconnect(resume=True)
    await emu.wait_until_ready(timeout=10)
    assert emu.gateway.identifies == 2
    assert client.is_ready()


async def test_heartbeat_acks_do_not_read_as_lag(clients: Any) -> None:
    # discord.py's heartbeat thread notes when it sent a beat only after the loop has sent it;
    # an ACK answered in the same instant could arrive first, and discord.py then measured
    # the whole interval as latency (at Discord's 41.25 s interval: the warning "Can't keep
    # up ... 41.3s behind"). Discord answers over a network, so its ACKs come later than that
    # note. A short interval shows the same race as a latency near the interval.
    async with Emulator(heartbeat_interval=100) as emu:
        with emu.patch_discord():
            client = clients.Ready()
            task = asyncio.create_task(client.start(emu.token))
            try:
                await asyncio.wait_for(client.became_ready.wait(), 10)
                beats: list[float] = []
                for _ in range(60):  # about thirty beats
                    await asyncio.sleep(0.05)
                    beats.append(client.latency)
                # The race made it the interval (0.1 s); a busy machine may add a little.
                assert max(beats) < 0.08, beats
            finally:
                await client.close()
                await asyncio.wait_for(task, 5)
