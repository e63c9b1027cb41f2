"""A rule's docs are plain text: the Markdown outputs (docs/rules.md, SARIF's help.markdown)
must show them as written. Unescaped, AC01's suggestion "Given <situation>, when <action>"
rendered as "Given , when " (GitHub drops an unknown tag), a `*` or `_` pair turned into
emphasis and a `|` could end a table cell. A code span the doc writes stays code.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from storylint.ruledocs import md_prose, rule_markdown

from .test_rule_doc_lists import _team as team_folder
from .test_rule_doc_lists import run, sarif_rule

RULE = '''code = "ACME03"
name = "markup-in-docs"
category = "technology"
summary = "Flags <engine> as *the* way | the only one."
message = "{term} is our in-house engine"
suggestion = "Write “Given <situation>, then <result>” instead."
[docs]
what = """Orders to use Zorblax (the *only* engine_name, see `zorblax_run <job>`).

- # not a heading
- 1. not a number
- a [link](x) and a ~strike~ and R&amp;D"""
why = "snake_case and a_b stay as they are; _this_ is no emphasis."
example = "Use *Zorblax* | <b>now</b>"
better = "Imports finish within a minute."
[detect]
kind = "terms"
terms = ["zorblax"]
context = "any"
'''


def _team(tmp_path: Path) -> Path:
    return team_folder(tmp_path, "ACME03", RULE)


def test_the_reference_escapes_prose_and_keeps_code(tmp_path: Path) -> None:
    res = run(_team(tmp_path), "rule", "ACME03", "--format", "markdown")
    assert res.returncode == 0, res.stderr
    md = res.stdout
    assert "Flags \\<engine\\> as \\*the\\* way \\| the only one." in md
    assert "“Given \\<situation\\>, then \\<result\\>” instead." in md
    # a code span stays as written; `_` inside a word stays, `_` that could emphasise is escaped
    assert "the \\*only\\* engine_name, see `zorblax_run <job>`)" in md
    assert "snake_case and a_b stay as they are; \\_this\\_ is no emphasis." in md
    # items whose text opens as a heading or a numbered item are neither
    assert "\n- \\# not a heading\n- 1\\. not a number\n" in md
    assert "- a \\[link\\](x) and a \\~strike\\~ and R\\&amp;D\n" in md
    # the example is code: as written, in its block
    assert "```text\nUse *Zorblax* | <b>now</b>\n```" in md


def test_sarif_help_markdown_is_escaped_and_help_text_is_not(tmp_path: Path) -> None:
    cwd = _team(tmp_path)
    descriptor = sarif_rule(cwd, "ACME03")
    reference = run(cwd, "rule", "ACME03", "--format", "markdown").stdout
    assert reference.split("## ACME03\n\n", 1)[1] == descriptor["help"]["markdown"] + "\n"
    text = descriptor["help"]["text"]
    assert "Flags <engine> as *the* way | the only one." in text and "\\" not in text
    assert descriptor["fullDescription"]["text"].endswith("- a [link](x) and a ~strike~ and R&amp;D")
    # the terminal shows the docs as written, too
    terminal = run(cwd, "rule", "ACME03").stdout
    assert "“Given <situation>, then <result>”" not in terminal  # (the terminal shows no suggestion)
    assert "Flags <engine> as *the* way | the only one." in terminal and "\\" not in terminal


def test_a_rule_without_markup_is_unchanged() -> None:
    meta = {"code": "ACME04", "name": "plain", "category": "data_model", "severity": "warning", "summary": "A plain rule.",
            "message": "m", "suggestion": "s", "docs": {"what": "A `code_span` and api_contract.", "why": "y",
                                                         "example": "e", "better": "b"}}  # fmt: skip
    lines = rule_markdown(meta)
    assert lines[0] == "**plain** (data_model, default warning). A plain rule."
    assert lines[2] == "**What it flags.** A `code_span` and api_contract."


#: what a renderer reads as markup outside a code span
_MARKUP = re.compile(r"(?<!\\)(?:\\\\)*[*<>\[\]|~&`]")


def _unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md, flags=re.DOTALL)


@given(st.text(alphabet="ab _*<>[]|~&#-+=1.)\\\n", max_size=40))
@example("Given <situation>, when <action>")
@example("# heading\n1. item\n- item")
@example("a\\*b")
def test_prose_without_code_reads_back_as_written(text: str) -> None:
    escaped = md_prose(text)
    assert _unescape(escaped) == text
    assert not _MARKUP.search(escaped)
    for line in escaped.split("\n"):
        stripped = line.lstrip(" ")
        assert not re.match(r"[#+=-]|[0-9]+[.)]", stripped)


@given(st.text(alphabet="ab_*<|", max_size=12), st.text(alphabet="ab_*<|", max_size=12), st.text(alphabet="a<*", min_size=1, max_size=8))
def test_a_code_span_is_kept_as_written(before: str, after: str, code: str) -> None:
    escaped = md_prose(f"{before}`{code}`{after}")
    assert f"`{code}`" in escaped
    assert _unescape(escaped.replace(f"`{code}`", "")) == before + after
