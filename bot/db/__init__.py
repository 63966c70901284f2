"""The data layer: one SQLite database, its migrations, and one module of queries per area.

Services receive a :class:`Database` and call the query functions in this package; no SQL lives
anywhere else.
"""

from bot.db.core import Database, DatabaseError, from_db, to_db
from bot.db.migrations import MIGRATIONS_DIR, Migration, MigrationError, load_migrations

__all__ = [
    "MIGRATIONS_DIR",
    "Database",
    "DatabaseError",
    "Migration",
    "MigrationError",
    "from_db",
    "load_migrations",
    "to_db",
]
