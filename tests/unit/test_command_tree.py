"""Meta-test: every cog loads, command names are unique, everything describes itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.client import NextInterviewBot, cog_modules
from bot.clock import SystemClock
from bot.config import load_settings
from bot.db import Database
from bot.render.help import Area, CommandEntry, OptionEntry, help_index, help_topic
from bot.scheduler import Scheduler
from cogs.help import area


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[NextInterviewBot]:
    async with Database.open(tmp_path / "db.sqlite") as db:
        clock = SystemClock()
        instance = NextInterviewBot(
            settings=load_settings(None), db=db, clock=clock, scheduler=Scheduler(clock)
        )
        for name in cog_modules():
            await instance.load_extension(name)
        yield instance


def test_cogs_are_discovered() -> None:
    assert "cogs.help" in cog_modules()


async def test_command_names_unique_and_described(bot: NextInterviewBot) -> None:
    commands = list(bot.tree.walk_commands())
    assert commands, "no commands registered"
    names = [c.qualified_name for c in commands]
    assert len(names) == len(set(names)), f"duplicate command names: {names}"
    for command in commands:
        assert command.description and command.description != "…", command.qualified_name
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                assert parameter.description and parameter.description != "…", (
                    f"/{command.qualified_name} option {parameter.name} has no description"
                )


async def test_every_command_payload_is_valid_for_discord(bot: NextInterviewBot) -> None:
    for command in bot.tree.get_commands():
        payload = command.to_dict(bot.tree)
        assert len(payload["description"]) <= 100
        assert len(payload.get("options", [])) <= 25


async def test_help_lists_every_command(bot: NextInterviewBot) -> None:
    areas = [area(top) for top in bot.tree.get_commands()]
    text = "".join(str(e.to_dict()) for e in help_index(areas))
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Command):
            assert f"`{command.name}`" in text or f"/{command.name}**" in text
    for one in areas:
        text = "".join(str(e.to_dict()) for e in help_topic(one))
        for entry in one.commands:
            assert f"/{entry.path}" in text and entry.description in text


def test_help_pages_stay_within_limits() -> None:
    option = OptionEntry("option", "o" * 100, True)
    areas = [
        Area(
            f"group{g}",
            "g" * 100,
            tuple(CommandEntry(f"group{g} cmd{i}", "d" * 100, (option,) * 9) for i in range(25)),
        )
        for g in range(40)
    ]
    embeds = help_index(areas, ["setup"])
    assert len(embeds) > 1
    for embed in [*embeds, *help_topic(areas[0])]:
        assert len(embed) <= 6000
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 for f in embed.fields)
    text = "".join(str(e.to_dict()) for e in embeds)
    assert all(f"/group{g}**" in text and "`cmd24`" in text for g in range(40))
    assert "`/setup`" in text
    assert len(help_topic(areas[0])) > 1
