"""Exercises when things go wrong: double presses, messages that race, a run paused and woken,
an exercise file removed under a run, unexpected errors, and hostile free text."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot import paths
from bot.app import Running
from bot.db.core import Row
from bot.render.limits import MESSAGE_CHARS
from bot.services.exercises import runs
from discord_emulator import Emulator, EmulatorTimeout, Guild, Message, Person, Reply
from tests.e2e.conftest import BotFactory
from tests.unit.test_exercise_input import FREE_TEXT_INPUTS

# -- helpers ---------------------------------------------------------------------------------


async def until(person: Person, needle: str, timeout: float = 5) -> Message:
    """Read the bot's DMs until one contains ``needle``."""
    seen = []
    for _ in range(40):
        message = await person.next_dm(timeout=timeout)
        seen.append(message.text()[:80])
        if needle in message.text():
            return message
    raise AssertionError(f"no DM with {needle!r}; saw {seen}")


async def say(person: Person, text: str, expect: str) -> Message:
    await person.dm(text)
    return await until(person, expect)


async def start(person: Person, name: str) -> Message:
    reply = await person.slash("exercise start", name=name)
    await reply.wait_message()
    return await until(person, "step 1 of")


async def run_row(running: Running) -> Row:
    row = await running.db.fetchone(
        "SELECT run_id, status, state, version FROM exercise_runs ORDER BY run_id DESC LIMIT 1"
    )
    assert row is not None
    return row


def state_of(row: Row) -> dict[str, Any]:
    return dict(json.loads(row["state"]))


async def to_rounds(person: Person) -> Message:
    """what-i-want up to sorting its questions by round ("step 7 of 8", a menu and buttons)."""
    question = await start(person, "what-i-want")
    await person.click(question, "Something new")
    await until(person, "step 2 of")
    for text, expect in (
        ("Lead people\ndone", "step 3 of"),
        ("Leading people", "step 4 of"),
        ("It is where I grow", "step 5 of"),
        ("skip", "step 6 of"),
    ):
        await say(person, text, expect)
    return await say(person, "Q1?\nQ2?\ndone", "step 7 of")


ANSWERS = ("SECRET-WANT", "SECRET-TOP", "SECRET-WHY", "SECRET-Q1?", "SECRET-Q2?")


async def finish_what_i_want(person: Person) -> Message:
    """A finished what-i-want run; returns the summary message with the share button."""
    question = await start(person, "what-i-want")
    await person.click(question, "Some of each")
    await until(person, "step 2 of")
    await say(person, f"{ANSWERS[0]}\ndone", "step 3 of")
    await say(person, ANSWERS[1], "step 4 of")
    await say(person, ANSWERS[2], "step 5 of")
    await say(person, "skip", "step 6 of")
    question = await say(person, f"{ANSWERS[3]}\n{ANSWERS[4]}\ndone", "step 7 of")
    await person.select(question, ["0"])
    question = await until(person, "step 8 of")
    await person.click(question, "All: The boss")
    return await until(person, "Share with the group")


async def private_notes(*replies: Reply, count: int = 1) -> list[str]:
    """The ephemeral follow-ups of component presses (acknowledged first, answered after)."""
    for _ in range(100):
        notes = [m.text() for r in replies for m in r.followups if m.ephemeral]
        if len(notes) >= count:
            return notes
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} private notes: {notes}")


def posts_in(guild: Guild, needle: str) -> list[Message]:
    channel = guild.channel("general")
    return [m for m in channel.messages if m.from_bot and not m.deleted and needle in m.content]


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


# -- 1. one press, one answer ----------------------------------------------------------------


async def test_two_presses_of_one_choice_answer_one_question(bot: Running, alice: Person) -> None:
    round_1 = await to_rounds(alice)
    first, second = await asyncio.gather(
        alice.click(round_1, "All: First interview"), alice.click(round_1, "All: First interview")
    )
    await until(alice, "step 8 of")
    state = state_of(await run_row(bot))
    # The next question has the same kind of buttons: a second press must not answer it.
    assert state["answers"]["question_round"] == {"Q1?": "first", "Q2?": "first"}
    assert state["position"] == {"step": "question_audience", "item": None}
    assert "question_audience" not in state["answers"]
    [note] = await private_notes(first, second)
    assert "already answered" in note


async def test_a_press_on_an_old_question_changes_nothing(bot: Running, alice: Person) -> None:
    round_1 = await to_rounds(alice)
    await say(alice, "1", "step 8 of")  # answered by text: its buttons are still there
    await say(alice, "pause", "Paused")
    before = await run_row(bot)
    reply = await alice.click(round_1, "All: Second interview")
    [note] = await private_notes(reply)
    assert "already answered" in note
    after = await run_row(bot)
    # Not answered, not woken, not even saved.
    assert (after["status"], after["version"]) == (before["status"], before["version"])
    assert after["status"] == "paused"
    assert state_of(after) == state_of(before)


async def test_two_messages_at_once_answer_two_questions_in_order(
    bot: Running, alice: Person
) -> None:
    await start(alice, "right-job")
    await asyncio.gather(alice.dm("Head of Data"), alice.dm("120k EUR"))
    await until(alice, "step 3 of")
    row = await run_row(bot)
    state = state_of(row)
    assert state["answers"] == {
        "title": "Head of Data",
        "salary": {"value": 120000, "currency": "EUR"},
    }
    assert state["position"]["step"] == "responsibilities"
    assert row["version"] == 2  # one saved change per message, each on top of the last


async def test_a_message_and_a_press_together_never_answer_one_question_twice(
    bot: Running, alice: Person
) -> None:
    round_1 = await to_rounds(alice)
    before = (await run_row(bot))["version"]
    await asyncio.gather(alice.dm("2"), alice.click(round_1, "All: First interview"))
    await until(alice, "step 8 of")
    with pytest.raises(EmulatorTimeout):  # let whichever came second finish
        await until(alice, "never", timeout=0.5)
    row = await run_row(bot)
    answers = state_of(row)["answers"]
    # Whichever came first sorted the questions by round; the press, coming second, changed
    # nothing; the message, coming second, answered the next question (by its number).
    assert answers["question_round"] in (
        {"Q1?": "second", "Q2?": "first"},
        {"Q1?": "first", "Q2?": "first"},
    )
    assert row["version"] - before == 1 + ("question_audience" in answers)


# -- 2. suggested follow-ups and leads, created once ----------------------------------------


async def test_create_them_twice_at_once_creates_once(bot: Running, alice: Person) -> None:
    await start(alice, "next-interview")
    for text, expect in (
        ("Ann at Acme\nBen at Globex\ndone", "step 2 of"),
        ("Any openings on your team?", "step 3 of"),
        ("Who else should I talk to?", "step 4 of"),
        ("friday", "step 5 of"),
        ("same", "step 6 of"),
        ("Cy from Initech\ndone", "step 7 of"),
        ("tomorrow", "step 8 of"),
        ("4", "step 9 of"),
        ("Dana", "step 10 of"),
        ("Eve at Umbrella", "step 11 of"),
    ):
        await say(alice, text, expect)
    offer = await say(alice, "3d", "Create them")
    replies = await asyncio.gather(
        alice.click(offer, "Create them"), alice.click(offer, "Create them")
    )
    assert await bot.db.fetchval("SELECT count(*) FROM follow_ups") == 4
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities") == 2
    texts = sorted(r.message.text() for r in replies if r.message is not None)
    assert any("Created" in t for t in texts)
    assert any("already dealt with" in t for t in texts)


# -- 3. sharing a finished exercise, once -----------------------------------------------------


async def test_share_twice_at_once_posts_one_line_without_answers(
    bot: Running, alice: Person, organiser: Person, guild: Guild
) -> None:
    await organiser.slash("setup channel", channel=guild.channel("general"))
    summary = await finish_what_i_want(alice)
    replies = await asyncio.gather(
        alice.click(summary, "Share with the group"), alice.click(summary, "Share with the group")
    )
    posts = posts_in(guild, "got clear")
    assert len(posts) == 1
    assert posts[0].content.startswith(alice.mention)
    assert not any(answer in posts[0].content for answer in ANSWERS)
    refused = [r for r in replies if r.message is not None and r.message.ephemeral]
    assert len(refused) == 1 and "already shared" in refused[0].message.text()
    row = await bot.db.fetchone("SELECT kind, ref, guild_id, message_id FROM public_posts")
    assert (row["kind"], row["guild_id"], row["message_id"]) == ("exercise", guild.id, posts[0].id)
    assert row["ref"] == str((await run_row(bot))["run_id"])


async def test_a_hidden_member_is_not_named_in_the_shared_line(
    bot: Running, alice: Person, organiser: Person, guild: Guild
) -> None:
    await organiser.slash("setup channel", channel=guild.channel("general"))
    await alice.slash("me leaderboard", visibility="hide")
    summary = await finish_what_i_want(alice)
    await alice.click(summary, "Share with the group")
    [post] = posts_in(guild, "got clear")
    assert post.content.startswith("A member ")
    assert str(alice.id) not in post.content and "alice" not in post.content
    assert not any(answer in post.content for answer in ANSWERS)


async def test_a_share_that_could_not_be_posted_can_be_tried_again(
    bot: Running, emulator: Emulator, alice: Person, organiser: Person, guild: Guild
) -> None:
    await organiser.slash("setup channel", channel=guild.channel("general"))
    summary = await finish_what_i_want(alice)
    general = guild.channel("general")
    emulator.fail("POST", rf"/channels/{general.id}/messages", status=403, code=50013)
    failed = await alice.click(summary, "Share with the group")
    assert failed.message is not None and failed.message.ephemeral
    assert "couldn't post" in failed.message.text()
    assert posts_in(guild, "got clear") == []
    assert await bot.db.fetchval("SELECT count(*) FROM public_posts") == 0
    await alice.click(summary, "Share with the group")
    assert len(posts_in(guild, "got clear")) == 1
    assert await bot.db.fetchval("SELECT message_id FROM public_posts") is not None


# -- 4. pause, then a message ------------------------------------------------------------------


async def test_the_message_after_pause_wakes_the_run_and_is_not_an_answer(
    bot: Running, alice: Person
) -> None:
    await start(alice, "right-job")
    paused = await say(alice, "pause", "Paused")
    assert "carry on" in paused.text()
    woken = await say(alice, "hello?", "step 1 of")
    assert woken.embeds
    assert state_of(await run_row(bot))["answers"] == {}
    assert (await run_row(bot))["status"] == "active"
    await say(alice, "Head of Data", "step 2 of")
    assert state_of(await run_row(bot))["answers"] == {"title": "Head of Data"}


# -- 5. an exercise file removed under a run ----------------------------------------------------


async def test_a_run_whose_exercise_was_removed_is_answered_kindly(
    run_bot: BotFactory, alice: Person, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with run_bot():
        round_1 = await to_rounds(alice)
    shrunk = tmp_path / "exercises"
    shutil.copytree(paths.exercises_dir(), shrunk)
    (shrunk / "what-i-want.toml").unlink()
    caplog.set_level(logging.INFO)
    async with run_bot(exercises_dir=shrunk) as running:
        reply = await say(alice, "Lead people", "no longer offered")
        assert "/exercise export" in reply.text()
        resumed = await alice.slash("exercise resume")
        assert "no longer offered" in (await resumed.wait_message()).text()
        pressed = await alice.click(round_1, "All: First interview")
        [note] = await private_notes(pressed)
        assert "no longer offered" in note
        export = await alice.slash("exercise export")
        [(_, data)] = export.message.attachments
        assert "Lead people" in data.decode() and "It is where I grow" in data.decode()
        # Nothing was changed or lost, and the bot said why in its log.
        row = await run_row(running)
        assert row["status"] == "active" and state_of(row)["answers"]["wants"] == ["Lead people"]
        # The member can still close it.
        cancelled = await alice.slash("exercise cancel")
        assert "Cancelled **what-i-want**" in cancelled.message.text()
        assert (await run_row(running))["status"] == "cancelled"
    assert "what-i-want" in caplog.text and "no longer" in caplog.text
    assert "Traceback" not in caplog.text


# -- the DM listener's error net ------------------------------------------------------------


async def test_an_unexpected_error_in_a_dm_gets_an_incident_id(
    bot: Running, alice: Person, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(runs, "answer", broken)
    await alice.dm("hello")
    reply = await alice.next_dm()
    assert "incident id" in reply.text()
    incident = reply.text().split("`")[-2]
    assert f"Incident {incident}" in caplog.text and "kaboom" in caplog.text


# -- 6. hostile free text, through Discord ----------------------------------------------------

QUESTIONS = """
id = "inputs"
title = "Inputs"
summary = "Every kind of free-text question."
intro = "Hello."
outro = "Done."

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
prompt = "Date?"

[[steps]]
id = "end"
kind = "text"
prompt = "Anything else?"
"""


def sendable(text: str) -> bool:
    """What a Discord client can send: something other than spaces, valid Unicode."""
    return bool(text.strip()) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


async def test_free_text_that_cannot_be_an_answer_is_re_asked_within_limits(
    emulator: Emulator, run_bot: BotFactory, alice: Person, tmp_path: Path
) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "inputs.toml").write_text(textwrap.dedent(QUESTIONS), encoding="utf-8")
    tried = 0
    async with run_bot(exercises_dir=folder) as running:
        await start(alice, "inputs")
        for number, (kind, valid) in enumerate((("text", "Acme"), ("number", "12"))):
            tried += await check_refusals(alice, running, kind, number + 1)
            await say(alice, valid, f"step {number + 2} of")
        tried += await check_refusals(alice, running, "date", 3)
    assert tried == 101  # of the 54 inputs, those a client can send, where they are no answer
    # Every message the bot sent fitted Discord's limits (the emulator refuses any that don't).
    assert not emulator.errors


async def check_refusals(person: Person, running: Running, kind: str, number: int) -> int:
    """Send every input that is no answer at this question; each must be re-asked."""
    before = await run_row(running)
    tried = 0
    for text, where in FREE_TEXT_INPUTS:
        if kind[0] in where or not sendable(text):
            continue
        await person.dm(text)
        note = await person.next_dm()
        again = await person.next_dm()
        assert note.content and len(note.content) <= MESSAGE_CHARS
        assert f"step {number} of" in again.text(), (kind, text[:40], note.content)
        tried += 1
    after = await run_row(running)
    assert (after["version"], after["state"]) == (before["version"], before["state"])
    return tried
