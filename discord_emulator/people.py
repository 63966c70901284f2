"""People who use the bot: slash commands, buttons, selects, modals and DMs, read like a
person using Discord. Inputs the Discord client would not let a person send raise
``ValueError`` before anything reaches the bot; missing things raise ``AssertionError``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from discord_emulator import perms
from discord_emulator.commands import CHANNEL, MENTIONABLE, ROLE, USER, build_invocation
from discord_emulator.errors import CommandNotVisible
from discord_emulator.forms import UNSET, ModalFiller, Resolver
from discord_emulator.interactions import InteractionRecord, describe_wait
from discord_emulator.models import Channel, Guild, Member, Message, now_iso, user_payload

if TYPE_CHECKING:
    from discord_emulator.emulator import Emulator


class Reply:
    """The bot's answer to one interaction."""

    def __init__(self, emu: Emulator, record: InteractionRecord) -> None:
        self._emu = emu
        self.interaction = record

    @property
    def kind(self) -> str:
        """ "message" | "deferred" | "deferred_update" | "update" | "modal" | "autocomplete"."""
        return self.interaction.kind or "none"

    @property
    def message(self) -> Message | None:
        """The response message (the edited one for deferred responses, once edited)."""
        return self.interaction.original

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal (custom_id, title, components) when ``kind == "modal"``."""
        return self.interaction.modal

    @property
    def ephemeral(self) -> bool:
        """Whether the response message is visible to the person only."""
        return bool(self.message and self.message.ephemeral)

    @property
    def followups(self) -> list[Message]:
        """Every follow-up so far."""
        return list(self.interaction.followups)

    async def wait_message(self, timeout: float = 5) -> Message:
        """The response message, once a deferred response has been edited/followed up."""
        rec = self.interaction

        def ready() -> Message | None:
            msg = rec.original
            if msg is None:
                return None
            if rec.kind == "deferred" and msg.loading:
                return None
            if rec.kind == "deferred_update" and rec.edits == 0:
                return None
            return msg

        return await self._emu.world.signal.wait_for(
            ready, timeout, lambda: describe_wait(rec, "edited response", timeout)
        )

    async def wait_text(self, expected: str, timeout: float = 5) -> Message:
        """The response message once its text contains ``expected``: for an answer the bot
        edits again when work it started after responding is done."""
        rec = self.interaction

        def said() -> Message | None:
            msg = rec.original
            if msg is None:
                return None
            current = self._emu.world.messages.get(msg.id, msg)
            return current if expected in current.text() else None

        return await self._emu.world.signal.wait_for(
            said, timeout, lambda: f"{rec.label}: {expected!r} never appeared in {rec.original!r}"
        )

    async def followup(self, timeout: float = 5) -> Message:
        """The next follow-up message not read yet."""
        rec = self.interaction

        def take() -> Message | None:
            if rec.followups_read < len(rec.followups):
                rec.followups_read += 1
                return rec.followups[rec.followups_read - 1]
            return None

        return await self._emu.world.signal.wait_for(
            take, timeout, lambda: describe_wait(rec, "follow-up", timeout)
        )

    def __repr__(self) -> str:
        return f"<Reply {self.interaction.label} kind={self.kind} message={self.message!r}>"


class Person:
    """A Discord user who is a member of some guilds and may DM the bot."""

    def __init__(self, emu: Emulator, person_id: int, name: str) -> None:
        self._emu = emu
        self.id = person_id
        self.name = name
        self.guilds: list[Guild] = []
        self.dms_open = True
        self.dm_channel: Channel | None = None

    def user_payload(self) -> dict[str, Any]:
        """Her user object."""
        return user_payload(self.id, self.name, global_name=self.name)

    def join(self, guild: Guild, *, manage_guild: bool = False) -> None:
        """Become a member of ``guild`` (with the Facilitator role when ``manage_guild``)."""
        roles = [guild.roles["Facilitator"].id] if manage_guild else []
        guild.members[self.id] = Member(self.id, roles, now_iso())
        if guild not in self.guilds:
            self.guilds.append(guild)

    def leave(self, guild: Guild) -> None:
        """Leave ``guild`` (the bot hears nothing: it does not ask for member events)."""
        guild.members.pop(self.id, None)
        if guild in self.guilds:
            self.guilds.remove(guild)

    @property
    def mention(self) -> str:
        """``<@id>``."""
        return f"<@{self.id}>"

    @property
    def dm_messages(self) -> list[Message]:
        """Every message the bot sent to her DM channel, interaction replies included
        (deleted ones stay, flagged ``deleted``; her own messages are in the channel)."""
        if self.dm_channel is None:
            return []
        return [m for m in self.dm_channel.messages if m.from_bot]

    # ----- where things happen ------------------------------------------------------------

    def _place(self, guild: Any, where: Channel | None) -> tuple[Guild | None, Channel]:
        if where is not None:
            if where.guild_id is None:
                return None, self._emu.world.dm_channel(self)
            found = self._emu.world.guilds[where.guild_id]
            self._check_member(found)
            if where.deleted:
                raise AssertionError(f"#{where.name} was deleted")
            return found, where
        if guild is UNSET:
            live = [g for g in self.guilds if not g.removed]
            if len(live) != 1:
                names = [g.name for g in live]
                raise ValueError(f"{self.name} is in {names}: pass guild= (or guild=None for DMs)")
            guild = live[0]
        if guild is None:
            return None, self._emu.world.dm_channel(self)
        self._check_member(guild)
        channels = [c for c in guild.channels.values() if not c.deleted]
        if not channels:
            raise AssertionError(f"{guild.name} has no channel to use a command in")
        return guild, channels[0]

    def _check_member(self, guild: Guild) -> None:
        if guild.removed:
            raise AssertionError(f"the bot is no longer in {guild.name}")
        if self.id not in guild.members:
            raise AssertionError(f"{self.name} is not a member of {guild.name}")

    def _visible(self, cmd: dict[str, Any], guild: Guild | None, channel: Channel) -> None:
        contexts = cmd.get("contexts")
        context = 0 if guild else 1
        if contexts is not None and context not in contexts:
            where = "servers" if guild else "DMs"
            raise CommandNotVisible(
                f"/{cmd['name']} is not available in {where} (contexts {contexts})"
            )
        if guild is None and contexts is None and cmd.get("dm_permission") is False:
            raise CommandNotVisible(f"/{cmd['name']} is not available in DMs (dm_permission false)")
        required = cmd.get("default_member_permissions")
        if guild is not None and required is not None and cmd["name"] not in guild.opened_commands:
            need = int(required)
            have = guild.member_permissions(self.id, channel)
            admin = bool(have & perms.ADMINISTRATOR) or have == perms.ALL
            if not admin and (need == 0 or have & need != need):
                raise CommandNotVisible(
                    f"/{cmd['name']} needs permissions {need} that {self.name} lacks"
                )

    # ----- application commands -----------------------------------------------------------

    async def slash(
        self,
        command: str,
        /,
        guild: Any = UNSET,
        *,
        where: Channel | None = None,
        options: dict[str, Any] | None = None,
        **kw_options: Any,
    ) -> Reply:
        """Use ``/command`` ("group sub" paths allowed) with options by name."""
        guild_obj, channel = self._place(guild, where)
        parts = command.split()
        store = self._emu.command_store
        cmd = store.find(guild_obj.id if guild_obj else None, parts[0])
        if cmd is None:
            names = store.names(guild_obj.id if guild_obj else None)
            raise ValueError(f"/{parts[0]} is not a synced command here; available: {names}")
        self._visible(cmd, guild_obj, channel)
        values = {**(options or {}), **kw_options}
        data = build_invocation(cmd, parts[1:], values, Resolver(self, guild_obj, channel))
        label = f"/{command}"
        record = await self._emu.interactions.start(self, 2, guild_obj, channel, data, label)
        return Reply(self._emu, await self._emu.interactions.first_response(record))

    async def autocomplete(
        self,
        command: str,
        option: str,
        value: Any,
        /,
        guild: Any = UNSET,
        *,
        where: Channel | None = None,
        options: dict[str, Any] | None = None,
        **kw_options: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into ``option`` of ``/command``; returns the choices offered."""
        guild_obj, channel = self._place(guild, where)
        parts = command.split()
        cmd = self._emu.command_store.find(guild_obj.id if guild_obj else None, parts[0])
        if cmd is None:
            raise ValueError(f"/{parts[0]} is not a synced command here")
        self._visible(cmd, guild_obj, channel)
        values = {**(options or {}), **kw_options, option: value}
        resolver = Resolver(self, guild_obj, channel)
        data = build_invocation(cmd, parts[1:], values, resolver, focused=option)
        focused_type = _focused_type(data.get("options") or [])
        record = await self._emu.interactions.start(
            self,
            4,
            guild_obj,
            channel,
            data,
            f"/{command} ({option} autocomplete)",
            focused_type=focused_type,
        )
        await self._emu.interactions.first_response(record)
        return list(record.choices or [])

    # ----- components ---------------------------------------------------------------------

    def _live_message(self, message: Message) -> tuple[Message, Guild | None, Channel]:
        world = self._emu.world
        stored = world.messages.get(message.id)
        if stored is None or not stored.from_bot:
            raise AssertionError(f"message {message.id} is not a message the bot sent")
        if stored.deleted:
            raise AssertionError(f"message {message.id} was deleted")
        meta = stored.interaction_metadata or {}
        if stored.ephemeral and meta.get("user", {}).get("id") != str(self.id):
            raise AssertionError(f"message {message.id} is ephemeral and belongs to someone else")
        channel = world.channels[stored.channel_id]
        guild = world.guilds.get(stored.guild_id) if stored.guild_id else None
        if guild is not None:
            self._check_member(guild)
        return stored, guild, channel

    async def click(self, message: Message, button: str) -> Reply:
        """Press the button labelled ``button`` (or with that custom_id)."""
        stored, guild, channel = self._live_message(message)
        found = [
            c
            for c in stored.walk_components()
            if c.get("type") == 2 and button in (c.get("label"), c.get("custom_id"))
        ]
        if not found:
            raise AssertionError(
                f"no button {button!r} on the message; buttons: {stored.buttons()}"
            )
        comp = found[0]
        if comp.get("disabled"):
            raise AssertionError(f"button {button!r} is disabled")
        if comp.get("style") in (5, 6) or not comp.get("custom_id"):
            raise AssertionError(f"button {button!r} is a link/premium button, not an interaction")
        data = {"custom_id": comp["custom_id"], "component_type": 2, "id": comp.get("id")}
        record = await self._emu.interactions.start(
            self, 3, guild, channel, data, f"button {button!r}", message=stored
        )
        return Reply(self._emu, await self._emu.interactions.first_response(record))

    async def press_forged(self, message: Message, custom_id: str) -> Reply:
        """Press the message's first button as if its ``custom_id`` were another: what a
        modified client or a forged payload sends. The bot must treat the id as untrusted."""
        stored, guild, channel = self._live_message(message)
        button = next((c for c in stored.walk_components() if c.get("type") == 2), None)
        if button is None:
            raise AssertionError("the message has no button to forge")
        original = button["custom_id"]
        button["custom_id"] = custom_id  # the payload's copy of the message carries the id
        try:
            data = {"custom_id": custom_id, "component_type": 2, "id": button.get("id")}
            record = await self._emu.interactions.start(
                self, 3, guild, channel, data, f"forged button {custom_id!r}", message=stored
            )
        finally:
            button["custom_id"] = original
        return Reply(self._emu, await self._emu.interactions.first_response(record))

    async def select(
        self, message: Message, values: list[Any], placeholder: str | None = None
    ) -> Reply:
        """Choose ``values`` in the select with that placeholder (or the first select)."""
        stored, guild, channel = self._live_message(message)
        selects = [s for s in stored.selects() if placeholder in (None, s.get("placeholder"))]
        if not selects:
            raise AssertionError(f"no select {placeholder!r}; selects: {stored.selects()}")
        comp = selects[0]
        if comp.get("disabled"):
            raise AssertionError(f"select {placeholder or comp['custom_id']!r} is disabled")
        low, high = comp.get("min_values", 1), comp.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"choose between {low} and {high} values, not {len(values)}")
        data: dict[str, Any] = {
            "custom_id": comp["custom_id"],
            "component_type": comp["type"],
            "id": comp.get("id"),
        }
        if comp["type"] == 3:
            offered = [o["value"] for o in comp.get("options", [])]
            bad = [v for v in values if v not in offered]
            if bad:
                raise ValueError(f"{bad} are not options of the select; options: {offered}")
            data["values"] = list(values)
        else:
            otype = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}[comp["type"]]
            resolved: dict[str, dict[str, Any]] = {}
            resolver = Resolver(self, guild, channel)
            data["values"] = [resolver.resolve(otype, v, resolved) for v in values]
            data["resolved"] = resolved
        record = await self._emu.interactions.start(
            self, 3, guild, channel, data, f"select {comp['custom_id']!r}", message=stored
        )
        return Reply(self._emu, await self._emu.interactions.first_response(record))

    async def submit_modal(self, modal_reply: Reply, fields: dict[str, Any]) -> Reply:
        """Fill the modal's fields (by label or custom_id) and submit it."""
        origin = modal_reply.interaction
        if origin.kind != "modal" or origin.modal is None:
            raise AssertionError(f"{origin.label} was answered with {origin.kind}, not a modal")
        if origin.person is not self:
            raise AssertionError(f"that modal was shown to {origin.person.name}, not {self.name}")
        if origin.modal_submitted:
            raise AssertionError("that modal was already submitted")
        filled = ModalFiller(dict(fields))
        components = [
            filled.component(c) for c in origin.modal["components"] if c.get("type") in (1, 18)
        ]
        filled.check_all_used()
        origin.modal_submitted = True
        data = {"custom_id": origin.modal["custom_id"], "components": components}
        message = self._emu.world.messages.get(origin.message.id) if origin.message else None
        record = await self._emu.interactions.start(
            self,
            5,
            origin.guild,
            origin.channel,
            data,
            f"modal {origin.modal.get('title')!r}",
            message=message,
        )
        return Reply(self._emu, await self._emu.interactions.first_response(record))

    # ----- messages -----------------------------------------------------------------------

    async def dm(self, text: str) -> Message:
        """Send the bot a direct message."""
        world = self._emu.world
        channel = world.dm_channel(self)
        await self._emu.wait_if_reconnecting(None)
        message = Message(world.ids.next(), channel.id, None, self.user_payload(), content=text)
        world.store(channel, message, queue=False)
        self._emu.dispatch_message("MESSAGE_CREATE", message)
        return message

    async def say(self, channel: Channel, text: str) -> Message:
        """Post a message in a guild channel."""
        world = self._emu.world
        guild = world.guilds[channel.guild_id] if channel.guild_id else None
        if guild is not None:
            self._check_member(guild)
        await self._emu.wait_if_reconnecting(channel.guild_id)
        message = Message(
            world.ids.next(), channel.id, channel.guild_id, self.user_payload(), content=text
        )
        world.store(channel, message, queue=False)
        self._emu.dispatch_message("MESSAGE_CREATE", message)
        return message

    async def next_dm(self, timeout: float = 5) -> Message:
        """The next message the bot posts to her DM channel (not read before)."""
        channel = self._emu.world.dm_channel(self)
        return await self._emu.world.next_in(channel, timeout, f"DM to {self.name}")

    def __repr__(self) -> str:
        return f"<Person {self.name} id={self.id}>"


def _focused_type(options: list[dict[str, Any]]) -> int | None:
    for opt in options:
        if opt.get("focused"):
            return opt["type"]
        inner = _focused_type(opt.get("options") or [])
        if inner is not None:
            return inner
    return None
