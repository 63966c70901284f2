"""The iCalendar file (RFC 5545): all-day events, stable ids, text that cannot break out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar

from bot.services import calendar as cal

CREATED = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def event(**changes: object) -> cal.CalendarEvent:
    values: dict[str, object] = {
        "kind": "followup",
        "row_id": 7,
        "day": date(2026, 11, 18),
        "summary": "Send a thank-you note · Acme",
        "description": "A follow-up.",
        "created": CREATED,
        "modified": CREATED,
    }
    values.update(changes)
    return cal.CalendarEvent(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_all_day_events_with_stable_ids_in_the_members_zone() -> None:
    member = cal.MemberCalendar("America/New_York", "d3pl0y", [event(), event(kind="interview")])
    data = cal.to_ics(member)
    assert data == cal.to_ics(member)  # the same rows make the same file, byte for byte
    parsed = icalendar.Calendar.from_ical(data)
    assert parsed["X-WR-TIMEZONE"] == "America/New_York"
    assert parsed["VERSION"] == "2.0" and parsed["PRODID"]
    first, second = parse(data)
    assert first["UID"] == "followup-7.d3pl0y@nextinterview"
    assert second["UID"] == "interview-7.d3pl0y@nextinterview"
    assert first.decoded("DTSTART") == date(2026, 11, 18)  # a date: VALUE=DATE, all day
    assert first.decoded("DTEND") == date(2026, 11, 19)
    assert "VALUE=DATE" in data.decode().replace("\r\n ", "")
    assert first.decoded("DTSTAMP") == CREATED and first["SEQUENCE"] == 0
    assert first["TRANSP"] == "TRANSPARENT"


def test_a_change_raises_the_sequence_and_last_modified() -> None:
    later = CREATED + timedelta(hours=2, seconds=5)
    moved = event(day=date(2026, 11, 21), modified=later)
    (parsed,) = parse(cal.to_ics(cal.MemberCalendar("UTC", "d", [moved])))
    assert parsed["SEQUENCE"] == 7205
    assert parsed.decoded("LAST-MODIFIED") == later
    assert parsed.decoded("DTSTAMP") == later


def test_member_text_cannot_add_events_or_properties() -> None:
    hostile = "Acme\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected; x, y \\ z" + "é" * 200
    data = cal.to_ics(cal.MemberCalendar("UTC", "d", [event(summary=hostile)]))
    (parsed,) = parse(data)
    # One event, its summary the text itself (TEXT values carry line breaks as \n).
    assert str(parsed["SUMMARY"]) == hostile.replace("\r\n", "\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_an_empty_calendar_is_still_a_valid_file() -> None:
    data = cal.to_ics(cal.MemberCalendar("UTC", "d", []))
    assert icalendar.Calendar.from_ical(data)["VERSION"] == "2.0"
    assert parse(data) == []
