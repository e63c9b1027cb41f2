"""The nightly Jira run on 10,000 fake issues: first run, no-change run, one-change run.

Runs the real `jira` client against the fake Jira of tests/jira (loopback, both flavours)
with the real rule engine and a store, and prints search calls, stories linted and wall
time per run. Usage:

    .venv/bin/python benchmarks/jira_nightly.py [--issues 10000] [--flavour cloud|server|both]
                                                [--store sqlite|postgresql]

`--store postgresql` uses STORYLINT_TEST_POSTGRES_URL (see scripts/start-postgres.sh).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "jira"))

from fakejira import FakeJira, adf_doc

from storylint.connectors.jira import JiraAuth, JiraConnector
from storylint.connectors.jira_sync import run_jira
from storylint.engine import Linter
from storylint.store import open_store

TEXTS = [
    "As a buyer I want a receipt after paying so that I can claim expenses.",
    "As an admin I want to export the user list.\n\nAdd a column email to the users table in PostgreSQL.",
    "As a shopper I want to save my cart so that I can finish later.\n\nAcceptance criteria\n- the cart is there after I log in again",
    "Build a React modal with a blue Save button that calls POST /api/v2/carts.",
]


def fill(fake: FakeJira, n: int) -> None:
    base = datetime.now(UTC) - timedelta(days=30)
    for i in range(1, n + 1):
        text = TEXTS[i % len(TEXTS)] + f"\n\nRef {i}."
        fake.add_issue(f"PAY-{i}", f"Story {i}", adf_doc(*text.split("\n\n")) if fake.cloud else text,
                       reporter=f"user{i % 40}", updated=base + timedelta(seconds=i))  # fmt: skip


def store_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return str(tmp / f"history-{uuid.uuid4().hex[:6]}.db")
    url = os.environ.get("STORYLINT_TEST_POSTGRES_URL")
    if not url:
        sys.exit("--store postgresql needs STORYLINT_TEST_POSTGRES_URL (eval \"$(bash scripts/start-postgres.sh)\")")
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def bench(flavour: str, n: int, store_kind: str, tmp: Path) -> None:
    fake = FakeJira(flavour).serve()
    try:
        fill(fake, n)
        auth = JiraAuth(email=fake.email, api_token=fake.token) if fake.cloud else JiraAuth(pat=fake.pat)
        linter = Linter()
        store = open_store(store_url(store_kind, tmp))
        print(f"\n{flavour} ({n} issues, {store_kind} store)")
        print(f"{'run':<12} {'search calls':>12} {'read':>7} {'linted':>7} {'HTTP calls':>10} {'seconds':>8}")
        for name in ("first", "no-change", "one-change"):
            if name == "one-change":
                fake.touch(f"PAY-{n // 2}", summary="Edited story")
            before = sum(fake.calls.values())
            conn = JiraConnector(fake.url, "project = PAY", auth)
            t0 = time.perf_counter()
            outcome = run_jira(conn, linter, store=store)
            elapsed = time.perf_counter() - t0
            http = sum(fake.calls.values()) - before
            s = outcome.report.summary
            print(f"{name:<12} {outcome.search_calls:>12} {outcome.read:>7} "
                  f"{s.stories_checked + s.stories_skipped:>7} {http:>10} {elapsed:>8.2f}")  # fmt: skip
        store.close()
    finally:
        fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--flavour", choices=["cloud", "server", "both"], default="both")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for flavour in ["cloud", "server"] if args.flavour == "both" else [args.flavour]:
            bench(flavour, args.issues, args.store, Path(tmp))


if __name__ == "__main__":
    main()
