"""The group as a network, as members read it: cheers, partners and introductions.

Public text (a request in the channel) names a member only when they are not hidden and shows
what they typed inert. DMs name the people involved (the point of an introduction) and show
other members' words inert too, so a line in a cheer cannot carry a live link.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.render.help import BRAND_COLOUR
from bot.render.limits import EMBED_DESCRIPTION, MESSAGE_CHARS, clip
from bot.render.safe import inert
from bot.render.words import plural
from bot.services.cheers import CheerCheck, CheerStatus, Digest
from bot.services.dates import format_day
from bot.services.intros import (
    Decision,
    Expired,
    IntroAnswer,
    Offered,
    OfferStatus,
    OfferView,
    Outcome,
    RequestPost,
    RequestState,
    Unreachable,
)
from bot.services.kinds import KIND_LABELS
from bot.services.network import Encourager, NetworkWeek, PartnerSettings
from bot.services.partners import (
    Answer,
    Answered,
    Joined,
    PartnerCheckin,
    PartnerIntro,
    PartnerStatus,
    RejoinAsk,
)
from bot.services.partners import Unreachable as PartnerUnreachable

MAX_DIGEST_LINES = 20


def mention(user_id: int) -> str:
    # Renders as the member's name; the bot sends with mentions disabled, so it never pings.
    return f"<@{user_id}>"


def names(user_ids: list[int]) -> str:
    shown = [mention(u) for u in user_ids]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def when(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    local = moment.astimezone(zone)
    return f"{format_day(local.date(), now.astimezone(zone).date())} at {local:%H:%M}"


def group_name(name: str) -> str:
    return f"**{inert(name)}**" if name else "your group"


# -- cheers ----------------------------------------------------------------------------------


CHEER_REPLIES = {
    CheerStatus.OK: (
        "Cheered! They'll get your cheer this evening, together with any others, in one "
        "message from me."
    ),
    CheerStatus.OWN: "That's your own win: well done! Cheers are for cheering each other on.",
    CheerStatus.ALREADY: "You cheered this one already. Thank you for backing them.",
    CheerStatus.GONE: "That celebration isn't there any more, so there's nothing to cheer.",
}


def cheer_reply(result: CheerCheck) -> str:
    return CHEER_REPLIES[result.status]


def cheer_digest(digest: Digest) -> discord.Embed:
    """The day's cheers in one message: as many as fit, then how many more there were."""
    closing = "\n\nEach of these wins started with you reaching out. Keep going."
    room = EMBED_DESCRIPTION - len(closing) - 40  # the "…and N more" line
    lines: list[str] = []
    for item in digest.cheers[:MAX_DIGEST_LINES]:
        said = f": “{inert(clip(item.line, 200))}”" if item.line else ""
        line = f"🎉 {mention(item.cheerer)} cheered your {KIND_LABELS[item.kind]}{said}"
        if sum(len(x) + 1 for x in lines) + len(line) > room:
            break
        lines.append(line)
    more = len(digest.cheers) - len(lines)
    if more > 0:
        lines.append(f"…and {plural(more, 'more cheer')}.")
    return discord.Embed(
        title="Your group cheered you on",
        colour=BRAND_COLOUR,
        description="\n".join(lines) + closing,
    )


# -- partners ------------------------------------------------------------------------------------


def every(weeks: int) -> str:
    return "every week" if weeks == 1 else f"every {weeks} weeks"


def partners_setting(result: PartnerSettings, now: datetime) -> str:
    if not result.on:
        return (
            "Accountability partners are **off**: no new pairs and no more check-ins. Members "
            "who joined stay signed up for when they're back on."
        )
    first = when(result.next_cycle, result.zone, now) if result.next_cycle else "soon"
    return (
        f"Accountability partners are **on**: new pairs {every(result.weeks)}, the next on "
        f"{first} (group time). Members join with `/partner join`."
    )


def exchange_setting(on: bool) -> str:
    if on:
        return "The introduction exchange is **on**: members ask with `/ask intro`."
    return (
        "The introduction exchange is **off**: no new requests or offers. Introductions "
        "already under way carry on."
    )


def partner_joined(joined: Joined, now: datetime) -> str:
    start = when(joined.next_cycle, joined.zone, now) if joined.next_cycle else "the next cycle"
    if joined.already:
        return f"You're already in. Next pairing: {start}."
    lead = "Welcome back" if joined.came_back else "You're in"
    return (
        f"{lead}: I'll pair you with someone from the group {every(joined.weeks)}, starting "
        f"{start}, and introduce you by DM. `/partner leave` stops it any time."
    )


def partner_left(was_in: bool) -> str:
    if not was_in:
        return "You weren't in partner pairing here, so nothing changed."
    return "You're out of partner pairing. `/partner join` brings you back any time."


def partner_avoided(undo: bool, changed: bool) -> str:
    if undo:
        return (
            "Done: you can be paired with them again."
            if changed
            else "You weren't avoiding them, so nothing changed."
        )
    return "Done: you won't be paired with them. Nobody is told, them included."


def partner_status(result: PartnerStatus, now: datetime) -> str:
    lines = []
    if not result.on:
        lines.append(
            "Accountability partners are off in this group; an organiser can turn them on "
            "with `/setup partners state:on`."
        )
    elif not result.joined:
        lines.append(
            f"You're not in partner pairing here. `/partner join` pairs you {every(result.weeks)}."
        )
    elif result.paused:
        lines.append(
            "Your pairing is paused after two check-ins went unanswered. `/partner join` "
            "brings you back."
        )
    else:
        start = when(result.next_cycle, result.zone, now) if result.next_cycle else "soon"
        lines.append(f"You're in: new pairs {every(result.weeks)}, next on {start}.")
    if result.current is not None and result.current.partners:
        since = format_day(result.current.cycle, now.astimezone(result.zone).date())
        lines.append(f"This cycle (since {since}): {names(result.current.partners)}.")
    if result.avoiding:
        lines.append(
            f"Only you see this: you asked not to be paired with {names(result.avoiding)}."
        )
    return "\n".join(lines)


def first_message(partners: list[int], weeks: int) -> str:
    span = "this week" if weeks == 1 else f"the next {weeks} weeks"
    hello = "Hi both" if len(partners) > 1 else "Hi"
    return (
        f"{hello}! We're accountability partners for {span}. My next conversation this week "
        "is ___. What's yours? Shall we check in briefly on Thursday?"
    )


def partner_intro(intro: PartnerIntro, now: datetime) -> discord.Embed:
    who = "partner" if len(intro.partners) == 1 else "partners"
    span = "this week" if intro.weeks == 1 else f"the next {intro.weeks} weeks"
    embed = discord.Embed(
        title=f"Your accountability {who} for {span}",
        colour=BRAND_COLOUR,
        description=(
            f"In {group_name(intro.group_name)} you're paired with {names(intro.partners)}. "
            "Someone who asks how your week went makes the next conversation easier to start."
        ),
    )
    for user_id in intro.partners:
        plan = intro.plans.get(user_id)
        if plan:
            embed.add_field(
                name="Their plan shared at this week's check-in",
                value=clip(f"{mention(user_id)}: {inert(plan)}", 1000),
                inline=False,
            )
    embed.add_field(
        name="A first message you could send",
        value=f"> {first_message(intro.partners, intro.weeks)}",
        inline=False,
    )
    day = format_day(intro.checkin_on, now.date())
    embed.set_footer(
        text=f"I'll ask on {day} whether you connected. /partner status shows your pairing; "
        "/partner leave stops it."
    )
    return embed


def partner_checkin(checkin: PartnerCheckin) -> str:
    return (
        f"Did you and {names(checkin.partners)} connect this cycle "
        f"({group_name(checkin.group_name)})? A short message counts."
    )


def partner_answered(result: Answered) -> str:
    if not result.recorded:
        return "Already noted, thank you."
    return {
        Answer.YES: "Wonderful: a conversation that keeps both of you moving. Noted.",
        Answer.NOT_YET: (
            "No problem: a two-line message today is enough to start. Press Yes here once "
            "you've talked."
        ),
        Answer.SKIP: "Skipped for this cycle. You'll be paired again at the next one.",
    }[result.answer]


def partner_unreachable(note: PartnerUnreachable) -> str:
    return (
        f"I couldn't reach {names(note.unreachable)} by DM to introduce you as partners in "
        f"{group_name(note.group_name)} (their DMs are closed to me). Say hello in the server "
        "instead: they may not know you're paired."
    )


def partner_rejoin(ask: RejoinAsk) -> str:
    return (
        f"Your last two partner check-ins in {group_name(ask.group_name)} went unanswered, so "
        "I've paused your pairing: no more partners until you say so. Would you like to be "
        "paired again?"
    )


def partner_rejoined(changed: bool, stay: bool) -> str:
    if stay:
        return "Pairing stays paused. `/partner join` brings you back whenever you like."
    if not changed:
        return "You're already in pairing."
    return "You're back in: you'll be paired at the next cycle."


# -- the introduction exchange ---------------------------------------------------------------


def request_text(request: RequestPost) -> str:
    """The public request: the asker named only if not hidden; never the private "why"."""
    who = mention(request.asker) if request.named else "A member"
    role = f" (role: {inert(request.role)})" if request.role else ""
    lines = [
        f"🤝 **Who knows someone at {inert(request.company)}?**",
        f"{who} is looking for an introduction{role}.",
    ]
    if request.state is RequestState.OPEN:
        lines.append(
            "If you know someone there, press **I can introduce**. Only they see your offer, "
            "and they decide."
        )
    elif request.state is RequestState.UNDERWAY:
        lines.append("✨ An introduction is under way. More offers are still welcome.")
    elif request.state is RequestState.DONE:
        lines.append("✨ An introduction was made. Thank you, group!")
    else:
        lines.append("This request has closed.")
    return clip("\n".join(lines), MESSAGE_CHARS)


def asked_reply(posted: bool) -> str:
    if not posted:
        return (
            "I couldn't post your request in the group's channel just now, so nothing was "
            "asked. Please try again in a little while."
        )
    return (
        "Your request is in the group's channel. When someone offers, I'll DM you and you "
        "decide; nobody learns of a decline. It closes after 3 weeks."
    )


OFFER_REPLIES = {
    OfferStatus.SENT: (
        "Thank you! I've passed your offer on privately. If they accept, I'll DM you both "
        "each other's names and what they're looking for."
    ),
    OfferStatus.OWN: "That's your own request: the group will answer it.",
    OfferStatus.ALREADY: "You offered already, thank you. They'll decide.",
    OfferStatus.CLOSED: "This request has closed. Thank you for wanting to help.",
    OfferStatus.OFF: "The introduction exchange is off in this group.",
    OfferStatus.UNREACHABLE: (
        "Thank you! I can't pass your offer on right now: their DMs are closed to me."
    ),
    OfferStatus.GONE: "That request isn't there any more.",
}


def offer_reply(result: Offered) -> str:
    if result.status is OfferStatus.PAUSED and result.note:
        return result.note
    return OFFER_REPLIES.get(result.status, "That request isn't open right now.")


def what(offer: OfferView) -> str:
    role = f" ({inert(offer.role)})" if offer.role else ""
    return f"someone at {inert(offer.company)}{role}"


def offer_dm(offer: OfferView) -> str:
    return clip(
        f"🤝 {mention(offer.helper)} can introduce you to {what(offer)}, from your request "
        f"in {group_name(offer.group_name)}.\nAccept and I'll tell you both each other's names, "
        "with your context. Decline and they won't be told.",
        MESSAGE_CHARS,
    )


def context(offer: OfferView) -> str:
    return f"\nContext: “{inert(offer.why)}”" if offer.why else ""


def decision_text(decision: Decision) -> str:
    offer = decision.offer
    if not decision.changed:
        return "You've decided on this offer already."
    if offer.status == "declined":
        return "Declined, privately: they won't be told. Thank you for deciding."
    return clip(
        f"Accepted: {mention(offer.helper)} will introduce you to {what(offer)}. I've sent "
        f"them your name and context.{context(offer)}\nSend them a short thank-you now and "
        "offer two times you're free: making the next step easy is how it happens. I'll ask "
        "in a week how it went.",
        MESSAGE_CHARS,
    )


def accepted_dm(offer: OfferView) -> str:
    return clip(
        f"🤝 {mention(offer.asker)} accepted your offer to introduce them to {what(offer)}."
        f"{context(offer)}\nA good next step: one short message to your contact, copying "
        f"{mention(offer.asker)}, saying why you think they should talk. Thank you for opening "
        "a door.",
        MESSAGE_CHARS,
    )


def followup_dm(offer: OfferView) -> str:
    return clip(
        f"A week ago {mention(offer.helper)} offered to introduce you to {what(offer)}. Did "
        "the introduction happen?",
        MESSAGE_CHARS,
    )


def outcome_text(result: Outcome) -> str:
    if result.answer is IntroAnswer.NOT_YET:
        return "No rush. A friendly nudge to them often does it. Press Yes here once it happens."
    if not result.changed:
        return "Already noted, thank you."
    if result.answer is IntroAnswer.NO:
        return "Thanks for telling me. Asking was the right move; the next one may land."
    return (
        "Wonderful! Logged as an introduction win, and they're credited for making it. Now "
        "set up the meeting yourself rather than waiting for it to be arranged."
    )


def expired_dm(expired: Expired) -> str:
    offers = (
        f"It had {plural(expired.offers, 'offer')}."
        if expired.offers
        else "Nobody offered this time."
    )
    return clip(
        f"Your request for an introduction at {inert(expired.company)} has closed after 3 "
        f"weeks. {offers} You can ask again any time with `/ask intro`, perhaps naming a "
        "role or a team.",
        MESSAGE_CHARS,
    )


def unreachable_dm(note: Unreachable) -> str:
    if note.helper is None:
        return (
            f"Thank you for offering an introduction at {inert(note.company)}. I couldn't pass "
            "it on: they can't get DMs from me right now."
        )
    return (
        f"I couldn't DM {mention(note.helper)} that you accepted their offer (their DMs are "
        f"closed to me). Send them a message in the server so the introduction at "
        f"{inert(note.company)} can go ahead."
    )


# -- the recap and the leaderboard -----------------------------------------------------------


def network_week(week: NetworkWeek) -> str:
    """The recap's line about the group helping each other: counts, never names."""
    parts = []
    if week.cheers:
        parts.append(f"🎉 {plural(week.cheers, 'cheer')} given")
    if week.pairs_met:
        parts.append(f"🤝 {plural(week.pairs_met, 'partner pair')} met")
    if week.introductions:
        parts.append(f"✨ {plural(week.introductions, 'introduction')} made")
    return "\n".join(parts)


def encouraging(people: list[Encourager]) -> str:
    """The leaderboard's one line: who gave the most cheers and introductions."""

    def given(person: Encourager) -> str:
        parts = []
        if person.cheers:
            parts.append(plural(person.cheers, "cheer"))
        if person.introductions:
            parts.append(plural(person.introductions, "introduction"))
        return " and ".join(parts)

    return "; ".join(f"{mention(p.user_id)} ({given(p)} given)" for p in people)
