"""/followups (the list, and the calendar file) and the daily reminder DM: follow up to learn
where things stand."""

from __future__ import annotations

import io
import logging
import math
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.jobs import REMINDER_JOB
from bot.render import calendar as render_calendar
from bot.render import followups as render
from bot.render.words import day, plural
from bot.services import calendar as calendar_service
from bot.services import followups as followups_service
from bot.services.delivery import SENT_NOTHING, Claim, Outcome, Result, earliest
from bot.views import STALE_BUTTON, GuardedItem, PagedView
from cogs._exercise_ui import ask_late_question

if TYPE_CHECKING:
    from bot.client import NextInterviewBot

log = logging.getLogger(__name__)

PER_PAGE = 4  # one row of five buttons per follow-up, plus a row to turn pages
ACTIONS = {"done": "Done", "1d": "+1 day", "3d": "+3 days", "1w": "+1 week", "drop": "Drop"}


class FollowUpButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:fu:(?P<id>\d+):(?P<action>done|1d|3d|1w|drop)",
):
    """Done / Snooze / Drop on one follow-up; persistent so reminder DMs keep working."""

    def __init__(self, follow_up_id: int, action: str, number: int | None = None) -> None:
        label = ACTIONS[action] if number is None else f"{number}. {ACTIONS[action]}"
        style = {
            "done": discord.ButtonStyle.success,
            "drop": discord.ButtonStyle.danger,
        }.get(action, discord.ButtonStyle.secondary)
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"ni:fu:{follow_up_id}:{action}")
        )
        self.follow_up_id = follow_up_id
        self.action = action

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> FollowUpButton:
        return cls(int(match["id"]), match["action"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        bot = interaction.client
        user_id = interaction.user.id
        if self.action == "done":
            item = await followups_service.mark_done(
                bot.db,
                bot.clock,
                user_id=user_id,
                follow_up_id=self.follow_up_id,
                changes=bot.changes,
            )
            text = f"Done: {item.reason} ({item.person}). Logged as a follow-up win."
            if item.run_id is not None and item.late_step:
                await interaction.response.send_message(text, ephemeral=True)
                await ask_late_question(bot, interaction.user, item.run_id, item.late_step)
                return
        elif self.action == "drop":
            item = await followups_service.drop(
                bot.db,
                bot.clock,
                user_id=user_id,
                follow_up_id=self.follow_up_id,
                changes=bot.changes,
            )
            text = f"Dropped: {item.reason} ({item.person})."
        else:
            snoozed = await followups_service.snooze(
                bot.db,
                bot.clock,
                user_id=user_id,
                follow_up_id=self.follow_up_id,
                span=self.action,
                changes=bot.changes,
            )
            text = snoozed_text(snoozed)
        await interaction.response.send_message(text, ephemeral=True)


def snoozed_text(snoozed: followups_service.Snoozed) -> str:
    span = "a week" if snoozed.days == 7 else plural(snoozed.days, "day")
    when = day(snoozed.due_on, snoozed.today)
    if snoozed.from_due_date:
        return f"Snoozed to {when}, {span} after its due date."
    return f"Snoozed to {when}, {span} from today (it was overdue)."


def buttons_for(
    items: list[followups_service.FollowUp], numbered: bool, first: int = 1
) -> list[Any]:
    """Five buttons per follow-up, numbered from ``first`` (numbers continue across pages)."""
    return [
        FollowUpButton(item.follow_up_id, action, number if numbered else None)
        for number, item in enumerate(items, start=first)
        for action in ACTIONS
    ]


class ReminderPage(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ni:rp:(?P<day>[\d-]{1,12}):(?P<page>\d+):(?P<way>prev|next)",
):
    """Previous / Next in a reminder DM, so every item in it has its buttons. Persistent, and
    read again at each press: what was done meanwhile is gone from the pages."""

    def __init__(self, day: str, page: int, way: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if way == "prev" else "Next",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ni:rp:{day}:{page}:{way}",
                disabled=disabled,
                row=4,
            )
        )
        self.day, self.page = day, page

    @classmethod
    def from_match(cls, match: re.Match[str], item: Any) -> ReminderPage:
        return cls(match["day"], int(match["page"]), match["way"])

    async def run(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        try:
            day = date.fromisoformat(self.day)
        except ValueError:
            await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
            return
        bot = interaction.client
        items = await followups_service.reminder_items(bot.db, interaction.user.id, day)
        if not items:
            await interaction.response.send_message(
                "Everything in this reminder is dealt with. `/followups list` shows what is left.",
                ephemeral=True,
            )
            return
        page = min(self.page, pages_of(items) - 1)
        await interaction.response.edit_message(
            embed=render.reminder(items, day, page, PER_PAGE), view=reminder_view(items, day, page)
        )


def pages_of(items: list[followups_service.FollowUp]) -> int:
    return max(1, math.ceil(len(items) / PER_PAGE))


def reminder_view(items: list[followups_service.FollowUp], day: date, page: int) -> discord.ui.View:
    """The buttons of one page of a reminder DM: five per follow-up, and the page turners."""
    view = discord.ui.View(timeout=None)
    first = page * PER_PAGE
    for index, item in enumerate(
        buttons_for(items[first : first + PER_PAGE], numbered=True, first=first + 1)
    ):
        item.row = index // len(ACTIONS)
        view.add_item(item)
    pages = pages_of(items)
    if pages > 1:
        # Ids stay unique and in range on the first and last page (those buttons are off).
        shown = day.isoformat()
        view.add_item(ReminderPage(shown, max(page - 1, 0), "prev", disabled=page == 0))
        view.add_item(
            ReminderPage(shown, min(page + 1, pages - 1), "next", disabled=page >= pages - 1)
        )
    return view


class FollowUpPager(PagedView):
    """The member's follow-ups, a page at a time, with five buttons for each."""

    def __init__(self, owner_id: int, listing: followups_service.FollowUpList) -> None:
        self.listing = listing
        super().__init__(owner_id, pages_of(listing.all), row=4)

    def items(self) -> list[followups_service.FollowUp]:
        return self.listing.all[self.page * PER_PAGE : (self.page + 1) * PER_PAGE]

    def page_embed(self) -> discord.Embed:
        return render.follow_ups(
            self.listing, self.items(), self.page, self.pages, first=self.page * PER_PAGE + 1
        )

    def refresh(self) -> None:
        self.clear_items()
        first = self.page * PER_PAGE + 1
        for row, item in enumerate(buttons_for(self.items(), numbered=True, first=first)):
            item.row = row // len(ACTIONS)
            self.add_item(item)
        if self.pages > 1:
            self.add_item(self.previous)
            self.add_item(self.next)
        super().refresh()


class FollowUps(commands.GroupCog, group_name="followups"):
    """Your follow-ups: see them and mark them done, or take them to your calendar."""

    def __init__(self, bot: NextInterviewBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FollowUpButton, ReminderPage)
        self.bot.scheduler.register(REMINDER_JOB, self.send_reminders)

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """See your overdue, today's and upcoming follow-ups, and mark them done."""
        listing = await followups_service.listing(
            self.bot.db, self.bot.clock, user_id=interaction.user.id
        )
        await FollowUpPager(interaction.user.id, listing).send(interaction)

    @app_commands.command(name="calendar")
    async def calendar(self, interaction: discord.Interaction[NextInterviewBot]) -> None:
        """Get your follow-ups and interview dates as a calendar file (.ics) to import."""
        calendar = await calendar_service.member_calendar(
            self.bot.db, self.bot.clock, user_id=interaction.user.id
        )
        data = calendar_service.to_ics(calendar)
        await interaction.response.send_message(
            render_calendar.file_text(calendar, self.bot.settings.calendar_feeds),
            file=discord.File(io.BytesIO(data), filename=calendar_service.FILENAME),
            ephemeral=True,
        )

    async def send_reminders(self, now: datetime) -> datetime | None:
        """The scheduler job: DM each member whose reminder is due, once, then plan the next."""
        due, next_wake = await followups_service.due_reminders(
            self.bot.db, now, self.bot.settings.default_timezone
        )
        retry = await self.bot.courier.deliver(followups_service.REMINDER_KINDS, due, self.deliver)
        return earliest(next_wake, retry)

    async def deliver(self, claim: Claim) -> Result:
        reminder = await followups_service.reminder_for(self.bot.db, claim)
        if reminder is None:
            return SENT_NOTHING
        result = await self.bot.outbox.to_member(
            reminder.user_id,
            nonce=claim.nonce,
            embed=render.reminder(reminder.items, reminder.day, 0, PER_PAGE),
            view=reminder_view(reminder.items, reminder.day, 0),
        )
        if result.outcome is not Outcome.SENT:
            log.info("Reminder to %s not delivered: %s", reminder.user_id, result.detail)
        return result


async def setup(bot: NextInterviewBot) -> None:
    await bot.add_cog(FollowUps(bot))
