"""The report from a PostgreSQL store equals the report from the same history in SQLite.

Needs STORYLINT_TEST_POSTGRES_URL (`eval "$(bash scripts/start-postgres.sh)"`); skipped
with that reason on a developer machine, a failure when CI=true. Each test works in a
schema of its own, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storylint import report_data as rd
from storylint.store import open_store
from storylint.store.schema import SCHEMA_VERSION
from tests.pg import postgres_url
from tests.report.report_fixtures import History, record_run, run1, run2, run3

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_url("report")


def _without_times(value: object) -> object:
    """`value` with every "..._at" timestamp dropped, recursively."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if not k.endswith("_at")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_postgres_report_equals_sqlite_report(
    pg_url: str, history: History, tmp_path: Path
) -> None:
    store = open_store(pg_url)
    try:
        for source, results in (
            ("jira:ACME", run1()),
            ("github:acme/web", run2()),
            ("jira:ACME", run3()),
        ):
            record_run(store, source, results)
        key, origin = rd.pseudonym_key(store)
        assert origin in ("store", "env")
        pg = rd.build_dataset(rd.load_store(store), generated_at="x", alias=rd.make_aliaser(key))
        totals = store.totals()
    finally:
        store.close()
    lite_store = history.open()
    try:
        lite = rd.build_dataset(
            rd.load_store(lite_store), generated_at="x", alias=rd.make_aliaser(key)
        )
    finally:
        lite_store.close()
    assert pg["headline"]["findings"] == totals["findings"] == 7
    # the two stores were written seconds apart: compare everything but wall-clock times
    for part in ("headline", "by_author", "by_project", "by_rule", "worst", "table"):
        assert _without_times(pg[part]) == _without_times(lite[part]), part
    strip = [
        {k: v for k, v in p.items() if k not in ("id", "label", "started_at")} for p in pg["trend"]
    ]
    assert strip == [
        {k: v for k, v in p.items() if k not in ("id", "label", "started_at")}
        for p in lite["trend"]
    ]


def test_upgrading_a_schema_3_postgres_store(pg_url: str) -> None:
    """A PostgreSQL store written before schema 4 gains per-run totals on the next open."""
    import psycopg

    store = open_store(pg_url)
    record_run(store, "jira:ACME", run1())
    store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for table in ("run_totals", "webhook_queue", "webhook_linted"):  # what schemas 4 and 5 added
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE storylint_schema SET version = 3")
    store = open_store(pg_url)
    try:
        assert store.schema_version() == SCHEMA_VERSION and store.run_totals() == []
        record_run(store, "jira:ACME", run3())
        d = rd.build_dataset(rd.load_store(store, project="ACME"))
        assert [p["count"] for p in d["how"]["trend"]] == [None, 4]
        assert d["how"]["sentence"] == "Stories prescribing HOW: 4 of 6 (66.7 %)"
        assert {name for _, _, scope, name, _ in store.run_totals() if scope == "author"} == {
            "Dana Scully",
            "Fox Mulder",
            "Walter Skinner",
            "<script>document.title='pwned-author'</script>",
        }
    finally:
        store.close()
