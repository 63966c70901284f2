"""Which database the tests run on: SQLite files always; a PostgreSQL server too when
``TEST_DATABASE_URL`` names one (each test then gets a database of its own, dropped after)."""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncpg

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip() or None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def create_database() -> str:
    """A new, empty PostgreSQL database on the test server; its URL."""
    assert TEST_DATABASE_URL is not None
    name = f"ni_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return _with_database(TEST_DATABASE_URL, name)


async def drop_database(url: str) -> None:
    assert TEST_DATABASE_URL is not None
    name = urlsplit(url).path.lstrip("/")
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
