"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Story text is attacker-controlled on public repositories. Every value is escaped as the
runner expects (`%`, CR, LF; plus `:` and `,` in properties) so that no excerpt can
start a new workflow command such as `::add-mask::` or `::stop-commands::`.
"""

from __future__ import annotations

from storylint.escape import BIDI
from storylint.lazyre import lazy
from storylint.model import Report

from . import RenderContext

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_BIDI = lazy(f"[{BIDI}]")  # shown reordered in the annotation: a space instead


def escape_data(text: str) -> str:
    return _BIDI.sub(" ", text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, ctx: RenderContext) -> str:
    out: list[str] = []
    for f in report.findings:
        title = escape_property(f"{f.rule} {f.name} ({f.story})")
        message = escape_data(f"{f.message} Excerpt: \u201c{f.excerpt}\u201d. Try: {f.suggestion}")
        out.append(f"::{_LEVEL[f.severity]} title={title}::{message}")
    for e in report.errors:
        out.append(f"::error title=storylint::{escape_data(str(e))}")
    return "\n".join(out) + ("\n" if out else "")
