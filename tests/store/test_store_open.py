"""Opening a store for reading (`storylint report`) never creates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.test_store_urls import storylint


@pytest.mark.postgres
def test_reading_an_empty_postgres_database_creates_nothing(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    proc = storylint("report", "--store", pg_url, "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: --store ") and proc.stderr.endswith(
        ": not a storylint store (no run recorded)\n"
    )
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(pg_url) as conn:
        n = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchone()
    assert n == (0,)


def test_two_processes_opening_a_fresh_sqlite_store_at_once_both_succeed(tmp_path) -> None:
    """Two `storylint serve` on one new store: the schema is created once, under the write lock."""
    import subprocess
    import sys
    import time

    code = (
        "import sys, time, pathlib\n"
        "from storylint.store import open_store\n"
        "go = pathlib.Path(sys.argv[2]); pathlib.Path(sys.argv[3]).touch()\n"
        "while not go.exists(): time.sleep(0.001)\n"
        "open_store(sys.argv[1]).close()\n"
    )
    for n in range(8):
        db, go = tmp_path / f"s{n}.db", tmp_path / f"go{n}"
        ready = [tmp_path / f"ready{n}-{k}" for k in range(2)]
        procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(go), str(r)], stderr=subprocess.PIPE,
                                  text=True) for r in ready]  # fmt: skip
        deadline = time.monotonic() + 60
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()  # both imported and waiting: they open the new store at the same moment
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    """`--store app.db` by mistake: no storylint table is added to it, and neither a run nor a
    report switches its journal to write-ahead logging."""
    import sqlite3

    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE users (id INTEGER)")
    conn.commit()
    conn.close()
    stories = tmp_path / "s.jsonl"
    stories.write_text('{"id": "1", "title": "Store sessions in Redis"}\n', encoding="utf-8")
    for args in (["check", str(stories), "--store", str(db)], ["report", "--store", str(db), "-o", "-"],
                 ["vocabulary", "--store", str(db)]):  # fmt: skip
        proc = storylint(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith(f"Error: --store {db}: not a storylint store") and len(proc.stderr.splitlines()) == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("users",)]
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    empty = tmp_path / "empty.db"
    empty.touch()  # an empty file is a database with nothing in it yet: it becomes a store
    assert storylint("check", str(stories), "--store", str(empty)).returncode == 1
    conn = sqlite3.connect(empty)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_a_store_on_a_full_disk_is_named_with_the_cause(tmp_path: Path) -> None:
    """`check --store` on a disk that fills mid-run said "internal error: OperationalError":
    now one line naming the store and SQLite's reason, exit 2, as any store error. A file size
    limit in the child stands in for the full disk (SQLite's writes fail the same way)."""
    import json
    import resource
    import subprocess
    import sys

    stories = tmp_path / "s.jsonl"
    body = "We must store the votes in Redis and send them through Kafka."
    stories.write_text("".join(json.dumps({"id": f"S-{i}", "title": "Votes", "body": body}) + "\n" for i in range(200)))
    limit = 128 * 1024  # the schema fits; the run's 200 stories (about 700 KB) do not

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "storylint", "check", "s.jsonl", "--store", "h.db", "--jobs", "1"],
                          cwd=tmp_path, capture_output=True, text=True, preexec_fn=small_files, check=False,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr in ("Error: --store h.db: the store failed: disk I/O error\n",
                           "Error: --store h.db: the store failed: database or disk is full\n"), proc.stderr  # fmt: skip
