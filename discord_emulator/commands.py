"""Application commands: Discord's validation of synced schemas, their storage, and the
person-side building of a command invocation (options checked against the stored schema)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Protocol

from discord_emulator.errors import ApiError, invalid_form
from discord_emulator.models import Snowflakes, plain_copy
from discord_emulator.validation import FormErrors, Path

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
MAX_CHAT_INPUT = 100
MAX_CONTEXT_MENUS = 15
MAX_COMMAND_SIZE = 4000
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)
TYPE_NAMES = {
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}
INT_LIMIT = 2**53


class Resolver(Protocol):
    """Turns Person/Channel/Role objects into option values and ``resolved`` entries."""

    def resolve(self, option_type: int, value: Any, resolved: dict[str, dict[str, Any]]) -> str:
        """Return the snowflake string for ``value`` and fill ``resolved``; raise ValueError."""
        ...


def _check_name(errors: FormErrors, path: Path, name: Any) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.add(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name is invalid: {name!r} (1-32 characters, letters, digits, - and _).",
        )
    elif name != name.lower():
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name must be lowercase.")


def _check_option(opt: Any, errors: FormErrors, path: Path, depth: int) -> int:
    """Validate one option (recursively); returns its character count for the size limit."""
    if not isinstance(opt, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return 0
    otype = opt.get("type")
    if otype not in (*range(1, 12),):
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", f"Value must be one of 1..11: {otype}")
        return 0
    _check_name(errors, (*path, "name"), opt.get("name"))
    if errors.required((*path, "description"), opt.get("description")):
        errors.max_length((*path, "description"), opt.get("description"), 100, minimum=1)
    size = len(str(opt.get("name", ""))) + len(str(opt.get("description", "")))
    choices = opt.get("choices") or []
    if choices:
        if otype not in (STRING, INTEGER, NUMBER):
            errors.add(
                (*path, "choices"),
                "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                "No choices allowed",
            )
        if len(choices) > 25:
            errors.add((*path, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if opt.get("autocomplete"):
            errors.add(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set on an option with choices.",
            )
        for i, choice in enumerate(choices):
            cp = (*path, "choices", i)
            errors.max_length((*cp, "name"), choice.get("name"), 100, minimum=1)
            if otype == STRING:
                errors.max_length((*cp, "value"), choice.get("value"), 100, minimum=1)
            size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    if otype not in (INTEGER, NUMBER) and ("min_value" in opt or "max_value" in opt):
        errors.add((*path, "min_value"), "APPLICATION_COMMAND_OPTION_INVALID", "Only for numbers")
    if otype == STRING:
        for key in ("min_length", "max_length"):
            value = opt.get(key)
            if value is not None and not (isinstance(value, int) and 0 <= value <= 6000):
                errors.add((*path, key), "NUMBER_TYPE_MAX", "int value should be <= 6000.")
    children = opt.get("options") or []
    if otype in (SUB_COMMAND, SUB_COMMAND_GROUP):
        if depth >= (1 if otype == SUB_COMMAND_GROUP else 2):
            errors.add(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Nested too deep.")
        if otype == SUB_COMMAND and any(
            isinstance(c, dict) and c.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
            for c in children
        ):
            errors.add(
                (*path, "options"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "A sub-command cannot contain sub-commands.",
            )
        size += _check_options(children, errors, (*path, "options"), depth + 1, group=otype == 2)
    elif children:
        errors.add((*path, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Not allowed")
    return size


def _check_options(
    options: Any, errors: FormErrors, path: Path, depth: int, *, group: bool = False
) -> int:
    if not isinstance(options, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return 0
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    kinds = {
        o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options if isinstance(o, dict)
    }
    if len(kinds) > 1:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands and sub-command groups cannot be mixed with other options.",
        )
    if group and any(o.get("type") != SUB_COMMAND for o in options if isinstance(o, dict)):
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "A sub-command group may only contain sub-commands.",
        )
    seen_optional = False
    names: set[str] = set()
    size = 0
    for i, opt in enumerate(options):
        size += _check_option(opt, errors, (*path, i), depth)
        if not isinstance(opt, dict):
            continue
        if opt.get("name") in names:
            errors.add(
                (*path, i, "name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option name already exists",
            )
        names.add(str(opt.get("name")))
        if opt.get("required"):
            if seen_optional:
                errors.add(
                    (*path, i, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        elif opt.get("type") not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            seen_optional = True
    return size


def validate_command(cmd: Any, errors: FormErrors, path: Path) -> None:
    """Discord's checks on one command of a create/overwrite payload."""
    if not isinstance(cmd, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    ctype = cmd.get("type", 1)
    if ctype == 1:
        _check_name(errors, (*path, "name"), cmd.get("name"))
        if errors.required((*path, "description"), cmd.get("description")):
            errors.max_length((*path, "description"), cmd.get("description"), 100, minimum=1)
        size = len(str(cmd.get("name", ""))) + len(str(cmd.get("description", "")))
        size += _check_options(cmd.get("options") or [], errors, (*path, "options"), 0)
        if size > MAX_COMMAND_SIZE:
            errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)")
    elif ctype in (2, 3):
        errors.max_length((*path, "name"), cmd.get("name"), 32, minimum=1)
        if cmd.get("description"):
            errors.add((*path, "description"), "BASE_TYPE_MAX_LENGTH", "Must be empty.")
    else:
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", f"Value must be one of (1, 2, 3): {ctype}")


class CommandStore:
    """The commands Discord stored for the application (global and per guild)."""

    def __init__(self, application_id: int, ids: Snowflakes) -> None:
        self.application_id = application_id
        self._ids = ids
        self._scopes: dict[int | None, list[dict[str, Any]]] = {}
        self.sync_calls = 0

    def listed(self, guild_id: int | None) -> list[dict[str, Any]]:
        """Stored commands of a scope (deep copies)."""
        return plain_copy(self._scopes.get(guild_id, []))

    def bulk_overwrite(self, guild_id: int | None, payload: Any) -> list[dict[str, Any]]:
        """PUT .../commands: validate everything, then replace the scope keeping known ids."""
        self.sync_calls += 1
        errors = FormErrors()
        if not isinstance(payload, list):
            raise invalid_form(
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]}
            )
        counts: dict[int, int] = {}
        seen: set[tuple[int, str]] = set()
        for i, cmd in enumerate(payload):
            validate_command(cmd, errors, (i,))
            if isinstance(cmd, dict):
                key = (cmd.get("type", 1), cmd.get("name", ""))
                if key in seen:
                    errors.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
                seen.add(key)
                counts[key[0]] = counts.get(key[0], 0) + 1
        if counts.get(1, 0) > MAX_CHAT_INPUT:
            errors.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CHAT_INPUT} or fewer in length.")
        if max(counts.get(2, 0), counts.get(3, 0)) > MAX_CONTEXT_MENUS:
            errors.add((), "BASE_TYPE_MAX_LENGTH", "Too many context menu commands.")
        errors.raise_if_any()
        old = {(c["type"], c["name"]): c for c in self._scopes.get(guild_id, [])}
        stored = [
            self._store(guild_id, cmd, old.get((cmd.get("type", 1), cmd["name"])))
            for cmd in payload
        ]
        self._scopes[guild_id] = stored
        return plain_copy(stored)

    def upsert(self, guild_id: int | None, cmd: Any) -> tuple[dict[str, Any], bool]:
        """POST .../commands: create or replace one command; returns (command, created)."""
        errors = FormErrors()
        validate_command(cmd, errors, ())
        errors.raise_if_any()
        scope = self._scopes.setdefault(guild_id, [])
        for i, existing in enumerate(scope):
            if (existing["type"], existing["name"]) == (cmd.get("type", 1), cmd["name"]):
                scope[i] = self._store(guild_id, cmd, existing)
                return plain_copy(scope[i]), False
        stored = self._store(guild_id, cmd, None)
        scope.append(stored)
        return plain_copy(stored), True

    def get(self, guild_id: int | None, command_id: int) -> dict[str, Any]:
        """One stored command or 404 Unknown application command."""
        for cmd in self._scopes.get(guild_id, []):
            if int(cmd["id"]) == command_id:
                return plain_copy(cmd)
        raise ApiError(404, 10063, "Unknown application command")

    def delete(self, guild_id: int | None, command_id: int) -> None:
        """Remove one command (404 when unknown)."""
        self.get(guild_id, command_id)
        self._scopes[guild_id] = [c for c in self._scopes[guild_id] if int(c["id"]) != command_id]

    def find(self, guild_id: int | None, name: str) -> dict[str, Any] | None:
        """A chat-input command a person can type in this place (guild commands first)."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for cmd in self._scopes.get(scope, []):
                if cmd["type"] == 1 and cmd["name"] == name:
                    return cmd
        return None

    def names(self, guild_id: int | None) -> list[str]:
        """Names of the chat-input commands visible in a place (for error messages)."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        return [c["name"] for s in scopes for c in self._scopes.get(s, []) if c["type"] == 1]

    def _store(
        self, guild_id: int | None, cmd: dict[str, Any], old: dict[str, Any] | None
    ) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "id": old["id"] if old else str(self._ids.next()),
            "application_id": str(self.application_id),
            "version": old["version"] if old else str(self._ids.next()),
            # Discord accepts a number or a string and always answers with a string.
            "default_member_permissions": _perm_string(cmd.get("default_member_permissions")),
            "type": cmd.get("type", 1),
            "name": cmd["name"],
            "name_localizations": cmd.get("name_localizations"),
            "description": cmd.get("description", ""),
            "description_localizations": cmd.get("description_localizations"),
            "contexts": cmd.get("contexts"),
            "integration_types": cmd.get("integration_types") or [0],
            "nsfw": bool(cmd.get("nsfw", False)),
        }
        if guild_id is None:
            stored["dm_permission"] = cmd.get("dm_permission", True) is not False
        else:
            stored["guild_id"] = str(guild_id)
        if cmd.get("options"):
            stored["options"] = plain_copy(cmd["options"])
        if old is not None:
            before = {k: v for k, v in old.items() if k not in ("id", "version")}
            after = {k: v for k, v in stored.items() if k not in ("id", "version")}
            if json.dumps(before, sort_keys=True) != json.dumps(after, sort_keys=True):
                stored["version"] = str(self._ids.next())
        return stored


def _perm_string(value: Any) -> str | None:
    return None if value is None else str(int(value))


def build_invocation(
    cmd: dict[str, Any],
    path: list[str],
    values: dict[str, Any],
    resolver: Resolver,
    *,
    focused: str | None = None,
) -> dict[str, Any]:
    """The ``data`` of an application-command (or autocomplete) interaction.

    Raises ``ValueError`` for anything the Discord client would not let a person send:
    unknown (sub)command or option, missing required option, wrong type, value outside the
    choices or the min/max limits.
    """
    shown = "/" + " ".join([cmd["name"], *path])
    level: list[dict[str, Any]] = cmd.get("options") or []
    nest: list[dict[str, Any]] = []
    for part in path:
        match = next((o for o in level if o["name"] == part and o["type"] in (1, 2)), None)
        if match is None:
            subs = [o["name"] for o in level if o["type"] in (1, 2)]
            raise ValueError(f"{shown}: no subcommand {part!r}; the schema has {subs}")
        nest.append(match)
        level = match.get("options") or []
    if any(o["type"] in (1, 2) for o in level):
        subs = [o["name"] for o in level if o["type"] in (1, 2)]
        raise ValueError(f"{shown} needs a subcommand: one of {subs}")
    known = {o["name"]: o for o in level}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{shown}: unknown option(s) {unknown}; the schema has {sorted(known)}")
    if focused is not None and focused not in known:
        raise ValueError(f"{shown}: no option {focused!r} to autocomplete")
    if focused is not None and not known[focused].get("autocomplete"):
        raise ValueError(f"{shown}: option {focused!r} has no autocomplete")
    resolved: dict[str, dict[str, Any]] = {}
    built: list[dict[str, Any]] = []
    for opt in level:
        name = opt["name"]
        if name not in values:
            if opt.get("required") and focused is None:
                raise ValueError(f"{shown}: required option {name!r} is missing")
            continue
        if name == focused:
            built.append(
                {"name": name, "type": opt["type"], "value": str(values[name]), "focused": True}
            )
            continue
        value = _convert(shown, opt, values[name], resolver, resolved)
        built.append({"name": name, "type": opt["type"], "value": value})
    options = built
    for sub in reversed(nest):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1}
    if options:
        data["options"] = options
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _convert(
    shown: str,
    opt: dict[str, Any],
    value: Any,
    resolver: Resolver,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    otype = opt["type"]
    name = opt["name"]
    where = f"{shown} option {name!r}"
    checks: dict[int, Callable[[Any], bool]] = {
        STRING: lambda v: isinstance(v, str),
        INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
        BOOLEAN: lambda v: isinstance(v, bool),
        NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    if otype in checks:
        if not checks[otype](value):
            raise ValueError(f"{where} expects {TYPE_NAMES[otype]}, got {value!r}")
        choices = opt.get("choices") or []
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{where}: {value!r} is not one of {[c['value'] for c in choices]}")
        if otype == STRING:
            low, high = opt.get("min_length", 0), opt.get("max_length", 6000)
            if not low <= len(value) <= high:
                raise ValueError(f"{where}: length {len(value)} is outside {low}..{high}")
        if otype in (INTEGER, NUMBER):
            low = opt.get("min_value", -INT_LIMIT)
            high = opt.get("max_value", INT_LIMIT)
            if not low <= value <= high:
                raise ValueError(f"{where}: {value} is outside {low}..{high}")
        return value
    if otype in (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT):
        try:
            snowflake = resolver.resolve(otype, value, resolved)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if otype == CHANNEL and opt.get("channel_types"):
            ctype = resolved["channels"][snowflake]["type"]
            if ctype not in opt["channel_types"]:
                raise ValueError(f"{where}: channel type {ctype} not in {opt['channel_types']}")
        return snowflake
    raise ValueError(f"{where}: option type {TYPE_NAMES.get(otype, otype)} is not supported here")
