"""The data layer: one SQLite database, its migrations, and one module of queries per area.

Services receive a :class:`Database` and call the query functions in this package; no SQL lives
anywhere else.
"""

from bot.db.core import Database, DatabaseError, SqliteDatabase, from_db, is_database_url, to_db
from bot.db.migrations import MIGRATIONS_DIR, Migration, MigrationError, load_migrations

__all__ = [
    "MIGRATIONS_DIR",
    "Database",
    "DatabaseError",
    "Migration",
    "MigrationError",
    "SqliteDatabase",
    "from_db",
    "is_database_url",
    "load_migrations",
    "to_db",
]
