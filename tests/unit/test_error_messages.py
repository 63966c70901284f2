"""Every expected failure has its own member-facing sentence; the rest are incidents."""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.errors import InvalidInput
from bot.interactions import DMOnly, describe_failure


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InvalidInput("That date has passed."), "That date has passed."),
        (app_commands.NoPrivateMessage(), "inside a server"),
        (app_commands.MissingPermissions(["manage_guild"]), "**Manage Server**"),
        (app_commands.BotMissingPermissions(["embed_links"]), "I need the **Embed Links**"),
        (
            app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30), 12.4),
            "try again in 12 seconds",
        ),
        (DMOnly(), "direct message"),
        (app_commands.CheckFailure(), "can't use this command here"),
    ],
)
def test_expected_failures_have_clear_messages(error: Exception, expected: str) -> None:
    message = describe_failure(error)
    assert message is not None and expected in message


def test_unexpected_errors_are_incidents() -> None:
    assert describe_failure(RuntimeError("boom")) is None
    assert describe_failure(KeyError("x")) is None
