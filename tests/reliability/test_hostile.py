"""Pathological story text (issue 7, part 1): no crash, positions inside, bounded time.

The bodies come from `benchmarks/hostile.py` (run it for the timing table). Each case is
linted twice: at a scale above the `max-chars` cut (the default configuration) and, with
the cut switched off, at a small scale, so that a super-linear parser or check (or a
regex that backtracks) fails the time bound rather than hiding behind the cut.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from types import ModuleType

import pytest

from storylint.config import Config
from storylint.engine import Linter
from storylint.formats.adf import adf_to_markdown
from storylint.model import BodyFormat, Story

from .helpers import assert_positions_inside

BOUND = 5.0  # seconds per story: generous (the benchmark shows well under 0.5 s)

_bench = __import__("tests.reliability.conftest", fromlist=["_load_benchmark"])._load_benchmark()
CASES = [c[0] for c in _bench.bodies(0.001)]
ADF = [c[0].split(" ", 2)[-1] for c in _bench.adf_cases(0.001)]

DEFAULT = Linter()
UNCAPPED = Linter(Config(max_chars=0))


def _lint_in_bound(linter: Linter, story: Story) -> None:
    start = time.perf_counter()
    result = linter.lint(story)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"{story.id}: {elapsed:.2f} s"
    assert_positions_inside(story, result)


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASES)
def test_hostile_body_default_config(hostile: ModuleType, index: int) -> None:
    name, title, body, fmt = hostile.bodies(0.3)[index]
    _lint_in_bound(DEFAULT, Story(id=name, title=title, body=body, body_format=fmt))


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASES)
def test_hostile_body_without_cut_is_linear(hostile: ModuleType, index: int) -> None:
    # 3% of full size is 30,000 characters for the 1 MB cases: a quadratic step costs
    # ~10^9 operations here, a regex that backtracks polynomially never returns.
    name, title, body, fmt = hostile.bodies(0.03)[index]
    _lint_in_bound(UNCAPPED, Story(id=name, title=title, body=body, body_format=fmt))


@pytest.mark.parametrize("index", range(len(ADF)), ids=ADF)
def test_deep_adf_renders_and_lints(hostile: ModuleType, index: int) -> None:
    name, doc = hostile.adf_cases(0.2)[index]
    start = time.perf_counter()
    text = adf_to_markdown(doc)
    assert time.perf_counter() - start < BOUND, name
    assert isinstance(text, str)
    _lint_in_bound(DEFAULT, Story(id=name, title="ADF", body=text, body_format=BodyFormat.ADF))


def test_long_text_is_cut_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    body = "Add a `users_table` column.\n" * 10_000  # 280,000 characters
    result = Linter(Config(max_chars=1_000)).lint(Story(id="big", title="Big", body=body))
    assert any("linting the first" in r.getMessage() for r in caplog.records)
    assert result.story.body == body  # the stored story is whole
    assert all(f.line <= 1_000 // 28 + 1 for f in result.findings if f.field == "body")


def test_max_chars_zero_lints_everything() -> None:
    body = "Nothing here.\n" * 8_000 + "Store it in a Redis cache.\n"
    capped = Linter(Config(max_chars=1_000)).lint(Story(id="a", title="Improve login", body=body))
    whole = UNCAPPED.lint(Story(id="a", title="Improve login", body=body))
    assert not any(f.line > 8_000 for f in capped.findings)
    assert any(f.line == 8_001 for f in whole.findings)


# Every regular expression the engine and the rule pack use, against inputs built to make
# a backtracking matcher explode (a long run of one character after a plausible prefix).
# Run in a child process: a catastrophic regex cannot be interrupted from Python.
_REGEX_PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, re, sys, time
    import storylint
    from storylint.engine import Linter
    pats = []
    # every module that reads story text: parser, analysis, checks, formats, reporters
    for info in pkgutil.walk_packages(storylint.__path__, "storylint."):
        if info.name.split(".")[1] in ("commands", "store", "connectors", "cli", "__main__"):
            continue
        mod = importlib.import_module(info.name)
        pats += [(f"{mod.__name__}.{n}", v) for n, v in vars(mod).items() if isinstance(v, re.Pattern)]
    # reads rule files (trusted data), never story text
    pats = [(n, v) for n, v in pats if n != "storylint.checks.patterns._NESTED_QUANTIFIER"]
    for rule in Linter().pack.rules.values():
        for attr in ("pattern", "content"):
            v = getattr(rule.check, attr, None)
            if isinstance(v, re.Pattern):
                pats.append((f"{rule.code}.{attr}", v))
    runs = [" ", "\\t", "a", "A", "aB", "_", ".", "-", "*", "[", "(", "`", ":", "|", "a.", "given ", "as ", ", "]
    heads = ["", "As a", "as an", "a.a", "See ", "storylint-disable", "|", "- ", "given", "so", "www.", "](", "![", "{{"]
    N = 3000
    worst = []
    # used only anchored (`.match` at one position), where they are linear; `search`
    # would start inside a run of blanks at every position
    MATCH_ONLY = {"storylint.analysis._CAPABILITY_RE"}
    for name, pat in pats:
        print(name, flush=True)
        start = time.perf_counter()
        for head in heads:
            for run in runs:
                text = head + run * (N // len(run)) + "\\x01"
                pat.match(text)
                if name not in MATCH_ONLY:
                    pat.search(text)
        worst.append((time.perf_counter() - start, name))
    print("WORST", sorted(worst)[-3:], flush=True)
    """
)


def test_no_regex_backtracks_on_long_runs() -> None:
    proc = subprocess.run([sys.executable, "-c", _REGEX_PROBE], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    worst = proc.stdout.strip().splitlines()[-1]
    assert worst.startswith("WORST"), proc.stdout[-500:]
    for seconds, name in eval(worst[len("WORST "):]):  # our own child's repr
        assert seconds < 2.0, f"{name} took {seconds:.2f} s over 252 probes of 3,000 characters"


def test_wiki_converter_on_hostile_markup_is_linear(hostile: ModuleType) -> None:
    from storylint.formats.wiki import wiki_to_markdown

    # "!x" + 20,000 "|" took 10 s in the converter's image pattern
    cases = [("bars after an image start", "Intro.\n!x" + "|" * 100_000 + "\nAdd a Redis cache.")]
    cases += [(name, body) for name, _t, body, fmt in hostile.bodies(0.05) if fmt == BodyFormat.JIRA_WIKI]
    for name, body in cases:
        start = time.perf_counter()
        text = wiki_to_markdown(body)
        assert time.perf_counter() - start < BOUND, name
        _lint_in_bound(UNCAPPED, Story(id=name, title="Wiki", body=text, body_format=BodyFormat.JIRA_WIKI))
