"""``nextinterview sandbox``: use the bot from a terminal, on the local emulator.

Type slash commands as in Discord (``/win kind:interview who:"Acme Corp"``), anything else is a
DM to the bot, and ``:`` commands steer: who you are, buttons, menus, time. State lives in the
database file you choose, so an exercise author can edit a TOML file, ``:reload`` and replay.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from platformdirs import user_data_path

from bot.app import Running
from bot.clock import ManualClock
from bot.db import Database
from bot.db import meta as meta_db
from bot.local import local_bot, make_token
from bot.services.exercises.loader import ExerciseError
from bot.services.schedules import WEEKDAYS
from bot.transcript import Transcript
from discord_emulator import Emulator, Guild, Message, Person

HELP = """\
Type as you would in Discord:
  /command sub option:value option:"a quoted value"   a slash command (Tab completes names)
  anything else                                        a direct message to the bot
Steer with:
  :as NAME            be someone else (new names join the group; `olga` is the organiser)
  :who                who is here, and who you are
  :click LABEL        press a button on the latest message that has it (any unique part
                      of its label works: :click done)
  :select VALUE[,V2]  choose in the latest menu
  :advance 3d         move time forward (m, h, d, w); posts and reminders fire on the way,
                      each at its own time
  :next               jump to the next moment the bot sends something on its own
  :at mon 09:00       move time to the next such moment in the group's time zone
  :time               the current time
  :reload             reload the exercise files (after editing a .toml)
  :help               this text
  :quit               leave (the database keeps everything)
Forms (modals) are filled field by field when they open. Files the bot sends (charts, CSVs,
exports) are saved to a folder next to the database, and their paths printed."""

CLOCK_KEY = "sandbox_clock"
PEOPLE_KEY = "sandbox_people"  # every persona, in the order they joined: same ids next time
NEXT_LIMIT = timedelta(weeks=8)  # :next gives up looking for something to happen after this
SANDBOX_IDS = 1_763_000_000_000  # a fixed point in time (ms) the sandbox's ids count from
_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass
class Sandbox:
    emulator: Emulator
    running: Running
    clock: ManualClock
    guild: Guild
    read: Callable[[str], str]
    transcript: Transcript
    people: dict[str, Person] = field(default_factory=dict)
    me: Person | None = None

    # -- the loop ----------------------------------------------------------------------------

    async def loop(self) -> None:
        print(
            f"Sandbox ready: server '{self.guild.name}', channel #general. You are "
            f"{self.me.name if self.me else '?'}. Type :help for help.\n",
            flush=True,
        )
        while True:
            try:
                line = await asyncio.to_thread(self.read, f"{self.me.name if self.me else ''}> ")
            except EOFError:
                break
            line = line.strip()
            if not line:
                continue
            if line in (":quit", ":exit", ":q"):
                break
            try:
                await self.handle(line)
            except (ValueError, AssertionError, KeyError) as problem:
                # What Discord would not let a person do: say why, keep going.
                print(f"  ! {problem}", flush=True)
            self.transcript.flush()

    async def handle(self, line: str) -> None:
        if line.startswith(":"):
            word, _, rest = line[1:].partition(" ")
            handler = getattr(self, f"cmd_{word.replace('-', '_')}", None)
            if handler is None:
                raise ValueError(f"unknown command :{word} (:help lists them)")
            await handler(rest.strip())
        elif line.startswith("/"):
            await self.slash(line[1:])
        else:
            await self.person.dm(line)
            await self.settle()

    @property
    def person(self) -> Person:
        if self.me is None:
            raise ValueError("choose who you are first: :as NAME")
        return self.me

    async def settle(self) -> None:
        """Let the bot finish answering before the next prompt."""
        await asyncio.sleep(0.15)
        await self.running.scheduler.idle()

    # -- slash commands and forms --------------------------------------------------------------

    async def slash(self, text: str) -> None:
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise ValueError(f"check the quotes: {exc}") from None
        path = [w for w in words if ":" not in w]
        options: dict[str, Any] = {}
        for word in words:
            if ":" in word:
                name, _, value = word.partition(":")
                options[name] = self.convert(path, name, value)
        reply = await self.person.slash(" ".join(path), options=options)
        if reply.kind == "modal":
            self.transcript.flush()
            await self.fill(reply)
        await self.settle()

    def convert(self, path: list[str], name: str, value: str) -> Any:
        """Option text to the type the command's schema wants (numbers, channels, people)."""
        option = self.option_schema(path, name)
        kind = option.get("type") if option else 3
        if kind == 4:
            return int(value)
        if kind == 10:
            return float(value)
        if kind == 5:
            return value.lower() in ("true", "yes", "on", "1")
        if kind == 7:
            return self.guild.channel(value.lstrip("#"))
        if kind == 6:
            return self.people[value.lstrip("@")]
        return value

    def option_schema(self, path: list[str], name: str) -> dict[str, Any] | None:
        commands = {c["name"]: c for c in self.emulator.commands()}
        node: dict[str, Any] | None = commands.get(path[0]) if path else None
        for part in path[1:]:
            if node is None:
                return None
            node = next((o for o in node.get("options", []) if o["name"] == part), None)
        if node is None:
            return None
        return next((o for o in node.get("options", []) if o["name"] == name), None)

    async def fill(self, modal_reply: Any) -> None:
        modal = modal_reply.modal or {}
        print(f"  Fill in '{modal.get('title')}' (Enter leaves a field as it is):")
        values: dict[str, Any] = {}
        for row in modal.get("components", []):
            inner = row.get("component") or (row.get("components") or [{}])[0]
            label = row.get("label") or inner.get("label") or inner.get("custom_id")
            if inner.get("type") == 4:
                answer = await asyncio.to_thread(self.read, f"  {label}: ")
                if answer.strip():
                    values[label] = answer
            else:
                options = [o["value"] for o in inner.get("options", [])]
                answer = await asyncio.to_thread(self.read, f"  {label} {options}: ")
                if answer.strip():
                    values[label] = [answer.strip()]
        await self.person.submit_modal(modal_reply, values)

    # -- components ----------------------------------------------------------------------------

    def visible(self, message: Message) -> bool:
        me = self.person
        if message.ephemeral:
            meta = message.interaction_metadata or {}
            return meta.get("user", {}).get("id") == str(me.id)
        channel = self.emulator.world.channels.get(message.channel_id)
        if channel is not None and channel.recipient is not None:
            return channel.recipient is me
        return True

    def latest(self, test: Callable[[Message], bool]) -> Message:
        world = self.emulator.world
        for sent in reversed(self.emulator.sent_messages):
            live = world.messages.get(sent.id)
            if live is not None and not live.deleted and self.visible(live) and test(live):
                return live
        raise ValueError("no message you can see has that")

    async def cmd_click(self, label: str) -> None:
        wanted = label.strip().lower()
        if not wanted:
            raise ValueError("say which button, e.g. :click done")
        message = self.latest(lambda m: any(wanted in b.lower() for b in m.buttons()))
        exact = [b for b in message.buttons() if b.lower() == wanted]
        matching = exact or [b for b in message.buttons() if wanted in b.lower()]
        if len(set(matching)) > 1:
            raise ValueError(f"{label!r} matches {sorted(set(matching))}: say more of the label")
        print(f"  Pressed [{matching[0]}]")
        reply = await self.person.click(message, matching[0])
        if reply.kind == "modal":
            self.transcript.flush()
            await self.fill(reply)
        await self.settle()

    async def cmd_select(self, values: str) -> None:
        message = self.latest(lambda m: bool(m.selects()))
        chosen = [v.strip() for v in values.split(",") if v.strip()]
        labels = {
            o.get("label", "").lower(): o["value"]
            for s in message.selects()
            for o in s.get("options", [])
        }
        await self.person.select(message, [labels.get(v.lower(), v) for v in chosen])
        await self.settle()

    # -- who -----------------------------------------------------------------------------------

    async def cmd_as(self, name: str) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name):
            raise ValueError("a name is lowercase letters and digits, e.g. :as dana")
        if name not in self.people:
            self.people[name] = self.emulator.add_person(name, guilds=[self.guild])
            # Remembered, so next time the same name is the same person (same id, same data).
            await meta_db.put(self.running.db, PEOPLE_KEY, json.dumps(list(self.people)))
            print(f"  {name} joins the server.")
        self.me = self.people[name]
        print(f"  You are now {name}.")

    async def cmd_who(self, _: str) -> None:
        for name, person in self.people.items():
            marker = "*" if person is self.me else " "
            role = " (organiser)" if name == "olga" else ""
            print(f"  {marker} {name}{role}")

    # -- time ----------------------------------------------------------------------------------

    async def cmd_time(self, _: str) -> None:
        now = self.clock.now()
        zone = await self.group_zone()
        print(
            f"  It is {now:%a %d %b %Y %H:%M} UTC ({now.astimezone(zone):%a %H:%M} in {zone.key})."
        )

    async def cmd_advance(self, amount: str) -> None:
        match = _DURATION.match(amount.strip().lower())
        if not match:
            raise ValueError("advance by an amount like 30m, 2h, 3d or 1w")
        delta = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        await self.travel(self.clock.now() + delta)

    async def cmd_at(self, when: str) -> None:
        parts = when.lower().split()
        if len(parts) != 2 or parts[0][:3] not in WEEKDAYS:
            raise ValueError("give a day and a time, e.g. :at mon 09:00")
        hours, _, minutes = parts[1].partition(":")
        if not (hours.isdigit() and minutes.isdigit()):
            raise ValueError("the time is HH:MM, e.g. 09:00")
        zone = await self.group_zone()
        local = self.clock.now().astimezone(zone)
        target = local.replace(hour=int(hours), minute=int(minutes), second=0, microsecond=0)
        target += timedelta(days=(WEEKDAYS.index(parts[0][:3]) - local.weekday()) % 7)
        if target <= local:
            target += timedelta(weeks=1)
        await self.travel(target.astimezone(UTC))

    async def travel(self, when: datetime) -> None:
        # From one scheduled moment to the next, so everything due on the way happens at its
        # own time, in order, and the transcript shows it then, as real time would.
        while True:
            wake = self.running.scheduler.next_wake()
            if wake is None or wake > when or wake <= self.clock.now():
                break
            self.clock.set(wake)
            await self.running.scheduler.idle()
            self.transcript.flush()
        self.clock.set(max(when, self.clock.now()))
        await self.running.scheduler.idle()
        await self.settle()
        self.transcript.flush()
        await self.cmd_time("")

    async def cmd_next(self, _: str) -> None:
        """Jump to the next moment the bot sends something on its own."""
        sent = len(self.emulator.sent_messages)
        give_up = self.clock.now() + NEXT_LIMIT
        while len(self.emulator.sent_messages) == sent:
            wake = self.running.scheduler.next_wake()
            if wake is None or wake > give_up:
                raise ValueError("nothing is scheduled in the next 8 weeks")
            self.clock.set(max(wake, self.clock.now()))
            await self.running.scheduler.idle()
        await self.settle()
        self.transcript.flush()
        await self.cmd_time("")

    async def group_zone(self) -> ZoneInfo:
        zone = await self.running.db.fetchval(
            "SELECT timezone FROM guilds WHERE guild_id = ?", (self.guild.id,)
        )
        return ZoneInfo(zone or "UTC")

    # -- the rest ------------------------------------------------------------------------------

    async def cmd_reload(self, _: str) -> None:
        try:
            self.running.bot.catalog.reload()
        except ExerciseError as exc:
            raise ValueError(f"the exercises did not reload: {exc}") from None
        print(f"  Reloaded {len(self.running.bot.catalog.exercises)} exercises.")

    async def cmd_help(self, _: str) -> None:
        print(HELP)


def _readline_input(completions: list[str], history: Path | None) -> Callable[[str], str]:
    """``input`` with history and tab completion when a terminal is attached."""
    if not sys.stdin.isatty():

        def plain(prompt: str) -> str:
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            print(f"{prompt}{line.rstrip()}", flush=True)
            return line.rstrip("\n")

        return plain
    import readline

    def complete(text: str, state: int) -> str | None:
        buffer = readline.get_line_buffer()
        matches = [c for c in completions if c.startswith(buffer)]
        tail = [m[len(buffer) - len(text) :] for m in matches]
        return tail[state] if state < len(tail) else None

    readline.set_completer_delims(" ")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    if history is not None and history.exists():
        readline.read_history_file(history)
    if history is not None:
        import atexit

        atexit.register(readline.write_history_file, history)
    return input


def completions_for(emulator: Emulator) -> list[str]:
    """Every command path and `path option:` the synced schema allows, plus the : commands."""
    found = [f":{name[4:]}" for name in dir(Sandbox) if name.startswith("cmd_")] + [":quit"]

    def walk(node: dict[str, Any], prefix: str) -> None:
        subs = [o for o in node.get("options", []) if o["type"] in (1, 2)]
        if subs:
            for sub in subs:
                walk(sub, f"{prefix} {sub['name']}")
            return
        found.append(prefix)
        found.extend(f"{prefix} {o['name']}:" for o in node.get("options", []))

    for command in emulator.commands():
        walk(command, f"/{command['name']}")
    return sorted(found)


async def run_sandbox(
    database: Path,
    start: datetime | None = None,
    read: Callable[[str], str] | None = None,
    exercises: Path | None = None,
) -> int:
    # The sandbox's time carries over between runs too (time only moves forward).
    saved = await _saved_clock(database)
    clock = ManualClock(start or saved or datetime.now(UTC).replace(second=0, microsecond=0))
    # Stable ids: the same server and people every run, so the database's state carries over.
    emulator = Emulator(token=make_token(), id_seed=SANDBOX_IDS)
    await emulator.start()
    try:
        guild = emulator.add_guild("Sandbox Club", channels=("general",))
        people = {"olga": emulator.add_person("olga", guilds=[guild], manage_guild=True)}
        for name in await _saved_people(database):
            if name not in people:
                people[name] = emulator.add_person(name, guilds=[guild])
        extra = {"exercises_dir": exercises} if exercises else {}
        files = database.with_name(f"{database.stem}-files")
        print(f"Files the bot sends are saved in {files}.")
        async with local_bot(emulator, database, clock, **extra) as running:
            await meta_db.put(running.db, PEOPLE_KEY, json.dumps(list(people)))
            transcript = Transcript(emulator, files=files)
            sandbox = Sandbox(
                emulator,
                running,
                clock,
                guild,
                read
                or _readline_input(
                    completions_for(emulator), Path.home() / ".nextinterview_history"
                ),
                transcript,
                people,
                people["alice"],
            )
            await sandbox.loop()
            await meta_db.put(running.db, CLOCK_KEY, clock.now().isoformat())
    finally:
        await emulator.stop()
    print(f"Bye. Everything is kept in {database}.")
    return 0


def sandbox_database() -> Path:
    """The sandbox's own database in the user's data folder, not the working folder."""
    folder = user_data_path("nextinterview")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "sandbox.db"


async def _saved_people(database: Path) -> list[str]:
    """The personas of earlier runs (alice and ben the first time)."""
    if not await asyncio.to_thread(database.exists):
        return ["alice", "ben"]
    async with Database.open(database) as db:
        saved = await meta_db.get(db, PEOPLE_KEY)
    return list(json.loads(saved)) if saved else ["alice", "ben"]


async def _saved_clock(database: Path) -> datetime | None:
    if not await asyncio.to_thread(database.exists):
        return None
    async with Database.open(database) as db:
        saved = await meta_db.get(db, CLOCK_KEY)
    return datetime.fromisoformat(saved) if saved else None
