"""The fault suite reuses the end-to-end fixtures: the real bot, the emulator, a SQLite file."""

from tests.e2e.conftest import (  # noqa: F401 - fixtures
    START,
    alice,
    bot,
    clock,
    db_path,
    emulator,
    guild,
    run_bot,
)
