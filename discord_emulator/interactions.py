"""Interactions: INTERACTION_CREATE payloads, the response callback and the follow-up webhook.

Rules kept from Discord: the first response must arrive within the deadline (else 10062), a
second one is 40060, follow-ups need an acknowledged interaction and live 15 minutes, and the
first follow-up after a deferred (type 5) response fills the "thinking" message.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from discord_emulator import perms
from discord_emulator.components import assign_component_ids
from discord_emulator.errors import ApiError, EmulatorTimeout, invalid_form, unknown_message
from discord_emulator.models import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    Channel,
    Guild,
    Message,
    plain_copy,
)
from discord_emulator.validation import (
    FormErrors,
    ensure_not_empty,
    validate_choices,
    validate_message,
    validate_modal,
)

if TYPE_CHECKING:
    from discord_emulator.emulator import Emulator
    from discord_emulator.people import Person
    from discord_emulator.server import ApiRequest, Router

FOLLOWUP_TTL = 15 * 60
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
DM_APP_PERMISSIONS = (
    perms.VIEW_CHANNEL
    | perms.SEND_MESSAGES
    | perms.EMBED_LINKS
    | perms.ATTACH_FILES
    | perms.READ_MESSAGE_HISTORY
    | perms.ADD_REACTIONS
    | perms.USE_EXTERNAL_EMOJIS
    | perms.USE_APPLICATION_COMMANDS
)
# Which callback types Discord accepts for each interaction type.
ALLOWED_RESPONSES = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
KINDS = {
    4: "message",
    5: "deferred",
    6: "deferred_update",
    7: "update",
    8: "autocomplete",
    9: "modal",
}


@dataclass(eq=False)
class InteractionRecord:
    """One interaction a person started, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    person: Person
    guild: Guild | None
    channel: Channel
    data: dict[str, Any]
    label: str
    created: float
    deadline: float
    message: Message | None = None
    focused_type: int | None = None
    response_type: int | None = None
    late: bool = False
    original: Message | None = None
    edits: int = 0
    followups: list[Message] = field(default_factory=list)
    followups_read: int = 0
    modal: dict[str, Any] | None = None
    modal_submitted: bool = False
    choices: list[dict[str, Any]] | None = None
    rejections: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        """The response kind ("message", "deferred", "update", "modal", ...)."""
        return KINDS.get(self.response_type) if self.response_type is not None else None


class Interactions:
    """Starts interactions for people and answers the bot's responses to them."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    def register(self, router: Router) -> None:
        """Add the interaction routes (no bot token needed, outside the global limit)."""
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        add = router.add
        add(
            "POST",
            "/interactions/{webhook_id}/{webhook_token}/callback",
            self.callback,
            auth=False,
            interaction=True,
        )
        add("GET", hook + "/messages/@original", self.get_message, auth=False, interaction=True)
        add("PATCH", hook + "/messages/@original", self.edit_message, auth=False, interaction=True)
        add(
            "DELETE",
            hook + "/messages/@original",
            self.delete_message,
            auth=False,
            interaction=True,
        )
        add("GET", hook + "/messages/{message_id}", self.get_message, auth=False, interaction=True)
        add(
            "PATCH",
            hook + "/messages/{message_id}",
            self.edit_message,
            auth=False,
            interaction=True,
        )
        add(
            "DELETE",
            hook + "/messages/{message_id}",
            self.delete_message,
            auth=False,
            interaction=True,
        )
        add("POST", hook, self.followup, auth=False, interaction=True)

    # ----- starting ----------------------------------------------------------------------

    async def start(
        self,
        person: Person,
        itype: int,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        label: str,
        *,
        message: Message | None = None,
        focused_type: int | None = None,
    ) -> InteractionRecord:
        """Create an interaction and dispatch INTERACTION_CREATE to the bot.

        If the bot is between sessions (re-identifying), wait for it to be back first: the
        person would simply try again a moment later.
        """
        guild_id = guild.id if guild else None
        await self.emu.gateway.ensure_session(
            guild_id, f"{person.name} used {label}", required=True
        )
        now = asyncio.get_running_loop().time()
        record = InteractionRecord(
            id=self.emu.ids.next(),
            token="emu." + secrets.token_urlsafe(48),
            type=itype,
            person=person,
            guild=guild,
            channel=channel,
            data=data,
            label=label,
            created=now,
            deadline=now + self.emu.interaction_deadline,
            message=message,
            focused_type=focused_type,
        )
        self.by_id[record.id] = record
        self.by_token[record.token] = record
        self.emu.gateway.dispatch("INTERACTION_CREATE", self.payload(record), guild_id=guild_id)
        return record

    def payload(self, rec: InteractionRecord) -> dict[str, Any]:
        """INTERACTION_CREATE data as Discord sends it."""
        world = self.emu.world
        guild = rec.guild
        channel_data = rec.channel.payload()
        data: dict[str, Any] = {
            "id": str(rec.id),
            "application_id": str(world.application_id),
            "type": rec.type,
            "token": rec.token,
            "version": 1,
            "data": rec.data,
            "channel_id": str(rec.channel.id),
            "channel": channel_data,
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            member_perms = guild.member_permissions(rec.person.id, rec.channel)
            channel_data["permissions"] = str(member_perms)
            member = guild.member_payload(rec.person.user_payload(), rec.person.id)
            member["permissions"] = str(member_perms)
            data.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member,
                app_permissions=str(world.bot_permissions(rec.channel)),
            )
        else:
            data.update(user=rec.person.user_payload(), app_permissions=str(DM_APP_PERMISSIONS))
        if rec.message is not None:
            data["message"] = rec.message.payload()
        return data

    async def first_response(self, rec: InteractionRecord) -> InteractionRecord:
        """Wait for the bot's first response; Discord gives up at the deadline."""
        loop = asyncio.get_running_loop()

        def describe() -> str:
            text = (
                f"{rec.person.name} used {rec.label} and the bot did not respond within "
                f"{self.emu.interaction_deadline}s "
                "(Discord shows 'The application did not respond')"
            )
            if rec.late:
                text += "; a response arrived after the deadline and was refused (10062)"
            if rec.rejections:
                text += "; responses refused: " + " | ".join(rec.rejections)
            return text

        remaining = rec.deadline - loop.time() + 0.05
        await self.emu.world.signal.wait_for(
            lambda: rec.response_type is not None, max(remaining, 0.0), describe
        )
        return rec

    # ----- the callback -------------------------------------------------------------------

    async def callback(self, req: ApiRequest) -> tuple[int, Any]:
        """POST /interactions/{id}/{token}/callback."""
        rec = self.by_id.get(req.int_param("webhook_id"))
        if rec is None or rec.token != req.params["webhook_token"]:
            raise ApiError(404, 10062, "Unknown interaction", record=True)
        with _noting(rec):
            response = self._respond(rec, req)
        self.emu.world.signal.fire()
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        return 200, response

    def _respond(self, rec: InteractionRecord, req: ApiRequest) -> dict[str, Any]:
        if rec.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.", record=True)
        if asyncio.get_running_loop().time() > rec.deadline:
            rec.late = True
            self.emu.world.signal.fire()
            raise ApiError(404, 10062, "Unknown interaction", record=True)
        body = req.body()
        rtype = body.get("type")
        data = body.get("data") or {}
        allowed = ALLOWED_RESPONSES.get(rec.type, set())
        if rtype not in allowed or (rec.type == 5 and rtype in (6, 7) and rec.message is None):
            raise invalid_form(
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"Response type {rtype} is not valid "
                                f"for interaction type {rec.type}.",
                            }
                        ]
                    }
                }
            )
        world = self.emu.world
        resource: dict[str, Any] = {"type": rtype}
        message: Message | None = None
        if rtype == 4:
            message = self._create(rec, data, req, loading=False)
        elif rtype == 5:
            message = self._create(
                rec, {"flags": int(data.get("flags") or 0) & FLAG_EPHEMERAL}, req, loading=True
            )
        elif rtype in (6, 7):
            message = world.messages[rec.message.id] if rec.message else None
            if message is not None and message.deleted:
                raise unknown_message()
            if rtype == 7 and message is not None:
                self._edit(rec, message, data, req)
            rec.original = message
        elif rtype == 8:
            rec.choices = validate_choices(data, rec.focused_type)
            world.record_shown("autocomplete", rec.channel, data)
        elif rtype == 9:
            validate_modal(data)
            rec.modal = plain_copy(data)
            assign_component_ids(rec.modal["components"])
            world.record_shown("modal", rec.channel, data)
        rec.response_type = rtype
        interaction: dict[str, Any] = {"id": str(rec.id), "type": rec.type}
        if message is not None:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            if rtype != 6:
                resource["message"] = message.payload()
        return {"interaction": interaction, "resource": resource}

    def _metadata(self, rec: InteractionRecord) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "id": str(rec.id),
            "type": rec.type,
            "user": rec.person.user_payload(),
            "authorizing_integration_owners": {"0": str(rec.guild.id) if rec.guild else "0"},
        }
        if rec.type == 2:
            meta["name"] = rec.data.get("name", "")
            meta["command_type"] = rec.data.get("type", 1)
        if rec.message is not None:
            meta["interacted_message_id"] = str(rec.message.id)
        if rec.original is not None and rec.original.id:
            meta["original_response_message_id"] = str(rec.original.id)
        return meta

    def _create(
        self, rec: InteractionRecord, data: dict[str, Any], req: ApiRequest, *, loading: bool
    ) -> Message:
        errors = FormErrors()
        validate_message(data, errors, () if loading else ("data",))
        errors.raise_if_any()
        world = self.emu.world
        msg_type = 20 if rec.type == 2 else 0
        message = world.new_message(
            rec.channel,
            world.bot_user,
            data,
            req.files,
            msg_type=msg_type,
            extra_flags=FLAG_LOADING if loading else 0,
        )
        message.webhook_id = world.application_id
        message.application_id = world.application_id
        message.interaction_metadata = self._metadata(rec)
        if not loading:
            ensure_not_empty(_fields(message))
        world.store(rec.channel, message, queue=False)
        rec.original = message
        self.emu.dispatch_message("MESSAGE_CREATE", message)
        return message

    def _edit(
        self, rec: InteractionRecord, message: Message, data: dict[str, Any], req: ApiRequest
    ) -> None:
        errors = FormErrors()
        validate_message(data, errors, ("data",) if req.path.endswith("/callback") else ())
        errors.raise_if_any()
        data = dict(data)
        if "flags" in data:
            # Ephemerality cannot change after the fact; only the visible flags can.
            data["flags"] = (int(data["flags"] or 0) & ~FLAG_EPHEMERAL) | (
                message.flags & FLAG_EPHEMERAL
            )
        world = self.emu.world
        world.apply_fields(message, data, req.files, editing=True)
        message.flags &= ~FLAG_LOADING
        ensure_not_empty(_fields(message))
        world.edited(message)
        rec.edits += 1
        self.emu.dispatch_message("MESSAGE_UPDATE", message)

    # ----- the follow-up webhook -----------------------------------------------------------

    def _webhook_record(self, req: ApiRequest) -> InteractionRecord:
        rec = self.by_token.get(req.params["webhook_token"])
        if rec is None or req.int_param("webhook_id") != self.emu.world.application_id:
            raise ApiError(404, 10015, "Unknown Webhook", record=True)
        if rec.response_type is None:
            # Never acknowledged (or acknowledged too late): Discord voids the token.
            raise ApiError(404, 10015, "Unknown Webhook", record=True)
        if asyncio.get_running_loop().time() > rec.created + FOLLOWUP_TTL:
            raise ApiError(401, 50027, "Invalid Webhook Token", record=True)
        return rec

    def _target(self, rec: InteractionRecord, req: ApiRequest) -> Message:
        mid = req.params.get("message_id")
        if mid is None:
            target = rec.original
        else:
            target = next(
                (m for m in [rec.original, *rec.followups] if m is not None and str(m.id) == mid),
                None,
            )
        if target is None or target.deleted:
            raise unknown_message()
        return target

    async def followup(self, req: ApiRequest) -> tuple[int, Any]:
        """POST /webhooks/{app}/{token}: a follow-up message."""
        rec = self._webhook_record(req)
        with _noting(rec):
            return self._followup(rec, req)

    def _followup(self, rec: InteractionRecord, req: ApiRequest) -> tuple[int, Any]:
        data = req.json if isinstance(req.json, dict) else {}
        original = rec.original
        if rec.response_type == 5 and original is not None and original.loading:
            # The first follow-up after a deferred response replaces the "thinking" message.
            self._edit(rec, original, data, req)
            rec.followups.append(original)
            self.emu.world.signal.fire()
            return 200, original.payload()
        errors = FormErrors()
        validate_message(data, errors)
        errors.raise_if_any()
        world = self.emu.world
        message = world.new_message(rec.channel, world.bot_user, data, req.files)
        message.webhook_id = world.application_id
        message.application_id = world.application_id
        message.interaction_metadata = self._metadata(rec)
        ensure_not_empty(_fields(message))
        world.store(rec.channel, message, queue=False)
        rec.followups.append(message)
        self.emu.dispatch_message("MESSAGE_CREATE", message)
        world.signal.fire()
        if req.query.get("wait", "").lower() not in ("1", "true"):
            return 204, None
        return 200, message.payload()

    async def get_message(self, req: ApiRequest) -> tuple[int, Any]:
        """GET .../messages/@original or /{id}."""
        return 200, self._target(self._webhook_record(req), req).payload()

    async def edit_message(self, req: ApiRequest) -> tuple[int, Any]:
        """PATCH .../messages/@original or /{id}."""
        rec = self._webhook_record(req)
        with _noting(rec):
            message = self._target(rec, req)
            self._edit(rec, message, req.json if isinstance(req.json, dict) else {}, req)
        return 200, message.payload()

    async def delete_message(self, req: ApiRequest) -> tuple[int, Any]:
        """DELETE .../messages/@original or /{id}."""
        message = self._target(self._webhook_record(req), req)
        self.emu.delete_message(message)
        return 204, None


@contextlib.contextmanager
def _noting(rec: InteractionRecord) -> Iterator[None]:
    """Keep the bot's refused answers on the record, to explain a person's timeout."""
    try:
        yield
    except ApiError as error:
        if error.record and error.code != 10062:
            rec.rejections.append(f"{error.status} {error.code} {error.message} {error.errors}")
        raise


def _fields(message: Message) -> dict[str, Any]:
    return {
        "content": message.content,
        "embeds": message.embeds,
        "files": message.files,
        "components": message.components,
    }


def describe_wait(rec: InteractionRecord, what: str, timeout: float) -> str:
    """Message for a Reply helper that timed out."""
    text = (
        f"{rec.person.name} used {rec.label}: no {what} within {timeout}s "
        f"(response kind {rec.kind}, {len(rec.followups)} follow-up(s) so far)"
    )
    if rec.rejections:
        text += "; refused: " + " | ".join(rec.rejections)
    return text


__all__ = ["EmulatorTimeout", "InteractionRecord", "Interactions", "describe_wait"]
