"""The store's current state is the input as it is now: one source per input, stories
gone from a complete run stop counting, a story that turns clean shows as fixed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylint import report_data as rd
from storylint.model import Report, Story, StoryResult
from storylint.store import open_store
from tests.report.report_fixtures import finding, jira_story, record_run

STORY = "As a shopper I want to see my order status so that I know when it arrives."
CLEAN = (
    STORY
    + "\n\nAcceptance criteria:\n- Given an order, when I open the orders page, then I see it."
)
HOW = STORY + "\n\nAcceptance criteria:\n- Add a column `status` to the users table."


def storylint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def write(path: Path, **bodies: str) -> Path:
    path.write_text(
        "".join(
            json.dumps({"id": k, "title": f"Story {k}", "body": b}) + "\n"
            for k, b in bodies.items()
        ),
        encoding="utf-8",
    )
    return path


def dataset(db: Path) -> dict[str, Any]:
    store = open_store(str(db), create=False)
    try:
        return rd.build_dataset(rd.load_store(store))
    finally:
        store.close()


def test_report_counts_the_latest_input_and_shows_fixed_stories(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write(a, S1=HOW, S2=HOW, S3=CLEAN)
    assert storylint("check", str(a), "--store", str(db)).returncode == 1
    write(a, S1=CLEAN, S3=CLEAN)  # S1 fixed, S2 removed from the input
    assert storylint("check", str(a), "--store", str(db)).returncode == 0
    write(b, S9=HOW)  # another input: another source, which removes nothing of a's
    assert storylint("check", str(b), "--store", str(db)).returncode == 1

    d = dataset(db)
    h = d["headline"]
    assert (h["checked"], h["clean"], h["with_findings"], h["findings"]) == (3, 2, 1, 1)
    assert h["fixed"] == 1
    assert [(s["story"], s["findings_before"]) for s in d["fixed"]] == [("S1", 1)]
    assert {p["source"] for p in d["trend"]} == {f"files:{a}", f"files:{b}"}
    assert d["trend"][-1]["checked"] == 3 and d["trend"][-1]["findings"] == 1

    proc = storylint("report", "--store", str(db), "-o", "-", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert [r["story"] for r in csv.DictReader(io.StringIO(proc.stdout))] == ["S9"]
    proc = storylint("report", "--store", str(db), "-o", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<tr data-story="S1">' in page and 'data-figure="checked">3<' in page
    proc = storylint("report", "--store", str(db), "-o", "-", "--format", "markdown")
    assert "**Stories fixed** (1: had findings, clean now)" in proc.stdout
    assert "**3** stories checked" in proc.stdout


def test_removal_needs_a_complete_run_without_input_errors(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "h.db"))
    try:
        s1, s2 = jira_story(1, "Dana"), jira_story(2, "Fox")
        record_run(store, "jira:ACME", [StoryResult(s1, [finding(s1, "DM01", "data_model", "error", "x")]),
                                        StoryResult(s2, [])])  # fmt: skip
        record_run(store, "jira:ACME", [StoryResult(s2, [])])  # incremental: s1 unchanged, not read
        assert store.totals()["stories"] == 2 and store.totals()["findings"] == 1

        def complete_run(results: list[StoryResult], *, errors: bool = False) -> None:
            run_id = store.begin_run("jira:ACME", "jira")
            report = Report()
            for r in results:
                report.add(r)
                store.save_result(run_id, "jira:ACME", r, "h")
            if errors:
                from storylint.model import Problem

                report.errors.append(Problem("jira", "page 3 failed"))
            store.finish_run(run_id, "jira:ACME", report, stories_read=len(results), complete=True)

        complete_run([StoryResult(s2, [])], errors=True)  # an error: s1 may just be unread
        assert store.totals()["stories"] == 2
        complete_run([StoryResult(s2, [])])
        assert store.totals() == {"stories": 1, "clean": 1, "with_findings": 0, "skipped": 0,
                                  "findings": 0, "by_category": {}}  # fmt: skip
        assert store.content_hashes("jira:ACME") == {"ACME-2": "h"}
        assert {s["story"] for s in store.stories(removed=True)} == {"ACME-1", "ACME-2"}
        complete_run([StoryResult(s1, []), StoryResult(s2, [])])  # back, and clean: not "fixed"
        assert store.totals()["stories"] == 2
        assert [s["fixed_run_id"] for s in store.stories()] == [None, None]
    finally:
        store.close()


def test_two_complete_runs_at_once_keep_each_others_stories(tmp_path: Path) -> None:
    """A nightly run that overran into the next: both read the same input at the same time.
    Neither may take the stories the other saved for stories gone from the input (once, the
    first to finish marked 2,934 of 3,000 removed)."""
    store = open_store(str(tmp_path / "h.db"))
    try:
        stories = [jira_story(i, "Dana") for i in range(1, 5)]
        results = [StoryResult(s, [finding(s, "DM01", "data_model", "error", "x")]) for s in stories]

        def save(run_id: int, report: Report, chosen: list[StoryResult]) -> None:
            for r in chosen:
                report.add(r)
                store.save_result(run_id, "files:a", r, "h")

        first, second = store.begin_run("files:a", "check"), store.begin_run("files:a", "check")
        report_1, report_2 = Report(), Report()
        save(second, report_2, results[:2])  # the later run gets ahead on the first stories
        save(first, report_1, results)
        store.finish_run(first, "files:a", report_1, stories_read=4, complete=True)
        assert store.totals()["stories"] == 4 and store.totals()["findings"] == 4
        save(second, report_2, results[2:])
        store.finish_run(second, "files:a", report_2, stories_read=4, complete=True)
        assert store.totals()["stories"] == 4 and store.totals()["findings"] == 4
        assert {s["run_id"] for s in store.stories()} == {second}  # a story's run only grows

        third = store.begin_run("files:a", "check")  # on its own, a run still removes
        save(third, Report(), results[:3])
        store.finish_run(third, "files:a", Report(), stories_read=3, complete=True)
        assert store.totals()["stories"] == 3
    finally:
        store.close()


def test_a_story_read_twice_in_a_run_is_named(tmp_path: Path) -> None:
    """The store keeps one row per story: two stories with one id (two README.md files in
    two folders, a line an export repeated) keep the last, and the run says so once."""
    for team, body in (("a", HOW), ("b", CLEAN)):
        (tmp_path / "md" / team).mkdir(parents=True)
        (tmp_path / "md" / team / "README.md").write_text(f"# Story\n\n{body}\n", encoding="utf-8")
    proc = storylint("check", str(tmp_path / "md"), "--store", str(tmp_path / "h.db"))
    warnings = [line for line in proc.stderr.splitlines() if "appears more than once" in line]
    assert len(warnings) == 1 and "story README" in warnings[0] and "README.md" in warnings[0], proc.stderr
    stories = write(tmp_path / "s.jsonl", S1=HOW, S2=CLEAN)
    stories.write_text(stories.read_text(encoding="utf-8") * 3, encoding="utf-8")  # every line three times
    proc = storylint("check", str(stories), "--store", str(tmp_path / "h.db"))
    assert sorted(line.split(" appears")[0] for line in proc.stderr.splitlines()) == [
        "storylint: WARNING: story S1", "storylint: WARNING: story S2"]  # fmt: skip
    assert storylint("check", str(stories)).stderr == ""  # no store, nothing lost: no word


def test_unchanged_stories_of_a_complete_incremental_run_are_kept(tmp_path: Path) -> None:
    from storylint.engine import Linter
    from storylint.runner import check_stories

    linter = Linter()
    stories = [Story(id=str(i), title=f"t{i}", body=CLEAN, source="files") for i in (1, 2)]
    store = open_store(str(tmp_path / "h.db"))
    try:
        check_stories(stories, linter, store=store, source="files:x", complete=True)
        _, stats = check_stories(
            stories[:1], linter, store=store, source="files:x", complete=True, skip_unchanged=True
        )
        assert stats.unchanged == 1
        assert [s["story"] for s in store.stories()] == ["1"]
    finally:
        store.close()


def test_by_rule_describes_the_rule_and_confidence_has_two_decimals(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "h.db"))
    try:
        s1 = jira_story(1, "Dana")
        f = finding(s1, "DM01", "data_model", "error", "add a column")
        f.confidence = 0.1 * 8.5  # 0.8500000000000001
        record_run(store, "jira:ACME", [StoryResult(s1, [f])])
    finally:
        store.close()
    db = str(tmp_path / "h.db")
    proc = storylint("report", "--store", db, "-o", "-", "--format", "csv")
    assert [r["confidence"] for r in csv.DictReader(io.StringIO(proc.stdout))] == ["0.85"]
    proc = storylint("report", "--store", db, "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])
    (row,) = data["by_rule"]
    assert row["description"] == "The story dictates tables, columns, indexes or migrations."
    assert "prescribes HOW" not in json.dumps(data["by_rule"])  # not one finding's message


def test_files_source_names_the_inputs(tmp_path: Path) -> None:
    from storylint.runner import files_source

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    os.chdir(tmp_path)
    assert files_source(["a.jsonl", str(b)]) == files_source([str(b), str(a)]) == f"files:{a},{b}"
    assert files_source([]) == files_source(["-"]) == "files:-"
    assert files_source(["-"], "acme") == files_source(["a.jsonl", str(b)], " acme ") == "files:acme"
    many = files_source([str(tmp_path / f"{i:04d}.jsonl") for i in range(100)])
    assert many.startswith(f"files:{tmp_path / '0000.jsonl'} and 99 more (") and len(many) < 200


def test_a_named_source_keeps_pipelines_apart_and_a_changing_file_list_together(tmp_path: Path) -> None:
    """Two nightly jobs that pipe different projects into one store: stdin is one source, so
    the second run counts the first one's stories removed, unless each names its history
    with --source; and a nightly whose file list grows keeps its history with it."""
    db = str(tmp_path / "s.db")

    def run(ref: str, *extra: str, path: str = "-") -> None:
        line = json.dumps({"id": ref, "title": "Add a `paid_at` column to the `invoices` table"}) + "\n"
        if path != "-":
            (tmp_path / path).write_text(line, encoding="utf-8")
            path = str(tmp_path / path)
        proc = subprocess.run([sys.executable, "-m", "storylint", "check", path, "--store", db, "--fail-on", "never",
                               *extra], input=line, capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stderr

    def current() -> set[str]:
        store = open_store(db, create=False)
        try:
            return {row[0] for row in store._read("SELECT story FROM stories WHERE removed_run_id IS NULL")}
        finally:
            store.close()

    run("ACME-1", "--stdin-filename", "acme.jsonl")
    run("SHOP-1", "--stdin-filename", "shop.jsonl")  # one source, files:-, as before: ACME-1 removed
    assert current() == {"SHOP-1"}
    run("ACME-2", "--source", "acme")
    run("SHOP-2", "--source", "shop")
    assert current() == {"SHOP-1", "ACME-2", "SHOP-2"}
    run("ACME-3", "--source", "acme", path="a.jsonl")  # the same history, read from a file now
    assert current() == {"SHOP-1", "ACME-3", "SHOP-2"}


def test_an_empty_source_name_is_refused(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "storylint", "check", "-", "--store", str(tmp_path / "s.db"),
                           "--source", " "], input="", capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.endswith("Error: --source needs a name for the input's history (e.g. --source nightly-acme)\n")
    assert not (tmp_path / "s.db").exists()


@pytest.fixture(autouse=True)
def _keep_cwd() -> Iterator[None]:
    cwd = os.getcwd()
    yield
    os.chdir(cwd)
