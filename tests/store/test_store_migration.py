"""A store written by the previous schema (version 1) upgrades in place, on SQLite and
PostgreSQL: its history stays, reports read it, and new runs record fixed stories."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storylint import report_data as rd
from storylint.model import StoryResult
from storylint.store import open_store
from storylint.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.report.report_fixtures import jira_story, record_run

TOTALS = {"stories": 2, "clean": 1, "with_findings": 1, "skipped": 0, "findings": 1,
          "by_category": {"data_model": 1}}  # fmt: skip


def write_v1(execute: Any, id_type: str, ph: str) -> None:
    """Schema 1 exactly as storylint 0.1 created it, with one run of two stories."""
    execute("CREATE TABLE storylint_schema (version INTEGER NOT NULL)")
    for statement in MIGRATIONS[0]:
        execute(statement.format(id=id_type, json="TEXT"))
    execute("INSERT INTO storylint_schema (version) VALUES (1)")
    execute(
        "INSERT INTO runs (source, command, started_at, finished_at, status, stories_read, stories_checked,"
        " stories_with_findings, findings, by_category, totals)"
        f" VALUES ('jira:ACME', 'jira', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', 'ok',"
        f" 2, 2, 1, 1, {ph}, {ph})",
        (json.dumps({"data_model": 1}), json.dumps(TOTALS)),
    )
    for ref, status, n in (("ACME-1", "findings", 1), ("ACME-2", "clean", 0)):
        execute(
            "INSERT INTO stories (source, story, content_hash, title, status, findings, run_id, checked_at,"
            f" project, author) VALUES ('jira:ACME', {ph}, 'h', 'A story', {ph}, {ph}, 1,"
            " '2026-01-01T00:00:30+00:00', 'ACME', 'Dana')",
            (ref, status, n),
        )
    execute(
        "INSERT INTO findings (source, story, run_id, rule, name, category, severity, confidence, message,"
        " excerpt, suggestion, field, line, col, project, author) VALUES ('jira:ACME', 'ACME-1', 1, 'DM01',"
        " 'schema-change', 'data_model', 'error', 0.8, 'm', 'add a column', 's', 'body', 1, 1, 'ACME', 'Dana')"
    )


def check_upgraded(url: str, tmp_path: Path) -> None:
    store = open_store(url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.totals() == TOTALS
        d = rd.build_dataset(rd.load_store(store))
        assert d["headline"]["checked"] == 2 and d["headline"]["findings"] == 1
        assert d["headline"]["fixed"] == 0 and len(d["trend"]) == 1
        s1 = jira_story(1, "Dana")
        record_run(store, "jira:ACME", [StoryResult(s1, [])])  # fixed after the upgrade
        fixed = {s["story"]: s["fixed_findings"] for s in store.stories() if s["fixed_run_id"]}
        assert fixed == {"ACME-1": 1}
    finally:
        store.close()
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "report", "--store", url, "-o", "-", "--format", "markdown"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "**Stories fixed** (1: had findings, clean now)" in proc.stdout


def test_sqlite_store_of_schema_1_upgrades(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        write_v1(
            lambda sql, params=(): conn.execute(sql, params),
            "INTEGER PRIMARY KEY AUTOINCREMENT",
            "?",
        )
    check_upgraded(str(db), tmp_path)


@pytest.mark.postgres
def test_postgres_store_of_schema_1_upgrades(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        write_v1(lambda sql, params=(): conn.execute(sql, params), "BIGSERIAL PRIMARY KEY", "%s")
    check_upgraded(pg_url, tmp_path)


def check_upgraded_once(url: str, execute: Any) -> None:
    """A schema table that records version 0 (made before any migration ran): the upgrade
    added a second row, so the store read as version 0 again and the next open failed
    ("table sources already exists"). `execute(sql)` runs on the database's own connection."""
    execute("CREATE TABLE storylint_schema (version INTEGER NOT NULL)")
    execute("INSERT INTO storylint_schema (version) VALUES (0)")
    for _ in range(2):
        store = open_store(url)
        try:
            assert store.schema_version() == SCHEMA_VERSION
        finally:
            store.close()
    assert execute("SELECT version FROM storylint_schema") == [(SCHEMA_VERSION,)]


def test_a_schema_table_at_version_0_is_upgraded_once(tmp_path: Path) -> None:
    db = tmp_path / "zero.db"

    def execute(sql: str) -> list[Any]:
        with sqlite3.connect(db) as conn:
            return conn.execute(sql).fetchall()

    check_upgraded_once(str(db), execute)


@pytest.mark.postgres
def test_a_postgres_schema_table_at_version_0_is_upgraded_once(pg_url: str) -> None:
    import psycopg

    def execute(sql: str) -> list[Any]:
        with psycopg.connect(pg_url) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    check_upgraded_once(pg_url, execute)
