"""Consistent counting and display (issue #10): the week a win counts in, the group's points in
the /win kind picker, and dates as the member lives them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Person


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def board_text(person: Person) -> str:
    return (await (await person.slash("leaderboard")).wait_message()).text()


@pytest.mark.clock_start(datetime(2026, 11, 22, 23, 0, tzinfo=UTC))  # Sun 23:00 UTC
async def test_a_win_counts_in_the_week_of_the_day_the_member_lived_it(
    bot: Running, clock: ManualClock, alice: Person
) -> None:
    await alice.slash("me timezone", tz="Asia/Tokyo")
    # Monday 08:00 in Tokyo, while the group (UTC) is still in Sunday.
    await alice.slash("win", kind="interview", who="Acme")
    assert await bot.db.fetchval("SELECT happened_on FROM wins") == "2026-11-23"
    assert "1 this week" in (await (await alice.slash("me stats")).followup()).text()
    # Seen: the board counted it in the group's previous week.
    assert f"<@{alice.id}>" not in await board_text(alice)
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    text = await board_text(alice)
    assert "Leaderboard: Week of 23 Nov" in text
    assert f"1. <@{alice.id}>: 3 points · 1 win" in text


async def test_the_kind_picker_shows_the_groups_points(
    bot: Running, organiser: Person, alice: Person
) -> None:
    await organiser.slash("setup points", kind="interview", points=4)
    await organiser.slash("setup points", kind="offer", points=0)
    # Seen: "interview: job interview (3)" with interview set to 4.
    choices = await alice.autocomplete("win", "kind", "inter", who="Acme")
    assert {"name": "interview: job interview (4 points)", "value": "interview"} in choices
    assert {"name": "offer: offer (0 points in this group)", "value": "offer"} in (
        await alice.autocomplete("win", "kind", "off", who="Acme")
    )
    everything = await alice.autocomplete("win", "kind", "", who="Acme")
    assert [c["value"] for c in everything] == [
        "networking",
        "intro",
        "follow-up",
        "informational",
        "interview",
        "offer",
    ]
    # Seen: an offer showing "+0 points" with no explanation.
    offer = await alice.slash("win", kind="offer", who="Globex")
    assert "0 points in this group" in offer.message.text()
    assert "+0" not in offer.message.text()
    interview = await alice.slash("win", kind="interview", who="Acme")
    assert "+4 points" in interview.message.text()


async def test_the_kind_picker_in_a_dm_shows_the_default_points(
    alice: Person, bot: Running
) -> None:
    choices = await alice.autocomplete("win", "kind", "net", guild=None, who="Acme")
    assert choices == [
        {"name": "networking: networking conversation (1 point)", "value": "networking"}
    ]


async def test_a_kind_typed_instead_of_picked_is_still_checked(bot: Running, alice: Person) -> None:
    refused = await alice.slash("win", kind="banana", who="Acme")
    assert "is not a kind of win" in refused.message.content
    assert "networking, intro, follow-up, informational, interview, offer" in (
        refused.message.content
    )
    assert await bot.db.fetchval("SELECT count(*) FROM wins") == 0
    typed = await alice.slash("win", kind=" Interview ", who="Acme")
    assert "job interview with Acme" in typed.message.text()


async def test_pipeline_dates_are_the_members_own(
    bot: Running, clock: ManualClock, alice: Person
) -> None:
    await alice.slash("me timezone", tz="Pacific/Auckland")
    clock.set(datetime(2026, 11, 16, 20, 0, tzinfo=UTC))  # Tue 17 Nov 09:00 in Auckland
    await alice.slash("pipeline add", company="Acme", stage="talking")
    text = (await alice.slash("pipeline list")).message.text()
    assert "last contact Tue 17 Nov" in text


@pytest.mark.clock_start(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
async def test_dates_of_another_year_say_so(bot: Running, alice: Person) -> None:
    await alice.slash("win", kind="networking", who="Ann", when="2026-12-30")
    listing = await alice.slash("wins", period="all")
    assert "Wed 30 Dec 2026" in listing.message.text()
