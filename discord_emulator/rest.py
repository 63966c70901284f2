"""REST routes other than interactions: login, gateway discovery, commands, guilds, channels,
messages and DMs, answered as Discord does (errors included)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from discord_emulator import perms
from discord_emulator.errors import (
    ApiError,
    invalid_form,
    missing_access,
    missing_permissions,
    unknown_channel,
    unknown_message,
)
from discord_emulator.gateway import MESSAGE_CONTENT, strip_content
from discord_emulator.models import DM, FLAG_EPHEMERAL, FLAG_LOADING, Channel, Guild, Message
from discord_emulator.validation import FormErrors, ensure_not_empty, validate_message

if TYPE_CHECKING:
    from discord_emulator.emulator import Emulator
    from discord_emulator.server import ApiRequest, Router

NONCE_WINDOW = 5 * 60
Answer = tuple[int, Any]


class RestRoutes:
    """Handlers for the bot-token REST routes."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.world = emu.world
        self._nonces: dict[tuple[int, str], tuple[float, Message]] = {}

    def register(self, router: Router) -> None:
        """Add every route (more specific templates first)."""
        add = router.add
        add("GET", "/users/@me", self.get_me)
        add("GET", "/users/{user_id}", self.get_user)
        add("POST", "/users/@me/channels", self.create_dm)
        add("DELETE", "/users/@me/guilds/{guild_id}", self.leave_guild)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        add("GET", "/gateway", self.get_gateway)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        for prefix in (
            "/applications/{application_id}",
            "/applications/{application_id}/guilds/{guild_id}",
        ):
            add("GET", prefix + "/commands", self.list_commands)
            add("PUT", prefix + "/commands", self.put_commands)
            add("POST", prefix + "/commands", self.post_command)
            add("GET", prefix + "/commands/{command_id}", self.get_command)
            add("DELETE", prefix + "/commands/{command_id}", self.delete_command)
        add("GET", "/guilds/{guild_id}", self.get_guild)
        add("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        add("GET", "/guilds/{guild_id}/roles", self.get_roles)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        add("GET", "/channels/{channel_id}", self.get_channel)
        add("POST", "/channels/{channel_id}/typing", self.typing)
        add("GET", "/channels/{channel_id}/messages", self.history)
        add("POST", "/channels/{channel_id}/messages", self.send_message)
        add("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        add("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        add("PUT", reaction, self.add_reaction)
        add("DELETE", reaction, self.remove_reaction)

    # ----- users, application, gateway ----------------------------------------------------

    async def get_me(self, req: ApiRequest) -> Answer:
        """GET /users/@me."""
        return 200, self.world.bot_user

    async def get_user(self, req: ApiRequest) -> Answer:
        """GET /users/{id}."""
        user = self.world.user(req.int_param("user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user

    async def get_application(self, req: ApiRequest) -> Answer:
        """GET /oauth2/applications/@me."""
        world = self.world
        return 200, {
            "id": str(world.application_id),
            "name": world.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot": world.bot_user,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": world.owner_user,
            "team": None,
            "flags": 0,
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "terms_of_service_url": None,
            "privacy_policy_url": None,
            "approximate_guild_count": sum(not g.removed for g in world.guilds.values()),
            "integration_types_config": {"0": {}},
        }

    async def get_gateway(self, req: ApiRequest) -> Answer:
        """GET /gateway."""
        return 200, {"url": self.emu.gateway_url}

    async def get_gateway_bot(self, req: ApiRequest) -> Answer:
        """GET /gateway/bot: the URL, recommended shards and session start limits."""
        return 200, {
            "url": self.emu.gateway_url,
            "shards": self.emu.recommended_shards,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    async def leave_guild(self, req: ApiRequest) -> Answer:
        """DELETE /users/@me/guilds/{id}: the bot leaves (GUILD_DELETE)."""
        guild = self._guild(req)
        self.emu.remove_guild(guild)
        return 204, None

    async def create_dm(self, req: ApiRequest) -> Answer:
        """POST /users/@me/channels: open (or return) the DM channel with a user."""
        body = req.body()
        try:
            person = self.world.people.get(int(str(body.get("recipient_id"))))
        except ValueError:
            person = None
        if person is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)", record=True)
        return 200, self.world.dm_channel(person).payload()

    # ----- application commands -----------------------------------------------------------

    def _command_scope(self, req: ApiRequest) -> int | None:
        if req.int_param("application_id") != self.world.application_id:
            raise missing_access()
        if "guild_id" in req.params:
            return self._guild(req).id
        return None

    async def list_commands(self, req: ApiRequest) -> Answer:
        """GET .../commands."""
        return 200, self.emu.command_store.listed(self._command_scope(req))

    async def put_commands(self, req: ApiRequest) -> Answer:
        """PUT .../commands (bulk overwrite)."""
        scope = self._command_scope(req)
        return 200, self.emu.command_store.bulk_overwrite(scope, req.json)

    async def post_command(self, req: ApiRequest) -> Answer:
        """POST .../commands (create or replace one)."""
        scope = self._command_scope(req)
        command, created = self.emu.command_store.upsert(scope, req.body())
        return (201 if created else 200), command

    async def get_command(self, req: ApiRequest) -> Answer:
        """GET .../commands/{id}."""
        scope = self._command_scope(req)
        return 200, self.emu.command_store.get(scope, req.int_param("command_id"))

    async def delete_command(self, req: ApiRequest) -> Answer:
        """DELETE .../commands/{id}."""
        scope = self._command_scope(req)
        self.emu.command_store.delete(scope, req.int_param("command_id"))
        return 204, None

    # ----- guilds -------------------------------------------------------------------------

    def _guild(self, req: ApiRequest) -> Guild:
        guild = self.world.guilds.get(req.int_param("guild_id"))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        if guild.removed:
            raise missing_access()
        return guild

    async def get_guild(self, req: ApiRequest) -> Answer:
        """GET /guilds/{id}."""
        data = self.world.guild_create_payload(self._guild(req))
        for key in (
            "channels",
            "members",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
        ):
            data.pop(key, None)
        return 200, data

    async def get_guild_channels(self, req: ApiRequest) -> Answer:
        """GET /guilds/{id}/channels."""
        return 200, [c.payload() for c in self._guild(req).channels.values()]

    async def get_roles(self, req: ApiRequest) -> Answer:
        """GET /guilds/{id}/roles."""
        return 200, [r.payload() for r in self._guild(req).roles.values()]

    async def get_member(self, req: ApiRequest) -> Answer:
        """GET /guilds/{id}/members/{user}."""
        guild = self._guild(req)
        user_id = req.int_param("user_id")
        user = self.world.user(user_id)
        if user is None or user_id not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        return 200, guild.member_payload(user, user_id)

    # ----- channels and messages ----------------------------------------------------------

    def _channel(self, req: ApiRequest, *, need: int = perms.VIEW_CHANNEL) -> Channel:
        """The channel, if the bot can reach it with the ``need`` permissions."""
        channel = self.world.channels.get(req.int_param("channel_id"))
        if channel is None or channel.deleted:
            raise unknown_channel()
        if channel.guild_id is None:
            return channel
        guild = self.world.guilds[channel.guild_id]
        if guild.removed:
            raise missing_access()
        have = self.world.bot_permissions(channel)
        if not have & perms.VIEW_CHANNEL:
            raise missing_access()
        if have & need != need:
            raise missing_permissions()
        return channel

    def _message(self, channel: Channel, req: ApiRequest) -> Message:
        message = self.world.messages.get(req.int_param("message_id"))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown_message()
        if message.ephemeral:
            raise unknown_message()
        return message

    async def get_channel(self, req: ApiRequest) -> Answer:
        """GET /channels/{id}."""
        return 200, self._channel(req).payload()

    async def typing(self, req: ApiRequest) -> Answer:
        """POST /channels/{id}/typing."""
        self._channel(req, need=perms.VIEW_CHANNEL | perms.SEND_MESSAGES)
        return 204, None

    async def history(self, req: ApiRequest) -> Answer:
        """GET /channels/{id}/messages (newest first; before/after/limit)."""
        channel = self._channel(req, need=perms.VIEW_CHANNEL | perms.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        before = int(req.query.get("before", 0) or 0)
        after = int(req.query.get("after", 0) or 0)
        found = [
            m
            for m in channel.messages
            if not m.deleted
            and not m.ephemeral
            and (not before or m.id < before)
            and (not after or m.id > after)
        ]
        chosen = found[:limit] if after else found[-limit:]
        return 200, [self._visible(m) for m in reversed(chosen)]

    def _visible(self, message: Message) -> dict[str, Any]:
        """REST hides others' guild message content too when the app lacks the intent."""
        data = message.payload()
        if self.emu.gateway.privileged_intents & MESSAGE_CONTENT:
            return data
        return strip_content(data, self.world)

    async def get_message(self, req: ApiRequest) -> Answer:
        """GET /channels/{id}/messages/{mid}."""
        channel = self._channel(req, need=perms.VIEW_CHANNEL | perms.READ_MESSAGE_HISTORY)
        return 200, self._visible(self._message(channel, req))

    async def send_message(self, req: ApiRequest) -> Answer:
        """POST /channels/{id}/messages (JSON or multipart with files)."""
        data = req.json if isinstance(req.json, dict) else {}
        if req.json is not None and not isinstance(req.json, dict):
            req.body()
        need = perms.VIEW_CHANNEL | perms.SEND_MESSAGES
        if data.get("embeds"):
            need |= perms.EMBED_LINKS
        if req.files:
            need |= perms.ATTACH_FILES
        channel = self._channel(req, need=need)
        if channel.type == DM:
            self._check_dm_open(channel)
        errors = FormErrors()
        validate_message(data, errors)
        if int(data.get("flags") or 0) & (FLAG_EPHEMERAL | FLAG_LOADING):
            errors.add(
                ("flags",), "MESSAGE_FLAGS_INVALID", "Ephemeral messages need an interaction."
            )
        errors.raise_if_any()
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            seen = self._nonces.get((channel.id, str(nonce)))
            if seen and time.monotonic() - seen[0] < NONCE_WINDOW and not seen[1].deleted:
                return 200, seen[1].payload()
        referenced = self._reference(channel, data)
        message = self.world.new_message(
            channel, self.world.bot_user, data, req.files, msg_type=19 if referenced else 0
        )
        message.referenced = referenced
        ensure_not_empty(
            {
                "content": message.content,
                "embeds": message.embeds,
                "files": message.files,
                "components": message.components,
                "sticker_ids": data.get("sticker_ids"),
                "poll": data.get("poll"),
            }
        )
        if nonce is not None:
            self._nonces[(channel.id, str(nonce))] = (time.monotonic(), message)
        self.world.store(channel, message, queue=True)
        self.emu.dispatch_message("MESSAGE_CREATE", message)
        return 200, message.payload()

    def _reference(self, channel: Channel, data: dict[str, Any]) -> Message | None:
        """The message a reply points at (400 when unknown, unless fail_if_not_exists)."""
        ref = data.get("message_reference")
        if not isinstance(ref, dict) or ref.get("message_id") is None:
            return None
        try:
            target = self.world.messages.get(int(ref["message_id"]))
        except (TypeError, ValueError):
            target = None
        if target is None or target.deleted or target.channel_id != channel.id:
            if ref.get("fail_if_not_exists", True) is False:
                return None
            raise invalid_form(
                {
                    "message_reference": {
                        "_errors": [
                            {
                                "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                "message": "Unknown message",
                            }
                        ]
                    }
                }
            )
        return target

    async def add_reaction(self, req: ApiRequest) -> Answer:
        """PUT .../reactions/{emoji}/@me."""
        return self._react(req, add=True)

    async def remove_reaction(self, req: ApiRequest) -> Answer:
        """DELETE .../reactions/{emoji}/@me."""
        return self._react(req, add=False)

    def _react(self, req: ApiRequest, *, add: bool) -> Answer:
        need = perms.VIEW_CHANNEL | perms.READ_MESSAGE_HISTORY
        if add:
            need |= perms.ADD_REACTIONS
        channel = self._channel(req, need=need)
        message = self._message(channel, req)
        emoji = req.params["emoji"]
        name, _, emoji_id = emoji.partition(":")
        if not name or (emoji_id and not emoji_id.isdigit()):
            raise ApiError(400, 10014, "Unknown Emoji", record=True)
        users = message.reactions.setdefault(emoji, set())
        bot_id = self.world.bot_user_id
        changed = (bot_id not in users) if add else (bot_id in users)
        if add:
            users.add(bot_id)
        else:
            users.discard(bot_id)
        if changed:
            event: dict[str, Any] = {
                "user_id": str(bot_id),
                "channel_id": str(channel.id),
                "message_id": str(message.id),
                "emoji": {"id": emoji_id or None, "name": name},
                "burst": False,
                "type": 0,
            }
            if channel.guild_id is not None:
                event["guild_id"] = str(channel.guild_id)
            kind = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
            self.emu.gateway.dispatch(kind, event, guild_id=channel.guild_id)
            self.world.signal.fire()
        return 204, None

    def _check_dm_open(self, channel: Channel) -> None:
        person = channel.recipient
        if person is None:
            raise unknown_channel()
        shares_guild = any(
            not g.removed and person.id in g.members for g in self.world.guilds.values()
        )
        if not person.dms_open or not shares_guild:
            raise ApiError(403, 50007, "Cannot send messages to this user")

    async def edit_message(self, req: ApiRequest) -> Answer:
        """PATCH /channels/{id}/messages/{mid} (the bot's own messages only)."""
        data = req.body() if req.json is not None else {}
        need = perms.VIEW_CHANNEL
        if data.get("embeds"):
            need |= perms.EMBED_LINKS
        channel = self._channel(req, need=need)
        message = self._message(channel, req)
        if not message.from_bot or message.author_id != self.world.bot_user_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        errors = FormErrors()
        validate_message(data, errors)
        errors.raise_if_any()
        if "flags" in data:
            data = {**data, "flags": int(data["flags"] or 0) & ~FLAG_EPHEMERAL}
        self.world.apply_fields(message, data, req.files, editing=True)
        message.flags &= ~FLAG_LOADING
        ensure_not_empty(
            {
                "content": message.content,
                "embeds": message.embeds,
                "files": message.files,
                "components": message.components,
            }
        )
        self.world.edited(message)
        self.emu.dispatch_message("MESSAGE_UPDATE", message)
        return 200, message.payload()

    async def delete_message(self, req: ApiRequest) -> Answer:
        """DELETE /channels/{id}/messages/{mid}."""
        channel = self._channel(req)
        message = self._message(channel, req)
        if message.author_id != self.world.bot_user_id:
            have = self.world.bot_permissions(channel) if channel.guild_id else 0
            if not have & perms.MANAGE_MESSAGES:
                raise missing_permissions()
        self.emu.delete_message(message)
        return 204, None
