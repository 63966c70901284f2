"""``nextinterview demo``: the real bot on the local emulator, a scripted session, a transcript.

Runs with a fresh temporary database and no Discord account. Each step checks that the bot
produced what it should; the command exits 0 only if every step did.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.emulator import Emulator
from bot.local import local_bot, make_token

log = logging.getLogger(__name__)

DEMO_START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@dataclass
class Transcript:
    """Who said what, where: printed as it happens and kept as Markdown."""

    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def say(self, where: str, who: str, text: str) -> None:
        line = f"[{where}] {who}: {text}"
        self.lines.append(line)
        print(line, flush=True)

    def show(self, where: str, message: Any) -> None:
        self.say(where, "Next Interview", "")
        body = render_message(message)
        self.lines.append(body)
        print(body, flush=True)

    def note(self, text: str) -> None:
        self.lines.append(f"-- {text}")
        print(f"-- {text}", flush=True)

    def expect(self, condition: bool, what: str) -> None:
        if condition:
            self.note(f"ok: {what}")
        else:
            self.failures.append(what)
            self.note(f"FAILED: {what}")

    def markdown(self) -> str:
        return "# Next Interview demo\n\n```text\n" + "\n".join(self.lines) + "\n```\n"


def render_message(message: Any) -> str:
    """A message as a person would read it: text, embeds as boxes, buttons as [labels]."""
    out: list[str] = []
    if message.content:
        out.append(textwrap.indent(message.content, "  "))
    for embed in message.embeds:
        title = embed.get("title", "")
        out.append(f"  ┌─ {title}")
        if embed.get("description"):
            for line in textwrap.wrap(embed["description"], 88):
                out.append(f"  │ {line}")
        for item in embed.get("fields", []):
            out.append(f"  │ ▸ {item['name']}")
            for raw in item["value"].splitlines():
                out.append(f"  │   {raw}")
        if embed.get("footer"):
            out.append(f"  │ {embed['footer'].get('text', '')}")
        out.append("  └─")
    labels = message.buttons()
    if labels:
        out.append("  " + " ".join(f"[{label}]" for label in labels))
    for name, data in message.attachments:
        out.append(f"  (attachment {name}, {len(data):,} bytes)")
    return "\n".join(out)


async def run_demo(out: Path | None = None) -> int:
    started = time.monotonic()
    transcript = Transcript()
    out = out or Path(tempfile.mkdtemp(prefix="nextinterview-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    clock = ManualClock(DEMO_START)
    emulator = Emulator(token=make_token())
    await emulator.start()
    try:
        guild = emulator.add_guild("Job Club", channels=("general",))
        alice = emulator.add_person("alice", guilds=[guild])
        with tempfile.TemporaryDirectory(prefix="nextinterview-db-") as scratch:
            async with local_bot(emulator, Path(scratch) / "demo.db", clock) as running:
                transcript.note(
                    f"The bot is ready on the local emulator as {running.bot.user} "
                    f"in {len(running.bot.guilds)} server(s)."
                )
                transcript.expect(
                    any(c["name"] == "help" for c in emulator.commands()),
                    "slash commands were synced",
                )
                transcript.say("#general", "alice", "/help")
                reply = await alice.slash("help", guild=guild)
                transcript.show("only alice sees this", reply.message)
                transcript.expect(
                    reply.message.ephemeral and bool(reply.message.embeds),
                    "/help answered privately with the command list",
                )
        transcript.expect(not emulator.errors, "Discord accepted every request the bot made")
    finally:
        await emulator.stop()
    (out / "transcript.md").write_text(transcript.markdown(), "utf-8")
    elapsed = time.monotonic() - started
    print(f"\nTranscript written to {out / 'transcript.md'} ({elapsed:.1f}s).")
    if transcript.failures:
        print(f"{len(transcript.failures)} step(s) failed.", file=sys.stderr)
        return 1
    print("Every step produced what it should.")
    return 0
