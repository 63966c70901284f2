"""CALENDAR_FEED_URL and CALENDAR_PORT: both or neither, each problem one line naming the fix."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("CALENDAR_FEED_URL", "CALENDAR_PORT", "CALENDAR_HOST", "METRICS_PORT"):
        monkeypatch.delenv(key, raising=False)


def test_off_by_default() -> None:
    settings = load_settings(None)
    assert settings.calendar_feed_url is None and settings.calendar_port is None
    assert settings.calendar_host == "127.0.0.1"
    assert not settings.calendar_feeds


def test_on_with_both() -> None:
    settings = load_settings(
        None, calendar_feed_url=" https://bot.example.org/ ", calendar_port="8765"
    )
    assert settings.calendar_feed_url == "https://bot.example.org"
    assert settings.calendar_port == 8765 and settings.calendar_feeds


def test_blank_values_mean_unset() -> None:
    settings = load_settings(None, calendar_feed_url="", calendar_port="")
    assert not settings.calendar_feeds


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"calendar_feed_url": "https://bot.example.org"}, ("CALENDAR_PORT",)),
        ({"calendar_port": "8765"}, ("CALENDAR_FEED_URL",)),
        ({"calendar_feed_url": "bot.example.org", "calendar_port": "8765"}, ("https://",)),
        (
            {"calendar_feed_url": "https://bot.example.org/?a=1", "calendar_port": "8765"},
            ("CALENDAR_FEED_URL",),
        ),
        ({"calendar_feed_url": "https://x.org", "calendar_port": "70000"}, ("CALENDAR_PORT",)),
        (
            {"calendar_feed_url": "https://x.org", "calendar_port": "9108", "metrics_port": "9108"},
            ("CALENDAR_PORT", "METRICS_PORT"),
        ),
    ],
)
def test_each_problem_is_one_line_naming_the_fix(values: dict[str, str], words: tuple[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, **values)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message
