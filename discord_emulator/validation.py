"""Discord's payload validation: messages, embeds, components, modals, autocomplete choices.

Every check reports into a :class:`FormErrors` tree shaped like Discord's ``errors`` object
(``{"embeds": {"0": {"title": {"_errors": [...]}}}}``), so discord.py renders the same
``HTTPException`` text a real rejection would produce.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from discord_emulator.components import walk_components
from discord_emulator.errors import ApiError, invalid_form
from discord_emulator.models import (
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
)

Path = Sequence[str | int]

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_ROWS = 5
MAX_V2_COMPONENTS = 40
SELECT_TYPES = (3, 5, 6, 7, 8)
SENDABLE_FLAGS = (
    FLAG_SUPPRESS_EMBEDS | FLAG_EPHEMERAL | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
)


class FormErrors:
    """Collects validation errors into Discord's nested ``errors`` tree."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        """Record an error at ``path`` (keys and list indexes)."""
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: Path, value: Any, limit: int, *, minimum: int = 0) -> None:
        """Check a string's length is within ``minimum..limit``."""
        if value is None:
            return
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_STRING", "Must be a string.")
        elif len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        elif len(value) < minimum:
            self.add(
                path,
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {minimum} and {limit} in length.",
            )

    def required(self, path: Path, value: Any) -> bool:
        """Check a value is present and not empty; returns whether it is."""
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return False
        return True

    def raise_if_any(self) -> None:
        """Raise the 400 Invalid Form Body answer if anything was recorded."""
        if self.tree:
            raise invalid_form(self.tree)


def validate_message(data: dict[str, Any], errors: FormErrors, prefix: Path = ()) -> None:
    """Validate the fields of a message create/edit payload (what is present)."""
    p = tuple(prefix)
    content = data.get("content")
    if content is not None:
        errors.max_length((*p, "content"), content, MAX_CONTENT)
    nonce = data.get("nonce")
    if isinstance(nonce, str) and len(nonce) > 25:
        errors.add((*p, "nonce"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    flags = data.get("flags")
    if flags is not None and (not isinstance(flags, int) or flags & ~SENDABLE_FLAGS):
        errors.add((*p, "flags"), "MESSAGE_FLAGS_INVALID", "Invalid message flags.")
    embeds = data.get("embeds")
    if embeds is not None:
        validate_embeds(embeds, errors, (*p, "embeds"))
    components = data.get("components")
    v2 = bool(isinstance(flags, int) and flags & FLAG_COMPONENTS_V2)
    if components is not None:
        validate_components(components, errors, (*p, "components"), v2=v2)
    if v2 and (content or embeds):
        errors.add(
            (*p, "content" if content else "embeds"),
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used with MessageFlags.IS_COMPONENTS_V2",
        )
    mentions = data.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                errors.add(
                    (*p, "allowed_mentions"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )


def validate_embeds(embeds: Any, errors: FormErrors, path: Path) -> None:
    """Discord's per-field embed limits and the 6,000 total across a message."""
    if not isinstance(embeds, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > MAX_EMBEDS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        ep = (*path, i)
        if not isinstance(embed, dict):
            errors.add(ep, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        errors.max_length((*ep, "title"), embed.get("title"), 256)
        errors.max_length((*ep, "description"), embed.get("description"), 4096)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add((*ep, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            fp = (*ep, "fields", j)
            if errors.required((*fp, "name"), fld.get("name")):
                errors.max_length((*fp, "name"), fld.get("name"), 256)
            if errors.required((*fp, "value"), fld.get("value")):
                errors.max_length((*fp, "value"), fld.get("value"), 1024)
            total += len(str(fld.get("name") or "")) + len(str(fld.get("value") or ""))
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        errors.max_length((*ep, "footer", "text"), footer.get("text"), 2048)
        errors.max_length((*ep, "author", "name"), author.get("name"), 256)
        color = embed.get("color")
        if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
            errors.add((*ep, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215.")
        for key in ("title", "description"):
            total += len(str(embed.get(key) or ""))
        total += len(str(footer.get("text") or "")) + len(str(author.get("name") or ""))
        for key in ("url",):
            url = embed.get(key)
            if url is not None and not str(url).startswith(("http://", "https://")):
                errors.add((*ep, key), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
    if total > MAX_EMBED_TOTAL:
        errors.add(
            path,
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
        )


def validate_components(
    components: Any, errors: FormErrors, path: Path, *, v2: bool = False
) -> None:
    """Rows, buttons and selects of a message (or the Components V2 layout)."""
    if not isinstance(components, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if v2:
        count = sum(1 for _ in walk_components(components))
        if count > MAX_V2_COMPONENTS:
            errors.add(
                path,
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_V2_COMPONENTS} or fewer in total.",
            )
    elif len(components) > MAX_ROWS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ROWS} or fewer in length.")
    for i, comp in enumerate(components):
        cp = (*path, i)
        ctype = comp.get("type") if isinstance(comp, dict) else None
        if ctype == 1:
            _validate_row(comp, errors, cp)
        elif v2 and ctype in (9, 10, 12, 13, 14, 17):
            _validate_v2(comp, errors, cp)
        else:
            errors.add(
                (*cp, "type"),
                "COMPONENT_LAYOUT_INVALID",
                "Top-level components must be action rows.",
            )
    seen: set[str] = set()
    for comp in walk_components(components):
        cid = comp.get("custom_id")
        if comp.get("type") in (2, *SELECT_TYPES) and isinstance(cid, str):
            if cid in seen:
                errors.add(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    f"Component custom id cannot be duplicated ({cid})",
                )
            seen.add(cid)


def _validate_v2(comp: dict[str, Any], errors: FormErrors, path: Path) -> None:
    ctype = comp["type"]
    if ctype == 10:
        errors.max_length((*path, "content"), comp.get("content"), 4000, minimum=1)
    for i, child in enumerate(comp.get("components") or []):
        cp = (*path, "components", i)
        if child.get("type") == 1:
            _validate_row(child, errors, cp)
        elif child.get("type") in (9, 10, 12, 13, 14):
            _validate_v2(child, errors, cp)
    accessory = comp.get("accessory")
    if isinstance(accessory, dict) and accessory.get("type") == 2:
        _validate_button(accessory, errors, (*path, "accessory"))


def _validate_row(row: dict[str, Any], errors: FormErrors, path: Path) -> None:
    children = row.get("components")
    if not isinstance(children, list) or not children:
        errors.add(
            (*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
        return
    if len(children) > 5:
        errors.add((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be 5 or fewer in length.")
    has_select = any(c.get("type") in SELECT_TYPES for c in children)
    if has_select and len(children) > 1:
        errors.add(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for i, child in enumerate(children):
        cp = (*path, "components", i)
        if child.get("type") == 2:
            _validate_button(child, errors, cp)
        elif child.get("type") in SELECT_TYPES:
            validate_select(child, errors, cp)
        else:
            errors.add(
                (*cp, "type"),
                "COMPONENT_TYPE_INVALID",
                f"Component type {child.get('type')} is not allowed in a message row.",
            )


def _validate_button(button: dict[str, Any], errors: FormErrors, path: Path) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", f"Value must be one of (1..6): {style}")
        return
    if style == 5:
        if not button.get("url"):
            errors.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        if button.get("custom_id"):
            errors.add(
                (*path, "custom_id"),
                "BUTTON_CUSTOM_ID_INVALID",
                "A custom id cannot be set on a link button",
            )
    elif style != 6 and errors.required((*path, "custom_id"), button.get("custom_id")):
        errors.max_length((*path, "custom_id"), button.get("custom_id"), 100, minimum=1)
    errors.max_length((*path, "label"), button.get("label"), 80)
    if style != 6 and not button.get("label") and not button.get("emoji"):
        errors.add((*path, "label"), "BUTTON_LABEL_OR_EMOJI_REQUIRED", "Label or emoji is required")


def validate_select(select: dict[str, Any], errors: FormErrors, path: Path) -> None:
    """A select menu in a message or a modal."""
    if errors.required((*path, "custom_id"), select.get("custom_id")):
        errors.max_length((*path, "custom_id"), select.get("custom_id"), 100, minimum=1)
    errors.max_length((*path, "placeholder"), select.get("placeholder"), 150)
    min_values = select.get("min_values", 1)
    max_values = select.get("max_values", 1)
    if not isinstance(min_values, int) or not 0 <= min_values <= 25:
        errors.add((*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
    if not isinstance(max_values, int) or not 1 <= max_values <= 25:
        errors.add((*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25.")
    if select.get("type") != 3:
        return
    options = select.get("options") or []
    if not 1 <= len(options) <= 25:
        errors.add(
            (*path, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
        )
    values: set[str] = set()
    for i, option in enumerate(options):
        op = (*path, "options", i)
        if errors.required((*op, "label"), option.get("label")):
            errors.max_length((*op, "label"), option.get("label"), 100)
        if errors.required((*op, "value"), option.get("value")):
            errors.max_length((*op, "value"), option.get("value"), 100)
        errors.max_length((*op, "description"), option.get("description"), 100)
        if option.get("value") in values:
            errors.add(
                (*op, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Duplicate value"
            )
        values.add(option.get("value"))
    if isinstance(max_values, int) and options and max_values > len(options):
        errors.add(
            (*path, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_EXCEEDED",
            "max_values cannot be greater than the number of options",
        )
    if isinstance(min_values, int) and isinstance(max_values, int) and min_values > max_values:
        errors.add(
            (*path, "min_values"),
            "SELECT_COMPONENT_MIN_VALUES_INVALID",
            "min_values cannot be greater than max_values",
        )


def validate_modal(data: Any) -> None:
    """A modal (interaction response type 9); raises the 400 answer when invalid."""
    errors = FormErrors()
    if not isinstance(data, dict):
        errors.add(("data",), "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
        return
    p = ("data",)
    if errors.required((*p, "custom_id"), data.get("custom_id")):
        errors.max_length((*p, "custom_id"), data.get("custom_id"), 100, minimum=1)
    if errors.required((*p, "title"), data.get("title")):
        errors.max_length((*p, "title"), data.get("title"), 45, minimum=1)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.add((*p, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for i, comp in enumerate(components):
        cp = (*p, "components", i)
        ctype = comp.get("type")
        if ctype == 1:
            children = comp.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4:
                errors.add(
                    (*cp, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A modal action row holds exactly one text input.",
                )
                continue
            _validate_text_input(children[0], errors, (*cp, "components", 0), needs_label=True)
        elif ctype == 18:
            if errors.required((*cp, "label"), comp.get("label")):
                errors.max_length((*cp, "label"), comp.get("label"), 45, minimum=1)
            errors.max_length((*cp, "description"), comp.get("description"), 100)
            inner = comp.get("component") or {}
            if inner.get("type") == 4:
                _validate_text_input(inner, errors, (*cp, "component"), needs_label=False)
            elif inner.get("type") in SELECT_TYPES:
                validate_select(inner, errors, (*cp, "component"))
            elif inner.get("type") not in (19, 21, 22, 23):
                errors.add(
                    (*cp, "component", "type"),
                    "COMPONENT_TYPE_INVALID",
                    "Component type is not allowed in a label.",
                )
        elif ctype != 10:
            errors.add((*cp, "type"), "COMPONENT_TYPE_INVALID", "Invalid modal component.")
    errors.raise_if_any()


def _validate_text_input(
    comp: dict[str, Any], errors: FormErrors, path: Path, *, needs_label: bool
) -> None:
    if errors.required((*path, "custom_id"), comp.get("custom_id")):
        errors.max_length((*path, "custom_id"), comp.get("custom_id"), 100, minimum=1)
    if comp.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    label = comp.get("label")
    if (needs_label and errors.required((*path, "label"), label)) or label is not None:
        errors.max_length((*path, "label"), label, 45, minimum=1)
    errors.max_length((*path, "placeholder"), comp.get("placeholder"), 100)
    errors.max_length((*path, "value"), comp.get("value"), 4000)
    min_length = comp.get("min_length")
    max_length = comp.get("max_length")
    if min_length is not None and not (isinstance(min_length, int) and 0 <= min_length <= 4000):
        errors.add((*path, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
    if max_length is not None and not (isinstance(max_length, int) and 1 <= max_length <= 4000):
        errors.add(
            (*path, "max_length"), "NUMBER_TYPE_MAX", "int value should be between 1 and 4000."
        )


def validate_choices(data: Any, option_type: int | None) -> list[dict[str, Any]]:
    """Autocomplete result (type 8); returns the choices or raises the 400 answer."""
    errors = FormErrors()
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
        return []
    if len(choices) > 25:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        cp = ("data", "choices", i)
        if errors.required((*cp, "name"), choice.get("name")):
            errors.max_length((*cp, "name"), choice.get("name"), 100, minimum=1)
        value = choice.get("value")
        if option_type == 3:
            if errors.required((*cp, "value"), value):
                errors.max_length((*cp, "value"), value, 100)
        elif option_type == 4 and (not isinstance(value, int) or isinstance(value, bool)):
            errors.add((*cp, "value"), "NUMBER_TYPE_COERCE", f"Value {value!r} is not int.")
        elif option_type == 10 and (not isinstance(value, int | float) or isinstance(value, bool)):
            errors.add((*cp, "value"), "NUMBER_TYPE_COERCE", f"Value {value!r} is not a number.")
    errors.raise_if_any()
    return choices


def ensure_not_empty(message_fields: dict[str, Any]) -> None:
    """Discord's 50006 for a message with nothing to show."""
    if not any(
        message_fields.get(k)
        for k in ("content", "embeds", "files", "components", "sticker_ids", "poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message", record=True)
