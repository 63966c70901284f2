"""Wins, follow-ups, pipeline and stats as embeds (private replies and DMs)."""

from __future__ import annotations

from datetime import date

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    MESSAGE_CHARS,
    clip,
    embed_pages,
    pack_lines,
)
from bot.render.safe import inert
from bot.render.words import plural
from bot.services.dates import format_day
from bot.services.followups import FollowUp, FollowUpList
from bot.services.goals import WeeklyGoal
from bot.services.kinds import KIND_LABELS, WinKind
from bot.services.pipeline import PipelineView
from bot.services.stats import MemberStats
from bot.services.target import STATUS_LABELS, Comparison
from bot.services.wins import KindOption, WinLogged

SUCCESS = discord.Colour.green()


def day(value: date, today: date | None = None) -> str:
    """A date as members read it, with its year when that is not ``today``'s year.

    Pass the member's (or group's) today: without it the year is never shown.
    """
    return format_day(value, today or value)


def goal_source(goal: WeeklyGoal) -> str:
    """Where this week's goal came from, so every place showing it says the same."""
    if goal.from_checkin and goal.committed_on is not None:
        return f"from your check-in on {goal.committed_on:%A}"
    if goal.from_checkin:
        return "from this week's check-in"
    return "your weekly goal"


def goal_line(count: int, goal: WeeklyGoal) -> str:
    if goal.count <= 0:
        return f"{count} this week."
    if count >= goal.count:
        return (
            f"{count} this week: goal of {goal.count} reached ({goal_source(goal)}). "
            "Keep the conversations coming."
        )
    return f"{count} of your {goal.count} this week ({goal_source(goal)})."


def points_text(points: int, in_group: bool) -> str:
    """What a win earns; a kind worth nothing in this group says so rather than "+0"."""
    if points == 0:
        return "0 points in this group" if in_group else "0 points"
    return f"+{plural(points, 'point')}"


def kind_choice(option: KindOption, in_group: bool) -> str:
    """A /win kind as the picker shows it, with what it is worth where it is logged."""
    worth = (
        "0 points in this group"
        if option.points == 0 and in_group
        else plural(option.points, "point")
    )
    return clip(f"{option.kind.value}: {option.label} ({worth})", 100)


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
    rows: list[dict[str, object]], period: str, page: int, pages: int, today: date
) -> discord.Embed:
    lines = []
    for row in rows:
        kind = WinKind(str(row["kind"]))
        lines.append(
            f"`#{row['win_id']}` {day(date.fromisoformat(str(row['happened_on'])), today)} · "
            f"**{KIND_LABELS[kind]}** with {clip(str(row['who']), 80)}"
        )
    title = {"week": "this week", "month": "this month"}.get(period, "all time")
    embed = discord.Embed(
        title=f"Your wins, {title}",
        colour=BRAND_COLOUR,
        description="\n".join(lines) if lines else "No wins in this period yet.",
    )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


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
    more = "" if len(text) <= 1 else "\n…and more: see `/followups`."
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


def pipeline(view: PipelineView) -> list[discord.Embed]:
    """The pipeline by stage, over as many pages as it needs."""
    fields: list[tuple[str, str]] = []
    for stage, items in view.by_stage.items():
        if not items:
            continue
        lines = []
        for item in items:
            contact = (
                day(item.last_contact_on, view.today) if item.last_contact_on else "no contact yet"
            )
            follow = day(item.next_follow_up, view.today) if item.next_follow_up else "none set"
            lines.append(
                f"**{clip(item.title, 120)}** · last contact {contact} · follow-up {follow}"
                + (f"\n  next: {clip(item.next_step, 150)}" if item.next_step else "")
                + (f"\n  vs your target: {item.versus_target}" if item.versus_target else "")
                + (f"\n  exercises: {', '.join(item.exercises)}" if item.exercises else "")
            )
        for index, chunk in enumerate(pack_lines(lines, EMBED_FIELD_VALUE)):
            name = f"{stage.value.title()} ({len(items)})" + (" cont." if index else "")
            fields.append((name, chunk))
    if view.nudges:
        fields.append(("What would help", clip("\n".join(view.nudges), EMBED_FIELD_VALUE)))
    return embed_pages(
        "Your pipeline",
        f"**{view.in_the_works}** in the works (aim for 6-10).",
        fields,
        BRAND_COLOUR,
    )


def comparison(result: Comparison, title: str) -> discord.Embed:
    embed = discord.Embed(title=f"{clip(title, 200)} vs your target", colour=BRAND_COLOUR)
    for item in result.criteria:
        status = STATUS_LABELS[item.status]
        detail = f" ({item.detail})" if item.detail else ""
        embed.add_field(
            name=f"{item.label}: {status}",
            value=clip(f"Target: {item.target}{detail}", EMBED_FIELD_VALUE),
            inline=False,
        )
    if result.unknown:
        embed.set_footer(text="Settle the unknowns with the button: it takes a minute.")
    elif result.short:
        embed.set_footer(text="It falls short somewhere: worth raising before you go further.")
    elif result.flagged:
        embed.set_footer(text="The salary is in another currency: compare it yourself.")
    return embed


def stats(result: MemberStats) -> discord.Embed:
    embed = discord.Embed(
        title="Your next-interview stats",
        colour=BRAND_COLOUR,
        description=goal_line(result.this_week, result.goal),
    )
    embed.add_field(
        name="Streak",
        value=f"{plural(result.streak, 'week')} in a row with a win",
    )
    embed.add_field(name="In the works", value=f"{result.in_the_works} (aim for 6-10)")
    totals = "\n".join(
        f"{KIND_LABELS[kind]}: {count}" for kind, count in result.totals.items() if count
    )
    embed.add_field(name="All time", value=totals or "No wins yet", inline=False)
    if result.introductions_made:
        embed.add_field(name="Introductions made", value=f"{result.introductions_made} for others")
    embed.set_image(url="attachment://wins-per-week.png")
    return embed


def announcement_text(user_id: int | None, kind_phrase: str, shared_who: str | None) -> str:
    """A win celebration; ``user_id`` None for a member hidden from public posts."""
    who = f"<@{user_id}>" if user_id is not None else "A member of the group"
    with_whom = f" with {inert(shared_who)}" if shared_who else ""
    return clip(f"🎉 {who} just logged {kind_phrase}{with_whom}!", MESSAGE_CHARS)
