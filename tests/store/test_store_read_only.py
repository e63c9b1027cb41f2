"""A store its reader may not write (a nightly's SQLite file shared read-only with PM
leads): `report` and `vocabulary` read it, write nothing beside it, and an old store that
would need an upgrade is named, not half-read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from storylint.store.schema import MIGRATIONS
from tests.store.test_store_migration import write_v1


def _as_reader() -> list[str]:
    """The prefix that runs a command as a user who cannot write the store's folder: root
    writes anywhere, so as root the reader is `nobody`."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs setpriv to run a command as another user than root")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def _read(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache"), "HOME": str(folder)}
    cmd = [*_as_reader(), sys.executable, "-m", "storylint", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, env=env, cwd=folder)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user can read and enter (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="storylint-shared-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _lock(folder: Path, db: Path) -> None:
    """Make folder and store read-only for the reader."""
    db.chmod(0o444)
    folder.chmod(0o555)
    probe = _read(folder, "--version")
    if probe.returncode != 0:
        pytest.skip(f"the reader cannot run this interpreter: {probe.stderr.strip()[:200]}")


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_store_in_a_folder_the_reader_cannot_write_is_read(shared: Path) -> None:
    stories = shared / "stories.jsonl"
    rows = [
        {"id": f"ACME-{n}", "project": "ACME", "title": f"Invoices, part {n}",
         "body": "As a clerk I want invoices exported so that I can file them.\n\n"
                 "Add an `exported_at` column to the `invoices` table."}
        for n in range(1, 7)
    ]  # fmt: skip
    stories.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = shared / "history.db"
    run = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories), "--store", str(db),
                          "--fail-on", "never"], capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    _lock(shared, db)
    before = _fingerprint(shared)

    report = _read(shared, "report", "--store", str(db), "--format", "csv", "-o", "-")
    assert report.returncode == 0, report.stderr
    assert report.stderr == ""  # the cache folder it cannot create is no error either
    lines = report.stdout.splitlines()
    assert lines[0].startswith("source,story,rule,")
    assert sum(",DM01," in line for line in lines) == 6  # every story's schema finding, read back

    vocab = _read(shared, "vocabulary", "--store", str(db), "--format", "json")
    assert vocab.returncode == 0, vocab.stderr
    assert json.loads(vocab.stdout)["projects"]["ACME"]["stories"] == 6

    assert _fingerprint(shared) == before  # no -wal, no -shm, the store untouched


def test_an_old_store_that_cannot_be_upgraded_is_named(shared: Path) -> None:
    db = shared / "old.db"
    conn = sqlite3.connect(db)
    write_v1(conn.execute, "INTEGER PRIMARY KEY AUTOINCREMENT", "?")
    conn.commit()
    conn.close()
    assert len(MIGRATIONS) > 1  # else there is no older schema to test
    _lock(shared, db)
    before = _fingerprint(shared)

    proc = _read(shared, "report", "--store", str(db), "--format", "csv", "-o", "-")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"Error: {db}: store schema version 1 is older than this storylint's ({len(MIGRATIONS)}) and cannot be"
        " upgraded by this user (OperationalError); run any storylint command on it once with write access\n"
    )
    assert _fingerprint(shared) == before


@pytest.fixture
def pg_reader(pg_url: str) -> Iterator[str]:
    """The test schema's URL for a role that may only read it (a PM lead's report login)."""
    import psycopg

    role = f"reader_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    parts = urlsplit(pg_url)
    netloc = f"{role}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    try:
        yield urlunsplit(parts._replace(netloc=netloc))
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")  # its schema is dropped by pg_url


def _grant_reading(pg_url: str, reader: str) -> None:
    import psycopg

    role = urlsplit(reader).username
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")


def _storylint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylint", *args], capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip


@pytest.mark.postgres
def test_a_postgres_role_that_may_only_read_gets_its_report(pg_url: str, pg_reader: str, tmp_path: Path) -> None:
    stories = tmp_path / "s.jsonl"
    stories.write_text(json.dumps({"id": "ACME-1", "project": "ACME", "title": "Add a `paid_at` column to the"
                                   " `invoices` table"}) + "\n", encoding="utf-8")  # fmt: skip
    run = _storylint("check", str(stories), "--store", pg_url, "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    _grant_reading(pg_url, pg_reader)

    report = _storylint("report", "--store", pg_reader, "--format", "csv", "-o", "-")
    assert report.returncode == 0, report.stderr
    assert sum(",DM01," in line for line in report.stdout.splitlines()) == 1
    vocab = _storylint("vocabulary", "--store", pg_reader, "--format", "json")
    assert vocab.returncode == 0, vocab.stderr
    assert json.loads(vocab.stdout)["projects"]["ACME"]["stories"] == 1


@pytest.mark.postgres
def test_a_postgres_role_that_may_only_read_an_old_store_is_told_why(pg_url: str, pg_reader: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        write_v1(conn.execute, "BIGSERIAL PRIMARY KEY", "%s")
    _grant_reading(pg_url, pg_reader)

    proc = _storylint("report", "--store", pg_reader, "--format", "csv", "-o", "-")
    assert proc.returncode == 2
    assert proc.stderr.endswith(
        f": store schema version 1 is older than this storylint's ({len(MIGRATIONS)}) and cannot be upgraded by"
        " this user (InsufficientPrivilege); run any storylint command on it once with write access\n"
    )
    with psycopg.connect(pg_url) as conn:  # left as it was
        assert conn.execute("SELECT version FROM storylint_schema").fetchone() == (1,)


def test_a_reader_leaves_nothing_in_a_folder_it_can_write(shared: Path) -> None:
    # a shared folder (1777, or a group's) with a store the reader may only read: SQLite made
    # the -wal and -shm files the reader then owned, and the nightly that writes the store
    # failed from then on ("attempt to write a readonly database")
    db = shared / "history.db"
    stories = shared / "stories.jsonl"
    stories.write_text(json.dumps({"id": "ACME-1", "project": "ACME", "title": "Add a `done` column"}) + "\n")
    run = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories), "--store", str(db),
                          "--fail-on", "never"], capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    db.chmod(0o644)
    shared.chmod(0o1777)
    probe = _read(shared, "--version")
    if probe.returncode != 0:
        pytest.skip(f"the reader cannot run this interpreter: {probe.stderr.strip()[:200]}")
    before = {p.name for p in shared.iterdir()}
    report = _read(shared, "report", "--store", str(db), "--format", "csv", "-o", "-")
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("source,story,rule,") and ",ACME-1," in report.stdout
    assert {p.name for p in shared.iterdir()} - {"cache"} == before  # no -wal, no -shm left
