"""Bad input end to end: invisible text, absurd dates, zone abbreviations, over-long values.

Every refusal is private, fits in one Discord message and stores nothing; every date a member
reads carries its year when it is not this year.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import Running
from bot.render.limits import CHOICE_NAME, MESSAGE_CHARS
from discord_emulator import Emulator, Guild, Person

INVISIBLE = "\u200b\u200c\u2060\ufeff"
CONTROLS = "\x00\x07\x1b\u202e\u2066"
LONG = "x" * 4000


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def count(running: Running, table: str) -> int:
    return int(await running.db.fetchval(f"SELECT count(*) FROM {table}"))


# ----- free text ------------------------------------------------------------------------------


async def test_invisible_who_is_refused_privately(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="interview", who=INVISIBLE, note="went well")
    assert reply.ephemeral
    assert "Tell me who" in reply.message.content
    assert await count(bot, "wins") == 0


async def test_invisible_characters_are_removed_from_win_text(bot: Running, alice: Person) -> None:
    await alice.slash("win", kind="networking", who=f"Ac{CONTROLS}me\u200b Corp", note=INVISIBLE)
    row = await bot.db.fetchone("SELECT who, note FROM wins")
    assert (row["who"], row["note"]) == ("Acme Corp", None)


async def test_invisible_company_is_refused(bot: Running, alice: Person) -> None:
    reply = await alice.slash("pipeline add", company=CONTROLS + INVISIBLE, follow_up="3d")
    assert reply.ephemeral
    assert "Tell me the company" in reply.message.content
    assert await count(bot, "opportunities") == 0
    assert await count(bot, "follow_ups") == 0


async def test_pipeline_text_is_cleaned_and_invisible_extras_dropped(
    bot: Running, alice: Person
) -> None:
    reply = await alice.slash(
        "pipeline add",
        company=f"Glo{CONTROLS}bex",
        role=INVISIBLE,
        next_step=f"\x00{INVISIBLE}",
        follow_up="3d",
    )
    assert "Added **Globex** at **lead**" in reply.message.content
    row = await bot.db.fetchone("SELECT company, role, next_step FROM opportunities")
    assert tuple(row) == ("Globex", None, None)
    reason = await bot.db.fetchval("SELECT reason FROM follow_ups")
    assert reason == "Follow up"
    await alice.slash("pipeline add", company="Initech", role="Data\x00 \u200b\u2060Lead")
    role = await bot.db.fetchval("SELECT role FROM opportunities WHERE company = 'Initech'")
    assert role == "Data Lead"


# ----- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("EST", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("EST5EDT", "America/New_York"),
        ("US/Eastern", "America/New_York"),
        ("Etc/GMT+5", "Europe/Berlin"),
    ],
)
async def test_member_zone_abbreviations_are_refused_with_a_region(
    bot: Running, alice: Person, typed: str, suggested: str
) -> None:
    reply = await alice.slash("me timezone", tz=typed)
    assert reply.ephemeral
    assert suggested in reply.message.content
    assert await bot.db.fetchval("SELECT timezone FROM users") is None


async def test_group_zone_abbreviation_is_refused(
    bot: Running, organiser: Person, guild: Guild
) -> None:
    reply = await organiser.slash("setup timezone", tz="CET")
    assert reply.ephemeral
    assert "Europe/Paris" in reply.message.content
    assert await bot.db.fetchval("SELECT timezone FROM guilds") == "UTC"
    accepted = await organiser.slash("setup timezone", tz="europe/paris")
    assert "**Europe/Paris**" in accepted.message.content


async def test_zone_autocomplete_offers_regions_for_abbreviations(
    bot: Running, alice: Person
) -> None:
    choices = await alice.autocomplete("me timezone", "tz", "EST")
    assert choices[0] == {"name": "America/New_York", "value": "America/New_York"}
    names = [c["value"] for c in choices]
    assert "EST" not in names and "EST5EDT" not in names
    for typed in ("gmt", "us/", "etc", "mst"):
        offered = [c["value"] for c in await alice.autocomplete("me timezone", "tz", typed)]
        assert all(z == "UTC" or ("/" in z and not z.startswith(("Etc/", "US/"))) for z in offered)


# ----- dates show their year ------------------------------------------------------------------


async def test_dates_outside_this_year_show_the_year(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="networking", who="Dana", when="2025-12-01")
    assert "Mon 01 Dec 2025" in reply.message.embeds[0]["description"]
    reply = await alice.slash("win", kind="networking", who="Eve", follow_up="2027-11-17")
    assert "Wed 17 Nov 2027" in reply.message.text()
    assert "Tue 17 Nov" in reply.message.text()  # this year's thank-you stays short
    added = await alice.slash("pipeline add", company="Acme", follow_up="2027-01-05")
    assert "Tue 05 Jan 2027" in added.message.content
    listing = await alice.slash("pipeline list")
    assert "Tue 05 Jan 2027" in listing.message.text()
    wins = await alice.slash("wins", period="all")
    assert "Mon 01 Dec 2025" in wins.message.text()


@pytest.mark.clock_start(datetime(2026, 12, 29, 8, 0, tzinfo=UTC))
async def test_suggestions_across_new_year_show_the_year(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="interview", who="Acme")
    assert reply.message.buttons() == [
        "Add: Send a thank-you note (Wed 30 Dec)",
        "Add: Ask where they are in their process (Tue 05 Jan 2027)",
        "No thanks",
    ]
    added = await alice.click(
        reply.message, "Add: Ask where they are in their process (Tue 05 Jan 2027)"
    )
    assert "Tue 05 Jan 2027" in added.message.content
    choices = await alice.autocomplete("win", "follow_up", "1w", kind="interview", who="Acme")
    assert choices[0] == {"name": "1w (Tue 05 Jan 2027)", "value": "1w"}


@pytest.mark.clock_start(datetime(2026, 12, 29, 8, 0, tzinfo=UTC))
async def test_pause_shows_the_year(bot: Running, organiser: Person) -> None:
    reply = await organiser.slash("setup pause", until="2027-01-04")
    assert "Mon 04 Jan 2027" in reply.message.content
    refused = await organiser.slash("setup pause", until="0999-12-31")
    assert "has passed" in refused.message.content
    assert await bot.db.fetchval("SELECT paused_until FROM guilds") == "2027-01-04"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0001-01-01", "has passed"),
        ("0999-12-31", "has passed"),
        ("9999-12-31", "more than a year away"),
        ("2027-02-31", "not a real date"),
    ],
)
async def test_absurd_follow_up_dates_are_refused_everywhere(
    bot: Running, organiser: Person, typed: str, problem: str
) -> None:
    replies = [
        await organiser.slash("win", kind="networking", who="Acme", follow_up=typed),
        await organiser.slash("pipeline add", company="Acme", follow_up=typed),
        await organiser.slash("setup pause", until=typed),
    ]
    for reply in replies:
        assert reply.ephemeral
        assert problem in reply.message.content
    assert await count(bot, "wins") == 0
    assert await count(bot, "opportunities") == 0
    assert await count(bot, "follow_ups") == 0
    assert await bot.db.fetchval("SELECT paused_until FROM guilds") is None


# ----- over-long and odd values ---------------------------------------------------------------

ODD = [LONG, "`" * 3000, "9" * 4000, "\u200b" * 3000 + "x", "<@&123> @everyone " * 150]


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize(
    ("command", "options", "field"),
    [
        ("win", {"kind": "networking", "who": "Acme"}, "when"),
        ("win", {"kind": "networking", "who": "Acme"}, "follow_up"),
        ("pipeline add", {"company": "Acme"}, "follow_up"),
        ("me timezone", {}, "tz"),
        ("setup timezone", {}, "tz"),
        ("setup pause", {}, "until"),
        ("setup schedule", {"post": "recap", "day": "fri"}, "time"),
    ],
)
async def test_long_values_get_a_short_private_refusal(
    bot: Running,
    organiser: Person,
    command: str,
    options: dict[str, Any],
    field: str,
    value: str,
) -> None:
    reply = await organiser.slash(command, **options, **{field: value})
    message = reply.message
    assert message is not None and message.ephemeral
    assert 0 < len(message.content) <= MESSAGE_CHARS
    assert "Something went wrong" not in message.content
    assert await count(bot, "wins") == 0
    assert await count(bot, "opportunities") == 0


@pytest.mark.parametrize("value", ["", " ", LONG, "9" * 4000, "abc", "5" + " " * 90 + "d"])
@pytest.mark.parametrize(
    ("command", "options", "field"),
    [
        ("win", {"kind": "networking", "who": "Acme"}, "when"),
        ("win", {"kind": "networking", "who": "Acme"}, "follow_up"),
        ("pipeline add", {"company": "Acme"}, "follow_up"),
        ("me timezone", {}, "tz"),
        ("setup timezone", {}, "tz"),
        ("setup pause", {}, "until"),
        ("pipeline move", {"stage": "offer"}, "opportunity"),
        ("win", {"kind": "networking", "who": "Acme"}, "opportunity"),
    ],
)
async def test_autocomplete_never_fails_and_fits(
    bot: Running,
    organiser: Person,
    command: str,
    options: dict[str, Any],
    field: str,
    value: str,
) -> None:
    await organiser.slash("pipeline add", company="Acme")
    choices = await organiser.autocomplete(command, field, value, **options)
    assert len(choices) <= 25
    for choice in choices:
        assert 0 < len(choice["name"]) <= CHOICE_NAME
        assert len(str(choice["value"])) <= CHOICE_NAME


# ----- generated sentences agree --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("offer", "just logged an offer!"),
        ("informational", "just logged an informational interview!"),
        ("interview", "just logged a job interview!"),
    ],
)
async def test_announcements_use_the_right_article(
    emulator: Emulator,
    bot: Running,
    alice: Person,
    organiser: Person,
    guild: Guild,
    kind: str,
    phrase: str,
) -> None:
    channel = guild.channel("general")
    await organiser.slash("setup channel", channel=channel)
    await organiser.slash("setup announce-wins", state="on")
    await alice.slash("win", kind=kind, who="Globex")
    posted = await emulator.next_message(channel)
    assert phrase in posted.content


async def test_counts_agree_with_their_nouns(
    bot: Running, alice: Person, organiser: Person
) -> None:
    await organiser.slash("setup points", kind="networking", points=1)
    logged = await alice.slash("win", kind="networking", who="Dana")
    assert "+1 point ·" in logged.message.embeds[0]["description"]
    await alice.slash("pipeline add", company="Acme")
    listing = (await alice.slash("pipeline list")).message.text()
    assert "you already have 1 lead to contact" in listing
    assert "lead(s)" not in listing


async def test_one_record_is_one_record(emulator: Emulator, bot: Running, alice: Person) -> None:
    # In DMs a new member has exactly one row: their settings.
    exported = await alice.slash("me export", guild=None)
    message = await exported.wait_message()
    assert message.content == "Everything stored about you: 1 record."
    asked = await alice.slash("me delete", guild=None)
    done = await alice.click(asked.message, "Delete everything")
    await done.wait_text("Deleted: 1 record about you is gone.", timeout=10)
