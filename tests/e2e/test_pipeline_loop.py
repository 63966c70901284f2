"""The pipeline drives follow-ups and wins (issue #10): closing settles follow-ups, accepting
logs the offer and keeps the others warm, /win finds and moves opportunities, duplicates are
caught, and a move to interviewing checks the right-job target."""

from __future__ import annotations

import json

import pytest

from bot.app import Running
from discord_emulator import Emulator, Guild, Person


async def opportunity_id(running: Running, company: str) -> int:
    return int(
        await running.db.fetchval(
            "SELECT opportunity_id FROM opportunities WHERE company = ?", (company,)
        )
    )


async def open_follow_ups(running: Running) -> list[tuple[str, str, str]]:
    rows = await running.db.fetchall(
        "SELECT person, reason, due_on FROM follow_ups WHERE status IN ('pending', 'snoozed')"
        " ORDER BY due_on, person"
    )
    return [tuple(r) for r in rows]


# -- closing ---------------------------------------------------------------------------------


async def test_closing_asks_what_to_do_with_its_follow_ups(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Initech", stage="talking", follow_up="thu")
    initech = await opportunity_id(bot, "Initech")
    closed = await alice.slash("pipeline close", opportunity=initech, outcome="rejected")
    # Seen: after closing, /followups list still showed "Follow up · Initech · Thu 19 Nov".
    assert "1 follow-up still open" in closed.message.text()
    assert closed.message.buttons() == ["Drop it", "Keep it to stay in touch"]
    dropped = await alice.click(closed.message, "Drop it")
    assert "Dropped 1 follow-up" in dropped.message.text()
    assert await open_follow_ups(bot) == []
    assert "Nothing to follow up on" in (await alice.slash("followups list")).message.text()


async def test_keeping_one_follow_up_to_stay_in_touch(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Initech", stage="talking", follow_up="thu")
    initech = await opportunity_id(bot, "Initech")
    await alice.slash("win", kind="interview", who="Initech", follow_up="2w")
    closed = await alice.slash("pipeline close", opportunity=initech, outcome="went-quiet")
    assert "2 follow-ups still open" in closed.message.text()
    kept = await alice.click(closed.message, "Keep one to stay in touch")
    assert "Kept" in kept.message.text() and "Thu 19 Nov" in kept.message.text()
    assert await open_follow_ups(bot) == [("Initech", "Follow up", "2026-11-19")]
    again = await alice.click(closed.message, "Drop them")
    assert "Dropped 1 follow-up" in again.message.text()


async def test_accepting_logs_the_offer_and_asks_about_the_others(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="interviewing")
    await alice.slash("pipeline add", company="Globex", stage="talking", follow_up="thu")
    await alice.slash("pipeline add", company="Initech", stage="contacted")
    await alice.slash("pipeline add", company="Hooli", stage="lead")
    acme = await opportunity_id(bot, "Acme")
    closed = await alice.slash("pipeline close", opportunity=acme, outcome="accepted")
    text = closed.message.text()
    # Seen: "Congratulations!" and nothing else.
    assert "Congratulations" in text
    assert "Logged your offer from Acme: +5 points" in text
    offers = await bot.db.fetchall("SELECT who, opportunity_id FROM wins WHERE kind = 'offer'")
    assert [tuple(r) for r in offers] == [("Acme", acme)]
    others = await closed.followup()
    assert "3 other opportunities are still open" in others.text()
    assert "keep them warm until you have signed" in others.text()
    initech = await opportunity_id(bot, "Initech")
    warm = await alice.select(others, [str(initech)], placeholder="Keep warm: follow up in 2 weeks")
    assert "Initech: follow-up on Mon 30 Nov" in warm.message.text()
    globex = await opportunity_id(bot, "Globex")
    warm = await alice.select(others, [str(globex)], placeholder="Keep warm: follow up in 2 weeks")
    assert "Globex: already has a follow-up on Thu 19 Nov" in warm.message.text()
    hooli = await opportunity_id(bot, "Hooli")
    withdrawn = await alice.select(others, [str(hooli)], placeholder="Close as withdrawn")
    assert "Closed as withdrawn: Hooli" in withdrawn.message.text()
    rest = await alice.click(others, "Close all as withdrawn")
    assert "Closed as withdrawn: " in rest.message.text()
    assert "Globex" in rest.message.text() and "Initech" in rest.message.text()
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities WHERE closed_at IS NULL") == 0
    # Withdrawn opportunities need no follow-up any more.
    assert await open_follow_ups(bot) == []


async def test_keep_all_warm(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme", stage="offer")
    await alice.slash("pipeline add", company="Globex", stage="talking")
    await alice.slash("pipeline add", company="Initech", stage="contacted")
    closed = await alice.slash(
        "pipeline close", opportunity=await opportunity_id(bot, "Acme"), outcome="accepted"
    )
    others = await closed.followup()
    warm = await alice.click(others, "Keep all warm")
    assert "Globex: follow-up on Mon 30 Nov" in warm.message.text()
    assert await open_follow_ups(bot) == [
        ("Globex", "Keep in touch", "2026-11-30"),
        ("Initech", "Keep in touch", "2026-11-30"),
    ]
    again = await alice.click(others, "Keep all warm")
    assert "already has a follow-up on Mon 30 Nov" in again.message.text()
    assert len(await open_follow_ups(bot)) == 2
    # "All" is what was open when the offer was accepted: one added since is left alone.
    await alice.slash("pipeline add", company="Hooli", stage="lead")
    closed_all = await alice.click(others, "Close all as withdrawn")
    assert "Hooli" not in closed_all.message.text()
    assert (
        await bot.db.fetchval("SELECT company FROM opportunities WHERE closed_at IS NULL")
        == "Hooli"
    )


async def test_accepting_an_offer_already_logged_logs_no_second_one(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="interviewing")
    acme = await opportunity_id(bot, "Acme")
    await alice.slash("win", kind="offer", who="acme")
    closed = await alice.slash("pipeline close", opportunity=acme, outcome="accepted")
    assert "Your offer from Acme is already logged" in closed.message.text()
    assert await bot.db.fetchval("SELECT count(*) FROM wins WHERE kind = 'offer'") == 1


# -- /win and the pipeline ---------------------------------------------------------------------


async def test_win_offers_open_opportunities_for_who(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme Corp", role="Data Lead", stage="talking")
    await alice.slash("pipeline add", company="Globex", stage="lead")
    choices = await alice.autocomplete("win", "who", "acm", kind="interview")
    assert choices == [
        {"name": "acm", "value": "acm"},
        {"name": "Acme Corp - Data Lead [talking]", "value": "Acme Corp"},
    ]
    everything = await alice.autocomplete("win", "who", "", kind="interview")
    assert [c["value"] for c in everything] == ["Globex", "Acme Corp"]


async def test_a_win_on_an_opportunity_is_linked_and_suggests_the_next_stage(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme Corp", stage="talking")
    acme = await opportunity_id(bot, "Acme Corp")
    reply = await alice.slash("win", kind="interview", who="acme  corp")
    assert await bot.db.fetchval("SELECT opportunity_id FROM wins") == acme
    assert "On your pipeline: Acme Corp (talking)" in reply.message.text()
    assert "Move Acme Corp to interviewing" in reply.message.buttons()
    moved = await alice.click(reply.message, "Move Acme Corp to interviewing")
    assert "talking → **interviewing**" in moved.message.content
    assert await bot.db.fetchval("SELECT stage FROM opportunities") == "interviewing"
    again = await alice.click(reply.message, "Move Acme Corp to interviewing")
    assert "already at **interviewing**" in again.message.content
    offer = await alice.slash("win", kind="offer", who="Acme Corp")
    assert "Move Acme Corp to offer" in offer.message.buttons()


async def test_a_win_chosen_with_the_opportunity_option_needs_no_name_match(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme Corp", stage="contacted")
    acme = await opportunity_id(bot, "Acme Corp")
    reply = await alice.slash("win", kind="networking", who="Dana", opportunity=acme)
    assert "Move Acme Corp to talking" in reply.message.buttons()


async def test_no_stage_move_offered_when_it_would_go_backwards(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="offer")
    reply = await alice.slash("win", kind="interview", who="Acme")
    assert not [b for b in reply.message.buttons() if b.startswith("Move")]


async def test_a_follow_up_already_set_is_not_offered_again(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="networking", who="Dana", follow_up="2w")
    # Seen: follow_up:2w set the follow-up and offered "Check back (Mon 30 Nov)" as well.
    assert reply.message.buttons() == ["Add: Send a thank-you note (Tue 17 Nov)", "No thanks"]
    # The follow-up set is the step the method calls for on that day.
    assert await bot.db.fetchval("SELECT reason FROM follow_ups") == "Check back with an update"


# -- adding and moving -----------------------------------------------------------------------


async def test_a_duplicate_is_caught_with_a_way_to_open_the_existing_one(
    bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme Corp", role="Data Lead", stage="talking")
    again = await alice.slash("pipeline add", company=" acme  CORP", role="data lead")
    assert "You already have **Acme Corp (Data Lead)**" in again.message.text()
    assert again.message.buttons() == ["Open it", "Add it anyway"]
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities") == 1
    opened = await alice.click(again.message, "Open it")
    assert "Acme Corp (Data Lead)" in opened.message.text()
    assert "talking" in opened.message.text()
    added = await alice.click(again.message, "Add it anyway")
    assert "Added" in added.message.text()
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities") == 2
    # Another role at the same company is not a duplicate.
    other = await alice.slash("pipeline add", company="Acme Corp", role="Analyst")
    assert "Added **Acme Corp (Analyst)**" in other.message.content


async def set_target(running: Running, user_id: int, company: str) -> int:
    opportunity = await opportunity_id(running, company)
    await running.db.execute(
        "INSERT INTO exercise_results (user_id, exercise_id, kind, data, created_at)"
        " VALUES (?, 'right-job', 'target', ?, '2026-11-16T08:00:00.000000Z')",
        (user_id, json.dumps({"title": "Head of Data", "authority": "Owns the budget"})),
    )
    await running.db.execute(
        "UPDATE opportunities SET target_check = ? WHERE opportunity_id = ?",
        (json.dumps({"title": "short"}), opportunity),
    )
    return opportunity


async def test_moving_to_interviewing_below_target_asks_first(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking")
    acme = await set_target(bot, alice.id, "Acme")
    asked = await alice.slash("pipeline move", opportunity=acme, stage="interviewing")
    text = asked.message.text()
    assert "Acme falls short of your target" in text
    assert "Title and level" in text and "Head of Data" in text
    assert "Level of authority" not in text  # not known yet is not short
    assert asked.message.buttons() == ["Move it anyway", "Keep it at talking"]
    assert await bot.db.fetchval("SELECT stage FROM opportunities") == "talking"
    kept = await alice.click(asked.message, "Keep it at talking")
    assert kept.message.buttons() == []
    asked = await alice.slash("pipeline move", opportunity=acme, stage="interviewing")
    moved = await alice.click(asked.message, "Move it anyway")
    assert "talking → **interviewing**" in moved.message.content
    assert await bot.db.fetchval("SELECT stage FROM opportunities") == "interviewing"


async def test_the_stage_button_of_a_win_asks_too(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking")
    await set_target(bot, alice.id, "Acme")
    reply = await alice.slash("win", kind="interview", who="Acme")
    asked = await alice.click(reply.message, "Move Acme to interviewing")
    assert "falls short of your target" in asked.message.text()
    assert await bot.db.fetchval("SELECT stage FROM opportunities") == "talking"


# -- buttons someone else (or a forged id) presses ---------------------------------------------


@pytest.mark.parametrize(
    "custom_id",
    [
        "ni:mv:99999999999999999999:offer",
        "ni:cf:9223372036854775808:drop",
        "ni:owall:withdraw:99999999999999999999",
        "ni:rp:9999-99-99:0:next",
        "ni:rp:2026-11-17:99999999:next",
    ],
)
async def test_forged_ids_change_nothing_and_raise_no_incident(
    bot: Running, alice: Person, custom_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking")
    reply = await alice.slash("win", kind="interview", who="Acme", follow_up="tomorrow")
    pressed = await alice.press_forged(reply.message, custom_id)
    assert pressed.message is not None and pressed.message.ephemeral
    assert "incident" not in pressed.message.text().lower()
    assert "Incident" not in caplog.text
    assert await bot.db.fetchval("SELECT stage FROM opportunities") == "talking"
    assert await bot.db.fetchval("SELECT closed_at FROM opportunities") is None
    assert await open_follow_ups(bot) == [("Acme", "Send a thank-you note", "2026-11-17")]


async def test_an_opportunity_of_someone_else_cannot_be_moved_or_settled(
    emulator: Emulator, guild: Guild, bot: Running, alice: Person
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking", follow_up="thu")
    acme = await opportunity_id(bot, "Acme")
    bob = emulator.add_person("bob", guilds=[guild])
    await bob.slash("pipeline add", company="Bobco", stage="talking")
    reply = await bob.slash("win", kind="interview", who="Bobco")
    moved = await bob.press_forged(reply.message, f"ni:mv:{acme}:interviewing:sure")
    assert "can't find" in moved.message.text()
    settled = await bob.press_forged(reply.message, f"ni:cf:{acme}:drop")
    assert "can't find" in settled.message.text()
    withdrawn = await bob.press_forged(reply.message, f"ni:owall:withdraw:{acme}")
    assert "can't find that accepted offer" in withdrawn.message.text()
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities WHERE closed_at IS NULL") == 2
    assert (
        await bot.db.fetchval("SELECT stage FROM opportunities WHERE opportunity_id = ?", (acme,))
        == "talking"
    )
    assert await open_follow_ups(bot) == [("Acme", "Follow up", "2026-11-19")]
