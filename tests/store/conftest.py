"""Store tests: a PostgreSQL schema of their own per test, when the test server is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg import postgres_url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of the test server whose search_path is a fresh schema, dropped afterwards."""
    yield from postgres_url("store")
