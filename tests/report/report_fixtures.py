"""Helpers and fixtures for the report tests: a real SQLite store with a known history.

The history is written through the store's own API (begin_run / save_result /
finish_run), the way `storylint.runner.check_stories` writes it, with hand-made results
whose numbers the tests can reason about. Story text includes hostile content: script
tags, javascript: links, spreadsheet formulas and @-mentions.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storylint.model import Author, Finding, Report, Skipped, Story, StoryResult
from storylint.report_data import ReportInput
from storylint.store import Store, open_store

XSS_AUTHOR = "<script>document.title='pwned-author'</script>"
XSS_EXCERPT = "</script><img id=pwned src=x onerror=\"document.title='pwned'\"><script>document.title='pwned2'</script>"
FORMULA_EXCERPT = '=HYPERLINK("http://evil.example/x","click")'

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def finding(
    story: Story,
    rule: str,
    category: str,
    severity: str,
    excerpt: str,
    *,
    line: int = 1,
    suggestion: str = "Describe the outcome the user needs.",
) -> Finding:
    names = {
        "DM01": "schema-change",
        "UI01": "pixel-layout",
        "TE01": "named-technology",
        "IS01": "step-by-step",
        "AC01": "missing-acceptance-criteria",
    }
    return Finding(
        story=story.ref,
        rule=rule,
        name=names.get(rule, rule.lower()),
        category=category,
        severity=severity,
        message=f"{names.get(rule, rule)} prescribes HOW",
        excerpt=excerpt,
        suggestion=suggestion,
        line=line,
        column=1,
        end_line=line,
        end_column=len(excerpt) + 1,
        confidence=0.9,
        url=story.url,
        author=story.author.name if story.author else None,
        project=story.project,
    )


def jira_story(n: int, author: str, *, title: str = "A story", url: str | None = None) -> Story:
    return Story(
        id=str(10000 + n),
        key=f"ACME-{n}",
        title=title,
        body="As a user I want...",
        project="ACME",
        url=url if url is not None else f"https://acme.atlassian.net/browse/ACME-{n}",
        author=Author(name=author, id=f"acc-{author[:3]}"),
        type="Story",
        source="jira",
    )


def gh_story(n: int, author: str) -> Story:
    return Story(
        id=str(n),
        key=f"acme/web#{n}",
        title=f"Issue {n}",
        project="acme/web",
        url=f"https://github.com/acme/web/issues/{n}",
        author=Author(login=author, name=author),
        source="github",
    )


def record_run(store: Store, source: str, results: list[StoryResult]) -> int:
    """One run as check_stories records it: begin, save each result, finish with the report."""
    run_id = store.begin_run(source, "check")
    report = Report()
    for result in results:
        report.add(result)
        store.save_result(run_id, source, result, f"hash-{result.story.ref}-{len(result.findings)}")
    store.finish_run(run_id, source, report, stories_read=len(results))
    return run_id


def run1() -> list[StoryResult]:
    s1 = jira_story(1, "Dana Scully", title="Users can see their order status")
    s2 = jira_story(2, "Fox Mulder")
    s3 = jira_story(3, "Dana Scully")
    s4 = jira_story(4, "Fox Mulder")
    s5 = jira_story(5, XSS_AUTHOR, title="<b>bold</b> & <i>title</i>", url="javascript:alert(1)")
    s6 = jira_story(6, "Walter Skinner")
    return [
        StoryResult(
            s1,
            [
                finding(
                    s1,
                    "DM01",
                    "data_model",
                    "error",
                    "add a column `status` to the users table",
                    line=3,
                ),
                finding(
                    s1,
                    "UI01",
                    "ui_spec",
                    "warning",
                    "a 12px blue button in the top-right corner",
                    line=5,
                ),
            ],
        ),
        StoryResult(s2, [finding(s2, "TE01", "technology", "warning", "use Redis for the cache")]),
        StoryResult(s3, []),
        StoryResult(s4, [], Skipped(story=s4.ref, reason="type Bug is out of scope")),
        StoryResult(s5, [finding(s5, "IS01", "implementation_steps", "info", XSS_EXCERPT)]),
        StoryResult(
            s6,
            [
                finding(
                    s6,
                    "TE01",
                    "technology",
                    "warning",
                    FORMULA_EXCERPT,
                    suggestion="@here -cmd|' /C calc'!A0",
                )
            ],
        ),
    ]


def run2() -> list[StoryResult]:
    g1, g2, g3 = gh_story(1, "octocat"), gh_story(2, "octocat"), gh_story(3, "Dana Scully")
    return [
        StoryResult(
            g1,
            [
                finding(g1, "DM01", "data_model", "error", "new table `events`"),
                finding(g1, "AC01", "missing_acceptance_criteria", "warning", ""),
            ],
        ),
        StoryResult(g2, []),
        StoryResult(g3, [finding(g3, "UI01", "ui_spec", "warning", "a modal with two tabs")]),
    ]


def run3() -> list[StoryResult]:
    # ACME-1 was rewritten and is clean now; ACME-7 is new.
    s1 = jira_story(1, "Dana Scully", title="Users can see their order status")
    s7 = jira_story(7, "Fox Mulder")
    return [
        StoryResult(s1, []),
        StoryResult(
            s7, [finding(s7, "IS01", "implementation_steps", "warning", "first call the API, then")]
        ),
    ]


@dataclass
class History:
    path: Path
    url: str

    def open(self) -> Store:
        return open_store(self.url)

    def totals(self) -> dict[str, Any]:
        store = self.open()
        try:
            return store.totals()
        finally:
            store.close()


def build_history(path: Path) -> History:
    store = open_store(str(path))
    try:
        record_run(store, "jira:ACME", run1())
        record_run(store, "github:acme/web", run2())
        record_run(store, "jira:ACME", run3())
    finally:
        store.close()
    return History(path, str(path))


@pytest.fixture
def history(tmp_path: Path) -> History:
    return build_history(tmp_path / "history.db")


@pytest.fixture
def result_files(tmp_path: Path) -> list[Path]:
    """Two `check --format json` outputs, written with the real JSON reporter."""
    from storylint.reporters import RenderContext
    from storylint.reporters.json_format import render

    paths = []
    for i, results in enumerate((run1(), run1()[1:]), 1):
        report = Report()
        for r in results:
            report.add(r)
        p = tmp_path / f"run{i}.json"
        p.write_text(render(report, RenderContext(version="test")), encoding="utf-8")
        os.utime(p, (1_780_000_000 + i * 86400, 1_780_000_000 + i * 86400))
        paths.append(p)
    return paths


def chromium_path() -> str | None:
    """$STORYLINT_CHROMIUM when set (and only it), else the usual places."""
    if "STORYLINT_CHROMIUM" in os.environ:
        forced = os.environ["STORYLINT_CHROMIUM"]
        return forced if os.access(forced, os.X_OK) else None
    for candidate in (
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "CI=true but no chromium found: run scripts/install-chromium.sh (Debian package `chromium`)"
            )
        pytest.skip(
            "chromium not installed: run scripts/install-chromium.sh (Debian package `chromium`)"
        )
    return path


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    yield ARTIFACTS


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def worst_case_input(n: int = 50_000) -> ReportInput:
    """n findings on n/2 stories, every excerpt and title long: the size budget's worst case."""
    findings = [
        {
            "source": "jira",
            "story": f"PROJ{i // 2 % 50}-{i // 2}",
            "rule": f"R{i % 40:02d}",
            "name": f"rule-{i % 40}",
            "category": "technology",
            "severity": ("error", "warning", "info")[i % 3],
            "confidence": 0.9,
            "message": f"message {i % 40}",
            "excerpt": f"{i} " + "lorem ipsum dolor sit amet " * 8,
            "suggestion": f"suggestion {i % 40}",
            "field": "body",
            "line": i % 90,
            "column": 1,
            "url": f"https://tracker.example.com/browse/PROJ{i // 2 % 50}-{i // 2}",
            "author": f"Person {i % 3000}",
            "project": f"PROJ{i // 2 % 50}",
        }
        for i in range(n)
    ]
    stories = [
        {
            "source": "jira",
            "story": f"PROJ{s % 50}-{s}",
            "title": f"{s} " + "a very long story title " * 10,
            "url": f"https://tracker.example.com/browse/PROJ{s % 50}-{s}",
            "author": f"Person {s % 3000}",
            "project": f"PROJ{s % 50}",
            "status": "findings",
        }
        for s in range(n // 2)
    ]
    return ReportInput(
        kind="store", label="worst case", runs=[], findings=findings, stories=stories
    )


@pytest.fixture(scope="session")
def worst_case_dataset() -> dict[str, Any]:
    """The dataset of `worst_case_input()`, built once for the tests that need it."""
    from storylint.report_data import build_dataset

    return build_dataset(worst_case_input())
