"""The closed sets of the method: win kinds and their default points, stages, outcomes."""

from __future__ import annotations

from enum import StrEnum


class WinKind(StrEnum):
    NETWORKING = "networking"
    INTRO = "intro"
    FOLLOW_UP = "follow-up"
    INFORMATIONAL = "informational"
    INTERVIEW = "interview"
    OFFER = "offer"


# A conversation that needed more of you earns more; groups may change these with /setup.
DEFAULT_POINTS: dict[WinKind, int] = {
    WinKind.NETWORKING: 1,
    WinKind.INTRO: 1,
    WinKind.FOLLOW_UP: 1,
    WinKind.INFORMATIONAL: 2,
    WinKind.INTERVIEW: 3,
    WinKind.OFFER: 5,
}

KIND_LABELS: dict[WinKind, str] = {
    WinKind.NETWORKING: "networking conversation",
    WinKind.INTRO: "introduction to someone new",
    WinKind.FOLLOW_UP: "follow-up",
    WinKind.INFORMATIONAL: "informational interview",
    WinKind.INTERVIEW: "job interview",
    WinKind.OFFER: "offer",
}

# The same labels after their article, spelt out because services don't import the render
# layer's grammar helpers; a unit test keeps the two in agreement.
KIND_PHRASES: dict[WinKind, str] = {
    WinKind.NETWORKING: "a networking conversation",
    WinKind.INTRO: "an introduction to someone new",
    WinKind.FOLLOW_UP: "a follow-up",
    WinKind.INFORMATIONAL: "an informational interview",
    WinKind.INTERVIEW: "a job interview",
    WinKind.OFFER: "an offer",
}


class Stage(StrEnum):
    LEAD = "lead"
    CONTACTED = "contacted"
    TALKING = "talking"
    INTERVIEWING = "interviewing"
    OFFER = "offer"


STAGE_ORDER = list(Stage)


# The stage a win on an opportunity shows it has reached: a job interview means it is at
# interviewing, an offer at offer, a real conversation at talking, an introduction or a
# follow-up at contacted. Only ever suggested as a move forward.
STAGE_AFTER_WIN: dict[WinKind, Stage] = {
    WinKind.NETWORKING: Stage.TALKING,
    WinKind.INTRO: Stage.CONTACTED,
    WinKind.FOLLOW_UP: Stage.CONTACTED,
    WinKind.INFORMATIONAL: Stage.TALKING,
    WinKind.INTERVIEW: Stage.INTERVIEWING,
    WinKind.OFFER: Stage.OFFER,
}


def is_later(stage: Stage, than: Stage) -> bool:
    """Whether ``stage`` is further along the pipeline than ``than``."""
    return STAGE_ORDER.index(stage) > STAGE_ORDER.index(than)


def stage_after_win(kind: WinKind, current: Stage) -> Stage | None:
    """The move a win of ``kind`` suggests for an opportunity at ``current``, if any."""
    reached = STAGE_AFTER_WIN[kind]
    return reached if is_later(reached, current) else None


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    WENT_QUIET = "went-quiet"


class FollowUpStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SNOOZED = "snoozed"
    DROPPED = "dropped"


def parse_kind(text: str) -> WinKind | None:
    """A kind as typed or picked: its name (``interview``) or its label (``job interview``),
    in any case and spacing; None when it is neither."""
    typed = " ".join(text.split()).casefold()
    for kind in WinKind:
        if typed in (kind.value, KIND_LABELS[kind].casefold()):
            return kind
    return None


def points_for(kind: WinKind, overrides: dict[str, int] | None = None) -> int:
    """Points for a kind in a group: the group's own value, else the default."""
    if overrides and kind.value in overrides:
        return overrides[kind.value]
    return DEFAULT_POINTS[kind]
