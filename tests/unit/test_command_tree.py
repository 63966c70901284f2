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
from bot.render.help import CommandEntry, help_embeds
from bot.scheduler import Scheduler


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
    entries = [
        CommandEntry(c.qualified_name, c.description, ())
        for c in bot.tree.walk_commands()
        if isinstance(c, app_commands.Command)
    ]
    text = "".join(str(e.to_dict()) for e in help_embeds(entries))
    for entry in entries:
        assert f"/{entry.path}" in text


def test_help_pages_stay_within_limits() -> None:
    entries = [
        CommandEntry(f"group{i // 5} cmd{i}", "d" * 100, (("option", True), ("other", False)))
        for i in range(300)
    ]
    embeds = help_embeds(entries)
    assert len(embeds) > 1
    for embed in embeds:
        assert len(embed) <= 6000
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 for f in embed.fields)
    text = "".join(str(e.to_dict()) for e in embeds)
    assert all(f"/group{i // 5} cmd{i}" in text for i in range(300))
