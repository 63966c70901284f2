"""Views, buttons, selects and modals of a bare discord.py bot, driven by a person."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from discord_emulator import Emulator


class Counter(discord.ui.View):
    """A button that counts presses and a disabled one."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="Done", custom_id="counter:done", style=discord.ButtonStyle.green)
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"pressed {self.count}", view=self)

    @discord.ui.button(label="Locked", custom_id="counter:locked", disabled=True)
    async def locked(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("should never happen")

    @discord.ui.button(label="Ask", custom_id="counter:ask")
    async def ask(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(GoalModal())


class GoalModal(discord.ui.Modal, title="Weekly goal"):
    """A classic modal (text inputs wrapped in action rows)."""

    goal = discord.ui.TextInput(label="Goal count", custom_id="goal:count", max_length=2)
    plan = discord.ui.TextInput(
        label="Plan", custom_id="goal:plan", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"goal {self.goal.value} plan {self.plan.value or '-'}", ephemeral=True
        )


class LabelModal(discord.ui.Modal, title="Check-in"):
    """A newer modal: a Label holding a text input and a Label holding a select."""

    def __init__(self) -> None:
        super().__init__()
        self.mood = discord.ui.TextInput(custom_id="checkin:mood", max_length=20)
        self.stage = discord.ui.Select(
            custom_id="checkin:stage",
            options=[discord.SelectOption(label=s, value=s) for s in ("lead", "offer")],
        )
        self.add_item(discord.ui.Label(text="Mood", component=self.mood))
        self.add_item(discord.ui.Label(text="Stage", component=self.stage))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"{self.mood.value}/{self.stage.values[0]}")


class Picker(discord.ui.View):
    """A string select that replaces the message with the choice."""

    @discord.ui.select(
        custom_id="picker",
        placeholder="Pick a stage",
        options=[discord.SelectOption(label=s.title(), value=s) for s in ("lead", "offer")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}", view=None)


async def setup(bot: Any) -> None:
    """Commands that send the views and modals above."""

    @bot.tree.command(description="A counter")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pressed 0", view=Counter())

    @bot.tree.command(description="A picker, posted in the channel")
    async def picker(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("posting", ephemeral=True)
        await interaction.channel.send("choose", view=Picker())

    @bot.tree.command(description="A check-in modal")
    async def checkin(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(LabelModal())


@pytest.fixture
async def alice(emu: Emulator, clients: Any, start: Any) -> Any:
    guild = emu.add_guild("Job Club")
    person = emu.add_person("alice", guilds=[guild])
    await start(clients.Tree(setup))
    return person


async def test_button_updates_the_message(emu: Emulator, alice: Any) -> None:
    reply = await alice.slash("counter")
    assert reply.message.buttons() == ["Done", "Locked", "Ask"]
    pressed = await alice.click(reply.message, "Done")
    assert pressed.kind == "update"
    assert pressed.message.id == reply.message.id
    assert pressed.message.content == "pressed 1"
    again = await alice.click(pressed.message, "counter:done")
    assert again.message.content == "pressed 2"
    with pytest.raises(AssertionError, match="disabled"):
        await alice.click(reply.message, "Locked")
    with pytest.raises(AssertionError, match="no button"):
        await alice.click(reply.message, "Nope")
    assert not emu.errors


async def test_modal_from_a_button(emu: Emulator, alice: Any) -> None:
    reply = await alice.slash("counter")
    opened = await alice.click(reply.message, "Ask")
    assert opened.kind == "modal"
    assert opened.modal["title"] == "Weekly goal"
    with pytest.raises(ValueError, match="required"):
        await alice.submit_modal(opened, {"Plan": "x"})
    with pytest.raises(ValueError, match=r"must be 0\.\.2 characters"):
        await alice.submit_modal(opened, {"Goal count": "100"})
    with pytest.raises(ValueError, match="no field"):
        await alice.submit_modal(opened, {"Goal count": "3", "Mood": "x"})
    done = await alice.submit_modal(opened, {"Goal count": "3", "goal:plan": "call Bea"})
    assert done.message.content == "goal 3 plan call Bea"
    assert done.message.ephemeral
    assert any(m.kind == "modal" and m.title == "Weekly goal" for m in emu.sent_messages)


async def test_label_modal_with_select(alice: Any) -> None:
    opened = await alice.slash("checkin")
    assert [c["type"] for c in opened.modal["components"]] == [18, 18]
    done = await alice.submit_modal(opened, {"Mood": "good", "Stage": ["offer"]})
    assert done.message.content == "good/offer"


async def test_select_in_a_channel_message(emu: Emulator, alice: Any) -> None:
    await alice.slash("picker")
    posted = await emu.next_message(emu.guilds[0].channel("general"))
    assert posted.content == "choose"
    with pytest.raises(ValueError, match="not options"):
        await alice.select(posted, ["rejected"])
    reply = await alice.select(posted, ["offer"], placeholder="Pick a stage")
    assert reply.kind == "update"
    assert reply.message.content == "picked offer"
    assert reply.message.components == []
    assert not emu.errors
