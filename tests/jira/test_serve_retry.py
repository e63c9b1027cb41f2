"""`storylint serve`'s worker when the write-back fails: the issue's events wait (deferred with
backoff) and are retried like the nightly run retries an unwritten story; after the last
attempt they are marked failed with one JSON log line. The real worker thread, the fake
Jira's `broken_writes` (500 on every comment and issue write), real SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fakejira import FakeJira, adf_doc
from jira_helpers import EMAIL, PAT, TOKEN, StubLinter, connector_for
from serve_helpers import wait_for

from storylint.serve.jsonlog import JsonFormatter
from storylint.serve.worker import Worker, WorkerSettings
from storylint.store import Store, open_store

HOW = "Add a column email to the users table in PostgreSQL."


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The serve logger's records as `storylint serve` writes them: one JSON object a line."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("storylint")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def _start(fake: FakeJira, store_url: str, **settings: object) -> Worker:
    connector = connector_for(fake, jql="", attempts=2)
    options = {"comment": True, "label": "storylint-how", "settle": 0.0, "poll": 0.05, "retry_base": 0.3,
               "max_attempts": 3, **settings}  # fmt: skip
    worker = Worker(WorkerSettings(store_url, connector.name, **options), connector, StubLinter(),  # type: ignore[arg-type]
                    open_store)  # fmt: skip
    worker.start()
    return worker


def _stop(worker: Worker) -> None:
    worker.stop()
    worker.join(timeout=20)
    assert not worker.is_alive()


def _queue(store: Store, fake: FakeJira, key: str) -> None:
    assert store.enqueue_event(f"jira:{fake.url}", key, "jira:issue_created", delivery=f"d-{key}", issue_updated=None)


def _states(store: Store) -> dict[str, tuple[str, int]]:
    return {e["issue"]: (e["state"], int(e["attempts"])) for e in store.events()}


@pytest.fixture
def cloud_fake() -> Iterator[FakeJira]:
    fake = FakeJira("cloud", email=EMAIL, token=TOKEN, pat=PAT).serve()
    yield fake
    fake.close()


def test_failed_write_back_keeps_the_event_queued_and_a_later_attempt_writes_one_comment(
    store_url: str, cloud_fake: FakeJira, json_log: io.StringIO
) -> None:
    fake = cloud_fake
    fake.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    fake.add_issue("PAY-2", "Receipts", adf_doc(HOW), reporter="u1")
    fake.broken_writes.add("PAY-1")
    store = open_store(store_url)
    worker = _start(fake, store_url, retry_base=2.0)
    try:
        _queue(store, fake, "PAY-1")
        _queue(store, fake, "PAY-2")
        worker.wake.set()
        assert wait_for(lambda: _states(store).get("PAY-2") == ("done", 0))
        assert wait_for(lambda: _states(store).get("PAY-1") == ("queued", 1))  # deferred, not done
        assert not fake.comments.get("PAY-1") and len(fake.comments["PAY-2"]) == 1
        fake.broken_writes.discard("PAY-1")  # Jira is well again: the retry writes the coaching
        assert wait_for(lambda: _states(store).get("PAY-1") == ("done", 1), timeout=20)
        assert len(fake.comments["PAY-1"]) == 1 and len(fake.comments["PAY-2"]) == 1
        assert fake.issues["PAY-1"]["labels"] == ["storylint-how"]
        assert store.linted_version(f"jira:{fake.url}", "PAY-1") is not None
    finally:
        _stop(worker)
        store.close()
    assert '"state": "failed"' not in json_log.getvalue()


def test_write_back_that_keeps_failing_is_given_up_after_the_attempts_with_one_log_line(
    store_url: str, cloud_fake: FakeJira, json_log: io.StringIO
) -> None:
    fake = cloud_fake
    fake.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    fake.broken_writes.add("PAY-1")
    store = open_store(store_url)
    worker = _start(fake, store_url)
    try:
        _queue(store, fake, "PAY-1")
        worker.wake.set()
        assert wait_for(lambda: _states(store).get("PAY-1") == ("failed", 3), timeout=30)
        assert not fake.comments.get("PAY-1")
        assert store.linted_version(f"jira:{fake.url}", "PAY-1") is None
        writes = [m for m, p in fake.requests if m == "POST" and "/issue/PAY-1/comment" in p]
        assert len(writes) == 3 * 2  # three attempts, each with the caller's one retry
    finally:
        _stop(worker)
        store.close()
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    gave_up = [e for e in lines if e.get("state") == "failed"]
    assert len(gave_up) == 1, lines
    assert gave_up[0]["level"] == "error" and gave_up[0]["issue"] == "PAY-1"
    assert gave_up[0]["message"] == "PAY-1: write-back failed 3 times; its events are marked failed"
    assert gave_up[0]["attempts"] == 3 and gave_up[0]["reason"] == "write-back failed"
    text = json_log.getvalue()
    for secret in (TOKEN, PAT, "users table", "Receipts"):
        assert secret not in text


def test_a_failing_store_is_named_in_the_log_and_only_typed_for_healthz(cloud_fake: FakeJira, json_log: io.StringIO) -> None:
    """`/healthz` answers anyone who reaches the server: a store's error there is its type, as
    docs/jira.md says, not the message that names the store's user and host (the log has it)."""
    import sqlite3

    from storylint.errors import StoreError

    def failing_store(url: str) -> Store:
        try:
            raise sqlite3.OperationalError("could not connect to db.internal:5432 as bob")
        except sqlite3.OperationalError as exc:
            raise StoreError("the store failed: could not connect to db.internal:5432 as bob",
                             store="postgresql://bob@db.internal/storylint") from exc

    connector = connector_for(cloud_fake, jql="", attempts=2)
    settings = WorkerSettings("postgresql://bob@db.internal/storylint", connector.name, poll=0.05, store_retry=0.05)
    worker = Worker(settings, connector, StubLinter(), failing_store)  # type: ignore[arg-type]
    worker.start()
    try:
        assert wait_for(lambda: worker.store_error_kind is not None)
        assert worker.store_error_kind == "OperationalError"
        assert worker.store_error is not None and "db.internal" in worker.store_error
    finally:
        _stop(worker)
    assert "db.internal" in json_log.getvalue()  # the operator's log still says what failed
