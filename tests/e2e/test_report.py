"""The facilitator's report (issue #10): names people by their display names, and counts quiet
days from each member's first use, leaving out organisers who never logged anything."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Message, Person


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def report(organiser: Person) -> tuple[Message, list[dict[str, str]]]:
    reply = await organiser.slash("setup report")
    message = await reply.followup()
    [(name, data)] = message.attachments
    assert name == "group-report.csv"
    return message, list(csv.DictReader(io.StringIO(data.decode())))


async def test_the_csv_names_people(bot: Running, organiser: Person, alice: Person) -> None:
    await alice.slash("win", kind="interview", who="Acme")
    _, rows = await report(organiser)
    # Seen: the CSV named people only by their Discord id.
    by_id = {row["user_id"]: row for row in rows}
    assert by_id[str(alice.id)]["name"] == "alice"
    assert by_id[str(organiser.id)]["name"] == "olga"
    assert by_id[str(alice.id)]["hidden"] == ""


async def test_nobody_is_quiet_on_day_one(bot: Running, organiser: Person, alice: Person) -> None:
    await alice.slash("help")
    message, rows = await report(organiser)
    # Seen: "Quiet for 14+ days" listed everyone on day one, the organiser included.
    assert "Quiet for 14+ days (0)" in message.text()
    assert all(row["quiet_days"] == "" for row in rows)


async def test_quiet_days_count_from_first_use_and_leave_out_organisers(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    organiser: Person,
    alice: Person,
    guild: Guild,
) -> None:
    await organiser.slash("help")
    await alice.slash("pipeline add", company="Acme")
    clock.advance(timedelta(days=10))
    bob = emulator.add_person("bob", guilds=[guild])
    await bob.slash("win", kind="networking", who="Ann")
    clock.advance(timedelta(days=6))
    message, rows = await report(organiser)
    text = message.text()
    assert "Quiet for 14+ days (1)" in text
    assert "alice (16 days)" in text
    assert "olga" not in text.split("Quiet for", 1)[1]
    by_id = {row["user_id"]: row for row in rows}
    assert by_id[str(alice.id)]["quiet_days"] == "16"
    assert by_id[str(bob.id)]["quiet_days"] == ""
    assert by_id[str(organiser.id)]["quiet_days"] == ""
