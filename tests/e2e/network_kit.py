"""Helpers for the group-network tests (cheers, partners, introductions): moving the clock,
reading what the bot posted publicly and what it sent each person by DM."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Message, Person
from discord_emulator.people import Reply

MONDAY_9 = datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC)
MONDAY_NOON = datetime(2026, 11, 16, 12, 0, 30, tzinfo=UTC)
LINE = "What I liked (optional)"


async def tick(running: Running, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await running.scheduler.idle()


async def settle(running: Running) -> None:
    """Let a job a button poked finish (it runs in the background)."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        await running.scheduler.idle()


def public(emulator: Emulator) -> list[Message]:
    """Every version of every message the bot posted in a server for everyone to see."""
    return [m for m in emulator.sent_messages if m.guild_id is not None and not m.ephemeral]


def public_text(emulator: Emulator) -> str:
    return "\n".join(m.text() for m in public(emulator))


def dms(person: Person, containing: str = "") -> list[Message]:
    """Messages the bot sent the person by DM on its own (not answers to their presses)."""
    return [
        m
        for m in person.dm_messages
        if not m.ephemeral and m.interaction_metadata is None and containing in m.text()
    ]


def live(emulator: Emulator, message: Message) -> Message:
    """The message as it is now (after edits)."""
    return emulator.world.messages[message.id]


async def set_up(organiser: Person, guild: Guild, *, announce: bool = False) -> None:
    await organiser.slash("setup channel", channel=guild.channel("general"))
    if announce:
        await organiser.slash("setup announce-wins", state="on")


async def celebration(emulator: Emulator, guild: Guild, person: Person) -> Message:
    """The next win celebration posted in the group's channel (it follows the /win reply)."""
    channel = guild.channel("general")
    while True:
        message = await emulator.next_message(channel)
        if "just logged" in message.text():
            return message


async def cheer(person: Person, message: Message, line: str | None = None) -> Reply:
    """Press Cheer and, if the form opens, send it; returns the final answer."""
    reply = await person.click(message, "Cheer")
    if reply.modal is None:
        return reply
    return await person.submit_modal(reply, {LINE: line or ""})


def answer_text(reply: Reply) -> str:
    message = reply.message
    assert message is not None, f"no answer: {reply!r}"
    return message.text()
