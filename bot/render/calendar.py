"""What a member reads about their calendar: the file, and the private feed link."""

from __future__ import annotations

from bot.render.words import plural
from bot.services.calendar import FeedLink, MemberCalendar

NO_FEEDS = (
    "Calendar links aren't turned on for this bot (its operator can set them up). "
    "`/followups calendar` gives you a file to import instead: importing a newer one later "
    "updates the same events."
)


def file_text(calendar: MemberCalendar, feeds: bool) -> str:
    """The words that come with the .ics file."""
    if not calendar.events:
        text = (
            "Your calendar has nothing in it yet: follow-ups you set with `/win` or "
            "`/pipeline add`, and interview dates from `/pipeline interview`, show up here."
        )
    else:
        parts = [plural(calendar.follow_ups, "open follow-up")]
        if calendar.interviews:
            parts.append(plural(calendar.interviews, "interview"))
        text = (
            f"Your calendar: {' and '.join(parts)}, each as an all-day event on its day "
            f"({calendar.zone}). Open the file to add them to your calendar app (Google "
            "Calendar: Settings > Import & export). Importing a newer file later updates these "
            "same events instead of adding copies; one you finished stays until you delete it."
        )
    if feeds:
        text += (
            "\nTo keep a calendar in step on its own, subscribe instead: "
            "`/me calendar action:rotate` gives you a private link."
        )
    return text


def feed_text(link: FeedLink) -> str:
    """The new private link, shown only to the member."""
    text = (
        "Your private calendar link (only you see this message):\n"
        f"`{link.webcal}`\n"
        "Open it, or paste it into your calendar app's *subscribe* option (Apple Calendar: "
        "File > New Calendar Subscription; Outlook: Add calendar > Subscribe from web). "
        f"Google Calendar (Other calendars > From URL) wants this form: <{link.https}>\n"
        "Your open follow-ups and interview dates stay in step by themselves (apps check every "
        "few hours). Anyone with the link can see them, so keep it to yourself: "
        "`/me calendar action:rotate` makes a new one, `/me calendar action:off` stops it."
    )
    if link.replaced:
        text += " Your old link stopped working."
    return text


def feed_off_text(stopped: bool) -> str:
    if not stopped:
        return "You had no calendar link, so there was nothing to turn off."
    return (
        "Calendar link off: it no longer works, and calendars subscribed to it stop updating "
        "(remove the subscription in your app). `/me calendar action:rotate` makes a new one."
    )
