"""A burst of signed Jira webhooks at a local `storylint serve`: how fast it accepts them and
how long each author waits for the comment. Run by hand (not a timed unit test):

    .venv/bin/python benchmarks/webhook_burst.py [--webhooks 200] [--concurrency 16]
                                                 [--flavour cloud|server] [--store sqlite|postgresql]

It starts the fake Jira of tests/jira (loopback) and `storylint serve --comment` in a
subprocess (real uvicorn, real store), creates one issue per webhook, fires the
``jira:issue_created`` deliveries from a thread pool, and prints deliveries accepted per
second (first send to last 202) and the p50/p95/max latency from sending a webhook to its
comment existing in the fake Jira. It checks that every issue got exactly one comment.
`--store postgresql` uses STORYLINT_TEST_POSTGRES_URL (see scripts/start-postgres.sh).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "jira"))

from fakejira import FakeJira, adf_doc
from serve_helpers import SECRET, Serve, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jira_nightly import store_url

EMAIL, TOKEN, PAT = "bench@example.com", "bench-token", "bench-pat"
TEXT = "As an admin I want to export the user list.\n\nAdd a column email to the users table in PostgreSQL."


def drop_schema(url: str) -> None:
    from urllib.parse import parse_qs, unquote, urlsplit

    import psycopg

    options = unquote(parse_qs(urlsplit(url).query)["options"][0])
    schema = options.removeprefix("-csearch_path=")
    base = os.environ["STORYLINT_TEST_POSTGRES_URL"]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webhooks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--flavour", choices=["cloud", "server"], default="cloud")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    fake = FakeJira(args.flavour, email=EMAIL, token=TOKEN, pat=PAT).serve()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIRA_")}
    env.update({"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": TOKEN} if fake.cloud else {"JIRA_PAT": PAT})
    keys = [f"PAY-{n}" for n in range(1, args.webhooks + 1)]
    for key in keys:
        fake.add_issue(key, f"Story {key}", adf_doc(*TEXT.split("\n\n")) if fake.cloud else TEXT, reporter="u1")
    with tempfile.TemporaryDirectory() as tmp:
        store = store_url(args.store, Path(tmp))
        server = Serve(fake, store, Path(tmp) / "serve.log", "--comment", env=env)
        try:
            server.wait_ready()
            wait_for(lambda: server.health()["jira"], timeout=30)
            sent: dict[str, float] = {}

            def fire(key: str) -> int:
                payload = fake.webhook_payload("jira:issue_created", key, user="u1")
                sent[key] = time.monotonic()
                return fake.deliver(server.hook, SECRET, payload)[0]

            start = time.monotonic()
            with ThreadPoolExecutor(args.concurrency) as pool:
                codes = list(pool.map(fire, keys))
            accepted_in = time.monotonic() - start
            done = wait_for(lambda: all(fake.comment_times.get(k) for k in keys), timeout=300)
            total = time.monotonic() - start
            latencies = [fake.comment_times[k][0] - sent[k] for k in keys if fake.comment_times.get(k)]
            once = all(len(fake.comments.get(k, [])) == 1 for k in keys)
        finally:
            server.stop()
            fake.close()
            if args.store == "postgresql":  # the throwaway schema store_url made
                drop_schema(store)
    ok = codes.count(202)
    print(f"{args.webhooks} webhooks ({args.flavour}, {args.store} store, {args.concurrency} senders):"
          f" {ok} accepted (202) in {accepted_in:.2f} s = {ok / accepted_in:.0f} accepted/s")  # fmt: skip
    if latencies:
        print(f"webhook -> comment: p50 {percentile(latencies, 0.5) * 1000:.0f} ms,"
              f" p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms;"
              f" all {len(latencies)} commented in {total:.2f} s")  # fmt: skip
    print(f"every issue commented exactly once: {done and once}")
    if not (done and once and ok == args.webhooks):
        sys.exit(1)


if __name__ == "__main__":
    main()
