"""Where a story's time goes, stage by stage, in one process.

    python benchmarks/stages.py [--corpus issues.jsonl] [--stories N] [--repeat 3]

`throughput.py` times whole `check` processes; this splits the linting itself, so that a
speed-up can be aimed at the stage that costs. The same stories (those of `throughput.py`:
a real corpus with `--corpus`, else generated ones) go through cumulative stages, each timed
as the best of `--repeat` passes after a warm-up pass:

* parse: blocks, sentences, code spans (`storylint.parse`);
* + analyse: each sentence's words (`storylint.analysis`);
* + one scan: the RE2 set of every enabled rule's patterns (`checks/_prefilter.py`);
* + every flag: each sentence's grammar flags and code shape, which the engine computes only
  for the sentences a rule asks about, so this line bounds that work from above;
* lint: the whole engine (rules, calibration, findings) with the default configuration, as
  `check` runs it where no configuration file is found, without reading JSON or writing output.

Every stage gets the stories the engine lints: stories out of scope are left out, and fields
are cut to `max-chars`, as the engine cuts them before it parses.

A line's difference from the one before is what its stage costs. The "lint" line against the
"+ one scan" line is what the rules and the engine cost on top of the shared front end.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from throughput import write

from storylint.analysis import Analysis, analyse
from storylint.connectors.files import read_path
from storylint.engine import Linter
from storylint.model import Story
from storylint.parse import parse
from storylint.scope import out_of_scope


def stages(linter: Linter, stories: list[Story]) -> list[tuple[str, Callable[[], None]]]:
    accepted = linter.accepted
    prefilter = linter.prefilter

    def scan(story: Story) -> Analysis:
        """The engine's front end: parse, analyse, the one scan (as `Linter._lint` runs them)."""
        a = analyse(parse(story), accepted)
        a.prefiltered(prefilter.known, prefilter.scan(a.all_text()))
        return a

    def flag(story: Story) -> None:
        for sentence in scan(story).sentences:
            _ = sentence.asks, sentence.code_like

    def each(step: Callable[[Story], object]) -> Callable[[], None]:
        def run() -> None:
            for s in stories:
                step(s)

        return run

    return [
        ("parse", each(parse)),
        ("+ analyse", each(lambda s: analyse(parse(s), accepted))),
        ("+ one scan", each(scan)),
        ("+ every flag", each(flag)),
        ("lint", each(linter.lint)),
    ]


def best_of(run: Callable[[], None], repeat: int) -> float:
    run()  # warm-up: lazy patterns compiled, RE2's automata built
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="a JSONL corpus of real stories (labels dropped)")
    ap.add_argument("--stories", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stories.jsonl"
        write(path, args.stories, args.corpus)
        stories = [s for s in read_path(path) if isinstance(s, Story)]  # as `check` reads them
    linter = Linter()
    # what the engine lints (`Linter._lint`): in scope, each field cut to max-chars
    stories = [linter.bounded(s) for s in stories if out_of_scope(s, linter.config) is None]
    chars = sum(len(s.title) + len(s.body) for s in stories) / len(stories)
    print(f"stories: {len(stories)}, {chars:.0f} characters each on average")
    rows = [(name, best_of(run, args.repeat)) for name, run in stages(linter, stories)]
    total = rows[-1][1]  # the whole lint
    for name, seconds in rows:
        per = seconds / len(stories) * 1e6
        rate, share = len(stories) / seconds, 100 * seconds / total
        print(f"{name:<14} {per:7.0f} us/story  {rate:7,.0f} stories/s  {share:5.1f}% of lint")


if __name__ == "__main__":
    main()
