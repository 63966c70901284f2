"""Follow-ups and interview dates in a calendar: the .ics file, and the private feed link."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import aiohttp
import icalendar

from bot.app import Running
from bot.clock import ManualClock
from discord_emulator import Emulator, Guild, Person
from tests.e2e.conftest import BotFactory

FEED = {"calendar_feed_url": "https://bot.example.org", "calendar_port": 0}


def events(data: bytes) -> dict[str, icalendar.Event]:
    """The file's events by UID (a repeated UID would be lost here, so count them too)."""
    found = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    by_uid = {str(e["UID"]): e for e in found}
    assert len(by_uid) == len(found), "two events share a UID"
    return by_uid


async def calendar_file(person: Person) -> bytes:
    reply = await person.slash("followups calendar")
    message = await reply.wait_message() if reply.kind == "deferred" else reply.message
    assert message.ephemeral
    ((name, data),) = message.attachments
    assert name == "next-interview.ics"
    return data


async def test_the_file_holds_open_follow_ups_and_interviews_with_stable_ids(
    bot: Running, alice: Person, clock: ManualClock
) -> None:
    await alice.slash("me timezone", tz="America/New_York")
    await alice.slash(
        "pipeline add", company="Acme", role="Data Lead", stage="talking", follow_up="wed"
    )
    acme = await bot.db.fetchval("SELECT opportunity_id FROM opportunities")
    await alice.slash("pipeline interview", opportunity=acme, on="2026-11-20")
    await alice.slash(
        "win", kind="networking", who="Bea", note="salary secret: 95k", follow_up="tomorrow"
    )
    first = await calendar_file(alice)
    assert icalendar.Calendar.from_ical(first)["X-WR-TIMEZONE"] == "America/New_York"
    found = events(first)
    shown = sorted((e.decoded("DTSTART"), str(e["SUMMARY"])) for e in found.values())
    assert shown == [
        (date(2026, 11, 17), "Send a thank-you note · Bea"),
        (date(2026, 11, 18), "Follow up · Acme"),
        (date(2026, 11, 20), "Interview: Acme (Data Lead)"),
        (date(2026, 11, 21), "Send a thank-you note · Acme"),
    ]
    for item in found.values():
        start = item.decoded("DTSTART")
        assert type(start) is date and item.decoded("DTEND") == start + timedelta(days=1)
    assert b"salary secret" not in first
    # The same rows make the same file: importing it again changes nothing.
    assert await calendar_file(alice) == first

    # A snooze moves the event (same UID, a higher SEQUENCE); a done one leaves the file.
    clock.advance(timedelta(hours=1))
    listing = await alice.slash("followups list")
    assert "Bea" in listing.message.text()
    await alice.click(listing.message, "1. +3 days")
    await alice.click(listing.message, "2. Done")
    later = events(await calendar_file(alice))
    assert set(later) < set(found)
    (bea,) = [uid for uid, e in found.items() if "Bea" in str(e["SUMMARY"])]
    assert later[bea].decoded("DTSTART") == date(2026, 11, 20)
    assert later[bea]["SEQUENCE"] > found[bea]["SEQUENCE"]
    assert later[bea].decoded("LAST-MODIFIED") > found[bea].decoded("LAST-MODIFIED")
    assert not [e for e in later.values() if str(e["SUMMARY"]) == "Follow up · Acme"]


async def test_an_empty_calendar_says_how_it_fills(bot: Running, alice: Person) -> None:
    reply = await alice.slash("followups calendar")
    assert "nothing in it yet" in reply.message.content
    ((_, data),) = reply.message.attachments
    assert events(data) == {}


async def test_ids_differ_between_members_and_are_kept_across_restarts(
    emulator: Emulator, run_bot: BotFactory, alice: Person, guild: Guild
) -> None:
    bob = emulator.add_person("bob", guilds=[guild])
    async with run_bot():
        await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
        await bob.slash("win", kind="networking", who="Cy", follow_up="tomorrow")
        alices = set(events(await calendar_file(alice)))
        assert alices.isdisjoint(events(await calendar_file(bob)))
    async with run_bot():
        assert set(events(await calendar_file(alice))) == alices


async def test_without_a_feed_configured_the_member_is_told_what_works(
    bot: Running, alice: Person
) -> None:
    reply = await alice.slash("me calendar", action="rotate")
    assert reply.message.ephemeral
    assert "`/followups calendar`" in reply.message.content
    assert await bot.db.fetchval("SELECT count(*) FROM calendar_feeds") == 0


def feed_link(text: str) -> tuple[str, str]:
    """The webcal link shown, and the token in it."""
    match = re.search(r"webcal://bot\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics", text)
    assert match, text
    return match.group(0), match.group(1)


async def fetch(running: Running, token: str) -> tuple[int, bytes, str]:
    port = running.bot.calendar_feed.port
    url = f"http://127.0.0.1:{port}/calendar/{token}.ics"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


async def test_a_private_feed_link_that_can_be_rotated_and_turned_off(
    emulator: Emulator, run_bot: BotFactory, alice: Person, guild: Guild
) -> None:
    async with run_bot(**FEED) as running:
        await alice.slash("win", kind="networking", who="Bea", follow_up="tomorrow")
        reply = await alice.slash("me calendar", action="rotate")
        assert reply.message.ephemeral
        _, token = feed_link(reply.message.content)
        assert f"https://bot.example.org/calendar/{token}.ics" in reply.message.content
        # Only a hash is stored: the database alone gives no working link.
        stored = await running.db.fetchval("SELECT token_hash FROM calendar_feeds")
        assert stored and token not in stored
        status, body, kind = await fetch(running, token)
        assert status == 200 and kind.startswith("text/calendar")
        assert [str(e["SUMMARY"]) for e in events(body).values()] == ["Send a thank-you note · Bea"]
        assert body == await calendar_file(alice)

        again = await alice.slash("me calendar", action="rotate")
        _, new_token = feed_link(again.message.content)
        assert "old link stopped working" in again.message.content
        assert (await fetch(running, token))[0] == 404
        assert (await fetch(running, new_token))[0] == 200

        off = await alice.slash("me calendar", action="off")
        assert "off" in off.message.content
        assert (await fetch(running, new_token))[0] == 404
        for wrong in ("nope", "x" * 400, new_token.upper(), "%00"):
            assert (await fetch(running, wrong))[0] == 404
        off_again = await alice.slash("me calendar", action="off")
        assert "no calendar link" in off_again.message.content
    # A restart keeps a link working (it is the database's, not the process's).
    async with run_bot(**FEED) as running:
        relink = await alice.slash("me calendar", action="rotate")
        _, token = feed_link(relink.message.content)
    async with run_bot(**FEED) as running:
        assert (await fetch(running, token))[0] == 200
        # /me delete removes the link with everything else.
        asked = await alice.slash("me delete")
        await alice.click(asked.message, "Delete everything")
        for _ in range(100):
            if not await running.db.fetchval("SELECT count(*) FROM calendar_feeds"):
                break
            await asyncio.sleep(0.02)
        assert (await fetch(running, token))[0] == 404
