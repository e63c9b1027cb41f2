"""`--format markdown`: a digest for job summaries, chat and e-mail.

Excerpts come from story text: they are rendered as inline code with HTML and
@-mentions neutralised, so the digest cannot inject markup or notify anyone.
"""

from __future__ import annotations

from storylint.model import Report

from . import RenderContext


def md_escape(text: str) -> str:
    """Plain text safe inside a Markdown table cell: no HTML, no mentions, no pipes, no markup."""
    text = " ".join(text.split())
    text = text.replace("\\", "\\\\")  # first, so no later escape can be undone
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "`*_[]#!|~":
        text = text.replace(ch, "\\" + ch)
    return text.replace("@", "@\u200b")


def md_code(text: str) -> str:
    """Inline code that no backtick in the text can close early."""
    text = " ".join(text.split()).replace("|", "\u2223").replace("@", "@\u200b")
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(report: Report, ctx: RenderContext) -> str:
    s = report.summary
    out = [
        "## storylint",
        "",
        f"**{s.stories_checked}** stories checked, **{s.stories_with_findings}** with findings, "
        f"**{s.findings}** findings, {s.stories_skipped} skipped.",
        "",
    ]
    if s.by_category:
        out += ["| category | findings |", "| --- | ---: |"]
        out += [f"| {cat} | {n} |" for cat, n in sorted(s.by_category.items(), key=lambda kv: -kv[1])]
        out.append("")
    if report.findings:
        out += ["| story | rule | severity | excerpt | suggestion |", "| --- | --- | --- | --- | --- |"]
        for f in report.findings:
            story = md_escape(f.story)
            if f.url and f.url.startswith(("https://", "http://")):
                story = f"[{story}]({f.url.replace(')', '%29').replace(' ', '%20')})"
            out.append(
                f"| {story} | `{f.rule}` {md_escape(f.name)} | {f.severity} | {md_code(f.excerpt)} | {md_escape(f.suggestion)} |"
            )
        out.append("")
    if report.errors:
        out.append("**Errors**")
        out += [f"- {md_escape(str(e))}" for e in report.errors]
        out.append("")
    return "\n".join(out)
