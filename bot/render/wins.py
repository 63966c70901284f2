"""Wins as members see them: what /win logged, the pages of /wins, the /win kind picker and
the public celebration."""

from __future__ import annotations

from datetime import date

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import CHOICE_NAME, MESSAGE_CHARS, clip
from bot.render.safe import inert
from bot.render.stats import goal_line
from bot.render.words import day, plural, points_text
from bot.services.kinds import KIND_LABELS
from bot.services.wins import KindOption, WinEntry, WinLogged

SUCCESS = discord.Colour.green()


def kind_choice(option: KindOption, in_group: bool) -> str:
    """A /win kind as the picker shows it, with what it is worth where it is logged."""
    worth = (
        "0 points in this group"
        if option.points == 0 and in_group
        else plural(option.points, "point")
    )
    return clip(f"{option.kind.value}: {option.label} ({worth})", CHOICE_NAME)


def win_logged(result: WinLogged) -> discord.Embed:
    label = KIND_LABELS[result.kind]
    embed = discord.Embed(
        title=f"Logged: {label} with {clip(result.who, 150)}",
        colour=SUCCESS,
        description=(
            f"{points_text(result.points, result.in_group)} · "
            f"{day(result.happened_on, result.today)}\n{goal_line(result.week_count, result.goal)}"
        ),
    )
    if result.on_pipeline:
        linked = result.on_pipeline
        text = f"On your pipeline: {clip(linked.title, 150)} ({linked.stage.value})."
        if linked.move_to:
            text += f" Has it moved on to **{linked.move_to.value}**? The button moves it."
        embed.add_field(name="Pipeline", value=text, inline=False)
    elif result.ambiguous:
        embed.add_field(
            name="Pipeline",
            value=(
                f"You have {result.ambiguous} open opportunities at {clip(result.who, 150)}: "
                "pick one with the `opportunity` option to link a win to it."
            ),
            inline=False,
        )
    if result.follow_up_on:
        embed.add_field(
            name="Follow-up set",
            value=f"{result.follow_up_reason}: {day(result.follow_up_on, result.today)}",
            inline=False,
        )
    if result.suggestions:
        lines = [f"• {s.reason}: {day(s.due_on, result.today)}" for s in result.suggestions]
        embed.add_field(
            name="Next steps (don't wait to hear back)",
            value="\n".join(lines) + "\nAdd them as follow-up reminders with the buttons below.",
            inline=False,
        )
    if result.suggest_exercise:
        embed.add_field(
            name="An offer: congratulations!",
            value="Before you answer, work through it: `/exercise start name:offer`.",
            inline=False,
        )
    return embed


def wins_page(
    entries: list[WinEntry], period: str, page: int, pages: int, today: date
) -> discord.Embed:
    lines = [
        f"`#{entry.win_id}` {day(entry.happened_on, today)} · "
        f"**{KIND_LABELS[entry.kind]}** with {clip(entry.who, 80)}"
        for entry in entries
    ]
    title = {"week": "this week", "month": "this month"}.get(period, "all time")
    embed = discord.Embed(
        title=f"Your wins, {title}",
        colour=BRAND_COLOUR,
        description="\n".join(lines) if lines else "No wins in this period yet.",
    )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


def announcement_text(user_id: int | None, kind_phrase: str, shared_who: str | None) -> str:
    """A win celebration; ``user_id`` None for a member hidden from public posts."""
    who = f"<@{user_id}>" if user_id is not None else "A member of the group"
    with_whom = f" with {inert(shared_who)}" if shared_who else ""
    return clip(f"🎉 {who} just logged {kind_phrase}{with_whom}!", MESSAGE_CHARS)
