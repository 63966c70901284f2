"""``nextinterview demo``: the real bot on the local emulator plays one week of a small group.

An organiser and three members in two time zones: setup, a right-job exercise in DM (with a
`back` and a bot restart half-way), wins and the follow-ups they suggest, a reminder arriving
and marked done, the Monday check-in with commitments, the Friday recap and the Sunday
leaderboard. Time moves through the injected clock, not by sleeping. The transcript is printed
and written as Markdown with the charts as PNG files; the exit code is 0 only if every step
produced what it should.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import Running
from bot.clock import ManualClock
from bot.local import local_bot, make_token
from bot.transcript import Transcript
from discord_emulator import Emulator, Guild, Message, Person, Reply

DEMO_START = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)  # Monday morning in London
RIGHT_JOB_FIRST = ("Head of Data", "120k EUR", "Own the data platform and a team of six")
RIGHT_JOB_REST = (
    "Reports to the CTO; owns the data budget and hiring",
    "Ship the new platform\nGrow the team to eight\nCut reporting time in half",
    "Review pipelines\nCoach the analysts\ndone",
    "Plan it in quarters with the platform team",
    "Hire two seniors and grow two juniors",
    "Automate the weekly reports",
    "Fewer meetings, more pairing",
    "I have built this twice before",
    "About 200k a year saved in analyst time",
    "Sam Lee",
    "friday",
)


class Demo:
    def __init__(self, emulator: Emulator, clock: ManualClock, db_path: Path, out: Path) -> None:
        self.emulator, self.clock, self.db_path, self.out = emulator, clock, db_path, out
        self.t = Transcript(emulator)
        self.guild: Guild = emulator.add_guild("Job Club", channels=("general",))
        self.olga = emulator.add_person("olga", guilds=[self.guild], manage_guild=True)
        self.alice = emulator.add_person("alice", guilds=[self.guild])
        self.ben = emulator.add_person("ben", guilds=[self.guild])
        self.chen = emulator.add_person("chen", guilds=[self.guild])

    async def slash(self, person: Person, command: str, **options: object) -> Message:
        shown = " ".join(f'{k}:"{v}"' if " " in str(v) else f"{k}:{v}" for k, v in options.items())
        self.t.said(person.name, "#general", f"/{command} {shown}".strip())
        reply = await person.slash(command, options=options)
        message = await reply.wait_message() if reply.kind == "deferred" else reply.message
        self.t.flush()
        if message is None:
            raise AssertionError(f"/{command} got no answer")
        return message

    async def dm(self, who: Person, text: str) -> Message:
        self.t.said(who.name, "DM to the bot", text.replace("\n", " / "))
        await who.dm(text)
        message = await who.next_dm()
        while True:  # the last of what the bot answered
            try:
                message = await who.next_dm(timeout=0.2)
            except AssertionError:
                break
        self.t.flush()
        return message

    async def click(self, who: Person, message: Message, label: str) -> Message | None:
        self.t.said(who.name, "clicks", f"[{label}]")
        reply = await who.click(message, label)
        self.t.flush()
        return reply.message

    async def at(self, running: Running, when: datetime, label: str) -> None:
        self.t.heading(f"{label} ({when:%a %d %b %H:%M} UTC)")
        self.clock.set(when)
        await running.scheduler.idle()
        self.t.flush()

    async def network(self, running: Running) -> None:
        """The group is the network: one cheer, one pairing, one introduction (issue #11)."""
        t = self.t
        t.heading("The group is the network: a cheer, partners and an introduction")
        general = self.guild.channel("general")

        async def posted(text: str) -> Message:
            while True:
                message = await self.emulator.next_message(general)
                if text in message.text():
                    return message

        async def settled() -> None:
            for _ in range(3):
                await asyncio.sleep(0.05)
                await running.scheduler.idle()
            t.flush()

        await self.slash(self.olga, "setup announce-wins", state="on")
        await self.slash(self.olga, "setup partners", state="on")
        for person in (self.alice, self.chen):
            await self.slash(person, "partner join")
        await self.slash(self.ben, "win", kind="informational", who="Initech")
        celebration = await posted("just logged")
        t.flush()
        form = await who_click_modal(self, self.alice, celebration, "Cheer")
        line = "You asked for the meeting yourself!"
        await self.alice.submit_modal(form, {"What I liked (optional)": line})  # type: ignore[arg-type]
        t.said("alice", "form", f'"{line}"')
        t.flush()
        await self.slash(
            self.chen,
            "ask intro",
            company="Globex",
            role="Data lead",
            why="Dana mentioned a data team opening",
        )
        request = await posted("Who knows someone at Globex?")
        t.flush()
        await self.click(self.ben, request, "I can introduce")
        await settled()
        offer = next(m for m in reversed(self.chen.dm_messages) if "can introduce" in m.text())
        await self.click(self.chen, offer, "Accept")
        await settled()
        shown = self.emulator.world.messages[request.id].text()
        t.expect(
            "under way" in shown
            and self.ben.mention not in shown
            and any("accepted your offer" in m.text() for m in self.ben.dm_messages),
            "chen accepted ben's offer: both know each other's names, the channel none",
        )
        await self.at(
            running, datetime(2026, 11, 16, 12, 0, 30, tzinfo=UTC), "Monday noon: partners"
        )
        intro = next(
            m for m in reversed(self.chen.dm_messages) if "accountability partner" in m.text()
        )
        t.expect(
            self.alice.mention in intro.text() and "Call Priya" in intro.text(),
            "chen is paired with alice and sees the plan she shared",
        )
        await self.at(
            running,
            datetime(2026, 11, 16, 23, 0, 30, tzinfo=UTC),
            "18:00 in New York: ben's cheers, in one message",
        )
        t.expect(
            any(line in m.text() for m in self.ben.dm_messages),
            "ben's evening digest carries alice's cheer",
        )

    async def interview_day(self, running: Running) -> None:
        """An interview date from why-this-interview, then its card on that morning (#10)."""
        t, chen = self.t, self.chen
        t.heading("chen prepares for tomorrow's interview (why-this-interview)")
        await self.slash(chen, "exercise start", name="why-this-interview")
        first = await chen.next_dm()
        while ": step 1 " not in first.text():  # what came before, then the intro
            first = await chen.next_dm()
        t.flush()

        asked = [first]

        async def answer(text: str | None = None, click: str | None = None) -> Message:
            """Answer, then wait for the next question (or the summary): no idle waiting."""
            if click is not None:
                await self.click(chen, asked[-1], click)
            else:
                t.said("chen", "DM to the bot", (text or "").replace("\n", " / "))
                await chen.dm(text or "")
            while True:
                message = await chen.next_dm()
                if ": step " in message.text() or "Create them" in message.buttons():
                    t.flush()
                    asked.append(message)
                    return message

        for text in (
            "Northwind, Data Analyst",
            "thursday",
            "skip",
            "1",
            "Own the reporting for a whole region",
            "I'm ready to take on a region of my own",
            "A long commute\ndone",
        ):
            await answer(text)
        await answer(click="A first interview")
        await answer(click="The boss")
        await answer("What does a great first year look like?\nWhy is the role open?\ndone")
        offer = await answer("I want to own the numbers a region runs on.")
        await self.click(chen, offer, "Create them")
        await self.at(
            running,
            datetime(2026, 11, 19, 13, 0, 30, tzinfo=UTC),
            "Thursday 08:00 in New York: chen's interview-day card",
        )
        card = next(
            (m for m in reversed(chen.dm_messages) if "Today: your interview" in m.text()), None
        )
        t.expect(
            card is not None
            and "Own the reporting for a whole region" in card.text()
            and "Why is the role open?" in card.text(),
            "the card brings chen's reasons, the one-line answer and the questions, that morning",
        )

    async def play(self) -> None:
        t = self.t
        t.heading("Monday morning: the organiser sets up the group")
        async with local_bot(self.emulator, self.db_path, self.clock) as running:
            reply = await self.slash(
                self.olga, "setup channel", channel=self.guild.channel("general")
            )
            t.expect("Weekly posts will go to" in reply.content, "the channel is set")
            await self.slash(self.olga, "setup timezone", tz="Europe/London")
            for person, zone in (
                (self.alice, "Europe/Berlin"),
                (self.ben, "America/New_York"),
                (self.chen, "America/New_York"),
            ):
                await self.slash(person, "me timezone", tz=zone)
            t.heading("alice defines the right job, privately in DMs")
            await self.slash(self.alice, "exercise start", name="right-job")
            question = None
            for answer in RIGHT_JOB_FIRST:
                question = await self.dm(self.alice, answer)
            back = await self.dm(self.alice, "back")
            t.expect(
                "Own the data platform" in back.text(),
                "`back` shows the earlier answer for editing",
            )
            await self.dm(self.alice, "Own the data platform, its roadmap and a team of six")
            t.note("The bot restarts in the middle of the exercise.")
        async with local_bot(self.emulator, self.db_path, self.clock) as running:
            for answer in RIGHT_JOB_REST:
                question = await self.dm(self.alice, answer)
            summary = next(m for m in reversed(self.alice.dm_messages) if "Done: " in m.text())
            t.expect(
                "its roadmap" in summary.text() and question is not None,
                "the exercise finished after the restart with nothing lost",
            )

            t.heading("Wins, and the follow-ups the method suggests")
            win = await self.slash(self.ben, "win", kind="interview", who="Acme Corp")
            t.expect("+3 points" in win.text(), "an interview earns 3 points")
            await self.click(self.ben, win, "Add: Send a thank-you note (Tue 17 Nov)")
            await self.slash(
                self.chen,
                "win",
                kind="networking",
                who="Dana at Globex",
                note="Dana knows the VP of data",
                follow_up="2w",
            )
            await self.slash(self.alice, "win", kind="intro", who="Priya (via Sam)")

            await self.at(
                running,
                datetime(2026, 11, 16, 9, 0, 30, tzinfo=UTC),
                "Monday 09:00 in London: the check-in",
            )
            checkin = next(m for m in self.emulator.sent_messages if "check-in" in m.text())
            modal = await who_click_modal(self, self.alice, checkin, "Share my plan")
            shared = await self.alice.submit_modal(
                modal,
                {
                    "How many next conversations this week?": "3",
                    "Your plan": "Call Priya, follow up with Sam, ask Jo for an intro to Globex",
                },
            )
            await shared.followup()  # the form answers once the plan is in the channel
            modal = await who_click_modal(self, self.ben, checkin, "Set a private goal")
            private = await self.ben.submit_modal(
                modal, {"How many next conversations this week?": "2"}
            )
            await private.followup()
            t.said("ben", "form", "goal 2 (private)")
            t.expect(
                await running.db.fetchval("SELECT count(*) FROM commitments") == 2,
                "two members committed",
            )
            await self.network(running)

            await self.at(
                running,
                datetime(2026, 11, 17, 14, 0, 30, tzinfo=UTC),
                "Tuesday 09:00 in New York: ben's reminder",
            )
            reminder = next(
                m for m in reversed(self.ben.dm_messages) if "Today's follow-ups" in m.text()
            )
            await self.click(self.ben, reminder, "1. Done")
            t.expect(
                await running.db.fetchval("SELECT count(*) FROM wins WHERE kind = 'follow-up'")
                == 1,
                "marking it done logged a follow-up win",
            )

            await self.at(
                running,
                datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC),
                "Wednesday noon: follow up, don't wait",
            )
            await self.interview_day(running)
            await self.at(
                running, datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC), "Friday 16:00: the recap"
            )
            recap = next(
                m for m in reversed(self.emulator.sent_messages) if "Friday recap" in m.text()
            )
            t.expect("@" in recap.content or bool(recap.embeds), "the recap was posted")
            await self.at(
                running,
                datetime(2026, 11, 22, 18, 0, 30, tzinfo=UTC),
                "Sunday 18:00: the leaderboard",
            )
            board = next(
                m for m in reversed(self.emulator.sent_messages) if "Leaderboard" in m.text()
            )
            t.expect(bool(board.attachments), "the leaderboard has its chart")
            for name, data in board.attachments:
                (self.out / name).write_bytes(data)
            stats = await self.slash(self.alice, "me stats")
            for name, data in stats.attachments:
                (self.out / f"alice-{name}").write_bytes(data)
            secrets = ("Dana knows the VP", "200k a year", "Head of Data")
            leaked = [
                s
                for s in secrets
                for m in self.emulator.sent_messages
                if m.guild_id and not m.ephemeral and s in m.text()
            ]
            t.expect(not leaked, "no note or exercise answer appeared in a public post")
        t.expect(not self.emulator.errors, "Discord accepted every request the bot made")


async def who_click_modal(demo: Demo, person: Person, message: Message, label: str) -> Reply:
    demo.t.said(person.name, "clicks", f"[{label}]")
    reply = await person.click(message, label)
    demo.t.flush()
    return reply


async def run_demo(out: Path | None = None) -> int:
    started = time.monotonic()
    out = out or Path(tempfile.mkdtemp(prefix="nextinterview-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(token=make_token())
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory(prefix="nextinterview-db-") as scratch:
            demo = Demo(emulator, ManualClock(DEMO_START), Path(scratch) / "demo.db", out)
            try:
                await demo.play()
            except (AssertionError, TimeoutError) as exc:
                # A step that did not happen at all (a message that never came) is a failed
                # step too: say which, keep the transcript so far.
                demo.t.expect(False, f"the demo could not go on: {exc}")
    finally:
        await emulator.stop()
    transcript = demo.t
    (out / "transcript.md").write_text(
        transcript.markdown("Next Interview: a week of Job Club"), "utf-8"
    )
    elapsed = time.monotonic() - started
    print(f"\nTranscript and charts written to {out} ({elapsed:.1f}s).")
    if transcript.failures:
        print(f"{len(transcript.failures)} step(s) failed: {transcript.failures}")
        return 1
    print("Every step produced what it should.")
    return 0
