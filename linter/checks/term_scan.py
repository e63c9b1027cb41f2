"""One pass over a story's words for every term rule of a run.

Each term rule used to walk the sentences that hold one of its first words with its own
`PhraseIndex`; eleven bundled rules (and a team's own) walked many of the same sentences
again. `TermScan` merges their indexes: a sentence is walked once, and at each word only
the rules with a term starting there are tried. Each rule keeps its own left-to-right,
longest-first, non-overlapping matches, so it gets exactly what `PhraseIndex.find` gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import PhraseIndex

if TYPE_CHECKING:
    from ..analysis import Analysis

Match = tuple[int, int, str]  # (start, end, phrase) in field offsets


class TermScan:
    """The merged first-word index of several `PhraseIndex`es (one slot each)."""

    def __init__(self, indexes: list[PhraseIndex]) -> None:
        self.indexes = indexes
        self.universe: frozenset[str] = frozenset().union(*(ix.first_words for ix in indexes))
        merged: dict[str, list[int]] = {}
        for slot, ix in enumerate(indexes):
            for key in ix.start_words():
                merged.setdefault(key, []).append(slot)
        self._merged = merged
        # each first word's slots, with the words that may come second where every term of the
        # slot that starts with it has more words ("in" only before "memory"): most first words
        # a sentence holds start no term there ("in", "new", "code"), and trying the slot's
        # terms cost two calls each time. Filled as stories meet the words (`_tries_of`): all
        # 2,500 of them cost the one-story start some 4 ms.
        self._tries: dict[str, list[tuple[int, frozenset[str] | None]]] = {}
        # a sentence needs its words as written only when it holds a term that must match so
        # (otherwise its lower-cased words serve every index, and `words` is never built)
        self._cased_words = frozenset(k.lower() for ix in indexes if ix.cased for k in ix.cased_start_words())
        self._last: tuple[Analysis, frozenset[str]] | None = None  # (story, its `starts`)
        # a first word (lower case, as `PhraseIndex.first_words`) -> the slots it starts a term
        # of, filled as stories meet the words (`woken`)
        self._by_word: dict[str, list[int]] = {}

    def _tries_of(self, word: str) -> list[tuple[int, frozenset[str] | None]]:
        tries = self._tries[word] = [(slot, self.indexes[slot].second_words(word)) for slot in self._merged.get(word, ())]
        return tries

    def _slots_of(self, word: str) -> list[int]:
        slots = self._by_word[word] = [slot for slot, ix in enumerate(self.indexes) if word in ix.first_words]
        return slots

    def starts(self, a: Analysis) -> frozenset[str]:
        """The story's words that start a term of some rule, worked out once per story: each
        rule asks whether it has a first word among these few, not among all the story's words
        (eleven bundled rules each testing the story's some fifty words: 23,000 instructions a
        story). Kept for the last story asked about, as one tuple: a thread linting another
        story meanwhile replaces both at once, and `a.shared` cost more than it saved."""
        last = self._last
        if last is not None and last[0] is a:
            return last[1]
        starts = a.vocab & self.universe
        self._last = (a, starts)
        return starts

    def woken(self, a: Analysis) -> set[int]:
        """The slots some of whose terms start with a word of the story: those whose
        `first_words` are not disjoint from `starts` (one lookup per word the story has among
        the terms' first words, not a test per slot)."""
        by_word, slots_of = self._by_word, self._slots_of
        return {slot for word in self.starts(a) for slot in (by_word.get(word) or slots_of(word))}

    def matches(self, a: Analysis) -> list[dict[int, list[Match]]] | None:
        """Per slot, sentence number -> that index's matches (sentences with none left out);
        None for a story with non-ASCII text, whose words a sentence may still re-split
        (`SentenceInfo.words`): each rule then looks for itself."""
        return a.shared(id(self), lambda: self._scan(a))

    def _scan(self, a: Analysis) -> list[dict[int, list[Match]]] | None:
        if not a.all_text().isascii():
            return None
        indexes, merged, universe, all_tries = self.indexes, self._merged, self.universe, self._tries
        out: list[dict[int, list[Match]]] = [{} for _ in indexes]
        for number, s in enumerate(a.sentences):
            if universe.isdisjoint(s.vocab):
                continue
            lowered = s.lowered  # ASCII: words as written never re-split it
            words = s.words if not self._cased_words.isdisjoint(s.vocab) else lowered
            starts = s.vocab & universe  # the words a term of some rule may start at
            free = [0] * len(indexes)  # per slot: the first word its next match may start at
            n = len(lowered)
            for i in [i for i, w in enumerate(lowered) if w in starts]:
                word = lowered[i]
                tries = all_tries.get(word)
                if tries is None:
                    tries = self._tries_of(word)
                if words[i] != word:
                    more = merged.get(words[i])
                    if more:  # a cased term may start there too: every slot is tried
                        tries = [(slot, None) for slot in sorted(set(merged.get(word) or ()) | set(more))]
                if not tries:
                    continue
                after = lowered[i + 1] if i + 1 < n else ""
                for slot, seconds in tries:
                    if i < free[slot] or (seconds is not None and after not in seconds):
                        continue
                    found = indexes[slot].match_at(s, words, lowered, i)
                    if found is not None:
                        start, end, phrase, k = found
                        out[slot].setdefault(number, []).append((start, end, phrase))
                        free[slot] = i + k
        return out
