"""The nightly run: incremental with a store (SQLite and PostgreSQL), crash and resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakejira import FakeJira, adf_doc, status
from jira_helpers import PAT, TOKEN, Sleeps, StubLinter, connector_for

from storylint.connectors.jira import window_start
from storylint.connectors.jira_search import split_order_by, windowed_jql
from storylint.connectors.jira_sync import run_jira, run_jira_issues
from storylint.store import open_store


def _fill(fake: FakeJira, n: int, start: int = 1) -> None:
    for i in range(start, start + n):
        text = f"As a buyer I want receipts. Use PostgreSQL {i}" if i % 3 == 0 else f"As a buyer I want receipt {i}."
        fake.add_issue(f"PAY-{i}", f"Story {i}", adf_doc(text) if fake.cloud else text, reporter="u1")


def _run(fake: FakeJira, store, *, full: bool = False, linter: StubLinter | None = None, **kw):
    linter = linter or StubLinter()
    conn = connector_for(fake, Sleeps(), **kw)
    outcome = run_jira(conn, linter, store=store, full=full)
    return outcome, linter, conn


def test_no_change_run_makes_one_search_call_and_lints_nothing(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 230)
    store = open_store(store_url)
    try:
        first, linter1, _ = _run(fake, store)
        assert len(linter1.linted) == 230 and first.search_calls == 3
        assert first.report.summary.stories_checked == 230 and first.advanced
        calls_before = fake.calls["search"]
        second, linter2, _ = _run(fake, store)
        assert fake.calls["search"] - calls_before == 1 and second.search_calls == 1
        assert linter2.linted == [] and second.report.summary.stories_checked == 0
        assert 'updated >= "' in second.jql
        runs = store.runs()
        assert [r.status for r in runs] == ["ok", "ok"] and runs[-1].stories_checked == 0
        assert store.totals()["stories"] == 230
    finally:
        store.close()


def test_changed_story_is_relinted_once(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 150)
    store = open_store(store_url)
    try:
        _run(fake, store)
        fake.touch("PAY-7", description=adf_doc("Now with an endpoint") if fake.cloud else "Now with an endpoint")
        fake.touch("PAY-8")  # updated, same content: read again, not linted again
        outcome, linter, _ = _run(fake, store)
        assert linter.linted == ["PAY-7"]
        assert outcome.search_calls == 1 and outcome.read == 2 and outcome.unchanged == 1
        row = {s["story"]: s for s in store.stories()}["PAY-7"]
        assert row["findings"] == 1 and row["status"] == "findings"
        assert [f["story"] for f in store.current_findings() if f["story"] == "PAY-7"] == ["PAY-7"]
        assert store.current_findings()[0]["url"].startswith(fake.url + "/browse/")
    finally:
        store.close()


def test_full_rereads_and_relints_everything(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 120)
    store = open_store(store_url)
    try:
        _run(fake, store)
        outcome, linter, _ = _run(fake, store, full=True)
        assert len(linter.linted) == 120 and outcome.search_calls == 2
        assert "updated >=" not in outcome.jql
    finally:
        store.close()


def test_full_run_is_complete_issues_gone_from_jira_stop_counting(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 6)  # PAY-3 and PAY-6 have findings
    store = open_store(store_url)
    try:
        _run(fake, store)
        del fake.issues["PAY-3"]  # deleted in Jira (or moved out of the query)
        fake.touch("PAY-1")
        _run(fake, store)  # an incremental run sees only what changed: it removes nothing
        assert store.totals()["stories"] == 6
        outcome, _, _ = _run(fake, store, full=True)
        assert outcome.report.errors == [] and outcome.read == 5
        live = {s["story"] for s in store.stories()}
        assert live == {"PAY-1", "PAY-2", "PAY-4", "PAY-5", "PAY-6"}
        gone = {s["story"]: s for s in store.stories(removed=True)}["PAY-3"]
        assert gone["removed_run_id"] == store.runs()[-1].id
        assert store.totals()["stories"] == 5 and store.totals()["with_findings"] == 1
        assert {f["story"] for f in store.current_findings()} == {"PAY-6"}
        assert store.runs()[-1].totals["stories"] == 5
        # named issues (`--issue KEY --full`) are never the whole query: nothing else goes
        run_jira_issues(connector_for(fake, Sleeps()), StubLinter(), ["PAY-1"], store=store, full=True)
        assert store.totals()["stories"] == 5
    finally:
        store.close()


def test_run_that_dies_half_way_keeps_finished_stories(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 250)
    store = open_store(store_url)
    try:
        fake.fail("search", *([status(200)] * 0))
        # page 1 fine, page 2 fails for good (transient, retries exhausted)
        conn = connector_for(fake, Sleeps(), attempts=2)
        original = conn.caller.call
        pages = {"n": 0}

        def call(what, fn, *a, **k):
            if what == "search":
                pages["n"] += 1
                if pages["n"] == 2:
                    fake.fail("search", status(503), status(503))
            return original(what, fn, *a, **k)

        conn.caller.call = call  # type: ignore[method-assign]
        linter = StubLinter()
        # the read ends with one error; the report keeps what was read (exit 2 in the CLI)
        failed = run_jira(conn, linter, store=store)
        assert [e.source for e in failed.report.errors] == [conn.name]
        assert "HTTP 503" in failed.report.errors[0].message
        assert len(linter.linted) == 100 and failed.report.summary.stories_checked == 100
        assert store.sync_point(conn.name) is None and not failed.advanced  # not advanced
        assert store.runs()[-1].errors == 1
        assert len(store.stories()) == 100
        # the next run does only the rest
        outcome, linter2, _ = _run(fake, store)
        assert len(linter2.linted) == 150 and set(linter2.linted).isdisjoint(linter.linted)
        assert outcome.advanced and store.runs()[-1].status == "ok"
    finally:
        store.close()


def test_sync_point_stays_when_a_later_run_fails(fake: FakeJira, store_url: str) -> None:
    _fill(fake, 10)
    store = open_store(store_url)
    try:
        first, _, conn = _run(fake, store)
        point = store.sync_point(conn.name)
        assert point == first.sync_point
        fake.fail("search", status(400, {"errorMessages": ["bad jql"], "errors": {}}))
        failed, _, _ = _run(fake, store)
        assert "bad jql" in failed.report.errors[0].message and not failed.advanced
        assert store.sync_point(conn.name) == point
    finally:
        store.close()


def test_sources_are_kept_apart_by_server_and_jql(fake: FakeJira, tmp_path) -> None:
    _fill(fake, 5)
    store = open_store(str(tmp_path / "h.db"))
    try:
        _run(fake, store, jql="project = PAY")
        outcome, linter, _ = _run(fake, store, jql="project = PAY AND type = Story")
        assert len(linter.linted) == 5 and "updated >=" not in outcome.jql
    finally:
        store.close()


def test_window_is_in_the_users_zone_and_overlapped() -> None:
    # 2026-07-01 12:00:30 UTC is 14:00 in Berlin (summer); minus 15 min margin
    assert window_start("2026-07-01T12:00:30+00:00", ZoneInfo("Europe/Berlin"), timedelta(minutes=15)) == "2026/07/01 13:45"
    assert window_start("2026-01-01T12:00:00+00:00", ZoneInfo("America/New_York"), timedelta(0)) == "2026/01/01 07:00"
    # unknown zone: widen by the largest UTC offset
    assert window_start("2026-01-02T12:00:00+00:00", None, timedelta(0)) == "2026/01/01 22:00"


def test_window_catches_an_update_in_the_minute_of_the_sync_point(fake: FakeJira, tmp_path) -> None:
    _fill(fake, 3)
    store = open_store(str(tmp_path / "h.db"))
    try:
        _, _, conn = _run(fake, store)
        # an edit in the same minute as (and just before) the recorded sync point
        point = datetime.fromisoformat(store.sync_point(conn.name))
        fake.issues["PAY-2"]["updated"] = point - timedelta(seconds=1)
        fake.issues["PAY-2"]["summary"] = "Edited"
        _outcome, linter, _ = _run(fake, store)
        assert linter.linted == ["PAY-2"]
    finally:
        store.close()


def test_user_jql_order_by_is_kept() -> None:
    assert split_order_by('project = "ORDER BY x" ORDER BY rank') == ('project = "ORDER BY x"', "ORDER BY rank")
    assert windowed_jql("project = PAY order by created DESC", "2026/01/01 10:00") == (
        '(project = PAY) AND updated >= "2026/01/01 10:00" order by created DESC'
    )
    assert windowed_jql("project = PAY", None) == "(project = PAY) ORDER BY created ASC, key ASC"


@pytest.mark.parametrize(
    ("where", "order"),
    [
        # an escaped double quote does not end the string: its ORDER BY is text
        (r'project = PAY AND summary ~ "\"order by\" price"', "ORDER BY rank"),
        # the same with single quotes
        (r"project = PAY AND summary ~ 'it\'s order by design'", "ORDER BY key DESC"),
        # an escaped backslash before the closing quote: the string ends there
        (r'summary ~ "C:\\" AND description ~ "order by"', "order by created"),
        # an escaped backslash, then an escaped quote: the string goes on
        (r'summary ~ "x\\\"order by\\\" y"', "ORDER BY rank"),
        # an escaped quote outside quotes starts no string
        (r"summary ~ don\'t", "ORDER BY rank"),
        # no ORDER BY of the user's at all
        (r'summary ~ "\"order by\""', ""),
    ],
)
def test_split_order_by_with_escaped_quotes(where: str, order: str) -> None:
    jql = f"{where} {order}".strip()
    assert split_order_by(jql) == (where, order)
    windowed = windowed_jql(jql, "2026/01/01 00:00")
    assert windowed == f'({where}) AND updated >= "2026/01/01 00:00" {order or "ORDER BY created ASC, key ASC"}'


def test_no_token_in_the_store(fake: FakeJira, tmp_path) -> None:
    _fill(fake, 5)
    path = tmp_path / "h.db"
    store = open_store(str(path))
    try:
        _run(fake, store)
    finally:
        store.close()
    for file in tmp_path.iterdir():
        data = file.read_bytes()
        assert TOKEN.encode() not in data and PAT.encode() not in data


def test_server_time_is_the_sync_point(fake: FakeJira, tmp_path) -> None:
    store = open_store(str(tmp_path / "h.db"))
    try:
        before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
        outcome, _, _ = _run(fake, store)
        point = datetime.fromisoformat(outcome.sync_point)
        assert before <= point <= datetime.now(UTC) + timedelta(seconds=1)
    finally:
        store.close()


def test_unreadable_issue_is_an_error_record_and_holds_the_sync_point(fake: FakeJira, tmp_path) -> None:
    _fill(fake, 3)
    fake.issues["PAY-2"]["summary"] = 12345  # not text: the mapping rejects it
    store = open_store(str(tmp_path / "h.db"))
    try:
        outcome, linter, conn = _run(fake, store)
        assert sorted(linter.linted) == ["PAY-1", "PAY-3"]
        assert len(outcome.report.errors) == 1 and "PAY-2" in outcome.report.errors[0].source
        assert not outcome.advanced and store.sync_point(conn.name) is None
        fake.issues["PAY-2"]["summary"] = "Fixed"
        fake.touch("PAY-2")
        outcome, linter, _ = _run(fake, store)
        assert linter.linted == ["PAY-2"] and outcome.advanced
    finally:
        store.close()


def test_edit_during_the_run_does_not_shift_a_page(server: FakeJira, tmp_path) -> None:
    _fill(server, 250)
    conn = connector_for(server, Sleeps())
    original = conn.caller.call
    pages = {"n": 0}

    def call(what, fn, *a, **k):
        if what == "search":
            pages["n"] += 1
            if pages["n"] == 2:
                server.touch("PAY-5", summary="edited while we read")  # moves to the end by `updated`
        return original(what, fn, *a, **k)

    conn.caller.call = call  # type: ignore[method-assign]
    keys = [s.key for s in conn.stories()]
    assert sorted(keys) == sorted(f"PAY-{i}" for i in range(1, 251)) and len(keys) == 250


def test_fault_storm_during_a_nightly_run_lints_each_story_exactly_once(fake: FakeJira, store_url: str) -> None:
    from fakejira import Fault

    _fill(fake, 420)
    storm = [status(429, Retry_After="1"), status(500), Fault("html"), Fault("truncated"), Fault("reset"),
             Fault("slow", delay=0.6), status(502), Fault("notjson"), status(503, Retry_After="0"), Fault("empty")]  # fmt: skip
    fake.fail("search", *storm)
    fake.fail("serverInfo", status(503), Fault("reset"))
    fake.fail("field", Fault("html", 502))
    store = open_store(store_url)
    try:
        linter = StubLinter()
        conn = connector_for(fake, Sleeps(), timeout=0.4, attempts=12)
        outcome = run_jira(conn, linter, store=store)
        assert sorted(linter.linted) == sorted(f"PAY-{i}" for i in range(1, 421))
        assert len(linter.linted) == 420 and outcome.advanced
        assert conn.caller.retries >= len(storm) + 3
        again, linter2, _ = _run(fake, store)
        assert linter2.linted == [] and again.search_calls == 1
    finally:
        store.close()
