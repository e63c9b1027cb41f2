"""Write-back: one comment per issue updated in place, resolved when clean; labels; dry-run."""

from __future__ import annotations

import json

import pytest
from fakejira import FakeJira, adf_doc, status
from jira_helpers import Sleeps, StubLinter, connector_for

from storylint.connectors.jira_sync import run_jira
from storylint.connectors.jira_writeback import (
    MARKER,
    JiraWriteBack,
    check_label,
    comment_adf,
    comment_wiki,
)
from storylint.errors import ConfigError
from storylint.model import Finding
from storylint.store import open_store


def _desc(fake: FakeJira, text: str):
    return adf_doc(text) if fake.cloud else text


def _run(fake: FakeJira, store=None, **wb):
    conn = connector_for(fake, Sleeps())
    echoed: list[str] = []
    writeback = JiraWriteBack(conn, echo=echoed.append, **wb)
    outcome = run_jira(conn, StubLinter(), store=store, writeback=writeback)
    return outcome, writeback, echoed


def test_comment_created_then_updated_in_place_then_resolved(fake: FakeJira, tmp_path) -> None:
    fake.add_issue("PAY-1", "Receipts", _desc(fake, "Store it in PostgreSQL"), reporter="u1")
    fake.add_issue("PAY-2", "Clean", _desc(fake, "As a buyer I want a receipt"), reporter="u1")
    store = open_store(str(tmp_path / "h.db"))
    try:
        _run(fake, store, comment=True)
        comments = fake.comments["PAY-1"]
        assert len(comments) == 1 and "PAY-2" not in fake.comments or fake.comments["PAY-2"] == []
        body = comments[0]["body"]
        if fake.cloud:
            assert isinstance(body, dict) and body["type"] == "doc"
            assert any(c["type"] == "bulletList" for c in body["content"])
        else:
            assert isinstance(body, str) and "* TE01" in body
        assert MARKER in json.dumps(body)
        # the author adds more HOW: same comment, new text
        fake.touch("PAY-1", description=_desc(fake, "Store it in PostgreSQL behind an endpoint"))
        _run(fake, store, comment=True)
        assert len(fake.comments["PAY-1"]) == 1
        assert "2 suggestion(s)" in json.dumps(fake.comments["PAY-1"][0]["body"])
        # the story becomes clean: the comment says so, still one
        fake.touch("PAY-1", description=_desc(fake, "As a buyer I want a receipt"))
        _run(fake, store, comment=True)
        assert len(fake.comments["PAY-1"]) == 1
        assert "no longer prescribes implementation" in json.dumps(fake.comments["PAY-1"][0]["body"])
    finally:
        store.close()


def test_unchanged_comment_is_not_rewritten(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    _run(fake, comment=True)
    puts_before = sum(1 for m, p in fake.requests if m == "PUT")
    _, wb, _ = _run(fake, comment=True)  # no store: lints again, same findings
    assert sum(1 for m, p in fake.requests if m == "PUT") == puts_before and wb.writes == 0
    assert len(fake.comments["PAY-1"]) == 1


def test_label_added_and_removed(fake: FakeJira, tmp_path) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    store = open_store(str(tmp_path / "h.db"))
    try:
        _run(fake, store, label="storylint-how")
        assert fake.issues["PAY-1"]["labels"] == ["storylint-how"]
        fake.touch("PAY-1", description=_desc(fake, "As a buyer I want a receipt"))
        _run(fake, store, label="storylint-how")
        assert fake.issues["PAY-1"]["labels"] == []
    finally:
        store.close()


def test_dry_run_writes_nothing_and_says_what_it_would(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    _, _, echoed = _run(fake, comment=True, label="storylint-how", dry_run=True)
    assert fake.comments.get("PAY-1", []) == [] and fake.issues["PAY-1"]["labels"] == []
    assert not any(m in ("POST", "PUT") for m, _ in fake.requests)
    assert echoed[0] == "dry-run: would add the storylint comment on PAY-1 (1 finding(s)):"
    assert echoed[-1] == "dry-run: would add label storylint-how on PAY-1"
    body = "\n".join(echoed[1:-1])
    assert "TE01" in body and "React" in body and MARKER in body
    assert all(line.startswith("    ") or not line for line in echoed[1:-1])


def test_comment_write_is_retried_without_duplicates(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    fake.fail("comment", status(503), status(429, Retry_After="0"))
    _run(fake, comment=True)
    assert len(fake.comments["PAY-1"]) == 1


def test_finds_marker_beyond_the_first_comment_page(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    _run(fake, comment=True)
    ours = fake.comments["PAY-1"].pop()
    filler = adf_doc("a human comment") if fake.cloud else "a human comment"
    fake.comments["PAY-1"].extend({"id": str(i), "body": filler} for i in range(150))
    fake.comments["PAY-1"].append(ours)
    fake.touch("PAY-1", description=_desc(fake, "Use React and PostgreSQL"))
    _run(fake, comment=True)
    assert sum(MARKER in json.dumps(c["body"]) for c in fake.comments["PAY-1"]) == 1


@pytest.mark.parametrize("name", ["needs review", "", "a\tb"])
def test_label_with_spaces_is_rejected(name: str) -> None:
    with pytest.raises(ConfigError):
        check_label(name)


def test_comment_text_escapes_wiki_markup() -> None:
    f = Finding(story="P-1", rule="TC01", name="technology-choice", category="technology", severity="warning",
                message="names {code}", excerpt="[link|http://x] *bold* {{mono}}", suggestion="Say why.")  # fmt: skip
    wiki = comment_wiki([f])
    assert "\\{code\\}" in wiki and "\\[link\\|http://x\\]" in wiki and "\\*bold\\*" in wiki
    adf = comment_adf([f])
    assert adf["version"] == 1 and adf["type"] == "doc"


# -- whose comment is it (the marker alone is not enough) ------------------------------------


def _human_text(fake: FakeJira, text: str):
    return adf_doc(text) if fake.cloud else text


@pytest.mark.parametrize("admin", [False, True])
def test_a_users_comment_quoting_the_marker_is_not_taken_over(fake: FakeJira, tmp_path, admin: bool) -> None:
    fake.admin = admin  # an admin account could overwrite it; a normal one gets 403
    fake.add_user("u2", "Dana Dev")
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    human = fake.add_comment("PAY-1", _human_text(fake, f"Why does {MARKER} flag this?"), author="u2")
    store = open_store(str(tmp_path / "h.db"))
    try:
        outcome, _, _ = _run(fake, store, comment=True)
        assert outcome.report.errors == [] and outcome.advanced
        comments = fake.comments["PAY-1"]
        assert len(comments) == 2 and comments[0] is human
        assert f"Why does {MARKER} flag this?" in json.dumps(human["body"])  # untouched
        ours = comments[1]
        assert (ours["author"].get("accountId") or ours["author"].get("name")) == fake.bot
        # the next change updates the bot's own comment, still not the user's
        fake.touch("PAY-1", description=_desc(fake, "Use React and PostgreSQL"))
        _run(fake, store, comment=True)
        assert len(fake.comments["PAY-1"]) == 2 and "2 suggestion(s)" in json.dumps(ours["body"])
        assert f"Why does {MARKER} flag this?" in json.dumps(human["body"])
    finally:
        store.close()


def test_myself_is_read_once_per_run(fake: FakeJira, tmp_path) -> None:
    for n in range(1, 4):
        fake.add_issue(f"PAY-{n}", "R", _desc(fake, "Use React"), reporter="u1")
    store = open_store(str(tmp_path / "h.db"))
    try:
        _run(fake, store, comment=True)
        fake.touch("PAY-2", description=_desc(fake, "Use React and PostgreSQL"))
        before = fake.calls["myself"]
        _run(fake, store, comment=True)  # with a sync point: the time zone comes from the same call
        assert fake.calls["myself"] - before == 1
    finally:
        store.close()


@pytest.mark.parametrize("what", ["comment", "label"])
def test_a_refused_write_costs_that_issue_only(fake: FakeJira, tmp_path, what: str) -> None:
    for n in range(1, 4):
        fake.add_issue(f"PAY-{n}", "R", _desc(fake, "Use React"), reporter="u1")
    fake.refuse_writes.add("PAY-2")
    store = open_store(str(tmp_path / "h.db"))
    try:
        wb = {"comment": True} if what == "comment" else {"label": "storylint-how"}
        held = fake.issues["PAY-2"]["updated"].isoformat(timespec="seconds")
        outcome, _, _ = _run(fake, store, **wb)
        assert [e.source for e in outcome.report.errors] == [f"{fake.url}/browse/PAY-2"]
        message = outcome.report.errors[0].message
        assert "HTTP 403" in message and "PAY-2" in message and TOKEN_FREE(message)
        assert outcome.report.summary.stories_checked == 3
        # the sync point moves no further than PAY-2's last update, so the next run retries it
        assert outcome.advanced and store.sync_point(outcome_source(fake)) == held
        if what == "comment":
            assert len(fake.comments["PAY-1"]) == 1 and len(fake.comments["PAY-3"]) == 1
            assert not fake.comments.get("PAY-2")
        else:
            assert fake.issues["PAY-1"]["labels"] == ["storylint-how"] == fake.issues["PAY-3"]["labels"]
            assert fake.issues["PAY-2"]["labels"] == []
    finally:
        store.close()


def test_other_write_errors_cost_that_issue_only(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    fake.add_issue("PAY-2", "R", _desc(fake, "Use React"), reporter="u1")
    fake.fail("comment:POST", status(404, {"errorMessages": ["Issue does not exist"], "errors": {}}))
    outcome, _, _ = _run(fake, comment=True)
    assert len(outcome.report.errors) == 1 and "HTTP 404" in outcome.report.errors[0].message
    assert len(fake.comments["PAY-2"]) == 1


def TOKEN_FREE(text: str) -> bool:
    from jira_helpers import PAT, TOKEN

    return TOKEN not in text and PAT not in text


def outcome_source(fake: FakeJira) -> str:
    return f"jira:{fake.url}|project = PAY"


def test_without_myself_no_comment_is_written_and_labels_still_are(fake: FakeJira, tmp_path) -> None:
    fake.add_issue("PAY-1", "R", _desc(fake, "Use React"), reporter="u1")
    fake.add_issue("PAY-2", "R", _desc(fake, "Use React"), reporter="u1")
    fake.add_comment("PAY-1", _human_text(fake, f"{MARKER}? what is that"), author="u2")
    fake.fail("myself", status(403))
    oldest = fake.issues["PAY-1"]["updated"].isoformat(timespec="seconds")  # before the label write
    store = open_store(str(tmp_path / "h.db"))
    try:
        outcome, _, _ = _run(fake, store, comment=True, label="storylint-how")
        assert len(outcome.report.errors) == 1
        assert outcome.report.errors[0].source == fake.url and "comments not written" in outcome.report.errors[0].message
        assert len(fake.comments["PAY-1"]) == 1 and not fake.comments.get("PAY-2")
        assert fake.issues["PAY-2"]["labels"] == ["storylint-how"]
        # no comment could be written: the sync point holds at the oldest story, both retried
        assert outcome.sync_point == oldest
        again, _, _ = _run(fake, store, comment=True, label="storylint-how")
        assert again.report.errors == [] and again.report.summary.stories_checked == 2
        assert len(fake.comments["PAY-1"]) == 2 and len(fake.comments["PAY-2"]) == 1
    finally:
        store.close()


def test_comment_since_forms() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from storylint.connectors.jira_writeback import parse_since

    assert parse_since("2025-06-01") == datetime(2025, 6, 1, tzinfo=UTC)
    assert parse_since("2025-06-01T10:30") == datetime(2025, 6, 1, 10, 30, tzinfo=UTC)
    assert parse_since("2025-06-01T10:30Z") == datetime(2025, 6, 1, 10, 30, tzinfo=UTC)
    assert parse_since("2025-06-01T10:30:00+02:00") == datetime(2025, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    with pytest.raises(ConfigError, match="--comment-since"):
        parse_since("June 1st")


# -- a failed write is retried by the next nightly run (SQLite and PostgreSQL) -----------------


@pytest.mark.parametrize("fault", ["403", "500"])
def test_a_failed_write_holds_the_sync_point_and_is_retried_next_run(
    fake: FakeJira, store_url: str, fault: str
) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    for n in range(1, 4):  # PAY-2 is the oldest-but-one: the sync point must stop at it
        fake.add_issue(f"PAY-{n}", "R", _desc(fake, "Use React"), reporter="u1", updated=now - timedelta(hours=10 - n))
    if fault == "403":
        fake.refuse_writes.add("PAY-2")
    store = open_store(store_url)
    try:
        conn = connector_for(fake, Sleeps(), attempts=3)
        writeback = JiraWriteBack(conn, comment=True)
        if fault == "500":  # Jira fails PAY-2's writes on every attempt
            fake.broken_writes.add("PAY-2")
        outcome = run_jira(conn, StubLinter(), store=store, writeback=writeback)
        assert [e.source for e in outcome.report.errors] == [f"{fake.url}/browse/PAY-2"]
        assert "PAY-2" in outcome.report.errors[0].message
        assert outcome.report.summary.stories_checked == 3  # the others linted, written, saved
        assert len(fake.comments["PAY-1"]) == 1 and len(fake.comments["PAY-3"]) == 1
        assert {s["story"] for s in store.stories()} == {"PAY-1", "PAY-2", "PAY-3"}
        source = outcome_source(fake)
        assert store.sync_point(source) == fake.issues["PAY-2"]["updated"].isoformat(timespec="seconds")

        # Jira accepts the write again: the next run writes PAY-2's coaching, and only that
        fake.refuse_writes.clear()
        fake.broken_writes.clear()
        linter = StubLinter()
        conn = connector_for(fake, Sleeps(), attempts=3)
        writeback = JiraWriteBack(conn, comment=True)
        again = run_jira(conn, linter, store=store, writeback=writeback)
        assert again.report.errors == [] and linter.linted == ["PAY-2"]
        assert len(fake.comments["PAY-2"]) == 1
        assert len(fake.comments["PAY-1"]) == 1 and len(fake.comments["PAY-3"]) == 1
        assert store.sync_point(source) > fake.issues["PAY-3"]["updated"].isoformat(timespec="seconds")
        # and the night after is quiet
        linter, conn = StubLinter(), connector_for(fake, Sleeps())
        quiet = run_jira(conn, linter, store=store, writeback=JiraWriteBack(conn, comment=True))
        assert quiet.report.errors == [] and linter.linted == []
    finally:
        store.close()
