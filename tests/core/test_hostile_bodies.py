"""Pathological bodies are linted in bounded time with positions inside the text.

The full set with timings is benchmarks/hostile.py; these are the cases that were once
super-linear here, at full size, under a generous bound (timing is measured by the
benchmark, not asserted tightly by tests).
"""

from __future__ import annotations

import time

import pytest

from storylint.engine import Linter
from storylint.model import BodyFormat, Story

LINTER = Linter()
CASES = {
    "lazy_list_continuations": "- item\n" + "  more text here\n" * 60_000,
    "dotted_camel_word": "Call a.a" + "B" * 200_000 + "-",
    "given_when_walls": "given when " * 100_000,
    "suppression_then_spaces": "storylint-disable" + " " * 100_000,
    "link_starts": "[a](" * 200_000,
    "task_items_with_code": "- [ ] add `x_id`\n" * 100_000,
    "one_mb_word": "x" * 1_000_000,
    "backtick_runs": "`a``b```c " * 100_000,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_body_is_bounded(name: str) -> None:
    story = Story(id=name, title="Add a Redis cache", body=CASES[name], body_format=BodyFormat.MARKDOWN)
    start = time.perf_counter()
    result = LINTER.lint(story)
    assert time.perf_counter() - start < 5.0
    for f in result.findings:
        text = story.title if f.field == "title" else story.body
        lines = text.split("\n")
        assert 1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1
