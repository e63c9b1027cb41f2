"""`kind = "pattern"`: regular expressions for shapes (12px, #FF5722, GET /api/...).

Patterns are compiled once and checked at load for nested quantifiers, the usual
cause of exponential backtracking, so that a hostile story cannot stall the linter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis
from .base import Check, Hit, PhraseIndex, str_list

# an unbounded quantifier inside a group that is itself repeated without bound: (a+)+, (a*){2,}
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})")


def join_patterns(patterns: list[str]) -> str:
    """One alternation of `patterns`; a leading \\b shared by all is checked once per position.

    With the word boundary hoisted out of the branches, the engine rejects most positions
    (inside words) at once instead of trying every branch there: several times faster on
    long bodies, same matches.
    """
    if patterns and all(p.startswith("\\b") for p in patterns):
        return "\\b(?:" + "|".join(f"(?:{p[2:]})" for p in patterns) + ")"
    return "|".join(f"(?:{p})" for p in patterns)


_ESCAPE = re.compile(r"\\.")


def lower_case_only(pattern: str) -> bool:
    """True when the pattern names no upper-case letter (escapes such as \\S aside).

    Such a case-insensitive pattern can run *without* IGNORECASE on lower-cased text,
    which the regex engine scans about three times faster, with the same matches.
    """
    return not any(ch.isupper() for ch in _ESCAPE.sub("", pattern))


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError(f"pattern {pattern!r} nests quantifiers (exponential backtracking); rewrite it")
    return re.compile(pattern, flags)


class PatternCheck(Check):
    kind = "pattern"
    allowed = frozenset(
        {"quick", "quick-ignore-case", "quick-pattern", "patterns", "ignore-case", "context", "skip-sections", "user-clause", "confidence", "requires-any",
         "unless-any", "max-per-story", "in-code-blocks"}
    )  # fmt: skip

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__(detect, **kw)
        flags = re.IGNORECASE if detect.get("ignore-case", False) else 0
        joined = join_patterns(str_list(detect, "patterns"))
        # case-insensitive and lower-case only: run case-sensitively on lower-cased text
        self.on_lower = bool(flags) and lower_case_only(joined)
        patterns = str_list(detect, "patterns")
        if not patterns:
            raise ValueError("patterns must list at least one regular expression")
        self.pattern = compile_safe(join_patterns(patterns), flags)
        self.fast = re.compile(self.pattern.pattern) if self.on_lower else self.pattern
        self.requires = PhraseIndex(str_list(detect, "requires-any"))
        self.unless = PhraseIndex(str_list(detect, "unless-any"))
        self.max_per_story = int(detect.get("max-per-story", 3))
        self.in_code_blocks = bool(detect.get("in-code-blocks", False))

    def run(self, a: Analysis) -> Iterator[Hit]:
        if not self.worth_running(a):
            return
        found = 0
        p = a.parsed
        done: set[int] = set()
        # One scan per field; each match is judged in the context of its sentence.
        for field_name, text in (("title", p.masked_title), ("body", p.masked_body)):
            pattern = self.pattern
            if self.on_lower:
                lowered = text.lower()
                if len(lowered) == len(text):  # offsets still line up
                    text, pattern = lowered, self.fast
            for m in pattern.finditer(text):
                if not m.group(0).strip():
                    continue
                s = a.sentence_at(field_name, m.start())
                if s is None or id(s) in done or not self.sentence_applies(s):
                    continue
                if self.requires and not self.requires.find(s):
                    continue
                if self.unless and self.unless.find(s):
                    continue
                done.add(id(s))
                term = p.text(field_name)[m.start() : m.end()]  # as written, not lower-cased
                yield Hit(s.field, m.start(), m.end(), self.confidence, term, s.start, s.end)
                found += 1
                if found >= self.max_per_story:
                    return
        if self.in_code_blocks:
            body = p.masked_body
            for start, end, _lang in a.code_blocks():
                if found >= self.max_per_story:
                    return
                in_block = self.pattern.search(body, start, end)
                if in_block is not None:
                    yield Hit("body", in_block.start(), in_block.end(), self.confidence, in_block.group(0))
                    found += 1
