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
from collections.abc import Iterator
from pathlib import Path

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
        f"Error: {db}: store schema version 1 is older than this storylint's ({len(MIGRATIONS)}) and this user"
        " cannot write it; run any storylint command on it once with write access\n"
    )
    assert _fingerprint(shared) == before
