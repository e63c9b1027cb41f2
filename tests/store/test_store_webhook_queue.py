"""Schema 5 and 6: the durable webhook queue of `storylint serve` and its claims, on a real
SQLite file and a real PostgreSQL, including an upgrade of a schema 4 store, a queue that
survives a reopen, and workers (threads with their own connections) claiming at once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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


def test_schema_6_has_the_queue_and_its_claims() -> None:
    assert SCHEMA_VERSION == 6


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
        assert store.schema_version() == 6 and store.queue_depth() == 0
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
        assert store.schema_version() == 6
        assert store.enqueue_event(SRC, "PAY-1", "jira:issue_created", delivery="d", issue_updated=T1)
    finally:
        store.close()


# -- claims: several workers on one store (schema 6) -------------------------------------------


def test_a_claimed_issue_goes_to_one_worker_until_its_lease_runs_out(url: str) -> None:
    store = open_store(url)
    try:
        for n in range(1, 5):
            store.enqueue_event(SRC, f"PAY-{n}", "jira:issue_created", delivery=f"c-{n}", issue_updated=T1)
        mine = store.claim_issues("worker-a", 2, lease=60)
        assert [i for _, i, _ in mine] == ["PAY-1", "PAY-2"]
        theirs = store.claim_issues("worker-b", 10, lease=60)
        assert [i for _, i, _ in theirs] == ["PAY-3", "PAY-4"]
        # a new event about an issue worker-a holds waits for worker-a, it is not worker-b's
        store.enqueue_event(SRC, "PAY-1", "jira:issue_updated", delivery="c-5", issue_updated=T2)
        assert [i for _, i, _ in store.claim_issues("worker-b", 10, lease=60)] == ["PAY-3", "PAY-4"]
        # worker-a dies: after its lease, worker-b takes its issues (with the new event)
        later = datetime.now(UTC) + timedelta(seconds=61)
        taken = store.claim_issues("worker-b", 10, lease=60, now=later)
        assert {i for _, i, _ in taken} == {"PAY-1", "PAY-2", "PAY-3", "PAY-4"}
        assert {e["claimed_by"] for e in store.events("queued")} == {"worker-b"}
        # finishing ends the claim; deferring gives it back; renewing and releasing
        _, _, last = next(t for t in taken if t[1] == "PAY-1")
        store.finish_events(SRC, "PAY-1", last)
        _, _, last = next(t for t in taken if t[1] == "PAY-2")
        store.defer_events(SRC, "PAY-2", last, "2000-01-01T00:00:00+00:00", max_attempts=5)
        assert [i for _, i, _ in store.claim_issues("worker-c", 10, lease=60)] == ["PAY-2"]
        assert store.renew_claims("worker-b", 60) == 2
        store.release_claims("worker-b")
        assert {i for _, i, _ in store.claim_issues("worker-c", 10, lease=60)} == {"PAY-2", "PAY-3", "PAY-4"}
    finally:
        store.close()


def test_workers_claiming_at_once_each_take_an_issue_exactly_once(url: str) -> None:
    n_issues, n_workers = 60, 4
    store = open_store(url)
    try:
        for n in range(n_issues):
            store.enqueue_event(SRC, f"PAY-{n}", "jira:issue_created", delivery=f"r-{n}", issue_updated=T1)
    finally:
        store.close()
    taken: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(n_workers)
    lock = threading.Lock()

    def worker(name: str) -> None:
        own = open_store(url)  # a connection of its own, like a second `serve` process
        try:
            start.wait()
            while True:
                due = own.claim_issues(name, 3, lease=60)
                if not due:
                    return
                for source, issue, last in due:
                    with lock:
                        taken.append((name, issue))
                    own.finish_events(source, issue, last)
        except BaseException as exc:  # noqa: BLE001 (reported by the test below)
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    issues = [issue for _, issue in taken]
    assert sorted(issues) == sorted(f"PAY-{n}" for n in range(n_issues))  # each once, none lost
    store = open_store(url)
    try:
        assert store.queue_depth() == 0 and len(store.events("done")) == n_issues
    finally:
        store.close()
