"""The store's backend-independent logic over a DB-API connection."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storylint.errors import ConfigError, StoreError, StorylintError
from storylint.lazyre import lazy
from storylint.model import HOW_CATEGORIES, SEVERITY_RANK, STRUCTURE_CATEGORIES, Report, StoryResult

from .schema import MIGRATIONS, SCHEMA_VERSION
from .urls import driver_reason, redact_url

log = logging.getLogger("storylint.store")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: Finding groups a report rates stories by: HOW (any of the six kinds) and each hygiene gap.
GROUPS: dict[str, tuple[str, ...]] = {
    "how": HOW_CATEGORIES,
    **{cat: (cat,) for cat in STRUCTURE_CATEGORIES},
}
#: Between project and author in a 'project_author' scope's name.
SCOPE_SEP = "\x1f"
_GROUP_OF = {cat: group for group, cats in GROUPS.items() for cat in cats}


def story_frontiers(findings: Iterable[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Per story and group: for severity rank 1..3, the highest confidence of a finding at
    that rank or above (-1: none), confidences rounded as outputs print them (2 decimals).

    A story counts at a threshold (min severity S, min confidence C) when `frontier[S-1] >= C`;
    this is all a report needs to recount any threshold.
    """
    out: dict[str, dict[str, list[float]]] = {}
    for f in findings:
        group = _GROUP_OF.get(str(f.get("category")))
        if group is None:
            continue
        rank = SEVERITY_RANK.get(str(f.get("severity")), 0)
        conf = round(float(f.get("confidence") or 0), 2)
        front = out.setdefault(str(f.get("story")), {}).setdefault(group, [-1.0, -1.0, -1.0])
        for s in range(rank):
            front[s] = max(front[s], conf)
    return out


def rollup(
    stories: Iterable[dict[str, Any]], frontiers: dict[str, dict[str, list[float]]]
) -> dict[str, Any]:
    """One scope's totals: stories, checked, and per group and severity rank a sparse
    histogram {confidence: stories whose frontier is that confidence}."""
    totals: dict[str, Any] = {"stories": 0, "checked": 0, "groups": {}}
    for st in stories:
        totals["stories"] += 1
        if st.get("status") == "skipped":
            continue
        totals["checked"] += 1
        for group, front in frontiers.get(str(st.get("story")), {}).items():
            hist = totals["groups"].setdefault(group, {"1": {}, "2": {}, "3": {}})
            for s, conf in enumerate(front, 1):
                if conf >= 0:
                    key = f"{conf:.2f}"
                    hist[str(s)][key] = hist[str(s)].get(key, 0) + 1
    return totals


@dataclass(slots=True)
class RunInfo:
    id: int
    source: str
    command: str
    started_at: str
    finished_at: str | None
    status: str
    stories_read: int
    stories_checked: int
    stories_skipped: int
    stories_with_findings: int
    findings: int
    errors: int
    by_category: dict[str, int]
    totals: dict[str, Any]


class Store:
    """History of runs, stories and their latest findings. Subclasses supply a connection."""

    placeholder = "?"
    id_type = "INTEGER PRIMARY KEY AUTOINCREMENT"
    json_type = "TEXT"
    url: str

    def __init__(self, conn: Any, url: str, *, create: bool = True) -> None:
        self.conn = conn
        self.url = url
        self.create = create
        self._depth = 0  # open `transaction()` blocks
        self._open = False  # until then, a driver's error is the opener's to word
        try:
            self._migrate()
        except BaseException:
            conn.close()
            raise
        self._open = True

    # -- plumbing -----------------------------------------------------------------
    def _driver_errors(self) -> tuple[type[Exception], ...]:
        """What the driver raises when the database fails (sqlite3.Error, psycopg.Error)."""
        return ()

    @contextmanager
    def _named(self) -> Iterator[None]:
        """A driver's error once the store is open (a full disk, a dropped connection) as one
        line naming the store and the cause, not "internal error: OperationalError"."""
        try:
            yield
        except self._driver_errors() as exc:
            if not self._open:
                raise
            raise StoreError(f"the store failed: {driver_reason(exc, self.url)}", store=self.safe_url) from exc

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self._named():
            cur = self.conn.cursor()
            cur.execute(self._sql(sql), params)
        return cur

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        except BaseException:
            # a store that failed (a full disk, a dropped connection) may fail this too: the
            # error to report is the first
            with suppress(*self._driver_errors()):
                self.conn.rollback()
            raise
        else:
            with self._named():
                self.conn.commit()
        finally:
            self._depth -= 1

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of a query. Outside :meth:`transaction` the read's own transaction ends
        at once: PostgreSQL opens one on the first SELECT, and a connection that only reads
        (``serve``'s ``/healthz``) would sit idle in it, holding locks that block a schema
        migration. Inside, the read stays part of the enclosing transaction."""
        with self._named():
            rows: list[Any] = self._execute(sql, params).fetchall()
            if not self._depth:
                self.conn.commit()
        return rows

    def close(self) -> None:
        self.conn.close()

    @property
    def broken(self) -> bool:
        """The connection is gone (a PostgreSQL restart or failover): open a new store."""
        return False

    def usable(self) -> bool:
        """After a failed call: end the failed transaction (PostgreSQL refuses every later
        statement until then). False when the connection is gone and must be reopened, which
        is how a long-running ``serve`` outlives a database restart."""
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 (sqlite3 or psycopg: the connection is closed or broken)
            return False
        return not self.broken

    def _has_table(self, name: str) -> bool:
        row = self._execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def _migrate(self) -> None:
        with self.transaction():
            if self._has_table("storylint_schema"):
                current = self.schema_version()
            elif not self.create:
                # a reader (`storylint report`) must not turn a mistyped database into a store
                raise ConfigError("not a storylint store (no run recorded)", file=f"--store {self.safe_url}")
            else:
                current = 0
            if current > SCHEMA_VERSION:
                raise ConfigError(
                    f"store schema version {current} is newer than this storylint ({SCHEMA_VERSION}); upgrade storylint",
                    file=self.safe_url,
                )
            if current == SCHEMA_VERSION:
                return  # nothing written: a reader may hold a read-only role or file
            try:
                self._upgrade(current)
            except Exception as exc:  # any driver's refusal (a read-only role, a read-only file) or error
                if self.create:
                    raise
                raise ConfigError(
                    f"store schema version {current} is older than this storylint's ({SCHEMA_VERSION}) and cannot "
                    f"be upgraded by this user ({type(exc).__name__}); run any storylint command on it once with "
                    "write access",
                    file=self.safe_url,
                ) from None

    def _upgrade(self, current: int) -> None:
        self._execute("CREATE TABLE IF NOT EXISTS storylint_schema (version INTEGER NOT NULL)")
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                self._execute(statement.format(id=self.id_type, json=self.json_type))
            log.info("store migrated to schema version %d", version + 1)
        # the row may exist at version 0 (a schema table made before any migration ran): a
        # second row would leave the store reading as version 0, migrated again on every open
        if self._execute("UPDATE storylint_schema SET version = ?", (SCHEMA_VERSION,)).rowcount < 1:
            self._execute("INSERT INTO storylint_schema (version) VALUES (?)", (SCHEMA_VERSION,))

    @property
    def safe_url(self) -> str:
        """The URL without a password, for messages."""
        return redact_url(self.url)

    def schema_version(self) -> int:
        """The version recorded (0: none yet)."""
        row = self._execute("SELECT version FROM storylint_schema").fetchone()
        return int(row[0]) if row else 0

    # -- sync points --------------------------------------------------------------
    def sync_point(self, source: str) -> str | None:
        rows = self._read("SELECT sync_point FROM sources WHERE source = ?", (source,))
        return rows[0][0] if rows else None

    def set_sync_point(self, source: str, value: str | None) -> None:
        with self.transaction():
            self._execute("DELETE FROM sources WHERE source = ?", (source,))
            self._execute(
                "INSERT INTO sources (source, sync_point, updated_at) VALUES (?, ?, ?)", (source, value, now_iso())
            )

    # -- stories ------------------------------------------------------------------
    def content_hashes(self, source: str) -> dict[str, str]:
        rows = self._read(
            "SELECT story, content_hash FROM stories WHERE source = ? AND removed_run_id IS NULL", (source,)
        )
        return {story: digest for story, digest in rows}

    def content_hash(self, source: str, story: str) -> str | None:
        row = self._execute(
            "SELECT content_hash FROM stories WHERE source = ? AND story = ? AND removed_run_id IS NULL",
            (source, story),
        ).fetchone()
        return row[0] if row else None

    def forget_content_hash(self, source: str, story: str) -> None:
        """Make the next incremental run lint `story` again although its text did not change
        (its write-back to the tracker failed: the retry must write it). Findings stay."""
        with self.transaction():
            self._execute("UPDATE stories SET content_hash = '' WHERE source = ? AND story = ?", (source, story))

    def save_result(self, run_id: int, source: str, result: StoryResult, content_hash: str) -> None:
        """Replace one story's state and findings, atomically.

        A story that had findings and is clean now is *fixed* in this run (`fixed_run_id`,
        with the number of findings it had); it stays fixed while it stays clean.
        """
        story = result.story
        ref = story.ref
        author = None
        if story.author is not None:
            author = story.author.name or story.author.login or story.author.email or story.author.id
        status = "skipped" if result.skipped else ("findings" if result.findings else "clean")
        with self.transaction():
            self._execute("DELETE FROM findings WHERE source = ? AND story = ?", (source, ref))
            # an upsert, so that the fixed columns can be derived from the previous row
            # without reading it first (one round trip per story on PostgreSQL)
            self._execute(
                "INSERT INTO stories (source, story, content_hash, title, url, author, project, type, status,"
                " skip_reason, findings, updated, run_id, checked_at, fixed_run_id, fixed_findings, removed_run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL)"
                " ON CONFLICT (source, story) DO UPDATE SET content_hash = excluded.content_hash,"
                " title = excluded.title, url = excluded.url, author = excluded.author,"
                " project = excluded.project, type = excluded.type, status = excluded.status,"
                " skip_reason = excluded.skip_reason, findings = excluded.findings, updated = excluded.updated,"
                " run_id = CASE WHEN excluded.run_id > stories.run_id THEN excluded.run_id ELSE stories.run_id END,"
                " checked_at = excluded.checked_at,"
                " fixed_run_id = CASE WHEN excluded.status <> 'clean' THEN NULL"
                " WHEN stories.findings > 0 AND stories.removed_run_id IS NULL THEN excluded.run_id"
                " ELSE stories.fixed_run_id END,"
                " fixed_findings = CASE WHEN excluded.status <> 'clean' THEN 0"
                " WHEN stories.findings > 0 AND stories.removed_run_id IS NULL THEN stories.findings"
                " ELSE stories.fixed_findings END,"
                " removed_run_id = NULL",
                (
                    source, ref, content_hash, story.title, story.url, author, story.project, story.type, status,
                    result.skipped.reason if result.skipped else None, len(result.findings),
                    story.updated.isoformat() if story.updated else None, run_id, now_iso(),
                ),
            )  # fmt: skip
            for f in result.findings:
                self._execute(
                    "INSERT INTO findings (source, story, run_id, rule, name, category, severity, confidence, message,"
                    " excerpt, suggestion, field, line, col, url, author, project)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        source, ref, run_id, f.rule, f.name, f.category, f.severity, f.confidence, f.message,
                        f.excerpt, f.suggestion, f.field, f.line, f.column, f.url, f.author, f.project,
                    ),
                )  # fmt: skip

    # -- domain vocabulary (storylint.domain) --------------------------------------
    def save_domain_evidence(self, project: str, story: str, terms: Iterable[str]) -> None:
        """Replace one story's domain evidence, atomically."""
        rows = [(project, term, story) for term in sorted(set(terms))]
        with self.transaction():
            self._execute("DELETE FROM domain_terms WHERE project = ? AND story = ?", (project, story))
            if rows:
                cur = self.conn.cursor()
                cur.executemany(self._sql("INSERT INTO domain_terms (project, term, story) VALUES (?, ?, ?)"), rows)

    # Stories a complete run found gone from the input stop counting (`finish_run`): their
    # domain evidence too, or the vocabulary would keep what the tracker no longer says.
    _LIVE_STORIES = "(SELECT DISTINCT project, story FROM stories WHERE removed_run_id IS NULL)"

    def domain_term_counts(self, min_stories: int = 1) -> list[tuple[str, str, int]]:
        """(project, term, stories with evidence) for terms seen in at least `min_stories`
        stories that are still in their input."""
        rows = self._execute(
            f"SELECT d.project, d.term, COUNT(*) FROM domain_terms d JOIN {self._LIVE_STORIES} s"
            " ON s.project = d.project AND s.story = d.story GROUP BY d.project, d.term HAVING COUNT(*) >= ?",
            (min_stories,),
        ).fetchall()
        return [(p, t, int(n)) for p, t, n in rows]

    def project_story_counts(self) -> dict[str, int]:
        """Linted (not skipped) stories per project still in their input, the denominator of a
        term's share."""
        rows = self._execute(
            "SELECT project, COUNT(DISTINCT story) FROM stories"
            " WHERE project IS NOT NULL AND status <> 'skipped' AND removed_run_id IS NULL GROUP BY project"
        ).fetchall()
        return {p: int(n) for p, n in rows}

    def live_stories(self, project: str) -> set[str]:
        """The project's stories still in their input (what `domain_examples` may name)."""
        rows = self._execute(
            "SELECT DISTINCT story FROM stories WHERE project = ? AND removed_run_id IS NULL", (project,)
        ).fetchall()
        return {r[0] for r in rows}

    def domain_examples(self, project: str, term: str, limit: int = 3, *, live: set[str] | None = None) -> list[str]:
        """Up to `limit` stories still in their input with evidence of `term`. Pass `live`
        (`live_stories(project)`) when asking for many terms: one scan of the stories, not
        one a term."""
        live = self.live_stories(project) if live is None else live
        rows = self._execute(
            "SELECT story FROM domain_terms WHERE project = ? AND term = ? ORDER BY story", (project, term)
        ).fetchall()
        return [r[0] for r in rows if r[0] in live][:limit]

    # -- webhook queue (storylint serve) -----------------------------------------
    def enqueue_event(
        self, source: str, issue: str, event: str, *, delivery: str | None, issue_updated: str | None
    ) -> bool:
        """Queue one accepted webhook delivery, durably (committed before this returns).

        False, and nothing queued, for a duplicate: a delivery id seen before (Jira
        redelivers with the same X-Atlassian-Webhook-Identifier), or an event about a version
        of the issue (its `updated`, UTC ISO) that was already linted.
        """
        with self.transaction():
            if issue_updated is not None:
                linted = self.linted_version(source, issue)
                if linted is not None and linted >= issue_updated:
                    return False
            cur = self._execute(
                "INSERT INTO webhook_queue (source, issue, event, delivery, issue_updated, received_at, state)"
                " VALUES (?, ?, ?, ?, ?, ?, 'queued') ON CONFLICT (delivery) DO NOTHING",
                (source, issue, event, delivery, issue_updated, now_iso()),
            )
            return bool(cur.rowcount)

    def queue_depth(self) -> int:
        """Events waiting to be linted (including those waiting for a retry)."""
        return int(self._read("SELECT COUNT(*) FROM webhook_queue WHERE state = 'queued'")[0][0])

    def queued_issues(self, limit: int, now: str | None = None) -> list[tuple[str, str, int]]:
        """(source, issue, last event id) of issues with events due, oldest first.

        Several events about one issue are one entry: one fresh read lints them all.
        """
        rows = self._read(
            "SELECT source, issue, MAX(id) FROM webhook_queue WHERE state = 'queued'"
            " AND (not_before IS NULL OR not_before <= ?) GROUP BY source, issue ORDER BY MIN(id) LIMIT ?",
            (now or now_iso(), limit),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def _lock_queue(self) -> None:
        """Serialise claims within the current transaction. SQLite needs nothing: a write
        statement takes the database's one write lock before it reads."""

    def claim_issues(self, owner: str, limit: int, lease: float, now: datetime | None = None) -> list[tuple[str, str, int]]:
        """Claim up to `limit` issues with events due for worker `owner`, for `lease` seconds:
        (source, issue, last event id), oldest first, as :meth:`queued_issues`.

        One worker at a time holds an issue: all its due events are claimed at once, and an
        issue any of whose queued events another worker holds under a lease that has not run
        out is left alone. A claim is one UPDATE in one transaction (serialised per store), so
        of two workers claiming at once each issue goes to exactly one. :meth:`finish_events`
        and :meth:`defer_events` end the claim; :meth:`renew_claims` extends it while the
        worker is busy; a worker that died holds its events only until its lease is over.
        """
        moment = now or datetime.now(UTC)
        at = moment.isoformat(timespec="seconds")
        until = (moment + timedelta(seconds=lease)).isoformat(timespec="seconds")
        with self.transaction():
            self._lock_queue()
            self._execute(
                "UPDATE webhook_queue SET claimed_by = ?, lease_until = ? WHERE state = 'queued'"
                " AND (not_before IS NULL OR not_before <= ?) AND (claimed_by IS NULL OR claimed_by = ? OR lease_until <= ?)"
                " AND (source, issue) IN (SELECT q.source, q.issue FROM webhook_queue q"
                " WHERE q.state = 'queued' AND (q.not_before IS NULL OR q.not_before <= ?)"
                " AND NOT EXISTS (SELECT 1 FROM webhook_queue o WHERE o.source = q.source AND o.issue = q.issue"
                " AND o.state = 'queued' AND o.claimed_by IS NOT NULL AND o.claimed_by <> ? AND o.lease_until > ?)"
                " GROUP BY q.source, q.issue ORDER BY MIN(q.id) LIMIT ?)",
                (owner, until, at, owner, at, at, owner, at, limit),
            )  # fmt: skip
            rows = self._execute(
                "SELECT source, issue, MAX(id) FROM webhook_queue WHERE state = 'queued' AND claimed_by = ?"
                " GROUP BY source, issue ORDER BY MIN(id)",
                (owner,),
            ).fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def renew_claims(self, owner: str, lease: float) -> int:
        """Extend the lease on every queued event `owner` holds (a worker still busy with them)."""
        until = (datetime.now(UTC) + timedelta(seconds=lease)).isoformat(timespec="seconds")
        with self.transaction():
            cur = self._execute(
                "UPDATE webhook_queue SET lease_until = ? WHERE state = 'queued' AND claimed_by = ?", (until, owner)
            )
            return int(cur.rowcount or 0)

    def release_claims(self, owner: str) -> None:
        """Give up `owner`'s claims at once (a worker stopping): others need not wait for the lease."""
        with self.transaction():
            self._execute(
                "UPDATE webhook_queue SET claimed_by = NULL, lease_until = NULL WHERE state = 'queued'"
                " AND claimed_by = ?",
                (owner,),
            )

    def finish_events(self, source: str, issue: str, up_to: int, *, state: str = "done") -> None:
        """Close an issue's queued events up to id `up_to` (later ones stay queued)."""
        with self.transaction():
            self._execute(
                "UPDATE webhook_queue SET state = ?, done_at = ? WHERE source = ? AND issue = ?"
                " AND state = 'queued' AND id <= ?",
                (state, now_iso(), source, issue, up_to),
            )

    def defer_events(self, source: str, issue: str, up_to: int, not_before: str, *, max_attempts: int) -> bool:
        """Count a failed attempt at an issue's events; retry them at `not_before`, or give
        them up ('failed') after `max_attempts`. True when they stay queued."""
        with self.transaction():
            self._execute(
                "UPDATE webhook_queue SET attempts = attempts + 1, not_before = ?, claimed_by = NULL,"
                " lease_until = NULL WHERE source = ? AND issue = ? AND state = 'queued' AND id <= ?",
                (not_before, source, issue, up_to),
            )
            cur = self._execute(
                "UPDATE webhook_queue SET state = 'failed', done_at = ? WHERE source = ? AND issue = ?"
                " AND state = 'queued' AND id <= ? AND attempts >= ?",
                (now_iso(), source, issue, up_to, max_attempts),
            )
            return not cur.rowcount

    def attempts(self, source: str, issue: str) -> int:
        """Failed attempts so far at an issue's queued events."""
        rows = self._read(
            "SELECT MAX(attempts) FROM webhook_queue WHERE source = ? AND issue = ? AND state = 'queued'",
            (source, issue),
        )
        return int(rows[0][0] or 0) if rows else 0

    def events(self, state: str | None = None) -> list[dict[str, Any]]:
        """The queue's rows in arrival order (for tests and `serve`'s health answer)."""
        where, params = self._where(state=state)
        cur = self._execute(f"SELECT * FROM webhook_queue {where} ORDER BY id", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def prune_events(self, before: str) -> int:
        """Forget closed events received before `before` (their delivery ids stop deduplicating)."""
        with self.transaction():
            cur = self._execute(
                "DELETE FROM webhook_queue WHERE state <> 'queued' AND received_at < ?", (before,)
            )
            return int(cur.rowcount or 0)

    def linted_version(self, source: str, issue: str) -> str | None:
        rows = self._read("SELECT updated FROM webhook_linted WHERE source = ? AND issue = ?", (source, issue))
        return rows[0][0] if rows else None

    def set_linted_version(self, source: str, issue: str, updated: str) -> None:
        """Remember the `updated` value of the issue version just linted (never moves back)."""
        with self.transaction():
            self._execute(
                "INSERT INTO webhook_linted (source, issue, updated, linted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (source, issue) DO UPDATE SET linted_at = excluded.linted_at,"
                " updated = CASE WHEN excluded.updated > webhook_linted.updated THEN excluded.updated"
                " ELSE webhook_linted.updated END",
                (source, issue, updated, now_iso()),
            )

    # -- runs ---------------------------------------------------------------------
    def begin_run(self, source: str, command: str) -> int:
        with self.transaction():
            cur = self._execute(
                "INSERT INTO runs (source, command, started_at, status) VALUES (?, ?, ?, 'running')"
                + self._returning_id(),
                (source, command, now_iso()),
            )
            return self._inserted_id(cur)

    def _returning_id(self) -> str:
        return ""

    def _inserted_id(self, cur: Any) -> int:
        return int(cur.lastrowid)

    def mark_seen(self, run_id: int, source: str, story: str) -> None:
        """An unchanged story that a complete run read but did not lint again is still there."""
        with self.transaction():
            self._execute(
                "UPDATE stories SET run_id = ? WHERE source = ? AND story = ? AND removed_run_id IS NULL AND run_id < ?",
                (run_id, source, story, run_id),
            )

    def finish_run(
        self,
        run_id: int,
        source: str,
        report: Report,
        *,
        stories_read: int,
        status: str = "ok",
        complete: bool = False,
    ) -> None:
        """Record the run's counts and its source's totals after it.

        A `complete` run read its whole source (`storylint check` over its inputs): when it
        ends well and without input errors, the source's stories it did not see were removed
        from the input, and stop counting (`removed_run_id`; their findings go). An
        incremental run (Jira, GitHub since the last sync) reads only what changed, so it
        removes nothing.

        A story's `run_id` only ever grows (`save_result`, `mark_seen`), and only stories last
        seen by an *earlier* run are removed: two runs over one source at once (a nightly job
        that overran into the next) must not take each other's stories for removed ones.
        """
        s = report.summary
        with self.transaction():
            if complete and status == "ok" and not report.errors:
                self._execute(
                    "UPDATE stories SET removed_run_id = ? WHERE source = ? AND run_id < ?"
                    " AND removed_run_id IS NULL",
                    (run_id, source, run_id),
                )
                self._execute(
                    "DELETE FROM findings WHERE source = ? AND story IN"
                    " (SELECT story FROM stories WHERE source = ? AND removed_run_id = ?)",
                    (source, source, run_id),
                )
            totals = self.totals(source)
            self._execute(
                "UPDATE runs SET finished_at = ?, status = ?, stories_read = ?, stories_checked = ?,"
                " stories_skipped = ?, stories_with_findings = ?, findings = ?, errors = ?, by_category = ?,"
                " totals = ? WHERE id = ?",
                (
                    now_iso(), status, stories_read, s.stories_checked, s.stories_skipped, s.stories_with_findings,
                    s.findings, len(report.errors), json.dumps(s.by_category, sort_keys=True),
                    json.dumps(totals, sort_keys=True), run_id,
                ),
            )  # fmt: skip
            self._record_run_totals(run_id, source)

    def _record_run_totals(self, run_id: int, source: str) -> None:
        """Totals of the source after this run per scope: all, each project, each author,
        each author within a project.

        The 'all' row also lists the stories prescribing HOW with their frontiers, so a
        report can tell which stories began (or stopped) prescribing between two runs.
        """
        live = [
            {"story": r[0], "status": r[1], "author": r[2], "project": r[3]}
            for r in self._execute(
                "SELECT story, status, author, project FROM stories WHERE source = ? AND removed_run_id IS NULL",
                (source,),
            ).fetchall()
        ]
        frontiers = story_frontiers(
            {"story": r[0], "category": r[1], "severity": r[2], "confidence": r[3]}
            for r in self._execute(
                "SELECT story, category, severity, confidence FROM findings WHERE source = ?", (source,)
            ).fetchall()
        )
        scopes: dict[tuple[str, str], list[dict[str, Any]]] = {("all", ""): live}
        for st in live:
            scopes.setdefault(("project", st["project"] or "(none)"), []).append(st)
            scopes.setdefault(("author", st["author"] or "(none)"), []).append(st)
            # an author within a project, so that `report --project` trends authors exactly too
            pair = f"{st['project'] or '(none)'}{SCOPE_SEP}{st['author'] or '(none)'}"
            scopes.setdefault(("project_author", pair), []).append(st)
        rows = []
        for (scope, name), members in scopes.items():
            totals = rollup(members, frontiers)
            if scope == "all":
                totals["how_stories"] = sorted(
                    [st["story"], *frontiers[st["story"]]["how"]]
                    for st in live
                    if st["status"] != "skipped" and "how" in frontiers.get(st["story"], {})
                )
            rows.append((run_id, source, scope, name, json.dumps(totals, sort_keys=True)))
        self._execute("DELETE FROM run_totals WHERE run_id = ?", (run_id,))
        cur = self.conn.cursor()
        cur.executemany(
            self._sql("INSERT INTO run_totals (run_id, source, scope, name, totals) VALUES (?, ?, ?, ?, ?)"), rows
        )

    def run_totals(self, scope: str | None = None, name: str | None = None) -> list[tuple[int, str, str, str, dict[str, Any]]]:
        """(run id, source, scope, name, totals) rows in run order; see `_record_run_totals`."""
        where, params = self._where(scope=scope, name=name)
        rows = self._execute(
            f"SELECT run_id, source, scope, name, totals FROM run_totals {where} ORDER BY run_id", params
        ).fetchall()
        return [(int(r[0]), r[1], r[2], r[3], _json(r[4])) for r in rows]

    def totals(self, source: str | None = None) -> dict[str, Any]:
        """The current state: stories known, clean, with findings, findings by category."""
        where, params = ("WHERE source = ?", (source,)) if source else ("", ())
        live = f"{where} {'AND' if where else 'WHERE'} removed_run_id IS NULL"
        counts = {status: n for status, n in self._execute(
            f"SELECT status, COUNT(*) FROM stories {live} GROUP BY status", params).fetchall()}  # fmt: skip
        by_category = {cat: n for cat, n in self._execute(
            f"SELECT category, COUNT(*) FROM findings {where} GROUP BY category", params).fetchall()}  # fmt: skip
        return {
            "stories": sum(counts.values()),
            "clean": counts.get("clean", 0),
            "with_findings": counts.get("findings", 0),
            "skipped": counts.get("skipped", 0),
            "findings": sum(by_category.values()),
            "by_category": by_category,
        }

    @staticmethod
    def _where(**conditions: str | None) -> tuple[str, tuple[Any, ...]]:
        """A WHERE clause for the given `column` / `column__gte` filters that are set."""
        clauses, params = [], []
        for key, value in conditions.items():
            if value:
                column, _, op = key.partition("__")
                clauses.append(f"{column} {'>=' if op == 'gte' else '='} ?")
                params.append(value)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params)

    def runs(self, source: str | None = None, since: str | None = None) -> list[RunInfo]:
        where, params = self._where(source=source, started_at__gte=since)
        rows = self._execute(
            "SELECT id, source, command, started_at, finished_at, status, stories_read, stories_checked,"
            " stories_skipped, stories_with_findings, findings, errors, by_category, totals"
            f" FROM runs {where} ORDER BY id",
            params,
        ).fetchall()
        return [
            RunInfo(*row[:12], by_category=_json(row[12]), totals=_json(row[13]))  # type: ignore[misc]
            for row in rows
        ]

    def current_findings(self, source: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        where, params = self._where(source=source, project=project)
        cur = self._execute(
            "SELECT source, story, run_id, rule, name, category, severity, confidence, message, excerpt,"
            f" suggestion, field, line, col, url, author, project FROM findings {where} ORDER BY source, story, id",
            params,
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def stories(self, source: str | None = None, *, removed: bool = False) -> list[dict[str, Any]]:
        """The stories as they are now (with `removed`, also those gone from the input)."""
        clauses = ([] if removed else ["removed_run_id IS NULL"]) + (["source = ?"] if source else [])
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        params = (source,) if source else ()
        cur = self._execute(f"SELECT * FROM stories {where} ORDER BY source, story", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _json(value: Any) -> Any:
    if value is None:
        return {}
    return value if isinstance(value, dict) else json.loads(value)


#: URL schemes `open_store` knows; any other `scheme://` is refused, not taken for a file name.
SCHEMES = ("sqlite", "postgresql", "postgres")
_SCHEME = lazy(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def url_scheme(url: str) -> str | None:
    """The URL's scheme in lower case ("PostgreSQL://..." is postgresql), None for a path."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def drop_if_broken(store: Store | None) -> Store | None:
    """`store`, after a failed call, or None (closed) when its connection is gone and must be
    reopened (the long-running ``serve``'s worker and web side both outlive a restart so)."""
    if store is None or store.usable():
        return store
    try:
        store.close()
    except Exception as exc:  # noqa: BLE001 (already broken: nothing more to lose)
        log.debug("closing a broken store connection failed (%s)", type(exc).__name__)
    return None


def open_store(url: str, *, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at `url`.

    With ``create=False`` (for readers) a store that does not exist yet is an error:
    neither a SQLite file nor storylint's tables are created.
    """
    scheme = url_scheme(url)
    if scheme is not None and scheme not in SCHEMES:
        raise StorylintError(
            f"unsupported store '{redact_url(url)}' (use a SQLite path or postgresql://)"
        )
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresStore

        return PostgresStore.connect(url, create=create)
    from .sqlite import SQLiteStore

    return SQLiteStore.connect(url, create=create)
