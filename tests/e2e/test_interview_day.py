"""The interview-day card: on the morning of a recorded interview, why it matters, how to say
it and the questions for that round and that interviewer; the thank-you note the next morning;
once, whatever happens; and off for whoever does not want it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from bot.services import interview_day
from discord_emulator import EmulatorTimeout, Message, Person
from tests.e2e.conftest import BotFactory
from tests.e2e.test_connected_search import add_opportunity, start_about
from tests.e2e.test_exercises import rest_of, start, step

# 08:00 in New York on Thursday 19 Nov 2026 is 13:00 UTC.
CARD_AT = datetime(2026, 11, 19, 13, 0, 30, tzinfo=UTC)
BANK = {
    "Who would I manage?": ("first", "boss"),
    "How do the teams hand over work?": ("first", "peers"),
    "What would my first review look like?": ("second", "boss"),
    "How often do plans change?": ("second", "peers"),
}


async def question_bank(person: Person) -> None:
    """what-i-want with the four questions of BANK, sorted as BANK says."""
    question = await start(person, "what-i-want")
    question = await step(person, click="Something new", on=question)
    for answer in ("Lead people\ndone", "Leading people", "It is where I grow", "skip"):
        question = await step(person, answer)
    question = await step(person, "\n".join(BANK) + "\ndone")
    firsts = [str(i) for i, (r, _) in enumerate(BANK.values()) if r == "first"]
    await person.select(question, firsts)
    question = await person.next_dm()
    bosses = [str(i) for i, (_, a) in enumerate(BANK.values()) if a == "boss"]
    await person.select(question, bosses)
    await rest_of(person)


async def prepare(person: Person, opportunity: int, when: str = "thursday") -> None:
    """why-this-interview about the opportunity: a first interview, with the boss."""
    _, question = await start_about(person, "why-this-interview", opportunity)
    for answer in (when, "Ms Lee, head of data", "1, 3"):
        question = await step(person, answer)
    for answer in (
        "Running a team of four",
        "A chance to show the platform I built",
        "I am ready to lead a team",
        "I would love to show you what I built",
        "No remote at all\ndone",
    ):
        question = await step(person, answer)
    question = await step(person, click="A first interview", on=question)
    question = await step(person, click="The boss", on=question)
    question = await step(person, "Why is the role open?\nWhere is the team going?\ndone")
    await step(person, "I want to lead the team that builds your platform.")
    await rest_of(person)


async def card_of(person: Person) -> Message:
    message = await person.next_dm()
    assert "interview" in message.text().lower(), message.text()
    return message


async def no_dm(person: Person) -> None:
    with pytest.raises(EmulatorTimeout):
        await person.next_dm(timeout=0.3)


async def setup_member(running: Running, person: Person) -> int:
    await person.slash("me timezone", tz="America/New_York")
    return await add_opportunity(running, person, "Acme", "interviewing", role="Data Lead")


async def test_the_card_comes_on_the_morning_with_what_was_prepared(
    run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot() as running:
        acme = await setup_member(running, alice)
        await question_bank(alice)
        await prepare(alice, acme)
        clock.set(datetime(2026, 11, 19, 12, 59, tzinfo=UTC))  # 07:59 in New York
        await running.scheduler.idle()
        await no_dm(alice)
        clock.set(CARD_AT)
        await running.scheduler.idle()
        card = (await card_of(alice)).text()
    assert "Acme (Data Lead)" in card and "today" in card.lower()
    for said in (
        "Career advancement: Running a team of four",
        "I am ready to lead a team",  # how to say it
        "I want to lead the team that builds your platform.",  # the one line
        "Why is the role open?",  # this interview's own questions
        "Who would I manage?",  # the bank's: first round, the boss
    ):
        assert said in card, said
    for other in ("How do the teams hand over work?", "What would my first review look like?"):
        assert other not in card, other
    assert "/me interview-day state:off" in card
    # A restart the same morning sends nothing more; the ledger holds one card.
    async with run_bot() as running:
        await running.scheduler.idle()
        await no_dm(alice)
        rows = await running.db.fetchall("SELECT kind, target_id, period, status FROM deliveries")
        assert [tuple(r) for r in rows] == [("interview-day", acme, "2026-11-19", "sent")]
        # The next morning: the thank-you note, as a follow-up reminder.
        clock.set(datetime(2026, 11, 20, 14, 0, 30, tzinfo=UTC))  # 09:00 in New York
        await running.scheduler.idle()
        reminder = await alice.next_dm()
        assert "Send a thank-you note" in reminder.text() and "Acme" in reminder.text()


async def test_a_card_without_preparation_still_helps(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    """An interview date from /pipeline alone: the card still comes, with the bank and a way
    to prepare; the thank-you note is added on the card's day if nothing added it."""
    acme = await setup_member(bot, alice)
    await question_bank(alice)
    async with bot.db.transaction() as conn:
        await conn.execute(
            "UPDATE opportunities SET interview_on = '2026-11-19' WHERE opportunity_id = ?",
            (acme,),
        )
    bot.bot.scheduler.poke("interview-day")
    clock.set(CARD_AT)
    await bot.scheduler.idle()
    card = (await card_of(alice)).text()
    assert "/exercise start name:why-this-interview" in card
    assert all(question in card for question in BANK)
    assert await bot.db.fetchval("SELECT due_on FROM follow_ups") == "2026-11-20"


async def test_turned_off_no_card(bot: Running, alice: Person, clock: ManualClock) -> None:
    acme = await setup_member(bot, alice)
    reply = await alice.slash("me interview-day", state="off")
    assert "off" in reply.message.text()
    await prepare(alice, acme)
    clock.set(CARD_AT)
    await bot.scheduler.idle()
    await no_dm(alice)
    reply = await alice.slash("me interview-day", state="on")
    assert "08:00" in reply.message.text()


async def test_a_moved_interview_gets_its_card_on_the_new_day_only(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    acme = await setup_member(bot, alice)
    await prepare(alice, acme)
    # Moved to Monday (through /pipeline, say): one card, on Monday; one thank-you, moved.
    await interview_day.record(
        bot.db, bot.bot.clock, user_id=alice.id, opportunity_id=acme, day=date(2026, 11, 23)
    )
    bot.bot.scheduler.poke("interview-day")
    clock.set(CARD_AT)
    await bot.scheduler.idle()
    await no_dm(alice)
    clock.set(datetime(2026, 11, 23, 13, 0, 30, tzinfo=UTC))
    await bot.scheduler.idle()
    card = (await card_of(alice)).text()
    assert "Acme (Data Lead)" in card
    thanks = await bot.db.fetchall("SELECT due_on, status FROM follow_ups")
    assert [tuple(r) for r in thanks] == [("2026-11-24", "pending")]
    assert await bot.db.fetchval("SELECT count(*) FROM deliveries") == 1


async def test_a_card_missed_for_the_whole_morning_is_not_sent_late(
    run_bot: BotFactory, alice: Person, clock: ManualClock
) -> None:
    async with run_bot() as running:
        acme = await setup_member(running, alice)
        await prepare(alice, acme)
    # The bot was down from Wednesday until Thursday 15:00 in New York.
    clock.set(datetime(2026, 11, 19, 20, 0, tzinfo=UTC))
    async with run_bot() as running:
        await running.scheduler.idle()
        await no_dm(alice)


async def test_an_interview_date_can_be_recorded_from_the_pipeline(
    bot: Running, clock: ManualClock, alice: Person
) -> None:
    # Without going through why-this-interview: /pipeline interview records the day, the
    # card comes that morning (unprepared: it says how to prepare) and the thank-you after.
    added = await alice.slash("pipeline add", company="Initech", stage="talking")
    assert "Initech" in added.message.text()
    opportunity = int(await bot.db.fetchval("SELECT max(opportunity_id) FROM opportunities"))
    reply = await alice.slash("pipeline interview", opportunity=opportunity, on="thu")
    text = reply.message.text()
    assert "Thu 19 Nov" in text and "08:00" in text
    assert (
        await bot.db.fetchval(
            "SELECT interview_on FROM opportunities WHERE opportunity_id = ?", (opportunity,)
        )
        == "2026-11-19"
    )
    clock.set(datetime(2026, 11, 19, 8, 0, 30, tzinfo=UTC))  # 08:00 in UTC, alice's zone
    await bot.scheduler.idle()
    card = await alice.next_dm()
    assert "Initech" in card.text()
    refused = await alice.slash("pipeline interview", opportunity=opportunity, on="2020-01-01")
    assert refused.message.ephemeral and "passed" in refused.message.text()
