"""A rule's `[docs]` text may hold paragraphs (a blank line) and list items ("- " lines), and
every output shows them as such: `storylint rule` wraps them for a terminal, the Markdown
reference (docs/rules.md) makes a real list, SARIF's rule description keeps one line per item.

A long "what" strung into one paragraph is what made MO01's documentation unreadable.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

WHAT = (
    "Zorblax named as the way to build a feature. One of these is enough:\n"
    "\n"
    "- an order to use it (\u201cRewrite the importer with Zorblax\u201d, \u201cPort the export to Zorblax so that the"
    " nightly job shares one framework with the importer and its retries\u201d)\n"
    "- its widgets named\n"
    "  as the parts to build (\u201cZorblax grid\u201d)\n"
    "\n"
    "Not flagged: a question about it."
)
#: the first item, as every output but the terminal shows it: on one line
ITEM = (
    "an order to use it (\u201cRewrite the importer with Zorblax\u201d, \u201cPort the export to Zorblax so that the"
    " nightly job shares one framework with the importer and its retries\u201d)"
)
RULE = f'''code = "ACME01"
name = "in-house-framework"
category = "technology"
message = "{{term}} is our in-house framework"
[docs]
what = """{WHAT}"""
why = "The team's call."
example = "Rewrite the importer with Zorblax."
better = "Imports finish within a minute."
[detect]
kind = "terms"
terms = ["zorblax"]
context = "any"
'''


def _team(tmp_path: Path, code: str = "ACME01", rule: str = RULE) -> Path:
    """`tmp_path` as a team's checkout whose own rule `code` (its TOML `rule`) is selected."""
    (tmp_path / "team-rules").mkdir()
    (tmp_path / "team-rules" / f"{code}.toml").write_text(rule, encoding="utf-8")
    (tmp_path / "storylint.toml").write_text('extend-rules = ["team-rules"]\nselect = ["ACME"]\n', encoding="utf-8")
    return tmp_path


def run(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylint", *args], input=stdin, capture_output=True, check=False,
                          text=True, cwd=cwd, timeout=60)  # fmt: skip


def sarif_rule(cwd: Path, code: str) -> dict[str, Any]:
    """The SARIF rule descriptor of `code` when a story that mentions Zorblax is checked in `cwd`."""
    story = json.dumps({"id": "S-1", "title": "Rewrite the importer with Zorblax"})
    res = run(cwd, "check", "-", "--format", "sarif", stdin=story)
    assert res.returncode == 1, res.stderr
    (descriptor,) = [r for r in json.loads(res.stdout)["runs"][0]["tool"]["driver"]["rules"] if r["id"] == code]
    return descriptor


def test_the_terminal_shows_paragraphs_and_wrapped_items(tmp_path: Path) -> None:
    res = run(_team(tmp_path), "rule", "ACME01")
    assert res.returncode == 0, res.stderr
    section = res.stdout.split("What it flags\n", 1)[1].split("\n\nWhy it matters", 1)[0]
    assert section.splitlines() == [
        "  Zorblax named as the way to build a feature. One of these is enough:",
        "  - an order to use it (\u201cRewrite the importer with Zorblax\u201d, \u201cPort the export to",
        "    Zorblax so that the nightly job shares one framework with the importer and",
        "    its retries\u201d)",
        "  - its widgets named as the parts to build (\u201cZorblax grid\u201d)",
        "",
        "  Not flagged: a question about it.",
    ]
    assert max(len(line) for line in res.stdout.split("Example")[0].splitlines()[4:]) <= 80


def test_the_markdown_reference_makes_a_real_list(tmp_path: Path) -> None:
    res = run(_team(tmp_path), "rule", "ACME01", "--format", "markdown")
    assert res.returncode == 0, res.stderr
    section = res.stdout.split("**What it flags.** ", 1)[1].split("\n\n**Why it matters.**", 1)[0]
    assert section.split("\n") == [
        "Zorblax named as the way to build a feature. One of these is enough:",
        "",
        f"- {ITEM}",
        "- its widgets named as the parts to build (\u201cZorblax grid\u201d)",
        "",
        "Not flagged: a question about it.",
    ]


def test_sarif_and_json_keep_one_line_per_item(tmp_path: Path) -> None:
    cwd = _team(tmp_path)
    descriptor = sarif_rule(cwd, "ACME01")
    assert descriptor["fullDescription"]["text"].split("\n") == [
        "Zorblax named as the way to build a feature. One of these is enough:",
        f"- {ITEM}",
        "- its widgets named as the parts to build (\u201cZorblax grid\u201d)",
        "",
        "Not flagged: a question about it.",
    ]
    res = run(cwd, "rule", "ACME01", "--format", "json")
    assert json.loads(res.stdout)["docs"]["what"] == WHAT  # the rule's own text, for tools to render


def test_a_one_paragraph_doc_reads_as_before(tmp_path: Path) -> None:
    """A "what" of one paragraph stays on the label's line in Markdown (docs/rules.md unchanged)."""
    res = run(_team(tmp_path), "rule", "ACME01", "--format", "markdown")
    assert "\n**Why it matters.** The team's call.\n" in res.stdout


def test_sarif_rule_help_is_the_whole_documentation(tmp_path: Path) -> None:
    """Code scanning shows a rule's `help` beside its alerts: it must say what the rule flags, why,
    an example and a better version (help.markdown as docs/rules.md has it; help.text, which SARIF
    requires, the same in plain text), not only the "why"."""
    cwd = _team(tmp_path)
    descriptor = sarif_rule(cwd, "ACME01")
    markdown, text = descriptor["help"]["markdown"], descriptor["help"]["text"]
    assert "**Example**\n\n```text\nRewrite the importer with Zorblax.\n```" in markdown
    assert "**Better**\n\n```text\nImports finish within a minute.\n```" in markdown
    assert f"One of these is enough:\n\n- {ITEM}\n- its widgets" in markdown
    reference = run(cwd, "rule", "ACME01", "--format", "markdown").stdout
    assert reference.split("## ACME01\n\n", 1)[1] == markdown + "\n"  # the reference's own section
    assert "What it flags\nZorblax named as the way to build a feature. One of these is enough:\n" in text
    assert f"\n- {ITEM}\n" in text and "Why it matters\nThe team's call.\n" in text
    assert "Example\n  Rewrite the importer with Zorblax.\n" in text
    assert "Better\n  Imports finish within a minute.\n" in text
    assert "**" not in text and "```" not in text  # plain: a viewer shows it as written


def test_an_example_that_is_a_fenced_block_stays_inside_its_code_block() -> None:
    """DM02's example is itself a ```sql block: a ```text fence around it was closed by the
    example's own fence, and "Better" fell into a code block that never ended."""
    from storylint.ruledocs import rule_markdown

    meta = {
        "code": "ACME02",
        "name": "fenced-example",
        "docs": {"what": "w", "why": "y", "example": "```sql\nCREATE TABLE t (id int);\n```", "better": "As a clerk I want ..."},
    }
    lines = rule_markdown(meta)
    open_at = lines.index("**Example**") + 2
    fence = lines[open_at].removesuffix("text")
    assert set(fence) == {"`"} and len(fence) > 3
    assert lines[open_at + 2] == fence
    assert "**Better**" in lines[open_at + 3 :]
    better_at = lines.index("**Better**") + 2
    assert lines[better_at] == "```text" and lines[better_at + 2] == "```"
