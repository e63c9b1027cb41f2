"""`kind = "step-list"`: a list that is a technical to-do list, not acceptance criteria.

A list whose items mostly start with a build verb ("create", "add", "wire") *and*
name something technical (a code or infrastructure term, an identifier, a code span)
is the team's build plan. Items that state observable behaviour ("Users can ...",
"Show ...") are acceptance criteria and do not count. A list of changes ("remove",
"fix", "update", the rule's `change-verbs`) is a to-do list of the code's changes even where
only one item names what is technical ("Pull the report module in", "Remove the old readme",
"Fix the formatting"): enough such items, most of the list, make it a plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis, SentenceInfo, grammar
from ..parse import LIST_ITEM, SEC_AC, SEC_PROPOSAL
from .base import Check, Hit, PhraseIndex, count, str_list
from .identifiers import CAMEL, DOTTED, PATH, SNAKE


class StepListCheck(Check):
    kind = "step-list"
    allowed = frozenset({"technical-terms", "min-steps", "min-share", "enough-steps", "change-verbs", "skip-sections",
                         "confidence", "context", "user-clause"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({"context": "any", **detect}, **kw)
        self.technical = PhraseIndex(str_list(detect, "technical-terms"))
        self.min_steps = count(detect, "min-steps", 2)
        self.min_share = float(detect.get("min-share", 0.5))
        if not 0.0 <= self.min_share <= 1.0:  # a share above 1 made the rule find nothing
            raise ValueError(f"min-share must be from 0 to 1, not {detect['min-share']!r}")
        # this many build steps make a plan whatever else the list holds
        self.enough_steps = count(detect, "enough-steps", 3)
        # verbs that order a change to what exists; a list of such orders is a to-do list of
        # changes once one of its items names something technical
        self.change_verbs = frozenset(v.lower() for v in str_list(detect, "change-verbs"))
        never = sorted(self.change_verbs - grammar().imperatives)
        if never:  # the analysis names a sentence's verb only from that list: it would never count
            raise ValueError(f"change-verbs: {never[0]!r} is not one of the imperatives in rules/grammar.toml")

    def _technical(self, a: Analysis, s: SentenceInfo, *, spans: bool = True) -> bool:
        if self.technical.occurs(s):
            return True
        if spans and a.spans_in(s):  # a code span, e.g. `orders.shipped_at`
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

    def _step(self, a: Analysis, s: SentenceInfo, todo: bool) -> bool:
        """A build step: a build verb first, or in a to-do list any item naming technical work."""
        if s.user_clause or s.behaviour or not (s.imperative or todo):
            return False
        if s.asks_surface:  # "Add an allowed value of -1 for X": what its users set
            return False
        # without a verb, a code span alone (often a placeholder such as `TBD`) is not enough
        return self._technical(a, s, spans=s.imperative)

    def _change(self, s: SentenceInfo) -> bool:
        """An order to change something ("Remove the old readme"): not documentation work, not optional."""
        return (
            s.verb in self.change_verbs
            and not (s.behaviour or s.user_clause or s.docs_work or s.optional)
            and not s.asks_surface  # "Add batch-time metrics": a change its users see
        )

    def run(self, a: Analysis) -> Iterator[Hit]:
        blocks = {b.start: b for b in a.parsed.blocks if b.kind == LIST_ITEM}
        if not blocks:
            return  # no list item, no list (`_lists` would walk every sentence and block to say so)
        for items in self._lists(a):
            # A task list ("- [ ] ...") or a list in a proposal section is a to-do list: its
            # items are steps even when they are not verb-first ("DB migration for orders").
            # Under an acceptance-criteria heading a task list is the criteria to tick off:
            # there only a build verb makes an item a step.
            todo = all((blocks[s.block_start].checked is not None and s.section != SEC_AC) or s.section == SEC_PROPOSAL
                       for s in items if s.block_start in blocks)  # fmt: skip
            steps = [s for s in items if self._step(a, s, todo)]
            if steps and len(steps) < self.enough_steps and self.change_verbs:
                # orders to change what exists, one of which names what is technical, are as
                # much a plan (a reproduction's "Create ...", "Run ..." order no change)
                changes = [s for s in items if self._change(s)]
                technical = {id(s) for s in steps}
                if (len(changes) >= max(self.enough_steps, self.min_share * len(items))
                        and any(id(s) in technical for s in changes)):  # fmt: skip
                    steps = changes
            share = len(steps) / len(items)
            if len(steps) >= self.enough_steps or (len(steps) >= self.min_steps and share >= self.min_share):
                first, last = steps[0], steps[min(len(steps), 3) - 1]
                conf = min(self.confidence + 0.03 * (len(steps) - self.min_steps), 1.0)
                yield Hit(first.field, first.start, first.end, conf, f"{len(steps)} build steps", first.start, last.end)
                return
