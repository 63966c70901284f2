"""Numbered, forward-only SQL migrations: ``NNNN_reason.sql`` in this folder.

A migration is never edited once released; a change to the schema is a new file with the next
number. ``load_migrations`` refuses gaps and duplicates so a mistake is caught by
``nextinterview check`` and the tests, not in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """The migrations or the database's schema version are not usable as they are."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in order; raises :class:`MigrationError` on a bad name or a gap."""
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(
                f"{path.name}: migration files are named NNNN_reason.sql (e.g. 0002_wins.sql)."
            )
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"{migration.name}: expected version {expected:04d}; migrations must be "
                "numbered 0001, 0002, ... without gaps or duplicates."
            )
    return migrations
