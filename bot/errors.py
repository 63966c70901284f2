"""Errors that carry a message meant for the member who caused them.

Services raise these for expected problems (bad input, missing setup); the cogs' error net turns
them into a friendly ephemeral reply. Anything else is an incident: logged with an id.
"""

from __future__ import annotations


class UserError(Exception):
    """An expected problem; ``str(error)`` is shown to the member as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(UserError):
    """What the member typed cannot be used; nothing was changed."""


class NotFound(UserError):
    """The thing the member pointed at does not exist (or is not theirs)."""
