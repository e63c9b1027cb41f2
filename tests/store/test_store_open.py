"""Opening a store for reading (`storylint report`) never creates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.test_store_urls import storylint


@pytest.mark.postgres
def test_reading_an_empty_postgres_database_creates_nothing(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    proc = storylint("report", "--store", pg_url, "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: --store ") and proc.stderr.endswith(
        ": not a storylint store (no run recorded)\n"
    )
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_url) as conn:
        n = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
    assert n == (0,)
