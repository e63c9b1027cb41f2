"""A compiled pattern whose `search` asks RE2 first where that cannot change the answer.

The sentence flags run a few long alternations (modal, plan, documentation work, code
shapes) on every sentence a rule asks about; Python's `re` tries each alternative at each
character, RE2 runs one DFA. Both wrappers hand RE2 the pattern *widened* by the one scan's
`checks._prefilter.relax` (it matches wherever the pattern does), and only on text where
`\\w \\d \\b` and case folding agree (`re2_agrees`: ASCII, or no letter or digit beyond it),
so a match object, its span and groups are always `re`'s own:

* `fast(rx)`: when the widened pattern finds nothing, neither can `rx`: `search` returns
  None without asking `re`;
* `leftmost(rx)`: no match of `rx` starts before the widened pattern's first match: its
  `search` and `finditer` ask `re` only where the widened pattern matches (on ASCII text;
  beyond it `re` searches from the first such place);
* `found(rx, text)`: whether `rx` matches; where the widening left the pattern as it was,
  RE2's "match" is the answer too, and `re` is not asked. Where `re` must answer, a
  case-insensitive pattern that names no capital runs without IGNORECASE on the lower-cased
  text when it is ASCII (the same answer, some three times cheaper).

A pattern `relax` cannot widen for RE2 (back-references) is left to `re` alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from .lazyre import lazy

if TYPE_CHECKING:
    from .checks._regex import Regex

#: searches answered by `re` alone before the RE2 engine is built (the one-story cold start)
COMPILE_AFTER = 200
#: ... or characters `re` alone has searched for it: a pattern asked about a whole story (MO01's
#: outcome phrases: about a millisecond a search, against 4 ms to build its engine) pays for
#: it long before its 200th search. The long alternations asked about sentences cost `re` over
#: a thousand instructions a character (the plan pattern: 260,000 a sentence), so their engine
#: pays for itself after a few thousand characters, not twenty thousand: a whole run over 1,000
#: history stories 4.40 G to 4.18 G instructions; a one-story run of a 3,900-character story
#: +0.7%, of a short one unchanged (it reads fewer)
COMPILE_AFTER_CHARS = 2_000
#: how many times over `leftmost`'s `finditer` lets RE2 read a text before `re` goes on alone:
#: each search may read on to the end (DM03's widened `[^.;\n]*?` over a 60,000-character line
#: of "persist ": 15,000 places `re` refused, 90 us each, 0.6 s), and a story's few matches
#: need far fewer
SKIP_BUDGET = 8

# A non-ASCII character `re` reads as a word character (a letter or digit of any script).
_UNICODE_WORD = lazy(r"[^\W\x00-\x7f]")


#: index 0 of every RE2 set: it matches every text, so a set's empty answer means "no answer"
#: (RE2 failed), not "no match". It matches at the end only: a set reports its matching
#: patterns at each character where one matches, and the empty pattern, matching at every
#: character, made that bookkeeping most of the cost of a scan.
ANY_TEXT = r"\z"

_last_read: list[Any] = [None, False]  # the last non-ASCII text asked about, and its answer


def re2_agrees(text: str) -> bool:
    """RE2 and `re` read `text` alike: it is ASCII, or its only other characters are neither
    letters nor digits (typographic quotes and dashes, emoji, no-break spaces). There `\\w
    \\d \\b` and case folding agree, white space is the widened `\\s` of `relax`, and RE2
    gives offsets in characters, as `re` does. Many patterns ask about one text in a row:
    the last answer is kept, so the text is read once."""
    if text.isascii():
        return True
    if text is _last_read[0]:
        return bool(_last_read[1])
    agrees = _UNICODE_WORD.search(text) is None
    _last_read[0], _last_read[1] = text, agrees
    return agrees


def unwrapped(rset: Any) -> Any:
    """The compiled RE2 set inside google-re2's `Set` wrapper, whose `Match(bytes)` gives the
    list of matching indexes itself (the wrapper's is a Python call more, and gives None for an
    empty list); the wrapper where a version of the package keeps it otherwise. Callers read
    its answer as `found or ()`, which both give alike."""
    return getattr(rset, "_set", rset)


def plain(rx: Any) -> re.Pattern[str]:
    """The `re` pattern behind a wrapper (`fast`, `leftmost`), or `rx` itself."""
    return rx._rx if isinstance(rx, _Wrapped) else rx


class _Wrapped:
    """`re.Pattern` with an RE2 engine built on first need; `re` gives every match."""

    __slots__ = ("_engine", "_exact", "_read", "_rx", "_uses")
    _name = "wrapped"
    _max_mem = 8 << 20

    def __init__(self, rx: re.Pattern[str]) -> None:
        self._rx = rx
        self._engine: Any = None  # None: not compiled yet; False: `re` alone
        self._uses = 0
        self._read = 0  # characters searched by `re` alone
        self._exact = False  # RE2 runs the pattern itself, not a wider one

    def _ready(self, text: str) -> Any:
        """The RE2 engine, once a run has searched often enough, or read enough, to pay for it."""
        engine = self._engine
        if engine is None:  # a run of a few stories does not pay for loading and compiling RE2
            self._uses += 1
            self._read += len(text)
            if self._uses >= COMPILE_AFTER or self._read >= COMPILE_AFTER_CHARS:
                self._engine = engine = self._compile()
        return engine

    def _compile(self) -> Any:
        """The RE2 engine, or False where `re` must answer alone."""
        rx = self._rx
        # MULTILINE only moves where `^` and `$` match, and the widening drops every anchor
        if rx.flags & ~(re.UNICODE | re.IGNORECASE | re.DOTALL | re.MULTILINE):
            return False
        from .checks._prefilter import relax  # here, not at import: checks import this module

        source = relax(rx.pattern)
        if source is None:
            return False
        self._exact = source == rx.pattern
        try:
            import re2  # a dependency; without it `re` answers alone
        except ImportError:  # pragma: no cover
            return False
        options = re2.Options()
        options.log_errors = False
        options.max_mem = self._max_mem
        prefix = ("i" if rx.flags & re.IGNORECASE else "") + ("s" if rx.flags & re.DOTALL else "")
        try:
            return self._build(re2, options, f"(?{prefix}:{source})")
        except re2.error:
            return False

    def _build(self, re2: Any, options: Any, source: str) -> Any:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rx, name)

    def __repr__(self) -> str:
        return f"{self._name}({self._rx!r})"


class _Fast(_Wrapped):
    """An RE2 set in front of `search(text)`: its "no match" is `re`'s (module doc)."""

    __slots__ = ("_lower",)
    _name = "fast"

    def __init__(self, rx: re.Pattern[str]) -> None:
        super().__init__(rx)
        self._lower: Any = None  # the pattern for lower-cased text: None until needed, False: none

    def _matches(self, text: str) -> bool:
        """`self._rx.search(text) is not None`, by `re`. On ASCII text a case-insensitive
        pattern that names no capital matches where the same pattern without IGNORECASE matches
        the lower-cased text (each character then compares once, not by its case folding): the
        plan pattern's search of a sentence cost `re` 115,000 instructions, 44,000 so. The second
        pattern is made once the run has searched enough to build (or refuse) the RE2 engine:
        a one-story run would load it for the few searches it makes (+5 M instructions)."""
        lower = self._lower
        if lower is None:
            if self._engine is None:
                return self._rx.search(text) is not None
            lower = self._lower = _for_lower_case(self._rx)
        if lower and text.isascii():
            return lower.search(text.lower()) is not None
        return self._rx.search(text) is not None

    def _build(self, re2: Any, options: Any, source: str) -> Any:
        rset = re2.Set.SearchSet(options)
        rset.Add(ANY_TEXT)  # index 0 matches every text: without it, RE2 gave no answer
        rset.Add(source)
        rset.Compile()
        return unwrapped(rset)  # read on most sentences a rule asks about: no wrapper call

    # `search` and `found` run on most sentences a rule asks about (some 8 calls a story):
    # the built engine is read without a call to `_ready`, ASCII text is told apart without
    # one to `re2_agrees`, and the set gets UTF-8 bytes, so its wrapper calls no encoder
    # (three Python calls fewer: about 1,900 instructions a call).

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        rset = self._engine
        if rset is None:
            rset = self._ready(text)
        if rset and not args and (text.isascii() or re2_agrees(text)):
            found = rset.Match(text.encode())
            if found and 0 in found and 1 not in found:
                return None
        return self._rx.search(text, *args)

    def found(self, text: str) -> bool:
        """`search(text) is not None`; RE2's "match" answers too where it ran the pattern itself
        (on text it reads as `re` does, the same pattern matches the same texts)."""
        rset = self._engine
        if rset is None:
            rset = self._ready(text)
        if rset and (text.isascii() or re2_agrees(text)):
            matched = rset.Match(text.encode())
            if matched and 0 in matched:
                return 1 in matched and (self._exact or self._matches(text))
        return self._matches(text)


# what keeps a pattern from reading lower-cased text as IGNORECASE reads any text: a capital
# outside an escape, a character given by its code (\x41 is "A"), a back-reference, a flag
# (and the letters IGNORECASE equates with ASCII ones: dotless and dotted i, long s, the
# Kelvin sign; lowered, they no longer match "i", "s" or "k")
_CASED = lazy(r"[A-Z\u0130\u0131\u017f\u212a]|\\[xuUN0-9]|\(\?[a-zA-Z-]")
_ESCAPED = lazy(r"\\[^xuUN0-9]")

# What lower-casing reads apart from IGNORECASE: the dotted capital I (U+0130) lowers to two
# characters ("i" and a combining dot); the dotless i (U+0131) and the long s (U+017F) stay as
# they are, where IGNORECASE takes them for "i" and "s". Every other character lowers to one
# that `\w`, `\d`, `\s` and each ASCII letter under IGNORECASE read as they read it
# (tests/core/test_fastre.py asks every code point).
_LOWERS_APART = lazy("[\u0130\u0131\u017f]")


def _reads_case(pattern: str) -> bool:
    """`pattern` could tell case apart without IGNORECASE (`_CASED`)."""
    return _CASED.search(_ESCAPED.sub("", pattern)) is not None


def lowerable(pattern: str) -> bool:
    """Case-insensitive, `pattern` finds in lower-cased text without IGNORECASE what it finds
    with it in the text as written, where that text `lowers_alike`: it is ASCII (no other
    letter to fold) and could not tell case apart (`_CASED`)."""
    return pattern.isascii() and not _reads_case(pattern)


def lowers_alike(text: str) -> bool:
    """`text.lower()` reads as IGNORECASE reads `text`, at the same offsets, for a `lowerable`
    pattern (ASCII text, or none of the three letters of `_LOWERS_APART`)."""
    return text.isascii() or _LOWERS_APART.search(text) is None


def _for_lower_case(rx: re.Pattern[str]) -> re.Pattern[str] | bool:
    """`rx` without IGNORECASE, for lower-cased ASCII text (the same matches there); False
    where `rx` is case-sensitive or its pattern could read case (`_CASED`)."""
    if not rx.flags & re.IGNORECASE or _reads_case(rx.pattern):
        return False
    from .recache import compile as compile_re  # (kept between runs, as every pattern is)

    return compile_re(rx.pattern, rx.flags & ~re.IGNORECASE)


def found(rx: re.Pattern[str] | Regex, text: str) -> bool:
    """`rx.search(text) is not None`, without a search by `re` where a `fast` pattern's RE2
    engine can answer alone (`_Fast.found`); a team's pattern (RE2 already) is searched."""
    return rx.found(text) if isinstance(rx, _Fast) else rx.search(text) is not None


def fast(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx`, with a quicker `search` that returns exactly what `rx.search` would."""
    return cast("re.Pattern[str]", _Fast(rx))


class _Leftmost(_Wrapped):
    """`re.Pattern` whose `search(text)` starts where an RE2 widening of it first matches.

    For a long alternation that does match (an outcome phrase somewhere in a story), `re`
    tries every alternative at every character up to the match; RE2 finds the leftmost
    place a *widened* pattern (`checks._prefilter.relax`: it matches wherever the pattern
    does) matches in one pass, and no match of the pattern starts before it. `re` then
    searches from there (`search(text, pos)` keeps what `^`, `\\b` and look-behinds see), so
    the match is `re`'s own and the same.
    """

    __slots__ = ()
    _name = "leftmost"
    _max_mem = 32 << 20

    def _build(self, re2: Any, options: Any, source: str) -> Any:
        return re2.compile(source, options)

    def search(self, text: str, pos: int = 0, *args: Any) -> re.Match[str] | None:
        """`rx.search(text, pos)`. On ASCII text `re` tries only where the widening matches
        (`finditer`'s first match): where the widening matched but `rx` did not (MO01's outcome
        phrases: a look-behind, a word the widening's `\\s` took), `re` tried every alternative at
        every character to the end, eight stories in a thousand costing most of its searches."""
        compiled = self._ready(text)
        if compiled and not args and re2_agrees(text):
            if text.isascii():
                return next(self._skipping(compiled, text, pos), None)
            found = compiled.search(text, pos)
            if found is None:
                return None
            pos = found.start()  # a character offset
        return self._rx.search(text, pos, *args)

    def finditer(self, text: str, pos: int = 0, *args: Any) -> Iterator[re.Match[str]]:
        """`rx.finditer(text, pos)`, `re` trying the pattern only where the widened one matches.

        A long alternation that matches somewhere in a long body (TC03's upgrades, searched in
        every story the one scan lets through) cost `re` an attempt of every alternative at
        every character of it. No match of `rx` starts before the widening's next match
        (`search`), so `re` tries there alone (`match`, which gives what its search would find
        starting there), and RE2 looks on from the next character when it fails, or from the
        end of the match (where `finditer` searches next) when it holds. An empty match ends
        the skipping: from there `re`'s own `finditer` (its rule for the match after an empty
        one); so does a text RE2 has read `SKIP_BUDGET` times over. RE2 reads the text as
        bytes, encoded once: on ASCII its offsets are the text's; other text skips to the first
        place only.
        """
        compiled = self._ready(text)
        if not compiled or args or not re2_agrees(text):
            return self._rx.finditer(text, pos, *args)
        if not text.isascii():
            found = compiled.search(text, pos)
            return iter(()) if found is None else self._rx.finditer(text, found.start())
        return self._skipping(compiled, text, pos)

    def _skipping(self, compiled: Any, text: str, pos: int) -> Iterator[re.Match[str]]:
        """`finditer` on ASCII text (see there)."""
        data, match, n = text.encode(), self._rx.match, len(text)
        pos = max(0, min(pos, n))  # as `re` reads a start before or past the text
        # (RE2 reads a start past the end as the end: the widening's empty match there, which
        # `re` refuses, would be found again and again)
        budget = SKIP_BUDGET * n  # characters RE2 may read (it may read on to the end each time)
        while pos <= n and (found := compiled.search(data, pos)) is not None:
            budget -= n - pos
            if budget < 0:  # a widening that matches at every word: `re` alone is linear
                yield from self._rx.finditer(text, pos)
                return
            at = found.start()
            m = match(text, at)
            if m is None:
                pos = at + 1
                continue
            if m.end() == at:
                yield from self._rx.finditer(text, at)
                return
            yield m
            pos = m.end()


def leftmost(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx`, with a `search` that skips to where a match can first start (same result)."""
    return cast("re.Pattern[str]", _Leftmost(rx))
