"""The role-boundary rate: stories prescribing HOW out of stories checked, first.

The headline must equal a recount from `storylint check --format json` of the same
stories and from the store itself; hygiene gaps never count toward it; the store keeps
per-run totals per project and author (schema 4), also in a store made before them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storylint import report_data as rd
from storylint.model import HOW_CATEGORIES, SEVERITY_RANK
from storylint.reporters import digest
from storylint.store import open_store
from storylint.store.schema import SCHEMA_VERSION
from tests.report.report_browser import dump_dom, parse_dom
from tests.report.report_fixtures import History, jira_story, record_run, run1, run3

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "stories.jsonl"
SENTENCE = re.compile(r"^Stories prescribing HOW: ([\d,]+) of ([\d,]+) \((\d+\.\d) %\)$")


def storylint(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc


def recount(result: dict[str, Any], min_severity: str = "info", min_conf: float = 0.0) -> str:
    """The headline from `check --format json`, counted here by hand."""
    how = {
        f["story"]
        for f in result["findings"]
        if f["category"] in HOW_CATEGORIES
        and SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[min_severity]
        and f["confidence"] >= min_conf
    }
    checked = result["summary"]["stories_checked"]
    return f"Stories prescribing HOW: {len(how)} of {checked} ({len(how) / checked * 100:.1f} %)"


def first_line(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.strip() and not line.startswith("#"))


@pytest.fixture
def stories_v2(tmp_path: Path) -> Path:
    """The examples with EX-1 rewritten as an outcome and one new story naming a table."""
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        item = json.loads(line)
        if item["id"] == "EX-1":
            item["title"] = "Customers can see where their delivery is"
            item["body"] = (
                "As a customer I want to see the delivery status of my order,"
                " so that I know when to be home.\n\nAcceptance criteria:\n"
                "- Given an order that has shipped, when I open it, then I see its status."
            )
        out.append(json.dumps(item))
    out.append(
        json.dumps(
            {
                "id": "EX-99",
                "title": "Add a `last_seen` column to the `users` table",
                "body": "Create a migration that adds the column.",
                "type": "Story",
            }
        )
    )
    path = tmp_path / "v2.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def two_runs(db: Path, v2: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The examples, then v2 in the same file (one source), both into the store."""
    same = v2.parent / "stories.jsonl"
    for text in (EXAMPLES.read_text(encoding="utf-8"), v2.read_text(encoding="utf-8")):
        same.write_text(text, encoding="utf-8")
        proc = storylint("check", "--store", str(db), *extra, str(same))
        assert proc.returncode in (0, 1), proc.stderr
    return proc


@pytest.mark.parametrize(
    ("min_severity", "min_conf"), [("info", 0.0), ("warning", 0.9), ("error", 0.0)]
)
def test_headline_equals_recount_from_check_json(
    tmp_path: Path, stories_v2: Path, min_severity: str, min_conf: float
) -> None:
    db = tmp_path / "h.db"
    proc = two_runs(db, stories_v2, "--format", "json")
    result = json.loads(proc.stdout)
    expected = recount(result, min_severity, min_conf)
    out = tmp_path / "d.md"
    opts = ["--min-severity", min_severity, "--min-confidence", str(min_conf)]
    proc = storylint("report", "--store", str(db), "-o", str(out), *opts)
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    assert SENTENCE.match(first_line(md)), first_line(md)
    assert first_line(md) == expected
    html = tmp_path / "r.html"
    assert storylint("report", "--store", str(db), "-o", str(html), *opts).returncode == 0
    page = html.read_text(encoding="utf-8")
    assert f'data-figure="how">{expected}<' in page
    # the page says which threshold it used
    assert "Counted: " in page and (min_severity == "info" or f"severity {min_severity}" in page)


def test_hygiene_never_lowers_the_headline(tmp_path: Path) -> None:
    """A story lacking only acceptance criteria is hygiene, not HOW."""
    db = tmp_path / "h.db"
    assert storylint("check", "--store", str(db), str(EXAMPLES)).returncode in (0, 1)
    store = open_store(str(db))
    try:
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    result = json.loads(storylint("check", "--format", "json", str(EXAMPLES)).stdout)
    assert d["how"]["sentence"] == recount(result)
    hyg = {
        cat: len({f["story"] for f in result["findings"] if f["category"] == cat})
        for cat in ("missing_outcome", "missing_acceptance_criteria")
    }
    assert {c: r["count"] for c, r in d["hygiene"].items()} == hyg
    assert hyg["missing_acceptance_criteria"] > 0
    # stories with hygiene findings only are not HOW stories
    how = {f["story"] for f in result["findings"] if f["category"] in HOW_CATEGORIES}
    only_hygiene = {f["story"] for f in result["findings"]} - how
    assert only_hygiene and d["how"]["count"] == len(how)


def test_what_changed_lists_began_and_stopped(tmp_path: Path, stories_v2: Path) -> None:
    db = tmp_path / "h.db"
    two_runs(db, stories_v2)
    store = open_store(str(db))
    try:
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    c = d["changes"]
    assert [s["story"] for s in c["began"]] == ["EX-99"]
    assert [s["story"] for s in c["stopped"]] == ["EX-1"]
    assert d["how"]["change"]["count"] == 0
    md = digest.render(d)
    assert "1 story began to prescribe HOW, 1 stopped" in md


def test_results_files_headline_and_changes(tmp_path: Path, stories_v2: Path) -> None:
    """Without a store: each `check --format json` output is a run."""
    paths = []
    for i, source in enumerate((EXAMPLES, stories_v2), 1):
        proc = storylint("check", "--format", "json", str(source))
        assert proc.returncode in (0, 1), proc.stderr
        paths.append(tmp_path / f"run{i}.json")
        paths[-1].write_text(proc.stdout, encoding="utf-8")
    out = tmp_path / "d.md"
    proc = storylint("report", *map(str, paths), "-o", str(out), "--min-confidence", "0.9")
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    result = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert first_line(md) == recount(result, "info", 0.9)
    d = rd.build_dataset(rd.load_results([str(p) for p in paths]))
    assert [s["story"] for s in d["changes"]["began"]] == ["EX-99"]
    assert [s["story"] for s in d["changes"]["stopped"]] == ["EX-1"]


def test_project_and_author_trends_are_exact(history: History) -> None:
    """Per-run totals per project and author: --project trends count that project only."""
    store = history.open()
    try:
        rows = store.run_totals(scope="project")
        d = rd.build_dataset(rd.load_store(store, project="ACME"))
    finally:
        store.close()
    assert {(run, name) for run, _, _, name, _ in rows} == {
        (1, "ACME"),
        (2, "acme/web"),
        (3, "ACME"),
    }
    # ACME: run 1: ACME-1, 2, 5, 6 of 5 checked; run 3: ACME-1 fixed, ACME-7 new: 4 of 6
    assert [(p["count"], p["checked"]) for p in d["how"]["trend"]] == [(4, 5), (4, 5), (4, 6)]
    fox = next(
        r
        for r in rd.build_dataset(rd.load_store(history.open()))["coaching"]["projects"]
        if r["name"] == "ACME"
    )
    assert fox["trend"] == [0.8, 0.8, round(4 / 6, 4)]


def test_small_authors_are_grouped_not_ranked(tmp_path: Path) -> None:
    from storylint.model import StoryResult
    from tests.report.report_fixtures import finding

    db = tmp_path / "c.db"
    store = open_store(str(db))
    results = []
    for n in range(1, 7):  # Ann: 6 stories, 3 prescribe
        s = jira_story(n, "Ann")
        results.append(
            StoryResult(s, [finding(s, "DM01", "data_model", "error", "a table")] if n % 2 else [])
        )
    s = jira_story(50, "Bob")  # Bob: one story
    results.append(StoryResult(s, [finding(s, "TE01", "technology", "warning", "Redis")]))
    record_run(store, "jira:ACME", results)
    d = rd.build_dataset(rd.load_store(store))
    key, _ = rd.pseudonym_key(store)
    alias = rd.make_aliaser(key)
    pd = rd.build_dataset(rd.load_store(store), alias=alias)
    store.close()
    c = d["coaching"]
    assert [r["name"] for r in c["authors"]] == ["Ann"]
    assert c["authors"][0]["share"] == 0.5 and c["authors"][0]["top_categories"] == ["data_model"]
    assert [s["story"] for s in c["authors"][0]["stories"]] == ["ACME-1", "ACME-3", "ACME-5"]
    assert c["authors_grouped"]["authors"] == 1 and c["authors_grouped"]["how"] == 1
    # pseudonymized: the same view under aliases, no real name anywhere
    text = json.dumps(pd["coaching"])
    assert "Ann" not in text and "Bob" not in text
    assert pd["coaching"]["authors"][0]["name"] == alias("Ann")
    assert pd["coaching"]["authors"][0]["trend"] == [0.5]


def test_author_trend_within_a_project(tmp_path: Path) -> None:
    """With --project, an author's inline trend counts that project's stories only."""
    from storylint.model import StoryResult
    from tests.report.report_fixtures import finding

    store = open_store(str(tmp_path / "p.db"))
    results = []
    for n in range(1, 13):  # Ann: 6 stories in ACME (3 prescribe HOW), 6 clean in SHOP
        s = jira_story(n, "Ann")
        if n > 6:
            s = s.model_copy(update={"key": f"SHOP-{n}", "project": "SHOP"})
        how = n <= 6 and n % 2 == 1
        results.append(
            StoryResult(s, [finding(s, "DM01", "data_model", "error", "a table")] if how else [])
        )
    record_run(store, "jira:ALL", results)
    everywhere = rd.build_dataset(rd.load_store(store))["coaching"]["authors"]
    in_acme = rd.build_dataset(rd.load_store(store, project="ACME"))["coaching"]["authors"]
    store.close()
    assert [(r["name"], r["share"], r["trend"]) for r in everywhere] == [("Ann", 0.25, [0.25])]
    assert [(r["name"], r["share"], r["trend"]) for r in in_acme] == [("Ann", 0.5, [0.5])]


def _schema3(db: Path) -> None:
    """Turn a store into one written before schema 4 (no per-run totals)."""
    conn = sqlite3.connect(db)
    for table in ("run_totals", "webhook_queue", "webhook_linted"):  # what schemas 4 and 5 added
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE storylint_schema SET version = 3")
    conn.commit()
    conn.close()


def test_upgrading_a_schema_3_store(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = open_store(str(db))
    record_run(store, "jira:ACME", run1())
    store.close()
    _schema3(db)
    store = open_store(str(db))  # migrates to 4
    try:
        assert store.schema_version() == SCHEMA_VERSION >= 4
        assert store.run_totals() == []
        d = rd.build_dataset(rd.load_store(store))
        # the current headline is exact; the old run has no recorded rate
        assert d["how"]["sentence"] == "Stories prescribing HOW: 4 of 5 (80.0 %)"
        assert d["how"]["trend"][0]["count"] is None
        record_run(store, "jira:ACME", run3())
        d = rd.build_dataset(rd.load_store(store))
        assert [p["count"] for p in d["how"]["trend"]] == [None, 4]
        assert d["how"]["change"] is None and d["changes"] is None
    finally:
        store.close()
    out = tmp_path / "r.md"
    assert storylint("report", "--store", str(db), "-o", str(out)).returncode == 0
    assert first_line(out.read_text(encoding="utf-8")) == "Stories prescribing HOW: 4 of 6 (66.7 %)"


# -- in the browser -------------------------------------------------------------------------


def _page_headline(chromium: str, page: Path) -> str:
    dom = parse_dom(dump_dom(chromium, page))
    assert dom.root.get("data-errors") == "0", dom.by_id("script-errors").text
    assert dom.root.get("data-state") == "ready"
    return dom.figures()["how"]


def _store_recount(db: Path) -> str:
    conn = sqlite3.connect(db)
    checked = conn.execute(
        "SELECT COUNT(*) FROM stories WHERE removed_run_id IS NULL AND status <> 'skipped'"
    ).fetchone()[0]
    cats = ",".join(f"'{c}'" for c in HOW_CATEGORIES)
    how = conn.execute(
        f"SELECT COUNT(DISTINCT source || '/' || story) FROM findings WHERE category IN ({cats})"
    ).fetchone()[0]
    conn.close()
    return f"Stories prescribing HOW: {how} of {checked} ({how / checked * 100:.1f} %)"


@pytest.mark.chromium
def test_browser_headline_equals_store_recount(
    chromium: str, history: History, tmp_path: Path
) -> None:
    page = tmp_path / "r.html"
    assert storylint("report", "--store", history.url, "-o", str(page)).returncode == 0
    assert _page_headline(chromium, page) == _store_recount(history.path)
    dom = parse_dom(dump_dom(chromium, page))
    assert dom.by_id("coach-projects").attrs["class"] == "coach"


@pytest.mark.chromium
def test_browser_authorless_and_single_run(chromium: str, tmp_path: Path) -> None:
    db = tmp_path / "files.db"  # files carry no author: an authorless run, and a single one
    assert storylint("check", "--store", str(db), str(EXAMPLES)).returncode in (0, 1)
    page = tmp_path / "r.html"
    assert storylint("report", "--store", str(db), "-o", str(page)).returncode == 0
    assert _page_headline(chromium, page) == _store_recount(db)
    html = page.read_text(encoding="utf-8")
    assert "The change appears once there are two runs." in html


@pytest.mark.chromium
@pytest.mark.slow
def test_browser_50k_findings_headline(
    chromium: str, tmp_path: Path, worst_case_dataset: dict[str, Any]
) -> None:
    from storylint.reporters import html_report

    page = tmp_path / "big.html"
    page.write_text(html_report.render(worst_case_dataset), encoding="utf-8")
    how = worst_case_dataset["how"]
    assert _page_headline(chromium, page) == how["sentence"]
    assert how["count"] > 0 and how["checked"] is not None


@pytest.mark.chromium
def test_first_screen_holds_headline_trend_and_coaching(
    chromium: str, tmp_path: Path, artifacts: Path
) -> None:
    """At 1400 x 900 the headline, its trend and the coaching view need no scrolling."""
    from storylint.model import StoryResult
    from tests.report.report_browser import screenshot
    from tests.report.report_fixtures import finding

    db = tmp_path / "five.db"
    store = open_store(str(db))
    names = ["Dana Scully", "Fox Mulder", "Walter Skinner", "Monica Reyes", "John Doggett"]
    for run in range(3):
        results = []
        for n in range(60):
            s = jira_story(n, names[n % 5])
            how = (n + run) % (7 + run) == 0
            results.append(
                StoryResult(
                    s, [finding(s, "DM01", "data_model", "error", "a table")] if how else []
                )
            )
        record_run(store, "jira:ACME", results)
    store.close()
    page = tmp_path / "r.html"
    assert storylint("report", "--store", str(db), "-o", str(page)).returncode == 0
    dom = parse_dom(dump_dom(chromium, page, width=1400))
    assert dom.root.get("data-errors") == "0", dom.by_id("script-errors").text
    check = dom.by_id("self-check").attrs
    for key in ("data-headline-bottom", "data-trend-bottom", "data-coach-row-bottom"):
        assert 0 < int(check[key]) <= 900, (key, check[key])
    screenshot(chromium, page, artifacts / "report-first-screen.png", width=1400, height=900)
