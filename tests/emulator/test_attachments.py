"""Attachment options: a person picks a file, the bot reads it from the attachment's URL."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from discord_emulator import Emulator
from discord_emulator.interactions import ATTACHMENT_SIZE_LIMIT


async def setup_commands(bot: Any) -> None:
    @bot.tree.command(description="Read a file")
    async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        await interaction.response.send_message(
            f"{file.filename}: {file.size} bytes, starts {data[:5]!r}", ephemeral=True
        )


@pytest.fixture
async def world(emu: Emulator, clients: Any, start: Any) -> tuple[Emulator, Any]:
    guild = emu.add_guild("Job Club", channels=("general",))
    alice = emu.add_person("alice", guilds=[guild])
    await start(clients.Tree(setup_commands))
    return emu, alice


async def test_a_picked_file_arrives_resolved_and_readable(world: Any) -> None:
    emu, alice = world
    reply = await alice.slash("upload", file=("jobs.csv", b"Company,Role\nAcme,Lead\n"))
    assert reply.message.content == "jobs.csv: 23 bytes, starts b'Compa'"
    (sent,) = emu.interactions.by_id.values()
    (attachment,) = sent.data["resolved"]["attachments"].values()
    assert attachment["filename"] == "jobs.csv" and attachment["size"] == 23
    assert attachment["ephemeral"] is True


async def test_files_a_client_cannot_send_are_refused_before_sending(world: Any) -> None:
    emu, alice = world
    with pytest.raises(ValueError, match="expects a file"):
        await alice.slash("upload", file="jobs.csv")
    with pytest.raises(ValueError, match="upload limit"):
        await alice.slash("upload", file=("big.csv", b"x" * (ATTACHMENT_SIZE_LIMIT + 1)))
    assert not emu.interactions.by_id
