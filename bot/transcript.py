"""What the bot said, where, as a person would read it: shared by the demo and the sandbox."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discord_emulator import Emulator, Message

WIDTH = 88


def place(emulator: Emulator, message: Message) -> str:
    """Where a message appeared: a channel, someone's DMs, or only for one person."""
    world = emulator.world
    if message.kind == "modal":
        return "a form opens"
    if message.ephemeral and message.interaction_metadata:
        user_id = int(message.interaction_metadata.get("user", {}).get("id", 0))
        person = world.people.get(user_id)
        return f"only {person.name if person else user_id} sees this"
    channel = world.channels.get(message.channel_id)
    if channel is not None and channel.recipient is not None:
        return f"DM to {channel.recipient.name}"
    if channel is not None:
        return f"#{channel.name}"
    return "?"


def names(emulator: Emulator, text: str) -> str:
    """<@id> and <#id> mentions as @name and #channel, as Discord shows them."""
    people, channels = emulator.world.people, emulator.world.channels

    def name(match: re.Match[str]) -> str:
        person = people.get(int(match.group(1)))
        return f"@{person.name}" if person else match.group(0)

    def channel(match: re.Match[str]) -> str:
        found = channels.get(int(match.group(1)))
        return f"#{found.name}" if found else match.group(0)

    return re.sub(r"<#(\d+)>", channel, re.sub(r"<@!?(\d+)>", name, text))


def render(emulator: Emulator, message: Message) -> str:
    """A message as text: content, embeds as boxes, buttons as [labels], menus, files."""
    out: list[str] = []
    if message.kind == "modal":
        fields = [
            c.get("label") or c.get("component", {}).get("label", "")
            for row in message.components
            for c in (row.get("components") or [row])
        ]
        out.append(f"  [form: {message.title}] " + " | ".join(f for f in fields if f))
        return "\n".join(out)
    if message.loading:
        out.append("  (thinking…)")
    if message.content:
        out.extend(
            textwrap.indent(textwrap.fill(line, WIDTH) if line else "", "  ")
            for line in names(emulator, message.content).splitlines()
        )
    for embed in message.embeds:
        out.append(f"  ┌─ {names(emulator, embed.get('title', ''))}")
        for line in names(emulator, embed.get("description", "")).splitlines():
            out.extend(f"  │ {part}" for part in textwrap.wrap(line, WIDTH) or [""])
        for item in embed.get("fields", []):
            out.append(f"  │ ▸ {names(emulator, item['name'])}")
            for line in names(emulator, item["value"]).splitlines():
                out.extend(f"  │   {part}" for part in textwrap.wrap(line, WIDTH - 2) or [""])
        if embed.get("image"):
            out.append(f"  │ (image {embed['image'].get('url', '').split('://')[-1]})")
        if embed.get("footer"):
            out.append(f"  │ {embed['footer'].get('text', '')}")
        out.append("  └─")
    labels = message.buttons()
    if labels:
        out.append("  " + " ".join(f"[{label}]" for label in labels))
    for select in message.selects():
        options = ", ".join(o.get("label", "") for o in select.get("options", []))
        out.append(f"  <menu: {select.get('placeholder') or 'choose'}: {options}>")
    for name, data in message.attachments:
        out.append(f"  (file {name}, {len(data):,} bytes)")
    return "\n".join(out)


def save_files(message: Message, folder: Path) -> list[Path]:
    """Write a message's attachments to ``folder`` (named after the message, so none clash)."""
    saved = []
    for name, data in message.attachments:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.id}-{Path(name).name}"
        if path.exists() and path.read_bytes() == data:
            continue  # an edit of a message whose file was saved already
        path.write_bytes(data)
        saved.append(path)
    return saved


@dataclass
class Transcript:
    """Follows everything the bot sends; prints it as it happens and keeps it as Markdown."""

    emulator: Emulator
    echo: bool = True
    files: Path | None = None  # where attachments are saved (the sandbox), if anywhere
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seen: int = 0

    def _out(self, text: str) -> None:
        self.lines.append(text)
        if self.echo:
            print(text, flush=True)

    def heading(self, text: str) -> None:
        self._out(f"\n=== {text} ===")

    def said(self, who: str, where: str, text: str) -> None:
        self.flush()
        self._out(f"[{where}] {who}: {text}")

    def flush(self) -> None:
        """Print every bot message (and edit) not shown yet."""
        sent = self.emulator.sent_messages
        for message in sent[self.seen :]:
            if message.kind == "autocomplete":
                continue
            edited = " (edited)" if message.edited_timestamp else ""
            self._out(f"[{place(self.emulator, message)}] Next Interview{edited}:")
            self._out(render(self.emulator, message))
            if self.files is not None:
                for path in save_files(message, self.files):
                    self._out(f"  (saved to {path})")
        self.seen = len(sent)

    def note(self, text: str) -> None:
        self.flush()
        self._out(f"-- {text}")

    def expect(self, condition: bool, what: str) -> None:
        self.flush()
        if condition:
            self._out(f"   ok: {what}")
        else:
            self.failures.append(what)
            self._out(f"   FAILED: {what}")

    def markdown(self, title: str) -> str:
        return f"# {title}\n\n```text\n" + "\n".join(self.lines).strip() + "\n```\n"
