"""Benchmark: `storylint report` over a store holding 50,000 current findings.

Builds a SQLite store through the store API (8 runs: 5 that add 5,000 stories each,
3 that re-check 1,000 stories each and clear one finding per story, so the trend moves),
renders the HTML report, and loads it in headless Chromium.

Prints: findings, build/aggregate/render times, HTML size (limit 5 MB), and the
browser figures written into the page by its own script (`performance.now()` since
navigation start): `data-render-ms` when the script has drawn every table's first page,
`data-paint-ms` after the first frame; plus the wall time of the whole headless run
(browser start included). Target: under 2 s.

    .venv/bin/python benchmarks/report_scale.py [--findings 50000] [--keep DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storylint import report_data as rd
from storylint.model import Author, Finding, Report, Story, StoryResult
from storylint.reporters import csv_report, digest, html_report
from storylint.store import open_store

CATEGORIES = (
    "data_model",
    "ui_spec",
    "code_structure",
    "api_contract",
    "technology",
    "implementation_steps",
    "missing_acceptance_criteria",
)
WORDS = (
    "add",
    "column",
    "table",
    "users",
    "button",
    "modal",
    "Redis",
    "Kafka",
    "endpoint",
    "POST",
    "JSON",
    "React",
    "component",
    "class",
    "service",
    "index",
    "migrate",
    "cache",
    "queue",
    "schema",
    "field",
    "dropdown",
    "blue",
    "pixels",
    "lambda",
    "cron",
    "SQL",
    "join",
    "microservice",
    "refactor",
)
SEVERITIES = ("error", "warning", "warning", "info")


def make_story(i: int, rng: random.Random) -> Story:
    project = f"P{i % 40:02d}"
    author = f"Author Name {i % 2000:04d}"
    return Story(
        id=str(100000 + i),
        key=f"{project}-{i}",
        title=" ".join(rng.choices(WORDS, k=6)).capitalize(),
        url=f"https://example.atlassian.net/browse/{project}-{i}",
        project=project,
        author=Author(name=author, id=f"acc{i % 2000}"),
        type="Story",
        source="jira",
    )


def make_findings(story: Story, n: int, rng: random.Random) -> list[Finding]:
    out = []
    for k in range(n):
        r = rng.randrange(30)
        cat = CATEGORIES[r % len(CATEGORIES)]
        # the excerpt is the flagged span: mostly a term or a phrase, sometimes a sentence
        shape = rng.random()
        words = (
            rng.randint(1, 4)
            if shape < 0.7
            else rng.randint(5, 10)
            if shape < 0.95
            else rng.randint(12, 30)
        )
        excerpt = " ".join(rng.choices(WORDS, k=words))
        out.append(
            Finding(
                story=story.ref,
                rule=f"{cat[:2].upper()}{r:02d}",
                name=f"{cat.replace('_', '-')}-{r}",
                category=cat,
                severity=SEVERITIES[r % 4],
                message=f"Rule {r} found {cat.replace('_', ' ')} in the story",
                excerpt=excerpt,
                suggestion=f"Say what the user needs instead of the {cat.replace('_', ' ')} (hint {r}).",
                line=k + 1,
                column=1,
                end_line=k + 1,
                end_column=len(excerpt) + 1,
                confidence=0.8,
                url=story.url,
                author=story.author.name if story.author else None,
                project=story.project,
            )
        )
    return out


def build_store(path: Path, total_findings: int) -> None:
    rng = random.Random(7)
    with_findings = total_findings * 2 // 5  # counts cycle 1,2,3,4: mean 2.5
    n_stories = with_findings + with_findings // 4  # a fifth clean
    counts = [0] * n_stories
    j = 0
    for i in range(n_stories):
        if i % 5 != 4 and j < with_findings:
            counts[i] = 1 + j % 4
            j += 1
    deficit = total_findings - sum(counts)
    for i in range(n_stories):
        if deficit <= 0:
            break
        if counts[i]:
            counts[i] += 1
            deficit -= 1
    rechecked = [i for i in range(n_stories) if counts[i]][: 3 * (n_stories // 25)]
    extra = set(rechecked)
    stories = [make_story(i, rng) for i in range(n_stories)]
    store = open_store(str(path))
    try:

        def run(indexes: list[int], *, first: bool) -> None:
            run_id = store.begin_run("jira:bench", "check")
            report = Report()
            for i in indexes:
                n = counts[i] + (1 if first and i in extra else 0)
                result = StoryResult(stories[i], make_findings(stories[i], n, rng))
                report.add(result)
                store.save_result(run_id, "jira:bench", result, f"h{i}-{n}")
            store.finish_run(run_id, "jira:bench", report, stories_read=len(indexes))

        step = -(-n_stories // 5)
        for k in range(5):
            run(list(range(k * step, min(n_stories, (k + 1) * step))), first=True)
        third = -(-len(rechecked) // 3)
        for k in range(3):
            run(rechecked[k * third : (k + 1) * third], first=False)
    finally:
        store.close()


def chromium_binary() -> str:
    for c in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if c and Path(c).exists():
            return c
    sys.exit("chromium not found: run scripts/install-chromium.sh")


def load_in_chromium(binary: str, page: Path) -> tuple[float, float, float, str]:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1280,900",
            "--dump-dom",
            page.resolve().as_uri(),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        wall = (time.perf_counter() - t0) * 1000
    head = proc.stdout[:600]
    render = re.search(r'data-render-ms="([\d.]+)"', head)
    paint = re.search(r'data-paint-ms="([\d.]+)"', head)
    errors = re.search(r'data-errors="(\d+)"', head)
    if not render or not errors or errors.group(1) != "0":
        sys.exit(f"page did not render cleanly: {head[:300]!r} {proc.stderr[-500:]}")
    return (
        float(render.group(1)),
        float(paint.group(1)) if paint else float("nan"),
        wall,
        errors.group(1),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--findings", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3, help="browser loads to take the median of")
    ap.add_argument("--keep", type=Path, help="keep the store and reports in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="storylint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    db.unlink(missing_ok=True)

    t = time.perf_counter()
    build_store(db, args.findings)
    build_s = time.perf_counter() - t

    t = time.perf_counter()
    store = open_store(str(db))
    try:
        inp = rd.load_store(store)
        totals = store.totals()
    finally:
        store.close()
    data = rd.build_dataset(inp, version="bench")
    aggregate_s = time.perf_counter() - t
    t = time.perf_counter()
    page_text = html_report.render(data)
    render_s = time.perf_counter() - t
    page = work / "report.html"
    page.write_text(page_text, encoding="utf-8")
    (work / "report.md").write_text(digest.render(data), encoding="utf-8")
    (work / "report.csv").write_text(csv_report.render(rd.filtered_findings(inp)), encoding="utf-8")

    binary = chromium_binary()
    loads = [load_in_chromium(binary, page) for _ in range(max(1, args.runs))]
    size = page.stat().st_size
    print(
        f"findings in store:      {totals['findings']:,} ({totals['stories']:,} stories, {len(inp.runs)} runs)"
    )
    print(f"store build:            {build_s:.1f} s")
    print(f"load + aggregate:       {aggregate_s * 1000:.0f} ms")
    print(f"HTML render (Python):   {render_s * 1000:.0f} ms")
    print(
        f"HTML size:              {size / 1e6:.2f} MB ({size:,} bytes; limit 5 MB) {'OK' if size < 5e6 else 'OVER'}"
    )
    lengths = [len(f["excerpt"]) for f in inp.findings]
    print(
        f"excerpts:               mean {statistics.mean(lengths):.0f} chars, max {max(lengths)}; "
        f"table cap {data['table']['excerpt_cap']} chars"
    )
    print(f"Markdown digest size:   {(work / 'report.md').stat().st_size:,} bytes")
    print(f"CSV size:               {(work / 'report.csv').stat().st_size / 1e6:.2f} MB")
    med = statistics.median
    render_ms = med(r[0] for r in loads)
    print(
        f"Chromium, script done:  {render_ms:.0f} ms after navigation start (median of {len(loads)}; "
        f"{'OK' if render_ms < 2000 else 'OVER'} vs 2 s)"
    )
    print(f"Chromium, first paint:  {med(r[1] for r in loads):.0f} ms after navigation start")
    print(
        f"Chromium, wall time:    {med(r[2] for r in loads):.0f} ms for the whole headless run (browser start included)"
    )
    print(f"outputs in {work}")


if __name__ == "__main__":
    main()
