"""What every check kind shares: its result type and context options."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..analysis import Analysis, SentenceInfo
from ..fastre import lowerable, lowers_alike
from ..lazyre import lazy
from ..model import HOW_CATEGORIES
from ..parse import SEC_AC, SEC_NONE, SEC_OTHER, SEC_PROBLEM, SEC_PROPOSAL, SEC_REPRO
from ..recache import compile as compile_re
from ._regex import Regex, compile_patterns, join_patterns

CONTEXTS = ("directive", "requirement", "any", "strong-directive", "instruction", "directive-or-title")
#: What `skip-sections` may name: the kinds of heading a section can stand under.
SECTIONS = (SEC_REPRO, SEC_AC, SEC_PROPOSAL, SEC_PROBLEM, SEC_OTHER, SEC_NONE)


@dataclass(slots=True)
class Hit:
    """Where the HOW is (`start`/`end`: the term) and the excerpt that shows it."""

    field: str
    start: int
    end: int
    confidence: float
    term: str = ""
    ex_start: int = -1  # excerpt bounds; -1: the engine uses the sentence around `start`
    ex_end: int = -1


class Check:
    """Base class: `run` yields hits for one story."""

    kind = "base"
    allowed: frozenset[str] = frozenset()
    #: What the check finds stays HOW in a sentence about what the user observes ("X should
    #: show ..."): a name from the code, a place on the screen. Other evidence there is behaviour.
    holds_in_behaviour = False

    def __init__(
        self, detect: dict[str, Any], *, category: str, vocabulary: dict[str, Any], trusted: bool = False
    ) -> None:
        unknown = sorted(set(detect) - set(self.allowed) - {"kind"})
        if unknown:
            raise ValueError(f"unknown option {unknown[0]!r} for check kind {self.kind!r}")
        self.category = category
        # bundled rules are trusted; a team's own patterns run on the linear-time RE2
        self.trusted = trusted
        self.vocabulary = vocabulary
        self.confidence = float(detect.get("confidence", 0.8))
        if not 0.0 <= self.confidence <= 1.0:  # also NaN (TOML's `nan`), which no JSON parser reads back
            raise ValueError(f"confidence must be from 0 to 1, not {detect['confidence']!r}")
        self.context = detect.get("context", "directive")
        if self.context not in CONTEXTS:
            raise ValueError(f"context must be one of {', '.join(CONTEXTS)}")
        # a string ("repro") was read as its letters and a misspelt kind ("repo") as none:
        # either way the default's repro sections silently counted again
        skip = str_list(detect, "skip-sections") if "skip-sections" in detect else [SEC_REPRO]
        stray = next((name for name in skip if name not in SECTIONS), None)
        if stray is not None:
            raise ValueError(f"skip-sections: unknown section kind {stray!r} (known: {', '.join(SECTIONS)})")
        self.skip_sections = frozenset(skip)
        self.holds_in_behaviour = flag(detect, "holds-in-behaviour", type(self).holds_in_behaviour)
        # Literal substrings one of which must occur for the check to be worth running
        # (a speed hint only: it must never change what the check finds).
        self.quick = tuple(str_list(detect, "quick"))
        self.quick_lower = flag(detect, "quick-ignore-case")
        if self.quick_lower:
            self.quick = tuple(q.lower() for q in self.quick)
        quick_source = "|".join(re.escape(q) for q in self.quick)
        self._quick_re: Regex | None = compile_re(quick_source) if self.quick else None
        # a bundled case-insensitive quick-pattern, for the stories whose lower case it does not
        # read as it reads them as written (`worth_running`)
        self._quick_as_written: re.Pattern[str] | None = None
        if "quick-pattern" in detect:  # a regular expression instead of literals
            quick = detect["quick-pattern"]
            if not isinstance(quick, str):
                raise ValueError("quick-pattern must be a string")
            self._quick_re = compile_patterns([quick], trusted=trusted)
            quick_source = join_patterns([quick])
            if self.quick_lower and trusted and lowerable(quick_source):
                self._quick_as_written = lazy(quick_source, re.IGNORECASE)
        # what the story's one scan is asked about this check's prefilter (see _prefilter)
        self._quick_key: tuple[str, bool] | None = (quick_source, self.quick_lower) if self._quick_re else None
        self.user_clause = detect.get("user-clause", "technical-role")
        if self.user_clause not in ("skip", "technical-role", "allow"):
            raise ValueError("user-clause must be skip, technical-role or allow")

    def run(self, a: Analysis) -> Iterator[Hit]:
        raise NotImplementedError

    @property
    def idle(self) -> bool:
        """The check can find nothing in any story (no terms configured; the engine's own)."""
        return False

    def quiet(self, a: Analysis) -> bool:
        """What the story's one scan (or its words) showed already says the check finds nothing
        in it: the engine then does not call `run` (making and finishing its generator, for
        some thirty rules a story, cost more than most of them do to return)."""
        return False

    def wake_keys(self) -> frozenset[tuple[str, bool]] | None:
        """Scan keys of which one must be able to match (`Analysis.may_match`) for the check to
        find anything, where `quiet` is exactly "none of them may": the engine then looks them
        up for all such rules at once (`Analysis.may_match_of`) instead of asking each. None:
        `quiet` says more than that (or nothing), and is asked."""
        return None

    def scanned(self) -> list[tuple[str, bool]]:
        """(pattern, ignore case) of each expression this check asks `Analysis.may_match` about."""
        return [self._quick_key] if self._quick_key else []

    def worth_running(self, a: Analysis) -> bool:
        if self._quick_re is None:
            return True
        assert self._quick_key is not None
        if not a.may_match(self._quick_key):
            return False
        if a.scanned_for(self._quick_key):
            return True  # the scan saw it (perhaps widened): a hint needs no second opinion
        # Where the scan did not answer (a run's first stories; text with letters beyond ASCII),
        # a case-insensitive pattern is searched in the story's lower-cased text without
        # IGNORECASE: each character compares once, not by its case folding (TC03's list of
        # seventy runtimes, tried at every character: 6,300 instructions a character, 1,200 so).
        # As written, with IGNORECASE, where lower-casing would read the text apart.
        as_written = self._quick_as_written
        if as_written is not None and not lowers_alike(a.all_text()):
            return as_written.search(a.all_text()) is not None
        return self._quick_re.search(a.all_text(self.quick_lower)) is not None

    def section_skipped(self, s: SentenceInfo) -> bool:
        """The sentence stands in a section this check skips; a form's "Expected behavior" or
        "Steps to reproduce" section is where a GitHub writer puts their proposal, so there
        "I suggest ...", "the solution is ..." still counts (every check that skips sections)."""
        return s.section in self.skip_sections and not (s.section == SEC_REPRO and s.puts_fix_forward)

    def sentence_applies(self, s: SentenceInfo, ordered: bool = False) -> bool:
        """The context gate shared by the HOW checks (`ordered`: read the sentence as an
        imperative, as a check does that knows its verb orders what it names)."""
        if self.section_skipped(s):
            return False
        f = s.flags  # (read once: each of the sentence's properties reads them again)
        if f.asks:
            return False  # a question names what it asks about; it orders nothing
        if f.optional and self.category in HOW_CATEGORIES:
            return False  # an item marked optional is left to the team; it dictates no HOW
        if self.category in _NAMES_CODE and f.docs_work:
            return False  # documenting code names and endpoints is not prescribing them
        if f.user_clause and not f.system_want:
            if self.user_clause == "skip":
                return False
            if self.user_clause == "technical-role" and not f.technical_role:
                return False
            if self.user_clause == "allow":
                return True  # the want itself is the requirement ("I want my files stored in S3")
        context = self.context
        if context == "any":
            return True
        # `SentenceInfo.directive`
        directive = ordered or f.imperative or f.modal or f.plan or s.section == SEC_PROPOSAL
        if context == "directive-or-title":
            # a title names the work ("Endpoint returning the current user"); the body's
            # statements only mention what the product already has
            return directive or s.field == "title"
        if context == "strong-directive":
            return directive and (ordered or f.imperative or f.plan)
        if context == "requirement":
            return directive or s.section == SEC_AC  # `SentenceInfo.requirement`
        if context == "instruction":
            # an order: to build ("Use a modal"), or to behave ("Show X in a modal"); not a
            # modal about what exists ("the drop-downs need to close")
            return ordered or f.imperative or f.behaviour or f.plan or s.section == SEC_PROPOSAL
        return directive


#: Categories whose findings name parts of the code, which documentation work names too.
_NAMES_CODE = frozenset({"code_structure", "api_contract"})


def flag(detect: dict[str, Any], key: str, default: bool = False) -> bool:
    """A true/false option: `ignore-case = "false"` was read as true."""
    value = detect.get(key, default)
    if not isinstance(value, bool):
        raise TypeError(f"{key} must be true or false, not {value!r}")
    return value


def count(detect: dict[str, Any], key: str, default: int, minimum: int = 1) -> int:
    """A whole-number option: `max-per-story = 0` still reported one sentence."""
    value = detect.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key} must be a whole number of at least {minimum}, not {value!r}")
    return value


def str_list(detect: dict[str, Any], key: str) -> list[str]:
    value = detect.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings")
    return value


#: What follows an everyday verb that starts a sentence: its particle, its object's determiner,
#: or the means it is done by ("Bootstrap using fallbacks", "Segment using the customer's age")
_VERB_COMPLEMENTS = frozenset({"through", "to", "the", "a", "an", "your", "our", "my", "their", "his", "her", "its",
                               "this", "that", "these", "those", "back", "ahead", "over", "into", "out", "up", "down",
                               "away", "around", "beyond", "further", "all", "some", "any", "every", "each", "on",
                               "using"})  # fmt: skip


def beside(
    text: str, start: int, end: int, *, before: re.Pattern[str] | None = None, after: re.Pattern[str] | None = None,
    window: int = 40, floor: int = 0,
) -> bool:
    """What stands next to the term at `start:end`: `before` must end at its start (searched in a
    short window before it, so that a wall of terms is not read again for each, and not before
    `floor`: a caller that passes its sentence's start keeps the last line's words out), `after`
    must start at its end (`.match`: never a search from every position)."""
    return bool(
        (before is not None and before.search(text, max(floor, start - window), start))
        or (after is not None and after.match(text, end))
    )


class PhraseIndex:
    """Multi-word terms matched over a sentence's tokens by hashing: linear in tokens."""

    def __init__(self, phrases: list[str], *, cased: list[str] | None = None, plurals: bool = True) -> None:
        # Built for every term list at load, so inside the one-story cold start: one pass,
        # each phrase tokenised and lower-cased once.
        from ..analysis import TOKEN_RE

        tokenize = TOKEN_RE.findall
        index: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        for is_cased, group in ((False, phrases), (True, cased or [])):
            for phrase in group:
                toks = tuple(tokenize(phrase))
                if not toks:
                    raise ValueError(f"term {phrase!r} has no words")
                if is_cased:
                    index.setdefault(toks[0], []).append((toks, True, phrase))
                    continue
                head, last = tuple(t.lower() for t in toks[:-1]), toks[-1]
                lasts = [last]
                if plurals and last[-1:].isalpha():
                    lasts += [last + "s", last + "es"] + ([last[:-1] + "ies"] if last.endswith("y") else [])
                for word in (w.lower() for w in lasts):
                    index.setdefault(head[0] if head else word, []).append((head + (word,), False, phrase))
        for entries in index.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest first
        self._index = index
        self._cased = bool(cased)
        self.first_words = frozenset(k.lower() for k in self._index)
        # A word as written that starts a term as written and, lower-cased, another term
        # ("Ruby" and "ruby on rails"): both kinds are tried there, longest first.
        self._both: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {
            key: sorted(entries + self._index[key.lower()], key=lambda e: -len(e[0]))
            for key, entries in self._index.items()
            if key != key.lower() and key.lower() in self._index
        }

    def __bool__(self) -> bool:
        return bool(self._index)

    @property
    def cased(self) -> bool:
        """Some term must match as written (then the sentence's own-case words are needed)."""
        return self._cased

    def start_words(self) -> list[str]:
        """The words a term can start with, as looked up (lower case, or as written)."""
        return list(self._index)

    def second_words(self, key: str) -> frozenset[str] | None:
        """The words that may follow `key` (a first word, as looked up) where every term that
        starts with it has two words or more and matches in lower case: before any other word
        no term of the index starts there. None where one term is that word alone, or cased."""
        entries = self._index.get(key)
        if not entries or any(is_cased or len(norm) < 2 for norm, is_cased, _ in entries):
            return None
        return frozenset(norm[1] for norm, _, _ in entries)

    def cased_start_words(self) -> list[str]:
        """The first words, as written, of the terms that must match as written."""
        return sorted({norm[0] for entries in self._index.values() for norm, is_cased, _ in entries if is_cased})

    def find(self, s: SentenceInfo) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of every match in a sentence, left to right, not overlapping."""
        out: list[tuple[int, int, str]] = []
        if self.first_words.isdisjoint(s.vocab):
            return out
        words = s.words if self._cased else s.lowered  # original case only when a term needs it
        lowered = s.lowered  # after `words`, which may realign it
        i, n = 0, len(words)
        while i < n:
            hit = self.match_at(s, words, lowered, i)
            if hit:
                out.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return out

    def occurs(self, s: SentenceInfo) -> bool:
        """Some term matches in the sentence (`find`'s answer without the positions, which
        cost a token list of the whole sentence)."""
        if self.first_words.isdisjoint(s.vocab):
            return False
        words = s.words if self._cased else s.lowered
        lowered = s.lowered
        return any(self._longest(words, lowered, i) for i in range(len(words)))

    def first_in(self, words: list[str]) -> tuple[int, int, str] | None:
        """(first word, words it spans, phrase) of the first term in a list of words as written
        (text that is no sentence, such as a heading)."""
        lowered = [w.lower() for w in words]
        if self.first_words.isdisjoint(lowered):  # (holds the cased terms' first words too)
            return None
        for i in range(len(words)):
            hit = self._longest(words, lowered, i)
            if hit:
                return i, hit[0], hit[1]
        return None

    def _longest(self, words: list[str], lowered: list[str], i: int) -> tuple[int, str] | None:
        """(words it spans, phrase) of the longest term starting at word `i`."""
        entries = (self._both.get(words[i]) if self._both else None) or self._index.get(lowered[i])
        if not entries and self._cased:
            entries = self._index.get(words[i])
        if not entries:
            return None
        n = len(lowered)
        for norm, is_cased, phrase in entries:
            k = len(norm)
            if i + k > n:
                continue
            seq = words if is_cased else lowered
            # the last word first: one comparison refuses most of the phrases that share only
            # their first word with the sentence, before any slice is made
            if seq[i + k - 1] != norm[-1] or (k > 1 and tuple(seq[i : i + k - 1]) != norm[:-1]):
                continue
            if is_cased and i == 0 and k == 1 and n > 1 and lowered[1] in _VERB_COMPLEMENTS:
                # "Go through the logs", "Express your thanks": a sentence's first word is
                # capitalised anyway, and this one is a verb ("Python should ..." is not)
                continue
            return k, phrase
        return None

    def match_at(
        self, s: SentenceInfo, words: list[str], lowered: list[str], i: int
    ) -> tuple[int, int, str, int] | None:
        """The longest term starting at word `i`: (start, end, phrase, words it spans)."""
        hit = self._longest(words, lowered, i)
        if hit is None:
            return None
        k, phrase = hit
        tokens = s.tokens
        return tokens[i][0], tokens[i + k - 1][1], phrase, k


class EngineCheck(Check):
    """`kind = "engine"`: rules the engine itself reports (suppression hygiene)."""

    kind = "engine"
    allowed = frozenset({"confidence"})

    @property
    def idle(self) -> bool:
        return True  # the engine reports these itself, from the suppressions it reads

    def run(self, a: Analysis) -> Iterator[Hit]:
        return iter(())
