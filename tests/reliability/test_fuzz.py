"""Bounded fuzzing (issue 7, part 8): parsers, engine, ADF renderer and the file reader.

Hypothesis drives each target with a fixed example budget so the file runs in well under
30 seconds; raise it for a longer campaign with STORYLINT_FUZZ_EXAMPLES=5000. The only
assertion besides "no exception" is that every finding points inside its text and that
the reader yields stories or problems, nothing else.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storylint.connectors.files import read_stream
from storylint.engine import Linter
from storylint.formats.adf import adf_to_markdown
from storylint.model import BodyFormat, Problem, Story
from storylint.parse import parse
from storylint.suppressions import find_suppressions

from .helpers import assert_positions_inside

BUDGET = int(os.environ.get("STORYLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=BUDGET, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINTER = Linter()

# Markup fragments from both dialects, words the rules react to, and hostile characters.
FRAGMENTS = [
    "```", "~~~", "```sql\n", "{code}", "{code:java}", "{noformat}", "{{", "}}", "`", "``", "h1. ", "h2. ", "## ", "# ",
    "- ", "* ", "** ", "# ", "1. ", "- [ ] ", "- [x] ", "> ", "bq. ", "| ", " | ", "|---|", "===", "---", "\n", "\n\n",
    "  ", "\t", "\r\n", "\r", "<!-- ", " -->", "![a](", "](", "[", "]", "(", ")", "http://x.io/", "www.", "Acceptance criteria:",
    "## Acceptance criteria\n", "Given ", " when ", " then ", "As a ", "As an admin, I want ", " so that ", "Add ", "Create the ",
    "Redis", "MongoDB", "users table", "column", "12px", "#FF5722", "GET /api/v1/users", "fooBar", "snake_case", "a.bC()",
    "src/app.py", "should ", "we will ", "storylint-disable DM01 -- why", "storylint-disable-line UI", ". ", "; ", ":",
    "\u202e", "\u2066", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\ud800", "é", "数据库", "@team", "<script>",
]  # fmt: skip
MARKUP = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60).map("".join)
TEXT = MARKUP | st.text(max_size=400)


@FUZZ
@given(title=TEXT, body=TEXT, fmt=st.sampled_from(list(BodyFormat)))
@example(title="As a" + " " * 300 + "x", body="as an" + "\t" * 300 + "I", fmt=BodyFormat.MARKDOWN)
@example(title="x", body="- a\n" + "  b\n" * 50 + "```", fmt=BodyFormat.MARKDOWN)
@example(title="t", body="{code}\n" + "|" + "-" * 200 + "x", fmt=BodyFormat.JIRA_WIKI)
# HTML is read as the text it stands for (here one line): positions count in that text
@example(title="", body="```\r\nstorylint-disable DM01 -- why", fmt=BodyFormat.HTML)
def test_engine(title: str, body: str, fmt: BodyFormat) -> None:
    story = Story(id="fuzz", title=title, body=body, body_format=fmt)
    parsed = parse(story)
    for block in parsed.blocks:
        size = len(parsed.text(block.field))
        assert 0 <= block.start <= block.end <= size
    for sentence in parsed.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(parsed.text(sentence.field))
    assert_positions_inside(story, LINTER.lint(story))
    find_suppressions(title, body)


# Any JSON value, biased towards ADF node shapes with wrong types mixed in.
JSON_SCALAR = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
ADF_TYPES = st.sampled_from(
    ["doc", "paragraph", "heading", "bulletList", "orderedList", "taskList", "taskItem", "decisionList", "decisionItem",
     "listItem", "codeBlock", "blockquote", "panel", "table", "tableRow", "tableCell", "tableHeader", "rule", "expand",
     "nestedExpand", "mediaSingle", "text", "mention", "emoji", "inlineCard", "hardBreak", "status", "date", "unknown"]
)  # fmt: skip
MARKS = st.lists(
    st.fixed_dictionaries({"type": st.sampled_from(["code", "strong", "em", "strike", "link"]) | JSON_SCALAR},
                          optional={"attrs": st.fixed_dictionaries({}, optional={"href": JSON_SCALAR}) | JSON_SCALAR})
    | JSON_SCALAR,
    max_size=3,
) | JSON_SCALAR  # fmt: skip
ADF = st.recursive(
    st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=30)}, optional={"marks": MARKS}) | JSON_SCALAR,
    lambda kids: st.fixed_dictionaries(
        {"type": ADF_TYPES | JSON_SCALAR},
        optional={
            "content": st.lists(kids, max_size=4) | JSON_SCALAR,
            "attrs": st.dictionaries(st.sampled_from(["level", "order", "language", "state", "title", "text", "url", "shortName", "timestamp"]),
                                     JSON_SCALAR | st.lists(JSON_SCALAR, max_size=2), max_size=3) | JSON_SCALAR,
            "text": JSON_SCALAR,
        },
    ),
    max_leaves=40,
)  # fmt: skip


@FUZZ
@given(doc=ADF)
@example(doc={"type": "doc", "content": [{"type": "orderedList", "attrs": {"order": "x"}, "content": [{"type": "listItem"}]}]})
@example(doc={"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a", "marks": [{"type": ["code"]}]}]}]})
def test_adf_renderer(doc: Any) -> None:
    text = adf_to_markdown(doc)
    assert isinstance(text, str)
    story = Story(id="adf", title="ADF", body=text, body_format=BodyFormat.ADF)
    assert_positions_inside(story, LINTER.lint(story))


def _check_reader(data: bytes, name: str) -> None:
    items = list(read_stream(io.BytesIO(data), name))  # ({"issues": []} rightly yields nothing)
    for item in items:
        assert isinstance(item, Story | Problem), item
        if isinstance(item, Problem):
            assert "\n" not in item.message and item.source == name
        else:
            assert_positions_inside(item, LINTER.lint(item))


@FUZZ
@given(data=st.binary(max_size=600), name=st.sampled_from(["in.jsonl", "in.json", "in.md", "<stdin>"]))
@example(data=b"\xef\xbb\xbf[", name="in.json")
@example(data=b"[" * 5000, name="in.json")
@example(data=b"{" + b'"a":' * 3000, name="in.jsonl")
def test_reader_on_random_bytes(data: bytes, name: str) -> None:
    _check_reader(data, name)


STORYISH = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON_SCALAR, "key": JSON_SCALAR, "title": TEXT | JSON_SCALAR, "body": TEXT | JSON_SCALAR,
        "labels": st.lists(JSON_SCALAR, max_size=3) | JSON_SCALAR, "author": JSON_SCALAR | st.dictionaries(st.text(max_size=6), JSON_SCALAR, max_size=3),
        "fields": st.dictionaries(st.sampled_from(["summary", "description", "issuetype", "labels", "reporter", "project", "created"]),
                                  JSON_SCALAR | ADF, max_size=4) | JSON_SCALAR,
        "number": JSON_SCALAR, "user": JSON_SCALAR | st.fixed_dictionaries({"login": JSON_SCALAR}), "html_url": JSON_SCALAR,
        "issues": st.lists(JSON_SCALAR, max_size=2), "created": JSON_SCALAR, "body_format": JSON_SCALAR,
    },
)  # fmt: skip


@FUZZ
@given(records=st.lists(STORYISH | JSON_SCALAR, max_size=5), layout=st.sampled_from(["lines", "array", "pretty"]), cut=st.integers(0, 100), bom=st.booleans())
def test_reader_on_storyish_json(records: list[Any], layout: str, cut: int, bom: bool) -> None:
    if layout == "lines":
        data = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
    else:
        data = json.dumps(records, indent=2 if layout == "pretty" else None).encode("utf-8", "surrogatepass")
    if cut and data:  # truncate at a random point: a download that stopped
        data = data[: max(1, len(data) * cut // 100)]
    _check_reader((b"\xef\xbb\xbf" if bom else b"") + data, "in.json")


@FUZZ
@given(body=TEXT)
@example(body="!x" + "|" * 200 + "!")
@example(body="{code}\n{noformat}\n{{a}}\n[link|http://x]\n{color:red}x{color}")
def test_wiki_converter(body: str) -> None:
    from storylint.formats.wiki import wiki_to_markdown

    text = wiki_to_markdown(body)
    assert isinstance(text, str)
    story = Story(id="wiki", title="Wiki", body=text, body_format=BodyFormat.JIRA_WIKI)
    assert_positions_inside(story, LINTER.lint(story))
