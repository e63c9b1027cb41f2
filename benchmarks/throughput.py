"""Throughput, memory and cold start of `storylint check` (JSONL in, JSON out).

    python benchmarks/throughput.py [--stories 20000] [--corpus ../shared/corpus/dev.jsonl]

Writes realistic multi-paragraph stories (a mix of clean and HOW-heavy, with lists,
code spans and sections), then runs the real CLI in a subprocess on one core and
reports stories per second, peak memory for N and 2N stories (streaming: memory
must not grow with the input beyond the findings), and the one-story cold start
against a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAS = [
    "As a {role} I want to {want} so that {why}.",
    "## Background\nToday {role}s have to {pain}, which takes a long time and is easy to get wrong. "
    "Support tickets about this doubled last quarter.",
    "## Acceptance criteria\n- A {role} can {want}\n- The change shows within a minute\n- Nothing else on the page moves",
    "We should store the {thing} in the `{snake}` table and cache it in Redis.",
    "- Add a `{camel}` property to the reducer\n- Create a migration for `{snake}`\n- Wire the endpoint `GET /api/v1/{thing}s`",
    "The banner should be 12px with #FF5722 text and 16px padding.",
    "Notes: see the design in the linked mock-up; copy is final. Ask the team if anything is unclear.",
]
ROLES = ["shopper", "editor", "admin", "forecaster", "publisher", "trainer"]
WANTS = ["see the status of my orders", "export my reports", "compare plans side by side", "reuse a saved preset"]
WHYS = ["I know when to expect it", "I can share them with my manager", "I pick the right plan"]


def story(i: int, rng: random.Random) -> dict[str, object]:
    fill = {
        "role": rng.choice(ROLES), "want": rng.choice(WANTS), "why": rng.choice(WHYS),
        "pain": "copy numbers by hand from three pages", "thing": rng.choice(["order", "score", "preset"]),
        "snake": rng.choice(["order_status", "score_total", "preset_id"]), "camel": rng.choice(["hasChanges", "isDirty"]),
    }  # fmt: skip
    paras = [PARAS[0], PARAS[1], PARAS[2]] + rng.sample(PARAS[3:], k=rng.randint(0, 3))
    return {"id": f"S-{i}", "title": f"{fill['role'].title()} can {fill['want']}", "body": "\n\n".join(p.format(**fill) for p in paras),
            "type": "Story", "labels": ["story"], "author": {"login": "pm"}}  # fmt: skip


def write(path: Path, n: int, corpus: Path | None = None) -> None:
    """N stories: generated, or real ones from a labelled corpus repeated (labels dropped)."""
    rng = random.Random(7)
    real = []
    if corpus is not None:
        for line in corpus.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row.pop("label", None)
                real.append(row)
    with path.open("w") as fh:
        for i in range(n):
            row = {**real[i % len(real)], "id": f"S-{i}"} if real else story(i, rng)
            fh.write(json.dumps(row) + "\n")


def run_cli(path: Path) -> tuple[float, int, dict[str, object]]:
    cmd = ["taskset", "-c", "0"] if os.path.exists("/usr/bin/taskset") else []
    cmd += [sys.executable, "-m", "storylint", "check", str(path), "--format", "json", "--fail-on", "never"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    status, usage = proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN)
    if status != 0:
        raise SystemExit(f"storylint failed: {err.decode()[:500]}")
    return wall, usage.ru_maxrss, json.loads(out)["summary"]


def peak_rss(path: Path) -> int:
    code = (
        "import resource,subprocess,sys;"
        f"subprocess.run([sys.executable,'-m','storylint','check',{str(path)!r},'--format','json','--fail-on','never'],stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    return int(subprocess.check_output([sys.executable, "-c", code]).decode())


def cold_start(path: Path, repeat: int = 7) -> tuple[float, float]:
    def best(cmd: list[str]) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        return sorted(times)[len(times) // 2]

    bare = best([sys.executable, "-c", "pass"])
    one = best([sys.executable, "-m", "storylint", "check", str(path), "--fail-on", "never"])
    return bare, one


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=20000)
    ap.add_argument("--corpus", type=Path, help="repeat the stories of a JSONL corpus instead of generated ones")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, double, one = Path(tmp) / "n.jsonl", Path(tmp) / "2n.jsonl", Path(tmp) / "one.jsonl"
        write(big, args.stories, args.corpus)
        write(double, args.stories * 2, args.corpus)
        write(one, 1)
        wall, _, summary = run_cli(big)
        print(f"stories: {args.stories}  findings: {summary['findings']}  wall: {wall:.2f} s  "
              f"throughput: {args.stories / wall:,.0f} stories/s (one core, JSONL in, JSON out)")  # fmt: skip
        rss_n, rss_2n = peak_rss(big), peak_rss(double)
        print(f"peak RSS: {rss_n / 1024:.1f} MB for {args.stories}, {rss_2n / 1024:.1f} MB for {2 * args.stories} stories")
        bare, single = cold_start(one)
        print(f"cold start: bare python {bare * 1000:.0f} ms, one-story check {single * 1000:.0f} ms, "
              f"difference {(single - bare) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
