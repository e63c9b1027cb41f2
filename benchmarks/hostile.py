"""Pathological story bodies (issue 7, part 1) and how long the linter takes on each.

    python benchmarks/hostile.py            # full size, prints a table
    python benchmarks/hostile.py --scale 0.1

Every case must be checked in well under a second at full size. The same builders feed
`tests/reliability/test_hostile.py` (at a smaller scale, with a generous time bound).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from storylint.config import Config
from storylint.engine import Linter
from storylint.formats.adf import adf_to_markdown
from storylint.model import BodyFormat, Story

MD, WIKI, HTML = BodyFormat.MARKDOWN, BodyFormat.JIRA_WIKI, BodyFormat.HTML
_CONTROL = "".join(chr(c) for c in range(0x20) if c not in (10, 13)) + "\x7f\x85"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u200d\ufeff\u2028\u2029"


def _n(base: int, scale: float) -> int:
    return max(1, int(base * scale))


def bodies(scale: float = 1.0) -> list[tuple[str, str, str, BodyFormat]]:
    """(name, title, body, format) for every pathological case at `scale` of full size."""
    def n(base: int) -> int:
        return _n(base, scale)

    title = "Add a Redis cache for the session table"
    cases: list[tuple[str, str, str, BodyFormat]] = [
        ("1 MB single word", title, "x" * n(1_000_000), MD),
        ("1 MB single word in title", "Add " + "x" * n(1_000_000), "", MD),
        ("10^6 backticks (one run)", title, "`" * n(1_000_000), MD),
        ("10^6 backticks (spaced)", title, "` " * n(500_000), MD),
        ("10^6 backticks (runs 1..3)", title, "`a``b```c " * n(100_000), MD),
        ("2x10^5 nested [ ]", title, "[" * n(200_000) + "]" * n(200_000), MD),
        ("2x10^5 nested ( )", title, "(" * n(200_000) + ")" * n(200_000), MD),
        ("2x10^5 nested { }", title, "{" * n(200_000) + "}" * n(200_000), WIKI),
        ("2x10^5 ![ and ](", title, "![" * n(100_000) + "](" * n(100_000), MD),
        ("2x10^5 '[a](' link starts", title, "[a](" * n(200_000), MD),
        ("2x10^5 12px tokens", "Make the button 12px", "Make the padding " + "12px " * n(200_000), MD),
        ("2x10^5 12px sentences", title, "Set the margin to 12px. " * n(200_000), MD),
        ("camelCase wall", title, "Call fooBarBaz " * n(70_000), MD),
        ("snake_case wall", title, "Rename user_account_id " * n(50_000), MD),
        ("dotted camel word", title, "Call a.a" + "B" * n(200_000) + "-", MD),
        ("camelCase in backticks", title, "Add `fooBar`. " * n(80_000), MD),
        ("unclosed fence, 50k lines", title, "```sql\n" + "ALTER TABLE t ADD c int;\n" * n(50_000), MD),
        ("unclosed {code}, 50k lines", title, "{code:sql}\n" + "ALTER TABLE t ADD c int;\n" * n(50_000), WIKI),
        ("60k nested list items (one line)", title, "- " * n(60_000) + "Add a column", MD),
        ("60k list items, indent 0..79", title, "".join(" " * (i % 80) + "- Add `col` to the table\n" for i in range(n(60_000))), MD),
        ("60k wiki list items ****", title, "".join("*" * (1 + i % 8) + " Add the users table\n" for i in range(n(60_000))), WIKI),
        ("60k lazy list continuations", title, "- Add a column\n" + "  to the users table. Then\n" * n(60_000), MD),
        ("60k nested quotes", title, "> " * n(60_000) + "Add a column", MD),
        ("control characters", title, (_CONTROL + "Add Redis ") * n(30_000), MD),
        ("bidi characters", title, (_BIDI + "Add Redis ") * n(40_000), MD),
        ("10^5 ## Acceptance criteria", title, "## Acceptance criteria\n" * n(100_000), MD),
        ("10^5 AC headings with items", title, "## Acceptance criteria\n- Add a column\n" * n(100_000), MD),
        ("10^5 h2. Acceptance criteria", title, "h2. Acceptance criteria\n" * n(100_000), WIKI),
        ("10^5 setext underlines", title, "a\nb\n" + "==\n" * n(100_000), MD),
        ("600 KB URL", title, "See https://example.com/" + "a" * n(600_000), MD),
        ("600 KB URL, no scheme", title, "See www." + "a." * n(300_000), MD),
        ("10^5 URLs", title, "https://x.io/a " * n(100_000), MD),
        ("unclosed <!-- x 10^5", title, "<!-- a " * n(100_000), MD),
        ("1 MB of spaces after a period", title, "Add Redis." + " " * n(1_000_000) + "x", MD),
        ("1 MB of tabs after a period", title, "Add Redis." + "\t" * n(1_000_000) + "x", MD),
        ("10^5 given/when", title, "given when " * n(100_000), MD),
        ("10^5 As a/I want", title, "As a user I want " * n(100_000), MD),
        ("storylint-disable + 10^5 spaces", title, "storylint-disable" + " " * n(100_000) + "!", MD),
        ("10^5 storylint-disable lines", title, "<!-- storylint-disable DM01 -- why -->\n" * n(100_000), MD),
        ("200 directives, reason then blanks", title, ("storylint-disable AB:" + " \t" * 150 + "y" * 10) * n(200), MD),
        ("10^5 {{mono}} spans", title, "Use {{fooBar}}. " * n(100_000), WIKI),
        ("10^5 '{{' openers", title, "{{a" * n(200_000), WIKI),
        ("10^5 table rows", title, "| Add | column |\n" * n(100_000), MD),
        ("10^5 task items", title, "- [ ] Add the `users` table\n" * n(100_000), MD),
        ("1 MB of newlines", title, "\n" * n(1_000_000) + "x", MD),
        ("1 MB of \\r", title, "\r" * n(1_000_000) + "x", MD),
        ("mixed 1 MB markup soup", title, ("`*_[](){}<>!#|-~=:.\n " * n(45_000)), MD),
        # bodies the parser rewrites: HTML exports, literal "\n" breaks, typographic text on RE2
        ("10^5 HTML paragraphs", title, "<p>Add a Redis cache</p>\n" * n(100_000), HTML),
        ("HTML with 1 MB of spaces", title, "<p>x</p>\n<div>y</div>\n<p>a" + " " * n(1_000_000) + "z</p>", HTML),
        ("10^5 unclosed <pre>", title, "<p>x</p><div>y</div>" + "<pre>" * n(100_000), HTML),
        ("10^5 unclosed HTML comments", title, "<p>x</p><div>y</div>" + "<!--" * n(100_000), HTML),
        ("10^5 literal \\n breaks", title, "Add the cache.\\n" * n(100_000), MD),
        ("10^5 outcome prompts, typographic", title, "\u2019" + "so that ...\n" * n(100_000), MD),
    ]
    return cases


def deep_adf(depth: int, kind: str) -> dict[str, Any]:
    """An ADF document nested `depth` levels deep, built without recursion."""
    leaf: dict[str, Any] = {"type": "text", "text": "Add a column"}
    if kind == "inline":
        node: dict[str, Any] = leaf
        for _ in range(depth):
            node = {"type": "unknownInline", "content": [node]}
        return {"type": "doc", "content": [{"type": "paragraph", "content": [node]}]}
    node = {"type": "paragraph", "content": [leaf]}
    for _ in range(depth):
        if kind == "list":
            node = {"type": "bulletList", "content": [{"type": "listItem", "content": [node]}]}
        elif kind == "quote":
            node = {"type": "blockquote", "content": [node]}
        else:
            node = {"type": kind, "content": [node]}
    return {"type": "doc", "content": [node]}


def adf_cases(scale: float = 1.0) -> list[tuple[str, dict[str, Any]]]:
    depth = _n(100_000, scale)
    return [
        (f"ADF {depth} nested lists", deep_adf(depth, "list")),
        (f"ADF {depth} nested quotes", deep_adf(depth, "quote")),
        (f"ADF {depth} nested unknown blocks", deep_adf(depth, "unknownBlock")),
        (f"ADF {depth} nested unknown inlines", deep_adf(depth, "inline")),
        ("ADF 10^5 paragraphs", {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Add a column."}]}] * _n(100_000, scale)}),
        ("ADF 10^4 x 10 table", {"type": "doc", "content": [{"type": "table", "content": [
            {"type": "tableRow", "content": [{"type": "tableCell", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a|b"}]}]}] * 10}
        ] * _n(10_000, scale)}]}),
    ]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--limit", type=float, default=0.5, help="seconds; slower cases are marked SLOW")
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("--no-cut", action="store_true", help="max-chars = 0: time the algorithms on the whole text")
    args = parser.parse_args(argv)
    logging.getLogger("storylint").setLevel(logging.ERROR)  # no max-chars warnings in the table
    linter = Linter(Config(max_chars=0)) if args.no_cut else Linter()
    linter.lint(Story(id="warm", title="Add a Redis cache", body="Use `fooBar`."))  # compile rules
    slow = 0
    print(f"{'case':<40} {'size':>10} {'seconds':>8} {'findings':>9}")
    for name, title, body, fmt in bodies(args.scale):
        if args.k not in name:
            continue
        story = Story(id="hostile", title=title, body=body, body_format=fmt)
        seconds, result = timed(partial(linter.lint, story))
        flag = "  SLOW" if seconds > args.limit else ""
        slow += bool(flag)
        print(f"{name:<40} {len(title) + len(body):>10} {seconds:>8.3f} {len(result.findings):>9}{flag}", flush=True)
    for name, doc in adf_cases(args.scale):
        if args.k not in name:
            continue
        seconds, text = timed(partial(adf_to_markdown, doc))
        story = Story(id="adf", title="ADF", body=text, body_format=BodyFormat.ADF)
        lint_seconds, result = timed(partial(linter.lint, story))
        total = seconds + lint_seconds
        flag = "  SLOW" if total > args.limit else ""
        slow += bool(flag)
        print(f"{name:<40} {len(text):>10} {total:>8.3f} {len(result.findings):>9}{flag}  (render {seconds:.3f})", flush=True)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
