"""The exercise engine end to end: start, answer by text and buttons, back, skip, invalid
input, pause/resume, a restart mid-way, cancel, completion, answers and export."""

from __future__ import annotations

import pytest

from bot.app import Running
from discord_emulator import Emulator, EmulatorTimeout, Message, Person
from tests.e2e.conftest import BotFactory


async def dm_until(person: Person, needle: str, timeout: float = 5) -> Message:
    """Read the bot's DMs until one contains ``needle``."""
    seen = []
    for _ in range(20):
        message = await person.next_dm(timeout=timeout)
        seen.append(message.text()[:80])
        if needle in message.text():
            return message
    raise AssertionError(f"no DM with {needle!r}; saw {seen}")


async def say(person: Person, text: str, expect: str) -> Message:
    await person.dm(text)
    return await dm_until(person, expect)


async def test_why_this_interview_full_run(
    emulator: Emulator, run_bot: BotFactory, alice: Person
) -> None:
    async with run_bot() as running:
        reply = await alice.slash("exercise start", name="why-this-interview")
        started = await reply.wait_message()
        assert "has started in your DMs" in started.content
        intro = await alice.next_dm()
        assert "Why this interview" in intro.text() or intro.embeds
        question = await alice.next_dm()
        assert "step 1 of" in question.text()
        await say(alice, "Acme, Data Lead", "step 2 of")
        # Invalid date: a specific re-prompt, nothing changes.
        bad = await say(alice, "the 45th of Smarch", "can't read")
        assert bad
        await dm_until(alice, "step 2 of")
        await say(alice, "skip", "step 3 of")
        # `back` returns to the skipped date with the earlier answer shown.
        back = await say(alice, "back", "step 2 of")
        assert "(skipped)" in back.text()
        await say(alice, "friday", "step 3 of")
        reasons = await say(alice, "skip", "step 4 of")
        assert reasons.selects(), "a multi-choice question offers a menu"
        await alice.select(reasons, ["advancement", "see"])
        await dm_until(alice, "Career advancement: what exactly")
    # A restart in the middle loses nothing.
    async with run_bot() as running:
        await say(alice, "Lead a team of five", "Seeing what the role really is")
        await say(alice, "Understand the product roadmap", "how will you put this")
        await say(alice, "I'm ready to lead", "how will you put this")
        await say(alice, "I want to see where the product goes", "say no")
        await say(alice, "No remote at all\nNo budget", "2 so far")
        await say(alice, "done", "Which round is this?")
        await say(alice, "1", "Who will you mostly talk to?")
        await say(alice, "both", "a match")
        await say(alice, "What does success look like in a year?", "1 so far")
        await say(alice, "Who would I work with most?\ndone", "one sentence")
        finished = await say(alice, "It is the next step for me.", "Done: ")
        text = finished.text()
        assert "Lead a team of five" in text or "Acme" in text
        run = await running.db.fetchone("SELECT status, state FROM exercise_runs")
        assert run["status"] == "completed"
        answers = await alice.slash("exercise answers", name="why-this-interview")
        assert "Acme, Data Lead" in answers.message.text()
        export = await alice.slash("exercise export")
        [(name, data)] = export.message.attachments
        assert name == "my-exercises.md"
        body = data.decode()
        assert "Acme, Data Lead" in body and "No budget" in body


async def test_dms_closed_starts_nothing(bot: Running, alice: Person) -> None:
    alice.dms_open = False
    reply = await alice.slash("exercise start", name="what-i-want")
    message = await reply.wait_message()
    assert "Direct Messages" in message.content and message.ephemeral
    assert await bot.db.fetchval("SELECT count(*) FROM exercise_runs") == 0


async def test_pause_resume_cancel_and_start_again(bot: Running, alice: Person) -> None:
    reply = await alice.slash("exercise start", name="what-i-want")
    await reply.wait_message()
    question = await dm_until(alice, "step 1 of")
    assert question.buttons() == ["More of what I do now", "Something new", "Some of each"]
    await alice.click(question, "Something new")
    await dm_until(alice, "step 2 of")
    await say(alice, "pause", "Paused")
    resumed = await alice.slash("exercise resume")
    await resumed.wait_message()
    await dm_until(alice, "step 2 of")
    again = await alice.slash("exercise start", name="what-i-want")
    offer = await again.wait_message()
    assert "Resume" in offer.buttons() and "Start over" in offer.buttons()
    await say(alice, "cancel", "discarded")
    confirm = alice.dm_messages[-1]
    await alice.click(confirm, "Yes, cancel it")
    await dm_until(alice, "Cancelled")
    assert await bot.db.fetchval("SELECT status FROM exercise_runs") == "cancelled"


async def test_unknown_exercise_and_no_run(bot: Running, alice: Person) -> None:
    reply = await alice.slash("exercise start", name="juggling")
    message = await reply.wait_message()
    assert "no exercise called" in message.content
    await alice.dm("hello?")
    assert "no exercise in progress" in (await alice.next_dm()).text()
    with pytest.raises(EmulatorTimeout):
        await alice.next_dm(timeout=0.3)


async def test_paused_run_gets_one_nudge_after_three_days(
    run_bot: BotFactory, alice: Person, clock: object
) -> None:
    from datetime import timedelta

    async with run_bot() as running:
        reply = await alice.slash("exercise start", name="what-i-want")
        await reply.wait_message()
        await dm_until(alice, "step 1 of")
        await say(alice, "pause", "Paused")
        clock.advance(timedelta(days=2, hours=23))  # type: ignore[attr-defined]
        await running.scheduler.idle()
        with pytest.raises(EmulatorTimeout):
            await alice.next_dm(timeout=0.3)
        clock.advance(timedelta(hours=1, minutes=1))  # type: ignore[attr-defined]
        await running.scheduler.idle()
        nudge = await alice.next_dm()
        assert "You paused **Know what you want next**" in nudge.text()
    async with run_bot() as restarted:
        clock.advance(timedelta(days=5))  # type: ignore[attr-defined]
        await restarted.scheduler.idle()
        with pytest.raises(EmulatorTimeout):
            await alice.next_dm(timeout=0.3)
        # Any message picks the run up again at the same question.
        await say(alice, "hello again", "step 1 of")


async def test_start_about_an_opportunity(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme", stage="interviewing")
    acme = await bot.db.fetchval("SELECT opportunity_id FROM opportunities")
    reply = await alice.slash("exercise start", name="why-this-interview", opportunity=acme)
    await reply.wait_message()
    assert await bot.db.fetchval("SELECT opportunity_id FROM exercise_runs") == acme
    listing = await alice.slash("exercise list")
    assert "in progress at step 1 of" in listing.message.text()
