"""Time zones are places (Europe/Paris), never abbreviations or fixed offsets (EST, Etc/GMT+5)."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, load_settings
from bot.errors import InvalidInput
from bot.services.profile import (
    ABBREVIATIONS,
    LEGACY,
    check_zone,
    parse_zone,
    suggest_zones,
    zone_names,
)

REFUSED = [
    "EST",
    "MST",
    "HST",
    "EST5EDT",
    "PST8PDT",
    "CET",
    "WET",
    "GMT",
    "GMT+0",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "Etc/UTC",
    "Zulu",
    "UCT",
    "US/Eastern",
    "Canada/Pacific",
    "GB",
    "Japan",
    "Factory",
    "localtime",
]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        (" europe/paris ", "Europe/Paris"),
        ("America/New York", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Antarctica/Troll", "Antarctica/Troll"),
        ("Arctic/Longyearbyen", "Arctic/Longyearbyen"),
        ("Indian/Maldives", "Indian/Maldives"),
    ],
)
def test_region_names_and_utc_are_accepted(typed: str, key: str) -> None:
    assert parse_zone(typed).key == key


@pytest.mark.parametrize("typed", REFUSED)
def test_abbreviations_offsets_and_legacy_names_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_zone(typed)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("EST", "America/New_York"),
        ("edt", "America/New_York"),
        ("ET", "America/New_York"),
        ("CST", "America/Chicago"),
        ("CDT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("PST", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("GMT", "Europe/London"),
        ("BST", "Europe/London"),
        ("CET", "Europe/Paris"),
        ("CEST", "Europe/Paris"),
        ("EET", "Europe/Athens"),
        ("IST", "Asia/Kolkata"),
        ("JST", "Asia/Tokyo"),
        ("AEST", "Australia/Sydney"),
        ("HST", "Pacific/Honolulu"),
        ("EST5EDT", "America/New_York"),
        ("US/Pacific", "America/Los_Angeles"),
        ("GB", "Europe/London"),
        ("Etc/UTC", "UTC"),
        ("Zulu", "UTC"),
    ],
)
def test_refusals_suggest_the_region(typed: str, suggested: str) -> None:
    assert check_zone(typed).instead[0] == suggested
    with pytest.raises(InvalidInput, match=suggested):
        parse_zone(typed)


def test_offsets_without_a_region_get_a_general_hint() -> None:
    for typed in ("Etc/GMT+5", "UTC+2", "+05:30", "Mars/Olympus"):
        with pytest.raises(InvalidInput, match="Europe/Berlin"):
            parse_zone(typed)


def test_refusal_of_a_long_value_is_short() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_zone("`" * 4000)
    assert len(info.value.message) < 300


@given(st.text(max_size=60))
def test_any_text_is_a_region_or_refused(typed: str) -> None:
    try:
        zone = parse_zone(typed)
    except InvalidInput as exc:
        assert exc.message
        return
    assert zone.key == "UTC" or zone.key in zone_names()


def test_zone_names_are_regions_only() -> None:
    names = zone_names()
    assert "Europe/Paris" in names and "America/Indiana/Indianapolis" in names
    for name in names:
        assert check_zone(name).key == name
        assert name.split("/")[0] in {
            "Africa",
            "America",
            "Antarctica",
            "Arctic",
            "Asia",
            "Atlantic",
            "Australia",
            "Europe",
            "Indian",
            "Pacific",
        }


@pytest.mark.parametrize("typed", ["", "est", "EST", "gmt", "us", "etc", "utc", "mst", "a", "GB"])
def test_autocomplete_offers_only_accepted_names(typed: str) -> None:
    offered = suggest_zones(typed)
    assert len(offered) <= 25
    for name in offered:
        assert check_zone(name).key == name


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("cet", "Europe/Paris"),
        ("US/Eastern", "America/New_York"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("utc", "UTC"),
    ],
)
def test_autocomplete_puts_the_region_first(typed: str, first: str) -> None:
    assert suggest_zones(typed)[0] == first


@given(st.text(max_size=4000))
def test_autocomplete_never_fails(typed: str) -> None:
    assert all(0 < len(name) <= 100 for name in suggest_zones(typed))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("EST", "America/New_York"),
        ("Etc/GMT+5", "fixed offset"),
        ("US/Eastern", "America/New_York"),
        ("Mars/Olympus", "unknown time zone"),
    ],
)
def test_default_timezone_follows_the_same_rule(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", value)
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings(None)
    assert str(info.value).startswith("DEFAULT_TIMEZONE")
    assert "\n" not in str(info.value)


def test_default_timezone_accepts_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "America/Chicago")
    assert load_settings(None).default_timezone == "America/Chicago"
    monkeypatch.setenv("DEFAULT_TIMEZONE", "utc")
    assert load_settings(None).default_timezone == "UTC"


def test_every_suggested_region_is_accepted() -> None:
    targets = {zone for zones in ABBREVIATIONS.values() for zone in zones} | set(LEGACY.values())
    for zone in targets:
        assert check_zone(zone).key == zone


def test_every_refused_database_name_gets_a_region_or_is_an_offset() -> None:
    for name in available_timezones():
        check = check_zone(name)
        if check.key is None:
            assert check.instead or check.why == "offset" or name in ("Factory", "localtime")
