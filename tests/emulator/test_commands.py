"""Slash commands against a bare discord.py bot: sync, options, responses, autocomplete."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands

from discord_emulator import CommandNotVisible, Emulator, EmulatorTimeout


async def setup_commands(bot: Any) -> None:
    """A small command tree exercising every response style."""
    tree = bot.tree

    @tree.command(description="Say hello")
    @app_commands.describe(name="who", times="how many", loud="shout")
    async def hello(
        interaction: discord.Interaction,
        name: str,
        times: app_commands.Range[int, 1, 3] = 1,
        loud: bool = False,
    ) -> None:
        text = " ".join([f"hello {name}"] * times)
        await interaction.response.send_message(text.upper() if loud else text)

    @tree.command(description="Think, then answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="done thinking")
        await interaction.followup.send("and one more thing", ephemeral=True)

    @tree.command(description="Only you see this")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("psst", ephemeral=True)

    @tree.command(description="Defer then follow up")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.followup.send("filled in")

    @tree.command(description="Who and where")
    async def about(
        interaction: discord.Interaction, member: discord.Member, channel: discord.TextChannel
    ) -> None:
        await interaction.response.send_message(f"{member.display_name} in #{channel.name}")

    pipeline = app_commands.Group(name="pipeline", description="Your pipeline")

    @pipeline.command(name="add", description="Add a company")
    @app_commands.choices(
        stage=[app_commands.Choice(name=s.title(), value=s) for s in ("lead", "applied")]
    )
    async def pipeline_add(
        interaction: discord.Interaction, company: str, stage: app_commands.Choice[str]
    ) -> None:
        await interaction.response.send_message(f"added {company} at {stage.value}")

    tree.add_command(pipeline)

    async def when_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        kind = interaction.namespace.kind
        days = ["yesterday", "today", "tomorrow"]
        return [app_commands.Choice(name=f"{d} ({kind})", value=d) for d in days if current in d]

    @tree.command(description="Log a win")
    @app_commands.autocomplete(when=when_choices)
    async def win(interaction: discord.Interaction, kind: str, when: str) -> None:
        await interaction.response.send_message(f"{kind} {when}")

    @tree.command(description="Admins only")
    @app_commands.default_permissions(manage_guild=True)
    async def admin(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok boss", ephemeral=True)


@pytest.fixture
async def world(emu: Emulator, clients: Any, start: Any) -> tuple[Emulator, Any, Any]:
    guild = emu.add_guild("Job Club", channels=("general", "wins"))
    alice = emu.add_person("alice", guilds=[guild])
    await start(clients.Tree(setup_commands))
    return emu, guild, alice


async def test_sync_is_stored_like_discord(world: Any) -> None:
    emu, guild, _ = world
    stored = {c["name"]: c for c in emu.commands()}
    assert set(stored) == {"hello", "slow", "secret", "later", "about", "pipeline", "win", "admin"}
    assert all(c["id"] and c["application_id"] == str(emu.application_id) for c in stored.values())
    assert stored["pipeline"]["options"][0]["type"] == 1
    assert stored["admin"]["default_member_permissions"] == str(1 << 5)
    assert emu.commands(guild=guild) == []
    assert emu.sync_calls == 1


async def test_message_response_with_options(world: Any) -> None:
    emu, _, alice = world
    reply = await alice.slash("hello", name="bea", times=2, loud=True)
    assert reply.kind == "message"
    assert reply.message.content == "HELLO BEA HELLO BEA"
    assert not reply.message.ephemeral
    assert reply.message.type == 20
    assert reply.message.interaction_metadata["user"]["id"] == str(alice.id)
    assert reply.message in emu.world.channels[reply.message.channel_id].messages
    assert not emu.errors


async def test_subcommand_with_choice(world: Any) -> None:
    _, _, alice = world
    reply = await alice.slash("pipeline add", company="Acme", stage="lead")
    assert reply.message.content == "added Acme at lead"


async def test_user_and_channel_options_are_resolved(world: Any) -> None:
    emu, guild, alice = world
    bea = emu.add_person("bea", guilds=[guild])
    reply = await alice.slash("about", member=bea, channel=guild.channel("wins"))
    assert reply.message.content == "bea in #wins"


async def test_defer_edit_and_ephemeral_followup(world: Any) -> None:
    emu, _, alice = world
    reply = await alice.slash("slow")
    assert reply.kind == "deferred"
    message = await reply.wait_message()
    assert message.content == "done thinking"
    assert message.ephemeral
    extra = await reply.followup()
    assert extra.content == "and one more thing"
    assert extra.ephemeral
    assert "done thinking" in [m.content for m in emu.sent_messages]


async def test_first_followup_after_defer_fills_the_thinking_message(world: Any) -> None:
    _, _, alice = world
    reply = await alice.slash("later")
    message = await reply.wait_message()
    assert message.content == "filled in"
    assert message.id == reply.message.id
    assert not message.loading


async def test_ephemeral_reply_is_not_in_the_channel(world: Any) -> None:
    emu, guild, alice = world
    reply = await alice.slash("secret")
    assert reply.message.ephemeral and reply.message.content == "psst"
    assert reply.message not in guild.channel("general").messages
    assert emu.sent_messages[-1].content == "psst"


async def test_invalid_invocations_fail_before_sending(world: Any) -> None:
    emu, _, alice = world
    before = len(emu.interactions.by_id)
    with pytest.raises(ValueError, match="expects integer"):
        await alice.slash("hello", name="bea", times="two")
    with pytest.raises(ValueError, match="unknown option"):
        await alice.slash("hello", name="bea", colour="red")
    with pytest.raises(ValueError, match="required option 'name'"):
        await alice.slash("hello")
    with pytest.raises(ValueError, match=r"outside 1\.\.3"):
        await alice.slash("hello", name="bea", times=9)
    with pytest.raises(ValueError, match="not one of"):
        await alice.slash("pipeline add", company="Acme", stage="offer")
    with pytest.raises(ValueError, match="needs a subcommand"):
        await alice.slash("pipeline")
    with pytest.raises(ValueError, match="no subcommand"):
        await alice.slash("pipeline remove", company="Acme")
    with pytest.raises(ValueError, match="not a synced command"):
        await alice.slash("nope")
    with pytest.raises(ValueError, match="expects a Person"):
        await alice.slash("about", member="bea", channel=emu.guilds[0].channel("general"))
    assert len(emu.interactions.by_id) == before


async def test_default_member_permissions_hide_commands(world: Any) -> None:
    emu, guild, alice = world
    with pytest.raises(CommandNotVisible):
        await alice.slash("admin")
    boss = emu.add_person("boss", guilds=[guild], manage_guild=True)
    reply = await boss.slash("admin")
    assert reply.message.content == "ok boss"


async def test_autocomplete_sees_other_options(world: Any) -> None:
    _, _, alice = world
    choices = await alice.autocomplete("win", "when", "to", kind="interview")
    assert choices == [
        {"name": "today (interview)", "value": "today"},
        {"name": "tomorrow (interview)", "value": "tomorrow"},
    ]
    with pytest.raises(ValueError, match="no autocomplete"):
        await alice.autocomplete("win", "kind", "int")


async def test_slash_in_dm(world: Any) -> None:
    _, _, alice = world
    reply = await alice.slash("hello", guild=None, name="me")
    assert reply.message.content == "hello me"
    assert reply.message.guild_id is None
    assert reply.message in alice.dm_messages


async def test_invalid_command_schema_is_refused(emu: Emulator, clients: Any, start: Any) -> None:
    async def bad(bot: Any) -> None:
        @bot.tree.command(name="ok", description="fine")
        async def ok(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")

        # discord.py validates names itself; bypass it the way a hand-built payload would.
        ok.name = "Not Valid"

    bot = clients.Tree(bad)
    with pytest.raises(discord.HTTPException) as caught:
        await asyncio.wait_for(bot.start(emu.token), 10)
    await bot.close()
    assert caught.value.status == 400 and caught.value.code == 50035
    assert emu.errors[-1].errors["0"]["name"]["_errors"][0]["code"] == (
        "APPLICATION_COMMAND_INVALID_NAME"
    )


async def test_no_response_times_out_like_discord(clients: Any) -> None:
    async def silent(bot: Any) -> None:
        @bot.tree.command(description="never answers")
        async def mute(interaction: discord.Interaction) -> None:
            return None

    async with Emulator(interaction_deadline=0.2) as emu:
        with emu.patch_discord():
            guild = emu.add_guild("Club")
            alice = emu.add_person("alice", guilds=[guild])
            bot = clients.Tree(silent)
            task = asyncio.create_task(bot.start(emu.token))
            try:
                await asyncio.wait_for(bot.became_ready.wait(), 10)
                with pytest.raises(EmulatorTimeout, match="did not respond"):
                    await alice.slash("mute")
            finally:
                await bot.close()
                await task
