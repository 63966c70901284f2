"""Exceptions raised by the emulator, both to the test author and inside the fake API."""

from __future__ import annotations

from typing import Any


class EmulatorTimeout(AssertionError):
    """A person waited for something from the bot that did not arrive in time.

    It subclasses ``AssertionError`` so pytest reports it as a failed expectation and prints the
    message, which always says what was expected and what arrived instead.
    """


class CommandNotVisible(ValueError):
    """The person cannot see the command (wrong context or missing default member permissions)."""


class ApiError(Exception):
    """An error answer of the fake REST API, in Discord's shape.

    ``record`` marks answers caused by an invalid payload from the bot (a bug to notice), as
    opposed to answers the bot must cope with (closed DMs, missing permissions, faults).
    """

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        record: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.record = record
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body Discord sends for this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_form(errors: dict[str, Any]) -> ApiError:
    """Discord's 400 answer for a payload that failed validation."""
    return ApiError(400, 50035, "Invalid Form Body", errors=errors, record=True)


def unknown_channel() -> ApiError:
    """404 for a channel that does not exist (or was deleted)."""
    return ApiError(404, 10003, "Unknown Channel")


def unknown_message() -> ApiError:
    """404 for a message id that is not in the channel."""
    return ApiError(404, 10008, "Unknown Message")


def missing_access() -> ApiError:
    """403 when the bot cannot see the resource at all."""
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    """403 when the bot sees the channel but lacks a permission for the action."""
    return ApiError(403, 50013, "Missing Permissions")
