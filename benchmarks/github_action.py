"""Wall time and API calls of the Action's lint step for one issue, against the local fake API.

    python benchmarks/github_action.py [--runs 7]

Runs the exact command of action.yml's "Lint the issue" step (`storylint github --event
... --format github --fail-on never --comment --label storylint`) in a subprocess, with a
runner-like environment, for three events on fresh issues: opened with findings, edited to
clean, reopened with findings. Reports the median wall time per event, the API calls each
made, and bare `python -c pass` for comparison. Network latency to api.github.com is not
included: add one round trip per call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "github"))
from fake_github import FakeGitHub, issue, issues_event

REPO = "acme/shop"
TOKEN = "ghs_action_token_SECRET123"
HOW = "As a shopper I want to keep my cart.\n\nAdd a column to the carts table in PostgreSQL and expose POST /api/v1/carts.\n"
CLEAN = (
    "As a shopper I want to keep my cart so that I can finish buying later.\n\n"
    "## Acceptance criteria\n- [ ] A cart I left yesterday is still there when I come back.\n"
)


def step(fake: FakeGitHub, payload: dict[str, object], work: Path) -> tuple[float, int, int]:
    event = work / "event.json"
    event.write_text(json.dumps(payload))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        GITHUB_TOKEN=TOKEN, GITHUB_API_URL=fake.url, GITHUB_REPOSITORY=REPO, GITHUB_EVENT_PATH=str(event),
        GITHUB_STEP_SUMMARY=str(work / "summary.md"), GITHUB_OUTPUT=str(work / "output"),
    )  # fmt: skip
    before = len(fake.calls)
    cmd = [sys.executable, "-m", "storylint", "github", "--event", str(event), "--format", "github",
           "--fail-on", "never", "--comment", "--label", "storylint"]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, len(fake.calls) - before, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    fake = FakeGitHub().start()
    times: dict[str, list[float]] = {"opened": [], "edited-to-clean": [], "reopened": []}
    calls: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in range(1, args.runs + 1):
            item = fake.add_issue(REPO, issue(REPO, n, "Save carts", HOW))
            for name, action, body in (("opened", "opened", HOW), ("edited-to-clean", "edited", CLEAN),
                                       ("reopened", "reopened", HOW)):  # fmt: skip
                fake.issues[REPO][n]["body"] = body
                item = fake.issues[REPO][n]
                seconds, made, rc = step(fake, issues_event(action, item, REPO), work)
                assert rc == 0, rc
                times[name].append(seconds)
                calls[name] = made
            assert len(fake.comments_on(REPO, n)) == 1
        bare = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - started)
    fake.stop()
    print(f"bare python: median {statistics.median(bare):.3f} s")
    for name, values in times.items():
        print(
            f"{name:16} median {statistics.median(values):.3f} s (min {min(values):.3f}), {calls[name]} API calls"
        )


if __name__ == "__main__":
    main()
