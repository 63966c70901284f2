"""Less common paths: replies, reactions, Components V2, radio modals, contexts, intents."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands

from discord_emulator import CommandNotVisible, Emulator


class Card(discord.ui.LayoutView):
    """A Components V2 message: a container with text and a button row."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        row = discord.ui.ActionRow()
        row.add_item(discord.ui.Button(label="Ack", custom_id="card:ack"))
        row.children[0].callback = self.ack  # type: ignore[method-assign]
        self.add_item(discord.ui.Container(discord.ui.TextDisplay("Weekly card"), row))

    async def ack(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("acked", ephemeral=True)


class Survey(discord.ui.Modal, title="Survey"):
    """A modal with a radio group and a checkbox inside labels."""

    def __init__(self) -> None:
        super().__init__()
        self.mood = discord.ui.RadioGroup(
            custom_id="survey:mood",
            options=[discord.RadioGroupOption(label=m, value=m) for m in ("up", "down")],
        )
        self.public = discord.ui.Checkbox(custom_id="survey:public")
        self.add_item(discord.ui.Label(text="Mood", component=self.mood))
        self.add_item(discord.ui.Label(text="Share", component=self.public))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"{self.mood.value}/{self.public.value}")


async def setup(bot: Any) -> None:
    """Commands for the paths below."""

    @bot.tree.command(description="A V2 card")
    async def card(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(view=Card())

    @bot.tree.command(description="A survey")
    async def survey(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Survey())

    @bot.tree.command(description="Servers only")
    @app_commands.guild_only()
    async def server(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("in a server")


@pytest.fixture
async def bot_world(emu: Emulator, clients: Any, start: Any) -> tuple[Any, Any, Any]:
    guild = emu.add_guild("Job Club", channels=("general",))
    alice = emu.add_person("alice", guilds=[guild])
    bot = await start(clients.Tree(setup))
    return bot, guild, alice


async def test_components_v2_card_button(emu: Emulator, bot_world: Any) -> None:
    _, _, alice = bot_world
    reply = await alice.slash("card")
    assert reply.message.flags & (1 << 15)
    assert reply.message.buttons() == ["Ack"]
    assert "Weekly card" in reply.message.text()
    pressed = await alice.click(reply.message, "Ack")
    assert pressed.message.content == "acked"
    assert not emu.errors


async def test_radio_and_checkbox_modal(bot_world: Any) -> None:
    _, _, alice = bot_world
    opened = await alice.slash("survey")
    with pytest.raises(ValueError, match="not one of"):
        await alice.submit_modal(opened, {"Mood": "sideways"})
    done = await alice.submit_modal(opened, {"Mood": "up", "Share": True})
    assert done.message.content == "up/True"


async def test_guild_only_command_is_not_offered_in_dms(bot_world: Any) -> None:
    _, _, alice = bot_world
    with pytest.raises(CommandNotVisible, match="not available in DMs"):
        await alice.slash("server", guild=None)
    assert (await alice.slash("server")).message.content == "in a server"


async def test_reply_and_reaction(emu: Emulator, bot_world: Any) -> None:
    bot, guild, alice = bot_world
    general = guild.channel("general")
    await alice.say(general, "I got the offer!")
    channel = bot.get_channel(general.id)
    theirs = await channel.fetch_message(general.messages[-1].id)
    # Without the message content intent a guild message arrives without its text.
    assert theirs.content == ""
    await theirs.add_reaction("🎉")
    reply = await theirs.reply("congrats!")
    posted = await emu.next_message(general)
    assert posted.referenced is not None and posted.referenced.id == theirs.id
    assert posted.type == 19 and reply.reference.message_id == theirs.id
    assert general.messages[-2].reactions == {"🎉": {emu.bot_user_id}}
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(
            "to nothing",
            reference=discord.MessageReference(message_id=12345, channel_id=general.id),
        )
    assert caught.value.code == 50035


async def test_message_content_intent_shows_guild_text(clients: Any) -> None:
    async with Emulator(privileged_intents=1 << 15) as emu:
        with emu.patch_discord():
            guild = emu.add_guild("Club")
            alice = emu.add_person("alice", guilds=[guild])
            intents = discord.Intents.default()
            intents.message_content = True
            client = clients.Ready(intents=intents)
            task = asyncio.create_task(client.start(emu.token))
            try:
                await asyncio.wait_for(client.became_ready.wait(), 10)
                got = asyncio.ensure_future(client.wait_for("message", timeout=5))
                await alice.say(guild.channel("general"), "visible text")
                assert (await got).content == "visible text"
            finally:
                await client.close()
                await task
