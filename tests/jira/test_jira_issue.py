"""`storylint jira --issue KEY`: exactly those issues, one GET each, in a real subprocess
against the fake Jira (both flavours): output and exit codes of `check`, write-back, store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fakejira import FakeJira, adf_doc, status
from jira_helpers import env_for
from test_jira_cli import HOW, _secrets_absent

from storylint.store import open_store

WHAT = "As a buyer I want a receipt so that I can claim expenses."


def _desc(fake: FakeJira, text: str) -> object:
    return adf_doc(*text.split("\n\n")) if fake.cloud else text


def storylint(fake: FakeJira, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "storylint", "jira", "--server", fake.url, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env_for(fake), cwd=cwd, timeout=120, check=False)


def _issue_gets(fake: FakeJira) -> list[str]:
    return [p for m, p in fake.requests if m == "GET" and "/issue/" in p and "/comment" not in p]


def test_exactly_the_named_issues_one_get_each(fake: FakeJira, tmp_path: Path) -> None:
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    fake.add_issue("PAY-2", "Clean", _desc(fake, WHAT), reporter="u1")
    fake.add_issue("PAY-3", "Not asked for", _desc(fake, HOW), reporter="u1")
    r = storylint(fake, "--issue", "PAY-1", "--issue", "pay-2", "--issue", "PAY-1", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["summary"]["stories_checked"] == 2
    assert {f["story"] for f in report["findings"] if f["category"] in ("data_model", "technology")} == {"PAY-1"}
    assert fake.calls["search"] == 0
    gets = _issue_gets(fake)
    assert len(gets) == 2  # PAY-1 once although named twice
    for path in gets:  # explicit fields, the flavour's API version
        assert "fields=summary%2Cdescription" in path or "fields=summary,description" in path
        assert path.startswith("/rest/api/3/issue/" if fake.cloud else "/rest/api/2/issue/")
    _secrets_absent(r.stdout, r.stderr)


def test_missing_and_malformed_keys_are_one_error_each_and_the_rest_is_done(fake: FakeJira, tmp_path: Path) -> None:
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    db = tmp_path / "h.db"
    r = storylint(fake, "--issue", "PAY-404", "--issue", "../../myself", "--issue", "PAY-1", "--comment",
                  "--store", str(db), cwd=tmp_path)  # fmt: skip
    assert r.returncode == 2, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2, r.stderr
    assert f"{fake.url}/browse/PAY-404" in errors[0] and "404" in errors[0]
    assert "not a Jira issue key" in errors[1]
    assert len(fake.comments["PAY-1"]) == 1  # the good key is linted, commented and recorded
    assert not any("myself" in p for p in _issue_gets(fake))
    store = open_store(str(db))
    try:
        assert [s["story"] for s in store.stories()] == ["PAY-1"]
    finally:
        store.close()


def test_issue_run_writes_at_once_records_and_keeps_the_nightly_sync_point(fake: FakeJira, tmp_path: Path) -> None:
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    db = tmp_path / "h.db"
    nightly = storylint(fake, "--jql", "project = PAY", "--store", str(db), cwd=tmp_path)  # a baseline
    assert nightly.returncode == 1 and "PAY-1" not in fake.comments
    store = open_store(str(db))
    source = f"jira:{fake.url}|project = PAY"
    point = store.sync_point(source)
    store.close()
    fake.add_issue("PAY-2", "New story", _desc(fake, HOW), reporter="u1")
    r = storylint(fake, "--jql", "project = PAY", "--issue", "PAY-2", "--comment", "--label", "storylint-how",
                  "--store", str(db), cwd=tmp_path)  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert "baseline" not in r.stderr  # named issues are never a baseline
    assert len(fake.comments["PAY-2"]) == 1 and fake.issues["PAY-2"]["labels"] == ["storylint-how"]
    store = open_store(str(db))
    try:
        assert store.sync_point(source) == point  # not moved
        assert {s["story"] for s in store.stories(source)} == {"PAY-1", "PAY-2"}
        assert [r.command for r in store.runs(source)] == ["jira", "jira"]
    finally:
        store.close()
    for _ in range(2):  # the label changed the story once (labels are scope); then it is unchanged
        again = storylint(fake, "--jql", "project = PAY", "--issue", "PAY-2", "--comment", "--store", str(db),
                          "--label", "storylint-how", "--format", "json", cwd=tmp_path)  # fmt: skip
    assert json.loads(again.stdout)["summary"]["stories_checked"] == 0  # unchanged: not linted again
    assert len(fake.comments["PAY-2"]) == 1


def test_dry_run_writes_nothing_and_transient_errors_are_retried(fake: FakeJira, tmp_path: Path) -> None:
    fake.add_issue("PAY-1", "Receipts", _desc(fake, HOW), reporter="u1")
    fake.fail("issue:GET", status(503, Retry_After="0"), status(502))
    r = storylint(fake, "--issue", "PAY-1", "--comment", "--dry-run", "--retries", "3", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "dry-run: would add the storylint comment on PAY-1" in r.stderr
    assert "PAY-1" not in fake.comments or fake.comments["PAY-1"] == []
    assert len(_issue_gets(fake)) == 3


def test_neither_jql_nor_issue_is_a_usage_error(cloud: FakeJira, tmp_path: Path) -> None:
    r = storylint(cloud, cwd=tmp_path)
    assert r.returncode == 2 and "--jql" in r.stderr and "--issue" in r.stderr
