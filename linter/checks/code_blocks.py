"""`kind = "code-block"`: fenced code in a story, by language tag or by content.

Code in a PM story is evidence, not noise: a `sql` block or an `ALTER TABLE` dictates the
data model. Blocks under reproduction / log headings are a bug's evidence and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis
from ..parse import CODE
from ._regex import compile_patterns, join_patterns
from .base import Check, Hit, flag, str_list


class CodeBlockCheck(Check):
    kind = "code-block"
    allowed = frozenset({"languages", "content-patterns", "skip-sections", "confidence", "include-inline", "context", "user-clause"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        detect = {"context": "any", **detect}
        super().__init__(detect, **kw)
        self.languages = frozenset(lang.lower() for lang in str_list(detect, "languages"))
        patterns = str_list(detect, "content-patterns")
        self.content = compile_patterns(patterns, ignore_case=True, trusted=self.trusted) if patterns else None
        # what the story's one scan is asked about the content patterns (see _prefilter)
        self._content_key = (join_patterns(patterns), True) if patterns else None
        self.include_inline = flag(detect, "include-inline")
        if not self.languages and self.content is None:
            raise ValueError("give languages or content-patterns")

    def scanned(self) -> list[tuple[str, bool]]:
        return [*super().scanned(), *([self._content_key] if self._content_key else [])]

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        body = p.masked_body
        content = self.content
        # the story's one scan found no content pattern in the whole text (most stories)
        absent = self._content_key is not None and not a.may_match(self._content_key)
        for block in p.blocks:
            if block.kind != CODE or block.section in self.skip_sections:
                continue
            if block.lang in self.languages:
                end = body.find("\n", block.start, block.end)
                yield Hit("body", block.start, block.end, self.confidence, block.lang, block.start,
                          end if end > block.start else block.end)  # fmt: skip
                return
            if content is not None and not (absent and _scan_holds(body, block.end)):
                m = content.search(body, block.start, block.end)
                if m:
                    yield Hit("body", m.start(), m.end(), self.confidence, m.group(0), m.start(), m.end())
                    return
        if self.include_inline and content is not None:
            for span in p.code_spans:
                text = p.masked(span.field)
                if absent and _scan_holds(text, span.end):
                    continue
                s = a.sentence_at(span.field, span.start)
                if s is not None and s.section in self.skip_sections:
                    continue  # SQL quoted in a bug's reproduction or logs
                m = content.search(text, span.start, span.end)
                if m:
                    yield Hit(span.field, m.start(), m.end(), self.confidence, m.group(0), span.start, span.end)
                    return


def _scan_holds(text: str, end: int) -> bool:
    """The one scan's "no match" in the whole text holds for a search of `text` that stops at
    `end`: no word goes on past `end` (there the search would see a word end, `\\b`, or a
    non-word, `\\B`, that the whole text does not have; the widened patterns hold no other
    assertion, and a search from a start sees the text before it)."""
    return end >= len(text) or not (text[end].isalnum() or text[end] == "_")
