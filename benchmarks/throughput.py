"""Throughput, memory and cold start of `storylint check` (JSONL in, JSON out), against a floor.

    python benchmarks/throughput.py [--corpus issues.jsonl] [--stories N] [--repeat 3]

Stories: a real JSONL corpus (`--corpus`, its first N stories, repeated if it has fewer;
labels dropped) or, without one, generated multi-paragraph stories (a mix of clean and
HOW-heavy, with lists, code spans and sections). Every timing is a whole process on one
core (`taskset -c 0`), the best of `--repeat` runs (the machine may be shared):

* storylint: `storylint check FILE --format json --fail-on never --jobs 1`, stories/s;
* the floor: a Python process that json-parses the same file, lower-cases each story and
  runs one compiled 20-word regex over it; the ratio storylint / floor says how far the
  linter is from the least any Python linter must do;
* `--jobs 2` (two cores) against `--jobs 1`, when the machine has two cores, and the
  ceiling two cores set on this machine: the two halves of the input linted at the same time
  by two independent `--jobs 1` processes (shared caches or a host's busy siblings slow both);
* peak memory for N and 2N stories (streaming: flat but for the findings);
* the one-story cold start against a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAS = [
    "As a {role} I want to {want} so that {why}.",
    (
        "## Background\nToday {role}s have to {pain}, which takes a long time and is easy to get wrong. "
        "Support tickets about this doubled last quarter."
    ),
    "## Acceptance criteria\n- A {role} can {want}\n- The change shows within a minute\n- Nothing else on the page moves",
    "We should store the {thing} in the `{snake}` table and cache it in Redis.",
    "- Add a `{camel}` property to the reducer\n- Create a migration for `{snake}`\n- Wire the endpoint `GET /api/v1/{thing}s`",
    "The banner should be 12px with #FF5722 text and 16px padding.",
    "Notes: see the design in the linked mock-up; copy is final. Ask the team if anything is unclear.",
]
ROLES = ["shopper", "editor", "admin", "forecaster", "publisher", "trainer"]
WANTS = ["see the status of my orders", "export my reports", "compare plans side by side", "reuse a saved preset"]
WHYS = ["I know when to expect it", "I can share them with my manager", "I pick the right plan"]

# The floor: what any Python linter of these stories must at least do (read, lower, one scan).
FLOOR = r"""
import json, re, sys
WORDS = ["table", "column", "database", "redis", "cache", "endpoint", "api", "json", "modal",
         "button", "dropdown", "class", "function", "method", "refactor", "migration", "schema",
         "query", "react", "docker"]
pattern = re.compile(r"\b(?:" + "|".join(WORDS) + r")\b")
hits = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        if line.strip():
            row = json.loads(line)
            text = (str(row.get("title") or "") + "\n" + str(row.get("body") or "")).lower()
            hits += len(pattern.findall(text))
print(hits)
"""


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
    """N stories: generated, or real ones from a corpus (repeated if it has fewer; labels dropped)."""
    rng = random.Random(7)
    real = []
    if corpus is not None:
        with corpus.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    row.pop("label", None)
                    real.append(row)
                    if len(real) >= n:
                        break
    with path.open("w") as fh:
        for i in range(n):
            row = {**real[i % len(real)], "id": f"S-{i}"} if real else story(i, rng)
            fh.write(json.dumps(row) + "\n")


# as after `pip install` (which compiles the modules): with bytecode caching on
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def pinned(cpus: str) -> list[str]:
    return ["taskset", "-c", cpus] if os.path.exists("/usr/bin/taskset") else []


def storylint(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "storylint", "check", str(path), "--format", "json", "--fail-on", "never", *extra]


def timed(cmd: list[str], repeat: int) -> tuple[float, bytes]:
    """Best wall time of `repeat` runs of a whole process, and its output."""
    best, out = float("inf"), b""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=ENV, check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[0:6]} failed: {proc.stderr.decode()[:500]}")
        best, out = min(best, wall), proc.stdout
    return best, out


def run_together(cmds: list[list[str]], repeat: int, tmp: Path) -> float:
    """Best wall time of `repeat` runs of several whole processes started together (each
    writes to a file: the timing then pays for its output as `timed` does)."""
    best = float("inf")
    for _ in range(repeat):
        outs = [(tmp / f"together{i}.json").open("wb") for i in range(len(cmds))]
        start = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=ENV) for cmd, out in zip(cmds, outs, strict=True)]
        codes = [p.wait() for p in procs]  # every one, before anything is judged
        best = min(best, time.perf_counter() - start)
        for out in outs:
            out.close()
        if any(codes):
            raise SystemExit(f"{cmds[0][0:6]} failed")
    return best


def halves(path: Path, tmp: Path) -> tuple[Path, Path]:
    """The corpus split in two files (first half, second half)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp / "half1.jsonl", tmp / "half2.jsonl"
    first.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    second.write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    return first, second


def peak_rss(path: Path, extra: list[str]) -> int:
    code = (
        "import resource,subprocess,sys;"
        f"subprocess.run({storylint(path, *extra)!r},stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    return int(subprocess.check_output([sys.executable, "-c", code], env=ENV).decode())


def cold_start(path: Path, repeat: int = 7) -> tuple[float, float]:
    def median(cmd: list[str]) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
            times.append(time.perf_counter() - t)
        return sorted(times)[len(times) // 2]

    bare = median([sys.executable, "-c", "pass"])
    one = median([sys.executable, "-m", "storylint", "check", str(path), "--fail-on", "never"])
    return bare, one


def has_jobs() -> bool:
    out = subprocess.run([sys.executable, "-m", "storylint", "check", "--help"], capture_output=True, check=False, text=True, env=ENV)
    return "--jobs" in out.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=None, help="default: the corpus' size, or 20,000 generated")
    ap.add_argument("--corpus", type=Path, help="real stories (JSONL) instead of generated ones")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    args = ap.parse_args()
    n = args.stories
    if n is None:
        n = sum(1 for line in args.corpus.open(encoding="utf-8") if line.strip()) if args.corpus else 20000
    jobs = has_jobs()
    one_core = pinned("0")
    with tempfile.TemporaryDirectory() as tmp:
        big, double, one = Path(tmp) / "n.jsonl", Path(tmp) / "2n.jsonl", Path(tmp) / "one.jsonl"
        write(big, n, args.corpus)
        write(double, n * 2, args.corpus)
        write(one, 1, args.corpus)
        size = big.stat().st_size / 1e6
        extra = ["--jobs", "1"] if jobs else []
        wall, out = timed(one_core + storylint(big, *extra), args.repeat)
        summary = json.loads(out)["summary"]
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR)
        floor, _ = timed([*one_core, sys.executable, str(floor_script), str(big)], args.repeat)
        print(f"stories: {n} ({size:.1f} MB)  findings: {summary['findings']}")
        print(f"storylint, one core: {wall:.2f} s  {n / wall:,.0f} stories/s")
        print(f"floor (json + lower + one 20-word regex), one core: {floor:.2f} s  {n / floor:,.0f} stories/s")
        print(f"ratio storylint / floor: {wall / floor:.1f}x")
        if jobs and (os.cpu_count() or 1) >= 2:
            two, out2 = timed(pinned("0,1") + storylint(big, "--jobs", "2"), args.repeat)
            same = "same output" if out2 == out else "OUTPUT DIFFERS"
            print(f"--jobs 2, two cores: {two:.2f} s  {n / two:,.0f} stories/s  speed-up {wall / two:.2f}x ({same})")
            # What two cores give any two processes here: each half of the input linted by its
            # own `--jobs 1` process, on its own core, at the same time (no coordination at all).
            first, second = halves(big, Path(tmp))
            apart = run_together(
                [pinned("0") + storylint(first, *extra), pinned("1") + storylint(second, *extra)], args.repeat, Path(tmp)
            )
            print(f"two independent --jobs 1 processes, one half each, one core each: {apart:.2f} s  "
                  f"speed-up {wall / apart:.2f}x (this machine's ceiling for two processes; --jobs 2 reaches "
                  f"{apart / two:.0%} of it)")  # fmt: skip
        rss_n, rss_2n = peak_rss(big, extra), peak_rss(double, extra)
        print(f"peak RSS: {rss_n / 1024:.1f} MB for {n}, {rss_2n / 1024:.1f} MB for {2 * n} stories "
              f"({(rss_2n - rss_n) * 1024 / n:.0f} bytes per added story)")  # fmt: skip
        bare, single = cold_start(one)
        print(f"cold start: bare python {bare * 1000:.0f} ms, one-story check {single * 1000:.0f} ms, "
              f"difference {(single - bare) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
