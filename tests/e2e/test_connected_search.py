"""One connected job search (issue #10): exercises know the opportunity, their answers become
dated follow-ups and interview dates, offers are held against the target, and what an exercise
produces reads as a document."""

from __future__ import annotations

import json

from bot.app import Running
from bot.db import people as people_db
from bot.db import pipeline as pipeline_db
from discord_emulator import Message, Person
from tests.e2e.test_exercises import do_right_job, rest_of, start, step

QUESTIONS = [f"Question {n}?" for n in range(1, 13)]


async def add_opportunity(
    running: Running, person: Person, company: str, stage: str, role: str | None = None
) -> int:
    """An opportunity in the member's pipeline, written as /pipeline add stores one."""
    now = running.bot.clock.now()
    async with running.db.transaction() as conn:
        await people_db.ensure_user(conn, person.id, now)
        return await pipeline_db.insert(
            conn,
            user_id=person.id,
            company=company,
            role=role,
            stage=stage,
            next_step=None,
            now=now,
        )


async def start_about(person: Person, name: str, opportunity: int) -> tuple[Message, Message]:
    """Start an exercise about an opportunity: (the intro, the first question)."""
    reply = await person.slash("exercise start", name=name, opportunity=opportunity)
    await reply.wait_message()
    return await person.next_dm(), await person.next_dm()


async def finish_why(person: Person, question: Message) -> Message:
    """why-this-interview from its reasons to the end."""
    for answer in ("1", "Lead a team of four", "I am ready to lead", "No remote at all\ndone"):
        question = await step(person, answer)
    question = await step(person, click="A second one, or later", on=question)
    question = await step(person, click="The boss", on=question)
    question = await step(person, "Where is the team going?\nHow is success judged?\ndone")
    return await step(person, "It is the next step for me.")


# -- 1. exercises know the opportunity --------------------------------------------------------


async def test_an_exercise_about_an_opportunity_asks_only_what_it_does_not_know(
    bot: Running, alice: Person
) -> None:
    acme = await add_opportunity(bot, alice, company="Acme", role="Data Lead", stage="interviewing")
    intro, question = await start_about(alice, "why-this-interview", acme)
    assert "About Acme (Data Lead) · interviewing" in intro.text()
    assert "Which interview is this?" not in question.text()
    assert "When is it?" in question.text()
    question = await step(alice, "friday")
    summary = await finish_why(alice, await step(alice, "skip"))
    text = summary.text() + await rest_of(alice)
    assert "Why Acme (Data Lead) matters to me" in text
    run = await bot.db.fetchone("SELECT opportunity_id, state FROM exercise_runs")
    assert run["opportunity_id"] == acme
    assert json.loads(run["state"])["answers"]["interview"] == "Acme (Data Lead)"
    listing = (await alice.slash("pipeline list")).message.text()
    assert "why-this-interview (finished)" in listing


async def test_the_interview_date_becomes_the_next_step_with_a_thank_you(
    bot: Running, alice: Person
) -> None:
    acme = await add_opportunity(bot, alice, company="Acme", stage="interviewing")
    _, question = await start_about(alice, "why-this-interview", acme)
    await step(alice, "friday")
    await finish_why(alice, await step(alice, "skip"))
    text = await rest_of(alice)
    assert "Interview Fri 20 Nov" in text
    row = await bot.db.fetchone(
        "SELECT interview_on, next_step FROM opportunities WHERE opportunity_id = ?", (acme,)
    )
    assert (row["interview_on"], row["next_step"]) == ("2026-11-20", "Interview Fri 20 Nov")
    thanks = await bot.db.fetchall("SELECT person, reason, due_on, opportunity_id FROM follow_ups")
    assert [tuple(r) for r in thanks] == [("Acme", "Send a thank-you note", "2026-11-21", acme)]
    listing = (await alice.slash("pipeline list")).message.text()
    assert "next: Interview Fri 20 Nov" in listing
    assert "follow-up Sat 21 Nov" in listing
    # Run again about the same opportunity, with the date it now knows: nothing is repeated.
    _, question = await start_about(alice, "why-this-interview", acme)
    assert "Who will you meet?" in question.text()
    await finish_why(alice, await step(alice, "skip"))
    assert await bot.db.fetchval("SELECT count(*) FROM follow_ups") == 1


async def test_an_interview_without_an_opportunity_is_offered_for_the_pipeline(
    bot: Running, alice: Person
) -> None:
    await start(alice, "why-this-interview")
    await step(alice, "Globex, Analyst")
    await step(alice, "thursday")
    await finish_why(alice, await step(alice, "skip"))
    await rest_of(alice)
    offer = next(m for m in reversed(alice.dm_messages) if "Create them" in m.buttons())
    assert "Interview Thu 19 Nov: Globex, Analyst" in offer.text()
    await alice.click(offer, "Create them")
    row = await bot.db.fetchone("SELECT opportunity_id, stage, interview_on FROM opportunities")
    assert (row["stage"], row["interview_on"]) == ("interviewing", "2026-11-19")
    assert await bot.db.fetchval("SELECT opportunity_id FROM exercise_runs") == row[0]
    assert await bot.db.fetchval("SELECT due_on FROM follow_ups") == "2026-11-20"


async def plan_week(person: Person, contacts: str, *dates: str) -> Message:
    await start(person, "next-interview")
    await step(person, contacts)
    for ask in ("Any openings on your team?", "Who else should I talk to?")[: contacts.count("\n")]:
        question = await step(person, ask)
    question = await step(person, dates[0])
    if len(dates) > 1:
        question = await step(person, click="A date for each", on=question)
        for day in dates[1:]:
            question = await step(person, day)
    elif "Same date for all" in question.buttons():
        question = await step(person, click="Same date for all", on=question)
    for answer in ("skip", "4", "Dana", "Eve at Umbrella"):
        question = await step(person, answer)
    summary = await step(person, "3d")
    await rest_of(person)
    return summary


async def test_contacts_become_dated_reach_out_follow_ups(bot: Running, alice: Person) -> None:
    await plan_week(alice, "Ann at Acme\nBen at Globex\ndone", "wednesday")
    offer = next(m for m in reversed(alice.dm_messages) if "Create them" in m.buttons())
    assert "Reach out and ask: Any openings on your team? (Ann at Acme), Wed 18 Nov" in offer.text()
    await alice.click(offer, "Create them")
    rows = await bot.db.fetchall(
        "SELECT f.person, f.reason, f.due_on, o.company FROM follow_ups AS f "
        "LEFT JOIN opportunities AS o ON o.opportunity_id = f.opportunity_id "
        "WHERE f.reason LIKE 'Reach out%' ORDER BY f.person"
    )
    assert [tuple(r) for r in rows] == [
        (
            "Ann at Acme",
            "Reach out and ask: Any openings on your team?",
            "2026-11-18",
            "Ann at Acme",
        ),
        (
            "Ben at Globex",
            "Reach out and ask: Who else should I talk to?",
            "2026-11-18",
            "Ben at Globex",
        ),
    ]


async def test_each_contact_can_have_its_own_date(bot: Running, alice: Person) -> None:
    await plan_week(alice, "Ann at Acme\nBen at Globex\ndone", "friday", "tomorrow", "2w")
    offer = next(m for m in reversed(alice.dm_messages) if "Create them" in m.buttons())
    await alice.click(offer, "Create them")
    rows = await bot.db.fetchall(
        "SELECT person, due_on FROM follow_ups WHERE reason LIKE 'Reach out%' ORDER BY person"
    )
    assert [tuple(r) for r in rows] == [
        ("Ann at Acme", "2026-11-17"),
        ("Ben at Globex", "2026-11-30"),
    ]


async def test_one_contact_gets_one_date_question(bot: Running, alice: Person) -> None:
    await start(alice, "next-interview")
    await step(alice, "Ann at Acme\ndone")
    question = await step(alice, "Any openings?")
    assert "By when will you have reached out to Ann at Acme?" in question.text()
    question = await step(alice, "tomorrow")
    assert "Who are you waiting to hear back from?" in question.text()


# -- 3. the target is used ----------------------------------------------------------------------


async def offer_about(person: Person, opportunity: int, pay: str) -> str:
    _, question = await start_about(person, "offer", opportunity)
    assert "base pay" in question.text()  # company and role come from the pipeline
    question = await step(person, pay)
    question = await step(person, "skip")
    assert "Title: Head of Data" in question.text()
    for choice in ("Meets or beats it", "Meets or beats it", "Not sure yet"):
        question = await step(person, click=choice, on=question)
    for answer in ("How is success measured?\ndone", "The team\ndone", "Budget\ndone"):
        question = await step(person, answer)
    question = await step(person, click="Keep the role as offered", on=question)
    question = await step(person, "Ask for more")
    summary = await step(person, "2026-11-27")
    return summary.text() + await rest_of(person)


async def test_an_offer_in_another_currency_is_flagged(bot: Running, alice: Person) -> None:
    await do_right_job(alice)
    await rest_of(alice)
    acme = await add_opportunity(bot, alice, company="Acme", role="Head of Data", stage="offer")
    text = await offer_about(alice, acme, "95k USD")
    assert "Offer from Acme: Head of Data" in text
    assert "Salary: in another currency" in text
    assert "95,000 USD against your 120,000 EUR" in text
    listing = (await alice.slash("pipeline list")).message.text()
    assert "2 meet, 0 short, 1 unknown, 1 in another currency" in listing


async def test_a_lower_offer_in_the_same_currency_falls_short(bot: Running, alice: Person) -> None:
    await do_right_job(alice)
    await rest_of(alice)
    acme = await add_opportunity(bot, alice, company="Acme", role="Head of Data", stage="offer")
    text = await offer_about(alice, acme, "100k EUR")
    assert "Salary: falls short" in text and "offered 100,000 EUR" in text
    offer = json.loads(
        await bot.db.fetchval("SELECT data FROM exercise_results WHERE kind = 'offer'")
    )
    assert offer["versus_target"]["salary"] == {"value": 100000, "currency": "EUR"}


# -- 4. documents, and the question bank sorted in one pass -------------------------------------


async def sort_questions(person: Person) -> tuple[Message, int]:
    """what-i-want with 12 questions; returns the summary and how many presses sorting took."""
    question = await start(person, "what-i-want")
    question = await step(person, click="Something new", on=question)
    for answer in ("Lead people\ndone", "Leading people", "It is where I grow", "skip"):
        question = await step(person, answer)
    question = await step(person, "\n".join(QUESTIONS) + "\ndone")
    presses = 0
    [menu] = question.selects()
    assert len(menu["options"]) == 12 and menu["max_values"] == 12
    await person.select(question, [str(i) for i in range(6)])  # the first six: first round
    presses += 1
    question = await person.next_dm()
    while ": step " not in question.text():
        question = await person.next_dm()
    await person.select(question, [str(i) for i in range(0, 12, 2)])  # every other: the boss
    presses += 1
    summary = await person.next_dm()
    while "Done: " not in summary.text():
        summary = await person.next_dm()
    return summary, presses


async def test_twelve_questions_are_sorted_in_two_presses(bot: Running, alice: Person) -> None:
    summary, presses = await sort_questions(alice)
    assert presses == 2
    text = summary.text() + await rest_of(alice)
    assert "First interview · The boss" in text
    run = json.loads(await bot.db.fetchval("SELECT state FROM exercise_runs"))
    rounds, audience = run["answers"]["question_round"], run["answers"]["question_audience"]
    assert [rounds[q] for q in QUESTIONS] == ["first"] * 6 + ["second"] * 6
    assert [audience[q] for q in QUESTIONS] == ["boss", "peers"] * 6


async def test_answers_and_export_show_the_bank_not_a_question_dump(
    bot: Running, alice: Person
) -> None:
    await sort_questions(alice)
    await rest_of(alice)
    answers = (await alice.slash("exercise answers", name="what-i-want")).message.text()
    assert "What I want next" in answers
    assert "First interview · The boss" in answers
    assert "Second interview · Future peers" in answers
    assert "Pick them in the menu" not in answers
    export = await alice.slash("exercise export")
    [(_, data)] = export.message.attachments
    body = data.decode()
    assert "## What I want next" in body
    bank = body[body.index("First interview · The boss") :]
    assert bank.index("Question 1?") < bank.index("Question 3?") < bank.index("Question 5?")
    assert "Question 2?" not in bank[: bank.index("First interview · Future peers")]
    assert "Which of these" not in body and "Turn what you want into questions" not in body


async def test_the_target_exports_as_a_one_page_profile(bot: Running, alice: Person) -> None:
    await do_right_job(alice)
    await rest_of(alice)
    export = await alice.slash("exercise export")
    [(_, data)] = export.message.attachments
    body = data.decode()
    assert "## Target job: Head of Data" in body
    for line in (
        "**Title:** Head of Data",
        "**Salary:** 120,000 EUR per year",
        "**Responsibilities:** Own the data platform and team",
        "**Authority:** Reports to the CTO, owns a budget",
        "1. Ship the platform",
        "   - Plan: Plan it in quarters",
        "- Review pipelines",
        "**The profit I would add:** About 200k a year saved",
    ):
        assert line in body, line
    assert "What is the title of the job you want next?" not in body
    answers = (await alice.slash("exercise answers", name="right-job")).message.text()
    assert "Target job: Head of Data" in answers and "Plan: Hire two seniors" in answers
