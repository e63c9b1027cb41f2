"""`kind = "code-block"`: fenced code in a story, by language tag or by content.

Code in a PM story is evidence, not noise: a `sql` block or an `ALTER TABLE` dictates the
data model. Blocks under reproduction / log headings are a bug's evidence and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis
from ..parse import CODE
from ._regex import compile_patterns
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
        self.include_inline = flag(detect, "include-inline")
        if not self.languages and self.content is None:
            raise ValueError("give languages or content-patterns")

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        body = p.masked_body
        for block in p.blocks:
            if block.kind != CODE or block.section in self.skip_sections:
                continue
            if block.lang in self.languages:
                end = body.find("\n", block.start, block.end)
                yield Hit("body", block.start, block.end, self.confidence, block.lang, block.start,
                          end if end > block.start else block.end)  # fmt: skip
                return
            if self.content is not None:
                m = self.content.search(body, block.start, block.end)
                if m:
                    yield Hit("body", m.start(), m.end(), self.confidence, m.group(0), m.start(), m.end())
                    return
        if self.include_inline and self.content is not None:
            for span in p.code_spans:
                s = a.sentence_at(span.field, span.start)
                if s is not None and s.section in self.skip_sections:
                    continue  # SQL quoted in a bug's reproduction or logs
                text = p.masked(span.field)
                m = self.content.search(text, span.start, span.end)
                if m:
                    yield Hit(span.field, m.start(), m.end(), self.confidence, m.group(0), span.start, span.end)
                    return
