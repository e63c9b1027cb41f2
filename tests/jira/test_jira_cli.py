"""`storylint jira` end to end in a real subprocess against the fake Jira."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakejira import FakeJira, Fault, adf_doc, status
from jira_helpers import EMAIL, PAT, TOKEN, env_for

HOW = "As a buyer I want a receipt so that I can claim expenses.\n\nAdd a column email to the users table in PostgreSQL."
WHAT = "As a buyer I want a receipt so that I can claim expenses.\n\nh2. Acceptance criteria\n* I can download the receipt as PDF"


WHAT_ADF = {
    "version": 1, "type": "doc",
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "As a buyer I want a receipt so that I can claim expenses."}]},
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Acceptance criteria"}]},
        {"type": "bulletList", "content": [{"type": "listItem", "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "I can download the receipt as PDF"}]}]}]},
    ],
}  # fmt: skip


def _fill(fake: FakeJira) -> None:
    for n, text in enumerate([HOW, WHAT, HOW], start=1):
        if fake.cloud:
            description = WHAT_ADF if text is WHAT else adf_doc(*text.split("\n\n"))
        else:
            description = text
        fake.add_issue(f"PAY-{n}", f"Receipts {n}", description, reporter="u1")


def storylint(fake: FakeJira, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "storylint", "jira", "--server", fake.url, "--jql", "project = PAY", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env or env_for(fake), cwd=cwd, timeout=120, check=False)


def _secrets_absent(*texts: str) -> None:
    import base64

    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    for text in texts:
        for secret in (TOKEN, PAT, basic):
            assert secret not in text


def test_json_report_with_keys_and_browse_links(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    r = storylint(fake, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["summary"]["stories_checked"] == 3
    stories = {f["story"] for f in report["findings"] if f["category"] in ("data_model", "technology")}
    assert stories == {"PAY-1", "PAY-3"}
    for f in report["findings"]:
        assert f["url"] == f"{fake.url}/browse/{f['story']}"
    _secrets_absent(r.stdout, r.stderr)


def test_nightly_with_store_second_run_lints_nothing(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    db = tmp_path / "history.db"
    first = storylint(fake, "--format", "json", "--store", str(db), cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    searches = fake.calls["search"]
    second = storylint(fake, "--format", "json", "--store", f"sqlite:///{db}", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["summary"]["stories_checked"] == 0
    assert fake.calls["search"] - searches == 1
    third = storylint(fake, "--format", "json", "--store", str(db), "--full", cwd=tmp_path)
    assert json.loads(third.stdout)["summary"]["stories_checked"] == 3
    _secrets_absent(first.stdout, first.stderr, second.stderr, third.stderr, db.read_bytes().decode("latin-1"))


def test_401_is_one_error_line_exit_2(fake: FakeJira, tmp_path: Path) -> None:
    env = env_for(fake)
    env.update({"JIRA_API_TOKEN": "wrong-SECRET-999"} if fake.cloud else {"JIRA_PAT": "wrong-SECRET-999"})
    r = storylint(fake, env=env, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = [line for line in r.stderr.strip().splitlines() if not line.startswith("Warning: https is not used")]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fake.url in lines[0] and "HTTP 401" in lines[0]
    assert "Traceback" not in r.stderr and "wrong-SECRET-999" not in r.stderr


def test_missing_credentials_exit_2(fake: FakeJira, tmp_path: Path) -> None:
    env = {k: v for k, v in env_for(fake).items() if not k.startswith("JIRA_")}
    r = storylint(fake, env=env, cwd=tmp_path)
    assert r.returncode == 2 and "JIRA_PAT" in r.stderr and "JIRA_API_TOKEN" in r.stderr


def test_label_with_space_is_a_usage_error(fake: FakeJira, tmp_path: Path) -> None:
    r = storylint(fake, "--label", "needs review", cwd=tmp_path)
    assert r.returncode == 2 and "spaces" in r.stderr
    assert fake.calls["search"] == 0


@pytest.mark.parametrize("option", [["--dry-run"], ["--comment-since", "2025-06-01"], ["--no-baseline"]])
def test_write_back_options_without_comment_or_label_are_a_usage_error(
    fake: FakeJira, tmp_path: Path, option: list[str]
) -> None:
    """They shape what --comment/--label write; alone they changed nothing, without a word."""
    r = storylint(fake, *option, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert f"{option[0]} works with --comment or --label" in r.stderr
    assert fake.calls["search"] == 0


def test_dry_run_prints_to_stderr_and_writes_nothing(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    r = storylint(fake, "--comment", "--label", "storylint", "--dry-run", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    json.loads(r.stdout)  # stdout holds the report only
    assert "dry-run: would add the storylint comment on PAY-1" in r.stderr
    assert "dry-run: would add label storylint on PAY-3" in r.stderr
    assert not any(m in ("POST", "PUT") for m, _ in fake.requests)


def test_comment_and_label_for_real(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    r = storylint(fake, "--comment", "--label", "storylint", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert len(fake.comments["PAY-1"]) == 1 and not fake.comments.get("PAY-2")
    assert fake.issues["PAY-1"]["labels"] == ["storylint"] and fake.issues["PAY-2"]["labels"] == []


def test_token_never_appears_under_faults_and_debug_logging(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    fake.fail("search", status(429, Retry_After="0"), Fault("html"), status(401))
    db = tmp_path / "h.db"
    r = storylint(fake, "-vv", "--store", str(db), cwd=tmp_path) if False else subprocess.run(
        [sys.executable, "-m", "storylint", "-vv", "jira", "--server", fake.url, "--jql", "project = PAY", "--store", str(db)],
        capture_output=True, text=True, env=env_for(fake), cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "retry" in r.stderr and "HTTP 401" in r.stderr
    _secrets_absent(r.stdout, r.stderr, db.read_bytes().decode("latin-1"))
    for extra in tmp_path.iterdir():
        _secrets_absent(extra.read_bytes().decode("latin-1"))


def test_postgres_store_from_the_cli(fake: FakeJira, tmp_path: Path) -> None:
    from jira_helpers import postgres_url

    gen = postgres_url()
    url = next(gen)
    try:
        _fill(fake)
        first = storylint(fake, "--format", "json", "--store", url, cwd=tmp_path)
        assert first.returncode == 1, first.stderr
        second = storylint(fake, "--format", "json", "--store", url, cwd=tmp_path)
        assert json.loads(second.stdout)["summary"]["stories_checked"] == 0, second.stderr
    finally:
        gen.close()


@pytest.mark.parametrize("bad", ["ftp://jira", "https://user:pw@jira.example.com"])
def test_bad_server_url(bad: str, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "storylint", "jira", "--server", bad, "--jql", "x"],
                       capture_output=True, text=True, env={"JIRA_PAT": PAT, "PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    assert r.returncode == 2 and "pw" not in r.stderr.replace("password", "")


def test_role_boundary_from_jira_groups(fake: FakeJira, tmp_path: Path) -> None:
    pm = "5b10ac8d82e05b22cc7d4ef5" if fake.cloud else "jsmith"
    fake.add_user(pm, "Jo Smith", "jo@example.com", groups=("product-managers",))
    fake.add_user("dev1", "Dev One", groups=("developers",))
    text = HOW if not fake.cloud else adf_doc(*HOW.split("\n\n"))
    fake.add_issue("PAY-1", "By the PM", text, reporter=pm)
    fake.add_issue("PAY-2", "By a developer", text, reporter="dev1")
    fake.add_issue("PAY-3", "A bug by the PM", text, reporter=pm, issue_type="Bug")
    (tmp_path / "storylint.toml").write_text('[roles]\ngroups = ["product-managers"]\nstory-types = ["Story"]\n')
    r = storylint(fake, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert {f["story"] for f in report["findings"]} == {"PAY-1"}
    reasons = {s["story"]: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"PAY-2", "PAY-3"} and "not a product manager" in reasons["PAY-2"]
    assert fake.calls["groups"] == 2


def test_check_does_not_import_the_jira_client() -> None:
    code = "import sys; from storylint.commands import check; import storylint.cli; print(sorted(m for m in ('jira', 'tenacity', 'requests', 'psycopg') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert r.stdout.strip() == "[]", r.stderr


def test_killed_run_resumes_without_linting_twice(fake: FakeJira, tmp_path: Path) -> None:
    import time

    for n in range(1, 301):
        fake.add_issue(f"PAY-{n}", f"Story {n}", adf_doc(HOW) if fake.cloud else HOW, reporter="u1")
    fake.fail("search", Fault("slow", delay=0), Fault("slow", delay=0), Fault("slow", delay=8.0))
    db = tmp_path / "h.db"
    cmd = [sys.executable, "-m", "storylint", "jira", "--server", fake.url, "--jql", "project = PAY", "--store", str(db)]
    proc = subprocess.Popen(cmd, env=env_for(fake), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while fake.calls["search"] < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert fake.calls["search"] == 3, "the run never reached page 3"
        proc.kill()  # SIGKILL half way: no cleanup, no finally
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
    from storylint.store import open_store

    # pages 1 and 2, each story whole (on Server each page after the first starts on the
    # last issue of the one before, so two pages hold 199 issues)
    done = 200 if fake.cloud else 199
    store = open_store(str(db))
    try:
        assert len(store.stories()) == done
        assert store.runs()[-1].status == "running"  # killed: never finished
        source = next(iter({s["source"] for s in store.stories()}))
        assert store.sync_point(source) is None
    finally:
        store.close()
    again = storylint(fake, "--format", "json", "--store", str(db), cwd=tmp_path)
    report = json.loads(again.stdout)
    assert report["summary"]["stories_checked"] == 300 - done, again.stderr
    assert {f["story"] for f in report["findings"]} == {f"PAY-{n}" for n in range(done + 1, 301)}


def test_a_users_marker_comment_and_a_refused_write_do_not_stop_the_night(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    fake.add_user("u2", "Dana Dev")
    quote = "the storylint-report says PostgreSQL?"
    fake.add_comment("PAY-1", adf_doc(quote) if fake.cloud else quote, author="u2")
    fake.refuse_writes.add("PAY-3")
    db = tmp_path / "h.db"
    r = storylint(fake, "--comment", "--no-baseline", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert r.returncode == 2, r.stderr  # one issue's write failed: reported, not fatal
    report = json.loads(r.stdout)
    assert report["summary"]["stories_checked"] == 3
    assert [e["source"] for e in report["errors"]] == [f"{fake.url}/browse/PAY-3"]
    assert len(fake.comments["PAY-1"]) == 2 and quote in json.dumps(fake.comments["PAY-1"][0]["body"])
    assert sum("write-back failed" in line for line in r.stderr.splitlines()) == 2  # the log line and the Error line
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "PAY-3" in errors[0] and "HTTP 403" in errors[0]
    assert "not written to PAY-3: the sync point moves only to" in r.stderr
    # the sync point stopped at PAY-3: the next night retries its coaching, and only that
    again = storylint(fake, "--comment", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert again.returncode == 2, again.stderr  # still refused: reported again
    assert json.loads(again.stdout)["summary"]["stories_checked"] == 1
    fake.refuse_writes.clear()
    fixed = storylint(fake, "--comment", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert fixed.returncode == 1, fixed.stderr  # PAY-3's findings, now written
    assert [f["story"] for f in json.loads(fixed.stdout)["findings"]] and len(fake.comments["PAY-3"]) == 1
    assert len(fake.comments["PAY-1"]) == 2 and len(fake.comments.get("PAY-2", [])) == 0
    quiet = storylint(fake, "--comment", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr  # the sync point moved: a quiet night
    assert json.loads(quiet.stdout)["summary"]["stories_checked"] == 0


def test_plain_http_server_gets_one_clear_text_warning(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    r = storylint(fake, "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning: ")]
    assert warnings == [f"Warning: https is not used for {fake.url}: the Jira credentials are sent in clear text"]
    json.loads(r.stdout)  # stdout holds the report only
    _secrets_absent(r.stderr)


def test_no_clear_text_warning_for_https() -> None:
    from storylint.connectors.jira import clear_text_warning

    assert clear_text_warning("https://example.atlassian.net") is None
    assert clear_text_warning("http://jira.example.com:8080") is not None


def test_help_names_the_credential_variables(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "storylint", "jira", "--help"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    assert r.returncode == 0, r.stderr
    for name in ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT", "JIRA_SERVER"):
        assert name in r.stdout, name
    assert "JIRA_EMAIL + JIRA_API_TOKEN  Jira Cloud" in r.stdout  # kept as a table, not re-wrapped


# -- adoption without a flood: the first run is a baseline, --comment-since ------------------

BASELINE = "Notice: baseline run"


def _writes(fake: FakeJira) -> list[tuple[str, str]]:
    return [(m, p) for m, p in fake.requests if m in ("POST", "PUT")]


def test_first_run_with_a_store_is_a_baseline_then_changes_get_comments(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    db = tmp_path / "h.db"
    first = storylint(fake, "--comment", "--label", "storylint", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert json.loads(first.stdout)["summary"]["stories_checked"] == 3  # linted and recorded
    notices = [line for line in first.stderr.splitlines() if line.startswith("Notice: ")]
    assert len(notices) == 1 and notices[0].startswith(BASELINE) and "--no-baseline" in notices[0]
    assert _writes(fake) == [] and not any(fake.comments.values())
    # the next night: only the story that changed is commented on
    fake.touch("PAY-1", description=adf_doc("Now behind a REST endpoint") if fake.cloud else "Now behind a REST endpoint")
    second = storylint(fake, "--comment", "--label", "storylint", "--format", "json", "--store", str(db), cwd=tmp_path)
    assert second.returncode == 1, second.stderr
    assert BASELINE not in second.stderr
    assert len(fake.comments["PAY-1"]) == 1 and not fake.comments.get("PAY-3")
    assert fake.issues["PAY-1"]["labels"] == ["storylint"] and fake.issues["PAY-3"]["labels"] == []


def test_no_baseline_writes_on_the_first_run(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    r = storylint(fake, "--comment", "--no-baseline", "--store", str(tmp_path / "h.db"), cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert BASELINE not in r.stderr
    assert len(fake.comments["PAY-1"]) == 1 and len(fake.comments["PAY-3"]) == 1


def test_comment_since_writes_only_to_newer_issues(fake: FakeJira, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    old, new = datetime(2025, 3, 1, 12, tzinfo=UTC), datetime(2025, 9, 1, 12, tzinfo=UTC)
    for key, when in (("PAY-1", old), ("PAY-2", new)):
        fake.add_issue(key, "Receipts", adf_doc(HOW) if fake.cloud else HOW, reporter="u1", updated=when)
    db = tmp_path / "h.db"
    r = storylint(fake, "--comment", "--label", "storylint", "--comment-since", "2025-06-01", "--format", "json",
                  "--store", str(db), cwd=tmp_path)  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert BASELINE not in r.stderr  # an explicit --comment-since replaces the baseline
    report = json.loads(r.stdout)
    assert {f["story"] for f in report["findings"]} == {"PAY-1", "PAY-2"}  # both linted
    assert not fake.comments.get("PAY-1") and fake.issues["PAY-1"]["labels"] == []
    assert len(fake.comments["PAY-2"]) == 1 and fake.issues["PAY-2"]["labels"] == ["storylint"]


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "01/06/2025"])
def test_bad_comment_since_is_a_usage_error(fake: FakeJira, tmp_path: Path, bad: str) -> None:
    r = storylint(fake, "--comment", "--comment-since", bad, cwd=tmp_path)
    assert r.returncode == 2 and "--comment-since" in r.stderr and bad in r.stderr
    assert fake.calls["search"] == 0


def test_full_run_with_jobs_2_gives_the_same_report(fake: FakeJira, tmp_path: Path) -> None:
    """A large backlog: lint spread over worker processes, the report that of one process."""
    from tests.stories import case_stories

    rows = case_stories(copies=1)[:150]
    for n, row in enumerate(rows, start=1):
        body = row["body"] or "As a buyer I want a receipt."
        fake.add_issue(f"PAY-{n}", row["title"], adf_doc(*body.split("\n\n")) if fake.cloud else body, reporter="u1")
    outs = []
    for jobs in ("1", "2"):
        db = tmp_path / f"history{jobs}.db"
        r = storylint(fake, "--format", "json", "--store", str(db), "--full", "--jobs", jobs, cwd=tmp_path)
        assert r.returncode == 1, r.stderr
        outs.append(r.stdout)
    assert json.loads(outs[0])["summary"]["stories_checked"] == len(rows)
    assert outs[0] == outs[1]


def _sync_point(fake: FakeJira, store_url: str) -> str | None:
    from storylint.store import open_store

    store = open_store(store_url)
    try:
        return store.sync_point(f"jira:{fake.url}|project = PAY")
    finally:
        store.close()


def test_dry_run_with_a_store_leaves_the_sync_state_for_the_next_real_run(
    fake: FakeJira, store_url: str, tmp_path: Path
) -> None:
    from storylint.store import open_store

    _fill(fake)
    first = storylint(fake, "--comment", "--store", store_url, cwd=tmp_path)  # a baseline: records, writes nothing
    assert first.returncode == 1 and "baseline run" in first.stderr, first.stderr
    assert _sync_point(fake, store_url) is not None
    before = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    store = open_store(store_url)
    try:  # an earlier sync point than any run of this test can set
        store.set_sync_point(f"jira:{fake.url}|project = PAY", before)
    finally:
        store.close()
    how = adf_doc(*HOW.split("\n\n")) if fake.cloud else HOW
    fake.touch("PAY-2", description=how)  # changed since the baseline
    fake.add_issue("PAY-4", "Receipts 4", how, reporter="u1", updated=datetime.now(UTC))  # new since it
    dry = storylint(fake, "--comment", "--label", "storylint", "--dry-run", "--format", "json",
                    "--store", store_url, cwd=tmp_path)  # fmt: skip
    assert dry.returncode == 1, dry.stderr
    assert json.loads(dry.stdout)["summary"]["stories_checked"] == 2
    assert "dry-run: would add the storylint comment on PAY-2" in dry.stderr
    assert "dry-run: would add the storylint comment on PAY-4" in dry.stderr
    assert not any(m in ("POST", "PUT") for m, _ in fake.requests)
    assert _sync_point(fake, store_url) == before  # the next real run sees the same window
    store = open_store(store_url)
    try:  # the dry run is recorded for reports, as one
        assert [r.command for r in store.runs()] == ["jira", "jira --dry-run"]
        assert {s["story"]: s["findings"] > 0 for s in store.stories()}["PAY-4"] is True
    finally:
        store.close()
    real = storylint(fake, "--comment", "--label", "storylint", "--store", store_url, cwd=tmp_path)
    assert real.returncode == 1, real.stderr
    assert {k: len(fake.comments.get(k, [])) for k in ("PAY-1", "PAY-2", "PAY-3", "PAY-4")} == {
        "PAY-1": 0, "PAY-2": 1, "PAY-3": 0, "PAY-4": 1}  # fmt: skip
    assert fake.issues["PAY-4"]["labels"] == ["storylint"]
    assert _sync_point(fake, store_url) != before


def test_dry_run_on_an_empty_store_keeps_the_next_run_a_baseline(fake: FakeJira, tmp_path: Path) -> None:
    _fill(fake)
    db = str(tmp_path / "history.db")
    dry = storylint(fake, "--comment", "--dry-run", "--no-baseline", "--store", db, cwd=tmp_path)
    assert dry.returncode == 1 and "dry-run: would add the storylint comment on PAY-1" in dry.stderr
    assert _sync_point(fake, db) is None
    real = storylint(fake, "--comment", "--store", db, cwd=tmp_path)
    assert real.returncode == 1 and "baseline run" in real.stderr, real.stderr
    assert not fake.comments.get("PAY-1")


def test_a_search_that_fails_part_way_still_reports_what_was_read(fake: FakeJira, tmp_path: Path) -> None:
    # the exit-code contract: 2, and the report lists every story that could be read
    for n in range(1, 251):
        description = adf_doc(*HOW.split("\n\n")) if fake.cloud else HOW
        fake.add_issue(f"PAY-{n}", f"Receipts {n}", description)
    db = tmp_path / "h.db"
    pages = [Fault("slow", delay=0), Fault("slow", delay=0)]  # pages 1 and 2 answer (100 each)
    fake.fail("search", *pages, status(503, {"errorMessages": ["down"]}), status(503, {"errorMessages": ["down"]}))
    r = storylint(fake, "--format", "json", "--retries", "1", "--store", str(db), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    report = json.loads(r.stdout)
    read = 200 if fake.cloud else 199  # on Server page 2 starts on the last issue of page 1
    assert report["summary"]["stories_checked"] == read
    assert {f["story"] for f in report["findings"]} == {f"PAY-{n}" for n in range(1, read + 1)}
    assert len(report["errors"]) == 1 and "HTTP 503" in report["errors"][0]["message"]
    assert "HTTP 503" in r.stderr and "Traceback" not in r.stderr
    # the sync point stayed: the next run reads the query again, lints only the 50 it lacks
    again = storylint(fake, "--format", "json", "--store", str(db), cwd=tmp_path)
    assert again.returncode == 1, again.stderr
    assert json.loads(again.stdout)["summary"]["stories_checked"] == 250 - read
