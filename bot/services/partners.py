"""Accountability partners: members who join are paired within their group each cycle (every
1 to 4 weeks, organisers choose), introduced by DM with each other's shared plan, and asked
mid-cycle whether they connected.

Each cycle is one item in the delivery ledger (kind ``partner-cycle``, the group, the cycle's
Monday): claiming it runs the pairing, which writes every pair and every member's count of
unanswered check-ins in one transaction that a rerun finds done. The DMs that follow are
items of their own, planned from the pairs. A cycle that starts while the group is paused is
skipped; check-ins that fall in a pause are skipped and never count as unanswered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database
from bot.db import deliveries as deliveries_db
from bot.db import partners as partners_db
from bot.db import people as people_db
from bot.db.core import Row
from bot.errors import InvalidInput, NotFound
from bot.services import network
from bot.services.delivery import Claim, Due
from bot.services.network import checkin_offset, cycle_start, cycles_around, held
from bot.services.pairing import pair_up

log = logging.getLogger(__name__)

CYCLE = "partner-cycle"
INTRO = "partner-intro"
CHECKIN = "partner-checkin"
REJOIN = "partner-rejoin"
UNREACHABLE = "partner-unreachable"
CYCLE_KINDS = {CYCLE: timedelta(days=2)}
MESSAGE_KINDS = {
    INTRO: timedelta(days=2),
    CHECKIN: timedelta(days=2),
    REJOIN: timedelta(days=7),
    UNREACHABLE: timedelta(days=2),
}
RECENT_CYCLES = 3  # nobody is paired with someone from this many cycles back, if avoidable
UNANSWERED_LIMIT = 2  # check-ins in a row left unanswered pause a member's pairing
LOOKBACK = timedelta(weeks=6)  # pairs whose messages may still be due (4-week cycles + grace)
BACKSTOP = timedelta(hours=6)
PAUSED = "skipped: the group was paused"
MISSED = "missed: the bot was down for more than 2 days after it was due"
OFF = "partners are off in this group"


def period(guild_id: int, cycle: str) -> str:
    return f"{guild_id}:{cycle}"


def parse_period(value: str) -> tuple[int, str]:
    guild, _, cycle = value.partition(":")
    return int(guild), cycle


# -- what a member does ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Joined:
    weeks: int
    next_cycle: datetime | None
    zone: ZoneInfo
    already: bool  # was in pairing already (and not paused)
    came_back: bool  # was paused for unanswered check-ins


async def _partners_group(db: Database, guild_id: int) -> network.NetworkGroup:
    group = await network.require_group(db, guild_id)
    if not group.partners:
        raise InvalidInput(
            "Accountability partners aren't on in this group yet: an organiser can turn them "
            "on with `/setup partners state:on`."
        )
    return group


def _next_cycle(group: network.NetworkGroup, now: datetime) -> datetime | None:
    if group.partner_anchor is None:
        return None
    _, upcoming = cycles_around(group.partner_anchor, group.partner_weeks, now, group.zone)
    return cycle_start(upcoming, group.zone)


async def join(db: Database, clock: Clock, *, guild_id: int, user_id: int) -> Joined:
    group = await _partners_group(db, guild_id)
    before = await partners_db.membership(db, guild_id, user_id)
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        await people_db.touch_member(conn, guild_id, user_id, now)
        await partners_db.join(conn, guild_id, user_id, now)
    return Joined(
        weeks=group.partner_weeks,
        next_cycle=_next_cycle(group, now),
        zone=group.zone,
        already=before is not None and before["paused_cycle"] is None,
        came_back=before is not None and before["paused_cycle"] is not None,
    )


async def leave(db: Database, *, guild_id: int, user_id: int) -> bool:
    async with db.transaction() as conn:
        return await partners_db.leave(conn, guild_id, user_id)


async def avoid(
    db: Database,
    clock: Clock,
    *,
    guild_id: int,
    user_id: int,
    other_id: int,
    other_is_bot: bool,
    undo: bool = False,
) -> bool:
    """Privately never be paired with ``other_id`` (or stop avoiding them). The other person
    is never told. Returns False when undoing something that was not there."""
    if other_id == user_id:
        raise InvalidInput("That's you: you're never paired with yourself.")
    if other_is_bot:
        raise InvalidInput("Bots are never paired, so there's nobody to avoid there.")
    await network.require_group(db, guild_id)
    now = clock.now()
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        if undo:
            return await partners_db.remove_avoid(conn, guild_id, user_id, other_id)
        await partners_db.add_avoid(conn, guild_id, user_id, other_id, now)
    return True


@dataclass(frozen=True, slots=True)
class CurrentPair:
    cycle: date
    partners: list[int]
    answer: str | None


@dataclass(frozen=True, slots=True)
class PartnerStatus:
    on: bool
    weeks: int
    next_cycle: datetime | None
    zone: ZoneInfo
    joined: bool
    paused: bool
    current: CurrentPair | None
    avoiding: list[int]


async def status(db: Database, clock: Clock, *, guild_id: int, user_id: int) -> PartnerStatus:
    group = await network.require_group(db, guild_id)
    now = clock.now()
    member = await partners_db.membership(db, guild_id, user_id)
    latest = await partners_db.latest_pair_of(db, guild_id, user_id)
    current = None
    if latest is not None:
        started = date.fromisoformat(latest["cycle"])
        if now < cycle_start(started, group.zone) + timedelta(weeks=latest["weeks"]):
            others = await partners_db.partners_of(db, guild_id, latest["cycle"], user_id)
            current = CurrentPair(started, others, latest["answer"])
    return PartnerStatus(
        on=group.partners,
        weeks=group.partner_weeks,
        next_cycle=_next_cycle(group, now) if group.partners else None,
        zone=group.zone,
        joined=member is not None,
        paused=member is not None and member["paused_cycle"] is not None,
        current=current,
        avoiding=await partners_db.avoided_by(db, guild_id, user_id),
    )


# -- cycles -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CyclePlan:
    due: list[Due]
    paused: list[Due]  # cycles that started during a pause: skipped
    missed: list[Due]  # cycles the bot was down for: skipped
    wake: datetime


async def due_cycles(db: Database, now: datetime) -> CyclePlan:
    due, paused, missed = [], [], []
    wake = now + BACKSTOP
    candidates: list[tuple[int, date, datetime, bool]] = []
    for row in await partners_db.groups_with_partners(db):
        try:
            zone = ZoneInfo(row["timezone"])
            anchor = date.fromisoformat(row["partner_anchor"])
        except (ValueError, KeyError) as exc:
            log.error("Skipping partners of %s: unreadable settings (%s)", row["guild_id"], exc)
            continue
        latest, upcoming = cycles_around(anchor, row["partner_weeks"], now, zone)
        wake = min(wake, cycle_start(upcoming, zone))
        if latest is not None:
            start = cycle_start(latest, zone)
            on_pause = held(zone, row["paused_until"], start) != start
            candidates.append((row["guild_id"], latest, start, on_pause))
    known = await deliveries_db.known_keys(db, CYCLE, {c[1].isoformat() for c in candidates})
    for guild_id, cycle, start, on_pause in candidates:
        if (guild_id, cycle.isoformat()) in known:
            continue
        item = Due(CYCLE, guild_id, cycle.isoformat(), start, guild_id=guild_id)
        if on_pause:
            paused.append(item)
        elif now - start > CYCLE_KINDS[CYCLE]:
            missed.append(item)
        else:
            due.append(item)
    return CyclePlan(due, paused, missed, wake)


@dataclass(frozen=True, slots=True)
class CycleRun:
    groups: int  # pairs and trios made (0: fewer than two members could be paired)
    skipped: str | None = None  # why nothing was done


async def run_cycle(db: Database, clock: Clock, claim: Claim) -> CycleRun:
    """Pair the group's members for the claimed cycle (once: a rerun finds it done)."""
    guild_id, cycle = claim.target_id, claim.period
    group = await network.group(db, guild_id)
    if group is None or not group.active or not group.partners:
        return CycleRun(0, OFF)
    if group.paused_on(claim.due_at):
        return CycleRun(0, PAUSED)
    async with db.transaction() as conn:
        if await partners_db.cycle_exists(conn, guild_id, cycle):
            return CycleRun(0)
        # The previous cycle's check-ins: answered resets the count, unanswered adds one,
        # never asked (a pause, the bot down) leaves it.
        for row in await partners_db.previous_answers(conn, guild_id, cycle):
            asked = row["asked"] == "sent"
            unanswered = None if not asked and row["answer"] is None else row["answer"] is None
            await partners_db.count_answer(conn, guild_id, row["user_id"], row["cycle"], unanswered)
        await partners_db.pause_unanswered(conn, guild_id, cycle, UNANSWERED_LIMIT)
        members = await partners_db.eligible(conn, guild_id)
        pairing = pair_up(
            members,
            await partners_db.recent_groups(conn, guild_id, cycle, RECENT_CYCLES),
            await partners_db.avoid_couples(conn, guild_id),
            seed=f"{guild_id}:{cycle}",
        )
        await partners_db.insert_pairs(conn, guild_id, cycle, group.partner_weeks, pairing.groups)
    if pairing.unpaired:
        log.info(
            "Cycle %s of %s: %d member(s) could not be paired",
            cycle,
            guild_id,
            len(pairing.unpaired),
        )
    return CycleRun(len(pairing.groups))


# -- the messages that follow a pairing -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessagePlan:
    due: list[Due]
    skipped: list[Due]  # check-ins that fell in a pause
    wake: datetime


async def due_messages(db: Database, now: datetime) -> MessagePlan:
    due: list[Due] = []
    skipped: list[Due] = []
    wake = now + BACKSTOP
    since = (now - LOOKBACK).date().isoformat()
    pairs: dict[tuple[int, str, int], list[Row]] = {}
    for row in await partners_db.pairs_since(db, since):
        try:
            zone = ZoneInfo(row["timezone"])
            start = cycle_start(date.fromisoformat(row["cycle"]), zone)
        except (ValueError, KeyError) as exc:
            log.error("Skipping a pairing in %s: unreadable row (%s)", row["guild_id"], exc)
            continue
        pairs.setdefault((row["guild_id"], row["cycle"], row["pair_no"]), []).append(row)
        user, key = row["user_id"], period(row["guild_id"], row["cycle"])
        if not row["still_joined"]:
            continue
        if row["intro_status"] is None and now - start <= MESSAGE_KINDS[INTRO]:
            due.append(Due(INTRO, user, key, start, user))
        ask_at = start + checkin_offset(row["weeks"])
        if row["checkin_status"] is not None or row["answer"] is not None:
            continue
        if ask_at > now:
            wake = min(wake, ask_at)
        elif held(zone, row["paused_until"], ask_at) != ask_at:
            skipped.append(Due(CHECKIN, user, key, ask_at, user))
        elif now - ask_at <= MESSAGE_KINDS[CHECKIN]:
            due.append(Due(CHECKIN, user, key, ask_at, user))
    for (guild_id, cycle, _), members in pairs.items():
        # Someone the bot could not reach with their pairing DM: the others hear of it.
        if not any(r["intro_status"] == "failed" for r in members):
            continue
        for row in members:
            if row["intro_status"] == "sent" and row["note_status"] is None:
                user = row["user_id"]
                due.append(Due(UNREACHABLE, user, period(guild_id, cycle), now, user))
    for row in await partners_db.paused_to_ask(db):
        try:
            zone = ZoneInfo(row["timezone"])
            paused_at = cycle_start(date.fromisoformat(row["paused_cycle"]), zone)
        except (ValueError, KeyError) as exc:
            log.error("Skipping a rejoin question in %s: unreadable row (%s)", row["guild_id"], exc)
            continue
        user = row["user_id"]
        due.append(Due(REJOIN, user, period(row["guild_id"], row["paused_cycle"]), paused_at, user))
    return MessagePlan(due, skipped, wake)


@dataclass(frozen=True, slots=True)
class PartnerIntro:
    user_id: int
    group_name: str
    partners: list[int]
    plans: dict[int, str]  # partners' plans shared at this week's check-in (not hidden)
    weeks: int
    checkin_on: date  # group time


async def _pairing(
    db: Database, claim: Claim
) -> tuple[network.NetworkGroup, str, Row, list[int]] | None:
    """The claimed member's pairing as it stands: None when there is nothing to say any more
    (partners turned off, the member left pairing or deleted their data, nobody left)."""
    guild_id, cycle = parse_period(claim.period)
    group = await network.group(db, guild_id)
    if group is None or not group.active or not group.partners:
        return None
    if await partners_db.membership(db, guild_id, claim.target_id) is None:
        return None
    row = await partners_db.pair_row(db, guild_id, cycle, claim.target_id)
    if row is None:
        return None
    others = await partners_db.partners_of(db, guild_id, cycle, claim.target_id)
    return (group, cycle, row, others) if others else None


async def intro_for(db: Database, claim: Claim) -> PartnerIntro | None:
    found = await _pairing(db, claim)
    if found is None:
        return None
    group, cycle, row, others = found
    plans = {
        r["user_id"]: r["plan"]
        for r in await partners_db.shared_plans(db, group.guild_id, cycle, others)
    }
    checkin = cycle_start(date.fromisoformat(cycle), group.zone) + checkin_offset(row["weeks"])
    return PartnerIntro(
        claim.target_id,
        group.name,
        others,
        plans,
        row["weeks"],
        checkin.astimezone(group.zone).date(),
    )


@dataclass(frozen=True, slots=True)
class PartnerCheckin:
    user_id: int
    guild_id: int
    cycle: str
    group_name: str
    partners: list[int]


async def checkin_for(db: Database, claim: Claim) -> PartnerCheckin | None:
    found = await _pairing(db, claim)
    if found is None:
        return None
    group, cycle, row, others = found
    if row["answer"] is not None:
        return None
    return PartnerCheckin(claim.target_id, group.guild_id, cycle, group.name, others)


@dataclass(frozen=True, slots=True)
class Unreachable:
    user_id: int
    group_name: str
    unreachable: list[int]


async def unreachable_for(db: Database, claim: Claim) -> Unreachable | None:
    found = await _pairing(db, claim)
    if found is None:
        return None
    group, cycle, _, others = found
    missing = await partners_db.failed_intros(db, group.guild_id, cycle, others)
    return Unreachable(claim.target_id, group.name, missing) if missing else None


@dataclass(frozen=True, slots=True)
class RejoinAsk:
    user_id: int
    guild_id: int
    group_name: str


async def rejoin_for(db: Database, claim: Claim) -> RejoinAsk | None:
    guild_id, _ = parse_period(claim.period)
    group = await network.group(db, guild_id)
    member = await partners_db.membership(db, guild_id, claim.target_id)
    if group is None or not group.partners or member is None or member["paused_cycle"] is None:
        return None
    return RejoinAsk(claim.target_id, guild_id, group.name)


# -- answers -------------------------------------------------------------------------------------


class Answer(StrEnum):
    YES = "yes"
    NOT_YET = "not-yet"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Answered:
    answer: Answer
    recorded: bool  # False: answered before (a double press, or already final)
    before: str | None


async def answer(
    db: Database, clock: Clock, *, guild_id: int, cycle: str, user_id: int, value: str
) -> Answered:
    """A member's check-in answer for their own pairing (found by who pressed, never by the
    button alone). A yes logs no win; it counts in the recap as a pair that met."""
    chosen = Answer(value)
    row = await partners_db.pair_row(db, guild_id, cycle, user_id)
    if row is None:
        raise NotFound("That check-in isn't there any more. `/partner status` shows your pairing.")
    async with db.transaction() as conn:
        recorded = await partners_db.answer(conn, guild_id, cycle, user_id, chosen, clock.now())
    return Answered(chosen, recorded, row["answer"])


async def rejoin(db: Database, *, guild_id: int, user_id: int) -> bool:
    """Back into pairing after a pause for unanswered check-ins; False if not paused."""
    async with db.transaction() as conn:
        return await partners_db.rejoin(conn, guild_id, user_id)
