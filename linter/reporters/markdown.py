"""`--format markdown`: a digest for job summaries, chat and e-mail.

Every field of a story or a rule reaches the page through one of three functions: `md_escape`
(a table cell or inline text), `md_code` (inline code) or `md_link` (a link only for a clean
http(s) URL). None lets a field end the line or the cell, add HTML, or @-mention anyone.
"""

from __future__ import annotations

from urllib.parse import quote

from storylint.escape import BIDI, safe_url
from storylint.lazyre import lazy
from storylint.model import Report

from . import RenderContext

_CONTROL = lazy(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def md_escape(text: str) -> str:
    """Plain text safe inside a Markdown table cell: no HTML, no mentions, no pipes, no markup."""
    text = _one_line(text)
    text = text.replace("\\", "\\\\")  # first, so no later escape can be undone
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "`*_[]#!|~":
        text = text.replace(ch, "\\" + ch)
    return text.replace("@", "@\u200b")


def md_code(text: str) -> str:
    """Inline code that no backtick in the text can close early."""
    text = _one_line(text).replace("|", "\u2223").replace("@", "@\u200b")
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_URL_SAFE = ":/?#@!$&'*+,;=%-._~"  # URL syntax kept; ( ) < > | ` \\ [ ] " are percent-encoded


def md_link(label: str, url: object) -> str:
    """`label` escaped, linked to `url` only when that is a clean http(s) URL."""
    text = md_escape(label)
    target = safe_url(url)
    if target is None:
        return text
    # the destination keeps URL syntax; anything Markdown or a table reads is percent-encoded
    return f"[{text}]({quote(target, safe=_URL_SAFE)})"


def render(report: Report, ctx: RenderContext) -> str:
    s = report.summary
    out = [
        "## storylint",
        "",
        (
            f"**{s.stories_checked}** stories checked, **{s.stories_with_findings}** with findings, "
            f"**{s.findings}** findings, {s.stories_skipped} skipped."
        ),
        "",
    ]
    if s.by_category:
        out += ["| category | findings |", "| --- | ---: |"]
        out += [f"| {md_escape(cat)} | {n} |" for cat, n in sorted(s.by_category.items(), key=lambda kv: -kv[1])]
        out.append("")
    if report.findings:
        out += ["| story | rule | severity | excerpt | suggestion |", "| --- | --- | --- | --- | --- |"]
        for f in report.findings:
            out.append(
                f"| {md_link(f.story, f.url)} | {md_code(f.rule)} {md_escape(f.name)} | {md_escape(f.severity)} | "
                f"{md_code(f.excerpt)} | {md_escape(f.suggestion)} |"
            )
        out.append("")
    if report.errors:
        out.append("**Errors**")
        out += [f"- {md_escape(str(e))}" for e in report.errors]
        out.append("")
    return "\n".join(out)
