"""Logging, configured once by the CLI. Secrets and members' words are kept out of every record.

At DEBUG, discord.py logs REST bodies and responses and every gateway payload, and aiosqlite
every query with its parameters. Those carry interaction tokens, the options and DM text a member
typed, and the bot's replies that echo them. The handler's filter therefore reduces payloads from
other libraries to what debugging needs (opcode, event name, sequence, ids, types, command
names), removes interaction tokens from URLs and payload text, and replaces known secrets such as
the bot token, at every level and in tracebacks too. The bot's own log calls are written to
pass ids, counts and error codes, so their arguments are left as they are.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Loggers whose calls this project writes: their arguments are ids, counts and codes already.
OWN_LOGGERS = ("bot", "cogs", "nextinterview")

# What a payload summary keeps: scalar fields that identify, never text anyone wrote.
SAFE_FIELDS = frozenset(
    {
        "op",
        "t",
        "s",
        "id",
        "type",
        "guild_id",
        "channel_id",
        "application_id",
        "message_id",
        "custom_id",
        "component_type",
        "code",
        "retry_after",
        "global",
        "heartbeat_interval",
        "shards",
    }
)
# Mappings a summary looks into; anything else (options, content, embeds) is left out.
DESCEND = frozenset({"d", "data", "author", "user", "member", "message"})
# Under an interaction's "data", "name" is the command's, which the bot defined.
COMMAND_NAME = "data.name"

# Interaction tokens sit in URL paths (/interactions/{id}/{token}/callback and
# /webhooks/{application id}/{token}/...) and in payloads as a "token" field.
TOKEN_PATTERNS = (
    (re.compile(r"(/interactions/\d+/)[^/\s?#'\"]+"), r"\1[token]"),
    (re.compile(r"(/webhooks/\d+/)[^/\s?#'\"]+"), r"\1[token]"),
    (re.compile(r"""(["']token["']\s*:\s*["'])[^"']*"""), r"\1[token]"),
)
SQL_SHOWN = 80  # characters of a statement kept in aiosqlite's lines, without its parameters


class RedactSecrets(logging.Filter):
    """Scrub every record before it is written, whatever library logged it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not _is_own(record.name):
            record.args = _summarise_args(record.args, str(record.msg))
        try:
            message = record.getMessage()
        except Exception:
            # A library's message that does not fit its arguments: an exception raised here
            # would reach the code that logged, so keep the line without them.
            message = f"{record.msg} (arguments not shown: they do not fit the message)"
        record.msg, record.args = self.scrub(message), None
        if record.exc_info and not record.exc_text:
            # Formatted here so the text can be scrubbed; the handler's formatter reuses it.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        for pattern, replacement in TOKEN_PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def _is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def _summarise_args(args: Any, msg: str) -> Any:
    if isinstance(args, Mapping):
        # logging passes a lone mapping argument as the args themselves.
        if "%(" in msg:
            return {key: summarise(value) for key, value in args.items()}
        return (summarise(args),)
    return tuple(summarise(arg) for arg in args)


def summarise(value: Any) -> Any:
    """A payload-like value reduced to what identifies it; other values unchanged."""
    if isinstance(value, Mapping):
        fields = " ".join(f"{path}={field}" for path, field in _safe_fields(value, ""))
        return f"<payload {fields}>" if fields else "<payload>"
    if isinstance(value, list | tuple | set | frozenset):
        return f"<{len(value)} items>"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return summarise(json.loads(value))
        except ValueError:
            return f"<{len(value)} characters>"
    if isinstance(value, functools.partial):
        return _describe_call(value)
    return value


def _safe_fields(payload: Mapping[Any, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for key, value in payload.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if key in DESCEND and prefix.count(".") < 3:
                yield from _safe_fields(value, f"{path}.")
        elif (key in SAFE_FIELDS or path.endswith(COMMAND_NAME)) and _is_scalar(value):
            yield path, value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _describe_call(call: functools.partial[Any]) -> str:
    """aiosqlite's queued call: the method and the start of its SQL, never the parameters."""
    name = getattr(call.func, "__name__", "call")
    statement = call.args[0] if call.args and isinstance(call.args[0], str) else ""
    statement = " ".join(statement.split())
    if len(statement) > SQL_SHOWN:
        statement = statement[: SQL_SHOWN - 1] + "…"
    return f"{name}({statement})" if statement else name


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for log shippers; the message, exception
    and stack are the already scrubbed ones."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(
    level: str = "INFO",
    secrets: list[str] | None = None,
    log_format: str = "text",
    stream: Any = None,
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(FORMAT))
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's gateway chatter at DEBUG is enormous; keep it at INFO unless asked for
    # (and follow the root level when asked for, whatever an earlier call set).
    discord_level = logging.NOTSET if level == "DEBUG" else max(logging.INFO, root.level)
    logging.getLogger("discord").setLevel(discord_level)
    # aiosqlite logs every query twice at DEBUG (the filter keeps the parameters out): noise
    # that drowns the bot's own lines.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))
