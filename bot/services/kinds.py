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


def points_for(kind: WinKind, overrides: dict[str, int] | None = None) -> int:
    """Points for a kind in a group: the group's own value, else the default."""
    if overrides and kind.value in overrides:
        return overrides[kind.value]
    return DEFAULT_POINTS[kind]
