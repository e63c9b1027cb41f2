"""`--format text`: for people at a terminal, one finding per block, like ruff's output.

Every line goes through `text_line` as it is written: story and rule fields can neither
drive the terminal nor start a GitHub workflow command (`::add-mask::`) in a CI log.
"""

from __future__ import annotations

from storylint.escape import terminal_text, text_line
from storylint.model import Report

from . import RenderContext

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _safe(text: str) -> str:
    # Story text must not drive the terminal: control characters become spaces.
    return terminal_text(text)


def render(report: Report, ctx: RenderContext) -> str:
    c = ctx.color
    out: list[str] = []
    for f in report.findings:
        sev = f"{_COLORS[f.severity]}{f.severity}{_RESET}" if c else f.severity
        code = f"{_BOLD}{_safe(f.rule)}{_RESET}" if c else _safe(f.rule)
        where = f"{_safe(f.story)}:{f.field}:{f.line}:{f.column}"
        out.append(f"{where}: {code} {sev} [{_safe(f.category)}] {_safe(f.message)}")
        out.append(f"    | {_safe(f.excerpt)}")
        if f.suggestion:
            hint = f"    = try: {_safe(f.suggestion)}"
            out.append(f"{_DIM}{hint}{_RESET}" if c else hint)
    for skipped in report.skipped:
        out.append(f"{_safe(skipped.story)}: skipped: {_safe(skipped.reason)}")
    s = report.summary
    if ctx.statistics and s.by_rule:
        out.append("")
        width = max(len(code) for code in s.by_rule)
        for code, count in sorted(s.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            meta = ctx.rules.get(code, {})
            name, category = _safe(str(meta.get("name", ""))), _safe(str(meta.get("category", "")))
            out.append(f"{count:>6}  {_safe(code):<{width}}  {name}  [{category}]")
    out.append(
        f"Checked {s.stories_checked} stor{'y' if s.stories_checked == 1 else 'ies'}, "
        f"{s.findings} finding{'' if s.findings == 1 else 's'} in {s.stories_with_findings}, "
        f"{s.stories_skipped} skipped, {len(report.errors)} error{'' if len(report.errors) == 1 else 's'}."
    )
    # the boundary: whatever a field held, no line of ours starts a workflow command
    return "\n".join(text_line(line) for line in out) + "\n"
