"""What job trackers call things: their stage words, and the column names of each preset.

Data more than code, kept apart from the CSV reading in :mod:`bot.services.tracker_csv` so a
new tracker or a new word is one line here. The README's stage table is this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.kinds import Stage


class Closed:
    """The stage of a row its tracker shows as over (rejected, withdrawn, accepted...)."""

    def __repr__(self) -> str:
        return "CLOSED"


CLOSED = Closed()

# A tracker's word -> the bot's stage (or CLOSED). Compared casefolded, with spaces, dashes
# and underscores as one space and emoji or punctuation at either end ignored.
STAGE_WORDS: dict[str, Stage | Closed] = {
    **{stage.value: stage for stage in Stage},
    # lead: saved, not yet acted on
    "wishlist": Stage.LEAD,
    "wish list": Stage.LEAD,
    "bookmarked": Stage.LEAD,
    "saved": Stage.LEAD,
    "interested": Stage.LEAD,
    "applying": Stage.LEAD,
    "to apply": Stage.LEAD,
    "prospect": Stage.LEAD,
    "researching": Stage.LEAD,
    "not started": Stage.LEAD,
    # contacted: the member reached out (an application is reaching out)
    "applied": Stage.CONTACTED,
    "application sent": Stage.CONTACTED,
    "application submitted": Stage.CONTACTED,
    "submitted": Stage.CONTACTED,
    "reached out": Stage.CONTACTED,
    # talking: a conversation has started
    "screen": Stage.TALKING,
    "screening": Stage.TALKING,
    "phone screen": Stage.TALKING,
    "recruiter call": Stage.TALKING,
    "recruiter screen": Stage.TALKING,
    "networking": Stage.TALKING,
    "informational": Stage.TALKING,
    "in conversation": Stage.TALKING,
    # interviewing
    "interview": Stage.INTERVIEWING,
    "interviews": Stage.INTERVIEWING,
    "interviewing": Stage.INTERVIEWING,
    "onsite": Stage.INTERVIEWING,
    "on site": Stage.INTERVIEWING,
    "technical interview": Stage.INTERVIEWING,
    "final round": Stage.INTERVIEWING,
    "assessment": Stage.INTERVIEWING,
    # offer
    "offered": Stage.OFFER,
    "offer received": Stage.OFFER,
    "negotiating": Stage.OFFER,
    "negotiation": Stage.OFFER,
    # over: left out of the pipeline, listed in the preview
    "rejected": CLOSED,
    "not selected": CLOSED,
    "declined": CLOSED,
    "withdrawn": CLOSED,
    "withdrew": CLOSED,
    "i withdrew": CLOSED,
    "accepted": CLOSED,
    "archived": CLOSED,
    "closed": CLOSED,
    "ghosted": CLOSED,
    "no longer interested": CLOSED,
    "position filled": CLOSED,
}


# -- presets ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preset:
    """Where a file comes from: the usual names of each field's column, first match wins."""

    key: str
    name: str
    columns: dict[str, tuple[str, ...]]
    # Column names and stage words only this source uses: how a file is recognised.
    marks: tuple[str, ...] = ()
    guessed: bool = False  # built from the source's documented columns, not a real export


PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "company": ("company", "company name", "employer", "organization", "organisation", "org"),
    "role": ("role", "job title", "title", "position", "job", "job position"),
    "stage": ("stage", "status", "state"),
    "last_contact": (
        "last contact",
        "last contacted",
        "last contact date",
        "last touch",
        "date contacted",
        "contacted on",
    ),
    "next_step": ("next step", "next steps", "next action", "to do", "todo"),
    "notes": ("notes", "note", "comments", "comment"),
}

PRESETS: dict[str, Preset] = {
    "spreadsheet": Preset("spreadsheet", "Plain spreadsheet", PLAIN_COLUMNS),
    "huntr": Preset(
        "huntr",
        "Huntr export",
        {
            "company": ("company", "company name", "employer"),
            "role": ("job title", "title", "position", "role"),
            "stage": ("list", "list name", "stage", "status"),
            "last_contact": ("date applied", "applied date", "last activity", "last contact"),
            "next_step": ("next step", "next action"),
            "notes": ("notes", "note"),
        },
        marks=("list", "list name", "wishlist"),
        guessed=True,
    ),
    "teal": Preset(
        "teal",
        "Teal export",
        {
            "company": ("company", "company name"),
            "role": ("job position", "position", "job title", "title", "role"),
            "stage": ("status", "stage"),
            "last_contact": ("date applied", "applied on", "last contact"),
            "next_step": ("next step", "next action"),
            "notes": ("notes", "note"),
        },
        marks=("job position", "bookmarked", "i withdrew"),
        guessed=True,
    ),
}


def compared(text: str) -> str:
    """A header or stage word as compared: casefolded, separators as one space, anything
    that is neither a letter nor a digit trimmed from both ends (emoji, colons, stars)."""
    spaced = re.sub(r"[\s_\-]+", " ", text.casefold())
    return re.sub(r"^[^\w]+|[^\w]+$", "", spaced).strip()


def read_stage(text: str) -> Stage | Closed | None:
    """A stage cell: the stage, CLOSED, or None for a word nobody told the bot about."""
    word = compared(text)
    if not word:
        return Stage.LEAD
    return STAGE_WORDS.get(word)
