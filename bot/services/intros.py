"""The introduction exchange: a member asks the group "who knows someone at Globex?"; members
who can help offer; the asker accepts or declines each offer privately; a week after an
acceptance the asker is asked whether the introduction happened, and a yes logs an ``intro``
win for the asker and credits the helper.

The public request names the asker only when they are not hidden, shows the company and role
(never the private "why"), and later says "an introduction is under way" without names. Names
and the "why" travel only by DM, and only once the asker accepted. Every DM is a delivery:
the offer (to the asker), the acceptance (to the helper), the follow-up question and the note
when a request expires (to the asker), and a note when one side could not be reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import deliveries as deliveries_db
from bot.db import intros as intros_db
from bot.db import people as people_db
from bot.db import wins as wins_db
from bot.db.core import Row
from bot.errors import InvalidInput, NotFound
from bot.services import network, public
from bot.services import profile as profile_service
from bot.services.delivery import Claim, Due
from bot.services.kinds import WinKind
from bot.services.network import held
from bot.services.public import PublicPost
from bot.services.text import clean_block, clean_line, shows_something

log = logging.getLogger(__name__)

OFFER = "intro-offer"
ACCEPTED = "intro-accepted"
FOLLOWUP = "intro-followup"
EXPIRED = "intro-expired"
UNREACHABLE = "intro-unreachable"
MESSAGE_KINDS = {
    OFFER: timedelta(days=3),
    ACCEPTED: timedelta(days=3),
    FOLLOWUP: timedelta(days=7),
    EXPIRED: timedelta(days=7),
    UNREACHABLE: timedelta(days=3),
}
POST_KIND = "intro"  # public_posts.kind of a request
MAX_OPEN = 3
EXPIRES_AFTER = timedelta(weeks=3)
ASK_AFTER = timedelta(weeks=1)  # "did the introduction happen?"
MAX_COMPANY = 100
MAX_ROLE = 100
MAX_WHY = 300
BACKSTOP = timedelta(hours=6)


class RequestState(StrEnum):
    OPEN = "open"
    UNDERWAY = "underway"  # an offer was accepted
    DONE = "done"  # the introduction happened
    CLOSED = "closed"  # expired


@dataclass(frozen=True, slots=True)
class RequestPost:
    """A request as the group's channel shows it."""

    request_id: int
    guild_id: int
    asker: int
    named: bool  # False for an asker hidden from the group's public posts
    company: str
    role: str | None
    state: RequestState
    post: PublicPost | None  # the public message (None when it was never posted)
    channel_id: int | None


def _optional_line(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not shows_something(value):
        return None
    return clean_line(value, what, limit)


async def _post_of(db: Database, asker: int, guild_id: int, request_id: int) -> PublicPost | None:
    for post in await public.for_user(db, asker):
        if post.kind == POST_KIND and post.guild_id == guild_id and post.ref == str(request_id):
            return post
    return None


async def request_post(db: Database, request_id: int) -> RequestPost | None:
    row = await intros_db.request(db, request_id)
    if row is None:
        return None
    if row["status"] == "done":
        state = RequestState.DONE
    elif row["status"] == "closed":
        state = RequestState.CLOSED
    else:
        state = RequestState.UNDERWAY if row["underway"] else RequestState.OPEN
    group = await network.group(db, row["guild_id"])
    return RequestPost(
        request_id=request_id,
        guild_id=row["guild_id"],
        asker=row["user_id"],
        named=not await public.is_hidden(db, row["guild_id"], row["user_id"]),
        company=row["company"],
        role=row["role"],
        state=state,
        post=await _post_of(db, row["user_id"], row["guild_id"], request_id),
        channel_id=group.channel_id if group else None,
    )


def _paused_text(group: network.NetworkGroup) -> str:
    until = group.paused_until.isoformat() if group.paused_until else "later"
    return f"The group is taking a break until {until}: the exchange opens again after it."


async def ask(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    user_id: int,
    company: str,
    role: str | None,
    why: str | None,
) -> RequestPost:
    """Open a request and claim its public post (the caller posts it)."""
    company_text = clean_line(company, "the company you'd like an introduction at", MAX_COMPANY)
    role_text = _optional_line(role, "the role", MAX_ROLE)
    why_text = clean_block(why, "context", MAX_WHY)
    group = await network.require_group(db, guild_id)
    now = clock.now()
    if not group.exchange:
        raise InvalidInput("The introduction exchange is off in this group.")
    if group.channel_id is None:
        raise InvalidInput(
            "The group has no channel for requests yet: an organiser can choose one with "
            "`/setup channel`."
        )
    if group.paused_on(now):
        raise InvalidInput(_paused_text(group))
    profile = await profile_service.load(db, clock, user_id)
    if profile.dm_closed:
        raise InvalidInput(
            "Offers come to you by DM, and your DMs are closed to me. Allow direct messages "
            "from this server's members (Privacy Settings), then ask again."
        )
    if await intros_db.open_count(db, user_id) >= MAX_OPEN:
        raise InvalidInput(
            f"You have {MAX_OPEN} requests open already. Each closes after 3 weeks, or when "
            "you tell me an introduction happened."
        )
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        request_id = await intros_db.insert_request(
            conn,
            guild_id=guild_id,
            user_id=user_id,
            company=company_text,
            role=role_text,
            why=why_text,
            now=now,
            expires_at=now + EXPIRES_AFTER,
        )
    post = await public.claim(
        db, clock, user_id=user_id, guild_id=guild_id, kind=POST_KIND, ref=str(request_id)
    )
    found = await request_post(db, request_id)
    if found is None:
        raise NotFound("That request vanished as it was made: try again.")
    # The claim just made, so the caller posts it (a post read back is one already claimed).
    return replace(found, post=post)


async def not_posted(db: Database, clock: Clock, request_id: int) -> None:
    """The request could not be posted: close it, so it does not count against the limit."""
    async with db.transaction() as conn:
        await intros_db.close_request(conn, request_id, "closed", clock.now())


# -- offers --------------------------------------------------------------------------------------


class OfferStatus(StrEnum):
    SENT = "sent"  # passed on to the asker, who decides
    OWN = "own"
    ALREADY = "already"
    CLOSED = "closed"
    OFF = "off"
    PAUSED = "paused"
    UNREACHABLE = "unreachable"  # the asker's DMs are closed to the bot
    GONE = "gone"  # not a request posted on this message in this group


@dataclass(frozen=True, slots=True)
class Offered:
    status: OfferStatus
    note: str | None = None


async def offer(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    request_id: int,
    user_id: int,
    message_id: int | None,
) -> Offered:
    """A member offers to introduce. The request id comes from a button: it must be the one
    posted on that message, in the server the press came from."""
    row = await intros_db.request(db, request_id)
    if row is None or row["guild_id"] != guild_id:
        return Offered(OfferStatus.GONE)
    post = await _post_of(db, row["user_id"], guild_id, request_id)
    if post is None or (post.message_id is not None and post.message_id != message_id):
        return Offered(OfferStatus.GONE)
    if row["status"] != "open":
        return Offered(OfferStatus.CLOSED)
    group = await network.require_group(db, guild_id)
    now = clock.now()
    if not group.exchange:
        return Offered(OfferStatus.OFF)
    if group.paused_on(now):
        return Offered(OfferStatus.PAUSED, _paused_text(group))
    if row["user_id"] == user_id:
        return Offered(OfferStatus.OWN)
    asker = await people_db.get_user(db, row["user_id"])
    if asker is None or asker["dm_closed_at"] is not None:
        return Offered(OfferStatus.UNREACHABLE)
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        made = await intros_db.insert_offer(conn, request_id, guild_id, user_id, now)
    return Offered(OfferStatus.SENT if made is not None else OfferStatus.ALREADY)


@dataclass(frozen=True, slots=True)
class OfferView:
    """An offer as the two people in it see it (by DM)."""

    offer_id: int
    request_id: int | None
    guild_id: int
    group_name: str
    helper: int
    asker: int
    company: str
    role: str | None
    why: str | None
    status: str


def _view(row: Row) -> OfferView:
    return OfferView(
        offer_id=row["offer_id"],
        request_id=row["request_id"],
        guild_id=row["guild_id"],
        group_name=row["group_name"],
        helper=row["helper"],
        asker=row["asker"],
        company=row["company"],
        role=row["role"],
        why=row["why"],
        status=row["status"],
    )


async def _asker_offer(db: Database, offer_id: int, user_id: int) -> Row:
    row = await intros_db.offer(db, offer_id)
    if row is None or row["asker"] is None or row["asker"] != user_id:
        raise NotFound("That offer isn't there any more.")
    return row


@dataclass(frozen=True, slots=True)
class Decision:
    offer: OfferView
    changed: bool  # False: decided before (a double press)


async def decide(
    db: Database, clock: Clock, *, offer_id: int, user_id: int, accept: bool
) -> Decision:
    """The asker accepts or declines an offer (private: a decline is never told)."""
    row = await _asker_offer(db, offer_id, user_id)
    async with db.transaction() as conn:
        changed = await intros_db.decide(
            conn, offer_id, "offered", "accepted" if accept else "declined", clock.now()
        )
    after = await intros_db.offer(db, offer_id)
    return Decision(_view(after or row), changed)


class IntroAnswer(StrEnum):
    YES = "yes"
    NOT_YET = "notyet"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Outcome:
    offer: OfferView
    answer: IntroAnswer
    changed: bool
    points: int = 0


async def outcome(
    db: Database, clock: Clock, *, offer_id: int, user_id: int, answer: str
) -> Outcome:
    """The asker says whether the introduction happened. Yes logs an ``intro`` win for them
    and credits the helper, in one transaction, once."""
    chosen = IntroAnswer(answer)
    row = await _asker_offer(db, offer_id, user_id)
    if chosen is IntroAnswer.NOT_YET:
        return Outcome(_view(row), chosen, False)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    async with db.transaction() as conn:
        if chosen is IntroAnswer.NO:
            changed = await intros_db.decide(conn, offer_id, "accepted", "not-made", now)
        else:
            changed = await intros_db.decide(conn, offer_id, "accepted", "made", now)
            if changed:
                await wins_db.insert(
                    conn,
                    user_id=user_id,
                    kind=WinKind.INTRO.value,
                    who=row["company"],
                    note=None,
                    share_who=False,
                    happened_on=profile.today(now),
                    happened_at=now,
                    opportunity_id=None,
                    now=now,
                )
                await intros_db.close_request(conn, row["request_id"], "done", now)
    return Outcome(_view(row), chosen, changed)


# -- planning and what each DM says -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessagePlan:
    due: list[Due]
    wake: datetime


async def due_messages(db: Database, now: datetime) -> MessagePlan:
    due: list[Due] = []
    wake = now + BACKSTOP
    for row in await intros_db.offers_to_send(db, now - MESSAGE_KINDS[OFFER]):
        offer_id = row["offer_id"]
        if row["sent_status"] is None and row["status"] == "offered":
            due.append(Due(OFFER, offer_id, "offer", from_db(row["created_at"]), row["asker"]))
        elif row["sent_status"] == "failed" and row["note_status"] is None:
            due.append(Due(UNREACHABLE, offer_id, "offer", now, row["helper"]))
    lookback = ASK_AFTER + MESSAGE_KINDS[FOLLOWUP] + timedelta(days=1)
    for row in await intros_db.accepted_since(db, now - lookback):
        offer_id, decided = row["offer_id"], from_db(row["decided_at"])
        if row["sent_status"] is None and now - decided <= MESSAGE_KINDS[ACCEPTED]:
            due.append(Due(ACCEPTED, offer_id, "accepted", decided, row["helper"]))
        elif row["sent_status"] == "failed" and row["note_status"] is None:
            due.append(Due(UNREACHABLE, offer_id, "accepted", now, row["asker"]))
        if row["status"] != "accepted" or row["asked_status"] is not None:
            continue
        at = held(ZoneInfo(row["timezone"]), row["paused_until"], decided + ASK_AFTER)
        if at > now:
            wake = min(wake, at)
        else:
            due.append(Due(FOLLOWUP, offer_id, "week", at, row["asker"]))
    rows = await intros_db.open_requests(db)
    known = await deliveries_db.known_keys(db, EXPIRED, {"expired"}) if rows else set()
    for row in rows:
        if (row["request_id"], "expired") in known:
            continue
        at = held(ZoneInfo(row["timezone"]), row["paused_until"], from_db(row["expires_at"]))
        if at > now:
            wake = min(wake, at)
            continue
        # Always inside its window: a request left open would count against the limit forever.
        due.append(
            Due(
                EXPIRED,
                row["request_id"],
                "expired",
                max(at, now - timedelta(hours=1)),
                row["user_id"],
            )
        )
    return MessagePlan(due, wake)


async def offer_for(db: Database, claim: Claim) -> OfferView | None:
    """The offer to pass on to the asker; None once decided or gone."""
    row = await intros_db.offer(db, claim.target_id)
    if row is None or row["asker"] is None or row["status"] != "offered":
        return None
    return _view(row)


async def accepted_for(db: Database, claim: Claim) -> OfferView | None:
    """The acceptance to tell the helper about; None if either side's data is gone."""
    row = await intros_db.offer(db, claim.target_id)
    if row is None or row["asker"] is None or row["status"] not in ("accepted", "made", "not-made"):
        return None
    return _view(row)


async def followup_for(db: Database, claim: Claim) -> OfferView | None:
    row = await intros_db.offer(db, claim.target_id)
    if row is None or row["asker"] is None or row["status"] != "accepted":
        return None
    return _view(row)


@dataclass(frozen=True, slots=True)
class Unreachable:
    to: int
    company: str
    helper: int | None  # named to the asker; the asker is never named to the helper here


async def unreachable_for(db: Database, claim: Claim) -> Unreachable | None:
    row = await intros_db.offer(db, claim.target_id)
    if row is None or row["asker"] is None:
        return None
    if claim.period == "offer":
        return Unreachable(row["helper"], row["company"], None)
    return Unreachable(row["asker"], row["company"], row["helper"])


@dataclass(frozen=True, slots=True)
class Expired:
    asker: int
    company: str
    offers: int
    request: RequestPost


async def expire(db: Database, clock: Clock, claim: Claim) -> Expired | None:
    """Close a request three weeks on (once) and say what to tell the asker; None when the
    introduction happened meanwhile or the request is gone."""
    async with db.transaction() as conn:
        await intros_db.close_request(conn, claim.target_id, "closed", clock.now())
    found = await request_post(db, claim.target_id)
    row = await intros_db.request(db, claim.target_id)
    if found is None or row is None or found.state is not RequestState.CLOSED:
        return None
    return Expired(found.asker, found.company, row["offers"], found)


def closes_on(created: datetime, zone: ZoneInfo) -> date:
    return (created + EXPIRES_AFTER).astimezone(zone).date()
