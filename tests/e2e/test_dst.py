"""Post times across DST changes, in two zones: once per week, never twice, never lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, EmulatorTimeout, Guild, Person

AUTUMN = datetime(2026, 10, 23, 12, tzinfo=UTC)
SPRING = datetime(2027, 3, 12, 12, tzinfo=UTC)


async def configure(admin: Person, guild: Guild, zone: str, day: str, at: str) -> None:
    await admin.slash("setup channel", channel=guild.channel("general"), guild=guild)
    await admin.slash("setup timezone", tz=zone, guild=guild)
    await admin.slash("setup schedule", post="checkin", day=day, time=at, guild=guild)


async def tick(running: Running, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    await running.scheduler.idle()


async def quiet(emulator: Emulator, guild: Guild) -> None:
    with pytest.raises(EmulatorTimeout):
        await emulator.next_message(guild.channel("general"), timeout=0.3)


@pytest.mark.clock_start(AUTUMN)
async def test_autumn_overlap_posts_once_in_two_zones(
    emulator: Emulator, clock: ManualClock, run_bot: object, guild: Guild
) -> None:
    paris = guild
    new_york = emulator.add_guild("NY Club", channels=("general",))
    admin = emulator.add_person("olga", guilds=[paris, new_york], manage_guild=True)
    async with run_bot() as running:  # type: ignore[operator]
        # 02:30 happens twice in Paris on Sunday 25 October; 01:30 twice in New York on 1 Nov.
        await configure(admin, paris, "Europe/Paris", "sun", "02:30")
        await configure(admin, new_york, "America/New_York", "sun", "01:30")
        await tick(running, clock, datetime(2026, 10, 25, 0, 30, 30, tzinfo=UTC))  # 02:30 CEST
        assert "check-in" in (await emulator.next_message(paris.channel("general"))).text()
        await tick(running, clock, datetime(2026, 10, 25, 1, 30, 30, tzinfo=UTC))  # 02:30 CET
        await quiet(emulator, paris)
        await tick(running, clock, datetime(2026, 11, 1, 5, 30, 30, tzinfo=UTC))  # 01:30 EDT
        assert "check-in" in (await emulator.next_message(new_york.channel("general"))).text()
        await tick(running, clock, datetime(2026, 11, 1, 6, 30, 30, tzinfo=UTC))  # 01:30 EST
        await quiet(emulator, new_york)
        # Paris posted its 1 November check-in (02:30 CET) on the way; a week later, again.
        assert "check-in" in (await emulator.next_message(paris.channel("general"))).text()
        await tick(running, clock, datetime(2026, 11, 8, 1, 30, 30, tzinfo=UTC))
        assert "check-in" in (await emulator.next_message(paris.channel("general"))).text()
        await quiet(emulator, paris)
        periods = await running.db.fetchall(
            "SELECT target_id, period FROM deliveries WHERE kind = 'post:checkin' ORDER BY 1, 2"
        )
        assert [tuple(p) for p in periods] == sorted(
            [
                (paris.id, "2026-10-19"),
                (paris.id, "2026-10-26"),
                (paris.id, "2026-11-02"),
                (new_york.id, "2026-10-26"),
            ]
        )


@pytest.mark.clock_start(SPRING)
async def test_spring_gap_posts_once_an_hour_later(
    emulator: Emulator, clock: ManualClock, run_bot: object, guild: Guild
) -> None:
    admin = emulator.add_person("olga", guilds=[guild], manage_guild=True)
    async with run_bot() as running:  # type: ignore[operator]
        # 02:30 does not exist in New York on Sunday 14 March 2027.
        await configure(admin, guild, "America/New_York", "sun", "02:30")
        await tick(running, clock, datetime(2027, 3, 14, 7, 0, tzinfo=UTC))  # 03:00 EDT
        await quiet(emulator, guild)
        await tick(running, clock, datetime(2027, 3, 14, 7, 30, 30, tzinfo=UTC))  # 03:30 EDT
        assert "check-in" in (await emulator.next_message(guild.channel("general"))).text()
        await tick(running, clock, datetime(2027, 3, 14, 12, tzinfo=UTC))
        await quiet(emulator, guild)
