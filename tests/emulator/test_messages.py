"""Channel messages and DMs: delivery, Discord's validation and permission answers."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import discord
import pytest

from discord_emulator import Emulator


@pytest.fixture
async def setup(emu: Emulator, clients: Any, start: Any) -> tuple[Any, Any, Any]:
    guild = emu.add_guild("Job Club", channels=("general", "wins"))
    alice = emu.add_person("alice", guilds=[guild])
    client = await start(clients.Ready())
    return client, guild, alice


async def test_dm_reaches_on_message_and_the_reply_reaches_next_dm(
    emu: Emulator, setup: Any
) -> None:
    client, _, alice = setup
    got = asyncio.ensure_future(client.wait_for("message", timeout=5))
    await alice.dm("my answer")
    message = await got
    assert message.content == "my answer"
    assert message.guild is None
    assert message.author.id == alice.id
    await message.channel.send("thanks!")
    user = await client.fetch_user(alice.id)
    await user.send("a second note")
    assert (await alice.next_dm()).content == "thanks!"
    assert (await alice.next_dm()).content == "a second note"
    assert [m.content for m in alice.dm_messages] == ["thanks!", "a second note"]
    assert not emu.errors


async def test_channel_message_and_edit(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("wins").id)
    sent = await channel.send("first", embed=discord.Embed(title="Win", description="an offer"))
    posted = await emu.next_message(guild.channel("wins"))
    assert posted.id == sent.id and posted.embeds[0]["title"] == "Win"
    await sent.edit(content="edited")
    assert posted.content == "edited"
    assert [m.content for m in emu.sent_messages[-2:]] == ["first", "edited"]
    fetched = await channel.fetch_message(sent.id)
    assert fetched.content == "edited"
    await sent.delete()
    assert posted.deleted
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(sent.id)


async def test_closed_dms_answer_50007(setup: Any) -> None:
    client, _, alice = setup
    alice.dms_open = False
    user = await client.fetch_user(alice.id)
    with pytest.raises(discord.Forbidden) as caught:
        await user.send("hello?")
    assert caught.value.code == 50007


async def test_missing_permissions_answer_50013(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    wins = guild.channel("wins")
    emu.set_bot_permissions(wins, deny=discord.Permissions(embed_links=True))
    channel = client.get_channel(wins.id)
    await channel.send("plain text still works")
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send(embed=discord.Embed(title="no embeds here"))
    assert caught.value.code == 50013
    emu.set_bot_permissions(wins, deny=discord.Permissions(send_messages=True))
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("nope")
    assert caught.value.code == 50013
    emu.set_bot_permissions(wins, deny=discord.Permissions(view_channel=True))
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("nope")
    assert caught.value.code == 50001
    assert not channel.permissions_for(channel.guild.me).view_channel
    assert not emu.errors


async def test_deleted_channel_answers_10003(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    wins = guild.channel("wins")
    channel = client.get_channel(wins.id)
    deleted = asyncio.ensure_future(client.wait_for("guild_channel_delete", timeout=5))
    emu.delete_channel(wins)
    assert (await deleted).id == wins.id
    with pytest.raises(discord.NotFound) as caught:
        await channel.send("anyone?")
    assert caught.value.code == 10003


async def test_content_over_2000_is_refused(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("general").id)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send("x" * 2001)
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "content" in str(caught.value)
    assert emu.errors[-1].errors["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


async def test_embeds_over_6000_in_total_are_refused(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("general").id)
    embeds = [discord.Embed(description="y" * 4000), discord.Embed(description="z" * 2001)]
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embeds=embeds)
    assert caught.value.code == 50035
    assert emu.errors[-1].errors["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert "embeds.0.title" in str(caught.value)


async def test_empty_message_is_refused(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("general").id)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(content="")
    assert caught.value.code == 50006


async def test_multipart_attachment_keeps_its_bytes(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("general").id)
    sent = await channel.send(
        "report", file=discord.File(io.BytesIO(b"week,wins\n1,3\n"), filename="week.csv")
    )
    posted = await emu.next_message(guild.channel("general"))
    assert posted.attachments == [("week.csv", b"week,wins\n1,3\n")]
    assert sent.attachments[0].filename == "week.csv"
    assert sent.attachments[0].size == 14
    assert await sent.attachments[0].read() == b"week,wins\n1,3\n"
    method, path, body, _ = emu.requests[-1]
    assert (method, path) == ("POST", f"/channels/{channel.id}/messages")
    assert body["payload_json"]["content"] == "report"
    assert body["files"] == [("week.csv", b"week,wins\n1,3\n")]


async def test_nonce_enforced_returns_the_first_message(emu: Emulator, setup: Any) -> None:
    client, guild, _ = setup
    channel = client.get_channel(guild.channel("general").id)
    first = await channel.send("once", nonce="digest-1")
    second = await channel.send("once", nonce="digest-1")
    assert first.id == second.id
    assert len(guild.channel("general").messages) == 1
