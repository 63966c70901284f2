"""A week of a group that types hostile text everywhere: every message the bot sent is
scanned for private strings, live links and pings (issue #9's scenario scan)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Person
from tests.e2e.test_privacy import fill_everything

HOSTILE = "[Acme](https://evil.example) @everyone <@123456789012345678>"
SECRETS = ("PRIVATE-NOTE-1", "PRIVATE-ANSWER-2", "PRIVATE-ANSWER-3", "PRIVATE-PLAN-9")
WEEK = (
    datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC),
    datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC),
    datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC),
    datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC),
)
MESSAGE_ROUTES = re.compile(r"/channels/\d+/messages|/interactions/\d+/[^/]+/callback|/webhooks/")


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


def bodies(emulator: Emulator) -> list[dict[str, Any]]:
    """JSON of every request that creates or edits a message."""
    found = []
    for request in emulator.requests:
        if request.method not in ("POST", "PATCH") or not MESSAGE_ROUTES.search(request.path):
            continue
        body = request.body
        if isinstance(body, dict) and "payload_json" in body:
            body = body["payload_json"]
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            body = body["data"]  # an interaction callback
        if isinstance(body, dict) and ("content" in body or "embeds" in body):
            found.append(body)
    return found


async def test_nothing_private_live_or_pinging_in_any_message(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    alice: Person,
    organiser: Person,
    guild: Guild,
) -> None:
    await fill_everything(alice, organiser, guild)
    await alice.slash("win", kind="networking", who=HOSTILE, note="PRIVATE-NOTE-1", share=True)
    for when in WEEK:
        clock.set(when)
        await bot.scheduler.idle()
        if when == WEEK[0]:
            channel = emulator.world.channels[guild.channel("general").id]
            checkin = next(m for m in channel.messages if "Weekly check-in" in m.text())
            shared = await alice.click(checkin, "Share my plan")
            done = await alice.submit_modal(
                shared, {"How many next conversations this week?": "3", "Your plan": HOSTILE}
            )
            await done.followup()
            private = await organiser.click(checkin, "Set a private goal")
            done = await organiser.submit_modal(
                private,
                {
                    "How many next conversations this week?": "9",
                    "Your plan (private, optional)": "PRIVATE-PLAN-9",
                },
            )
            await done.followup()
    public = [m for m in emulator.sent_messages if m.guild_id is not None and not m.ephemeral]
    assert len(public) >= 6
    for message in public:
        text = message.text()
        for secret in SECRETS:
            assert secret not in text, f"{secret} leaked into {message!r}"
        assert "://" not in text, f"a live link in {message!r}"
        assert not re.search(r"(?<!\\)\[[^\]]*\]\(", text), f"a masked link in {message!r}"
        assert "@everyone" not in text and "<@123456789012345678>" not in text
    # No message the bot sent can ping: mentions are switched off on every one with content
    # (only content pings; embeds never do).
    sent = [b for b in bodies(emulator) if b.get("content")]
    assert len(sent) > 10
    for body in sent:
        allowed = body.get("allowed_mentions")
        assert allowed is not None and allowed.get("parse") == [], body
        assert not allowed.get("users") and not allowed.get("roles"), body
