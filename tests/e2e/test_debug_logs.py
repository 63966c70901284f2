"""LOG_LEVEL=DEBUG shows what the bot did, never what members wrote nor a token.

discord.py at DEBUG logs REST bodies and responses and every gateway payload: interaction
tokens, the options a member typed, DM text, and the bot's replies that echo them. Logging is
set up here exactly as ``nextinterview run`` sets it up, into a buffer instead of stderr.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging
from discord_emulator import Emulator, Person
from tests.e2e.conftest import BotFactory

NOTE = "ZEBRA-NOTE my manager cannot know I am interviewing"
WHO = "QUOKKA-CORP secret employer"
ANSWER = "PLATYPUS-ANSWER Head of Quiet Leaving"


@pytest.fixture
def debug_log(emulator: Emulator) -> Iterator[io.StringIO]:
    """Everything logged while the test runs, configured as ``run`` does at DEBUG."""
    root = logging.getLogger()
    handlers, levels = root.handlers[:], {"": root.level}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            levels[name] = logger.level
    buffer = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stderr", buffer)  # the handler binds to stderr when it is made
        setup_logging("DEBUG", secrets=[emulator.token])  # as `run` does with LOG_LEVEL=DEBUG
    try:
        yield buffer
    finally:
        root.handlers[:] = handlers
        for name, level in levels.items():
            logging.getLogger(name or None).setLevel(level)


async def test_debug_log_keeps_member_text_and_tokens_out(
    emulator: Emulator, run_bot: BotFactory, alice: Person, debug_log: io.StringIO
) -> None:
    async with run_bot():
        reply = await alice.slash("win", kind="interview", who=WHO, note=NOTE)
        await alice.click(reply.message, "No thanks")

        started = await alice.slash("exercise start", name="right-job")
        await started.wait_message()
        await alice.next_dm()  # the intro
        await alice.next_dm()  # the first question
        await alice.dm(ANSWER)
        await alice.next_dm()  # the next question
        await alice.dm("back")  # the first question again, showing the answer: echoed by the bot
        again = await alice.next_dm()
        assert ANSWER in again.text()

    log = debug_log.getvalue()
    tokens = list(emulator.interactions.by_token)
    assert len(tokens) == 3  # /win, its button, /exercise start
    # The log is the real DEBUG log: REST calls, gateway events and the bot's own lines.
    assert "discord.http: POST" in log and "/callback has returned status code 200" in log
    assert "t=INTERACTION_CREATE" in log and "d.data.name=win" in log and "t=MESSAGE_CREATE" in log
    for private in (NOTE, WHO, ANSWER):
        # The distinctive first word, so an escaped or clipped copy is caught too.
        assert private.split()[0] not in log, f"{private!r} reached the log"
    leaked = [token for token in tokens if token in log or token.split(".")[-1] in log]
    assert not leaked, "interaction tokens reached the log"
    assert emulator.token not in log
