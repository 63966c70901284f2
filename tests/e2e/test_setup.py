"""/setup end to end: every command with good and bad input, and as a non-admin."""

from __future__ import annotations

import discord
import pytest

from bot.app import Running
from discord_emulator import CommandNotVisible, Emulator, Guild, Person


@pytest.fixture
def organiser(emulator: Emulator, guild: Guild) -> Person:
    return emulator.add_person("olga", guilds=[guild], manage_guild=True)


async def test_members_cannot_use_setup(
    emulator: Emulator, bot: Running, alice: Person, guild: Guild
) -> None:
    with pytest.raises(CommandNotVisible):
        await alice.slash("setup show")
    # A server can open the command to everyone; the bot still refuses.
    emulator.open_command(guild, "setup")
    reply = await alice.slash("setup timezone", tz="Europe/Paris")
    assert "Only members with **Manage Server**" in reply.message.content
    assert await bot.db.fetchval("SELECT timezone FROM guilds") == "UTC"


async def test_channel_needs_the_bots_permissions(
    emulator: Emulator, bot: Running, organiser: Person, guild: Guild
) -> None:
    wins = guild.channel("wins")
    emulator.set_bot_permissions(wins, deny=discord.Permissions(attach_files=True))
    refused = await organiser.slash("setup channel", channel=wins)
    assert "I'm missing **Attach Files** there" in refused.message.content
    assert await bot.db.fetchval("SELECT channel_id FROM guilds") is None
    accepted = await organiser.slash("setup channel", channel=guild.channel("general"))
    assert "Weekly posts will go to" in accepted.message.content
    assert "Check-in: Mon 09:00 (next Mon 16 Nov 09:00)" in accepted.message.content


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("setup timezone", {"tz": "Mars/Olympus"}, "not a time zone I know"),
        ("setup schedule", {"post": "recap", "day": "fri", "time": "25:00"}, "not a time of day"),
        ("setup schedule", {"post": "recap", "day": "fri", "time": "soon"}, "not a time"),
        ("setup pause", {"until": "2026-11-01"}, "has passed"),
    ],
)
async def test_bad_input_changes_nothing(
    bot: Running, organiser: Person, command: str, options: dict[str, str], expected: str
) -> None:
    await organiser.slash("setup show")
    before = [tuple(r) for r in await bot.db.fetchall("SELECT * FROM guilds")]
    reply = await organiser.slash(command, **options)
    assert expected in reply.message.content and reply.message.ephemeral
    assert [tuple(r) for r in await bot.db.fetchall("SELECT * FROM guilds")] == before
    assert await bot.db.fetchval("SELECT count(*) FROM group_schedules") == 0


async def test_every_setting_shows_up(bot: Running, organiser: Person, guild: Guild) -> None:
    await organiser.slash("setup channel", channel=guild.channel("general"))
    tz = await organiser.slash("setup timezone", tz="America/New_York")
    assert "America/New_York" in tz.message.content
    moved = await organiser.slash("setup schedule", post="recap", day="thu", time="17:30")
    assert "Thu 17:30" in moved.message.content
    off = await organiser.slash("setup schedule", post="followups", day="wed", time="off")
    assert "is off" in off.message.content
    points = await organiser.slash("setup points", kind="interview", points=4)
    assert "**4 points**" in points.message.content
    announce = await organiser.slash("setup announce-wins", state="on")
    assert "**on**" in announce.message.content
    nudges = await organiser.slash("setup nudges", state="on", days=21)
    assert "after 21 days" in nudges.message.content
    await organiser.slash("setup partners", state="on", every=3)
    await organiser.slash("setup exchange", state="off")
    paused = await organiser.slash("setup pause", until="2026-12-24")
    assert "Thu 24 Dec" in paused.message.content
    shown = (await organiser.slash("setup show")).message.text()
    for expected in (
        "America/New_York",
        "Recap: Thu 17:30",
        "Follow-up prompt: off",
        "interview 4",
        "after 21 days",
        "Paused up to and including Thu 24 Dec",
        "Accountability partners\non, new pairs every 3 weeks",
        "Introduction exchange\noff",
    ):
        assert expected in shown, expected
    resumed = await organiser.slash("setup resume")
    assert "back on" in resumed.message.content
    assert "Paused" not in (await organiser.slash("setup show")).message.text()


async def test_points_change_what_a_win_earns(bot: Running, organiser: Person) -> None:
    await organiser.slash("setup points", kind="networking", points=7)
    win = await organiser.slash("win", kind="networking", who="Ann")
    assert "+7 points" in win.message.text()


async def test_welcome_when_the_bot_joins(emulator: Emulator, bot: Running) -> None:
    guild = emulator.add_guild("New Club", channels=("lobby",))
    hello = await emulator.next_message(guild.channel("lobby"))
    assert "Thanks for adding **Next Interview**" in hello.content
    assert "/setup channel" in hello.content


async def test_default_timezone_applies_to_new_groups_and_members(
    run_bot: object, organiser: Person, alice: Person, guild: Guild, clock: object
) -> None:
    from datetime import timedelta

    async with run_bot(default_timezone="Pacific/Auckland") as running:  # type: ignore[operator]
        shown = (await organiser.slash("setup show")).message.text()
        assert "Pacific/Auckland" in shown
        # Monday 12:00 UTC is already Tuesday 01:00 in Auckland: the win is dated Tuesday.
        clock.advance(timedelta(hours=4))  # type: ignore[attr-defined]
        await alice.slash("win", kind="networking", who="Ann")
        assert await running.db.fetchval("SELECT happened_on FROM wins") == "2026-11-17"
        assert (
            await running.db.fetchval("SELECT timezone FROM users WHERE user_id = ?", (alice.id,))
            is None
        )
        zone = await running.db.fetchval(
            "SELECT value FROM bot_meta WHERE key = 'default_timezone'"
        )
        assert zone == "Pacific/Auckland"
        stats = await alice.slash("me timezone", tz="Europe/Paris")
        assert "Europe/Paris" in stats.message.content
