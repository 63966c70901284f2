"""Who the members of a group are, asked of Discord when a report needs names.

The bot keeps no member list (no privileged members intent, no member cache), so names are
looked up at the moment they are shown and never stored.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.services.report import Person

log = logging.getLogger(__name__)

# A report of a big group names the first ones it can look up quickly; the rest show as ids.
MAX_LOOKUPS = 100
CONCURRENT_LOOKUPS = 5


async def people_of(
    guild: discord.Guild | None, user_ids: list[int], *, known: discord.Member | None = None
) -> dict[int, Person]:
    """Display names (and whether each can manage the server) for ``user_ids``, from the
    cache or the API; anyone not found (left the server, lookup failed) is left out."""
    if guild is None:
        return {}
    found: dict[int, Person] = {}
    if known is not None:
        found[known.id] = Person(known.display_name, known.guild_permissions.manage_guild)
    gate = asyncio.Semaphore(CONCURRENT_LOOKUPS)

    async def one(user_id: int) -> None:
        member = guild.get_member(user_id)
        if member is None:
            async with gate:
                try:
                    member = await guild.fetch_member(user_id)
                except discord.NotFound:
                    return  # left the server: shown by id
                except discord.HTTPException as exc:
                    log.info("Could not look up member %s of %s: %s", user_id, guild.id, exc)
                    return
        found[user_id] = Person(member.display_name, member.guild_permissions.manage_guild)

    wanted = [u for u in user_ids if u not in found][:MAX_LOOKUPS]
    await asyncio.gather(*(one(u) for u in wanted))
    return found
