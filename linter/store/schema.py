"""Versioned schema migrations, shared by every backend.

Append a migration; never edit one that has shipped. `{id}` is the backend's
auto-increment primary key type, `{json}` its JSON/text type.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: initial schema
    [
        """CREATE TABLE sources (
            source TEXT PRIMARY KEY,
            sync_point TEXT,
            updated_at TEXT
        )""",
        """CREATE TABLE runs (
            id {id},
            source TEXT NOT NULL,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            stories_read INTEGER NOT NULL DEFAULT 0,
            stories_checked INTEGER NOT NULL DEFAULT 0,
            stories_skipped INTEGER NOT NULL DEFAULT 0,
            stories_with_findings INTEGER NOT NULL DEFAULT 0,
            findings INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            by_category {json},
            totals {json}
        )""",
        """CREATE TABLE stories (
            source TEXT NOT NULL,
            story TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT,
            url TEXT,
            author TEXT,
            project TEXT,
            type TEXT,
            status TEXT NOT NULL,
            skip_reason TEXT,
            findings INTEGER NOT NULL DEFAULT 0,
            updated TEXT,
            run_id INTEGER NOT NULL,
            checked_at TEXT NOT NULL,
            PRIMARY KEY (source, story)
        )""",
        """CREATE TABLE findings (
            id {id},
            source TEXT NOT NULL,
            story TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            rule TEXT NOT NULL,
            name TEXT NOT NULL,
            category TEXT NOT NULL,
            severity TEXT NOT NULL,
            confidence REAL NOT NULL,
            message TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            suggestion TEXT NOT NULL,
            field TEXT NOT NULL,
            line INTEGER NOT NULL,
            col INTEGER NOT NULL,
            url TEXT,
            author TEXT,
            project TEXT
        )""",
        "CREATE INDEX findings_story ON findings (source, story)",
        "CREATE INDEX runs_source ON runs (source, id)",
    ],
    # 2: a story fixed (findings, then clean) or removed (absent from a complete run of its
    # source) says so, so that reports count the input as it is now and show what was fixed
    [
        "ALTER TABLE stories ADD COLUMN fixed_run_id INTEGER",
        "ALTER TABLE stories ADD COLUMN fixed_findings INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN removed_run_id INTEGER",
    ],
    # 3: domain vocabulary evidence (storylint.domain): which candidate terms a story
    # uses where users speak; one row per project, term and story
    [
        """CREATE TABLE domain_terms (
            project TEXT NOT NULL,
            term TEXT NOT NULL,
            story TEXT NOT NULL,
            PRIMARY KEY (project, term, story)
        )""",
        "CREATE INDEX domain_terms_story ON domain_terms (project, story)",
    ],
    # 4: per-run totals of one source per scope ('all', 'project' or 'author' and its
    # name), with how many stories prescribe HOW or lack an outcome / acceptance criteria
    # at each severity and confidence, so that reports trend a project or an author exactly
    [
        """CREATE TABLE run_totals (
            run_id INTEGER NOT NULL,
            source TEXT NOT NULL,
            scope TEXT NOT NULL,
            name TEXT NOT NULL,
            totals {json},
            PRIMARY KEY (run_id, scope, name)
        )""",
    ],
    # 5: the webhook queue of `storylint serve`: each accepted delivery is a row before its
    # 202 answer (durable across a crash); `delivery` (X-Atlassian-Webhook-Identifier)
    # is unique so a redelivery is not queued twice; webhook_linted remembers, per source
    # and issue, the `updated` value of the version last linted, so that a late or
    # repeated event for a version already linted costs nothing
    [
        """CREATE TABLE webhook_queue (
            id {id},
            source TEXT NOT NULL,
            issue TEXT NOT NULL,
            event TEXT NOT NULL,
            delivery TEXT,
            issue_updated TEXT,
            received_at TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            done_at TEXT
        )""",
        "CREATE UNIQUE INDEX webhook_queue_delivery ON webhook_queue (delivery)",
        "CREATE INDEX webhook_queue_state ON webhook_queue (state, id)",
        """CREATE TABLE webhook_linted (
            source TEXT NOT NULL,
            issue TEXT NOT NULL,
            updated TEXT NOT NULL,
            linted_at TEXT NOT NULL,
            PRIMARY KEY (source, issue)
        )""",
    ],
    # 6: queue rows are claimed by one worker at a time (`storylint serve` processes sharing
    # a store): `claimed_by` names the worker, `lease_until` (UTC ISO) ends its claim, so
    # that the rows of a worker that died are taken again once the lease is over
    [
        "ALTER TABLE webhook_queue ADD COLUMN claimed_by TEXT",
        "ALTER TABLE webhook_queue ADD COLUMN lease_until TEXT",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
