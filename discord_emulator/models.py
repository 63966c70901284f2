"""Plain data the fake Discord keeps: snowflakes, guilds, channels, roles and messages.

Payload builders live next to the data so every part of the emulator (REST answers, gateway
events, interaction payloads) renders an object the same way, as Discord does.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from discord_emulator import perms
from discord_emulator.components import walk_components

if TYPE_CHECKING:
    from discord_emulator.people import Person

DISCORD_EPOCH_MS = 1420070400000

# Channel types used here (Discord's numbering).
GUILD_TEXT = 0
DM = 1

# The worker bits of the ids of members declared by number (``Guild.extra_members``); every
# other id is made by :class:`Snowflakes` with worker 1.
EXTRA_MEMBER_WORKER = 2 << 17
MAX_EXTRA_MEMBERS = 1 << 17

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15


def plain_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars).

    Several times faster than ``copy.deepcopy`` (no memo, no reduce protocol); the emulator
    copies every payload it stores or serves, so this is on the hot path of every request.
    """
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


class Snowflakes:
    """Real-looking, strictly increasing ids: ``(ms - DISCORD_EPOCH) << 22 | worker | inc``."""

    def __init__(self, start_ms: int | None = None) -> None:
        self._last = 0
        # With a start, ids come from a counter instead of the clock: the same world built in
        # the same order gets the same ids every run (the sandbox keeps state between runs).
        self._virtual = start_ms

    def _now_ms(self) -> int:
        if self._virtual is None:
            return time.time_ns() // 1_000_000
        self._virtual += 1
        return self._virtual

    def next(self) -> int:
        """A new id stamped with the current time (bumped past the last one if needed)."""
        ms = self._now_ms()
        candidate = ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17)
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate

    def next_new_millisecond(self) -> int:
        """An id whose timestamp differs from every earlier id's.

        Used for guilds: the shard of a guild is ``(id >> 22) % shards``, so guilds created in a
        burst would otherwise all share one millisecond and land on the same shard.
        """
        now = self._now_ms() - DISCORD_EPOCH_MS
        ms = max(now, (self._last >> 22) + 1)
        self._last = (ms << 22) | (1 << 17)
        return self._last


def now_iso() -> str:
    """Current time as Discord formats timestamps (ISO 8601, UTC offset)."""
    return datetime.now(UTC).isoformat()


def snowflake_iso(snowflake: int) -> str:
    """The creation time encoded in a snowflake, as an ISO timestamp."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def user_payload(
    user_id: int, name: str, *, bot: bool = False, global_name: str | None = None
) -> dict[str, Any]:
    """A Discord user object."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


@dataclass(eq=False)
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """The role object as in GUILD_CREATE and resolved data."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Overwrite:
    """A permission overwrite on a channel (type 0 role, 1 member)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        """The overwrite as Discord renders it."""
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    """A guild text channel or a DM channel."""

    id: int
    name: str
    guild_id: int | None
    type: int = GUILD_TEXT
    position: int = 0
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    deleted: bool = False
    recipient: Person | None = None
    last_message_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """The channel object as REST and the gateway render it."""
        if self.type == DM and self.recipient is not None:
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": _opt_str(self.last_message_id),
                "flags": 0,
                "recipients": [self.recipient.user_payload()],
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites.values()],
            "parent_id": None,
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": _opt_str(self.last_message_id),
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def __repr__(self) -> str:
        return f"<Channel #{self.name} id={self.id}>"


@dataclass(eq=False)
class Member:
    """A user's membership of a guild."""

    user_id: int
    roles: list[int]
    joined_at: str


@dataclass(eq=False)
class Guild:
    """A server the bot is (or was) in."""

    id: int
    name: str
    owner_id: int
    channels: dict[str, Channel]
    roles: dict[str, Role]
    members: dict[int, Member]
    joined_at: str
    removed: bool = False
    # Commands a server admin opened to everyone (Server Settings > Integrations), whatever
    # their default_member_permissions say.
    opened_commands: set[str] = field(default_factory=set)
    # Members declared by number only (``Emulator.add_guild(members=...)``), so a server of
    # thousands costs nothing to build: counted in member_count, listed to a bot that asks
    # for the member list, never acting. Their ids are worker 2 of the guild's millisecond.
    extra_members: int = 0

    @property
    def member_count(self) -> int:
        """Every member: the people, the bot, the owner and those declared by number."""
        return len(self.members) + self.extra_members

    def extra_member_ids(self) -> range:
        """The ids of the members declared by number."""
        first = (self.id >> 22) << 22 | EXTRA_MEMBER_WORKER
        return range(first, first + self.extra_members)

    def channel(self, name: str) -> Channel:
        """The channel called ``name`` (raises ``KeyError`` listing the names that exist)."""
        try:
            return self.channels[name]
        except KeyError:
            raise KeyError(
                f"{self.name!r} has no channel {name!r}; it has {list(self.channels)}"
            ) from None

    @property
    def everyone(self) -> Role:
        """The @everyone role, whose id is the guild id."""
        return self.roles["@everyone"]

    def role_by_id(self, role_id: int) -> Role | None:
        """Look a role up by id."""
        for role in self.roles.values():
            if role.id == role_id:
                return role
        return None

    def member_permissions(self, user_id: int, channel: Channel | None = None) -> int:
        """Discord's permission computation for a member, optionally in a channel."""
        member = self.members.get(user_id)
        if member is None:
            return 0
        if user_id == self.owner_id:
            return perms.ALL
        roles = [r for r in (self.role_by_id(i) for i in member.roles) if r is not None]
        base = self.everyone.permissions
        for role in roles:
            base |= role.permissions
        if base & perms.ADMINISTRATOR:
            return perms.ALL
        if channel is None:
            return base
        return perms.apply_overwrites(
            base, self.id, [r.id for r in roles], user_id, channel.overwrites.values()
        )

    def member_payload(self, user: dict[str, Any] | None, user_id: int) -> dict[str, Any]:
        """A guild member object (``user`` omitted when None, as in resolved data)."""
        member = self.members.get(user_id)
        if member is None:
            if user_id not in self.extra_member_ids():
                raise KeyError(user_id)
            member = Member(user_id, [], self.joined_at)
        data: dict[str, Any] = {
            "roles": [str(r) for r in member.roles],
            "joined_at": member.joined_at,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if user is not None:
            data["user"] = user
        return data

    def __repr__(self) -> str:
        return f"<Guild {self.name!r} id={self.id}>"


@dataclass(eq=False)
class Attachment:
    """A file attached to a message, bytes included."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False

    def payload(self) -> dict[str, Any]:
        """The attachment object Discord returns."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass(eq=False)
class Message:
    """A message (or, with ``kind`` "modal"/"autocomplete", another text the bot showed).

    ``attachments`` reads like a person would use it: ``[(filename, bytes)]``; the full
    attachment objects are in ``files``.
    """

    id: int
    channel_id: int
    guild_id: int | None
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    nonce: str | int | None = None
    tts: bool = False
    mentions: list[dict[str, Any]] = field(default_factory=list)
    mention_roles: list[str] = field(default_factory=list)
    mention_everyone: bool = False
    interaction_metadata: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    deleted: bool = False
    kind: str = "message"
    title: str | None = None
    referenced: Message | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    # Whose point of view ``reactions[].me`` takes: the bot's (set when stored).
    viewer_id: int | None = None

    @property
    def author_id(self) -> int:
        """The id of the author."""
        return int(self.author["id"])

    @property
    def from_bot(self) -> bool:
        """Whether a bot wrote it."""
        return bool(self.author.get("bot"))

    @property
    def ephemeral(self) -> bool:
        """Whether only the person who used the interaction sees it."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether it is still the 'Bot is thinking...' placeholder of a deferred response."""
        return bool(self.flags & FLAG_LOADING)

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        """``(filename, bytes)`` of every attachment."""
        return [(a.filename, a.data) for a in self.files]

    def walk_components(self) -> Iterator[dict[str, Any]]:
        """Every component, nested ones included."""
        return walk_components(self.components)

    def buttons(self) -> list[str]:
        """Labels of the buttons (custom_id when a button has no label)."""
        return [
            c.get("label") or c.get("custom_id") or ""
            for c in self.walk_components()
            if c.get("type") == 2
        ]

    def selects(self) -> list[dict[str, Any]]:
        """The select menus on the message."""
        return [c for c in self.walk_components() if c.get("type") in (3, 5, 6, 7, 8)]

    def text(self) -> str:
        """Every piece of text a person could read here (content, embeds, components)."""
        parts: list[str] = [self.title or "", self.content]
        for embed in self.embeds:
            parts.extend(_embed_texts(embed))
        for comp in self.walk_components():
            for key in ("label", "placeholder", "content", "description", "value"):
                value = comp.get(key)
                if isinstance(value, str):
                    parts.append(value)
            for option in comp.get("options", []) or []:
                parts.extend(str(option.get(k, "")) for k in ("label", "description"))
        return "\n".join(p for p in parts if p)

    def payload(self, *, with_reference: bool = True) -> dict[str, Any]:
        """The message object as REST answers and gateway events render it."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "content": self.content,
            "channel_id": str(self.channel_id),
            "author": self.author,
            "attachments": [a.payload() for a in self.files],
            # Shared, not copied: stored embeds/components are replaced on edit, never mutated,
            # and payloads are only serialised.
            "embeds": list(self.embeds),
            "mentions": self.mentions,
            "mention_roles": self.mention_roles,
            "mention_everyone": self.mention_everyone,
            "pinned": False,
            "tts": self.tts,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "flags": self.flags,
            "components": list(self.components),
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.referenced is not None:
            data["message_reference"] = {
                "type": 0,
                "message_id": str(self.referenced.id),
                "channel_id": str(self.referenced.channel_id),
            }
            if self.referenced.guild_id is not None:
                data["message_reference"]["guild_id"] = str(self.referenced.guild_id)
            if with_reference:
                data["referenced_message"] = self.referenced.payload(with_reference=False)
        if self.reactions:
            data["reactions"] = [
                {
                    "emoji": _emoji(key),
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": self.viewer_id in users,
                    "me_burst": False,
                    "burst_colors": [],
                    "burst_count": 0,
                }
                for key, users in self.reactions.items()
                if users
            ]
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
            data["interaction"] = {
                "id": self.interaction_metadata["id"],
                "type": self.interaction_metadata["type"],
                "name": self.interaction_metadata.get("name", ""),
                "user": self.interaction_metadata["user"],
            }
        return data

    def snapshot(self) -> Message:
        """A frozen copy (used to keep every version the bot showed).

        Shallow on purpose (it runs for every message): edits replace these lists and dicts
        rather than mutating them, so sharing their items with the live message is safe.
        """
        frozen = copy.copy(self)
        frozen.embeds = list(self.embeds)
        frozen.components = list(self.components)
        frozen.files = [copy.copy(a) for a in self.files]
        frozen.reactions = {k: set(v) for k, v in self.reactions.items()}
        return frozen

    def __repr__(self) -> str:
        text = self.content if len(self.content) < 60 else self.content[:57] + "..."
        return f"<Message id={self.id} kind={self.kind} content={text!r} embeds={len(self.embeds)}>"


def _embed_texts(embed: dict[str, Any]) -> list[str]:
    parts = [str(embed.get("title") or ""), str(embed.get("description") or "")]
    for fld in embed.get("fields", []) or []:
        parts.extend([str(fld.get("name", "")), str(fld.get("value", ""))])
    parts.append(str((embed.get("footer") or {}).get("text", "")))
    parts.append(str((embed.get("author") or {}).get("name", "")))
    return parts


def _emoji(key: str) -> dict[str, Any]:
    """A reaction key (unicode emoji, or ``name:id`` for a custom one) as an emoji object."""
    name, _, emoji_id = key.partition(":")
    return {"id": emoji_id or None, "name": name}


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)
