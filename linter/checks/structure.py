"""`kind = "outcome"` and `kind = "acceptance-criteria"`: what a story must have.

A story states an outcome when it says who benefits and what they can then do or why
it matters ("As a ... I want ... so that ...", "in order to", a Goal/Problem section
with content). It carries acceptance criteria when it has a criteria section with
content, Given/When/Then, or a checklist of observable behaviours.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis
from ..parse import HEADING, LIST_ITEM, SEC_AC
from .base import Check, Hit, str_list
from .patterns import compile_safe

_PLACEHOLDER = re.compile(r"^\W*(?:tbd|tba|todo|n/?a|none|-|\?|docs\??|\.\.\.|_?no response_?|see above|same as above)\W*$", re.I)
_WHY_HEADING = re.compile(r"\b(?:why|motivation|value|benefits?|business case|impact|reasoning|rationale)\b", re.I)
_GIVEN, _WHEN, _THEN = (re.compile(rf"\b{w}\b", re.I) for w in ("given", "when", "then"))
_GWT_GAP = 300


def _has_gwt(text: str) -> bool:
    """Given ... when ... then, each gap at most 300 characters.

    The regex `given.{0,300}?when.{0,300}?then` tries every `when` in reach of every
    `given` (quadratic on a wall of "given when"); this looks each neighbour up instead.
    """
    givens = [m.end() for m in _GIVEN.finditer(text)]
    if not givens:
        return False
    thens = [m.start() for m in _THEN.finditer(text)]
    if not thens:
        return False
    for w in _WHEN.finditer(text):
        # a `given` ending in [w.start - 300, w.start], a `then` starting in [w.end, w.end + 300]
        g = bisect_right(givens, w.start()) - 1
        if g < 0 or givens[g] < w.start() - _GWT_GAP:
            continue
        t = bisect_left(thens, w.end())
        if t < len(thens) and thens[t] <= w.end() + _GWT_GAP:
            return True
    return False


class OutcomeCheck(Check):
    kind = "outcome"
    allowed = frozenset({"patterns", "confidence", "min-section-words", "context"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({**detect, "context": "any"} if "context" not in detect else detect, **kw)
        patterns = str_list(detect, "patterns")
        if not patterns:
            raise ValueError("patterns must list at least one outcome phrase pattern")
        self.pattern = compile_safe("|".join(f"(?:{p})" for p in patterns), re.I)
        self.min_words = int(detect.get("min-section-words", 6))

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        if self.pattern.search(p.masked_title) or self.pattern.search(p.masked_body):
            return
        # A Why / Motivation / Value section with real content states why.
        words = 0
        for b in p.blocks:
            if b.kind != HEADING and b.field == "body" and _WHY_HEADING.search(b.heading):
                words += len(p.masked_body[b.start : b.end].split())
        if words >= self.min_words:
            return
        yield Hit("title", 0, len(p.title), self.confidence, "", 0, len(p.title))


class AcceptanceCriteriaCheck(Check):
    kind = "acceptance-criteria"
    allowed = frozenset({"confidence", "checklist-min", "patterns", "context"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({**detect, "context": "any"} if "context" not in detect else detect, **kw)
        self.checklist_min = int(detect.get("checklist-min", 2))
        patterns = str_list(detect, "patterns")
        self.pattern = compile_safe("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        if self._has_criteria(a):
            return
        yield Hit("title", 0, len(p.title), self.confidence, "", 0, len(p.title))

    def _has_criteria(self, a: Analysis) -> bool:
        p = a.parsed
        content = 0
        for b in p.blocks:
            if b.section == SEC_AC and b.kind != HEADING and b.field == "body":
                text = p.masked_body[b.start : b.end].strip()
                if text and not _PLACEHOLDER.match(text) and len(text.split()) >= 3:
                    content += 1
        if content:
            return True
        body = p.masked_body
        if _has_gwt(body):
            return True
        if self.pattern is not None and self.pattern.search(body):
            return True
        # A checklist of observable behaviours (not build steps).
        behaviours = 0
        for s in a.sentences:
            if s.kind == LIST_ITEM and s.field == "body" and not s.imperative:
                item = body[s.start : s.end]
                if len(item.split()) >= 3 and (s.capability or s.modal or s.behaviour):
                    behaviours += 1
        return behaviours >= self.checklist_min
