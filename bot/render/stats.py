"""A member's numbers: this week against the weekly goal (wherever it came from), the streak,
totals and what is in the works (/me stats, and the goal line /win shows)."""

from __future__ import annotations

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.words import plural
from bot.services.goals import WeeklyGoal
from bot.services.kinds import KIND_LABELS
from bot.services.stats import MemberStats


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
