"""The PostgreSQL store (psycopg 3) against a real server: STORYLINT_TEST_POSTGRES_URL.

Skipped with a visible reason when the variable is unset on a developer machine; a
failure when CI=true (``.ci/run`` starts one with ``scripts/start-postgres.sh``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jira_helpers import postgres_url

from storylint.errors import ConfigError
from storylint.model import Finding, Report, Skipped, Story, StoryResult
from storylint.store import open_store
from storylint.store.postgres import PostgresStore
from storylint.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[PostgresStore]:
    gen = postgres_url()
    url = next(gen)
    store = open_store(url)
    assert isinstance(store, PostgresStore)
    try:
        yield store
    finally:
        store.close()
        gen.close()


def _finding(story: str, rule: str = "TC01") -> Finding:
    return Finding(story=story, rule=rule, name="technology-choice", category="technology", severity="warning",
                   message="m", excerpt="PostgreSQL", suggestion="s", url=f"https://j/browse/{story}")  # fmt: skip


def test_schema_is_created_and_versioned(pg: PostgresStore) -> None:
    assert pg.schema_version() == SCHEMA_VERSION
    again = open_store(pg.url)  # opening twice does not migrate twice
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_runs_stories_findings_and_totals(pg: PostgresStore) -> None:
    source = "jira:https://j|project = PAY"
    first = pg.begin_run(source, "jira")
    second = pg.begin_run(source, "jira")
    assert second == first + 1
    story = Story(id="1", key="PAY-1", title="t", url="https://j/browse/PAY-1")
    clean = Story(id="2", key="PAY-2", title="t")
    other = Story(id="3", key="PAY-3", title="t")
    report = Report()
    for result in (StoryResult(story, [_finding("PAY-1"), _finding("PAY-1", "DM01")]), StoryResult(clean),
                   StoryResult(other, [], Skipped("PAY-3", "not a PM"))):  # fmt: skip
        pg.save_result(second, source, result, "hash-" + result.story.ref)
        report.add(result)
    pg.finish_run(second, source, report, stories_read=3)
    assert pg.content_hashes(source) == {"PAY-1": "hash-PAY-1", "PAY-2": "hash-PAY-2", "PAY-3": "hash-PAY-3"}
    assert pg.totals(source) == {"stories": 3, "clean": 1, "with_findings": 1, "skipped": 1, "findings": 2,
                                 "by_category": {"technology": 2}}  # fmt: skip
    run = pg.runs(source)[-1]
    assert run.id == second and run.status == "ok" and run.stories_checked == 2 and run.findings == 2
    assert run.by_category == {"technology": 2} and run.totals["stories"] == 3
    assert [f["rule"] for f in pg.current_findings(source)] == ["TC01", "DM01"]
    # re-linting replaces, never adds
    pg.save_result(second, source, StoryResult(story, [_finding("PAY-1")]), "hash-2")
    assert len(pg.current_findings(source)) == 1 and pg.content_hashes(source)["PAY-1"] == "hash-2"


def test_sync_points(pg: PostgresStore) -> None:
    assert pg.sync_point("a") is None
    pg.set_sync_point("a", "2026-11-27T00:00:00+00:00")
    pg.set_sync_point("a", "2026-11-28T00:00:00+00:00")
    pg.set_sync_point("b", "x")
    assert pg.sync_point("a") == "2026-11-28T00:00:00+00:00" and pg.sync_point("b") == "x"


def test_unreachable_server_is_a_config_error_without_the_password() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ConfigError) as info:
        open_store(f"postgresql://bob:hunter2-SECRET@127.0.0.1:{port}/x?connect_timeout=2")
    assert "hunter2-SECRET" not in str(info.value) + repr(info.value)
    assert "bob:***@127.0.0.1" in str(info.value)


def test_stores_opened_at_once_migrate_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    gen = postgres_url()
    url = next(gen)
    try:
        def open_and_close(_: int) -> int:
            store = open_store(url)
            try:
                return store.schema_version()
            finally:
                store.close()

        with ThreadPoolExecutor(max_workers=6) as pool:
            assert list(pool.map(open_and_close, range(6))) == [SCHEMA_VERSION] * 6
        store = open_store(url)
        try:
            rows = store._execute("SELECT COUNT(*) FROM storylint_schema").fetchone()
            assert rows[0] == 1
        finally:
            store.close()
    finally:
        gen.close()


def test_a_failed_save_leaves_no_half_story(pg: PostgresStore) -> None:
    source = "s"
    run = pg.begin_run(source, "jira")
    good = StoryResult(Story(id="1", key="PAY-1", title="t"), [_finding("PAY-1")])
    pg.save_result(run, source, good, "h1")
    bad = StoryResult(Story(id="2", key="PAY-2", title="t"), [_finding("PAY-2"), _finding("PAY-2")])
    bad.findings[1].excerpt = None  # type: ignore[assignment]  # NOT NULL: the second insert fails
    with pytest.raises(Exception, match="null"):
        pg.save_result(run, source, bad, "h2")
    assert pg.content_hashes(source) == {"PAY-1": "h1"}
    assert [f["story"] for f in pg.current_findings(source)] == ["PAY-1"]
    pg.save_result(run, source, StoryResult(Story(id="3", key="PAY-3", title="t")), "h3")  # still usable
    assert set(pg.content_hashes(source)) == {"PAY-1", "PAY-3"}
