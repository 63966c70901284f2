"""Session-wide test settings: with TEST_DATABASE_URL set, SQLite-only tests say why they are
skipped (they open the file directly: locks, corruption, the sandbox)."""

from __future__ import annotations

import pytest

from tests.databases import TEST_DATABASE_URL


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_DATABASE_URL is None:
        return
    skip = pytest.mark.skip(reason="SQLite-specific: this run is against PostgreSQL")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    if TEST_DATABASE_URL is None:
        return "databases: SQLite (set TEST_DATABASE_URL to run against PostgreSQL too)"
    return "databases: PostgreSQL (TEST_DATABASE_URL), a fresh database per test"
