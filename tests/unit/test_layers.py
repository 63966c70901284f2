"""The house stands: each layer imports only what its room allows (issue #14).

Services and the data layer know nothing of Discord or of how things are shown, services
know nothing of the scheduler, cogs never reach past the services into the data layer; the
emulator is a separate program that only speaks Discord's protocol, so it never imports the bot.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RULES = {
    # Services learn about the scheduler only through the Changes they are handed.
    "bot/services": (
        "discord",
        "aiohttp",
        "bot.render",
        "bot.client",
        "bot.outbox",
        "bot.scheduler",
        "cogs",
    ),
    "bot/db": ("discord", "aiohttp", "bot.render", "bot.services", "bot.client", "cogs"),
    "bot/render": ("cogs", "bot.client", "bot.outbox", "bot.db"),
    # Cogs reach the data through services.
    "cogs": ("bot.db",),
    "discord_emulator": ("bot.", "cogs"),
}
ALLOWED = {"discord_emulator": ("discord_emulator",)}


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("room", sorted(RULES))
def test_nothing_crosses_a_wall(room: str) -> None:
    wrong = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for name in imports(path):
            allowed = ALLOWED.get(room, ())
            if name.startswith(allowed):
                continue
            if any(name == banned.rstrip(".") or name.startswith(banned) for banned in RULES[room]):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import discord\nfrom bot.render import limits\nfrom .x import y\nimport bot.client as c\n"
    )
    assert imports(module) == ["discord", "bot.render", "bot.client"]
