"""Schema 5: the durable webhook queue of `storylint serve`, on a real SQLite file and a real
PostgreSQL, including an upgrade of a schema 4 store and a queue that survives a reopen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from storylint.store import open_store
from storylint.store.schema import SCHEMA_VERSION


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "queue.db")
    else:
        yield request.getfixturevalue("pg_url")


SRC = "jira:http://jira.example"
T1 = "2026-12-01T10:00:00.000+00:00"
T2 = "2026-12-01T10:05:00.000+00:00"


def test_schema_5_has_the_queue() -> None:
    assert SCHEMA_VERSION == 5


def test_enqueue_is_durable_and_deduplicated(url: str) -> None:
    store = open_store(url)
    try:
        assert store.enqueue_event(SRC, "PAY-1", "jira:issue_created", delivery="d-1", issue_updated=T1)
        assert not store.enqueue_event(SRC, "PAY-1", "jira:issue_created", delivery="d-1", issue_updated=T1)
        assert store.enqueue_event(SRC, "PAY-1", "jira:issue_updated", delivery="d-2", issue_updated=T2)
        # no delivery id (a Jira Automation request): several may queue
        assert store.enqueue_event(SRC, "PAY-2", "jira:issue_updated", delivery=None, issue_updated=None)
        assert store.enqueue_event(SRC, "PAY-2", "jira:issue_updated", delivery=None, issue_updated=None)
        assert store.queue_depth() == 4
    finally:
        store.close()
    store = open_store(url)  # a restart: the queue is still there, grouped per issue
    try:
        due = store.queued_issues(10)
        assert [(s, i) for s, i, _ in due] == [(SRC, "PAY-1"), (SRC, "PAY-2")]
        _, _, last = due[0]
        store.set_linted_version(SRC, "PAY-1", T2)
        store.finish_events(SRC, "PAY-1", last)
        assert store.queue_depth() == 2
        # a late event about a version already linted is not queued again
        assert not store.enqueue_event(SRC, "PAY-1", "jira:issue_updated", delivery="d-3", issue_updated=T1)
        assert store.linted_version(SRC, "PAY-1") == T2
        store.set_linted_version(SRC, "PAY-1", T1)  # never moves back
        assert store.linted_version(SRC, "PAY-1") == T2
        assert [e["state"] for e in store.events()] == ["done", "done", "queued", "queued"]
    finally:
        store.close()


def test_events_arriving_while_an_issue_is_linted_stay_queued(url: str) -> None:
    store = open_store(url)
    try:
        store.enqueue_event(SRC, "PAY-1", "jira:issue_created", delivery="a", issue_updated=T1)
        (_, _, last), = store.queued_issues(10)
        store.enqueue_event(SRC, "PAY-1", "jira:issue_updated", delivery="b", issue_updated=T2)
        store.finish_events(SRC, "PAY-1", last)
        assert [e["delivery"] for e in store.events("queued")] == ["b"]
    finally:
        store.close()


def test_failed_reads_are_retried_later_then_given_up(url: str) -> None:
    store = open_store(url)
    try:
        store.enqueue_event(SRC, "PAY-9", "jira:issue_created", delivery="x", issue_updated=T1)
        (_, _, last), = store.queued_issues(10)
        assert store.defer_events(SRC, "PAY-9", last, "2999-01-01T00:00:00+00:00", max_attempts=2)
        assert store.queued_issues(10) == []  # not due yet
        assert store.queue_depth() == 1
        assert not store.defer_events(SRC, "PAY-9", last, "2999-01-01T00:00:00+00:00", max_attempts=2)
        assert store.queue_depth() == 0 and store.events("failed")[0]["attempts"] == 2
        assert store.prune_events("3000-01-01T00:00:00+00:00") == 1
    finally:
        store.close()


def test_a_schema_4_sqlite_store_gains_the_queue(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    open_store(str(db)).close()
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE webhook_queue")
    conn.execute("DROP TABLE webhook_linted")
    conn.execute("UPDATE storylint_schema SET version = 4")
    conn.commit()
    conn.close()
    store = open_store(str(db))
    try:
        assert store.schema_version() == 5 and store.queue_depth() == 0
    finally:
        store.close()


def test_a_schema_4_postgres_store_gains_the_queue(pg_url: str) -> None:
    import psycopg

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE webhook_queue")
        conn.execute("DROP TABLE webhook_linted")
        conn.execute("UPDATE storylint_schema SET version = 4")
    store = open_store(pg_url)
    try:
        assert store.schema_version() == 5
        assert store.enqueue_event(SRC, "PAY-1", "jira:issue_created", delivery="d", issue_updated=T1)
    finally:
        store.close()
