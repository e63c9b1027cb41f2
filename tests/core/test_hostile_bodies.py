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
from tests.core.spies import count_calls

LINTER = Linter()
CASES = {
    # the list of issue 7, at full size
    "one_mb_single_word": "x" * 1_000_000,
    "million_backticks": "`" * 1_000_000,
    "nested_brackets": "[" * 200_000 + "]" * 200_000,
    "twelve_px_tokens": "Make the padding " + "12px " * 200_000,
    "camel_case_wall": "Call fooBarBaz " * 70_000,
    "snake_case_wall": "Rename user_account_id " * 50_000,
    "unclosed_fence_50k_lines": "```\n" + "x = 1\n" * 50_000,
    "nested_list_items_60k": "".join(" " * (i % 40) + "- item\n" for i in range(60_000)),
    "control_and_bidi": ("\u202e\u2066abc\x01\x07\x1b[31m\u200b " * 20_000),
    "acceptance_headings_1e5": "## Acceptance criteria\n" * 100_000,
    "url_600kb": "See https://example.com/" + "a" * 600_000,
    # shapes that were once super-linear here
    "lazy_list_continuations": "- item\n" + "  more text here\n" * 60_000,
    "quoted_paragraph_60k_lines": "> Add a table\n" + "> and more text here\n" * 60_000,
    "dotted_camel_word": "Call a.a" + "B" * 200_000 + "-",
    "given_when_walls": "given when " * 100_000,
    "suppression_then_spaces": "storylint-disable" + " " * 100_000,
    # a lazy reason before a run of blanks: every split of them tried, ~50 ms a directive
    "suppression_reasons_before_blanks": ("storylint-disable AB:" + " \t" * 150 + "y" * 10) * 200,
    "link_starts": "[a](" * 200_000,
    "task_items_with_code": "- [ ] add `x_id`\n" * 100_000,
    "backtick_runs": "`a``b```c " * 100_000,
    # a Markdown body's HTML markup: tags left open, tags in code spans
    "markup_openers": '<img src="' * 100_000,
    "markup_in_code_spans": "`<b>` " * 100_000,
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


HTML_CASES = {
    "pre_openers": "<p>x</p><div>y</div>" + "<pre>" * 200_000,
    "comment_openers": "<p>x</p><div>y</div>" + "<!--" * 200_000,
    "unclosed_tags": "<p>x</p><div>y</div>" + "<a " * 200_000,
    "paragraph_wall": "<p>Add a Redis cache</p>\n" * 50_000,
    "space_run": "<p>x</p>\n<div>y</div>\n<p>a" + " " * 60_000 + "z</p>",
}


@pytest.mark.parametrize("name", sorted(HTML_CASES))
def test_hostile_html_body_is_bounded(name: str) -> None:
    """An HTML body is converted in one pass: openers without their end cost no rescans."""
    story = Story(id=name, title="Add a Redis cache", body=HTML_CASES[name], body_format=BodyFormat.HTML)
    start = time.perf_counter()
    LINTER.lint(story)
    assert time.perf_counter() - start < 1.5  # about 0.1 s; a quadratic step took seconds


def test_outcome_prompts_beyond_ascii_are_read_once() -> None:
    """A template's outcome prompt repeated in typographic text: each prompt is skipped
    without reading the whole text again (once quadratic through RE2)."""
    body = "\u2019" + "so that ...\n" * 5_000
    start = time.perf_counter()
    LINTER.lint(Story(id="prompts", title="Export", body=body))
    assert time.perf_counter() - start < 2.0


def test_a_sentence_of_many_terms_is_weighed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of findings in one sentence ("12px 12px ..." with no full stop):
    its evidence class and key are worked out once, not once per finding (that was quadratic)."""
    from storylint import engine

    calls = count_calls(monkeypatch, engine, "evidence_class")
    result = Linter().lint(Story(id="wall", title="Spacing", body="Use 12px " * 500))
    assert sum(f.rule == "UI01" for f in result.findings) > 100
    assert len(calls) <= 3  # the title and the body's one sentence
