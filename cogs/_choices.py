"""Option choices and autocompletes several commands share, defined once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.render.wins import kind_choice
from bot.services import dates, pipeline, profile, wins

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

PERIOD_CHOICES = [
    app_commands.Choice(name="this week", value="week"),
    app_commands.Choice(name="this month", value="month"),
    app_commands.Choice(name="all time", value="all"),
]
ON_OFF = [app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]


async def opportunity_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[int]]:
    """The member's own open opportunities matching what they typed."""
    found = await pipeline.autocomplete(
        interaction.client.db, user_id=interaction.user.id, text=current
    )
    return [app_commands.Choice(name=name, value=value) for name, value in found]


async def who_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    """What was typed, then the member's open opportunities matching it (by company)."""
    found = await pipeline.who_choices(
        interaction.client.db, user_id=interaction.user.id, text=current
    )
    return [app_commands.Choice(name=name, value=value) for name, value in found]


async def kind_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    """Win kinds with what each earns in this group (the defaults in a DM); the kind sent is
    checked again when the command runs."""
    in_group = interaction.guild_id is not None
    options = await wins.kind_options(interaction.client.db, interaction.guild_id, current)
    return [
        app_commands.Choice(name=kind_choice(option, in_group), value=option.kind.value)
        for option in options
    ]


async def zone_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    """IANA time zones matching what was typed (a city is enough)."""
    return [app_commands.Choice(name=z, value=z) for z in profile.suggest_zones(current)]


async def member_today(interaction: discord.Interaction[NextInterviewBot]) -> date:
    bot = interaction.client
    member = await profile.load(bot.db, bot.clock, interaction.user.id)
    return member.today(bot.clock.now())


def _date_choices(suggestions: list[dates.Suggestion]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=s.label, value=s.value) for s in suggestions]


async def when_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    """A past date: each word with the date it means in the member's zone."""
    return _date_choices(dates.suggest_when(current, await member_today(interaction)))


async def follow_up_autocomplete(
    interaction: discord.Interaction[NextInterviewBot], current: str
) -> list[app_commands.Choice[str]]:
    """A follow-up date: each word (or what was typed, 5d) with the date it means."""
    return _date_choices(dates.suggest_follow_up(current, await member_today(interaction)))
