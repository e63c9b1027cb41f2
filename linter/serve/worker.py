"""The worker: lints the issues the queue names, one fresh read each, in its own thread.

It owns the Jira connection, the linter and a store connection of its own (a SQLite
connection belongs to the thread that opened it). Woken by each accepted event, it waits
a moment (`settle`) so that a burst of edits to one issue is read and linted once, then
takes every due issue, oldest first. Per issue: read it now (the same retried call as
``storylint jira --issue``), skip it when that version (its ``updated``) was linted
already, else lint, record like a nightly run and write back; then remember the version
and close the issue's events up to the last one it saw. Events that arrive meanwhile stay
queued for the next round. A failed read (Jira down after the retries) leaves the events
queued for a later attempt, with backoff, and gives them up after `max_attempts`; so does a
round in which Jira refused every read (revoked credentials). A deleted or forbidden issue
among readable ones is given up at once. A write-back that fails (a refused or broken
comment or label write, or Jira not saying who storylint is) costs that issue only, and is
retried as the nightly run retries it: the version is not remembered as linted and the
events are deferred with the same backoff, so a later round reads, lints and writes it
again; after `max_attempts` they are marked failed, with one error line. A crash at any
point leaves events
queued, never lost: the next start lints them (the write-back finds its comment and
updates it in place, so a repeat never adds a second one).

Several workers (``serve`` processes) may share one store: each round *claims* its issues
(:meth:`Store.claim_issues`), so each issue is taken by one worker at a time, under a
`lease` that a heartbeat thread renews while the worker is busy. A stopping worker gives its
claims back; one that died holds them until the lease runs out, then another takes them.
A stop is looked at between issues: the current issue is finished, the rest stay queued.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from storylint.errors import ConnectorError, StoreError, StorylintError, TransientConnectorError
from storylint.model import Problem, Story, StoryResult
from storylint.store.base import drop_if_broken

from .events import normalise_time

if TYPE_CHECKING:  # pragma: no cover
    from storylint.connectors.jira import JiraConnector
    from storylint.store import Store

log = logging.getLogger("storylint.serve")


@dataclass(slots=True)
class WorkerSettings:
    store_url: str
    source: str
    comment: bool = False
    label: str | None = None
    #: seconds to wait after a wake-up so that a burst of edits is linted once
    settle: float = 0.3
    #: seconds between looks at the queue without a wake-up (retries that became due)
    poll: float = 2.0
    batch: int = 50
    max_attempts: int = 5
    retry_base: float = 30.0
    #: seconds a claim on queued issues lasts without renewal (a crashed worker's are taken
    #: again after it); renewed every third of it while the worker is busy
    lease: float = 60.0
    #: seconds before the first retry of a failed store call (doubling, at most 30 s)
    store_retry: float = 1.0
    #: seconds of failing store calls after which the worker gives up (and `serve` exits 2)
    store_patience: float = 300.0
    #: closed events are kept this long (their delivery ids deduplicate redeliveries)
    keep: timedelta = field(default_factory=lambda: timedelta(days=7))


class Worker(threading.Thread):
    """Drains the queue until :meth:`stop`."""

    def __init__(self, settings: WorkerSettings, connector: JiraConnector, linter: Any,
                 open_store: Callable[[str], Store]) -> None:  # fmt: skip
        super().__init__(name="storylint-worker", daemon=True)
        self.settings = settings
        self.connector = connector
        self.linter = linter
        self._open_store = open_store
        self.wake = threading.Event()
        self._halt = threading.Event()
        self._connected = False
        #: the account storylint runs as, once read (the event filter uses it)
        self.me: dict[str, Any] | None = None
        self.cloud: bool | None = None
        self.linted = 0
        self.failed = False
        #: why the store failed (an exception's type), while the worker is retrying it
        self.store_error: str | None = None  # what failed, for the logs
        self.store_error_kind: str | None = None  # its type only, for the unauthenticated /healthz
        #: called (from the worker's thread) when the worker gives up: ends the process
        self.on_failure: Callable[[], None] | None = None
        #: who holds this worker's claims on the queue (unique per process and start)
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

    def stop(self) -> None:
        self._halt.set()
        self.wake.set()

    def stop_and_release(self, store: Store, grace: float) -> None:
        """Stop; wait up to `grace` seconds for the current issue to be finished, then give
        this worker's claims back through `store` (the caller's connection) in any case.

        A worker still inside a Jira call after `grace` (a slow Jira, with its retries, can
        take minutes) is abandoned: it is a daemon thread and ends with the process, and its
        issue, released here, is linted again after the next start (the write-back finds its
        comment and updates it in place). Without the release, a stopped server's issues
        would wait for the lease to run out before any server took them again.
        """
        self.stop()
        self.join(timeout=grace)
        if self.is_alive():
            log.warning("stopping without finishing the current issue (still busy after %.0f s); "
                        "it stays queued", grace)  # fmt: skip
        try:
            store.release_claims(self.owner)
        except Exception as exc:  # noqa: BLE001 (stopping anyway; the lease runs out)
            log.warning("could not release the claims (%s)", type(exc).__name__)

    def _heartbeat(self) -> None:
        """Renew this worker's claims while it lives (its own store connection: a SQLite
        connection belongs to its thread). A worker stuck on Jira keeps its issues; a dead one
        stops renewing, and its lease runs out. A store gone for a moment is tried again next
        beat, through a new connection when the old one is broken."""
        store: Store | None = None
        try:
            while not self._halt.wait(self.settings.lease / 3):
                try:
                    if store is None:
                        store = self._open_store(self.settings.store_url)
                    store.renew_claims(self.owner, self.settings.lease)
                except Exception as exc:  # noqa: BLE001 (sqlite3, psycopg or a store that cannot be opened)
                    log.warning("lease renewal failed (%s)", _reason(exc))
                    store = drop_if_broken(store)
        finally:
            if store is not None:
                store.close()

    # -- the loop ---------------------------------------------------------------------
    def run(self) -> None:
        """Drain the queue until stopped. A failing store (a lock held for longer than the
        busy timeout, a lost PostgreSQL connection) does not end the thread: the round is
        tried again with backoff, through a new connection when the old one is broken, and
        /healthz says "store unavailable" meanwhile. Only a store failing for longer than
        `store_patience` stops the worker, and `on_failure` then ends the process (non-zero),
        so that a supervisor restarts it rather than leave a server that queues nothing."""
        threading.Thread(target=self._heartbeat, name="storylint-lease", daemon=True).start()
        store: Store | None = None
        failures = 0
        failing_since = 0.0
        try:
            self._connect()
            pruned_at = datetime.min.replace(tzinfo=UTC)
            while not self._halt.is_set():
                try:
                    if store is None:
                        store = self._open_store(self.settings.store_url)
                    now = datetime.now(UTC)
                    if now - pruned_at > timedelta(hours=1):
                        store.prune_events((now - self.settings.keep).isoformat(timespec="seconds"))
                        pruned_at = now
                    self._drain(store)
                except Exception as exc:  # noqa: BLE001 (the store driver, or a store that cannot be opened)
                    if not failures:
                        failing_since = time.monotonic()
                    failures += 1
                    self.store_error, self.store_error_kind = _reason(exc), error_kind(exc)
                    store = drop_if_broken(store)
                    down = time.monotonic() - failing_since
                    if down >= self.settings.store_patience:
                        self.failed = True
                        log.error("worker stopped: the store failed for %.0f s (%s)", down, self.store_error,
                                  extra={"fields": {"attempts": failures}})  # fmt: skip
                        if self.on_failure is not None:
                            self.on_failure()
                        return
                    wait = min(30.0, self.settings.store_retry * 2 ** (failures - 1))
                    log.warning("store failed (%s); trying again in %.1f s", self.store_error, wait,
                                extra={"fields": {"attempts": failures}})  # fmt: skip
                    self._halt.wait(wait)
                    continue
                if failures:
                    log.info("store available again after %d failed attempt(s)", failures)
                    failures, self.store_error, self.store_error_kind = 0, None, None
                self.wake.wait(self.settings.poll)
                if self.wake.is_set() and not self._halt.is_set():
                    self.wake.clear()
                    self._halt.wait(self.settings.settle)  # let a burst of edits arrive
        except Exception:  # the thread must say why it died; /healthz then reports it
            self.failed = True
            log.exception("worker stopped by an internal error")
            if self.on_failure is not None:
                self.on_failure()
        finally:
            if store is not None:
                try:
                    store.release_claims(self.owner)  # the other workers need not wait for the lease
                except Exception as exc:  # noqa: BLE001 (stopping anyway; the lease runs out)
                    log.warning("could not release the claims (%s)", type(exc).__name__)
                store.close()
            self.connector.close()

    def _connect(self) -> bool:
        if self._connected:
            return True
        try:
            self.connector.connect()
            self.cloud = self.connector.cloud
            self.me = self.connector.myself()
            if self.me is None:
                log.warning("%s; only a change of storylint's label is told from an author's",
                            self.connector.myself_error)  # fmt: skip
        except ConnectorError as exc:
            log.warning("cannot reach Jira yet: %s", exc.message)
            return False
        self._connected = True
        return True

    def _drain(self, store: Store) -> None:
        """Claim and process due issues until none are left. Each claimed issue is processed
        under the source its events were queued under (a restart with another ``--jql``, or
        servers with different ones on one store, must not strand them). An issue that a
        round left claimed and unclosed is not taken again in this drain, so nothing can
        spin on it; the next poll tries again."""
        handled: set[tuple[str, str, int]] = set()
        while not self._halt.is_set():
            due = [item for item in store.claim_issues(self.owner, self.settings.batch, self.settings.lease)
                   if item not in handled]  # fmt: skip
            if not due:
                return
            handled.update(due)
            if not self._connect():
                self._defer(store, due)
                return
            for source in dict.fromkeys(source for source, _, _ in due):
                if self._halt.is_set():
                    return  # stopping: the claims left are given back by run()
                self._process(store, source, [item for item in due if item[0] == source])

    # -- one round ------------------------------------------------------------------------
    def _process(self, store: Store, source: str, due: list[tuple[str, str, int]]) -> None:
        """Lint the claimed issues of one source and close (or defer) their events under it."""
        from storylint.connectors.jira_writeback import JiraWriteBack
        from storylint.runner import check_stories

        asked: set[str] = set()  # the keys read (or being read) before a stop

        def keys() -> Iterator[str]:
            """The claimed keys, one at a time, until a stop: issue_stories asks for the next
            key only after the previous issue was linted and written back, so a stop finishes
            the current issue and leaves the others queued (their claims are given back)."""
            for _, key, _ in due:
                if self._halt.is_set():
                    return
                asked.add(key)
                yield key

        failures: dict[str, ConnectorError] = {}
        found: dict[str, str] = {}  # key queued -> key Jira answered with (a moved issue's new key)
        versions: dict[str, str] = {}
        seen: set[str] = set()
        writeback = None
        if self.settings.comment or self.settings.label:
            writeback = JiraWriteBack(self.connector, comment=self.settings.comment, label=self.settings.label)

        def fresh(items: Iterable[Story | Problem]) -> Iterator[Story | Problem]:
            for item in items:
                if isinstance(item, Story):
                    key = item.key or item.id
                    seen.add(key)
                    version = normalise_time(item.updated.isoformat()) if item.updated else None
                    if version is not None:
                        versions[key] = version
                        linted = store.linted_version(source, key)
                        if linted is not None and linted >= version:
                            log.info("%s: version already linted", key)
                            continue
                yield item

        def write_back(result: StoryResult) -> None:
            self.linted += 1
            if writeback is not None:
                writeback(result)

        def unwritten() -> set[str]:
            return {story.key or story.id for story in writeback.failed} if writeback is not None else set()

        try:
            report, stats = check_stories(
                fresh(self.connector.issue_stories(keys(), failures=failures, found=found)), self.linter, store=store,
                source=source, command="serve", on_result=write_back,
            )  # fmt: skip
        except Exception:
            log.exception("linting %d queued issue(s) failed; they stay queued", len(due))
            self._defer(store, due)
            return
        for problem in report.errors:
            log.warning("%s", problem)
        # Every issue refused at once (credentials revoked, the account's access changed):
        # the events wait for a fix instead of being given up on the first round.
        systemic = bool(failures) and not seen
        for _, key, last in due:
            if key not in asked:  # not reached before a stop: stays queued, no attempt counted
                continue
            failure = failures.get(key)
            if isinstance(failure, TransientConnectorError) or (failure is not None and systemic):
                self._defer(store, [(source, key, last)])
                continue
            current = found.get(key, key)  # a moved issue is linted and recorded under its new key
            if failure is not None or current not in seen:  # gone, forbidden, unreadable: no retry helps
                store.finish_events(source, key, last, state="failed")
                continue
            if current in unwritten():  # the coaching is not lost: lint and write it again later
                self._defer(store, [(source, key, last)], reason="write-back failed")
                continue
            if current in versions:
                store.set_linted_version(source, current, versions[current])
            if current != key:
                log.info("%s moved to %s: linted as %s", key, current, current)
            store.finish_events(source, key, last)
        log.info("round done: %d issue(s) due, %d linted, %d unreadable", len(asked), stats.read, len(failures))

    def _defer(self, store: Store, due: list[tuple[str, str, int]], *, reason: str | None = None) -> None:
        """Retry the issues' events later, with backoff; give them up after `max_attempts`.

        `reason` (no story text, no secret) names what failed; its give-up is an error line.
        """
        for source, key, last in due:
            attempts = 1 + store.attempts(source, key)
            wait = min(900.0, self.settings.retry_base * 2 ** (attempts - 1))
            when = (datetime.now(UTC) + timedelta(seconds=wait)).isoformat(timespec="seconds")
            if store.defer_events(source, key, last, when, max_attempts=self.settings.max_attempts):
                if reason is not None:
                    log.info("%s: %s; retrying in %.0f s (attempt %d of %d)", key, reason, wait, attempts,
                             self.settings.max_attempts)  # fmt: skip
            elif reason is None:
                log.warning("%s: gave up after %d attempts", key, self.settings.max_attempts)
            else:
                fields = {"issue": key, "attempts": attempts, "reason": reason, "state": "failed"}
                log.error("%s: %s %d times; its events are marked failed", key, reason, attempts,
                          extra={"fields": fields})  # fmt: skip


def error_kind(exc: Exception) -> str:
    """The type of what failed, for `/healthz`, which anyone who reaches the server may read:
    a `StoreError`'s message names the store's user and host and quotes the driver, so the
    driver's error type stands for it, as it did before the store named its errors."""
    cause = exc.__cause__ if isinstance(exc, StoreError) and isinstance(exc.__cause__, Exception) else exc
    return type(cause).__name__


def _reason(exc: Exception) -> str:
    """What failed, safe to log: storylint's own (redacted) message, else the type's name (a
    driver's message may quote a connection string)."""
    return exc.message if isinstance(exc, StorylintError) else type(exc).__name__


