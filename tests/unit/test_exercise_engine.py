"""The guided-exercise engine, driven through real exercise files written to tmp_path."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.services.exercises.engine import (
    ACTIVE,
    CANCEL_NO,
    CANCEL_YES,
    CANCELLED,
    COMPLETED,
    HELP_TEXT,
    LATE,
    PAUSED,
    Context,
    Position,
    RunState,
    Turn,
    advance,
    ask_late,
    is_valid,
    parse_number,
    positions,
    prompt_at,
    resume,
    start,
)
from bot.services.exercises.loader import load_exercise
from bot.services.exercises.model import Exercise

TODAY = date(2026, 11, 18)  # a Wednesday
CTX = Context(today=TODAY)
CRITERIA = ("Title: Head of Data", "Salary: 120,000 EUR")
TARGET_CTX = Context(today=TODAY, target_criteria=CRITERIA)

Input = str | list[str]  # a message, or the values of a button / menu press


def write_exercise(directory: Path, body: str, name: str = "sample") -> Exercise:
    header = (
        f'id = "{name}"\ntitle = "Sample"\nsummary = "A test exercise."\n'
        'intro = "Hello."\noutro = "All done."\n\n'
    )
    path = directory / f"{name}.toml"
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return load_exercise(path)


END = """
[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""


def with_end(directory: Path, body: str) -> Exercise:
    """The steps under test, then a plain text step so an answer visibly moves on."""
    return write_exercise(directory, textwrap.dedent(body) + END)


def send(exercise: Exercise, state: RunState, given_input: Input, ctx: Context = CTX) -> Turn:
    if isinstance(given_input, list):
        return advance(exercise, state, ctx, values=given_input)
    return advance(exercise, state, ctx, text=given_input)


def play(exercise: Exercise, inputs: list[Input], ctx: Context = CTX) -> Turn:
    turn = start(exercise, ctx)
    for given_input in inputs:
        turn = send(exercise, turn.state, given_input, ctx)
    return turn


def snapshot(state: RunState) -> str:
    return json.dumps(state.to_json(), sort_keys=True)


def assert_refused(
    exercise: Exercise, state: RunState, given_input: Input, note: str, ctx: Context = CTX
) -> Turn:
    """Bad input: a note that says why, the same question again, and no change at all."""
    before = snapshot(state)
    turn = send(exercise, state, given_input, ctx)
    assert turn.notes, f"no note for {given_input!r}"
    assert note in turn.notes[0]
    assert snapshot(turn.state) == before
    assert snapshot(state) == before  # the input state is never mutated
    assert turn.prompt is not None
    assert turn.prompt.step.id == asked_id(exercise, state)
    return turn


def asked_id(exercise: Exercise, state: RunState) -> str:
    prompt = prompt_at(exercise, state, CTX)
    assert prompt is not None
    return prompt.step.id


# -- text ------------------------------------------------------------------------------------------

TEXT = """
[[steps]]
id = "t"
kind = "text"
min_length = 3
max_length = 10
prompt = "Say it"
"""


def test_text_answer_is_stripped_stored_and_moves_on(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, TEXT)
    turn = play(exercise, ["  hello  "])
    assert turn.state.answers == {"t": "hello"}
    assert turn.state.position == Position("end")
    assert turn.prompt is not None and turn.prompt.text == "Anything else?"
    assert turn.notes == ()


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("ab", "at least 3 characters"),
        ("  ab  ", "at least 3 characters"),
        ("x" * 11, "That's 11 characters; the limit here is 10"),
        ("   ", "Send your answer as a message."),
    ],
)
def test_text_length_errors_change_nothing(tmp_path: Path, text: str, note: str) -> None:
    exercise = with_end(tmp_path, TEXT)
    assert_refused(exercise, start(exercise, CTX).state, text, note)


def test_text_step_refuses_button_values(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, TEXT)
    assert_refused(exercise, start(exercise, CTX).state, ["yes"], "Send your answer")


# -- number ----------------------------------------------------------------------------------------

NUMBERS = """
[[steps]]
id = "pay"
kind = "number"
currency = true
unit = "per year"
prompt = "Pay?"

[[steps]]
id = "count"
kind = "number"
integer = true
min = 10
max = 1000
prompt = "How many?"
"""


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("85000", 85000, None),
        ("85,000", 85000, None),
        ("85.000", 85000, None),
        ("85 000", 85000, None),
        ("85k", 85000, None),
        ("85K", 85000, None),
        ("€85,000", 85000, "EUR"),
        ("85000 EUR", 85000, "EUR"),
        ("85000 eur", 85000, "EUR"),
        ("USD 1.5k", 1500, "USD"),
        ("£2m", 2_000_000, "GBP"),
        ("85.5", 85.5, None),
        ("85,5", 85.5, None),
    ],
)
def test_number_forms(tmp_path: Path, text: str, value: float, currency: str | None) -> None:
    exercise = with_end(tmp_path, NUMBERS)
    assert parse_number(exercise.step("pay"), text) == {"value": value, "currency": currency}
    turn = play(exercise, [text])
    stored = turn.state.answers["pay"]
    assert stored == {"value": value, "currency": currency}
    assert type(stored["value"]) is type(value)  # whole amounts are stored as int
    assert turn.state.position == Position("count")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("eighty", "I need a number here, e.g. 85000 EUR."),
        ("85 EURO", "I need a number here"),
        ("85,00,0", "isn't a number I can read"),
        ("1.2.3", "isn't a number I can read"),
        ("", "Send your answer as a message."),
    ],
)
def test_number_bad_input_changes_nothing(tmp_path: Path, text: str, note: str) -> None:
    exercise = with_end(tmp_path, NUMBERS)
    assert_refused(exercise, start(exercise, CTX).state, text, note)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("5", "below the lowest allowed (10)"),
        ("1001", "above the highest allowed (1000)"),
        ("2k", "above the highest allowed (1000)"),
        ("12.5", "A whole number, please."),
        ("€50", "Just the number, please."),
        ("50 EUR", "Just the number, please."),
        ("ten", "I need a number here, e.g. 85000."),
    ],
)
def test_number_limits_integer_and_currency(tmp_path: Path, text: str, note: str) -> None:
    exercise = with_end(tmp_path, NUMBERS)
    at_count = play(exercise, ["85000"]).state
    assert at_count.position == Position("count")
    assert_refused(exercise, at_count, text, note)


def test_number_limits_accept_edges_and_whole_decimals(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, NUMBERS)
    step = exercise.step("count")
    assert parse_number(step, "10") == {"value": 10, "currency": None}
    assert parse_number(step, "1000") == {"value": 1000, "currency": None}
    assert parse_number(step, "12.0") == {"value": 12, "currency": None}
    with pytest.raises(InvalidInput, match="below"):
        parse_number(step, "9")
    with pytest.raises(InvalidInput, match="whole number"):
        parse_number(step, "9.99")  # the whole-number check comes first


def test_number_too_large_to_represent_is_refused(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, NUMBERS)
    with pytest.raises(InvalidInput):
        parse_number(exercise.step("pay"), "9" * 400)


# -- date ------------------------------------------------------------------------------------------

DATES = """
[[steps]]
id = "next"
kind = "date"
prompt = "When will you?"

[[steps]]
id = "last"
kind = "date"
when = "past"
prompt = "When did you?"
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2026-11-18"),
        ("tomorrow", "2026-11-19"),
        ("Tomorrow ", "2026-11-19"),
        ("3d", "2026-11-21"),
        ("2w", "2026-12-02"),
        ("friday", "2026-11-20"),
        ("wed", "2026-11-25"),  # the next Wednesday, not today
        ("2026-12-01", "2026-12-01"),
    ],
)
def test_future_date_forms(tmp_path: Path, text: str, expected: str) -> None:
    exercise = with_end(tmp_path, DATES)
    turn = play(exercise, [text])
    assert turn.state.answers == {"next": expected}
    assert turn.state.position == Position("last")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("2026-11-17", "has passed"),
        ("2026-02-30", "is not a real date"),
        ("2027-12-31", "more than a year away"),
        ("none", "I need a date here"),
        ("someday", "can't read `someday`"),
    ],
)
def test_future_date_refusals_change_nothing(tmp_path: Path, text: str, note: str) -> None:
    exercise = with_end(tmp_path, DATES)
    assert_refused(exercise, start(exercise, CTX).state, text, note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", "2026-11-17"),
        ("today", "2026-11-18"),
        ("monday", "2026-11-16"),
        ("wednesday", "2026-11-18"),
        ("2026-11-01", "2026-11-01"),
    ],
)
def test_past_date_forms(tmp_path: Path, text: str, expected: str) -> None:
    exercise = with_end(tmp_path, DATES)
    turn = play(exercise, ["tomorrow", text])
    assert turn.state.answers == {"next": "2026-11-19", "last": expected}
    assert turn.state.position == Position("end")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("2026-11-19", "is in the future"),
        ("tomorrow", "can't read `tomorrow`"),
        ("2026-02-30", "is not a real date"),
    ],
)
def test_past_date_refusals_change_nothing(tmp_path: Path, text: str, note: str) -> None:
    exercise = with_end(tmp_path, DATES)
    at_last = play(exercise, ["tomorrow"]).state
    assert at_last.position == Position("last")
    assert_refused(exercise, at_last, text, note)


# -- choice ----------------------------------------------------------------------------------------

CHOICE = """
[[steps]]
id = "pick"
kind = "choice"
prompt = "Which one?"
options = [
  { value = "yes", label = "Yes, certainly" },
  { value = "no", label = "No" },
  { value = "maybe", label = "Maybe later" },
]
"""


@pytest.mark.parametrize(
    ("given_input", "expected"),
    [
        (["no"], "no"),
        (["maybe"], "maybe"),
        ("3", "maybe"),
        (" 1 ", "yes"),
        ("Maybe later", "maybe"),
        ("maybe later.", "maybe"),
        ("may", "maybe"),  # an unambiguous start of a label, 3+ letters
        ("yes", "yes"),  # the option value
        ("No", "no"),
    ],
)
def test_choice_answers(tmp_path: Path, given_input: Input, expected: str) -> None:
    exercise = with_end(tmp_path, CHOICE)
    turn = play(exercise, [given_input])
    assert turn.state.answers == {"pick": expected}
    assert turn.state.position == Position("end")


@pytest.mark.parametrize(
    ("given_input", "note"),
    [
        ("4", "`4` isn't one of the options"),
        ("0", "`0` isn't one of the options"),
        ("ma", "`ma` isn't one of the options"),
        ("perhaps", "`perhaps` isn't one of the options"),
        (["nope"], "That isn't one of the options"),
        ("1, 2", "Pick one option"),
        (["yes", "no"], "Pick one option"),
        ([], "Pick one option"),
        ("", "Pick one option"),
    ],
)
def test_choice_bad_option_changes_nothing(tmp_path: Path, given_input: Input, note: str) -> None:
    exercise = with_end(tmp_path, CHOICE)
    turn = assert_refused(exercise, start(exercise, CTX).state, given_input, note)
    assert "1. Yes, certainly\n2. No\n3. Maybe later" in turn.notes[0]


@pytest.mark.parametrize("text", ["²", "①"])
def test_choice_superscript_digit_is_refused_not_a_crash(tmp_path: Path, text: str) -> None:
    exercise = with_end(tmp_path, CHOICE)
    assert_refused(exercise, start(exercise, CTX).state, text, "isn't one of the options")


# -- multi -----------------------------------------------------------------------------------------

MULTI = """
[[steps]]
id = "picks"
kind = "multi"
min_choices = 2
max_choices = 3
prompt = "Which ones?"
options = [
  { value = "a", label = "Alpha" },
  { value = "b", label = "Beta" },
  { value = "c", label = "Gamma" },
  { value = "d", label = "Delta" },
]
"""


@pytest.mark.parametrize(
    ("given_input", "expected"),
    [
        (["a", "c"], ["a", "c"]),
        (["d", "b", "a"], ["d", "b", "a"]),
        (["b", "b", "d"], ["b", "d"]),  # repeats count once
        ("1, 3", ["a", "c"]),
        ("1,3", ["a", "c"]),
        ("gamma; 1", ["c", "a"]),
        ("Alpha\nBeta\n4", ["a", "b", "d"]),
    ],
)
def test_multi_answers(tmp_path: Path, given_input: Input, expected: list[str]) -> None:
    exercise = with_end(tmp_path, MULTI)
    turn = play(exercise, [given_input])
    assert turn.state.answers == {"picks": expected}
    assert turn.state.position == Position("end")


@pytest.mark.parametrize(
    ("given_input", "note"),
    [
        ("1", "Pick between 2 and 3 options"),
        (["a"], "Pick between 2 and 3 options"),
        (["a", "a"], "Pick between 2 and 3 options"),
        ("1, 2, 3, 4", "Pick between 2 and 3 options"),
        (["a", "b", "c", "d"], "Pick between 2 and 3 options"),
        ("1, 9", "`9` isn't one of the options"),
        (["a", "zzz"], "That isn't one of the options"),
    ],
)
def test_multi_bad_choices_change_nothing(tmp_path: Path, given_input: Input, note: str) -> None:
    exercise = with_end(tmp_path, MULTI)
    assert_refused(exercise, start(exercise, CTX).state, given_input, note)


# -- list with a count -----------------------------------------------------------------------------

COUNTED = """
[[steps]]
id = "goals"
kind = "list"
count = 3
prompt = "Three goals, one per line."
"""


def test_counted_list_over_several_messages(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, COUNTED)
    first = play(exercise, ["Grow revenue"])
    assert first.state.draft == ["Grow revenue"]
    assert first.notes == ("Got it: 1 so far. Send 2 more.",)
    assert first.state.position == Position("goals")
    assert "goals" not in first.state.answers
    assert first.prompt is None

    second = send(exercise, first.state, "- Hire\n- hire\n")  # a repeat is dropped
    assert second.state.draft == ["Grow revenue", "Hire"]
    assert second.notes == ("Got it: 2 so far. Send 1 more.",)

    # The list completes by itself at the count: no `done` needed.
    third = send(exercise, second.state, "Ship v2")
    assert third.state.answers == {"goals": ["Grow revenue", "Hire", "Ship v2"]}
    assert third.state.draft == []
    assert third.state.position == Position("end")


def test_counted_list_refuses_too_many_and_adds_nothing(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, COUNTED)
    one = play(exercise, ["Grow revenue"]).state
    turn = assert_refused(exercise, one, "Hire\nShip\nLaunch", "That would make 4 items")
    assert turn.notes[0] == (
        "That would make 4 items; this question takes exactly 3. "
        "You have 1 so far; nothing was added."
    )
    assert turn.state.draft == ["Grow revenue"]


def test_counted_list_done_early_asks_for_the_rest(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, COUNTED)
    one = play(exercise, ["Grow revenue"]).state
    turn = send(exercise, one, "done")
    assert turn.notes == ("I need at least 3: send 2 more.",)
    assert snapshot(turn.state) == snapshot(one)


def test_counted_list_all_at_once(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, COUNTED)
    turn = play(exercise, ["• One\n* Two\n- Three"])
    assert turn.state.answers == {"goals": ["One", "Two", "Three"]}


# -- open list -------------------------------------------------------------------------------------

OPEN = """
[[steps]]
id = "people"
kind = "list"
min_items = 2
max_items = 4
item_max_length = 20
prompt = "Who? One per line, then done."
"""


def test_open_list_min_then_done(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    state = start(exercise, CTX).state
    refused = send(exercise, state, "done")
    assert refused.notes == ("I need at least 2: send 2 more.",)
    assert snapshot(refused.state) == snapshot(state)

    one = send(exercise, state, "Ann")
    assert one.notes == ("Got it: 1 so far. Send at least 1 more.",)
    still_one = send(exercise, one.state, "done")
    assert still_one.notes == ("I need at least 2: send 1 more.",)
    assert still_one.state.draft == ["Ann"]

    two = send(exercise, still_one.state, "Bob")
    assert two.notes == ("Got it: 2 so far. Send more, or type `done` when that's all.",)
    assert two.state.position == Position("people")
    finished = send(exercise, two.state, " DONE ")
    assert finished.state.answers == {"people": ["Ann", "Bob"]}
    assert finished.state.draft == []
    assert finished.state.position == Position("end")


def test_open_list_items_and_done_in_one_message(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    turn = play(exercise, ["Ann\nBob\ndone"])
    assert turn.state.answers == {"people": ["Ann", "Bob"]}
    assert turn.state.position == Position("end")


def test_open_list_items_and_done_below_the_minimum_keeps_the_items(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    turn = play(exercise, ["Ann\ndone"])
    assert turn.notes == ("I need at least 2: send 1 more.",)
    assert turn.state.draft == ["Ann"]
    assert "people" not in turn.state.answers


def test_open_list_drops_duplicates(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    turn = play(exercise, ["Ann\nann\n- Bob\n• ANN\n\n"])
    assert turn.state.draft == ["Ann", "Bob"]
    again = send(exercise, turn.state, "bob")
    assert again.state.draft == ["Ann", "Bob"]
    assert again.notes[0].startswith("Got it: 2 so far.")


def test_open_list_max_refused_and_auto_complete_at_max(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    state = start(exercise, CTX).state
    turn = assert_refused(exercise, state, "a\nb\nc\nd\ne", "That would make 5 items")
    assert "at most 4" in turn.notes[0]
    full = send(exercise, state, "a\nb\nc\nd")
    assert full.state.answers == {"people": ["a", "b", "c", "d"]}
    assert full.state.position == Position("end")


def test_open_list_item_too_long_adds_nothing(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, OPEN)
    one = play(exercise, ["Ann"]).state
    turn = assert_refused(exercise, one, "Bob\n" + "x" * 21, "Keep each item under 20")
    assert "one is 21. Nothing was added." in turn.notes[0]


# -- for_each --------------------------------------------------------------------------------------

FOR_EACH = """
[[steps]]
id = "things"
kind = "list"
min_items = 1
max_items = 5
prompt = "Which things?"

[[steps]]
id = "why"
kind = "for_each"
over = "things"
prompt = "Why each thing?"
each = { kind = "text", prompt = "Why {item}?" }

[[steps]]
id = "picks"
kind = "multi"
prompt = "Pick some."
options = [
  { value = "a", label = "Alpha" },
  { value = "b", label = "Beta" },
  { value = "c", label = "Gamma" },
]

[[steps]]
id = "how_many"
kind = "for_each"
over = "picks"
prompt = "How many of each?"
each = { kind = "number", integer = true, prompt = "How many for {item}?" }
"""


def test_for_each_over_a_list_and_a_multi(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, FOR_EACH)
    inputs: list[Input] = ["apple\npear\ndone", "Tasty", "Juicy", ["a", "c"], "3", "5"]
    expected = [
        ("Which things?", 1, 2),
        ("Why apple?", 2, 4),  # the total grows once the list is known
        ("Why pear?", 3, 4),
        ("Pick some.", 4, 4),
        ("How many for Alpha?", 5, 6),  # and again once the picks are known
        ("How many for Gamma?", 6, 6),
    ]
    turn = start(exercise, CTX)
    seen = []
    for given_input in inputs:
        assert turn.prompt is not None
        seen.append((turn.prompt.text, turn.prompt.number, turn.prompt.total))
        turn = send(exercise, turn.state, given_input)
    assert seen == expected
    assert turn.completed
    assert turn.state.answers == {
        "things": ["apple", "pear"],
        "why": {"apple": "Tasty", "pear": "Juicy"},
        "picks": ["a", "c"],
        "how_many": {
            "Alpha": {"value": 3, "currency": None},
            "Gamma": {"value": 5, "currency": None},
        },
    }


def test_for_each_positions_and_asked_step(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, FOR_EACH)
    state = play(exercise, ["apple\npear\ndone"]).state
    assert state.position == Position("why", 0)
    assert positions(exercise, state.answers, CTX) == [
        Position("things"),
        Position("why", 0),
        Position("why", 1),
        Position("picks"),
    ]
    prompt = prompt_at(exercise, state, CTX)
    assert prompt is not None
    assert prompt.step.kind == "text"  # the `each` sub-step is what is asked
    assert prompt.previous is None


def test_for_each_back_shows_the_per_item_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, FOR_EACH)
    at_pear = play(exercise, ["apple\npear\ndone", "Tasty"])
    assert at_pear.prompt is not None and at_pear.prompt.text == "Why pear?"
    back = send(exercise, at_pear.state, "back")
    assert back.state.position == Position("why", 0)
    assert back.prompt is not None
    assert back.prompt.text == "Why apple?"
    assert back.prompt.previous == "Tasty"


def test_for_each_items_kept_when_the_list_is_edited(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, FOR_EACH)
    state = play(exercise, ["apple\npear\ndone", "Tasty", "Juicy", "back", "back", "back"]).state
    assert state.position == Position("things")
    edited = send(exercise, state, "pear\nplum\ndone")
    prompt = edited.prompt
    assert prompt is not None
    assert (prompt.text, prompt.previous) == ("Why pear?", "Juicy")  # answer kept per item
    nxt = send(exercise, edited.state, "keep")
    assert nxt.prompt is not None
    assert (nxt.prompt.text, nxt.prompt.previous) == ("Why plum?", None)


TARGET = """
[[steps]]
id = "company"
kind = "text"
prompt = "Which company?"

[[steps]]
id = "compare"
kind = "for_each"
over = "target:criteria"
prompt = "Compare with your target."
each = { kind = "choice", prompt = "{item}. How does {company} compare?", options = [{ value = "meets", label = "Meets it" }, { value = "short", label = "Falls short" }] }

[[steps]]
id = "gap"
kind = "text"
show_if = { context = "has_target" }
prompt = "What is the biggest gap?"

[[steps]]
id = "decide"
kind = "date"
prompt = "Decide by?"
"""  # noqa: E501


def test_for_each_over_target_criteria(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, TARGET)
    turn = start(exercise, TARGET_CTX)
    seen = []
    for given_input in ["Acme", ["meets"], "2", "Money", "friday"]:
        assert turn.prompt is not None
        seen.append((turn.prompt.text, turn.prompt.number, turn.prompt.total))
        turn = send(exercise, turn.state, given_input, TARGET_CTX)
    assert seen == [
        ("Which company?", 1, 5),
        ("Title: Head of Data. How does Acme compare?", 2, 5),
        ("Salary: 120,000 EUR. How does Acme compare?", 3, 5),
        ("What is the biggest gap?", 4, 5),
        ("Decide by?", 5, 5),
    ]
    assert turn.state.status == COMPLETED
    assert turn.state.answers == {
        "company": "Acme",
        "compare": {"Title: Head of Data": "meets", "Salary: 120,000 EUR": "short"},
        "gap": "Money",
        "decide": "2026-11-20",
    }


def test_for_each_over_target_criteria_skipped_without_a_target(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, TARGET)
    assert positions(exercise, {}, CTX) == [Position("company"), Position("decide")]
    turn = play(exercise, ["Acme"])
    assert turn.prompt is not None
    assert (turn.prompt.text, turn.prompt.number, turn.prompt.total) == ("Decide by?", 2, 2)
    done = send(exercise, turn.state, "tomorrow")
    assert done.completed
    assert done.state.answers == {"company": "Acme", "decide": "2026-11-19"}


def test_resume_after_the_target_disappeared_moves_to_a_real_question(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, TARGET)
    state = play(exercise, ["Acme", ["meets"]], TARGET_CTX).state
    assert state.position == Position("compare", 1)
    paused = send(exercise, state, "pause", TARGET_CTX).state
    turn = resume(exercise, paused, CTX)  # the target was deleted meanwhile
    assert turn.state.status == ACTIVE
    assert turn.state.position == Position("decide")
    assert is_valid(exercise, turn.state, CTX)
    assert turn.prompt is not None and turn.prompt.text == "Decide by?"


# -- show_if ---------------------------------------------------------------------------------------

SHOW_IF = """
[[steps]]
id = "offer"
kind = "choice"
prompt = "Do you have an offer?"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[steps]]
id = "offer_pay"
kind = "number"
show_if = { step = "offer", equals = "yes" }
prompt = "What does it pay?"

[[steps]]
id = "why_not"
kind = "text"
show_if = { step = "offer", not_equals = "yes" }
prompt = "What is in the way?"

[[steps]]
id = "reasons"
kind = "multi"
prompt = "What matters?"
options = [
  { value = "pay", label = "Pay" },
  { value = "team", label = "Team" },
  { value = "growth", label = "Growth" },
]

[[steps]]
id = "pay_detail"
kind = "text"
show_if = { step = "reasons", includes = "pay" }
prompt = "How much more?"

[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, ["offer", "reasons", "end"]),  # not_equals needs an answer first
        ({"offer": "yes"}, ["offer", "offer_pay", "reasons", "end"]),
        ({"offer": "no"}, ["offer", "why_not", "reasons", "end"]),
        ({"offer": None}, ["offer", "reasons", "end"]),
        ({"offer": "no", "reasons": ["team"]}, ["offer", "why_not", "reasons", "end"]),
        (
            {"offer": "no", "reasons": ["team", "pay"]},
            ["offer", "why_not", "reasons", "pay_detail", "end"],
        ),
    ],
)
def test_show_if_rules(tmp_path: Path, answers: dict[str, Any], expected: list[str]) -> None:
    exercise = write_exercise(tmp_path, SHOW_IF)
    assert positions(exercise, answers, CTX) == [Position(step) for step in expected]


def test_show_if_context_has_target(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, TARGET)
    with_target = [p.step for p in positions(exercise, {}, TARGET_CTX)]
    without = [p.step for p in positions(exercise, {}, CTX)]
    assert "gap" in with_target
    assert "gap" not in without


def test_editing_an_answer_with_back_hides_a_later_step(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, SHOW_IF)
    turn = play(exercise, [["yes"], "100k", ["team"]])
    assert turn.state.position == Position("end")
    turn = send(exercise, turn.state, "back")
    assert turn.prompt is not None and turn.prompt.previous == "Team"
    turn = send(exercise, turn.state, "back")
    assert turn.prompt is not None and turn.prompt.previous == "100,000"
    turn = send(exercise, turn.state, "back")
    assert turn.prompt is not None
    assert (turn.prompt.text, turn.prompt.previous) == ("Do you have an offer?", "Yes")

    turn = send(exercise, turn.state, ["no"])
    assert turn.state.position == Position("why_not")
    order = [p.step for p in positions(exercise, turn.state.answers, CTX)]
    assert order == ["offer", "why_not", "reasons", "end"]
    assert turn.prompt is not None
    assert (turn.prompt.number, turn.prompt.total) == (2, 4)

    turn = send(exercise, turn.state, "Nobody called")
    assert turn.prompt is not None and turn.prompt.previous == "Team"
    turn = send(exercise, turn.state, "keep")
    assert turn.state.position == Position("end")
    done = send(exercise, turn.state, "no")
    assert done.completed
    assert done.state.answers["why_not"] == "Nobody called"
    assert done.state.answers["reasons"] == ["team"]


HIDDEN_SOURCE = """
[[steps]]
id = "has"
kind = "choice"
prompt = "Anyone to chase?"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[steps]]
id = "people"
kind = "list"
show_if = { step = "has", equals = "yes" }
prompt = "Who?"

[[steps]]
id = "when"
kind = "for_each"
over = "people"
prompt = "When for each?"
each = { kind = "date", prompt = "When will you chase {item}?" }
"""


def test_for_each_over_a_hidden_list_is_not_asked(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, HIDDEN_SOURCE)
    turn = play(exercise, [["yes"], "Ann\nBob\ndone", "friday", "monday", *["back"] * 4])
    assert turn.state.position == Position("has")
    turn = send(exercise, turn.state, ["no"])
    assert [p.step for p in positions(exercise, turn.state.answers, CTX)] == ["has", "end"]
    assert turn.state.position == Position("end")


# -- commands --------------------------------------------------------------------------------------

COMMANDS = """
[[steps]]
id = "name"
section = "About you"
kind = "text"
prompt = "Your name?"
hint = "First name is fine."

[[steps]]
id = "age"
kind = "number"
prompt = "Hi {name}, your age?"

[[steps]]
id = "note"
kind = "text"
optional = true
prompt = "Anything to add?"

[[steps]]
id = "city"
kind = "text"
prompt = "Which city?"
"""


def test_back_goes_to_the_previous_question_with_its_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_note = play(exercise, ["Ann", "42"])
    assert at_note.state.position == Position("note")
    assert at_note.prompt is not None and at_note.prompt.previous is None

    at_age = send(exercise, at_note.state, "back")
    assert at_age.state.position == Position("age")
    assert at_age.prompt is not None
    assert at_age.prompt.text == "Hi Ann, your age?"
    assert at_age.prompt.previous == "42"
    assert (at_age.prompt.number, at_age.prompt.total) == (2, 4)
    assert at_age.state.answers == {"name": "Ann", "age": {"value": 42, "currency": None}}

    at_name = send(exercise, at_age.state, "Back")
    assert at_name.prompt is not None
    assert (at_name.prompt.previous, at_name.prompt.section) == ("Ann", "About you")

    first = send(exercise, at_name.state, "back")
    assert first.notes == ("This is the first question.",)
    assert snapshot(first.state) == snapshot(at_name.state)
    assert first.prompt is not None and first.prompt.step.id == "name"


def test_a_new_answer_after_back_replaces_the_old_one(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    turn = play(exercise, ["Ann", "42", "back", "back", "Bea"])
    assert turn.state.answers["name"] == "Bea"
    assert turn.prompt is not None
    assert (turn.prompt.text, turn.prompt.previous) == ("Hi Bea, your age?", "42")


def test_keep_keeps_the_earlier_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_name = play(exercise, ["Ann", "42", "back", "back"]).state
    kept = send(exercise, at_name, "keep")
    assert kept.state.answers == {"name": "Ann", "age": {"value": 42, "currency": None}}
    assert kept.state.position == Position("age")
    kept_again = send(exercise, kept.state, "keep")
    assert kept_again.state.position == Position("note")
    assert kept_again.state.answers == kept.state.answers


def test_keep_without_an_earlier_answer_changes_nothing(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_note = play(exercise, ["Ann", "42"]).state
    turn = send(exercise, at_note, "keep")
    assert turn.notes == ("There is no earlier answer to keep here.",)
    assert snapshot(turn.state) == snapshot(at_note)


def test_skip_only_optional_steps(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    state = start(exercise, CTX).state
    refused = send(exercise, state, "skip")
    assert refused.notes[0].startswith("This question can't be skipped")
    assert snapshot(refused.state) == snapshot(state)

    at_note = play(exercise, ["Ann", "42"]).state
    skipped = send(exercise, at_note, "SKIP")
    assert skipped.state.answers["note"] is None
    assert skipped.state.position == Position("city")

    at_city = send(exercise, skipped.state, "skip")
    assert at_city.notes[0].startswith("This question can't be skipped")
    assert at_city.state.position == Position("city")

    back = send(exercise, skipped.state, "back")
    assert back.prompt is not None and back.prompt.previous == "(skipped)"
    kept = send(exercise, back.state, "keep")  # keeping a skip keeps it skipped
    assert kept.state.answers["note"] is None
    assert kept.state.position == Position("city")


def test_pause_then_any_message_wakes_and_asks_again(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_age = play(exercise, ["Ann"]).state
    paused = send(exercise, at_age, "pause")
    assert paused.paused
    assert paused.prompt is None
    assert paused.state.status == PAUSED
    assert paused.state.position == Position("age")
    assert is_valid(exercise, paused.state, CTX)

    # The waking message is not an answer, even one that would fit: the question comes again.
    woken = send(exercise, paused.state, "42")
    assert woken.state.status == ACTIVE
    assert "age" not in woken.state.answers
    assert woken.prompt is not None and woken.prompt.step.id == "age"
    answered = send(exercise, woken.state, "42")
    assert answered.state.answers["age"] == {"value": 42, "currency": None}
    assert answered.state.position == Position("note")


def test_bad_input_while_paused_only_wakes_the_run(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_age = play(exercise, ["Ann"]).state
    paused = send(exercise, at_age, "pause").state
    woken = send(exercise, paused, "forty-two")
    assert woken.notes[0].startswith("Welcome back")
    assert woken.state.status == ACTIVE
    assert snapshot(woken.state) == snapshot(at_age)


def test_resume_wakes_a_paused_run_and_repeats_the_question(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    paused = play(exercise, ["Ann", "pause"]).state
    assert paused.status == PAUSED
    turn = resume(exercise, paused, CTX)
    assert turn.state.status == ACTIVE
    assert turn.state.position == Position("age")
    assert turn.prompt is not None and turn.prompt.text == "Hi Ann, your age?"
    assert paused.status == PAUSED  # the given state is not mutated


def test_cancel_asks_to_confirm(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_age = play(exercise, ["Ann"]).state
    asking = send(exercise, at_age, "cancel")
    assert asking.confirm_cancel
    assert not asking.cancelled
    assert asking.state.awaiting_cancel
    assert asking.state.status == ACTIVE
    assert asking.state.position == Position("age")
    assert asking.state.answers == at_age.answers


@pytest.mark.parametrize("confirm", ["yes", "Y", "cancel", [CANCEL_YES]])
def test_cancel_confirmed(tmp_path: Path, confirm: Input) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    asking = play(exercise, ["Ann", "cancel"]).state
    turn = send(exercise, asking, confirm)
    assert turn.cancelled
    assert turn.state.status == CANCELLED
    assert turn.state.position is None
    assert not turn.state.awaiting_cancel
    assert is_valid(exercise, turn.state, CTX)
    later = send(exercise, turn.state, "42")
    assert later.state.status == CANCELLED
    assert later.state.position is None
    assert "age" not in later.state.answers


@pytest.mark.parametrize("other", ["no", "42", "help", "back", [CANCEL_NO], ["yes"]])
def test_cancel_not_confirmed_carries_on(tmp_path: Path, other: Input) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_age = play(exercise, ["Ann"]).state
    asking = send(exercise, at_age, "cancel").state
    turn = send(exercise, asking, other)
    assert not turn.cancelled
    assert turn.notes == ("Carrying on.",)
    assert snapshot(turn.state) == snapshot(at_age)  # nothing else happened
    assert turn.prompt is not None and turn.prompt.text == "Hi Ann, your age?"


def test_cancel_no_button_without_a_pending_cancel_changes_nothing(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    at_age = play(exercise, ["Ann"]).state
    turn = send(exercise, at_age, [CANCEL_NO])
    assert snapshot(turn.state) == snapshot(at_age)
    assert turn.prompt is not None and turn.prompt.step.id == "age"


def test_help_shows_help_and_hint_and_changes_nothing(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    state = start(exercise, CTX).state
    turn = send(exercise, state, "help")
    assert turn.notes == (HELP_TEXT + "\n\nHint: First name is fine.",)
    assert snapshot(turn.state) == snapshot(state)
    assert turn.prompt is not None and turn.prompt.text == "Your name?"

    at_age = play(exercise, ["Ann"]).state
    no_hint = send(exercise, at_age, " HELP ")
    assert no_hint.notes == (HELP_TEXT,)
    assert snapshot(no_hint.state) == snapshot(at_age)


def test_done_at_a_text_question_is_an_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    turn = play(exercise, ["done"])
    assert turn.state.answers == {"name": "done"}
    assert turn.state.position == Position("age")


# -- completion and late questions -----------------------------------------------------------------


def test_last_answer_completes_the_run(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, COMMANDS)
    almost = play(exercise, ["Ann", "42", "skip"])
    assert almost.prompt is not None
    assert (almost.prompt.number, almost.prompt.total) == (4, 4)
    done = send(exercise, almost.state, "Lyon")
    assert done.completed
    assert done.prompt is None
    assert done.state.status == COMPLETED
    assert done.state.position is None
    assert done.state.answers == {
        "name": "Ann",
        "age": {"value": 42, "currency": None},
        "note": None,
        "city": "Lyon",
    }
    assert is_valid(exercise, done.state, CTX)
    assert prompt_at(exercise, done.state, CTX) is None

    for after in ["back", "Paris", ["x"], "cancel", "pause"]:
        again = send(exercise, done.state, after)
        assert again.completed
        assert snapshot(again.state) == snapshot(done.state)


LATE_BODY = """
[[steps]]
id = "reviewer"
kind = "text"
prompt = "Who will review it?"

[[steps]]
id = "review_by"
kind = "date"
prompt = "By when?"

[[steps]]
id = "review_notes"
kind = "text"
late = true
prompt = "What did {reviewer} suggest?"

[[effects]]
kind = "follow_up"
person = "{reviewer}"
reason = "Review your plan"
due = "review_by"
after = "review_notes"
"""


def test_late_step_is_skipped_then_asked_later(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, LATE_BODY)
    assert positions(exercise, {}, CTX) == [Position("reviewer"), Position("review_by")]
    done = play(exercise, ["Sam", "friday"])
    assert done.completed
    assert "review_notes" not in done.state.answers

    late = ask_late(exercise, done.state, "review_notes", CTX)
    assert late.state.status == LATE
    assert late.state.late == "review_notes"
    assert late.state.position == Position("review_notes")
    assert is_valid(exercise, late.state, CTX)
    assert late.prompt is not None
    assert (late.prompt.text, late.prompt.number, late.prompt.total) == (
        "What did Sam suggest?",
        1,
        1,
    )
    assert done.state.status == COMPLETED  # ask_late does not mutate its input

    answered = send(exercise, late.state, "Aim one level lower")
    assert answered.late_answered
    assert answered.state.status == COMPLETED
    assert answered.state.position is None
    assert answered.state.late is None
    assert answered.state.answers == {
        "reviewer": "Sam",
        "review_by": "2026-11-20",
        "review_notes": "Aim one level lower",
    }
    assert is_valid(exercise, answered.state, CTX)


def test_late_step_can_be_skipped(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, LATE_BODY)
    late = ask_late(exercise, play(exercise, ["Sam", "friday"]).state, "review_notes", CTX)
    turn = send(exercise, late.state, "skip")
    assert turn.late_answered
    assert turn.notes == ("Fine: nothing added.",)
    assert turn.state.status == COMPLETED
    assert turn.state.position is None
    assert "review_notes" not in turn.state.answers


def test_help_at_a_late_question_is_not_saved_as_the_answer(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, LATE_BODY)
    late = ask_late(exercise, play(exercise, ["Sam", "friday"]).state, "review_notes", CTX)
    turn = send(exercise, late.state, "help")
    assert "review_notes" not in turn.state.answers
    assert turn.state.status == LATE


# -- prompts ---------------------------------------------------------------------------------------

DIGIT_ID = """
[[steps]]
id = "goal2"
kind = "text"
prompt = "Your second goal?"

[[steps]]
id = "plan"
kind = "text"
prompt = "How will you reach {goal2}?"
"""


def test_placeholder_naming_a_step_id_with_a_digit_is_filled(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, DIGIT_ID)
    turn = play(exercise, ["Ship v2"])
    assert turn.prompt is not None
    assert turn.prompt.text == "How will you reach Ship v2?"


FOR_EACH_OPTIONAL = """
[[steps]]
id = "things"
kind = "list"
count = 1
prompt = "One thing?"

[[steps]]
id = "notes"
kind = "for_each"
over = "things"
optional = true
prompt = "A note on each?"
each = { kind = "text", prompt = "A note on {item}?" }
"""


def test_optional_for_each_can_be_skipped(tmp_path: Path) -> None:
    exercise = with_end(tmp_path, FOR_EACH_OPTIONAL)
    at_note = play(exercise, ["Apple"]).state
    turn = send(exercise, at_note, "skip")
    assert turn.state.position == Position("end")


NOTHING_VISIBLE = """
[[steps]]
id = "gap"
kind = "text"
show_if = { context = "has_target" }
prompt = "What is the biggest gap?"
"""


def test_exercise_with_nothing_visible_does_not_start_stuck(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, NOTHING_VISIBLE)
    turn = start(exercise, CTX)
    assert is_valid(exercise, turn.state, CTX)


# -- state as JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inputs",
    [
        [],
        ["apple\npear"],  # a draft
        ["apple\npear\ndone", "Tasty"],  # a per-item answer, at item 1
        ["apple\ndone", "Tasty", ["a", "b"], "7"],  # numbers inside a for_each
        ["apple\ndone", "pause"],
        ["apple\ndone", "cancel"],  # awaiting the confirmation
        ["apple\ndone", "cancel", "yes"],
        ["apple\ndone", "Tasty", ["c"], "1"],  # completed
    ],
)
def test_state_json_round_trip(tmp_path: Path, inputs: list[Input]) -> None:
    exercise = write_exercise(tmp_path, FOR_EACH)
    state = play(exercise, inputs).state
    data = json.loads(json.dumps(state.to_json()))
    again = RunState.from_json(data)
    assert again == state
    assert again.to_json() == state.to_json()


def test_late_state_json_round_trip(tmp_path: Path) -> None:
    exercise = write_exercise(tmp_path, LATE_BODY)
    state = ask_late(exercise, play(exercise, ["Sam", "friday"]).state, "review_notes", CTX).state
    again = RunState.from_json(json.loads(json.dumps(state.to_json())))
    assert again == state
    assert (again.status, again.late) == (LATE, "review_notes")


def test_from_json_fills_defaults() -> None:
    state = RunState.from_json({"position": {"step": "x"}})
    assert state == RunState(position=Position("x", None))


# -- bad input never changes the state -------------------------------------------------------------

RICH = """
[[steps]]
id = "name"
section = "About you"
kind = "text"
max_length = 40
prompt = "What's your name?"
hint = "First name is fine."

[[steps]]
id = "salary"
kind = "number"
currency = true
min = 0
max = 1000000
prompt = "Salary, {name}?"

[[steps]]
id = "start_on"
kind = "date"
prompt = "Start date?"

[[steps]]
id = "has_offer"
kind = "choice"
prompt = "Do you have an offer?"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[steps]]
id = "offer_from"
kind = "text"
show_if = { step = "has_offer", equals = "yes" }
prompt = "From whom?"

[[steps]]
id = "reasons"
kind = "multi"
max_choices = 2
prompt = "Why?"
options = [
  { value = "pay", label = "Better pay" },
  { value = "growth", label = "Growth" },
  { value = "team", label = "A better team" },
]

[[steps]]
id = "reason_notes"
kind = "for_each"
over = "reasons"
prompt = "Say more about each reason."
each = { kind = "text", prompt = "Tell me about {item}." }

[[steps]]
id = "contacts"
kind = "list"
min_items = 1
max_items = 3
prompt = "Who will you call?"

[[steps]]
id = "call_dates"
kind = "for_each"
over = "contacts"
prompt = "When will you call each?"
each = { kind = "date", prompt = "When will you call {item}?" }

[[steps]]
id = "extra"
kind = "text"
optional = true
show_if = { step = "reasons", includes = "team" }
prompt = "Anything about the team?"

[[steps]]
id = "check"
kind = "for_each"
over = "target:criteria"
prompt = "Against your target."
each = { kind = "choice", prompt = "{item}?", options = [{ value = "meets", label = "Meets it" }, { value = "short", label = "Falls short" }] }

[[steps]]
id = "wrap"
kind = "text"
optional = true
prompt = "Last words?"
"""  # noqa: E501

RICH_PATH: list[Input] = [
    "Ann",
    "90k EUR",
    "friday",
    ["yes"],
    "Acme",
    ["pay", "team"],
    "More money",
    "Nicer people",
    "Bob\nCy\ndone",
    "tomorrow",
    "3d",
    "skip",
    ["meets"],
    ["short"],
    "Thanks",
]

# For each question on the way: inputs that must be refused without any change.
BAD_INPUTS: dict[str, list[Input]] = {
    "name": ["", "x" * 41, "skip", "keep", "back", ["yes"]],
    "salary": ["lots", "-5", "2000000", "skip", ["yes"]],
    "start_on": ["2020-01-01", "2026-02-30", "soon", "skip"],
    "has_offer": ["3", "maybe", ["nope"], ["yes", "no"], "done"],
    "offer_from": ["", "skip", "keep"],
    "reasons": ["1, 2, 3", ["pay", "growth", "team"], [], "7"],
    "reason_notes": ["  ", "skip", ["pay"]],
    "contacts": ["done", "a\nb\nc\nd", "x" * 201, "skip"],
    "call_dates": ["yesterday", "2026-02-30", "skip"],
    "check": ["3", ["meh"], "skip", "done"],
}


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Exercise:
    return write_exercise(tmp_path_factory.mktemp("rich"), RICH, "rich")


def test_rich_exercise_happy_path(rich: Exercise) -> None:
    turn = play(rich, RICH_PATH, TARGET_CTX)
    assert turn.completed
    assert turn.state.answers == {
        "name": "Ann",
        "salary": {"value": 90000, "currency": "EUR"},
        "start_on": "2026-11-20",
        "has_offer": "yes",
        "offer_from": "Acme",
        "reasons": ["pay", "team"],
        "reason_notes": {"Better pay": "More money", "A better team": "Nicer people"},
        "contacts": ["Bob", "Cy"],
        "call_dates": {"Bob": "2026-11-19", "Cy": "2026-11-21"},
        "extra": None,
        "check": {"Title: Head of Data": "meets", "Salary: 120,000 EUR": "short"},
        "wrap": "Thanks",
    }


def test_bad_input_never_changes_the_state(rich: Exercise) -> None:
    turn = start(rich, TARGET_CTX)
    checked = set()
    for good in RICH_PATH:
        state = turn.state
        assert state.position is not None
        for bad in BAD_INPUTS.get(state.position.step, []):
            before = snapshot(state)
            refused = send(rich, state, bad, TARGET_CTX)
            assert refused.notes, (state.position, bad)
            assert snapshot(refused.state) == before, (state.position, bad)
            checked.add(state.position.step)
        turn = send(rich, state, good, TARGET_CTX)
    assert turn.completed
    assert checked == set(BAD_INPUTS)


# -- property: any input sequence keeps the run valid ----------------------------------------------

WORDS = ["back", "skip", "keep", "pause", "cancel", "help", "done", "yes", "no"]
OPTION_VALUES = [
    "yes",
    "no",
    "pay",
    "growth",
    "team",
    "meets",
    "short",
    "bogus",
    CANCEL_YES,
    CANCEL_NO,
]
# Any text, Unicode "other number" characters (², ①) included: they once crashed choices.
SHORT_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
NUMBER_TEXT = st.one_of(
    st.integers(min_value=-10, max_value=2_000_000).map(str),
    st.sampled_from(["85k", "€85,000", "85000 EUR", "85.5", "1,5", "2"]),
)
DATE_TEXT = st.sampled_from(
    ["today", "tomorrow", "yesterday", "3d", "2w", "friday", "2026-02-30", "2026-12-01"]
)
LIST_TEXT = st.lists(
    st.sampled_from(["Ann", "ann", "Bob", "Cy", "Dee", "- Eve", "", "done"]),
    min_size=1,
    max_size=5,
).map("\n".join)
# ("fit", n): an answer of the kind the current question takes (a number for a number, a
# date for a date, option values for a choice...), so that runs also get deep into the
# exercise instead of stalling at the first question random input cannot answer.
AN_INPUT = st.one_of(
    SHORT_TEXT.map(lambda text: ("text", text)),
    st.sampled_from(WORDS).map(lambda text: ("text", text)),
    st.sampled_from(["cancel", "yes", "pause"]).map(lambda text: ("text", text)),
    NUMBER_TEXT.map(lambda text: ("text", text)),
    DATE_TEXT.map(lambda text: ("text", text)),
    LIST_TEXT.map(lambda text: ("text", text)),
    st.lists(st.sampled_from(OPTION_VALUES), max_size=3).map(lambda v: ("values", v)),
    st.integers(min_value=0, max_value=3).map(lambda n: ("fit", n)),
    st.integers(min_value=0, max_value=3).map(lambda n: ("fit", n)),  # twice: weighted
)
INPUTS = st.one_of(
    st.lists(AN_INPUT, max_size=40),
    st.lists(AN_INPUT, min_size=20, max_size=40),
)


def fitting(exercise: Exercise, state: RunState, ctx: Context, n: int) -> dict[str, Any]:
    """advance() keyword arguments for an answer of the kind the current question takes."""
    prompt = prompt_at(exercise, state, ctx)
    if prompt is None:
        return {"text": "hello"}
    step = prompt.step
    values = [option.value for option in step.options]
    if step.kind == "number":
        return {"text": f"{n * 40}k"}
    if step.kind == "date":
        return {"text": ["today", "tomorrow", "3d", "2026-12-01"][n]}
    if step.kind == "choice":
        return {"values": [values[n % len(values)]]}
    if step.kind == "multi":
        return {"values": values[n % len(values) :][: step.max_choices]}
    if step.kind == "list":
        return {"text": "\n".join(["Ann", "Bob", "Cy", "Dee"][: n + 1]) + "\ndone"}
    return {"text": f"Answer {n}"}


@settings(max_examples=200, deadline=None)
@given(inputs=INPUTS, with_target=st.booleans())
def test_any_input_sequence_keeps_the_run_valid(
    rich: Exercise, inputs: list[tuple[str, Any]], with_target: bool
) -> None:
    ctx = TARGET_CTX if with_target else CTX
    turn = start(rich, ctx)
    assert is_valid(rich, turn.state, ctx)
    finished: str | None = None
    for kind, payload in inputs:
        previous = turn.state
        before = snapshot(previous)
        arguments = fitting(rich, previous, ctx, payload) if kind == "fit" else {kind: payload}
        turn = advance(rich, previous, ctx, **arguments)
        state = turn.state
        assert snapshot(previous) == before  # advance never mutates its input
        assert is_valid(rich, state, ctx), (kind, payload, state)
        data = json.loads(json.dumps(state.to_json(), allow_nan=False))
        assert RunState.from_json(data) == state
        if finished is not None:
            assert state.status == finished
            assert state.position is None
            assert snapshot(state) == before
        elif state.status in (COMPLETED, CANCELLED):
            finished = state.status
            assert state.position is None
        if state.position is not None and state.status != PAUSED:
            assert turn.prompt is not None or turn.notes or turn.confirm_cancel


def test_the_document_leaves_out_what_no_longer_applies(tmp_path: Path) -> None:
    from bot.services.exercises import engine
    from bot.services.exercises.sheets import document

    exercise = write_exercise(
        tmp_path,
        """
[[steps]]
id = "has"
kind = "choice"
prompt = "Any?"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[steps]]
id = "items"
kind = "list"
prompt = "Which?"
show_if = { step = "has", equals = "yes" }

[[steps]]
id = "end"
kind = "text"
prompt = "Done?"
""",
    )
    state = engine.RunState(answers={"has": "no", "items": ["value", "b"], "end": "ok"})
    doc = document(exercise, state, CTX)
    entries = [entry for section in doc.sections for entry in section.entries]
    assert entries == ["**Any?:** No", "**Done?:** ok"]
    assert engine.display({"value": 85000, "currency": "EUR"}) == "85,000 EUR"
    # Per-item answers whose item is literally "value" are not mistaken for an amount.
    assert "an answer" in engine.display({"value": "an answer", "b": "another"})
