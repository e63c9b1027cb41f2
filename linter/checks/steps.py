"""`kind = "step-list"`: a list that is a technical to-do list, not acceptance criteria.

A list whose items mostly start with a build verb ("create", "add", "wire") *and*
name something technical (a code or infrastructure term, an identifier, a code span)
is the team's build plan. Items that state observable behaviour ("Users can ...",
"Show ...") are acceptance criteria and do not count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis, SentenceInfo
from ..parse import LIST_ITEM
from .base import Check, Hit, PhraseIndex, str_list
from .identifiers import CAMEL, DOTTED, PATH, SNAKE


class StepListCheck(Check):
    kind = "step-list"
    allowed = frozenset({"technical-terms", "min-steps", "min-share", "enough-steps", "skip-sections", "confidence", "context", "user-clause"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({"context": "any", **detect}, **kw)
        self.technical = PhraseIndex(str_list(detect, "technical-terms"))
        self.min_steps = int(detect.get("min-steps", 2))
        self.min_share = float(detect.get("min-share", 0.5))
        # this many build steps make a plan whatever else the list holds
        self.enough_steps = int(detect.get("enough-steps", 3))

    def _technical(self, a: Analysis, s: SentenceInfo) -> bool:
        if self.technical.find(s):
            return True
        if a.spans_in(s):
            return True
        return any(SNAKE.match(t) or CAMEL.match(t) or PATH.match(t) or DOTTED.match(t) for t in s.words)

    def _lists(self, a: Analysis) -> list[list[SentenceInfo]]:
        """The first sentence of each item, grouped into lists of consecutive items."""
        first_sentence: dict[int, SentenceInfo] = {}
        for s in a.sentences:
            if s.field == "body" and s.kind == LIST_ITEM:
                first_sentence.setdefault(s.block_start, s)
        lists: list[list[SentenceInfo]] = []
        stack: list[tuple[int, list[SentenceInfo]]] = []  # open lists by nesting depth, shallowest first
        open_lists: dict[int, list[SentenceInfo]] = {}

        def close(deeper_than: int) -> None:
            while stack and stack[-1][0] > deeper_than:
                depth, items = stack.pop()
                del open_lists[depth]
                lists.append(items)

        for block in a.parsed.blocks:
            if block.kind == LIST_ITEM and block.section not in self.skip_sections:
                close(block.depth)  # a shallower item ends the nested lists under the previous one
                item = first_sentence.get(block.start)
                if item is not None:
                    if block.depth not in open_lists:
                        open_lists[block.depth] = []
                        stack.append((block.depth, open_lists[block.depth]))
                    open_lists[block.depth].append(item)
                continue
            if block.kind != LIST_ITEM:
                close(-1)
        close(-1)
        return lists

    def run(self, a: Analysis) -> Iterator[Hit]:
        for items in self._lists(a):
            steps = [s for s in items if s.imperative and not s.user_clause and self._technical(a, s)]
            share = len(steps) / len(items)
            if len(steps) >= self.enough_steps or (len(steps) >= self.min_steps and share >= self.min_share):
                first, last = steps[0], steps[min(len(steps), 3) - 1]
                conf = min(self.confidence + 0.03 * (len(steps) - self.min_steps), 1.0)
                yield Hit(first.field, first.start, first.end, conf, f"{len(steps)} build steps", first.start, last.end)
                return
