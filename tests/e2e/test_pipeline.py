"""/pipeline end to end: add, list with nudges, move, close, history, autocomplete."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Person


async def opportunity_id(running: Running, company: str) -> int:
    return int(
        await running.db.fetchval(
            "SELECT opportunity_id FROM opportunities WHERE company = ?", (company,)
        )
    )


async def test_add_list_move_close_keeps_history(bot: Running, alice: Person) -> None:
    added = await alice.slash(
        "pipeline add",
        company="Acme",
        role="Data Lead",
        stage="talking",
        next_step="Ask Sam for an intro",
        follow_up="wed",
    )
    assert "Added **Acme (Data Lead)** at **talking**" in added.message.content
    assert "Wed 18 Nov" in added.message.content
    assert "1 in the works" in added.message.content
    await alice.slash("pipeline add", company="Globex")  # a lead is not yet in the works
    listing = await alice.slash("pipeline list")
    text = listing.message.text()
    assert "**1** in the works" in text
    assert "Ask Sam for an intro" in text
    assert "aim for 6-10" in text and "1 lead to contact" in text
    acme = await opportunity_id(bot, "Acme")
    choices = await alice.autocomplete("pipeline move", "opportunity", "acm", stage="offer")
    assert choices == [{"name": "Acme - Data Lead [talking]", "value": acme}]
    moved = await alice.slash("pipeline move", opportunity=acme, stage="interviewing")
    assert "talking → **interviewing**" in moved.message.content
    closed = await alice.slash("pipeline close", opportunity=acme, outcome="rejected")
    assert "Closed **Acme (Data Lead)** as rejected" in closed.message.content
    history = await bot.db.fetchall(
        "SELECT action, stage, outcome FROM opportunity_events WHERE opportunity_id = ?"
        " ORDER BY event_id",
        (acme,),
    )
    assert [tuple(r) for r in history] == [
        ("created", "talking", None),
        ("moved", "interviewing", None),
        ("closed", None, "rejected"),
    ]
    again = await alice.slash("pipeline move", opportunity=acme, stage="offer")
    assert "can't find that open opportunity" in again.message.content


async def test_quiet_opportunity_gets_a_nudge(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("pipeline add", company="Initech", stage="contacted")
    clock.advance(timedelta(days=15))
    listing = await alice.slash("pipeline list")
    assert "No contact with Initech for 14+ days" in listing.message.text()


async def test_six_in_the_works_is_enough(bot: Running, alice: Person) -> None:
    for index in range(6):
        await alice.slash("pipeline add", company=f"Company {index}", stage="contacted")
    text = (await alice.slash("pipeline list")).message.text()
    assert "**6** in the works" in text
    assert "aim for 6-10 so" not in text


@pytest.mark.parametrize(
    ("command", "options", "problem"),
    [
        ("pipeline add", {"company": "  "}, "Tell me the company"),
        ("pipeline add", {"company": "Acme", "follow_up": "yesterday"}, "can't read"),
        ("pipeline move", {"opportunity": 12345, "stage": "offer"}, "can't find"),
        ("pipeline close", {"opportunity": 12345, "outcome": "accepted"}, "can't find"),
    ],
)
async def test_bad_input(
    bot: Running, alice: Person, command: str, options: dict[str, object], problem: str
) -> None:
    reply = await alice.slash(command, **options)
    assert reply.message.ephemeral and problem in reply.message.content
    assert await bot.db.fetchval("SELECT count(*) FROM opportunities") == 0


async def test_moving_to_same_stage_is_refused(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking")
    acme = await opportunity_id(bot, "Acme")
    reply = await alice.slash("pipeline move", opportunity=acme, stage="talking")
    assert "already at **talking**" in reply.message.content


async def test_others_cannot_touch_my_opportunities(
    bot: Running, alice: Person, emulator: object, guild: object
) -> None:
    await alice.slash("pipeline add", company="Acme", stage="talking")
    acme = await opportunity_id(bot, "Acme")
    bob = emulator.add_person("bob", guilds=[guild])  # type: ignore[attr-defined]
    reply = await bob.slash("pipeline close", opportunity=acme, outcome="withdrawn")
    assert "can't find" in reply.message.content
    assert await bob.autocomplete("pipeline move", "opportunity", "", stage="offer") == []
