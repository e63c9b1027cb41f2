"""Store tests: a PostgreSQL schema of their own per test, when the test server is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of the test server whose search_path is a fresh schema, dropped afterwards."""
    url = os.environ.get("STORYLINT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "CI=true but STORYLINT_TEST_POSTGRES_URL is not set (scripts/start-postgres.sh)"
            )
        pytest.skip('STORYLINT_TEST_POSTGRES_URL not set: eval "$(bash scripts/start-postgres.sh)"')
    psycopg = pytest.importorskip("psycopg")
    schema = f"store_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
