"""The pipeline as members see it: /pipeline list by stage, what /pipeline says when an
opportunity moves, closes or is added twice, the one-card view of a single opportunity, and how
an opportunity compares with the right-job target."""

from __future__ import annotations

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_FIELD_VALUE, clip, embed_pages, pack_lines
from bot.render.words import day, plural, points_text
from bot.services.kinds import Outcome
from bot.services.pipeline import (
    Card,
    Closed,
    KeptWarm,
    Moved,
    NeedsConfirmation,
    PipelineView,
    Settled,
)
from bot.services.target import STATUS_LABELS, Comparison

# Said after closing, by outcome: short, kind, and pointing at what is still moving.
ENCOURAGEMENT = {
    Outcome.ACCEPTED: "Congratulations!",
    Outcome.REJECTED: "A no is part of every search; what you learnt carries into the next one.",
    Outcome.WENT_QUIET: "It happens. Keep the others moving.",
}
TITLE_CHARS = 120


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


def moved(result: Moved) -> str:
    item = result.opportunity
    return f"**{clip(item.title, TITLE_CHARS)}**: {result.before.value} → **{item.stage.value}**."


def needs_confirmation(result: NeedsConfirmation) -> str:
    item = result.opportunity
    lines = [
        f"{clip(item.title, TITLE_CHARS)} "
        + (
            "falls short of your target on:"
            if any(c.status == "short" for c in result.short)
            else "may not meet your target on:"
        ),
        *(
            f"• {c.label}: {STATUS_LABELS[c.status]} (your target: {clip(c.target, 150)}"
            + (f"; {clip(c.detail, 100)})" if c.detail else ")")
            for c in result.short
        ),
        "",
        f"Interviewing takes real time: worth it for the job you are after. Move it to "
        f"**{result.stage.value}** anyway?",
    ]
    return "\n".join(lines)


def closed(result: Closed) -> str:
    item = result.opportunity
    lines = [
        f"Closed **{clip(item.title, TITLE_CHARS)}** as {result.outcome.value}. "
        + ENCOURAGEMENT.get(result.outcome, "")
    ]
    if result.offer is not None and result.offer.already:
        lines.append(f"Your offer from {clip(item.company, TITLE_CHARS)} is already logged.")
    elif result.offer is not None:
        lines.append(
            f"Logged your offer from {clip(item.company, TITLE_CHARS)}: "
            f"{points_text(result.offer.points, in_group=True)}."
        )
    count = result.open_follow_ups
    if count:
        them = "it" if count == 1 else "them"
        keep = "keep it" if count == 1 else "keep one"
        lines.append(
            f"{plural(count, 'follow-up')} still open for it: drop {them}, or {keep} to stay "
            "in touch? People you met are worth a word later, whatever the answer was."
        )
    return "\n".join(line.strip() for line in lines)


def settle_labels(count: int) -> tuple[str, str]:
    """The two buttons after closing: drop the follow-ups, or keep one."""
    if count == 1:
        return "Drop it", "Keep it to stay in touch"
    return "Drop them", "Keep one to stay in touch"


def settled(result: Settled) -> str:
    dropped = f"Dropped {plural(result.dropped, 'follow-up')}."
    if result.kept is None:
        return dropped if result.dropped else "No follow-up was open any more."
    kept = f"Kept the one on {day(result.kept, result.today)} to stay in touch."
    return f"{kept} {dropped}" if result.dropped else kept


def others(count: int, shown: int) -> str:
    text = (
        f"{plural(count, 'other opportunity', 'other opportunities')} "
        f"{'is' if count == 1 else 'are'} still open. An offer is not signed yet: keep them "
        "warm until you have signed, with a short note in two weeks, or close the ones you "
        "are done with as withdrawn."
    )
    if shown < count:
        text += f" The lists show {shown}; the buttons act on all {count}."
    return text


def kept_warm(result: KeptWarm) -> str:
    if not result.items:
        return "Nothing left to keep warm: those are closed."
    lines = [
        f"• {clip(item.title, TITLE_CHARS)}: "
        + (
            f"follow-up on {day(item.due_on, result.today)}"
            if item.new
            else f"already has a follow-up on {day(item.due_on, result.today)}"
        )
        for item in result.items
    ]
    return "Keeping warm:\n" + "\n".join(lines)


def withdrawn(titles: list[str]) -> str:
    if not titles:
        return "Nothing left to close: those are closed already."
    return "Closed as withdrawn: " + ", ".join(clip(t, TITLE_CHARS) for t in titles) + "."


def duplicate(title: str, stage: str) -> str:
    return (
        f"You already have **{clip(title, TITLE_CHARS)}** at {stage}. Open it, or add it "
        "anyway if this is a second one?"
    )


def card(result: Card) -> discord.Embed:
    item = result.opportunity
    contact = day(item.last_contact_on, result.today) if item.last_contact_on else "no contact yet"
    follow = day(item.next_follow_up, result.today) if item.next_follow_up else "none set"
    lines = [
        f"Stage: **{item.stage.value}**",
        f"Last contact: {contact}",
        f"Next follow-up: {follow}",
    ]
    if item.next_step:
        lines.append(f"Next step: {clip(item.next_step, 200)}")
    if item.versus_target:
        lines.append(f"Vs your target: {item.versus_target}")
    return discord.Embed(
        title=clip(item.title, 200),
        description=clip("\n".join(lines), EMBED_FIELD_VALUE),
        colour=BRAND_COLOUR,
    )
