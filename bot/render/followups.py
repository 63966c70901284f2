"""Follow-ups as embeds: a page of /followups and a page of the reminder DM."""

from __future__ import annotations

from datetime import date

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_DESCRIPTION, clip, pack_lines
from bot.render.words import day
from bot.services.followups import FollowUp, FollowUpList


def follow_up_line(item: FollowUp, today: date) -> str:
    if item.due_on == today:
        when = "today"
    elif item.due_on < today:
        when = f"overdue, was due {day(item.due_on, today)}"
    else:
        when = day(item.due_on, today)
    return f"**{clip(item.reason, 80)}** · {clip(item.person, 80)} · {when}"


def follow_ups(
    listing: FollowUpList, page_items: list[FollowUp], page: int, pages: int, first: int = 1
) -> discord.Embed:
    """A page of /followups; ``first`` is the number of its first item (numbers continue
    from page to page, as the buttons do)."""
    embed = discord.Embed(title="Your follow-ups", colour=BRAND_COLOUR)
    if not listing.all:
        embed.description = (
            "Nothing to follow up on. After your next conversation, log it with `/win` and "
            "add the follow-ups it suggests."
        )
        return embed
    embed.description = (
        f"{len(listing.overdue)} overdue · {len(listing.due_today)} today · "
        f"{len(listing.upcoming)} upcoming. Following up is how you learn where things stand."
    )
    for index, item in enumerate(page_items, start=first):
        tag = (
            "Overdue"
            if item.due_on < listing.today
            else ("Today" if item.due_on == listing.today else "Upcoming")
        )
        embed.add_field(
            name=f"{index}. {tag}", value=follow_up_line(item, listing.today), inline=False
        )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


def reminder(items: list[FollowUp], today: date, page: int = 0, per_page: int = 4) -> discord.Embed:
    """Page ``page`` of a reminder DM about ``items`` (all of them: due today and overdue),
    numbered on from page to page like its buttons."""
    pages = max(1, -(-len(items) // per_page))
    shown = items[page * per_page : (page + 1) * per_page]
    overdue = sum(item.due_on < today for item in items)
    due = len(items) - overdue
    lines = [
        f"{i}. {follow_up_line(item, today)}"
        for i, item in enumerate(shown, start=page * per_page + 1)
    ]
    if pages > 1:
        lines.insert(0, f"{overdue} overdue · {due} today.\n")
    text = pack_lines(lines, EMBED_DESCRIPTION - 200)
    more = "" if len(text) <= 1 else "\n…and more: see `/followups list`."
    embed = discord.Embed(
        # Overdue ones come back once a week on their own: the title says which this is.
        title="Today's follow-ups" if due else "Overdue follow-ups",
        colour=BRAND_COLOUR,
        description=(text[0] if text else "")
        + more
        + "\n\nA short note asking where things stand keeps you in the conversation.",
    )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed
