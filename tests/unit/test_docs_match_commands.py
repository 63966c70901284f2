"""Docs that cannot drift: every slash command named in the README, in a message the bot sends
or in an exercise file matches the live command tree (path, option names, choice values).

A mention is a code span starting with ``/``. After the command's path come its options, as
``name`` or ``name:value`` (optional ones in brackets, alternatives with ``|``): a bare word
must be an option's name, and a value must be one of the option's choices when it has them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.client import NextInterviewBot, cog_modules
from bot.clock import SystemClock
from bot.config import load_settings
from bot.db import Database
from bot.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]
MENTION = re.compile(r"`(/[a-z][^`\n]*)`")
NOT_COMMANDS = ("/etc/", "/opt/", "/usr/", "/var/")  # paths in examples, not commands
HTTP_PATHS = {"/metrics", "/healthz"}  # what METRICS_PORT serves
SOURCES = [
    ROOT / "README.md",
    *sorted((ROOT / "bot").rglob("*.py")),
    *sorted((ROOT / "cogs").rglob("*.py")),
    *sorted((ROOT / "data" / "exercises").glob("*.toml")),
    *sorted((ROOT / "data" / "exercises").glob("*.md")),
]


@pytest.fixture
async def tree(tmp_path: Path) -> AsyncIterator[app_commands.CommandTree[NextInterviewBot]]:
    async with Database.open(tmp_path / "db.sqlite") as db:
        clock = SystemClock()
        bot = NextInterviewBot(
            settings=load_settings(None), db=db, clock=clock, scheduler=Scheduler(clock)
        )
        for name in cog_modules():
            await bot.load_extension(name)
        yield bot.tree


def mentions() -> list[tuple[str, str]]:
    found = []
    for path in SOURCES:
        if "emulator" in path.parts:
            continue  # the emulator's docs talk about Discord, not this bot's commands
        text = path.read_text("utf-8")
        for match in MENTION.finditer(text):
            mention = match.group(1).replace("\\|", "|")
            if not mention.startswith(NOT_COMMANDS) and mention not in HTTP_PATHS:
                found.append((f"{path.relative_to(ROOT)}", mention))
    return found


def problems_with(
    mention: str, commands: dict[str, app_commands.Command | app_commands.Group]
) -> list[str]:
    words = mention[1:].split()
    path: list[str] = []
    while words and " ".join([*path, words[0]]) in commands:
        path.append(words.pop(0))
    if not path:
        return [f"no command /{mention[1:].split()[0] if mention[1:] else ''}"]
    command = commands[" ".join(path)]
    if isinstance(command, app_commands.Group):
        return [f"/{command.qualified_name} needs a subcommand: {words[0]}"] if words else []
    options = {p.name: p for p in command.parameters}
    problems = []
    for raw in re.findall(r'\[[^\]]*\]|\S+:"[^"]*"|\S+', " ".join(words)):
        token = raw.strip("[]")
        name, _, value = token.partition(":")
        if name in ("...", "…"):
            continue
        if name not in options:
            problems.append(f"/{command.qualified_name} has no option {name!r}")
            continue
        choices = {str(c.value) for c in options[name].choices}
        if value and choices and value not in ("...", "…"):
            for alternative in value.strip('"').split("|"):
                if alternative not in choices:
                    problems.append(
                        f"/{command.qualified_name} {name}: {alternative!r} is not one of "
                        f"{sorted(choices)}"
                    )
    return problems


async def test_every_mentioned_command_exists_as_written(
    tree: app_commands.CommandTree[NextInterviewBot],
) -> None:
    commands = {c.qualified_name: c for c in tree.walk_commands()}
    found = mentions()
    assert len(found) > 30, "the scan found too few mentions: is the pattern broken?"
    wrong = [
        f"{where}: `{mention}`: {problem}"
        for where, mention in found
        for problem in problems_with(mention, commands)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_readme_points_nowhere_outside_the_repository() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    assert "../" not in text, "the README points outside the repository"
