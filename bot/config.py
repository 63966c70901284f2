"""Typed settings from the environment and a ``.env`` file.

Every problem becomes a :class:`ConfigError` carrying one line that names the key and the fix;
the CLI prints that line and exits with code 2, so a self-hoster never sees a traceback for a
typo. The token is a ``SecretStr`` so it cannot leak through ``repr`` or logs.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.services.profile import check_zone

# Three dot-separated base64url parts: the bot's user id, a timestamp, an HMAC.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")

# The fix for each key, shown with the problem so one line is enough to act on.
FIXES: dict[str, str] = {
    "discord_token": "copy the token from the Developer Portal (Bot > Reset Token) into "
    "DISCORD_TOKEN in .env",
    "discord_application_id": "set DISCORD_APPLICATION_ID to the Application ID shown on the "
    "Developer Portal's General Information page",
    "database_path": "point DATABASE_PATH at a file in a directory the bot can write to",
    "database_url": "use a URL such as postgresql://user@host:5432/nextinterview, or remove "
    "DATABASE_URL to use the SQLite file at DATABASE_PATH",
    "dev_guild_id": "set DEV_GUILD_ID to a server id (Developer Mode on, right-click the "
    "server, Copy Server ID) or remove it",
    "log_level": "use one of DEBUG, INFO, WARNING, ERROR",
    "discord_api_base": "use a full URL such as https://discord.com/api/v10 or remove "
    "DISCORD_API_BASE",
    "discord_gateway_url": "use a ws:// or wss:// URL such as wss://gateway.discord.gg/ or "
    "remove DISCORD_GATEWAY_URL",
    "shard_count": "set SHARD_COUNT to a whole number of at least 1, or remove it",
    "shard_ids": "set SHARD_IDS to comma-separated numbers below SHARD_COUNT, e.g. 0,1",
    "default_timezone": "use a place's IANA time zone name such as Europe/Paris or "
    "America/New_York, or UTC",
    "exercises_dir": "point EXERCISES_DIR at a folder of exercise .toml files, or remove it",
    "metrics_port": "set METRICS_PORT to a port number (1-65535) or remove it",
    "rest_budget": "set REST_BUDGET to requests per second for this process's background "
    "sends (above 0, at most 50), or remove it",
    "metrics_host": "set METRICS_HOST to an address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
    "log_format": "use text or json",
    "calendar_feed_url": "set CALENDAR_FEED_URL to the public https:// address members' "
    "calendar apps reach the bot at (e.g. https://bot.example.org) together with CALENDAR_PORT, "
    "or remove both",
    "calendar_port": "set CALENDAR_PORT to the port the calendar feed listens on (1-65535), "
    "behind your reverse proxy",
    "calendar_host": "set CALENDAR_HOST to an address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
    "calendar": "set both CALENDAR_FEED_URL (the public https:// address calendar apps reach) "
    "and CALENDAR_PORT (a port of its own, not METRICS_PORT), or neither",
}


class ConfigError(Exception):
    """A configuration problem with a one-line, actionable message."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment. See ``.env.example``."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = None
    discord_application_id: int | None = Field(default=None, gt=0)
    database_path: Path = Path("data/nextinterview.db")
    database_url: str | None = None
    dev_guild_id: int | None = Field(default=None, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    default_timezone: str = "UTC"
    exercises_dir: Path | None = None
    rest_budget: float | None = Field(default=None, gt=0, le=50)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    log_format: Literal["text", "json"] = "text"
    calendar_feed_url: str | None = None
    calendar_port: int | None = Field(default=None, ge=0, le=65535)
    calendar_host: str = "127.0.0.1"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("exercises_dir", mode="before")
    @classmethod
    def _blank_path_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("exercises_dir")
    @classmethod
    def _check_exercises_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("only PostgreSQL URLs (postgresql://...) are supported")
        return value

    @property
    def database_target(self) -> str | Path:
        """What the bot opens: the PostgreSQL URL if set, else the SQLite file."""
        return self.database_url or self.database_path

    @field_validator(
        "discord_token", "discord_api_base", "discord_gateway_url", "database_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # `KEY=` in .env means "not set", not "set to the empty string".
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "discord_application_id",
        "dev_guild_id",
        "shard_count",
        "shard_ids",
        "metrics_port",
        "calendar_port",
        "rest_budget",
        mode="before",
    )
    @classmethod
    def _blank_number_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            # A blank SHARD_IDS= (as in .env.example) means unset, not "no shards".
            return [part.strip() for part in value.split(",") if part.strip()] or None
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _check_api_base(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("discord_gateway_url")
    @classmethod
    def _check_gateway(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^wss?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not a ws(s) URL")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        # The same rule as members' /me timezone: a place, never an abbreviation or offset.
        check = check_zone(value)
        if check.key is not None:
            return check.key
        if check.instead:
            kind = "an abbreviation" if check.why == "abbreviation" else "an old name"
            raise ValueError(f"{value!r} is {kind}; use {' or '.join(check.instead)}")
        if check.why == "offset":
            raise ValueError(f"{value!r} is a fixed offset that misses daylight saving")
        raise ValueError(f"unknown time zone {value!r}")

    @field_validator("calendar_feed_url", mode="before")
    @classmethod
    def _blank_url_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("calendar_feed_url")
    @classmethod
    def _check_feed_url(cls, value: str | None) -> str | None:
        # The base of every member's link: a scheme and a host, at most a path, nothing else.
        if value is not None and not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
            raise ValueError("not an https:// address without a query")
        return value.rstrip("/") if value else value

    @property
    def calendar_feeds(self) -> bool:
        """Whether private calendar feed links are served (both settings are given)."""
        return self.calendar_feed_url is not None and self.calendar_port is not None

    @model_validator(mode="after")
    def _check_calendar(self) -> Settings:
        if (self.calendar_feed_url is None) != (self.calendar_port is None):
            given, missing = (
                ("CALENDAR_FEED_URL", "CALENDAR_PORT")
                if self.calendar_port is None
                else ("CALENDAR_PORT", "CALENDAR_FEED_URL")
            )
            raise ValueError(f"CALENDAR: {given} is set but {missing} is not")
        port = self.calendar_port
        if port and port == self.metrics_port:
            raise ValueError(f"CALENDAR: CALENDAR_PORT and METRICS_PORT are both {port}")
        return self

    @model_validator(mode="after")
    def _check_shards(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT")
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad:
                raise ValueError(f"shard ids {bad} are not below SHARD_COUNT={self.shard_count}")
        return self

    def token(self) -> str:
        """The bot token, validated; raises :class:`ConfigError` when missing or malformed."""
        if self.discord_token is None:
            raise ConfigError(f"DISCORD_TOKEN is not set: {FIXES['discord_token']}.")
        token = self.discord_token.get_secret_value()
        if token.lower().startswith("bot "):
            raise ConfigError(
                "DISCORD_TOKEN starts with 'Bot ': put only the token itself in DISCORD_TOKEN."
            )
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts): "
                f"{FIXES['discord_token']}."
            )
        return token

    def application_id(self) -> int:
        """The application id: configured, or read from the token's first part.

        A bot token starts with the bot user's id in base64, and for every application created
        since 2020 that id equals the application id.
        """
        if self.discord_application_id is not None:
            return self.discord_application_id
        if self.discord_token is None:
            raise ConfigError(
                "No application id: set DISCORD_APPLICATION_ID, or DISCORD_TOKEN to derive it."
            )
        first = self.token().split(".", 1)[0]
        try:
            return int(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode())
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ConfigError(
                "Cannot read the application id from DISCORD_TOKEN: "
                f"{FIXES['discord_application_id']}."
            ) from None

    def check_database_path(self, *, create: bool = True) -> None:
        """Raise :class:`ConfigError` unless the database file can be created and written.

        With ``create=False`` (``nextinterview check``) nothing is created: the nearest
        existing folder must be writable instead. Nothing to check with DATABASE_URL.
        """
        if self.database_url:
            return
        path = self.database_path
        if path.is_dir():
            raise ConfigError(f"DATABASE_PATH {path} is a directory: {FIXES['database_path']}.")
        parent = path.parent
        if create:
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"DATABASE_PATH {path}: cannot create {parent} ({exc.strerror}): "
                    f"{FIXES['database_path']}."
                ) from None
        existing = path if path.exists() else parent
        while not existing.exists():
            existing = existing.parent
        if not existing.is_dir() and existing != path:
            raise ConfigError(
                f"DATABASE_PATH {path}: {existing} is a file, not a folder: "
                f"{FIXES['database_path']}."
            )
        if not os.access(existing, os.W_OK):
            raise ConfigError(f"DATABASE_PATH {path} is not writable: {FIXES['database_path']}.")
        if existing == path and not os.access(parent, os.W_OK):
            # In WAL mode SQLite creates -wal and -shm files beside the database.
            raise ConfigError(
                f"DATABASE_PATH {path}: its folder is not writable, and SQLite needs to create "
                f"{path.name}-wal and {path.name}-shm there: {FIXES['database_path']}."
            )


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read settings; any problem becomes one :class:`ConfigError` line naming the fix."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    problem = str(error["msg"]).removeprefix("Value error, ")
    if not field:
        # Model-level checks: the calendar feed's pair of settings, shard ids against count.
        if problem.startswith("CALENDAR: "):
            return f"{problem.removeprefix('CALENDAR: ')}: {FIXES['calendar']}."
        return f"{problem}: {FIXES['shard_ids']}."
    value = error.get("input")
    shown = f" (got {value!r})" if field != "discord_token" and isinstance(value, str) else ""
    return f"{field.upper()}: {problem}{shown}: {FIXES.get(field, 'check .env.example')}."
