"""Exercises in a connected search: answers an opportunity already gives, sorting a list in one
question, and effects whose dates and wording come per item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.services.exercises import effects
from bot.services.exercises.engine import Context, Position, RunState, advance, describe, start
from bot.services.exercises.loader import load_all
from bot.services.exercises.model import Kind
from tests.unit.test_exercise_engine import CTX, TODAY, play, send, write_exercise

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "exercises"

ABOUT = """
[[steps]]
id = "interview"
kind = "text"
from_opportunity = "title"
prompt = "Which interview?"

[[steps]]
id = "on"
kind = "date"
optional = true
from_opportunity = "interview_date"
prompt = "When?"

[[steps]]
id = "why"
kind = "text"
prompt = "Why {interview}?"
"""

OPPORTUNITY = Context(today=TODAY, facts={"title": "Acme (Data Lead)", "company": "Acme"})


def test_what_the_opportunity_knows_is_answered_not_asked(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, ABOUT)
    turn = start(exercise, OPPORTUNITY)
    assert turn.state.answers == {"interview": "Acme (Data Lead)"}
    assert turn.prompt is not None
    assert turn.prompt.step.id == "on"
    assert (turn.prompt.number, turn.prompt.total) == (1, 2)
    back = send(exercise, turn.state, "back", OPPORTUNITY)
    assert "first question" in back.notes[0]
    turn = send(exercise, turn.state, "friday", OPPORTUNITY)
    assert turn.prompt is not None and turn.prompt.text == "Why Acme (Data Lead)?"


def test_a_known_interview_date_is_answered_too(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, ABOUT)
    ctx = Context(today=TODAY, facts={"title": "Acme", "interview_date": "2026-11-20"})
    turn = start(exercise, ctx)
    assert turn.state.answers == {"interview": "Acme", "on": "2026-11-20"}
    assert turn.prompt is not None and (turn.prompt.step.id, turn.prompt.total) == ("why", 1)


def test_without_an_opportunity_everything_is_asked(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, ABOUT)
    turn = start(exercise, CTX)
    assert turn.state.answers == {}
    assert turn.prompt is not None and turn.prompt.step.id == "interview"


def test_a_run_that_learns_the_opportunity_later_keeps_its_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, ABOUT)
    state = play(exercise, ["Globex"]).state
    turn = advance(exercise, state, OPPORTUNITY, text="skip")
    assert turn.state.answers["interview"] == "Globex"


SORT = """
[[steps]]
id = "questions"
kind = "list"
min_items = 2
max_items = 12
prompt = "Questions?"

[[steps]]
id = "round"
kind = "for_each"
over = "questions"
at_once = true
prompt = "Which suit a first interview?"
each = { kind = "choice", options = [
  { value = "first", label = "First interview" }, { value = "second", label = "Second interview" },
] }

[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""

QUESTIONS = ["Who would I manage?", "How are decisions made?", "What is the budget?"]


def at_sort(tmp_path: Path) -> tuple[object, RunState]:
    exercise = write_exercise(tmp_path, SORT)
    state = play(exercise, ["\n".join(QUESTIONS) + "\ndone"]).state
    assert state.position == Position("round")
    return exercise, state


@pytest.mark.parametrize(
    ("given", "firsts"),
    [
        (["0", "2"], {0, 2}),
        (["1"], {1}),
        (["all-first"], {0, 1, 2}),
        (["all-second"], set()),
        ("1, 3", {0, 2}),
        ("2", {1}),
        ("all", {0, 1, 2}),
        ("none", set()),
        ("second interview", set()),
    ],
)
def test_every_item_is_sorted_in_one_answer(
    tmp_path: Path, given: str | list[str], firsts: set[int]
) -> None:
    exercise, state = at_sort(tmp_path)
    turn = send(exercise, state, given)  # type: ignore[arg-type]
    assert turn.state.answers["round"] == {
        q: "first" if i in firsts else "second" for i, q in enumerate(QUESTIONS)
    }
    assert turn.state.position == Position("end")


@pytest.mark.parametrize("given", ["7", "0", "maybe", ["9"], ["all-later"], ["x"]])
def test_a_sort_answer_that_names_no_item_changes_nothing(
    tmp_path: Path, given: str | list[str]
) -> None:
    exercise, state = at_sort(tmp_path)
    turn = send(exercise, state, given)  # type: ignore[arg-type]
    assert turn.notes and turn.state.to_json() == state.to_json()


def test_the_sort_question_shows_every_item_and_reads_back(tmp_path: Path) -> None:
    exercise, state = at_sort(tmp_path)
    turn = send(exercise, state, "back")
    turn = send(exercise, turn.state, "keep")
    prompt = turn.prompt
    assert prompt is not None and prompt.step.at_once and prompt.items == tuple(QUESTIONS)
    sorted_once = send(exercise, turn.state, "1")
    again = send(exercise, sorted_once.state, "back")
    assert again.prompt is not None and again.prompt.previous is not None
    assert "First interview" in again.prompt.previous and QUESTIONS[0] in again.prompt.previous
    step = exercise.step("round")  # type: ignore[attr-defined]
    shown = describe(step, sorted_once.state.answers["round"])
    assert shown.index("First interview") < shown.index(QUESTIONS[0]) < shown.index("Second")


SPREAD = """
[[steps]]
id = "people"
kind = "list"
prompt = "Who?"

[[steps]]
id = "spread"
kind = "choice"
show_if = { step = "people", more_than = 1 }
prompt = "Same date?"
options = [{ value = "same", label = "Same" }, { value = "each", label = "Each" }]
"""


@pytest.mark.parametrize(("people", "asked"), [("Ann\ndone", False), ("Ann\nBen\ndone", True)])
def test_a_step_can_wait_for_more_than_one_item(tmp_path: Path, people: str, asked: bool) -> None:
    exercise = write_exercise(tmp_path, SPREAD)
    turn = play(exercise, [people])
    assert (turn.prompt is not None) is asked
    assert turn.completed is not asked


# -- effects -----------------------------------------------------------------------------------


def plan(answers: dict[str, object], ctx: Context = CTX) -> list[effects.PlannedEffect]:
    exercise = load_all(SHIPPED)["next-interview"]
    return [e for e in effects.plan_effects(exercise, answers, ctx) if e.kind == "follow_up"]


BASE = {
    "contacts": ["Ann at Acme", "Ben at Globex"],
    "contact_asks": {"Ann at Acme": "Any openings?", "Ben at Globex": "Who else?"},
    "contacts_by": "2026-11-20",
    "waiting_on": None,
    "opportunities": 4,
    "intro_person": "Dana",
    "intro_target": "Eve",
    "intro_by": "2026-11-25",
}


def test_contacts_become_dated_reach_out_follow_ups_once() -> None:
    planned = plan({**BASE, "contact_spread": "same"})
    reach = [(e.person, e.reason, e.due) for e in planned if e.person != "Dana"]
    assert reach == [
        ("Ann at Acme", "Reach out and ask: Any openings?", "2026-11-20"),
        ("Ben at Globex", "Reach out and ask: Who else?", "2026-11-20"),
    ]


def test_contacts_each_get_their_own_date_when_asked_for() -> None:
    dates = {"Ann at Acme": "2026-11-19", "Ben at Globex": "2026-11-24"}
    planned = plan({**BASE, "contact_spread": "each", "contact_dates": dates})
    assert [(e.person, e.due) for e in planned if e.person != "Dana"] == [
        ("Ann at Acme", "2026-11-19"),
        ("Ben at Globex", "2026-11-24"),
    ]
    # Dates given per person, then "same for all" chosen after all: the shared date counts.
    planned = plan({**BASE, "contact_spread": "same", "contact_dates": dates})
    assert {e.due for e in planned if e.person != "Dana"} == {"2026-11-20"}


def test_the_interview_date_plans_an_interview() -> None:
    exercise = load_all(SHIPPED)["why-this-interview"]
    answers = {"interview": "Acme (Data Lead)", "interview_date": "2026-11-20"}
    [planned] = effects.plan_effects(exercise, answers, CTX)
    assert (planned.kind, planned.person, planned.due) == (
        "interview",
        "Acme (Data Lead)",
        "2026-11-20",
    )
    assert effects.plan_effects(exercise, {**answers, "interview_date": None}, CTX) == []


def test_shipped_sort_steps_offer_a_menu_of_items() -> None:
    what = load_all(SHIPPED)["what-i-want"]
    for step_id in ("question_round", "question_audience"):
        step = what.step(step_id)
        assert step.kind is Kind.FOR_EACH and step.at_once
    today = date(2026, 11, 18)
    assert today == TODAY


def test_the_interview_day_card_finds_what_it_reads_in_the_shipped_files() -> None:
    from bot.services import interview_card as card

    exercises = load_all(SHIPPED)
    why = exercises[card.WHY_EXERCISE]
    assert why.step(card.REASONS).kind is Kind.MULTI
    for per_reason in (card.HOPES, card.WORDS):
        assert why.step(per_reason).over == card.REASONS
    assert why.step(card.ONE_LINE).kind is Kind.TEXT
    assert why.step(card.OWN_QUESTIONS).kind is Kind.LIST
    bank = exercises[card.BANK_EXERCISE]
    assert bank.group is not None and bank.group.by == (card.BANK_ROUND, card.BANK_AUDIENCE)

    def values(step_id: str, exercise: object) -> set[str]:
        step = exercise.step(step_id)  # type: ignore[attr-defined]
        options = (step.each or step).options
        return {o.value for o in options}

    # The round and the people named for the interview are the bank's own buckets.
    assert values(card.ROUND, why) == values(card.BANK_ROUND, bank)
    assert values(card.AUDIENCE, why) == values(card.BANK_AUDIENCE, bank) | {card.EVERYONE}
