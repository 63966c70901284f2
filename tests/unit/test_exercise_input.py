"""Free text typed in a DM exercise: hostile, invisible, huge or impossible input is re-asked
with a short, specific note; what is accepted is stored clean. And pause at every step kind."""

from __future__ import annotations

import json
import textwrap
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from bot.render.exercises import prompt_embed
from bot.render.limits import EMBED_TOTAL
from bot.services.exercises.engine import (
    ACTIVE,
    PAUSED,
    Context,
    Position,
    Prompt,
    RunState,
    Turn,
    advance,
    resume,
    start,
)
from bot.services.exercises.loader import load_exercise
from bot.services.exercises.model import Exercise, Kind, Step

TODAY = date(2026, 11, 18)  # a Wednesday
CTX = Context(today=TODAY)
NOTE_LIMIT = 300  # a re-ask note is a sentence or two, never an echo of a whole message

QUESTIONS = """
[[steps]]
id = "text"
kind = "text"
max_length = 200
prompt = "Text?"

[[steps]]
id = "number"
kind = "number"
min = 0
prompt = "Number?"

[[steps]]
id = "date"
kind = "date"
prompt = "Future date?"

[[steps]]
id = "past"
kind = "date"
when = "past"
prompt = "Past date?"

[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""
# Where each kind of question is, and a valid answer that moves past it.
AT = {"text": [], "number": ["Acme"], "date": ["Acme", "12"], "past": ["Acme", "12", "friday"]}

# What members can type, and at which questions it is a valid answer: t(ext, limit 200),
# n(umber, min 0), d(ate in the future), p(ast date). Anywhere else it must be re-asked.
FREE_TEXT_INPUTS: list[tuple[str, str]] = [
    ("", ""),
    ("   \n\t  ", ""),
    ("\x00", ""),
    ("\x00" * 50, ""),
    ("\x07\x08\x1b\x7f", ""),
    ("\u200b", ""),
    ("\u200b\u200c\u200d\ufeff\u2060", ""),
    ("\u202e\u2066\u2069", ""),
    ("\u00ad", ""),
    ("\ud800", ""),
    ("x" * 4000, ""),
    ("x" * 201, ""),
    ("x" * 200, "t"),
    ("x " * 1999, ""),
    ("Acme\x00 Corp", "t"),
    ("\u202eevil", "t"),
    ("`" * 10 + "\n@everyone", "t"),
    ("<@123456789012345678>", "t"),
    ("-5", "t"),
    ("\u22125", "t"),
    ("-85k", "t"),
    ("0", "tn"),
    ("12", "tn"),
    ("3\u200b5", "tn"),
    ("\u0663", "tn"),  # Arabic-Indic three
    ("85,000", "tn"),
    ("1e15", "t"),
    ("1e400", "t"),
    ("inf", "t"),
    ("NaN", "t"),
    ("0x10", "t"),
    ("99999999999999999999", "t"),
    ("9" * 400, ""),
    ("1,000,000,000,000,000", "t"),
    ("1", "tn"),
    ("999", "tn"),
    ("9999", "tn"),
    ("31 Feb", "t"),
    ("Feb 31", "t"),
    ("2026-02-31", "t"),
    ("2026-2-30", "t"),
    ("0001-01-01", "t"),
    ("0999-12-31", "t"),
    ("9999-12-31", "t"),
    ("10000-01-01", "t"),
    ("0000-01-01", "t"),
    ("1925-06-01", "t"),
    ("2026-11-19", "td"),
    ("2026-11-01", "tp"),
    ("tomorrow", "td"),
    ("today\x00", "tdp"),
    ("\u200bfriday", "tdp"),
    ("999d", "t"),
    ("none", "t"),
]
KINDS = ("text", "number", "date", "past")


def write(directory: Path, body: str) -> Exercise:
    header = 'id = "sample"\ntitle = "Sample"\nsummary = "S."\nintro = "Hi."\noutro = "Bye."\n\n'
    path = directory / "sample.toml"
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return load_exercise(path)


def play(exercise: Exercise, inputs: list[str]) -> Turn:
    turn = start(exercise, CTX)
    for text in inputs:
        turn = advance(exercise, turn.state, CTX, text=text)
    return turn


def snapshot(state: RunState) -> str:
    return json.dumps(state.to_json(), sort_keys=True)


def test_the_inputs_cover_every_question() -> None:
    # 54 inputs, each tried at 4 questions: 216 cases.
    assert len(FREE_TEXT_INPUTS) == 54
    assert all(set(where) <= set("tndp") for _, where in FREE_TEXT_INPUTS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("text", "where"), FREE_TEXT_INPUTS, ids=lambda v: repr(v)[:24])
def test_free_text_is_re_asked_or_stored_clean(
    tmp_path: Path, kind: str, text: str, where: str
) -> None:
    exercise = write(tmp_path, QUESTIONS)
    before = play(exercise, AT[kind]).state
    assert before.position == Position(kind)
    turn = advance(exercise, before, CTX, text=text)
    if kind[0] in where:
        assert not turn.notes, turn.notes
        stored = turn.state.answers[kind]
        shown = stored if isinstance(stored, str) else json.dumps(stored)
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in shown.replace("\n", ""))
        assert "\u200b" not in shown and "\u202e" not in shown
        assert turn.state.position != before.position
        return
    # Re-asked: a short note saying why, the same question, nothing changed.
    assert turn.notes, f"{text!r} was taken at the {kind} question"
    assert len(turn.notes[0]) <= NOTE_LIMIT, turn.notes[0]
    assert turn.prompt is not None and turn.prompt.step.id == kind
    assert snapshot(turn.state) == snapshot(before)


@pytest.mark.parametrize(
    ("kind", "text", "note"),
    [
        ("text", "\x00", "Send your answer as a message."),
        ("text", "\u200b\u200b", "Send your answer as a message."),
        ("text", "x" * 4000, "That's 4000 characters; the limit here is 200."),
        ("number", "-5", "zero or more"),
        ("number", "\u22125", "zero or more"),
        ("number", "99999999999999999999", "too large"),
        ("number", "x" * 4000, "I need a number here"),
        ("date", "31 Feb", "can't read `31 Feb` as a date"),
        ("date", "2026-02-31", "`2026-02-31` is not a real date"),
        ("date", "0001-01-01", "Mon 01 Jan 0001 has passed"),
        ("date", "0999-12-31", "has passed"),
        ("date", "9999-12-31", "more than a year away"),
        ("date", "9999", "can't read `9999` as a date"),
        ("date", "x" * 4000, "can't read `xxx"),
        ("past", "0001-01-01", "more than 100 years ago"),
        ("past", "9999-12-31", "is in the future"),
        ("past", "2026-11-19", "is in the future"),
        ("past", "tomorrow", "can't read `tomorrow` as a date"),
    ],
)
def test_re_ask_notes_say_what_is_wrong(tmp_path: Path, kind: str, text: str, note: str) -> None:
    exercise = write(tmp_path, QUESTIONS)
    turn = advance(exercise, play(exercise, AT[kind]).state, CTX, text=text)
    assert turn.notes and note in turn.notes[0]


def test_future_date_notes_speak_of_dates_not_follow_ups(tmp_path: Path) -> None:
    exercise = write(tmp_path, QUESTIONS)
    turn = advance(exercise, play(exercise, AT["date"]).state, CTX, text="someday")
    assert "follow-up" not in turn.notes[0] and "none" not in turn.notes[0]
    past = advance(exercise, play(exercise, AT["past"]).state, CTX, text="2026-11-19")
    assert "win" not in past.notes[0]


def test_list_items_are_cleaned_and_invisible_lines_dropped(tmp_path: Path) -> None:
    exercise = write(
        tmp_path,
        """
        [[steps]]
        id = "things"
        kind = "list"
        max_items = 5
        prompt = "Things?"
        """,
    )
    turn = play(exercise, ["Ac\x00me\n\u200b\n\u202eGlobex\ndone"])
    assert turn.state.answers["things"] == ["Acme", "Globex"]
    nothing = advance(exercise, start(exercise, CTX).state, CTX, text="\u200b\n\x00")
    assert nothing.notes and "Send your answer" in nothing.notes[0]
    assert nothing.state.draft == []


def test_a_command_with_invisible_characters_is_still_the_command(tmp_path: Path) -> None:
    exercise = write(tmp_path, QUESTIONS)
    turn = advance(exercise, start(exercise, CTX).state, CTX, text="pause\u200b")
    assert turn.paused and "text" not in turn.state.answers


def test_a_typed_choice_echo_is_short(tmp_path: Path) -> None:
    exercise = write(
        tmp_path,
        """
        [[steps]]
        id = "pick"
        kind = "choice"
        prompt = "Which?"
        options = [{ value = "a", label = "Alpha" }, { value = "b", label = "Beta" }]
        """,
    )
    turn = advance(exercise, start(exercise, CTX).state, CTX, text="z" * 4000)
    assert turn.notes and len(turn.notes[0]) <= NOTE_LIMIT and "Alpha" in turn.notes[0]


# -- pause at every kind of step -------------------------------------------------------------

EVERY_KIND = """
[[steps]]
id = "text"
kind = "text"
prompt = "Text?"

[[steps]]
id = "number"
kind = "number"
prompt = "Number?"

[[steps]]
id = "date"
kind = "date"
prompt = "Date?"

[[steps]]
id = "choice"
kind = "choice"
prompt = "Choice?"
options = [{ value = "hello", label = "hello?" }, { value = "other", label = "Other" }]

[[steps]]
id = "multi"
kind = "multi"
prompt = "Multi?"
options = [{ value = "hello", label = "hello?" }, { value = "other", label = "Other" }]

[[steps]]
id = "items"
kind = "list"
max_items = 5
prompt = "Items?"

[[steps]]
id = "per_item"
kind = "for_each"
over = "items"
prompt = "Each"

[steps.each]
kind = "text"
prompt = "About {item}?"

[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""
# A valid answer for each question, in order; the list gets one item now and one in the draft.
ANSWERS = ["Ann", "12", "friday", "Other", "Other", "Tea\nCoffee\ndone", "Strong"]
# What a member sends to wake a paused run: each would be a valid answer at some question.
WAKING = ["hello?", "12", "friday", "1", "1, 2", "done"]


def at_every_kind(exercise: Exercise) -> list[tuple[str, RunState]]:
    """(kind, state at a question of that kind), walking the exercise once."""
    found = []
    turn = start(exercise, CTX)
    for answer in ANSWERS:
        assert turn.prompt is not None
        found.append((turn.prompt.step.kind.value + ":" + turn.prompt.step.id, turn.state))
        turn = advance(exercise, turn.state, CTX, text=answer)
    # An open list with an item already in its draft.
    draft = advance(exercise, found[5][1], CTX, text="Tea").state
    assert draft.draft == ["Tea"]
    found.append(("list-with-draft", draft))
    return found


@pytest.mark.parametrize("waking", WAKING)
def test_a_paused_run_wakes_by_asking_again_at_every_kind(tmp_path: Path, waking: str) -> None:
    exercise = write(tmp_path, EVERY_KIND)
    kinds = {step.kind for step in exercise.steps} | {Kind.TEXT}
    assert kinds == set(Kind)  # every kind of step is paused at below
    for name, state in at_every_kind(exercise):
        paused = advance(exercise, state, CTX, text="pause")
        assert paused.paused and paused.state.status == PAUSED, name
        woken = advance(exercise, paused.state, CTX, text=waking)
        assert woken.state.status == ACTIVE, name
        assert woken.prompt is not None, name
        assert woken.prompt.step == _asked(exercise, state), name
        # Nothing of the waking message was taken: same answers, position and draft.
        assert woken.state.answers == state.answers, name
        assert woken.state.position == state.position, name
        assert woken.state.draft == state.draft, name
        # The next message is an answer again.
        again = advance(exercise, woken.state, CTX, text=waking)
        assert again.state.status == ACTIVE


def _asked(exercise: Exercise, state: RunState) -> Step:
    turn = resume(exercise, state, CTX)
    assert turn.prompt is not None
    return turn.prompt.step


def test_a_paused_run_still_hears_cancel_and_help(tmp_path: Path) -> None:
    exercise = write(tmp_path, EVERY_KIND)
    paused = advance(exercise, start(exercise, CTX).state, CTX, text="pause").state
    cancel = advance(exercise, paused, CTX, text="cancel")
    assert cancel.confirm_cancel and cancel.state.status == ACTIVE
    helped = advance(exercise, paused, CTX, text="help")
    assert helped.notes and helped.prompt is not None and helped.state.answers == {}
    still = advance(exercise, paused, CTX, text="pause")
    assert still.paused and still.state.status == PAUSED


def test_a_button_press_on_a_paused_question_answers_it(tmp_path: Path) -> None:
    # A press carries the question it belongs to: that is an answer, not a greeting.
    exercise = write(tmp_path, EVERY_KIND)
    _, at_choice = at_every_kind(exercise)[3]
    paused = advance(exercise, at_choice, CTX, text="pause").state
    pressed = advance(exercise, paused, CTX, values=["other"])
    assert pressed.state.answers["choice"] == "other"
    assert pressed.state.status == ACTIVE


# -- replies stay inside Discord's limits ---------------------------------------------------


def test_a_prompt_embed_fits_whatever_the_answers_hold(tmp_path: Path) -> None:
    exercise = write(tmp_path, QUESTIONS)
    step = exercise.step("text")
    prompt = Prompt(
        step=step,
        text="y" * 5000,
        number=1,
        total=1,
        section="s" * 300,
        previous="p" * 3000,
        draft=tuple("d" * 500 for _ in range(25)),
    )
    embed = prompt_embed(exercise, prompt)
    assert len(embed) <= EMBED_TOTAL
