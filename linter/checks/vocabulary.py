"""`kind = "vocabulary"`: the team's own rejected terms for a category (config
`[tool.storylint.vocabulary] reject.<category> = [...]`), flagged wherever they appear
outside bug-reproduction sections (where a fix the writer puts forward still counts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis
from .base import Check, Hit, PhraseIndex


class VocabularyCheck(Check):
    kind = "vocabulary"
    allowed = frozenset({"confidence", "skip-sections", "context", "user-clause"})

    def __init__(self, detect: dict[str, Any], *, category: str, vocabulary: dict[str, Any], trusted: bool = False) -> None:
        # the team's terms are words, matched literally (no regular expression to guard)
        super().__init__({**detect, "context": "any", "user-clause": "allow"}, category=category, vocabulary=vocabulary, trusted=trusted)
        terms = list((vocabulary.get("reject") or {}).get(category, []))
        self.terms = PhraseIndex(terms, plurals=True) if terms else None

    @property
    def idle(self) -> bool:
        return self.terms is None  # the team rejects no term of this category

    def run(self, a: Analysis) -> Iterator[Hit]:
        if self.terms is None or self.terms.first_words.isdisjoint(a.vocab):
            return
        for s in a.sentences:
            if self.section_skipped(s):  # (as the other HOW checks: a fix put forward counts)
                continue
            for start, end, term in self.terms.find(s):
                yield Hit(s.field, start, end, self.confidence, term, s.start, s.end)
