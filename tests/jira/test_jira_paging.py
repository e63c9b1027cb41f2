"""Server/Data Center paging while issues leave or join the query during the run.

``startAt`` is a position in the result list as it is at each call: an issue that leaves the
query between two pages shifts every later one up, and paging by position alone skipped the
issue that slid across the page edge (and, with a store, moved the sync point past it).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakejira import FakeJira
from jira_helpers import Sleeps, StubLinter, connector_for, env_for

from storylint.connectors.jira_sync import run_jira
from storylint.store import open_store

HOW = "As a shopper I want X so that Y.\n\nAdd a column to the carts table in PostgreSQL."
JQL = "project = PAY AND statusCategory != Done"


def _fill(fake: FakeJira, n: int) -> None:
    for i in range(1, n + 1):
        fake.add_issue(f"PAY-{i}", f"Story {i}", HOW, reporter="u1")


def _between_pages(fake: FakeJira, search: int, change: Callable[[], object]) -> None:
    """Run `change` once, just before the `search`-th search is answered."""

    def hook(n: int) -> None:
        if n == search:
            change()

    fake.on_search = hook


def _storylint(fake: FakeJira, db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "storylint", "jira", "--server", fake.url, "--jql", JQL, "--format", "json",
           "--fail-on", "never", "--store", str(db)]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=env_for(fake), cwd=cwd, timeout=120, check=False)


def test_cli_issue_done_between_pages_skips_nothing(server: FakeJira, tmp_path: Path) -> None:
    """The nightly-run defect, through the real CLI: PAY-5 is done between page 1 and 2."""
    _fill(server, 250)
    _between_pages(server, 2, lambda: server.finish("PAY-5"))
    db = tmp_path / "h.db"
    first = _storylint(server, db, tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    linted = {f["story"] for f in report["findings"]}
    assert "PAY-101" in linted  # the issue that slid across the page edge
    assert linted == {f"PAY-{i}" for i in range(1, 251)}  # PAY-5 was read on page 1, before it left
    assert report["summary"]["stories_checked"] == 250
    server.on_search = None
    second = _storylint(server, db, tmp_path)  # nothing in scope changed: nothing to lint
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["summary"]["stories_checked"] == 0


def test_many_leave_including_the_last_issue_read(server: FakeJira) -> None:
    """The issue a page is anchored on leaves too, and more than one page edge's worth ahead
    of it: paging steps back (doubling) until it starts on an issue already read."""
    _fill(server, 300)
    gone = ["PAY-100", "PAY-99", "PAY-3", "PAY-40", "PAY-41", "PAY-77"]
    _between_pages(server, 2, lambda: [server.finish(k) for k in gone])
    conn = connector_for(server, jql=JQL)
    keys = [s.key for s in conn.stories()]
    assert keys == [f"PAY-{i}" for i in range(1, 301)]  # read in order, each once
    assert conn.stats.rewinds >= 3 and conn.stats.calls <= 10


def test_the_whole_rest_of_the_first_page_leaves(server: FakeJira) -> None:
    """A page asked for beyond the shrunken result list comes back empty: that is a shift,
    not the end of the search; the step back reaches the issues not read yet."""
    _fill(server, 150)
    _between_pages(server, 2, lambda: [server.finish(f"PAY-{i}") for i in range(1, 101)])
    conn = connector_for(server, jql=JQL)
    keys = [s.key for s in conn.stories()]
    assert keys == [f"PAY-{i}" for i in range(1, 151)]
    assert conn.stats.calls <= 12


def test_issues_that_join_ahead_of_the_page_are_not_read_twice(server: FakeJira) -> None:
    """Issues that join the query before the page edge push read issues into the next page;
    those are read once (a repeated story would be linted and counted twice)."""
    _fill(server, 200)
    old = datetime.now(UTC) - timedelta(days=30)  # created before every other issue

    def join() -> None:
        for i in range(1, 4):
            server.add_issue(f"PAY-90{i}", f"Joined {i}", HOW, reporter="u1", updated=old)

    _between_pages(server, 2, join)
    conn = connector_for(server, jql=JQL)
    keys = [s.key for s in conn.stories()]
    assert len(keys) == len(set(keys)) == 200
    assert keys == [f"PAY-{i}" for i in range(1, 201)]


def test_one_issue_pages_hold_the_sync_point(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A server that sends one issue a page leaves no overlap to check a shift against: the
    run cannot tell whether it skipped one, so the next run must read the window again."""
    fake = FakeJira("server", pat="pat-SECRET-456", server_page_cap=1).serve()
    store = open_store(str(tmp_path / "h.db"))
    try:
        _fill(fake, 3)
        conn = connector_for(fake, Sleeps(), jql=JQL)
        with caplog.at_level(logging.WARNING, logger="storylint"):
            outcome = run_jira(conn, StubLinter(), store=store)
        assert outcome.read == 3 and not outcome.advanced
        assert store.sync_point(conn.name) is None
        assert "could not check that no issue was skipped" in caplog.text
    finally:
        store.close()
        fake.close()


def test_in_a_users_order_an_edited_issue_is_no_anchor(server: FakeJira) -> None:
    """`ORDER BY updated`: an edit (our own comment, say) moves an issue read to the end. If
    it lands where the next page starts, it proves nothing about the issues before it: here
    page 1's other issues left, and the 99 issues not read yet slid in front of it."""
    _fill(server, 200)

    def change() -> None:
        for i in range(1, 100):
            server.finish(f"PAY-{i}")
        server.finish("PAY-101")
        server.touch("PAY-100")  # the last issue read is edited: it moves to the end

    _between_pages(server, 2, change)
    conn = connector_for(server, jql=f"{JQL} ORDER BY updated ASC")
    keys = [s.key for s in conn.stories()]
    assert keys == [f"PAY-{i}" for i in range(1, 101)] + [f"PAY-{i}" for i in range(102, 201)]
