"""A compiled pattern whose `search` says "no match" through RE2 where that is exact.

The sentence flags run a few long alternations (modal, plan, documentation work, code
shapes) on every sentence a rule asks about; Python's `re` tries each alternative at each
character, RE2 runs one DFA. `fast(rx)` wraps `rx`: `search(text)` on ASCII text first asks
an RE2 set, and returns None when it finds nothing; otherwise, and for every other call,
`re` answers, so a match object, its span and groups are always `re`'s own.

The RE2 pattern is an exact translation, not a widening, so "RE2 finds nothing" means
"`re` finds nothing": only ASCII text is given to it (where `\\w \\d \\b` and case folding
agree), `\\s \\S` are spelled out as Python's ASCII white space, and a pattern using
anything whose meaning differs or that RE2 lacks (`$`, `\\A \\Z`, look-arounds,
possessive or atomic groups, back-references, flags other than `re.I` / `re.S`, escapes
RE2 reads otherwise) is not translated: its wrapper always asks `re`.
"""

from __future__ import annotations

import re
from typing import Any, cast

_SPACE = "\\t-\\r\\x1c-\\x1f "  # Python's ASCII white space: \t \n \v \f \r, \x1c-\x1f, space
#: searches answered by `re` alone before the RE2 set is built (the one-story cold start)
COMPILE_AFTER = 200
_PLAIN_ESCAPES = frozenset("wWdDbB.\\()[]{}|*+?^-/'\"`#&~,:;<>=!@%_ nrtfv")


def translate(pattern: str) -> str | None:
    """The RE2 spelling of `pattern` with the same matches in ASCII text; None if unsure."""
    out: list[str] = []
    i, n = 0, len(pattern)
    quantified = False  # the previous token was a quantifier
    while i < n:
        c = pattern[i]
        if quantified and c == "+":
            return None  # possessive
        quantified = False
        if c == "\\":
            if i + 1 >= n:
                return None
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(f"[{_SPACE}]")
            elif nxt == "S":
                out.append(f"[^{_SPACE}]")
            elif nxt in _PLAIN_ESCAPES:
                out.append(pattern[i : i + 2])
            else:
                return None  # \A \Z \1 \u2019 \x..: not worth the risk
            i += 2
        elif c == "[":
            j = i + 1
            body = ["["]
            if j < n and pattern[j] == "^":
                body.append("^")
                j += 1
            if j < n and pattern[j] == "]":
                body.append("\\]")
                j += 1
            while j < n and pattern[j] != "]":
                ch = pattern[j]
                if ch == "\\":
                    if j + 1 >= n:
                        return None
                    esc = pattern[j + 1]
                    if esc == "s":
                        body.append(_SPACE)
                    elif esc in _PLAIN_ESCAPES and esc not in "bB":
                        body.append(pattern[j : j + 2])
                    else:
                        return None
                    j += 2
                    continue
                if ch == "[":
                    return None  # nested sets, POSIX classes
                body.append(ch)
                j += 1
            if j >= n:
                return None
            out.append("".join(body) + "]")
            i = j + 1
        elif c == "$":
            return None  # Python's `$` also matches before a final line break
        elif c == "(":
            if pattern.startswith("(?", i):
                after = pattern[i + 2 : i + 3]
                if after == ":":
                    out.append("(?:")
                    i += 3
                    continue
                if pattern.startswith("(?P<", i):
                    out.append("(")
                    i = pattern.find(">", i) + 1
                    if i == 0:
                        return None
                    continue
                return None  # look-arounds, atomic groups, inline flags, conditionals
            out.append(c)
            i += 1
        elif c in "*+?":
            out.append(c)
            i += 1
            if i < n and pattern[i] == "?":  # lazy
                out.append("?")
                i += 1
            quantified = True
        elif c == "{":
            close = pattern.find("}", i)
            count = pattern[i + 1 : close] if close > 0 else ""
            if not re.fullmatch(r"\d+(?:,\d*)?", count):
                return None  # a literal brace, or a count RE2 reads otherwise ({,3})
            out.append(pattern[i : close + 1])
            i = close + 1
            if i < n and pattern[i] == "?":
                out.append("?")
                i += 1
            quantified = True
        else:
            out.append(c)
            i += 1
    return "".join(out)


class _Wrapped:
    """`re.Pattern` with an RE2 engine built on first need; `re` gives every match."""

    __slots__ = ("_engine", "_rx", "_uses")
    _name = "wrapped"

    def __init__(self, rx: re.Pattern[str]) -> None:
        self._rx = rx
        self._engine: Any = None  # None: not compiled yet; False: `re` alone
        self._uses = 0

    def _ready(self) -> Any:
        """The RE2 engine, once a run has searched often enough to pay for it."""
        engine = self._engine
        if engine is None:  # a run of a few stories does not pay for loading and compiling RE2
            self._uses += 1
            if self._uses >= COMPILE_AFTER:
                self._engine = engine = self._compile()
        return engine

    def _compile(self) -> Any:
        raise NotImplementedError

    def _re2(self, source: str | None, max_mem: int) -> tuple[Any, Any, str] | None:
        """RE2, its options and the flag prefix for `source`; None where `re` must answer."""
        rx = self._rx
        if source is None or rx.flags & ~(re.UNICODE | re.IGNORECASE | re.DOTALL):
            return None
        try:
            import re2  # a dependency; without it `re` answers alone
        except ImportError:  # pragma: no cover
            return None
        options = re2.Options()
        options.log_errors = False
        options.max_mem = max_mem
        prefix = ("i" if rx.flags & re.IGNORECASE else "") + ("s" if rx.flags & re.DOTALL else "")
        return re2, options, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rx, name)

    def __repr__(self) -> str:
        return f"{self._name}({self._rx!r})"


class _Fast(_Wrapped):
    """An RE2 set in front of `search(text)`: "no match" where that is exact (module doc)."""

    __slots__ = ()
    _name = "fast"

    def _compile(self) -> Any:
        source = translate(self._rx.pattern)
        found = self._re2(source, 8 << 20)
        if found is None:
            return False
        re2, options, prefix = found
        rset = re2.Set.SearchSet(options)
        try:
            rset.Add("(?:)")  # index 0 matches every text: without it, RE2 gave no answer
            rset.Add(f"(?{prefix}:{source})")
            rset.Compile()
        except re2.error:
            return False
        return rset

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        rset = self._ready()
        if rset and not args and text.isascii():
            found = rset.Match(text)
            if found and 0 in found and 1 not in found:
                return None
        return self._rx.search(text, *args)


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

    def _compile(self) -> Any:
        from .checks._prefilter import relax

        source = relax(self._rx.pattern)
        found = self._re2(source, 32 << 20)
        if found is None:
            return False
        re2, options, prefix = found
        try:
            return re2.compile(f"(?{prefix}:{source})", options)
        except re2.error:
            return False

    def search(self, text: str, pos: int = 0, *args: Any) -> re.Match[str] | None:
        compiled = self._ready()
        if compiled and not args and text.isascii():
            found = compiled.search(text, pos)
            if found is None:
                return None
            pos = found.start()  # ASCII: a character offset
        return self._rx.search(text, pos, *args)


def leftmost(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx`, with a `search` that skips to where a match can first start (same result)."""
    return cast("re.Pattern[str]", _Leftmost(rx))
