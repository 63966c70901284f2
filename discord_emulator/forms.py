"""What a person types into Discord's forms: option values turned into snowflakes with
``resolved`` data, and modal fields filled by label or custom_id (checked like the client)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from discord_emulator.commands import ATTACHMENT, CHANNEL, MENTIONABLE, ROLE, USER
from discord_emulator.models import Channel, Guild, Role

if TYPE_CHECKING:
    from discord_emulator.people import Person

UNSET: Any = object()


class Resolver:
    """Turns Person/Channel/Role values, and files as ``(filename, bytes)``, into snowflakes
    and ``resolved`` data."""

    def __init__(self, person: Person, guild: Guild | None, channel: Channel) -> None:
        self.person = person
        self.guild = guild
        self.channel = channel

    def resolve(self, option_type: int, value: Any, resolved: dict[str, dict[str, Any]]) -> str:
        """See :class:`discord_emulator.commands.Resolver`."""
        if option_type in (USER, MENTIONABLE) and _is_person(value):
            resolved.setdefault("users", {})[str(value.id)] = value.user_payload()
            if self.guild is not None and value.id in self.guild.members:
                member = self.guild.member_payload(None, value.id)
                member["permissions"] = str(self.guild.member_permissions(value.id, self.channel))
                resolved.setdefault("members", {})[str(value.id)] = member
            return str(value.id)
        if option_type in (ROLE, MENTIONABLE) and isinstance(value, Role):
            if self.guild is None or self.guild.role_by_id(value.id) is not value:
                raise ValueError(f"role {value.name!r} is not a role of this server")
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if option_type == CHANNEL and isinstance(value, Channel):
            if self.guild is None or value.guild_id != self.guild.id or value.deleted:
                raise ValueError(f"#{value.name} is not a channel of this server")
            data = value.payload()
            data["permissions"] = str(self.guild.member_permissions(self.person.id, value))
            resolved.setdefault("channels", {})[str(value.id)] = data
            return str(value.id)
        if option_type == ATTACHMENT and _is_file(value):
            # What a person picks in the file dialog: stored and served like any upload.
            attachment = self.person._emu.world.upload(self.channel, value[0], value[1])
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.payload()
            return str(attachment.id)
        wanted = {
            USER: "a Person",
            CHANNEL: "a Channel",
            ROLE: "a Role",
            MENTIONABLE: "a Person or Role",
            ATTACHMENT: "a file as (filename, bytes)",
        }
        raise ValueError(f"expects {wanted[option_type]}, got {value!r}")


class ModalFiller:
    """Builds modal-submit components from values given by label or custom_id."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.used: set[str] = set()

    def _pick(self, comp: dict[str, Any], label: str | None) -> Any:
        for key in (label, comp.get("custom_id")):
            if key is not None and key in self.values:
                self.used.add(key)
                return self.values[key]
        return UNSET

    def component(self, comp: dict[str, Any]) -> dict[str, Any]:
        """The submitted form of one top-level modal component."""
        if comp["type"] == 1:
            inner = comp["components"][0]
            submitted = self._text(inner, inner.get("label"))
            return {"type": 1, "id": comp.get("id"), "components": [submitted]}
        inner = comp["component"]
        label = comp.get("label")
        if inner.get("type") == 4:
            return {"type": 18, "id": comp.get("id"), "component": self._text(inner, label)}
        return {"type": 18, "id": comp.get("id"), "component": self._choice(inner, label)}

    def _choice(self, comp: dict[str, Any], label: str | None) -> dict[str, Any]:
        """Selects, radio groups, checkbox groups and checkboxes inside a label."""
        ctype = comp.get("type")
        name = label or comp.get("custom_id")
        picked = self._pick(comp, label)
        out: dict[str, Any] = {"type": ctype, "id": comp.get("id"), "custom_id": comp["custom_id"]}
        offered = [o.get("value") for o in comp.get("options") or []]
        if ctype == 23:
            out["value"] = bool(comp.get("default")) if picked is UNSET else bool(picked)
            return out
        if ctype == 21:
            value = None if picked is UNSET else picked
            if value is not None and value not in offered:
                raise ValueError(f"modal field {name!r}: {value!r} is not one of {offered}")
            if value is None and comp.get("required", True):
                raise ValueError(f"modal field {name!r} is required")
            out["value"] = value
            return out
        if ctype == 19:
            if picked is not UNSET:
                raise ValueError(f"modal field {name!r}: file uploads are not supported")
            out["values"] = []
            return out
        values = [] if picked is UNSET else list(picked)
        if offered and any(v not in offered for v in values):
            raise ValueError(f"modal field {name!r}: {values} are not all in {offered}")
        low, high = comp.get("min_values", 1), comp.get("max_values", 1)
        if (values or comp.get("required", True)) and not low <= len(values) <= high:
            raise ValueError(f"modal field {name!r}: choose {low}..{high}, got {len(values)}")
        out["values"] = values
        return out

    def _text(self, comp: dict[str, Any], label: str | None) -> dict[str, Any]:
        picked = self._pick(comp, label)
        value = (comp.get("value") or "") if picked is UNSET else str(picked)
        name = label or comp["custom_id"]
        if comp.get("required", True) and not value:
            raise ValueError(f"modal field {name!r} is required")
        low, high = comp.get("min_length") or 0, comp.get("max_length") or 4000
        if value and not low <= len(value) <= high:
            raise ValueError(
                f"modal field {name!r} must be {low}..{high} characters, got {len(value)}"
            )
        return {"type": 4, "id": comp.get("id"), "custom_id": comp["custom_id"], "value": value}

    def check_all_used(self) -> None:
        """Values given for fields the modal does not have are a test bug."""
        unknown = sorted(set(self.values) - self.used)
        if unknown:
            raise ValueError(f"the modal has no field(s) {unknown}")


def _is_file(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], bytes)
    )


def _is_person(value: Any) -> bool:
    # Duck-typed: people.py imports this module, so it cannot import Person back.
    return callable(getattr(value, "user_payload", None)) and hasattr(value, "dms_open")
