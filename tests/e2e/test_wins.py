"""/win and /wins end to end: good and bad input, suggestions, announcements, removal."""

from __future__ import annotations

import pytest

from bot.app import Running
from discord_emulator import Emulator, Guild, Person


async def count(running: Running, table: str) -> int:
    return int(await running.db.fetchval(f"SELECT count(*) FROM {table}"))


async def enable_announcements(running: Running, guild: Guild, channel_id: int) -> None:
    # /setup arrives with the group-rhythm feature; until then the row is set directly.
    await running.db.execute(
        """
        INSERT INTO guilds (guild_id, name, joined_at, announce_wins, channel_id)
        VALUES (?, 'x', '2026-01-01T00:00:00.000000Z', 1, ?)
        ON CONFLICT (guild_id) DO UPDATE SET announce_wins = 1, channel_id = excluded.channel_id
        """,
        (guild.id, channel_id),
    )


async def test_log_interview_with_suggestions(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="interview", who="Acme Corp", note="went well")
    message = reply.message
    assert message.ephemeral
    embed = message.embeds[0]
    assert "job interview with Acme Corp" in embed["title"]
    assert "+3 points" in embed["description"]
    assert "goal of 1 reached" in embed["description"]
    # The clock starts Monday 16 Nov: a thank-you tomorrow, a status check in a week.
    assert message.buttons() == [
        "Add: Send a thank-you note (Tue 17 Nov)",
        "Add: Ask where they are in their process (Mon 23 Nov)",
        "No thanks",
    ]
    added = await alice.click(message, "Add: Send a thank-you note (Tue 17 Nov)")
    assert "Added" in added.message.content and added.message.ephemeral
    again = await alice.click(message, "Add: Send a thank-you note (Tue 17 Nov)")
    assert "already on your list" in again.message.content
    rows = await bot.db.fetchall("SELECT person, reason, due_on FROM follow_ups")
    assert [tuple(r) for r in rows] == [("Acme Corp", "Send a thank-you note", "2026-11-17")]
    declined = await alice.click(message, "No thanks")
    assert declined.kind == "update"
    assert declined.message.buttons() == []


@pytest.mark.parametrize(
    ("kind", "buttons"),
    [
        (
            "networking",
            [
                "Add: Send a thank-you note (Tue 17 Nov)",
                "Add: Check back with an update (Mon 30 Nov)",
                "No thanks",
            ],
        ),
        ("intro", ["Add: Set up the meeting yourself (Wed 18 Nov)", "No thanks"]),
        ("follow-up", []),
    ],
)
async def test_suggestions_follow_the_method(
    bot: Running, alice: Person, kind: str, buttons: list[str]
) -> None:
    reply = await alice.slash("win", kind=kind, who="Dana")
    assert reply.message.buttons() == buttons


async def test_offer_suggests_the_offer_exercise(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="offer", who="Globex")
    text = reply.message.text()
    assert "+5 points" in text
    assert "/exercise start name:offer" in text


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"who": "   "}, "Tell me who"),
        ({"who": "Acme", "when": "2026-12-01"}, "in the future"),
        ({"who": "Acme", "when": "someday"}, "can't read"),
        ({"who": "Acme", "when": "0999-12-31"}, "more than a year ago"),
        ({"who": "Acme", "when": "0001-01-01"}, "more than a year ago"),
        ({"who": "Acme", "when": "9999-12-31"}, "in the future"),
        ({"who": "Acme", "when": "2026-02-31"}, "not a real date"),
        ({"who": "Acme", "follow_up": "0001-01-01"}, "has passed"),
        ({"who": "Acme", "follow_up": "9999-12-31"}, "more than a year"),
        ({"who": "\u200b\u200b\u2060"}, "Tell me who"),
        ({"who": "\x00\x07\u202e"}, "Tell me who"),
        ({"who": "Acme", "follow_up": "2026-11-01"}, "has passed"),
        ({"who": "Acme", "follow_up": "2028-01-01"}, "more than a year"),
        ({"who": "Acme", "opportunity": 999}, "can't find that opportunity"),
    ],
)
async def test_bad_input_is_refused_and_stores_nothing(
    bot: Running, alice: Person, options: dict[str, object], problem: str
) -> None:
    reply = await alice.slash("win", kind="networking", **options)
    assert reply.message.ephemeral
    assert problem in reply.message.content
    assert await count(bot, "wins") == 0
    assert await count(bot, "follow_ups") == 0


async def test_discord_enforces_text_limits(bot: Running, alice: Person) -> None:
    with pytest.raises(ValueError, match="who"):
        await alice.slash("win", kind="networking", who="x" * 101)
    with pytest.raises(ValueError, match="note"):
        await alice.slash("win", kind="networking", who="Acme", note="x" * 1001)


async def test_past_dates_and_follow_up_option(bot: Running, alice: Person) -> None:
    reply = await alice.slash("win", kind="informational", who="Bea", when="friday", follow_up="3d")
    assert "Fri 13 Nov" in reply.message.embeds[0]["description"]
    assert "Thu 19 Nov" in reply.message.text()
    row = await bot.db.fetchone("SELECT happened_on FROM wins")
    assert row["happened_on"] == "2026-11-13"
    due = await bot.db.fetchval("SELECT due_on FROM follow_ups")
    assert due == "2026-11-19"


async def test_date_autocomplete_shows_resolved_dates(bot: Running, alice: Person) -> None:
    choices = await alice.autocomplete("win", "when", "yes", kind="interview", who="Acme")
    assert choices == [{"name": "yesterday (Sun 15 Nov)", "value": "yesterday"}]
    choices = await alice.autocomplete("win", "follow_up", "2w", kind="interview", who="Acme")
    assert choices[0] == {"name": "2w (Mon 30 Nov)", "value": "2w"}


async def test_announcement_is_short_and_private_parts_stay_private(
    emulator: Emulator, bot: Running, alice: Person, guild: Guild
) -> None:
    channel = guild.channel("wins")
    await enable_announcements(bot, guild, channel.id)
    await alice.slash("win", kind="interview", who="Secret Co", note="salary 123k private")
    posted = await emulator.next_message(channel)
    assert "job interview" in posted.content
    assert "Secret Co" not in posted.text()
    assert "salary" not in posted.text()
    await alice.slash("win", kind="networking", who="Open Co", share=True)
    shared = await emulator.next_message(channel)
    assert "Open Co" in shared.content
    for message in emulator.sent_messages:
        if not message.ephemeral and message.guild_id:
            assert "salary 123k" not in message.text()


async def test_no_announcement_unless_turned_on(
    emulator: Emulator, bot: Running, alice: Person, guild: Guild
) -> None:
    await alice.slash("win", kind="interview", who="Acme")
    assert not [m for m in emulator.sent_messages if m.guild_id and not m.ephemeral]


async def test_wins_list_and_remove_with_confirmation(bot: Running, alice: Person) -> None:
    for who in ("Ann", "Ben", "Cal"):
        await alice.slash("win", kind="networking", who=who)
    listing = await alice.slash("wins")
    text = listing.message.text()
    assert all(name in text for name in ("Ann", "Ben", "Cal"))
    ben = await bot.db.fetchval("SELECT win_id FROM wins WHERE who = 'Ben'")
    confirm = await alice.select(listing.message, [str(ben)])
    assert "can't be undone" in confirm.message.content
    kept = await alice.click(confirm.message, "Keep it")
    assert "Nothing changed" in kept.message.content
    assert await count(bot, "wins") == 3
    confirm = await alice.select(listing.message, [str(ben)])
    removed = await alice.click(confirm.message, "Remove it")
    assert f"Removed win #{ben}" in removed.message.content
    assert await count(bot, "wins") == 2


async def test_wins_paginates(bot: Running, alice: Person) -> None:
    for index in range(23):
        await alice.slash("win", kind="networking", who=f"Contact {index}")
    listing = await alice.slash("wins", period="all")
    assert "Page 1 of 3" in listing.message.text()
    page2 = await alice.click(listing.message, "Next")
    assert "Page 2 of 3" in page2.message.text()


async def test_someone_else_cannot_press_my_buttons(
    emulator: Emulator, bot: Running, alice: Person, guild: Guild
) -> None:
    await alice.slash("win", kind="networking", who="Ann")
    listing = await alice.slash("wins")
    bob = emulator.add_person("bob", guilds=[guild])
    with pytest.raises(AssertionError, match="ephemeral"):
        await bob.click(listing.message, "Next")


async def test_win_counts_in_every_group_of_the_member(
    emulator: Emulator, bot: Running, alice: Person, guild: Guild
) -> None:
    other = emulator.add_guild("Second Club")
    alice.join(other)
    await alice.slash("help", guild=other)
    await alice.slash("win", kind="interview", who="Acme", guild=guild)
    rows = await bot.db.fetchall(
        "SELECT m.guild_id FROM wins w JOIN members m USING (user_id) ORDER BY m.guild_id"
    )
    assert sorted(r[0] for r in rows) == sorted([guild.id, other.id])
