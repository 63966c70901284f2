"""The opportunity pipeline: several things in the works, so one "no" never stalls a search."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db import Database, from_db
from bot.db import followups as followups_db
from bot.db import groups as groups_db
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from bot.db import wins as wins_db
from bot.errors import InvalidInput, NotFound
from bot.services import profile as profile_service
from bot.services import target as target_service
from bot.services.changes import Changes
from bot.services.dates import parse_follow_up
from bot.services.exercises import runs as exercise_runs
from bot.services.kinds import STAGE_ORDER, Outcome, Stage, WinKind, is_later, points_for
from bot.services.target import latest_target
from bot.services.text import clean_block, clean_line, clip, echo

MAX_COMPANY = 100
MAX_ROLE = 100
MAX_NEXT_STEP = 200
RECOMMENDED_MIN = 6
RECOMMENDED_MAX = 10
QUIET_DAYS = 14
# Until you have signed, other opportunities are kept warm: a word in two weeks.
KEEP_WARM = timedelta(days=14)
KEEP_WARM_REASON = "Keep in touch"
# Discord's limits on autocomplete (bot.render.limits names them for the cogs; services cannot
# import rendering): at most 25 choices, each name and value at most 100 characters.
CHOICES = 25
CHOICE_CHARS = 100


def normalised(text: str) -> str:
    """A name compared the way people mean it: any case, any spacing."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Opportunity:
    opportunity_id: int
    company: str
    role: str | None
    stage: Stage
    next_step: str | None
    last_contact: datetime | None
    next_follow_up: date | None
    versus_target: str | None = None
    last_contact_on: date | None = None  # the member's own date of the last contact
    exercises: tuple[str, ...] = ()  # runs about it: "why-this-interview (finished)"

    @property
    def title(self) -> str:
        return f"{self.company} ({self.role})" if self.role else self.company


@dataclass(frozen=True, slots=True)
class PipelineView:
    by_stage: dict[Stage, list[Opportunity]]
    in_the_works: int
    quiet: list[Opportunity]
    nudges: list[str]
    today: date  # the member's, so dates in another year can say so


def _opportunity(
    row: pipeline_db.Row, target: dict[str, Any] | None = None, zone: ZoneInfo | None = None
) -> Opportunity:
    check = json.loads(row["target_check"]) if row["target_check"] else None
    comparison = target_service.compare(target, check)
    contact = from_db(row["last_contact_at"]) if row["last_contact_at"] else None
    return Opportunity(
        opportunity_id=row["opportunity_id"],
        company=row["company"],
        role=row["role"],
        stage=Stage(row["stage"]),
        next_step=row["next_step"],
        last_contact=contact,
        next_follow_up=date.fromisoformat(row["next_follow_up"]) if row["next_follow_up"] else None,
        versus_target=comparison.line() if comparison else None,
        last_contact_on=contact.astimezone(zone).date() if contact and zone else None,
    )


def _optional_line(value: str | None, what: str, limit: int) -> str | None:
    """An optional one-line value, cleaned; None when nothing visible was typed."""
    if clean_block(value, what, limit) is None:
        return None
    return clean_line(value, what, limit)


def _stage(value: str | None, default: Stage = Stage.LEAD) -> Stage:
    if value is None:
        return default
    try:
        return Stage(value)
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise InvalidInput(f"{echo(value)} is not a stage. Use one of: {names}.") from None


# -- adding ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Added:
    """The opportunity added, and what the reply says with it."""

    opportunity: Opportunity
    due: date | None  # the follow-up set with it
    today: date  # the member's, so the follow-up's date can say how far off it is
    in_the_works: int  # open opportunities past lead, this one included
    versus: target_service.Comparison | None  # how it compares with the target; None: no target


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The same company and role is already open: nothing was added."""

    existing: Opportunity


async def add(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    company: str,
    role: str | None = None,
    stage: str | None = None,
    next_step: str | None = None,
    follow_up: str | None = None,
    allow_duplicate: bool = False,
    changes: Changes,
) -> Added | Duplicate:
    """Add an opportunity, unless the same company and role (any case or spacing) is already
    open and the member has not said to add it anyway."""
    name = clean_line(company, "the company", MAX_COMPANY)
    title = _optional_line(role, "the role", MAX_ROLE)
    step = _optional_line(next_step, "your next step", MAX_NEXT_STEP)
    chosen = _stage(stage)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    due = parse_follow_up(follow_up, today) if follow_up else None
    if not allow_duplicate:
        same = (normalised(name), normalised(title or ""))
        for row in await pipeline_db.open_for_user(db, user_id):
            if (normalised(row["company"]), normalised(row["role"] or "")) == same:
                return Duplicate(_opportunity(row, zone=profile.zone))
    async with db.transaction() as conn:
        await people_db.ensure_user(conn, user_id, now)
        opportunity_id = await pipeline_db.insert(
            conn,
            user_id=user_id,
            company=name,
            role=title,
            stage=chosen.value,
            next_step=step,
            now=now,
        )
        if due is not None:
            await followups_db.insert(
                conn,
                user_id=user_id,
                person=name,
                reason=step or "Follow up",
                due_on=due,
                opportunity_id=opportunity_id,
                source_win_id=None,
                now=now,
            )
    if due is not None:
        changes.reminders()
    rows = await pipeline_db.open_for_user(db, user_id)
    return Added(
        opportunity=await get(db, user_id, opportunity_id, profile.zone),
        due=due,
        today=today,
        in_the_works=sum(Stage(row["stage"]) is not Stage.LEAD for row in rows),
        versus=await target_service.for_opportunity(
            db, user_id=user_id, opportunity_id=opportunity_id
        ),
    )


async def get(
    db: Database, user_id: int, opportunity_id: int, zone: ZoneInfo | None = None
) -> Opportunity:
    """One of the member's open opportunities; NotFound when it is not open (or not theirs)."""
    for row in await pipeline_db.open_for_user(db, user_id):
        if row["opportunity_id"] == opportunity_id:
            return _opportunity(row, zone=zone)
    raise NotFound("I can't find that open opportunity. Pick one from the list.")


@dataclass(frozen=True, slots=True)
class Card:
    """One opportunity on its own, as ``Open it`` shows it."""

    opportunity: Opportunity
    today: date


async def card(db: Database, clock: Clock, *, user_id: int, opportunity_id: int) -> Card:
    profile = await profile_service.load(db, clock, user_id)
    target = await latest_target(db, user_id)
    for row in await pipeline_db.open_for_user(db, user_id):
        if row["opportunity_id"] == opportunity_id:
            return Card(_opportunity(row, target, profile.zone), profile.today(clock.now()))
    raise NotFound("That opportunity is no longer open.")


# -- moving ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moved:
    opportunity: Opportunity
    before: Stage


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    """A move to interviewing for an opportunity below the member's right-job target: the
    method says to go after the right job, so the member confirms knowing what it misses."""

    opportunity: Opportunity
    stage: Stage
    short: list[target_service.Criterion]


async def move(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_id: int,
    stage: str,
    confirmed: bool = False,
) -> Moved | NeedsConfirmation:
    current = await get(db, user_id, opportunity_id)
    target = _stage(stage)
    if target is current.stage:
        raise InvalidInput(f"{current.title} is already at **{target.value}**.")
    if target is Stage.INTERVIEWING and is_later(target, current.stage) and not confirmed:
        versus = await target_service.for_opportunity(
            db, user_id=user_id, opportunity_id=opportunity_id
        )
        if versus is not None and (versus.short or versus.flagged):
            # A salary in another currency is not "short", but nobody should walk into
            # interviews without knowing how it compares: ask too.
            return NeedsConfirmation(current, target, [*versus.short, *versus.flagged])
    async with db.transaction() as conn:
        await pipeline_db.set_stage(conn, user_id, opportunity_id, target.value, clock.now())
    return Moved(await get(db, user_id, opportunity_id), current.stage)


# -- closing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferLogged:
    points: int
    already: bool  # the offer was logged before: nothing new was stored
    win_id: int | None


@dataclass(frozen=True, slots=True)
class Closed:
    opportunity: Opportunity
    outcome: Outcome
    open_follow_ups: int  # still open: the member decides what happens to them
    offer: OfferLogged | None  # for an accepted one
    others: list[Opportunity]  # for an accepted one: everything else still open


def _outcome(value: str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        names = ", ".join(o.value for o in Outcome)
        raise InvalidInput(f"{echo(value)} is not an outcome. Use one of: {names}.") from None


async def close(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_id: int,
    outcome: str,
    guild_id: int | None = None,
    changes: Changes,
) -> Closed:
    """Close an opportunity. Accepted also logs the offer win, unless it is logged already
    (linked to it, or an unlinked offer from the same company). Its follow-ups stay open (the
    member decides about them); an interview-day card planned for it no longer goes out."""
    current = await get(db, user_id, opportunity_id)
    result = _outcome(outcome)
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    overrides = {} if guild_id is None else await groups_db.points(db, guild_id)
    points = points_for(WinKind.OFFER, overrides)
    offer = None
    async with db.transaction() as conn:
        if not await pipeline_db.close(conn, user_id, opportunity_id, result.value, now):
            raise NotFound("That opportunity is already closed.")
        if result is Outcome.ACCEPTED:
            logged = [
                row
                for row in await wins_db.offers_of(conn, user_id)
                if row["opportunity_id"] == opportunity_id
                or (
                    row["opportunity_id"] is None
                    and normalised(row["who"]) == normalised(current.company)
                )
            ]
            if logged:
                offer = OfferLogged(points, already=True, win_id=None)
            else:
                win_id = await wins_db.insert(
                    conn,
                    user_id=user_id,
                    kind=WinKind.OFFER.value,
                    who=current.company,
                    note=None,
                    share_who=False,
                    happened_on=profile.today(now),
                    happened_at=now,
                    opportunity_id=opportunity_id,
                    now=now,
                )
                offer = OfferLogged(points, already=False, win_id=win_id)
        still_open = await followups_db.open_for_opportunity(conn, user_id, opportunity_id)
    changes.interview_cards()
    others = []
    if result is Outcome.ACCEPTED:
        others = [
            _opportunity(row, zone=profile.zone)
            for row in await pipeline_db.open_for_user(db, user_id)
        ]
    return Closed(current, result, len(still_open), offer, others)


@dataclass(frozen=True, slots=True)
class Settled:
    dropped: int
    kept: date | None  # the due date of the one kept to stay in touch
    today: date


async def settle_follow_ups(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_id: int,
    keep_one: bool,
    changes: Changes,
) -> Settled:
    """A closed opportunity's open follow-ups: all dropped, or all but the soonest (kept so
    the member stays in touch: today's no can be next year's introduction)."""
    row = await pipeline_db.get(db, user_id, opportunity_id)
    if row is None:
        raise NotFound("I can't find that opportunity.")
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    dropped, kept = 0, None
    async with db.transaction() as conn:
        items = await followups_db.open_for_opportunity(conn, user_id, opportunity_id)
        if keep_one and items:
            kept = date.fromisoformat(items[0]["due_on"])
            items = items[1:]
        for item in items:
            dropped += await followups_db.set_status(
                conn, user_id, item["follow_up_id"], "dropped", now
            )
    if dropped:
        changes.reminders()
    return Settled(dropped, kept, profile.today(now))


async def open_at_acceptance(db: Database, *, user_id: int, accepted_id: int) -> list[int]:
    """The opportunities still open that were already there when the member accepted
    ``accepted_id``: what "all at once" means on that message, however late it is pressed."""
    row = await pipeline_db.get(db, user_id, accepted_id)
    if row is None or row["outcome"] != Outcome.ACCEPTED.value or row["closed_at"] is None:
        raise NotFound("I can't find that accepted offer in your pipeline.")
    return await pipeline_db.open_before_closing(db, user_id, accepted_id)


@dataclass(frozen=True, slots=True)
class Warm:
    title: str
    due_on: date
    new: bool  # False: it already had a follow-up, which is kept as it is


@dataclass(frozen=True, slots=True)
class KeptWarm:
    items: list[Warm]
    today: date


async def keep_warm(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_ids: Iterable[int] | None,
    changes: Changes,
) -> KeptWarm:
    """A follow-up in two weeks for each open opportunity given (every open one for None),
    unless it already has one: until you have signed, keep them warm."""
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    today = profile.today(now)
    wanted = None if opportunity_ids is None else set(opportunity_ids)
    items = []
    async with db.transaction() as conn:
        for row in await pipeline_db.open_for_user(db, user_id):
            if wanted is not None and row["opportunity_id"] not in wanted:
                continue
            item = _opportunity(row)
            existing = await followups_db.open_for_opportunity(conn, user_id, item.opportunity_id)
            if existing:
                items.append(Warm(item.title, date.fromisoformat(existing[0]["due_on"]), False))
                continue
            due = today + KEEP_WARM
            await followups_db.insert(
                conn,
                user_id=user_id,
                person=item.company,
                reason=KEEP_WARM_REASON,
                due_on=due,
                opportunity_id=item.opportunity_id,
                source_win_id=None,
                now=now,
            )
            items.append(Warm(item.title, due, True))
    if any(item.new for item in items):
        changes.reminders()
    return KeptWarm(items, today)


async def withdraw(
    db: Database,
    clock: Clock,
    *,
    user_id: int,
    opportunity_ids: Iterable[int] | None,
    changes: Changes,
) -> list[str]:
    """Close the open opportunities given (every open one for None) as withdrawn, dropping
    their follow-ups: after signing elsewhere there is nothing left to chase. Their titles."""
    now = clock.now()
    wanted = None if opportunity_ids is None else set(opportunity_ids)
    closed = []
    async with db.transaction() as conn:
        for row in await pipeline_db.open_for_user(db, user_id):
            if wanted is not None and row["opportunity_id"] not in wanted:
                continue
            item = _opportunity(row)
            if not await pipeline_db.close(
                conn, user_id, item.opportunity_id, Outcome.WITHDRAWN.value, now
            ):
                continue
            for follow_up in await followups_db.open_for_opportunity(
                conn, user_id, item.opportunity_id
            ):
                await followups_db.set_status(
                    conn, user_id, follow_up["follow_up_id"], "dropped", now
                )
            closed.append(item.title)
    if closed:
        changes.reminders()
        changes.interview_cards()
    return closed


# -- the whole pipeline ----------------------------------------------------------------------


async def overview(db: Database, clock: Clock, *, user_id: int) -> PipelineView:
    """Open opportunities by stage, how many are in the works, and what to do about it."""
    now = clock.now()
    profile = await profile_service.load(db, clock, user_id)
    target = await latest_target(db, user_id)
    opportunities = [
        _opportunity(r, target, profile.zone) for r in await pipeline_db.open_for_user(db, user_id)
    ]
    linked = await exercise_runs.linked_exercises(db, user_id)
    opportunities = [replace(o, exercises=linked.get(o.opportunity_id, ())) for o in opportunities]
    by_stage: dict[Stage, list[Opportunity]] = {stage: [] for stage in STAGE_ORDER}
    for item in opportunities:
        by_stage[item.stage].append(item)
    working = [o for o in opportunities if o.stage is not Stage.LEAD]
    quiet = [
        o
        for o in working
        if o.last_contact is None or now - o.last_contact >= timedelta(days=QUIET_DAYS)
    ]
    nudges: list[str] = []
    if len(working) < RECOMMENDED_MIN:
        short = RECOMMENDED_MIN - len(working)
        leads = len(by_stage[Stage.LEAD])
        nudges.append(
            f"You have {len(working)} in the works; aim for {RECOMMENDED_MIN}-{RECOMMENDED_MAX} "
            f"so no single answer can stall you. Reach out on {short} more"
            + (
                f": you already have {leads} {'lead' if leads == 1 else 'leads'} to contact."
                if leads
                else "."
            )
        )
    for item in quiet[:5]:
        nudges.append(
            f"No contact with {item.title} for {QUIET_DAYS}+ days: follow up and ask where "
            "things stand rather than waiting to hear."
        )
    return PipelineView(
        by_stage=by_stage,
        in_the_works=len(working),
        quiet=quiet,
        nudges=nudges,
        today=profile.today(now),
    )


def _choice_name(row: pipeline_db.Row) -> str:
    role = f" - {row['role']}" if row["role"] else ""
    return clip(f"{row['company']}{role} [{row['stage']}]", CHOICE_CHARS)


async def autocomplete(db: Database, *, user_id: int, text: str) -> list[tuple[str, int]]:
    rows = await pipeline_db.search_open(db, user_id, text.strip())
    return [(_choice_name(r), r["opportunity_id"]) for r in rows]


async def who_choices(db: Database, *, user_id: int, text: str) -> list[tuple[str, str]]:
    """For /win's ``who``: open opportunities matching what was typed, each offering its
    company's name (which links the win to it). What was typed comes first when it is not
    one of them, so a person's name is never replaced by a company."""
    try:
        typed = clean_line(text, "who", MAX_COMPANY)
    except InvalidInput:
        typed = ""  # nothing visible (yet), or too long to be a name: offer the pipeline
    rows = await pipeline_db.search_open(db, user_id, typed)
    found = [(_choice_name(r), clip(str(r["company"]), CHOICE_CHARS)) for r in rows]
    if typed and normalised(typed) not in {normalised(c) for _, c in found}:
        found.insert(0, (typed, typed))
    return found[:CHOICES]
