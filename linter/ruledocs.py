"""A rule's documentation as each reader sees it, from its metadata (`Rule.metadata()`).

Rule docs are plain text (`[docs]` what / why / example / better, and the summary, message and
suggestion): `doc_blocks` reads a doc's paragraphs and list items once, then

- `rule_text` writes the plain text: for a terminal (`storylint rule CODE`, wrapped at 80
  columns) or for SARIF's `help.text` (unwrapped, a viewer shows it as written);
- `rule_markdown` writes the Markdown of docs/rules.md and SARIF's `help.markdown`, the prose
  escaped (`md_prose`) so that a `<situation>` or a `*` in a doc reads as written, and the
  example and the better version in code blocks.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from .lazyre import lazy

#: where `storylint rule` wraps a doc's lines: a terminal's 80 columns
TEXT_WIDTH = 80


def doc_blocks(text: str) -> list[tuple[str, str]]:
    """The paragraphs and list items of a `[docs]` text, in order: ("paragraph", text) or
    ("item", text).

    Rule docs are plain text that every output shows its own way (a terminal, docs/rules.md,
    SARIF), so they hold only the two shapes a long "what" needs: a blank line parts
    paragraphs, a line that opens with "- " starts a list item, and any other line goes on with
    the paragraph or item above it, as Markdown reads them.
    """
    blocks: list[tuple[str, str]] = []
    joined = False  # whether the next plain line goes on with the last block
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            joined = False
        elif line.startswith("- "):
            blocks.append(("item", line[2:].lstrip()))
            joined = True
        elif joined:
            kind, before = blocks[-1]
            blocks[-1] = (kind, f"{before} {line}")
        else:
            blocks.append(("paragraph", line))
            joined = True
    return blocks


def doc_lines(text: object, width: int | None = None, indent: str = "") -> list[str]:
    """A `[docs]` text as lines of plain text under its heading: paragraphs apart by a blank
    line, each list item a "- " line, a list right under the paragraph that leads into it.
    With a `width`, each block is wrapped there, an item's further lines standing under its
    text; `indent` opens every line (a doc with no text is one line of it)."""
    lines: list[str] = []
    for kind, body in doc_blocks(str(text)):
        if lines and kind == "paragraph":
            lines.append("")
        first, rest = (f"{indent}- ", f"{indent}  ") if kind == "item" else (indent, indent)
        if width is None:
            lines.append(first + body)
        else:
            lines += textwrap.wrap(body, width, initial_indent=first, subsequent_indent=rest,
                                   break_long_words=False, break_on_hyphens=False)  # fmt: skip
    return lines or [indent]


def doc_plain(text: str) -> str:
    """A `[docs]` text as plain text, unwrapped (SARIF's `fullDescription`)."""
    return "\n".join(doc_lines(text))


def rule_text(meta: dict[str, Any], *, terminal: bool = False) -> str:
    """A rule's documentation in plain text, for one of its two readers.

    - `terminal`: what `storylint rule CODE` prints: a heading line with the code, name,
      category, severity and status (when not stable), the summary, then what it flags and
      why it matters wrapped at `TEXT_WIDTH` and indented under their headings.
    - otherwise SARIF's `help.text`, `rule_markdown` without the markup (a viewer that renders
      no Markdown shows it as written): the same sections unwrapped, then the coaching message
      and the suggested restatement.

    Both show the example and the better version as written, indented under their headings.
    """
    code = meta.get("code", "")
    name, category, severity = meta.get("name", code), meta.get("category", ""), meta.get("severity", "")
    docs = meta.get("docs", {})
    if terminal:
        status = meta.get("status", "stable")
        head = [f"{code} {name}  [{category}, {severity}{'' if status == 'stable' else f', {status}'}]", "",
                str(meta.get("summary", ""))]  # fmt: skip
        width, indent, tail = TEXT_WIDTH, "  ", []
    else:
        head = [f"{name} ({category}, default {severity}). {meta.get('summary', '')}"]
        width, indent = None, ""
        tail = ["", f"Coaching message: {meta.get('message', '')}", "",
                f"Suggested restatement: {meta.get('suggestion', '')}"]  # fmt: skip
    lines = [
        *head,
        "",
        "What it flags",
        *doc_lines(docs.get("what", ""), width, indent),
        "",
        "Why it matters",
        *doc_lines(docs.get("why", ""), width, indent),
        "",
        "Example",
        *(f"  {line}" for line in str(docs.get("example", "")).splitlines()),
        "",
        "Better",
        *(f"  {line}" for line in str(docs.get("better", "")).splitlines()),
        *tail,
    ]
    return "\n".join(lines) + ("\n" if terminal else "")


_TICKS = lazy(r"`+")
#: what opens inline markup anywhere in a line: a backslash (which would escape what follows),
#: emphasis, a link, HTML or an autolink, a table cell, strikethrough, an entity; a backtick
#: here is one that closes no code span. `_` is a run of them (see `_underscores`).
_INLINE = lazy(r"[\\`*\[\]<>|~&]|_+")
#: what opens a block at a line's start: a heading, a list item, a setext underline, an
#: ordered item's number ("1." or "1)")
_BLOCK_START = lazy(r"^([ \t]*)(?:([#+=-])|([0-9]+)([.)]))", re.MULTILINE)


def _underscores(run: str, before: str, after: str) -> str:
    # inside a word ("api_contract", "snake_case") CommonMark never reads `_` as emphasis
    return run if before.isalnum() and after.isalnum() else run.replace("_", "\\_")


def _escape_prose(text: str) -> str:
    def inline(m: re.Match[str]) -> str:
        found = m.group()
        if found[0] == "_":
            return _underscores(found, text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1])
        return "\\" + found

    def block(m: re.Match[str]) -> str:
        indent, mark, number, dot = m.groups()
        return f"{indent}\\{mark}" if mark else f"{indent}{number}\\{dot}"

    return _BLOCK_START.sub(block, _INLINE.sub(inline, text))


def md_prose(text: object) -> str:
    """A rule's prose (its summary, a doc's paragraph or item, its message) as Markdown that
    shows it as written: a `<situation>` is no HTML tag to drop, a `*` or `_` no emphasis, a `|`
    no table cell, a "# " or "1. " opening a line no heading or list. A code span the doc
    writes (`` `storylint-disable` ``) stays one: a run of backticks closed by a run as long."""
    text = str(text)
    runs = list(_TICKS.finditer(text))
    out: list[str] = []
    done = 0  # where the prose not yet written starts
    i = 0
    while i < len(runs):
        opening = runs[i]
        closing = next((r for r in runs[i + 1 :] if len(r.group()) == len(opening.group())), None)
        if closing is None:  # no code span: a literal backtick, escaped with the prose around it
            i += 1
            continue
        out += [_escape_prose(text[done : opening.start()]), text[opening.start() : closing.end()]]
        done = closing.end()
        i = runs.index(closing) + 1
    out.append(_escape_prose(text[done:]))
    return "".join(out)


def doc_markdown(label: str, text: object) -> list[str]:
    """A `[docs]` text under its bold label: the first paragraph after the label, as before,
    then the other paragraphs, and list items as a Markdown list."""
    out: list[str] = []
    last = ""
    for kind, plain in doc_blocks(str(text)):
        body = md_prose(plain)
        if not out and kind == "paragraph":
            out.append(f"{label} {body}")
        else:
            if not out:
                out.append(label)
            if not (kind == last == "item"):
                out.append("")
            out.append(f"- {body}" if kind == "item" else body)
        last = kind
    return out or [f"{label} "]


def _fenced(text: str) -> list[str]:
    """`text` in a code block whose fence is longer than any run of backticks inside it, so an
    example that is itself a fenced block (DM02's SQL) cannot close the block early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]


def rule_markdown(meta: dict[str, Any]) -> list[str]:
    """A rule's documentation in Markdown, the lines under its heading in docs/rules.md: what
    it flags, why, an example, a better version, its message and suggestion. SARIF's rule help
    is the same text, so a code-scanning user reads what a reader of the reference reads. The
    prose is escaped (`md_prose`); the example and the better version are code blocks."""
    code = meta.get("code", "")
    docs = meta.get("docs", {})
    name, category, severity = (md_prose(meta.get(key, default)) for key, default in
                                (("name", code), ("category", ""), ("severity", "")))  # fmt: skip
    return [
        f"**{name}** ({category}, default {severity}). {md_prose(meta.get('summary', ''))}",
        "",
        *doc_markdown("**What it flags.**", docs.get("what", "")),
        "",
        *doc_markdown("**Why it matters.**", docs.get("why", "")),
        "",
        "**Example**",
        "",
        *_fenced(str(docs.get("example", ""))),
        "",
        "**Better**",
        "",
        *_fenced(str(docs.get("better", ""))),
        "",
        f"**Coaching message.** {md_prose(meta.get('message', ''))}",
        "",
        f"**Suggested restatement.** {md_prose(meta.get('suggestion', ''))}",
    ]


__all__ = ["TEXT_WIDTH", "doc_blocks", "doc_lines", "doc_markdown", "doc_plain", "md_prose", "rule_markdown", "rule_text"]
