"""Detection must not move with a speed-up: save a revision's findings, compare another's.

    python benchmarks/equivalence.py save    DIR corpus.jsonl ...   # before a change
    python benchmarks/equivalence.py compare DIR corpus.jsonl ...   # after it

For each corpus: `storylint check --format json --fail-on never` (every finding's code,
span, message and confidence), once with `--jobs 1` and, when `compare`, also with
`--jobs 2`; and, over all the corpora together, `storylint evaluate --format json` (its
figures need labelled corpora; unlabelled ones are left out of it). `compare` exits 1 and
names the first differing story when any output is not byte-identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def check(path: str, *extra: str) -> bytes:
    cmd = [sys.executable, "-m", "storylint", "check", path, "--format", "json", "--fail-on", "never", *extra]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def has_jobs() -> bool:
    out = subprocess.run([sys.executable, "-m", "storylint", "check", "--help"], capture_output=True, check=False, text=True)
    return "--jobs" in out.stdout


def labelled(path: str) -> bool:
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    return '"label"' in first


def evaluate(paths: list[str]) -> bytes:
    cmd = [sys.executable, "-m", "storylint", "evaluate", *paths, "--format", "json", "--quiet"]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def first_difference(a: bytes, b: bytes) -> str:
    fa, fb = json.loads(a)["findings"], json.loads(b)["findings"]
    for x, y in zip(fa, fb, strict=False):
        if x != y:
            return f"first differing finding: {json.dumps(x)[:300]} vs {json.dumps(y)[:300]}"
    return f"{len(fa)} findings vs {len(fb)}"


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[1] not in ("save", "compare"):
        print(__doc__)
        return 2
    mode, folder, paths = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    folder.mkdir(parents=True, exist_ok=True)
    jobs = has_jobs()
    outputs: dict[str, bytes] = {}
    for path in paths:
        name = Path(path).stem + ".json"
        outputs[name] = check(path, *(["--jobs", "1"] if jobs else []))
        if mode == "compare" and jobs:
            outputs["jobs2-" + name] = check(path, "--jobs", "2")
    with_labels = [p for p in paths if labelled(p)]
    if with_labels:
        outputs["evaluate.json"] = evaluate(with_labels)
    if mode == "save":
        for name, data in outputs.items():
            (folder / name).write_bytes(data)
        print(f"saved {len(outputs)} outputs in {folder}")
        return 0
    failed = 0
    for name, data in outputs.items():
        saved = (folder / name.removeprefix("jobs2-")).read_bytes()
        if data == saved:
            print(f"same: {name}")
            continue
        failed += 1
        detail = "" if name == "evaluate.json" else " - " + first_difference(saved, data)
        print(f"DIFFERENT: {name}{detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
