"""A faithful local Discord (REST + gateway) for end-to-end tests, demos and benchmarks.

The unmodified discord.py client connects to it once pointed at ``emu.api_base`` and
``emu.gateway_url``; people (``emu.add_person``) then use slash commands, buttons, selects,
modals and DMs the way they would on Discord.
"""

from __future__ import annotations

from discord_emulator.emulator import Emulator
from discord_emulator.errors import CommandNotVisible, EmulatorTimeout
from discord_emulator.models import Attachment, Channel, Guild, Message, Role
from discord_emulator.people import Person, Reply
from discord_emulator.server import ErrorRecord, RequestRecord

__all__ = [
    "Attachment",
    "Channel",
    "CommandNotVisible",
    "Emulator",
    "EmulatorTimeout",
    "ErrorRecord",
    "Guild",
    "Message",
    "Person",
    "Reply",
    "RequestRecord",
    "Role",
]
