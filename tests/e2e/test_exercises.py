"""Every exercise end to end, with what it creates: targets, offers, follow-ups, pipeline."""

from __future__ import annotations

import json

import pytest

from bot.app import Running
from discord_emulator import Message, Person


async def step(
    person: Person, text: str | None = None, *, click: str | None = None, on: Message | None = None
) -> Message:
    """Answer (by text or button) and return the next question, or the summary when done."""
    if click is not None:
        assert on is not None
        await person.click(on, click)
    else:
        assert text is not None
        await person.dm(text)
    for _ in range(30):
        message = await person.next_dm()
        if ": step " in message.text() or "Done: " in message.text():
            return message
    raise AssertionError("no next question")


async def start(person: Person, name: str) -> Message:
    reply = await person.slash("exercise start", name=name)
    await reply.wait_message()
    await person.next_dm()  # the intro
    return await person.next_dm()


async def rest_of(person: Person) -> str:
    """Everything the bot DMed that was not read yet."""
    texts = []
    try:
        while True:
            texts.append((await person.next_dm(timeout=0.5)).text())
    except AssertionError:
        return "\n".join(texts)


async def do_right_job(person: Person) -> Message:
    question = await start(person, "right-job")
    assert "step 1 of" in question.text()
    for answer in (
        "Head of Data",
        "120k EUR",
        "Own the data platform and team",
        "Reports to the CTO, owns a budget",
        "Ship the platform\nGrow the team\nCut reporting time",
        "Review pipelines\nCoach the team\ndone",
        "Plan it in quarters",
        "Hire two seniors",
        "Automate the reports",
        "Pair more, meet less",
        "I have run this before",
        "About 200k a year saved",
        "Sam Lee",
    ):
        question = await step(person, answer)
    return await step(person, "friday")


async def test_right_job_makes_a_target_and_asks_later(bot: Running, alice: Person) -> None:
    summary = await do_right_job(alice)
    assert "Done: " in summary.text()
    extra = await rest_of(alice)
    assert "Added for you" in extra and "Sam Lee" in extra
    target = json.loads(await bot.db.fetchval("SELECT data FROM exercise_results"))
    assert target["title"] == "Head of Data"
    assert target["salary"] == {"value": 120000, "currency": "EUR"}
    assert target["goals"] == ["Ship the platform", "Grow the team", "Cut reporting time"]
    # The review follow-up is due Friday; when it is done, the exercise asks what Sam said.
    follow_up = await bot.db.fetchone("SELECT person, due_on, late_step FROM follow_ups")
    assert (follow_up["person"], follow_up["due_on"]) == ("Sam Lee", "2026-11-20")
    listing = await alice.slash("followups list")
    await alice.click(listing.message, "1. Done")
    late = await alice.next_dm()
    assert "step 1 of 1" in late.text()
    await alice.dm("Add a hiring plan")
    assert "added to your" in (await alice.next_dm()).text()
    target = json.loads(await bot.db.fetchval("SELECT data FROM exercise_results"))
    assert target["review_suggestions"] == "Add a hiring plan"
    # Doing it again keeps the old target.
    await do_right_job(alice)
    assert await bot.db.fetchval("SELECT count(*) FROM exercise_results") == 2


async def test_pipeline_compares_with_the_target(bot: Running, alice: Person) -> None:
    await do_right_job(alice)
    await rest_of(alice)
    added = await alice.slash("pipeline add", company="Acme", role="Data Lead", stage="talking")
    text = added.message.text()
    assert "Acme (Data Lead) vs your target" in text
    assert "Salary: not known yet" in text
    modal = await alice.click(added.message, "Compare with my target")
    assert modal.kind == "modal"
    settled = await alice.submit_modal(
        modal,
        {
            "Salary offered (if you know it)": "100k EUR",
            "Title and level": ["short"],
            "Responsibilities": ["meets"],
            "Level of authority": ["unknown"],
        },
    )
    result = settled.message.text()
    assert "Salary: falls short" in result and "offered 100,000 EUR" in result
    assert "Title and level: falls short" in result
    assert "Responsibilities: meets or beats it" in result
    listing = await alice.slash("pipeline list")
    assert "vs your target: 1 meet, 2 short, 1 unknown" in listing.message.text()


async def test_offer_goes_through_the_target(bot: Running, alice: Person) -> None:
    await do_right_job(alice)
    await rest_of(alice)
    question = await start(alice, "offer")
    for answer in ("Acme", "Head of Data", "110000 EUR", "skip"):
        question = await step(alice, answer)
    assert "Title: Head of Data" in question.text()
    # The salary is compared as a number; the rest the member judges.
    for choice in ("Falls short", "Meets or beats it", "Not sure yet"):
        question = await step(alice, click=choice, on=question)
    for answer in ("How is success measured?\ndone", "The team\ndone", "Budget\ndone"):
        question = await step(alice, answer)
    question = await step(alice, click="Revise this role", on=question)
    assert "propose" in question.text()  # shown because the role is not kept as is
    question = await step(alice, "Add the analytics team")
    question = await step(alice, "Meet the hiring manager on Monday")
    summary = await step(alice, "2026-11-27")
    text = summary.text() + await rest_of(alice)
    assert "- Salary: falls short (offered 110,000 EUR)" in text
    assert "- Title and level: falls short (your target: Head of Data)" in text
    assert "- Level of authority: not known yet" in text
    offer = json.loads(
        await bot.db.fetchval("SELECT data FROM exercise_results WHERE kind = 'offer'")
    )
    assert offer["pay"] == {"value": 110000, "currency": "EUR"}
    assert offer["comparison"]["Title: Head of Data"] == "short"
    assert offer["versus_target"] == {
        "salary": {"value": 110000, "currency": "EUR"},
        "title": "short",
        "responsibilities": "meets",
        "authority": "unknown",
    }
    reasons = [r[0] for r in await bot.db.fetchall("SELECT reason FROM follow_ups")]
    assert any("offer" in r.lower() for r in reasons)


async def test_offer_without_target_says_how_to_get_one(bot: Running, alice: Person) -> None:
    question = await start(alice, "offer")
    for answer in ("Acme", "Engineer", "90000", "skip", "Q\ndone", "P\ndone", "N\ndone"):
        question = await step(alice, answer)
    question = await step(alice, click="Keep the role as offered", on=question)
    assert "propose" not in question.text()
    question = await step(alice, "Talk it through")
    summary = await step(alice, "tomorrow")
    assert "No target yet" in summary.text() + await rest_of(alice)


async def test_next_interview_creates_follow_ups_and_leads(bot: Running, alice: Person) -> None:
    await start(alice, "next-interview")
    for answer in (
        "Ann at Acme\nBen at Globex\ndone",
        "Any openings on your team?",
        "Who else should I talk to?",
        "friday",
    ):
        question = await step(alice, answer)
    await step(alice, click="Same date for all", on=question)
    for answer in ("Cy from Initech\ndone", "tomorrow"):
        await step(alice, answer)
    bad = await step(alice, "lots")  # a number is wanted: re-prompt, nothing changes
    assert "number" in (alice.dm_messages[-2].text() + bad.text())
    for answer in ("4", "Dana", "Eve at Umbrella"):
        await step(alice, answer)
    summary = await step(alice, "3d")
    assert "Done: " in summary.text()
    await rest_of(alice)
    offer = next((m for m in reversed(alice.dm_messages) if "Create them" in m.buttons()), None)
    assert offer is not None, [m.text()[:100] for m in alice.dm_messages[-4:]]
    assert "Cy from Initech" in offer.text() and "Ann at Acme" in offer.text()
    created = await alice.click(offer, "Create them")
    assert "Created" in created.message.content
    people = sorted(r[0] for r in await bot.db.fetchall("SELECT person FROM follow_ups"))
    assert people == ["Ann at Acme", "Ben at Globex", "Cy from Initech", "Dana"]
    companies = sorted(r[0] for r in await bot.db.fetchall("SELECT company FROM opportunities"))
    assert companies == ["Ann at Acme", "Ben at Globex"]
    # The offer's buttons are gone once used, and the run no longer holds anything pending.
    with pytest.raises(AssertionError, match="no button"):
        await alice.click(offer, "Create them")
    assert await bot.db.fetchval("SELECT pending_effects FROM exercise_runs") is None


async def test_what_i_want_groups_the_question_bank(bot: Running, alice: Person) -> None:
    question = await start(alice, "what-i-want")
    question = await step(alice, click="Something new", on=question)
    for answer in (
        "Lead people\ndone",
        "Leading people",
        "It is where I grow",
        "skip",
        "Who would I manage?\nHow are decisions made?\ndone",
    ):
        question = await step(alice, answer)
    # Each sorting is one press: the first question is for a first interview, the other for a
    # second; both are for future peers.
    await alice.select(question, ["0"])
    question = await step(alice, click="All: Future peers", on=await alice.next_dm())
    text = question.text() + await rest_of(alice)
    assert "Your question bank" in text
    assert "First interview · Future peers**\n- Who would I manage?" in text
    assert "Second interview · Future peers**\n- How are decisions made?" in text


async def test_typed_choices_work_too(bot: Running, alice: Person) -> None:
    question = await start(alice, "why-this-interview")
    for answer in ("Acme", "skip", "skip"):
        question = await step(alice, answer)
    assert "Career advancement" in question.text()
    await step(alice, "7")
    assert "isn't one of the options" in alice.dm_messages[-2].text()
    question = await step(alice, "1, see")
    assert "Career advancement: what exactly" in question.text()
