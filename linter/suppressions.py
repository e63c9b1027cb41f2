"""Inline suppressions written in the story itself.

    <!-- storylint-disable DM01, TC -- we are the database team; schema is the product -->
    storylint-disable-line UI01 -- the brand guide fixes this size

`storylint-disable` covers the whole story, `storylint-disable-line` the line it is on.
Codes may be prefixes (`DM` for the whole family). A reason after `--` is expected;
without one the suppression still applies but SL02 says so. A suppression that
suppresses nothing is reported by SL01, like ruff's unused `noqa`.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from .lazyre import lazy

_DIRECTIVE_RE = lazy(
    r"storylint[-: ]?(?:disable|ignore)(-line)?[ \t]{0,20}[:=]?[ \t]{0,20}"
    r"([A-Za-z]{2,4}[0-9]{0,3}(?:[ \t]*,[ \t]*[A-Za-z]{2,4}[0-9]{0,3}){0,50})"
    r"(?:[ \t]{0,20}(?:--(?!>)|\u2014|:)[ \t]{0,20}([^\n]{0,300}?))?[ \t]{0,300}(?:-->|\n|$)",
)


@dataclass(slots=True)
class Suppression:
    codes: tuple[str, ...]
    field: str
    start: int
    end: int
    line_only: bool
    reason: str
    line: int = 0
    used: set[str] = dc_field(default_factory=set)

    def covers(self, code: str, field_name: str, line: int) -> str | None:
        if self.line_only and (field_name != self.field or line != self.line):
            return None
        for c in self.codes:
            if code.startswith(c):
                return c
        return None


MAX_DIRECTIVES = 100  # per story; more is not a real story


def find_suppressions(title: str, body: str) -> list[Suppression]:
    out: list[Suppression] = []
    for field_name, text in (("title", title), ("body", body)):
        if "storylint" not in text:
            continue
        for m in _DIRECTIVE_RE.finditer(text):
            codes = tuple(c.strip().upper() for c in m.group(2).split(","))
            reason = (m.group(3) or "").strip().rstrip("-").strip()
            line = text.count("\n", 0, m.start()) + 1
            out.append(Suppression(codes, field_name, m.start(), m.end(), bool(m.group(1)), reason, line))
            if len(out) >= MAX_DIRECTIVES:
                return out
    return out
