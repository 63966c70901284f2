"""Privacy: export everything, delete everything (schema walked), and nothing private in
any public message."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from bot.db.privacy import personal_tables
from discord_emulator import Emulator, Guild, Person

# Tables that hold no data about a person. A new table must either have a user_id column
# (so export and delete find it) or be added here on purpose.
NOT_PERSONAL = {"guilds", "bot_meta", "group_points", "group_schedules"}


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def fill_everything(alice: Person, organiser: Person, guild: Guild) -> None:
    """Touch every feature so every table has rows about alice."""
    await organiser.slash("setup channel", channel=guild.channel("general"))
    await organiser.slash("setup announce-wins", state="on")
    await alice.slash("me timezone", tz="Europe/Paris")
    await alice.slash("pipeline add", company="Acme", stage="talking")
    await alice.slash(
        "win",
        kind="interview",
        who="SecretCounterpart",
        note="PRIVATE-NOTE-1",
        follow_up="tomorrow",
    )
    await alice.slash("me leaderboard", visibility="show")
    reply = await alice.slash("exercise start", name="what-i-want")
    await reply.wait_message()
    await alice.next_dm()
    question = await alice.next_dm()
    await alice.click(question, "Something new")
    for answer in (
        "PRIVATE-ANSWER-2\ndone",
        "PRIVATE-ANSWER-3",
        "because",
        "skip",
        "Q1?\nQ2?\ndone",
    ):
        await alice.dm(answer)
    while True:
        message = await alice.next_dm()
        if message.buttons() and "All: First interview" in message.buttons():
            question = message
            break
    for choice in ("All: First interview", "All: The boss"):  # each sorts every question
        await alice.click(question, choice)
        while True:
            message = await alice.next_dm()
            if message.buttons():
                question = message
                break


async def test_export_has_every_table(
    bot: Running, alice: Person, organiser: Person, guild: Guild
) -> None:
    await fill_everything(alice, organiser, guild)
    reply = await alice.slash("me export")
    message = await reply.followup()
    files = dict(message.attachments)
    data = json.loads(files["my-data.json"])
    tables = data["tables"]
    assert tables["wins"][0]["note"] == "PRIVATE-NOTE-1"
    assert tables["opportunities"][0]["company"] == "Acme"
    assert tables["follow_ups"] and tables["members"] and tables["users"]
    assert tables["exercise_runs"][0]["state"]["answers"]["wants"] == ["PRIVATE-ANSWER-2"]
    assert "PRIVATE-ANSWER-3" in files["my-exercises.md"].decode()
    for table in await personal_tables(bot.db):
        assert table in tables


async def test_delete_removes_every_row_and_keeps_others(
    emulator: Emulator, bot: Running, alice: Person, organiser: Person, guild: Guild
) -> None:
    await fill_everything(alice, organiser, guild)
    await organiser.slash("win", kind="networking", who="Ann")
    reply = await alice.slash("me delete")
    assert "can't be undone" in reply.message.content
    kept = await alice.click(reply.message, "Keep my data")
    assert "Nothing was deleted" in kept.message.content
    reply = await alice.slash("me delete")
    done = await alice.click(reply.message, "Delete everything")
    await done.wait_text("records about you are gone", timeout=10)
    for table in await personal_tables(bot.db):
        left = await bot.db.fetchval(
            f'SELECT count(*) FROM "{table}" WHERE user_id = ?', (alice.id,)
        )
        assert left == 0, f"{table} still has rows about the deleted member"
    assert (
        await bot.db.fetchval("SELECT count(*) FROM wins WHERE user_id = ?", (organiser.id,)) == 1
    )


async def test_schema_has_no_forgotten_personal_table(bot: Running) -> None:
    all_tables = set(await bot.db.tables())
    personal = set(await personal_tables(bot.db))
    assert all_tables - personal == NOT_PERSONAL, (
        "a table without user_id: add the column (so export/delete find it) or list it in "
        "NOT_PERSONAL on purpose"
    )


async def test_nothing_private_reaches_a_public_message(
    emulator: Emulator,
    bot: Running,
    clock: ManualClock,
    alice: Person,
    organiser: Person,
    guild: Guild,
) -> None:
    await fill_everything(alice, organiser, guild)
    checkin_at = datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC)
    for when in (
        checkin_at,
        datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC),
    ):
        clock.set(when)
        await bot.scheduler.idle()
        if when == checkin_at:
            checkin = await emulator.next_message(guild.channel("general"))
            while "check-in" not in checkin.text():
                checkin = await emulator.next_message(guild.channel("general"))
            modal = await alice.click(checkin, "Set a private goal")
            done = await alice.submit_modal(
                modal,
                {
                    "How many next conversations this week?": "2",
                    "Your plan (private, optional)": "PRIVATE-PLAN-4",
                },
            )
            await done.followup()
    public = [m for m in emulator.sent_messages if m.guild_id is not None and not m.ephemeral]
    assert len(public) >= 5, "the scan needs the weekly posts and the win announcement"
    secrets = (
        "PRIVATE-NOTE-1",
        "PRIVATE-ANSWER-2",
        "PRIVATE-ANSWER-3",
        "PRIVATE-PLAN-4",
        "SecretCounterpart",
    )
    for message in public:
        for secret in secrets:
            assert secret not in message.text(), f"{secret} leaked into {message!r}"
