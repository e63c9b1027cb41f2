"""Inline suppressions written in the story itself.

    <!-- storylint-disable DM01, TC -- we are the database team; schema is the product -->
    storylint-disable-line UI01 -- the brand guide fixes this size

`storylint-disable` covers the whole story and leads its line; `storylint-disable-line`
covers the line it is on and may end it.
Codes may be prefixes (`DM` for the whole family) or `ALL` (every rule, as in the
configuration and the `storylint-ignore:ALL` label). A reason after `--` is expected;
without one the suppression still applies but SL02 says so. A suppression that
suppresses nothing is reported by SL01, like ruff's unused `noqa`; so is one that names
no code (`<!-- storylint-disable -->`), which covers nothing. A directive in a code block is
quoted code, not a directive (the engine drops it: the blocks are the parser's).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from .lazyre import lazy

#: A directive up to its codes; where it ends, and its reason, `_directive_end` reads.
_HEAD_RE = lazy(
    r"storylint[-: ]?(?:disable|ignore)(-line)?[ \t]{0,20}[:=]?[ \t]{0,20}"
    r"([A-Za-z]{2,4}[0-9]{0,3}(?:[ \t]*,[ \t]*[A-Za-z]{2,4}[0-9]{0,3}){0,50})?"  # none: a directive that names no rule
)
#: What may stand before a whole-story directive on its line: list or quote markers, opening
#: tags, `<!--`. After other words it is prose quoting the syntax ("to silence a rule, write:
#: storylint-disable TC01 -- why" in an issue template), which must not turn TC01 off for
#: every issue made from the template. (`-line` directives end a line of prose, as `noqa` does.)
_LEAD_RE = lazy(
    r"[ \t]*+(?:(?:>|[-*+#]|\d{1,9}[.)])[ \t]*+)*+(?:<[A-Za-z][^<>\n]{0,60}+>[ \t]*+)*+(?:<!--[ \t]*+)?"
)
_LEAD_MAX = 200
_REASON_SEP_RE = lazy(r"[ \t]{0,20}(?:--(?!>)|\u2014|:)[ \t]{0,20}")
REASON_MAX = 300  # characters of a reason, and of the blanks between it and the directive's end
_REACH = 20 + 2 + 20 + 2 * REASON_MAX + 3  # the farthest a directive's end can be from its codes


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
            # `ALL` is every rule, as everywhere else codes are taken (it was read as the
            # prefix "ALL", covered nothing, and SL01 said "The suppression for ALL matched no finding")
            if c == "ALL" or code.startswith(c):
                return c
        return None


MAX_DIRECTIVES = 100  # per story; more is not a real story


def find_suppressions(title: str, body: str) -> list[Suppression]:
    out: list[Suppression] = []
    for field_name, text in (("title", title), ("body", body)):
        if "storylint" not in text:
            continue
        pos = 0
        while (m := _HEAD_RE.search(text, pos)) is not None:
            ended = _directive_end(text, m.end())
            if ended is None:  # codes (or no code) followed by more words: prose, not a directive
                pos = m.start() + 1  # ("storylint-disable storylint-disable TC": its "codes" were "stor")
                continue
            if not m.group(1) and not _leads_its_line(text, m.start()):
                pos = m.end()  # a whole-story directive after other words: the syntax quoted
                continue
            end, reason = ended
            codes = tuple(c.strip().upper() for c in m.group(2).split(",")) if m.group(2) else ()
            line = text.count("\n", 0, m.start()) + 1
            out.append(Suppression(codes, field_name, m.start(), end, bool(m.group(1)), reason.strip().rstrip("-").strip(), line))
            if len(out) >= MAX_DIRECTIVES:
                return out
            # a directive that names no code covers nothing: one after it on its line still counts
            pos = end if codes else m.end()
    return out


def _leads_its_line(text: str, start: int) -> bool:
    """Only markers, tags or `<!--` stand before `start` on its line (looked for within
    `_LEAD_MAX` characters: a body of one long line quoting the syntax stays linear)."""
    window = max(0, start - _LEAD_MAX)
    newline = text.rfind("\n", window, start)
    if newline < 0 and window > 0:
        return False
    return _LEAD_RE.fullmatch(text, newline + 1, start) is not None


def _directive_end(text: str, pos: int) -> tuple[int, str] | None:
    """The end of a directive whose codes end at `pos` (past its `-->` or line break), and its
    reason (after `--`, an em dash or `:`), or None when other words follow the codes.

    The directive ends at the first `-->` of its line, else with the line. Read with `find`,
    within reach of `pos`: one regex with a lazy reason before a run of blanks tried every
    split of them, some 50 ms a directive, seconds for a hostile body full of them.
    """
    newline = text.find("\n", pos, pos + _REACH)
    stop = newline if newline >= 0 else min(len(text), pos + _REACH)
    line_ends = newline >= 0 or stop == len(text)  # else only a `-->` within reach can end it
    sep = _REASON_SEP_RE.match(text, pos, stop)
    start = sep.end() if sep else pos
    close = text.find("-->", start, stop)
    if close >= 0:
        until, end = close, close + 3
    elif line_ends:
        until, end = stop, stop + (newline >= 0)
    else:
        return None
    raw = text[start:until]
    reason = raw.rstrip(" \t")
    if sep is None:
        return (end, "") if not reason and len(raw) <= REASON_MAX else None
    return (end, raw) if len(reason) <= REASON_MAX and len(raw) <= 2 * REASON_MAX else None
