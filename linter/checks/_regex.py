"""Compiling rule patterns: bundled ones on Python's `re`, a team's own on RE2.

RE2 matches in time linear in the text for every pattern it accepts, so a team's rule
file cannot make a story stall the linter, whatever its pattern looks like.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, Protocol

from ..recache import compile as compile_re

# an unbounded quantifier inside a group that is itself repeated without bound: (a+)+, (a*){2,}
_NESTED_QUANTIFIER = re.compile(
    r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})"
)


def join_patterns(patterns: list[str]) -> str:
    """One alternation of `patterns`; a leading \\b shared by all is checked once per position.

    With the word boundary hoisted out of the branches, the engine rejects most positions
    (inside words) at once instead of trying every branch there: several times faster on
    long bodies, same matches.
    """
    if patterns and all(p.startswith("\\b") for p in patterns):
        return "\\b(?:" + "|".join(f"(?:{p[2:]})" for p in patterns) + ")"
    return "|".join(f"(?:{p})" for p in patterns)


_ESCAPE = re.compile(r"\\.")


def lower_case_only(pattern: str) -> bool:
    """True when the pattern names no upper-case letter (escapes such as \\S aside).

    Such a case-insensitive pattern can run *without* IGNORECASE on lower-cased text,
    which the regex engine scans about three times faster, with the same matches.
    """
    return not any(ch.isupper() for ch in _ESCAPE.sub("", pattern))


def check_safe(pattern: str) -> None:
    """Refuse a pattern that nests quantifiers (exponential backtracking), before compiling."""
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError(
            f"pattern {pattern!r} nests quantifiers (exponential backtracking); rewrite it"
        )


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    check_safe(pattern)
    return compile_re(pattern, flags)


class RegexMatch(Protocol):
    def start(self, group: int = 0, /) -> int: ...
    def end(self, group: int = 0, /) -> int: ...
    def group(self, group: Literal[0] = 0, /) -> str: ...


class Regex(Protocol):
    """What the checks use of a compiled pattern; `re.Pattern` and RE2's both have it."""

    def search(self, string: str, pos: int = 0, endpos: int = ...) -> RegexMatch | None: ...
    def finditer(self, string: str, pos: int = 0, endpos: int = ...) -> Iterator[RegexMatch]: ...


class UnsupportedPattern(ValueError):
    """A team's pattern that RE2 cannot run; the rule file is refused with this message."""


def compile_user(patterns: list[str], *, ignore_case: bool = False) -> Regex:
    """One RE2 alternation of a team's patterns: linear in the text whatever the pattern.

    Each pattern is compiled on its own first, so that an error names the one at fault.
    """
    import re2  # only teams with their own patterns pay for loading it

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own lines to stderr
    options.case_sensitive = not ignore_case
    for pattern in patterns:
        try:
            re2.compile(pattern, options)
        except re2.error as exc:
            reason = (
                exc.args[0].decode("utf-8", "replace")
                if exc.args and isinstance(exc.args[0], bytes)
                else str(exc)
            )
            raise UnsupportedPattern(
                f"pattern {pattern!r} not supported ({reason}; user patterns run on RE2: "
                "no backreferences or lookarounds)"
            ) from None
    compiled: Regex = re2.compile(join_patterns(patterns), options)
    return compiled


def compile_patterns(
    patterns: list[str], *, ignore_case: bool = False, trusted: bool = True
) -> Regex:
    """Bundled patterns on Python's `re` (after the nested-quantifier check), a team's on RE2."""
    if not trusted:
        return compile_user(patterns, ignore_case=ignore_case)
    return compile_safe(join_patterns(patterns), re.IGNORECASE if ignore_case else 0)


class LazyPatterns:
    """A rule's phrases (MO01's outcome phrases, the other-language patterns of a rule),
    compiled when a story first may hold one: a one-story run whose story holds none, or a
    run over English stories for the other languages' alternations, never pays for compiling
    them. A team's own are compiled (on RE2) at load all the same, so that a bad one refuses
    its rule file there; the bundled ones are checked for nested quantifiers at load and
    compiled by the rule cases. `key` is what a story's one scan is asked.

    `lower`: bundled patterns that name no upper-case letter are searched in lower-cased
    text (`on_lower`); `original` is the same patterns for text as written (whose lower case
    does not line up). Bundled patterns run behind `fastre.leftmost`: RE2 finds where a
    `search` can first match, and the places where `finditer` asks `re` (a rule's
    alternation over a long body cost `re` an attempt of each alternative at each character);
    the matches are `re`'s own.
    """

    __slots__ = ("_compiled", "_ignore_case", "_original", "_patterns", "_trusted", "key", "on_lower")

    def __init__(self, patterns: list[str], *, ignore_case: bool, trusted: bool, lower: bool = False) -> None:
        self._patterns, self._ignore_case, self._trusted = patterns, ignore_case, trusted
        self.key = (join_patterns(patterns), ignore_case)
        self.on_lower = lower and ignore_case and trusted and lower_case_only(self.key[0])
        if trusted:
            check_safe(self.key[0])  # the guard still refuses at load
        self._compiled: Regex | None = None if trusted else compile_patterns(patterns, ignore_case=ignore_case, trusted=False)
        self._original: Regex | None = None

    @property
    def compiled(self) -> bool:
        """The patterns are compiled, in either form: a team's at load, the bundled ones once
        a story has needed them."""
        return self._compiled is not None or self._original is not None

    def original(self) -> Regex:
        """The patterns for text as written (`regex` where they are not searched lower-cased)."""
        if not self.on_lower:
            return self.regex()
        if self._original is None:
            self._original = compile_patterns(self._patterns, ignore_case=self._ignore_case, trusted=self._trusted)
        return self._original

    def regex(self) -> Regex:
        if self._compiled is None:
            from ..fastre import leftmost  # (fastre's RE2 widening imports the checks)

            if self.on_lower:
                self._compiled = leftmost(compile_re(self.key[0]))
            else:
                compiled = compile_patterns(self._patterns, ignore_case=self._ignore_case, trusted=self._trusted)
                self._compiled = leftmost(compiled) if self._trusted else compiled  # type: ignore[arg-type]
        return self._compiled
