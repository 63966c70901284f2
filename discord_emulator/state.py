"""The fake Discord's world: users, guilds, channels and messages, and how messages change.

Everything here is synchronous and owned by one event loop; waiters are woken through
:class:`Signal` so helpers never sleep-poll.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from discord_emulator import perms
from discord_emulator.components import assign_component_ids
from discord_emulator.errors import ApiError, EmulatorTimeout, invalid_form
from discord_emulator.models import (
    DM,
    FLAG_LOADING,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    Snowflakes,
    now_iso,
    user_payload,
)

if TYPE_CHECKING:
    from discord_emulator.people import Person

T = TypeVar("T")
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
MAX_FILE_SIZE = 10 * 1024 * 1024


@dataclass
class UploadedFile:
    """A ``files[n]`` part of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str | None = None


class Signal:
    """Wakes every waiter whenever the world changes; waiters re-check their predicate."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        """Something changed: wake everyone waiting."""
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait_for(
        self, predicate: Callable[[], T | None], timeout: float, describe: Callable[[], str]
    ) -> T:
        """Return the first truthy ``predicate()``; raise EmulatorTimeout after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EmulatorTimeout(describe())
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)


@dataclass
class Queue:
    """Messages the bot sent to one place, with a read cursor for ``next_*`` helpers."""

    items: list[Message] = field(default_factory=list)
    read: int = 0


class World:
    """Users, guilds, channels and messages of the fake Discord."""

    def __init__(self, ids: Snowflakes, bot_name: str) -> None:
        self.ids = ids
        self.application_id = ids.next()
        self.bot_user_id = self.application_id  # Discord bots share the application's id.
        self.owner_user_id = ids.next()
        self.bot_user = user_payload(self.bot_user_id, bot_name, bot=True)
        self.bot_user.update({"verified": True, "mfa_enabled": False, "email": None})
        self.owner_user = user_payload(self.owner_user_id, "server-owner", global_name="Owner")
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.people: dict[int, Person] = {}
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, Attachment] = {}
        self.sent_messages: list[Message] = []
        self.queues: dict[int, Queue] = {}
        self.signal = Signal()
        self.base_url = ""
        # Above this many members a guild is "large" (IDENTIFY's large_threshold, 50 to 250).
        self.large_threshold = 50

    # ----- users and guilds -------------------------------------------------------------

    def user(self, user_id: int) -> dict[str, Any] | None:
        """A user object by id (bot, owner or a person)."""
        if user_id == self.bot_user_id:
            return self.bot_user
        if user_id == self.owner_user_id:
            return self.owner_user
        person = self.people.get(user_id)
        return person.user_payload() if person else None

    def new_guild(self, name: str, channel_names: tuple[str, ...], bot_permissions: int) -> Guild:
        """Create a guild with @everyone, a Facilitator role and the bot's managed role."""
        gid = self.ids.next_new_millisecond()
        roles = {
            "@everyone": Role(gid, "@everyone", perms.EVERYONE_DEFAULT, position=0),
            "Facilitator": Role(self.ids.next(), "Facilitator", perms.MANAGE_GUILD, position=1),
            "bot": Role(
                self.ids.next(),
                self.bot_user["username"],
                bot_permissions,
                position=2,
                managed=True,
                bot_id=self.bot_user_id,
            ),
        }
        joined = now_iso()
        guild = Guild(
            id=gid,
            name=name,
            owner_id=self.owner_user_id,
            channels={},
            roles=roles,
            members={
                self.bot_user_id: Member(self.bot_user_id, [roles["bot"].id], joined),
                self.owner_user_id: Member(self.owner_user_id, [], joined),
            },
            joined_at=joined,
        )
        for position, cname in enumerate(channel_names):
            channel = Channel(self.ids.next(), cname, gid, position=position)
            guild.channels[cname] = channel
            self.channels[channel.id] = channel
        self.guilds[gid] = guild
        return guild

    def guild_create_payload(self, guild: Guild, *, initial: bool = True) -> dict[str, Any]:
        """GUILD_CREATE data: the full guild with channels, roles and the bot's member.

        ``initial`` guilds were announced unavailable in READY and carry ``unavailable: false``;
        a guild the bot just joined has no ``unavailable`` key (discord.py tells the two apart
        this way: ``on_guild_available`` vs ``on_guild_join``).
        """
        data = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "features": [],
            "application_id": None,
            # Discord makes a new server's first text channel its system channel.
            "system_channel_id": (
                str(next(iter(guild.channels.values())).id) if guild.channels else None
            ),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [r.payload() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": guild.joined_at,
            "large": guild.member_count > self.large_threshold,
            "lazy": True,
            "member_count": guild.member_count,
            "members": [guild.member_payload(self.bot_user, self.bot_user_id)],
            "channels": [c.payload() for c in guild.channels.values()],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
        if initial:
            data["unavailable"] = False
        return data

    def bot_permissions(self, channel: Channel) -> int:
        """The bot's computed permissions in a guild channel."""
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        if guild is None:
            return perms.ALL
        return guild.member_permissions(self.bot_user_id, channel)

    def dm_channel(self, person: Person) -> Channel:
        """The DM channel between the bot and a person (created on first use)."""
        if person.dm_channel is None:
            channel = Channel(self.ids.next(), f"dm-{person.name}", None, type=DM)
            channel.recipient = person
            self.channels[channel.id] = channel
            person.dm_channel = channel
        return person.dm_channel

    # ----- messages ---------------------------------------------------------------------

    def new_message(
        self,
        channel: Channel,
        author: dict[str, Any],
        data: dict[str, Any],
        files: list[UploadedFile],
        *,
        msg_type: int = 0,
        extra_flags: int = 0,
    ) -> Message:
        """Build (not yet store) a message from a create payload; raises on bad files."""
        message = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            type=msg_type,
            tts=bool(data.get("tts", False)),
            nonce=data.get("nonce"),
        )
        self.apply_fields(message, data, files, editing=False)
        message.flags |= extra_flags
        return message

    def apply_fields(
        self, message: Message, data: dict[str, Any], files: list[UploadedFile], *, editing: bool
    ) -> None:
        """Apply the fields present in a create/edit payload (edit keeps what is absent)."""
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = [_clean_embed(e) for e in data["embeds"] or []]
        if "components" in data:
            message.components = data["components"] or []
            assign_component_ids(message.components)
        if "flags" in data and data["flags"] is not None:
            # Only these flags can be set by the sender; LOADING is Discord's own.
            message.flags = (message.flags & FLAG_LOADING) | int(data["flags"])
        self._apply_attachments(message, data, files, editing=editing)
        self._apply_mentions(message, data)

    def _apply_attachments(
        self, message: Message, data: dict[str, Any], files: list[UploadedFile], *, editing: bool
    ) -> None:
        for upload in files:
            if len(upload.data) > MAX_FILE_SIZE:
                raise ApiError(413, 40005, "Request entity too large", record=True)
        by_index = {_file_index(u.field): u for u in files}
        existing = {str(a.id): a for a in message.files}
        kept: list[Attachment] = []
        used: set[int] = set()
        if "attachments" in data and data["attachments"] is not None:
            for i, entry in enumerate(data["attachments"]):
                ref = str(entry.get("id"))
                if ref in existing:
                    attachment = existing[ref]
                    if "description" in entry:
                        attachment.description = entry["description"]
                    kept.append(attachment)
                elif ref.isdigit() and int(ref) in by_index:
                    upload = by_index[int(ref)]
                    used.add(int(ref))
                    name = entry.get("filename") or upload.filename
                    kept.append(self._attachment(message, name, upload, entry.get("description")))
                else:
                    raise invalid_form(
                        {
                            "attachments": {
                                str(i): {
                                    "_errors": [
                                        {
                                            "code": "ATTACHMENT_NOT_FOUND",
                                            "message": f"Unknown attachment {ref}",
                                        }
                                    ]
                                }
                            }
                        }
                    )
        elif editing:
            kept = list(message.files)
        for index, upload in sorted(by_index.items()):
            if index not in used:
                kept.append(self._attachment(message, upload.filename, upload, None))
        message.files = kept

    def upload(self, channel: Channel, filename: str, data: bytes) -> Attachment:
        """A file a person picked for an attachment option: stored and served at its URL, like
        Discord's ephemeral uploads. Raises ``ValueError`` for what a client would refuse."""
        if not filename:
            raise ValueError("a file needs a name")
        if len(data) > MAX_FILE_SIZE:
            raise ValueError(f"{filename!r} is over the upload limit ({MAX_FILE_SIZE} bytes)")
        att_id = self.ids.next()
        attachment = self.attachments[att_id] = Attachment(
            id=att_id,
            filename=filename,
            data=data,
            url=f"{self.base_url}/attachments/{channel.id}/{att_id}/{quote(filename)}",
            content_type=mimetypes.guess_type(filename)[0],
            ephemeral=True,
        )
        return attachment

    def _attachment(
        self, message: Message, filename: str, upload: UploadedFile, description: str | None
    ) -> Attachment:
        att_id = self.ids.next()
        content_type = mimetypes.guess_type(filename)[0]
        attachment = self.attachments[att_id] = Attachment(
            id=att_id,
            filename=filename,
            data=upload.data,
            url=f"{self.base_url}/attachments/{message.channel_id}/{att_id}/{quote(filename)}",
            content_type=content_type,
            description=description,
            ephemeral=message.ephemeral,
        )
        return attachment

    def _apply_mentions(self, message: Message, data: dict[str, Any]) -> None:
        allowed = data.get("allowed_mentions")
        parse = None if not isinstance(allowed, dict) else allowed.get("parse") or []
        mentions: list[dict[str, Any]] = []
        for raw in USER_MENTION.findall(message.content):
            user = self.user(int(raw))
            if user is not None and user not in mentions:
                mentions.append(user)
        message.mentions = mentions
        message.mention_roles = list(dict.fromkeys(ROLE_MENTION.findall(message.content)))
        message.mention_everyone = "@everyone" in message.content and (
            parse is None or "everyone" in parse
        )

    def store(self, channel: Channel, message: Message, *, queue: bool) -> None:
        """Keep a new message; ``queue`` makes it visible to ``next_message``/``next_dm``."""
        self.messages[message.id] = message
        message.viewer_id = self.bot_user_id
        channel.last_message_id = message.id
        if not message.ephemeral or channel.type == DM:
            channel.messages.append(message)
        if message.from_bot:
            self.sent_messages.append(message.snapshot())
            if queue:
                self.queues.setdefault(channel.id, Queue()).items.append(message)
        self.signal.fire()

    def edited(self, message: Message) -> None:
        """Record an edit made by the bot."""
        message.edited_timestamp = now_iso()
        self.sent_messages.append(message.snapshot())
        self.signal.fire()

    def record_shown(self, kind: str, channel: Channel, data: dict[str, Any]) -> None:
        """Keep a non-message text the bot showed (a modal, autocomplete choices)."""
        shown = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.bot_user,
            kind=kind,
            title=data.get("title"),
            components=data.get("components") or [],
            content="\n".join(c.get("name", "") for c in data.get("choices") or []),
        )
        self.sent_messages.append(shown)

    async def next_in(self, channel: Channel, timeout: float, what: str) -> Message:
        """The next queued bot message in a channel (kept until read, in order)."""
        queue = self.queues.setdefault(channel.id, Queue())

        def take() -> Message | None:
            if queue.read < len(queue.items):
                queue.read += 1
                return queue.items[queue.read - 1]
            return None

        def describe() -> str:
            seen = [m.content or m.text()[:80] for m in queue.items[: queue.read]]
            return f"no new {what} within {timeout}s; already read: {seen[-5:]}"

        return await self.signal.wait_for(take, timeout, describe)


def _file_index(field_name: str) -> int:
    match = re.fullmatch(r"files\[(\d+)\]|file(\d*)", field_name)
    if not match:
        return 0
    return int(match.group(1) or match.group(2) or 0)


def _clean_embed(embed: dict[str, Any]) -> dict[str, Any]:
    """Store an embed as Discord echoes it: a ``type`` (default "rich") and no nulls."""
    # The embed comes from a freshly parsed request body: nothing else holds it.
    clean = {k: v for k, v in embed.items() if v is not None}
    clean.setdefault("type", "rich")
    return clean
