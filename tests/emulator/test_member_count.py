"""Members declared by number (benchmarks with thousands of servers of hundreds): GUILD_CREATE
carries the true member_count and "large" as Discord documents them, and a client that asks
for the member list receives every member, in chunks of at most 1,000."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from discord_emulator import Emulator
from discord_emulator.gateway import GUILD_MEMBERS


async def test_member_count_and_large_follow_the_declared_members(
    emu: Emulator, clients: Any, start: Any
) -> None:
    small = emu.add_guild("Small club", members=10)
    big = emu.add_guild("Big club", members=1_000)
    alice = emu.add_person("alice", guilds=[small, big])
    client = await start(clients.Ready())
    # The bot, the owner and alice are members too.
    assert client.get_guild(small.id).member_count == 13
    assert client.get_guild(big.id).member_count == 1_003
    # discord.py identifies with large_threshold 250: "large" above it, not below.
    assert client.get_guild(small.id).large is False
    assert client.get_guild(big.id).large is True
    # Without the members intent nothing of them is cached: only the bot's own member.
    assert [m.id for m in client.get_guild(big.id).members] == [emu.bot_user_id]
    assert alice.id not in {m.id for m in client.get_guild(big.id).members}
    assert not emu.errors


async def test_a_client_requesting_members_gets_every_one_in_chunks(clients: Any) -> None:
    async with Emulator(privileged_intents=GUILD_MEMBERS) as emu:
        with emu.patch_discord():
            guild = emu.add_guild("Big club", members=2_500)
            alice = emu.add_person("alice", guilds=[guild])
            client = clients.Ready(
                intents=discord.Intents(guilds=True, members=True),
                chunk_guilds_at_startup=True,
            )
            task = asyncio.create_task(client.start(emu.token))
            try:
                await asyncio.wait_for(client.became_ready.wait(), 10)
                seen = client.get_guild(guild.id)
                assert seen is not None and seen.chunked
                ids = {m.id for m in seen.members}
                assert len(ids) == seen.member_count == 2_503
                assert alice.id in ids
                assert set(guild.extra_member_ids()) <= ids
                chunks = [f for _, f in emu.gateway.by_shard[0].history if "MEMBERS_CHUNK" in f]
                assert len(chunks) == 3  # 1,000 + 1,000 + 503
                named = seen.get_member(guild.extra_member_ids()[7])
                assert named is not None and named.name == "member7"
            finally:
                await client.close()
                await asyncio.wait_for(task, 5)
            assert not emu.errors


def test_declared_members_are_bounded(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="members"):
        emu.add_guild("Too big", members=-1)
