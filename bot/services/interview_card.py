"""What the interview-day card says, read from the database when it is sent.

It is built from the member's latest ``why-this-interview`` about that opportunity (why it
matters, how they will say it, their one sentence, which round and whom they will meet) and
their question bank from ``what-i-want`` (the run about that opportunity, else their latest),
narrowed to that round and that interviewer. With neither, the card still names the interview
and says how to prepare in the time left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.db import exercises as runs_db
from bot.db import interview_day as interview_db
from bot.db import pipeline as pipeline_db
from bot.services import interview_day
from bot.services import profile as profile_service
from bot.services.changes import Changes
from bot.services.delivery import Claim
from bot.services.exercises.catalog import Catalog
from bot.services.exercises.model import Exercise, Step
from bot.services.exercises.runs import load_state

WHY_EXERCISE = "why-this-interview"
BANK_EXERCISE = "what-i-want"
# The steps the card reads, by their ids in the shipped exercise files (a unit test holds the
# files to them). An exercise folder without them gives a shorter card, never a broken one.
REASONS, HOPES, WORDS, ONE_LINE = "reasons", "reason_wants", "reason_words", "one_line"
ROUND, AUDIENCE, OWN_QUESTIONS = "round", "audience", "match_questions"
BANK_ROUND, BANK_AUDIENCE = "question_round", "question_audience"
# An audience that keeps every question: the member meets both.
EVERYONE = "both"


@dataclass(frozen=True, slots=True)
class Reason:
    label: str  # "Career advancement"
    hope: str | None  # what exactly they want from it
    words: str | None  # how they will say it in the interview


@dataclass(frozen=True, slots=True)
class Card:
    user_id: int
    opportunity_id: int
    title: str  # "Acme (Data Lead)"
    day: date
    today: date
    prepared: bool  # a why-this-interview about this opportunity was finished
    reasons: tuple[Reason, ...] = ()
    one_line: str | None = None
    round: str | None = None  # the round's label in the bank, e.g. "First interview"
    audience: str | None = None  # "The boss", or None for everyone
    own_questions: tuple[str, ...] = ()
    bank: tuple[str, ...] = ()  # the question bank, narrowed to this round and audience
    has_bank: bool = False
    thank_you_on: date | None = None


async def card_for(
    db: Database, clock: Clock, catalog: Catalog, claim: Claim, *, changes: Changes
) -> Card | None:
    """The card for a claimed delivery; None when there is nothing to send any more (cards
    turned off, DMs closed, the opportunity closed or its interview moved to another day)."""
    user_id, opportunity_id = claim.user_id, claim.target_id
    if user_id is None or not await interview_db.cards_wanted(db, user_id):
        return None
    row = await pipeline_db.get(db, user_id, opportunity_id)
    if row is None or row["closed_at"] is not None or row["interview_on"] != claim.period:
        return None
    day = date.fromisoformat(claim.period)
    now = clock.now()
    # The thank-you note is added when the date is recorded; a date that came another way
    # (or a note deleted since) gets it now, once.
    async with db.transaction() as conn:
        recorded = await interview_day.ensure_thank_you(
            conn, user_id=user_id, opportunity_id=opportunity_id, day=day, now=now
        )
    if recorded.follow_ups_changed:
        changes.reminders()
    today = (await profile_service.load(db, clock, user_id)).today(now)
    title = row["company"] + (f" ({row['role']})" if row["role"] else "")
    card = Card(
        user_id,
        opportunity_id,
        title,
        day,
        today,
        prepared=False,
        thank_you_on=recorded.thank_you_on,
    )
    why = await _latest(db, catalog, user_id, WHY_EXERCISE, opportunity_id)
    if why is not None:
        card = _with_preparation(card, *why)
    bank = await _latest(db, catalog, user_id, BANK_EXERCISE, opportunity_id)
    if bank is None:
        bank = await _latest(db, catalog, user_id, BANK_EXERCISE, None)
    if bank is not None:
        card = _with_bank(card, *bank, why)
    return card


async def _latest(
    db: Database, catalog: Catalog, user_id: int, exercise_id: str, opportunity_id: int | None
) -> tuple[Exercise, dict[str, Any]] | None:
    exercise = catalog.exercises.get(exercise_id)
    if exercise is None:
        return None
    row = await runs_db.latest_completed_about(db, user_id, exercise_id, opportunity_id)
    return None if row is None else (exercise, load_state(row).answers)


def _step(exercise: Exercise, step_id: str) -> Step | None:
    return exercise.by_id.get(step_id)


def _label(step: Step | None, value: Any) -> str | None:
    option = step.option(value) if step is not None and isinstance(value, str) else None
    return option.label if option else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _with_preparation(card: Card, exercise: Exercise, answers: dict[str, Any]) -> Card:
    reasons = []
    chosen = answers.get(REASONS)
    for value in chosen if isinstance(chosen, list) else []:
        label = _label(_step(exercise, REASONS), value)
        if label is None:
            continue
        # Per-reason answers are kept by the reason's label (what the member was asked about).
        hope = (answers.get(HOPES) or {}).get(label)
        words = (answers.get(WORDS) or {}).get(label)
        reasons.append(Reason(label, _text(hope), _text(words)))
    own = answers.get(OWN_QUESTIONS)
    audience = answers.get(AUDIENCE)
    return replace(
        card,
        prepared=True,
        round=_label(_step(exercise, ROUND), answers.get(ROUND)),
        audience=_label(_step(exercise, AUDIENCE), audience) if audience != EVERYONE else None,
        reasons=tuple(reasons),
        one_line=_text(answers.get(ONE_LINE)),
        own_questions=tuple(q for q in own if isinstance(q, str)) if isinstance(own, list) else (),
    )


def _with_bank(
    card: Card,
    exercise: Exercise,
    answers: dict[str, Any],
    why: tuple[Exercise, dict[str, Any]] | None,
) -> Card:
    """The question bank narrowed to the round and the people of this interview, as far as
    the member said which (a bank question not sorted yet is always kept)."""
    group = exercise.group
    if group is None:
        return card
    questions = [q for q in answers.get(group.items) or [] if isinstance(q, str)]
    wanted_round = wanted_audience = None
    if why is not None:
        wanted_round = why[1].get(ROUND)
        audience = why[1].get(AUDIENCE)
        wanted_audience = audience if audience != EVERYONE else None
    rounds = answers.get(BANK_ROUND) or {}
    audiences = answers.get(BANK_AUDIENCE) or {}
    kept = [
        q
        for q in questions
        if (wanted_round is None or rounds.get(q) in (None, wanted_round))
        and (wanted_audience is None or audiences.get(q) in (None, wanted_audience))
    ]
    round_step = _step(exercise, BANK_ROUND)
    audience_step = _step(exercise, BANK_AUDIENCE)
    # Named as the bank names its buckets, so the card reads like the member's own bank.
    return replace(
        card,
        bank=tuple(kept),
        has_bank=True,
        round=_label(round_step.each if round_step else None, wanted_round) or card.round,
        audience=_label(audience_step.each if audience_step else None, wanted_audience)
        or card.audience,
    )
