"""`kind = "pattern"`: regular expressions for shapes (12px, #FF5722, GET /api/...).

A team's own patterns (`extend-rules`) are compiled once, at load, and run on RE2, a
linear-time engine, so that no pattern and no story can stall the linter: a heuristic for
dangerous patterns can always be bypassed (`((\\w+\\s?))+$` defeated the nested-quantifier
check). What RE2 cannot run (backreferences, lookarounds) is refused at load. The bundled
patterns are ours, probed by the hostile-body tests, and keep Python's `re` (lookbehinds,
speed) behind the nested-quantifier check, checked at load and compiled when a story first
needs them (`_regex.LazyPatterns`, which does the compiling for both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis, SentenceInfo
from ._prefilter import answerable
from ._regex import LazyPatterns, RegexMatch
from .base import Check, Hit, PhraseIndex, count, flag, str_list

__all__ = ["PatternCheck"]


class PatternCheck(Check):
    kind = "pattern"
    allowed = frozenset(
        {"quick", "quick-ignore-case", "quick-pattern", "patterns", "other-patterns", "ignore-case", "context", "skip-sections",
         "user-clause", "confidence", "requires-any", "unless-any", "max-per-story", "in-code-blocks",
         "holds-in-behaviour"}
    )  # fmt: skip

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__(detect, **kw)
        ignore_case = flag(detect, "ignore-case")
        patterns = str_list(detect, "patterns")
        if not patterns:
            raise ValueError("patterns must list at least one regular expression")
        # a team's patterns are checked (and refused) at load; the bundled ones, tested with
        # the package, are compiled when a story first needs them: a one-story run pays only
        # for the rules its text can match (their quick words, the one scan). Case-insensitive
        # and lower-case only, they run case-sensitively on lower-cased text.
        self.patterns = LazyPatterns(patterns, ignore_case=ignore_case, trusted=self.trusted, lower=True)
        self.key = self.patterns.key
        # the same shapes in the other languages (rules/languages.toml): a pattern of their own,
        # asked of the one scan on its own, so that an English story pays nothing for them
        others = str_list(detect, "other-patterns")
        self._others = LazyPatterns(others, ignore_case=ignore_case, trusted=self.trusted) if others else None
        self.requires = PhraseIndex(str_list(detect, "requires-any"))
        self.unless = PhraseIndex(str_list(detect, "unless-any"))
        self.max_per_story = count(detect, "max-per-story", 3)
        self.in_code_blocks = flag(detect, "in-code-blocks")

    def scanned(self) -> list[tuple[str, bool]]:
        # The quick words hold a part of every match: where the story's one scan can answer
        # for the pattern itself, asking it about them too only costs the scan (its automaton
        # grows with every unanchored word); they stay the check's own hint.
        quick = [] if answerable(self.key[0]) and (self._others is None or answerable(self._others.key[0])) else super().scanned()
        return [*quick, self.key, *([self._others.key] if self._others is not None else [])]

    def _matches(self, a: Analysis, text: str) -> list[RegexMatch]:
        """The rule's matches in a field, and those of its other-language patterns that do
        not overlap them, in text order."""
        found: list[RegexMatch] = []
        if a.may_match(self.key):
            lowered = text.lower() if self.patterns.on_lower else ""
            if lowered and len(lowered) == len(text):  # offsets still line up
                found = list(self.patterns.regex().finditer(lowered))
            else:
                found = list(self.patterns.original().finditer(text))
        others = self._others
        if others is not None and a.may_match(others.key):
            extra = list(others.regex().finditer(text))
            if extra:
                # as one alternation would: the match that starts first, then the next one after it
                merged: list[RegexMatch] = []
                for m in sorted([*found, *extra], key=lambda m: m.start()):  # stable: the rule's own first
                    if not merged or m.start() >= merged[-1].end():
                        merged.append(m)
                found = merged
        return found

    def _counts(self, s: SentenceInfo) -> bool:
        if not self.sentence_applies(s):
            return False
        if self.requires and not self.requires.occurs(s):
            return False
        return not (self.unless and self.unless.occurs(s))

    def wake_keys(self) -> frozenset[tuple[str, bool]]:
        return frozenset([self.key, *([self._others.key] if self._others is not None else [])])

    def quiet(self, a: Analysis) -> bool:
        if not a.scanned_for(self.key):
            return False
        others = self._others.key if self._others is not None else None
        return not a.may_match(self.key) and (others is None or not a.may_match(others))  # no field can match

    def run(self, a: Analysis) -> Iterator[Hit]:
        others = self._others.key if self._others is not None else None
        if self.quiet(a):
            return  # the one scan says no field can match
        if not a.scanned_for(self.key) and not self.worth_running(a):
            return
        found = 0
        p = a.parsed
        judged: dict[int, bool] = {}  # sentence id -> does it count
        # One scan per field; each match is judged in the context of its sentence, and every
        # match of a sentence that counts is reported (`max-per-story` counts sentences).
        # the one scan may show that no field can match (code blocks, searched with an end
        # position that changes what \b sees, are not ruled out by it)
        may = a.may_match(self.key) or (others is not None and a.may_match(others))
        fields = (("title", p.masked_title), ("body", p.masked_body)) if may else ()
        for field_name, text in fields:
            for m in self._matches(a, text):
                if not m.group(0).strip():
                    continue
                s = a.sentence_at(field_name, m.start())
                if s is None:
                    continue
                counts = judged.get(id(s))
                if counts is None:
                    if found >= self.max_per_story:
                        return
                    counts = judged[id(s)] = self._counts(s)
                    found += counts
                if not counts:
                    continue
                term = p.text(field_name)[m.start() : m.end()]  # as written, not lower-cased
                yield Hit(s.field, m.start(), m.end(), self.confidence, term, s.start, s.end)
        if self.in_code_blocks:
            body = p.masked_body
            for start, end, _lang in a.code_blocks():
                if found >= self.max_per_story:
                    return
                in_block = self.patterns.original().search(body, start, end)
                if self._others is not None:
                    # as in running text: the match that starts first, the rule's own on a tie
                    other = self._others.regex().search(body, start, end)
                    if other is not None and (in_block is None or other.start() < in_block.start()):
                        in_block = other
                if in_block is not None:
                    yield Hit("body", in_block.start(), in_block.end(), self.confidence, in_block.group(0))
                    found += 1
