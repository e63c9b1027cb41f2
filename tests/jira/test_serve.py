"""`storylint serve` end to end: uvicorn in a real subprocess on loopback, real signed and
unsigned HTTP requests, the fake Jira for reads, write-back and the webhooks its own writes
cause, and a real SQLite store holding the queue (the crash test SIGKILLs the server)."""

from __future__ import annotations

import base64
import json
import signal
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fakejira import FakeJira, Fault, adf_doc, status
from jira_helpers import EMAIL, PAT, TOKEN, env_for
from serve_helpers import SECRET, Serve, wait_for

from storylint.store import open_store

HOW = "Add a column email to the users table in PostgreSQL."
MORE_HOW = "Add a column email to the users table in PostgreSQL. Build it in React behind a REST endpoint."
LABEL = "storylint-how"

Start = Callable[..., Serve]


def _desc(fake: FakeJira, text: str) -> object:
    return adf_doc(text) if fake.cloud else text


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start `storylint serve` against a fake; every server is stopped at the end."""
    started: list[Serve] = []

    def run(fake: FakeJira, *args: str, store: str | None = None, secret: str | None = SECRET,
            ready: bool = True, token: str | None = None) -> Serve:  # fmt: skip
        db = store or str(tmp_path / "serve.db")
        s = Serve(fake, db, tmp_path / f"serve-{len(started)}.log", *args, env=env_for(fake), secret=secret,
                  token=token)  # fmt: skip
        started.append(s)
        if ready:
            s.wait_ready()
        return s

    yield run
    for s in started:
        s.stop()


def _issue_reads(fake: FakeJira, key: str) -> int:
    return sum(1 for m, p in fake.requests if m == "GET" and p.startswith(f"/rest/api/{'3' if fake.cloud else '2'}/issue/{key}?"))


def _no_secrets_or_story_text(text: str) -> None:
    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    for secret in (SECRET, TOKEN, PAT, basic, "automation-TOKEN", "users table", "Receipts"):
        assert secret not in text, secret


def _created(fake: FakeJira, s: Serve, key: str, identifier: str | None = None) -> int:
    return fake.deliver(s.hook, SECRET, fake.webhook_payload("jira:issue_created", key, user="u1"),
                        identifier=identifier)[0]  # fmt: skip


def _settled(s: Serve, fake: FakeJira) -> bool:
    fake.drain_webhooks()
    return s.health()["queued"] == 0


def test_created_issue_gets_one_comment_within_2s_and_own_writes_never_relint(
    fake: FakeJira, start: Start, tmp_path: Path
) -> None:
    s = start(fake, "--comment", "--label", LABEL)
    fake.subscribe(s.hook, SECRET)  # the fake reports storylint's comment and label like Jira
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    sent = time.monotonic()
    assert _created(fake, s, "PAY-1") == 202
    assert wait_for(lambda: fake.comments.get("PAY-1"), timeout=2.0), "no comment within 2 s"
    assert time.monotonic() - sent < 2.0
    assert wait_for(lambda: fake.issues["PAY-1"]["labels"] == [LABEL])
    assert wait_for(lambda: len(fake.delivered) >= 3)  # comment and label webhooks, by storylint's account
    assert wait_for(lambda: _settled(s, fake))
    time.sleep(0.6)  # longer than the worker's settle time: a re-lint would have happened by now
    assert {code for _, _, code in fake.delivered} == {202}
    assert _issue_reads(fake, "PAY-1") == 1 and len(fake.comments["PAY-1"]) == 1
    assert s.health()["linted"] == 1
    store = open_store(str(tmp_path / "serve.db"))
    try:
        assert [e["state"] for e in store.events()] == ["done"]
        (story,) = store.stories(f"jira:{fake.url}")
        assert story["story"] == "PAY-1" and story["status"] == "findings"
        assert [r.command for r in store.runs()] == ["serve"]
    finally:
        store.close()
    assert s.stop() in (0, -15)
    _no_secrets_or_story_text(s.log)


def test_three_quick_edits_are_at_most_two_lints_and_one_comment(cloud: FakeJira, start: Start) -> None:
    s = start(cloud, "--comment")
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    _created(cloud, s, "PAY-1")
    assert wait_for(lambda: cloud.comments.get("PAY-1"))
    assert wait_for(lambda: _settled(s, cloud))
    reads = _issue_reads(cloud, "PAY-1")
    for n, text in enumerate((HOW + " One.", HOW + " Two.", MORE_HOW)):
        old = cloud.issues["PAY-1"]["description"]
        cloud.touch("PAY-1", description=adf_doc(text))
        items = [cloud.change("description", json.dumps(old), text)]
        payload = cloud.webhook_payload("jira:issue_updated", "PAY-1", user="u1", items=items)
        assert cloud.deliver(s.hook, SECRET, payload, identifier=f"edit-{n}")[0] == 202
    assert wait_for(lambda: "React" in json.dumps(cloud.comments["PAY-1"][0]["body"]), timeout=5)
    assert wait_for(lambda: _settled(s, cloud))
    assert _issue_reads(cloud, "PAY-1") - reads <= 2
    assert len(cloud.comments["PAY-1"]) == 1


def test_signatures_sizes_and_events_that_are_not_linted(cloud: FakeJira, start: Start, tmp_path: Path) -> None:
    s = start(cloud, "--comment", "--label", LABEL)
    assert wait_for(lambda: s.health()["jira"])  # the worker knows storylint's account
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    body = json.dumps(cloud.webhook_payload("jira:issue_created", "PAY-1", user="u1")).encode()
    post = cloud.post
    assert post(s.hook, body, {})[0] == 401  # unsigned
    assert post(s.hook, body, {"X-Hub-Signature": "sha256=" + "0" * 64})[0] == 401
    assert post(s.hook, body, {"X-Hub-Signature": cloud.sign("not-the-secret", body)})[0] == 401
    assert post(s.hook, body + b" ", {"X-Hub-Signature": cloud.sign(SECRET, body)})[0] == 401
    assert post(s.hook, body, {"X-Hub-Signature": cloud.sign(SECRET, body).removeprefix("sha256=")})[0] == 401
    big = b" " * (1024 * 1024 + 1)
    assert post(s.hook, big, {"X-Hub-Signature": cloud.sign(SECRET, big)})[0] == 413
    for junk in (b"<html>", b"[1, 2]", b'{"webhookEvent": "jira:issue_created", "issue": {"key": "../x"}}'):
        assert post(s.hook, junk, {"X-Hub-Signature": cloud.sign(SECRET, junk)})[0] == 400
    for when in ("0001-01-01T00:00:00.000+0100", "9999-12-31T23:59:59.999-0100"):  # no UTC form: 400, not 500
        odd = cloud.webhook_payload("jira:issue_created", "PAY-1", user="u1")
        odd["issue"]["fields"]["updated"] = when
        code, _, answer = cloud.deliver(s.hook, SECRET, odd)
        assert code == 400 and b"out of range" in answer, answer
    ignored = [
        cloud.webhook_payload("comment_created", "PAY-1", user="u1"),
        cloud.webhook_payload("jira:issue_updated", "PAY-1", user="u1", items=[cloud.change("assignee", None, "u2")]),
        cloud.webhook_payload("jira:issue_updated", "PAY-1", user="u1", type_name="issue_commented"),
        # only storylint's label, whoever Jira names as the user (an Automation rule, say)
        cloud.webhook_payload("jira:issue_updated", "PAY-1", user="u1", items=[cloud.change("labels", "a", f"a {LABEL}")]),
        cloud.webhook_payload("jira:issue_updated", "PAY-1", user=cloud.bot, items=[cloud.change("summary", "a", "b")]),
    ]  # fmt: skip
    for payload in ignored:
        code, _, answer = cloud.deliver(s.hook, SECRET, payload)
        assert code == 202 and json.loads(answer)["status"] == "ignored"
    time.sleep(0.5)
    store = open_store(str(tmp_path / "serve.db"))
    try:
        assert store.events() == [] and _issue_reads(cloud, "PAY-1") == 0
    finally:
        store.close()
    # accepted, then a redelivery of the same webhook is not queued twice
    code, _, answer = cloud.deliver(s.hook, SECRET, json.loads(body), identifier="same-id")
    assert code == 202 and json.loads(answer)["status"] == "queued"
    code, _, answer = cloud.deliver(s.hook, SECRET, json.loads(body), identifier="same-id")
    assert code == 202 and json.loads(answer)["status"] == "duplicate"
    assert s.health()["status"] == "ok"
    assert s.stop() in (0, -15)
    _no_secrets_or_story_text(s.log)


def test_refuses_to_start_without_a_secret(cloud: FakeJira, start: Start) -> None:
    s = start(cloud, secret=None, ready=False)
    assert s.proc.wait(timeout=30) == 2
    assert "Error: environment: STORYLINT_WEBHOOK_SECRET is not set" in s.log


def test_a_secret_from_a_file_with_its_newline_checks_the_deliveries(cloud: FakeJira, start: Start) -> None:
    # `STORYLINT_WEBHOOK_SECRET=$(cat secret.txt)` keeps no newline, `--env-file` and systemd
    # credentials may: Jira signs with the secret as registered, without it
    s = start(cloud, "--comment", secret=SECRET + "\n")
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    assert _created(cloud, s, "PAY-1") == 202
    assert wait_for(lambda: cloud.comments.get("PAY-1"))


AUTOMATION_TOKEN = "automation-TOKEN-0123456789abcdef"


def test_automation_token_is_off_unless_configured_then_stands_in_for_a_signature(
    cloud: FakeJira, start: Start, tmp_path: Path
) -> None:
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    # the body the docs/jira.md Automation rule sends ("Send web request", custom data)
    body = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"key": "PAY-1"},
                       "user": {"accountId": "u1"}, "changelog": {"items": [{"field": "Summary"}]}}).encode()  # fmt: skip
    bearer = {"Authorization": f"Bearer {AUTOMATION_TOKEN}"}
    strict = start(cloud, "--comment", store=str(tmp_path / "strict.db"))
    assert cloud.post(strict.hook, body, bearer)[0] == 401
    strict.stop()
    s = start(cloud, "--comment", token=AUTOMATION_TOKEN)
    assert cloud.post(s.hook, body, {"Authorization": "Bearer wrong-token-0123456789abcdef"})[0] == 401
    assert cloud.post(s.hook, body, {"Authorization": f"Bearer {SECRET}"})[0] == 401  # not the webhook secret
    assert cloud.post(s.hook, body, bearer)[0] == 202
    assert wait_for(lambda: cloud.comments.get("PAY-1"))
    assert AUTOMATION_TOKEN not in s.log
    same = start(cloud, secret=AUTOMATION_TOKEN, token=AUTOMATION_TOKEN, ready=False)
    assert same.proc.wait(timeout=30) == 2 and "must be at least 24 characters and differ" in same.log


def test_full_queue_answers_503_with_retry_after(cloud: FakeJira, start: Start) -> None:
    cloud.fail("serverInfo", Fault("slow", delay=3.0))  # the worker cannot reach Jira yet
    s = start(cloud, "--comment", "--max-queue", "2")
    assert wait_for(lambda: cloud.calls["serverInfo"] == 1)
    for n in (1, 2, 3):
        cloud.add_issue(f"PAY-{n}", "Receipts", adf_doc(HOW), reporter="u1")
    assert _created(cloud, s, "PAY-1") == 202 and _created(cloud, s, "PAY-2") == 202
    code, headers, _ = cloud.deliver(s.hook, SECRET, cloud.webhook_payload("jira:issue_created", "PAY-3", user="u1"))
    assert code == 503 and int(headers["retry-after"]) > 0
    assert s.health()["queued"] == 2


def test_unreadable_issue_and_refused_write_cost_that_issue_only(server: FakeJira, start: Start, tmp_path: Path) -> None:
    s = start(server, "--comment")
    for n in (1, 2, 3):
        server.add_issue(f"PAY-{n}", "Receipts", HOW, reporter="u1")
    server.refuse_writes.add("PAY-2")
    gone = server.webhook_payload("jira:issue_created", "PAY-3", user="u1")
    del server.issues["PAY-3"]  # deleted before its webhook arrives: the worker's read gets 404
    for n in (1, 2):
        assert _created(server, s, f"PAY-{n}") == 202
    assert server.deliver(s.hook, SECRET, gone)[0] == 202
    store = open_store(str(tmp_path / "serve.db"))
    try:  # the refused write waits for a retry (deferred, with backoff), like the nightly run's
        expected = {"PAY-1": ("done", 0), "PAY-2": ("queued", 1), "PAY-3": ("failed", 0)}
        # On a busy machine PAY-3's webhook can come after the worker began its round: read
        # alone, its 404 is every issue of that round refused, which the worker takes for a
        # systemic refusal (revoked credentials) and retries; then one attempt is its due.
        alone = {**expected, "PAY-3": ("queued", 1)}
        seen: dict[str, tuple[str, int]] = {}

        def settled() -> bool:
            seen.clear()
            seen.update({e["issue"]: (e["state"], e["attempts"]) for e in store.events()})
            return seen == expected or (seen == alone and "1 issue(s) due, 0 linted, 1 unreadable" in s.log)

        assert wait_for(settled), f"states after 20 s: {seen}; server log: {s.log[-2000:]}"
    finally:
        store.close()
    assert len(server.comments["PAY-1"]) == 1 and not server.comments.get("PAY-2")
    assert s.health()["status"] == "ok"
    log = s.log
    assert "write-back failed" in log and "PAY-3" in log
    _no_secrets_or_story_text(log)


def test_moved_issue_is_linted_under_its_new_key_and_its_event_is_done(
    fake: FakeJira, start: Start, tmp_path: Path
) -> None:
    s = start(fake, "--comment")
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    created = fake.webhook_payload("jira:issue_created", "PAY-1", user="u1")
    fake.move("PAY-1", "OPS-7")  # moved before the worker reads it: GET issue/PAY-1 answers OPS-7
    assert fake.deliver(s.hook, SECRET, created)[0] == 202
    assert wait_for(lambda: fake.comments.get("OPS-7"))
    assert wait_for(lambda: _settled(s, fake))
    assert _issue_reads(fake, "PAY-1") == 1 and len(fake.comments["OPS-7"]) == 1
    source = f"jira:{fake.url}"
    store = open_store(str(tmp_path / "serve.db"))
    try:
        assert [(e["issue"], e["state"]) for e in store.events()] == [("PAY-1", "done")]
        assert [st["story"] for st in store.stories(source)] == ["OPS-7"]
        assert store.linted_version(source, "OPS-7") is not None
    finally:
        store.close()
    # the edit webhook Jira sends under the new key for that same version is not linted again
    fake.drain_webhooks()
    again = fake.webhook_payload("jira:issue_updated", "OPS-7", user="u1",
                                 items=[fake.change("summary", "Receipts", "Receipts")])  # fmt: skip
    assert fake.deliver(s.hook, SECRET, again)[0] == 202
    assert s.health()["queued"] == 0 and s.health()["linted"] == 1


def test_two_servers_on_one_store_lint_each_queued_issue_exactly_once(
    cloud: FakeJira, store_url: str, start: Start  # store_url first: the servers stop before it goes
) -> None:
    n = 20
    # both workers are held up reaching Jira while the events queue, then race for them
    cloud.fail("serverInfo", Fault("slow", delay=4.0), Fault("slow", delay=4.0))
    servers = [start(cloud, "--comment", store=store_url, ready=False) for _ in range(2)]
    for s in servers:
        s.wait_ready()
    keys = [f"PAY-{k}" for k in range(1, n + 1)]
    for k, key in enumerate(keys):
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
        assert _created(cloud, servers[k % 2], key) == 202
    assert wait_for(lambda: all(cloud.comments.get(key) for key in keys), timeout=60)
    assert wait_for(lambda: all(s.health()["queued"] == 0 for s in servers), timeout=30)
    time.sleep(1.0)  # a second worker still busy with a duplicate would show by now
    assert {key: _issue_reads(cloud, key) for key in keys} == {key: 1 for key in keys}
    assert {key: len(cloud.comments[key]) for key in keys} == {key: 1 for key in keys}
    assert sum(s.health()["linted"] for s in servers) == n
    store = open_store(store_url)
    try:
        assert [e["state"] for e in store.events()] == ["done"] * n
    finally:
        store.close()


def test_revoked_credentials_keep_the_events_queued(cloud: FakeJira, start: Start, tmp_path: Path) -> None:
    s = start(cloud, "--comment", "--retries", "0")
    assert wait_for(lambda: s.health()["jira"])
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    cloud.fail("issue:GET", status(401))
    assert _created(cloud, s, "PAY-1") == 202
    assert wait_for(lambda: _issue_reads(cloud, "PAY-1") == 1)
    store = open_store(str(tmp_path / "serve.db"))
    try:
        assert wait_for(lambda: store.attempts(f"jira:{cloud.url}", "PAY-1") == 1)
        assert [e["state"] for e in store.events()] == ["queued"]  # waits for a fix, not given up
    finally:
        store.close()
    assert s.health()["queued"] == 1 and "PAY-1" not in cloud.comments


def test_killed_with_events_queued_then_restarted_processes_each_once(cloud: FakeJira, start: Start, tmp_path: Path) -> None:
    db = str(tmp_path / "crash.db")
    cloud.fail("serverInfo", Fault("slow", delay=20.0))  # the first worker hangs on Jira
    first = start(cloud, "--comment", store=db)
    assert wait_for(lambda: cloud.calls["serverInfo"] == 1)  # the worker is stuck in that call
    keys = [f"PAY-{n}" for n in range(1, 11)]
    for key in keys:
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
        assert _created(cloud, first, key, identifier=f"id-{key}") == 202
    assert first.health()["queued"] == 10
    first.kill()  # SIGKILL: no shutdown, no cleanup
    assert not cloud.comments
    store = open_store(db)
    try:
        assert len(store.events("queued")) == 10
    finally:
        store.close()
    second = start(cloud, "--comment", store=db)
    # Jira redelivers one of them (it saw no answer in time): not queued a second time
    code, _, answer = cloud.deliver(second.hook, SECRET, cloud.webhook_payload("jira:issue_created", "PAY-1", user="u1"),
                                    identifier="id-PAY-1")  # fmt: skip
    assert code == 202 and json.loads(answer)["status"] == "duplicate"
    assert wait_for(lambda: all(cloud.comments.get(k) for k in keys), timeout=20)
    assert wait_for(lambda: _settled(second, cloud))
    time.sleep(0.5)
    assert {k: len(cloud.comments[k]) for k in keys} == {k: 1 for k in keys}
    assert {k: _issue_reads(cloud, k) for k in keys} == {k: 1 for k in keys}
    assert second.health()["linted"] == 10
    _no_secrets_or_story_text(first.log + second.log)


@pytest.mark.slow
def test_burst_of_200_webhooks_lints_every_issue_once(cloud: FakeJira, start: Start, tmp_path: Path) -> None:
    s = start(cloud, "--comment")
    keys = [f"PAY-{n}" for n in range(1, 201)]
    for key in keys:
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda k: _created(cloud, s, k), keys))
    assert codes == [202] * 200
    assert wait_for(lambda: sum(1 for k in keys if cloud.comments.get(k)) == 200, timeout=120)
    assert wait_for(lambda: _settled(s, cloud))
    assert {len(cloud.comments[k]) for k in keys} == {1}
    assert {_issue_reads(cloud, k) for k in keys} == {1}
    store = open_store(str(tmp_path / "serve.db"))
    try:
        assert len(store.events("done")) == 200 and store.queue_depth() == 0
        assert sum(r.stories_checked for r in store.runs()) == 200
    finally:
        store.close()


def test_check_and_help_do_not_import_the_web_stack(tmp_path: Path) -> None:
    import subprocess
    import sys

    story = tmp_path / "s.md"
    story.write_text("# Receipts\n\nAs a buyer I want a receipt so that I can claim expenses.\n")
    code = (
        "import sys, contextlib, io\nfrom storylint.cli import cli\n"
        "for args in (['check', sys.argv[1]], ['--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        cli.main(args=args, prog_name='storylint')\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'anyio', 'storylint.serve') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code, str(story)], capture_output=True, text=True, timeout=60,
                       check=False, cwd=tmp_path)  # fmt: skip
    assert r.stdout.strip().splitlines()[-1] == "[]", r.stdout + r.stderr


@pytest.fixture
def pg_store() -> Iterator[str]:
    from jira_helpers import postgres_url

    yield from postgres_url()


@pytest.mark.postgres
def test_queue_in_postgresql(cloud: FakeJira, start: Start, pg_store: str) -> None:
    s = start(cloud, "--comment", store=pg_store)
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    assert _created(cloud, s, "PAY-1", identifier="pg-1") == 202
    assert wait_for(lambda: cloud.comments.get("PAY-1"), timeout=5)
    assert wait_for(lambda: _settled(s, cloud))
    s.stop()
    store = open_store(pg_store)
    try:
        assert [(e["issue"], e["state"], e["delivery"]) for e in store.events()] == [("PAY-1", "done", "pg-1")]
    finally:
        store.close()


def _tcp_ports(pid: int) -> set[int]:
    """The local ports of process `pid`'s TCP sockets (Linux /proc): its database connections."""
    import os

    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


@pytest.mark.postgres
def test_healthz_leaves_no_postgresql_connection_idle_in_transaction(
    cloud: FakeJira, pg_store: str, start: Start  # pg_store first: the server stops before it goes
) -> None:
    import os

    import psycopg

    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc to find the server's connections")
    s = start(cloud, store=pg_store)
    for _ in range(3):
        assert s.health()["status"] == "ok"
    time.sleep(1.5)  # the worker polls every 2 s; its own transactions last milliseconds
    ports = sorted(_tcp_ports(s.proc.pid))
    with psycopg.connect(os.environ["STORYLINT_TEST_POSTGRES_URL"], autocommit=True) as conn:
        states = conn.execute(
            "SELECT state, now() - state_change > interval '1 second' FROM pg_stat_activity"
            " WHERE client_port = ANY(%s) AND application_name = 'storylint'", (ports,)
        ).fetchall()  # fmt: skip
    assert len(states) >= 2, states  # the request side's connection and the worker's, at least
    assert [state for state, old in states if state == "idle in transaction" and old] == []
    # what an open read transaction would block: a schema change of the queue's table
    with psycopg.connect(pg_store, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '3s'")
        conn.execute("ALTER TABLE webhook_queue ADD COLUMN probe INTEGER")
    assert s.health()["status"] == "ok"
    s.stop()


def test_event_queued_under_another_source_is_linted_once_and_closed(
    cloud: FakeJira, start: Start, tmp_path: Path
) -> None:
    # queued by a server without --jql (source jira:<server>), then the server is restarted
    # with --jql (docs: to share the nightly history): the old event must still be closed
    db = str(tmp_path / "sources.db")
    old_source = f"jira:{cloud.url}"
    store = open_store(db)
    try:
        assert store.enqueue_event(old_source, "PAY-1", "jira:issue_created", delivery="d-1", issue_updated=None)
    finally:
        store.close()
    cloud.add_issue("PAY-1", "Receipts", adf_doc(HOW), reporter="u1")
    s = start(cloud, "--comment", "--jql", "project = PAY", store=db)
    assert wait_for(lambda: cloud.comments.get("PAY-1"), timeout=5)
    assert wait_for(lambda: s.health()["queued"] == 0, timeout=5)
    time.sleep(0.5)  # a worker re-claiming the unclosed event would have read it again by now
    assert _issue_reads(cloud, "PAY-1") == 1 and len(cloud.comments["PAY-1"]) == 1
    store = open_store(db)
    try:
        assert [(e["source"], e["state"]) for e in store.events()] == [(old_source, "done")]
        assert store.linted_version(old_source, "PAY-1") is not None  # recorded under its own source
    finally:
        store.close()


def _queue_rows(db: str) -> list[tuple[str, str, str | None]]:
    store = open_store(db)
    try:
        return [(e["issue"], e["state"], e["claimed_by"]) for e in store.events()]
    finally:
        store.close()


def _serving(cloud: FakeJira, start: Start, tmp_path: Path, *keys: str) -> tuple[str, Serve]:
    """A commenting server on a store of its own, ready, with these issues in Jira."""
    db = str(tmp_path / "term.db")
    s = start(cloud, "--comment", store=db)
    assert wait_for(lambda: s.health()["jira"])
    for key in keys:
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
    return db, s


def test_sigterm_finishes_the_current_issue_and_gives_the_others_back(
    cloud: FakeJira, start: Start, tmp_path: Path
) -> None:
    keys = ["PAY-1", "PAY-2", "PAY-3"]
    db, s = _serving(cloud, start, tmp_path, *keys)
    cloud.fail("issue:GET", Fault("slow", delay=1.5))  # the first read takes a while
    store = open_store(db)  # queued at once, so that one round claims all three
    try:
        for key in keys:
            assert store.enqueue_event(f"jira:{cloud.url}", key, "jira:issue_created", delivery=key, issue_updated=None)
    finally:
        store.close()
    assert _created(cloud, s, "PAY-1") == 202  # wakes the worker
    assert wait_for(lambda: cloud.calls["issue"] >= 1)
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=15) in (0, -15)  # uvicorn re-raises the signal it handled
    assert len(cloud.comments.get("PAY-1", [])) == 1  # the current issue was finished
    assert {k: _issue_reads(cloud, k) for k in keys} == {"PAY-1": 1, "PAY-2": 0, "PAY-3": 0}
    rows = _queue_rows(db)
    states = {(issue, state) for issue, state, _ in rows}
    # the webhook's own PAY-1 event joins the queued one, or, when the worker's poll claimed
    # the three first (a loaded machine), waits as an edit made while PAY-1 was in flight
    assert states - {("PAY-1", "queued")} == {("PAY-1", "done"), ("PAY-2", "queued"), ("PAY-3", "queued")}
    assert {claimed for _, state, claimed in rows if state == "queued"} == {None}  # given back
    again = start(cloud, "--comment", store=db)
    assert wait_for(lambda: all(cloud.comments.get(k) for k in keys), timeout=5)  # no lease to wait for
    assert wait_for(lambda: again.health()["queued"] == 0)


def test_sigterm_during_a_long_jira_call_stops_in_time_and_gives_the_claim_back(
    cloud: FakeJira, start: Start, tmp_path: Path
) -> None:
    db, s = _serving(cloud, start, tmp_path, "PAY-1")
    cloud.fail("issue:GET", Fault("slow", delay=14.0))  # under --timeout 30: Jira answers late
    assert _created(cloud, s, "PAY-1") == 202
    assert wait_for(lambda: cloud.calls["issue"] >= 1)
    stopped = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=15) in (0, -15)  # uvicorn re-raises the signal it handled
    assert time.monotonic() - stopped < 9.0  # within docker stop's 10 s
    assert _queue_rows(db) == [("PAY-1", "queued", None)]  # still queued, and not held by a lease
    assert '"stopping without finishing the current issue' in s.log


def test_client_hanging_up_mid_body_writes_no_error_line(cloud: FakeJira, start: Start) -> None:
    s = start(cloud)
    for _ in range(5):  # unauthenticated: anyone who can reach the port can do this
        with socket.create_connection(("127.0.0.1", s.port)) as c:
            c.sendall(b"POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            time.sleep(0.05)
    time.sleep(0.5)
    assert s.health()["status"] == "ok"
    assert "Exception in ASGI application" not in s.log
    entries = [json.loads(line) for line in s.log.splitlines() if line.startswith("{")]
    assert [e for e in entries if e["level"] in ("error", "critical")] == []
    assert [e["level"] for e in entries if "hung up" in e["message"]] == ["info"] * 5


def test_sqlite_write_lock_held_elsewhere_blocks_neither_health_nor_the_worker(
    cloud: FakeJira, start: Start, tmp_path: Path
) -> None:
    import sqlite3
    import urllib.error
    from concurrent.futures import ThreadPoolExecutor

    db = str(tmp_path / "locked.db")
    s = start(cloud, "--comment", store=db)
    assert wait_for(lambda: s.health()["jira"])
    for key in ("PAY-1", "PAY-2"):
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
    holder = sqlite3.connect(db, isolation_level=None)  # the nightly run (or a backup) writing
    holder.execute("BEGIN IMMEDIATE")
    try:
        with ThreadPoolExecutor(1) as pool:
            sent = time.monotonic()
            pending = pool.submit(cloud.deliver, s.hook, SECRET,
                                  cloud.webhook_payload("jira:issue_created", "PAY-1", user="u1"), identifier="d-1")  # fmt: skip
            time.sleep(0.5)
            asked = time.monotonic()
            assert s.health()["status"] == "ok"  # not queued behind the write, nor on the event loop
            assert time.monotonic() - asked < 2.5
            code, headers, _ = pending.result(timeout=15)
        assert code == 503 and headers["retry-after"] == "30"  # Jira retries it
        assert time.monotonic() - sent < 8
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert wait_for(lambda: _created(cloud, s, "PAY-1", identifier="d-1") == 202, timeout=5)  # Jira's retry
    assert _created(cloud, s, "PAY-2") == 202
    assert wait_for(lambda: cloud.comments.get("PAY-1") and cloud.comments.get("PAY-2"), timeout=5)
    try:
        assert s.health()["status"] == "ok"
    except urllib.error.HTTPError as exc:  # pragma: no cover (the failure's message)
        raise AssertionError(exc.read()) from None


@pytest.mark.postgres
def test_postgresql_connections_lost_are_reopened(cloud: FakeJira, pg_store: str, start: Start) -> None:
    import os

    import psycopg

    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc to find the server's connections")
    s = start(cloud, "--comment", store=pg_store)
    assert wait_for(lambda: s.health()["jira"])
    for key in ("PAY-1", "PAY-2"):
        cloud.add_issue(key, "Receipts", adf_doc(HOW), reporter="u1")
    assert _created(cloud, s, "PAY-1") == 202
    assert wait_for(lambda: cloud.comments.get("PAY-1"), timeout=5)
    ports = sorted(_tcp_ports(s.proc.pid))
    with psycopg.connect(os.environ["STORYLINT_TEST_POSTGRES_URL"], autocommit=True) as conn:
        (dropped,) = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE client_port = ANY(%s) AND application_name = 'storylint'", (ports,)
        ).fetchone()  # fmt: skip
    assert dropped >= 2  # a PostgreSQL restart or failover: the web side's and the worker's
    time.sleep(0.5)
    assert _created(cloud, s, "PAY-2") == 202  # reconnected for this very delivery
    assert wait_for(lambda: cloud.comments.get("PAY-2"), timeout=10)  # the worker reconnected too
    # its failed call was retried, not the end of it (said once the round that failed is done)
    assert wait_for(lambda: "store available again" in s.log, timeout=5)
    assert wait_for(lambda: s.health()["status"] == "ok", timeout=5)
    assert s.proc.poll() is None


def _half_sent(port: int) -> socket.socket:
    """A connection that sends its headers and one byte of a 1,000-byte body, then waits."""
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    return c


def test_body_not_sent_in_time_is_answered_408(cloud: FakeJira, start: Start) -> None:
    s = start(cloud, "--body-timeout", "1")
    c = _half_sent(s.port)
    try:
        c.settimeout(5)
        sent = time.monotonic()
        answer = c.recv(4096)
    finally:
        c.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert 0.8 < time.monotonic() - sent < 3
    assert s.health()["status"] == "ok"


def test_sigterm_does_not_wait_for_a_half_sent_body(cloud: FakeJira, start: Start) -> None:
    s = start(cloud)  # the default body timeout: 10 s
    c = _half_sent(s.port)
    try:
        time.sleep(0.3)
        stopped = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=15) in (0, -15)
        assert time.monotonic() - stopped < 6  # uvicorn's graceful shutdown is bounded (3 s)
    finally:
        c.close()


def test_asyncio_records_are_json_lines_too() -> None:
    import io
    import logging

    from storylint.serve import jsonlog

    loggers = {name: logging.getLogger(name) for name in ("storylint", "uvicorn", "uvicorn.error", "asyncio")}
    saved = {name: (lg.handlers[:], lg.level, lg.propagate) for name, lg in loggers.items()}
    try:
        jsonlog.configure(logging.INFO)
        out = io.StringIO()
        loggers["asyncio"].handlers[0].setStream(out)  # type: ignore[attr-defined]
        try:
            raise OSError(24, "Too many open files")
        except OSError:  # what asyncio logs when accept() runs out of file descriptors
            loggers["asyncio"].error("socket.accept() out of system resource", exc_info=True)
        (line,) = out.getvalue().splitlines()
        entry = json.loads(line)
        assert (entry["logger"], entry["level"], entry["error"]) == ("asyncio", "error", "OSError")
    finally:
        for name, (handlers, level, propagate) in saved.items():
            loggers[name].handlers[:] = handlers
            loggers[name].setLevel(level)
            loggers[name].propagate = propagate


def test_a_flood_of_half_sent_requests_is_refused_not_held(cloud: FakeJira, start: Start) -> None:
    s = start(cloud)
    flood = [_half_sent(s.port) for _ in range(250)]  # uvicorn's limit: 200 connections
    try:
        refused = 0
        for c in flood:
            c.settimeout(0.02)
            try:
                refused += c.recv(100).startswith(b"HTTP/1.1 503 ")
            except TimeoutError:
                pass  # held, until its body timeout
        assert refused >= 50  # answered and closed at once, not held with a file descriptor each
    finally:
        for c in flood:
            c.close()
    assert wait_for(lambda: s.health()["status"] == "ok", timeout=5)
