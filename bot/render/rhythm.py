"""The group rhythm as Discord shows it: weekly posts, the leaderboard, /setup show, report."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_FIELD_VALUE, MESSAGE_CHARS, clip
from bot.render.network import encouraging, network_week
from bot.render.safe import inert
from bot.render.words import plural
from bot.services.dates import format_day
from bot.services.kinds import KIND_LABELS
from bot.services.network import NetworkGroup
from bot.services.report import Report
from bot.services.rhythm import Board, FollowupsPost, GroupSettings, RecapPost, next_times

POST_NAMES = {
    "checkin": "Check-in",
    "followups": "Follow-up prompt",
    "recap": "Recap",
    "leaderboard": "Leaderboard",
}


def mention(user_id: int) -> str:
    # Mentions render as names without pinging (the bot sends with mentions disabled).
    return f"<@{user_id}>"


def schedule_lines(group: GroupSettings, now: datetime) -> str:
    today = now.astimezone(group.zone).date()
    lines = [f"Group time zone: **{group.zone.key}**"]
    for slot, at in next_times(group, now):
        name = POST_NAMES[slot.post.value]
        if at is None:
            lines.append(f"{name}: off")
        else:
            local = at.astimezone(group.zone)
            when = format_day(local.date(), today)
            lines.append(f"{name}: {slot.label} (next {when} {local:%H:%M})")
    if group.paused_until:
        lines.append(f"Paused up to and including {format_day(group.paused_until, today)}.")
    return "\n".join(lines)


def setup_embed(
    group: GroupSettings,
    now: datetime,
    problems: list[str],
    missing: list[str],
    *,
    channel_exists: bool,
    network: NetworkGroup | None = None,
) -> discord.Embed:
    embed = discord.Embed(title="This group's setup", colour=BRAND_COLOUR)
    channel = f"<#{group.channel_id}>" if group.channel_id else "not set: `/setup channel`"
    embed.add_field(name="Channel", value=channel, inline=False)
    embed.add_field(name="Schedule", value=schedule_lines(group, now), inline=False)
    embed.add_field(
        name="Points",
        value=", ".join(f"{k.value} {v}" for k, v in group.points.items()),
        inline=False,
    )
    embed.add_field(name="Win announcements", value="on" if group.announce_wins else "off")
    embed.add_field(
        name="Nudges", value=(f"on, after {group.nudge_days} days" if group.nudges else "off")
    )
    if network is not None:
        every = plural(network.partner_weeks, "week") if network.partner_weeks != 1 else "week"
        embed.add_field(
            name="Accountability partners",
            value=f"on, new pairs every {every}" if network.partners else "off",
        )
        embed.add_field(name="Introduction exchange", value="on" if network.exchange else "off")
    warnings = []
    if group.channel_id and not channel_exists:
        warnings.append("The channel no longer exists: choose another with `/setup channel`.")
    if missing:
        warnings.append(
            "I'm missing "
            + ", ".join(m.replace("_", " ").title() for m in missing)
            + " in the channel."
        )
    warnings += problems
    embed.add_field(
        name="Delivery problems",
        value=clip("\n".join(warnings), EMBED_FIELD_VALUE) or "None.",
        inline=False,
    )
    return embed


def checkin_embed(committed: int) -> discord.Embed:
    embed = discord.Embed(
        title="Weekly check-in: what's your next interview?",
        colour=BRAND_COLOUR,
        description=(
            "The goal this week isn't the job: it's the next conversation. Who will you talk "
            "to? Who will you ask for an introduction, and who will you follow up with instead "
            "of waiting?\n\nShare your plan with the group, or set a goal just for yourself."
        ),
    )
    embed.add_field(
        name="Committed so far", value=f"{committed} member{'s' if committed != 1 else ''}"
    )
    return embed


def followups_embed(post: FollowupsPost) -> discord.Embed:
    count = post.due_this_week
    due = (
        f"**{count}** follow-up{'s are' if count != 1 else ' is'} due across the group this week."
        if count
        else "No follow-ups are due this week: a good moment to set some."
    )
    return discord.Embed(
        title="Midweek: follow up, don't wait",
        colour=BRAND_COLOUR,
        description=(
            f"{due}\n\nWaiting to hear back feels polite, but a short note asking where things "
            "stand keeps you in their mind and tells you where you are. Press the button to "
            "see yours."
        ),
    )


def recap_embed(post: RecapPost) -> discord.Embed:
    embed = discord.Embed(title="Friday recap", colour=BRAND_COLOUR)
    lines = [
        f"{mention(user)}: {wins} win{'s' if wins != 1 else ''}"
        + (f" of {goal} ✓" if goal and wins >= goal else f" (goal {goal})" if goal else "")
        for user, wins, goal in post.progress
    ]
    if post.others:
        who = "1 more member" if post.others == 1 else f"{post.others} more members"
        verb = "is" if post.others == 1 else "are"
        lines.append(f"{who} {verb} working on a goal of their own. The weekend still counts.")
    embed.description = clip(
        "\n".join(lines) or "Nobody committed this week. Monday's check-in is a fresh start.", 4000
    )
    totals = [f"{KIND_LABELS[kind]}: {count}" for kind, count in post.totals.items() if count]
    embed.add_field(
        name="Group totals this week",
        value="\n".join(totals) or "No wins logged yet.",
        inline=False,
    )
    together = network_week(post.network)
    if together:
        embed.add_field(name="The group as a network", value=together, inline=False)
    embed.set_footer(text="Every conversation counts. Log yours with /win.")
    return embed


def committed_text(goal: int, *, shared: bool) -> str:
    aim = f"{goal} next conversation{'s' if goal != 1 else ''}"
    where = " Your plan is in the channel." if shared else " Only you see this goal."
    return f"Committed: {aim} this week.{where} Log each one with `/win`."


def plan_text(user_id: int | None, goal: int, plan: str) -> str:
    """A member's shared plan for the group; ``user_id`` None for a member who is hidden."""
    who = f"{mention(user_id)}'s plan" if user_id is not None else "A member's plan"
    aim = f"{goal} next conversation{'s' if goal != 1 else ''}"
    return clip(f"**{who} this week** ({aim}): {inert(plan)}", MESSAGE_CHARS)


def board_embed(result: Board, *, with_chart: bool) -> discord.Embed:
    embed = discord.Embed(title=f"Leaderboard: {result.title}", colour=BRAND_COLOUR)
    if not result.leaders:
        embed.description = (
            "A quiet stretch: no wins logged yet. One message to one person "
            "is all it takes to start the next conversation."
        )
    else:
        embed.description = "\n".join(
            f"{rank}. {mention(leader.user_id)}: {plural(leader.points, 'point')} · "
            f"{leader.wins} win"
            f"{'s' if leader.wins != 1 else ''} · streak {leader.streak}"
            for rank, leader in enumerate(result.leaders, start=1)
        )
    total = f"{result.total} win{'s' if result.total != 1 else ''}"
    if result.previous_total is not None:
        total += f" (last week: {result.previous_total})"
    embed.add_field(name="Group total", value=total, inline=False)
    if result.encouraging:
        embed.add_field(
            name="Most encouraging",
            value=clip(encouraging(result.encouraging), EMBED_FIELD_VALUE),
            inline=False,
        )
    if with_chart:
        embed.set_image(url="attachment://group-weeks.png")
    return embed


def report_embed(result: Report) -> discord.Embed:
    embed = discord.Embed(title="Group report", colour=BRAND_COLOUR)
    embed.add_field(name="Members", value=str(result.members))
    embed.add_field(name="Active this week", value=str(result.active_this_week))
    embed.add_field(name="Wins this week", value=str(result.wins_this_week))
    quiet = ", ".join(
        f"{clip(q.name, 40)} ({q.days} days{', hidden' if q.hidden else ''})"
        for q in result.quiet[:40]
    )
    embed.add_field(
        name=f"Quiet for 14+ days ({len(result.quiet)})",
        value=clip(quiet or "Nobody.", EMBED_FIELD_VALUE),
        inline=False,
    )
    embed.set_footer(text="A personal message works better than a public reminder.")
    return embed


def nudge_text(days: int, has_won: bool) -> str:
    since = "your last logged win" if has_won else "you started with Next Interview"
    return (
        f"Hi! It's been {days} days since {since}. The next conversation is usually one "
        "message away: `/exercise start name:next-interview` helps you plan who to contact "
        "this week. (To stop these, use `/me nudges state:off`.)"
    )


WELCOME = (
    "Thanks for adding **Next Interview**! It keeps a job-search group moving: members log "
    "each next conversation with `/win`, and the group gets a weekly check-in, recap and "
    "leaderboard. Someone with **Manage Server** can start with `/setup channel` and "
    "`/setup timezone`; `/help` lists everything."
)
