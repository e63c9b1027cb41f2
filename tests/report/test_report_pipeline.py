"""The report over results made by the real pipeline: the real Linter, check_stories, the store,
and `storylint check --format json` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storylint import report_data as rd
from storylint.config import Config
from storylint.engine import Linter
from storylint.model import Story
from storylint.reporters import html_report
from storylint.runner import check_stories
from storylint.store import open_store
from tests.report.report_browser import dump_dom, parse_dom

HOW = {
    "P-1": (
        "Add a `delivery_status` column to the `orders` table",
        "Create a migration that adds the column with a default of `pending`.",
    ),
    "P-2": (
        "New promo banner",
        "Show the banner in a 12px rounded box with 16px padding and text colour #FF5722, top-right of the page.",
    ),
    "P-3": (
        "Live vote counters",
        "We should push vote updates over Socket.IO and keep the counters in Redis.",
    ),
    "P-4": (
        "Contribution scores",
        (
            "1. Create a migration for the scores table\n2. Add a service that computes the score nightly\n"
            "3. Wire the endpoint to the dashboard component\n4. Deploy to staging behind a feature flag"
        ),
    ),
}
WHAT = (
    "As a shopper I want to see where my order is, so that I know when to be home.\n\n"
    "## Acceptance criteria\n- Given a shipped order, when I open it, then I see its delivery status."
)
AUTHORS = {
    "P-1": "Dana Scully",
    "P-2": "Fox Mulder",
    "P-3": "Dana Scully",
    "P-4": "Walter Skinner",
    "P-5": "Fox Mulder",
    "P-6": "Dana Scully",
}


def story(ref: str, title: str, body: str, project: str = "SHOP") -> dict[str, Any]:
    return {
        "id": ref,
        "key": ref,
        "title": title,
        "body": body,
        "type": "Story",
        "project": project,
        "author": AUTHORS.get(ref, "Monica Reyes"),
        "url": f"https://jira.example.com/browse/{ref}",
    }


def run1_items() -> list[dict[str, Any]]:
    items = [story(ref, t, b) for ref, (t, b) in HOW.items()]
    items += [
        story("P-5", "Track my order", WHAT),
        story("P-6", "Reorder a past basket", WHAT, project="APP"),
    ]
    return items


def run2_items() -> list[dict[str, Any]]:
    # P-1 and P-3 rewritten as outcomes; P-7 new with HOW
    return [
        story("P-1", "Delivery status on my orders", WHAT),
        story("P-3", "Live vote counters", WHAT),
        story(
            "P-7",
            "Nightly report",
            "Run a cron job at 2am that writes a CSV to the S3 bucket.",
            project="APP",
        ),
    ]


@pytest.fixture
def pipeline_db(tmp_path: Path) -> Path:
    db = tmp_path / "pipeline.db"
    linter = Linter(Config())
    store = open_store(str(db))
    try:
        for items in (run1_items(), run2_items()):
            check_stories((Story(**i) for i in items), linter, store=store, source="jira:SHOP")
    finally:
        store.close()
    return db


def test_dataset_matches_store_after_real_runs(pipeline_db: Path) -> None:
    store = open_store(str(pipeline_db))
    try:
        totals = store.totals()
        runs = store.runs()
        current = store.current_findings()
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    assert totals["findings"] > 0 and len(runs) == 2
    h = d["headline"]
    assert h["findings"] == totals["findings"] == len(current)
    assert h["with_findings"] == totals["with_findings"]
    assert h["clean"] == totals["clean"] and h["checked"] == totals["stories"] - totals["skipped"]
    assert h["by_category"] == totals["by_category"]
    assert [p["findings"] for p in d["trend"]] == [r.totals["findings"] for r in runs]
    assert d["trend"][1]["clean"] > d["trend"][0]["clean"]  # two stories were rewritten
    assert h["delta"]["findings"] == runs[1].totals["findings"] - runs[0].totals["findings"]
    for key in ("by_author", "by_project", "by_rule"):
        assert sum(r["findings"] for r in d[key]) == totals["findings"]
    stories_with = {f["story"] for f in current}
    assert {"P-1", "P-3"}.isdisjoint(stories_with) and {"P-2", "P-4", "P-7"} <= stories_with
    assert {w["story"] for w in d["worst"]} == stories_with
    assert all(w["url"] == f"https://jira.example.com/browse/{w['story']}" for w in d["worst"])


def test_html_of_real_runs_in_chromium(chromium: str, pipeline_db: Path, tmp_path: Path) -> None:
    store = open_store(str(pipeline_db))
    try:
        totals = store.totals()
        page_text = html_report.render(rd.build_dataset(rd.load_store(store)))
    finally:
        store.close()
    page = tmp_path / "pipeline.html"
    page.write_text(page_text, encoding="utf-8")
    dom = parse_dom(dump_dom(chromium, page))
    assert dom.root.get("data-errors") == "0", dom.by_id("script-errors").text
    fig = dom.figures()
    assert fig["findings"] == str(totals["findings"])
    assert fig["with_findings"] == str(totals["with_findings"])
    assert dom.by_id("findings").attrs["data-rows"] == str(totals["findings"])


def test_report_from_check_json_outputs(tmp_path: Path) -> None:
    summaries = []
    paths = []
    for i, items in enumerate((run1_items(), run1_items()[1:]), 1):
        src = tmp_path / f"stories{i}.jsonl"
        src.write_text("\n".join(json.dumps(x) for x in items) + "\n", encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "storylint", "check", str(src), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
        assert proc.returncode == 1, proc.stderr  # findings
        out = tmp_path / f"run{i}.json"
        out.write_text(proc.stdout, encoding="utf-8")
        summaries.append(json.loads(proc.stdout)["summary"])
        paths.append(out)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "storylint",
            "report",
            *map(str, paths),
            "-o",
            "-",
            "--format",
            "markdown",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    s1, s2 = summaries
    assert (
        f"**{s2['stories_checked']}** stories checked" in proc.stdout
        and f"**{s2['findings']}** findings" in proc.stdout
    ), proc.stdout
    assert f"findings {s2['findings'] - s1['findings']:+,}" in proc.stdout
