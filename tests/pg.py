"""A fresh PostgreSQL schema on the test server per test, dropped afterwards (one helper for
every suite that tests against a real PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest


def postgres_url(prefix: str = "t") -> Iterator[str]:
    """Yield STORYLINT_TEST_POSTGRES_URL with its search_path set to a new schema; skip when
    the server is not set (fail under CI=true, where .ci/run must have started it)."""
    url = os.environ.get("STORYLINT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail('CI=true but STORYLINT_TEST_POSTGRES_URL is unset: run eval "$(bash scripts/start-postgres.sh)"')
        pytest.skip('PostgreSQL tests need STORYLINT_TEST_POSTGRES_URL (eval "$(bash scripts/start-postgres.sh)")')
    psycopg = pytest.importorskip("psycopg")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
