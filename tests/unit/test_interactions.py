"""The last guard before Discord: a private answer never exceeds one message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.interactions import safe_send_private, send_private
from bot.render.limits import MESSAGE_CHARS


class FakeResponse:
    def __init__(self, done: bool) -> None:
        self.done = done
        self.sent: list[tuple[str | None, dict[str, Any]]] = []

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        self.sent.append((content, kwargs))


class FakeFollowup:
    def __init__(self) -> None:
        self.sent: list[tuple[str | None, dict[str, Any]]] = []

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        self.sent.append((content, kwargs))


class FakeInteraction:
    def __init__(self, done: bool) -> None:
        self.response = FakeResponse(done)
        self.followup = FakeFollowup()

    def sent(self) -> list[tuple[str | None, dict[str, Any]]]:
        return self.response.sent + self.followup.sent


@pytest.mark.parametrize("done", [False, True])
async def test_long_content_is_clipped_to_one_message(done: bool) -> None:
    interaction = FakeInteraction(done)
    await send_private(interaction, "`" + "x" * 5000 + "` is not a time.")  # type: ignore[arg-type]
    [(content, kwargs)] = interaction.sent()
    assert content is not None and len(content) == MESSAGE_CHARS
    assert content.endswith("…")
    assert kwargs["ephemeral"] is True


async def test_short_content_and_no_content_pass_unchanged() -> None:
    interaction = FakeInteraction(False)
    await safe_send_private(interaction, "Done.")  # type: ignore[arg-type]
    await send_private(interaction, embed="an embed")  # type: ignore[arg-type]
    assert [c for c, _ in interaction.sent()] == ["Done.", None]
