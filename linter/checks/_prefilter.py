"""One scan of a story for the regular expressions of every enabled rule.

Most stories match few of the rules' patterns, and Python's `re` pays a full scan of the
text for each pattern that finds nothing. Before the rules run, the engine scans the
story once with an RE2 set of all of them (a DFA: linear, whatever the number of
patterns) and hands each rule the answer: a pattern the set did not find cannot match,
and its rule skips the scan. Where the set finds one, the rule runs its own pattern as
before, so every finding (span, term, message) stays exactly what it was.

The set only ever says "cannot match" when that is sure:

* each pattern is *relaxed* for RE2 into one that matches at least wherever it does:
  possessive quantifiers become greedy ones (`a++` -> `a+`), counted repetitions
  unbounded ones (`a{2,5}` -> `a+`, `a{0,3}` -> `a*`), `\\s` also takes the
  control characters Python counts as white space; look-arounds and anchors (`^ $ \\Z`)
  are dropped, as they only narrow where the rest matches, but `\\A` becomes a line's
  start: the scanned text is the title and the body joined by a line break, and every text
  a rule searches is one of them (or both), so its start is one; dropped, a title's or a
  line's opening order ("\\A...(?:move|split)", "(?:\\A|\\n)...as ...") could start
  anywhere, and RE2 built twice the states for the stories it first saw; a pattern RE2
  still cannot run (back-references) is left out, and its rule runs as before;
* RE2's `\\b \\w \\d \\s` and case folding are ASCII-only, so the answer is used only for
  ASCII text; a story with other characters runs every pattern;
* a pattern that matches everything rides along in each set: a scan that did not find it (RE2 out
  of memory) counts as no answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from ..fastre import ANY_TEXT, re2_agrees, unwrapped
from ..lazyre import lazy

#: (pattern source, ignore case): what a rule asks the prefilter about
Key = tuple[str, bool]

_BRACE = lazy(r"\{(\d*)(,?)(\d*)\}")
# Python's white space: \t \n \v \f \r, \x1c-\x1f, space, and beyond ASCII the no-break and
# other Unicode spaces (`re`'s \s matches them in str patterns)
_SPACE = "\\t-\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"


_HEX4 = lazy(r"[0-9a-fA-F]{4}")
# a word character beyond ASCII (what fastre.re2_agrees keeps out of RE2), and an atom that
# matches nothing
# (only the Latin and Cyrillic letters whose every case form is a letter beyond ASCII too: not
# "ſ", "ı" or "İ", which Python's case folding matches to s and i, nor the Kelvin sign or Greek)
_FOREIGN_WORD = lazy(r"(?![ſıİ])[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0400-\u04ff]")
_NO_MATCH = "[^\\x00-\\x{10ffff}]"
# a run of ASCII characters that `relax` copies as they are (none of `\\ [ ^ $ ( * + ? {`): the
# rules' patterns are mostly such runs (words of long alternations), and copying them one
# character at a time was most of the cost of widening the one scan's 30,000 characters
_PLAIN_RUN = lazy(r"[^\\\[^$(*+?{\x80-\U0010ffff]+")


def relax(pattern: str) -> str | None:
    """An RE2 pattern that matches wherever `pattern` matches in text RE2 reads as `re` does
    (`fastre.re2_agrees`); None if unsure."""
    out: list[str] = []
    i, n = 0, len(pattern)
    quantified = False  # the previous token was a quantifier: a `+` after it is possessive
    while i < n:
        c = pattern[i]
        if quantified:
            quantified = False
            if c == "+":  # possessive: the greedy form matches wherever it does
                i += 1
                continue
            if c == "?":  # lazy
                out.append(c)
                i += 1
                continue
        if c == "\\":
            if i + 1 >= n:
                return None
            nxt = pattern[i + 1]
            if nxt in "123456789":  # a back-reference: RE2 has none
                return None
            if nxt in "AZzG":  # an anchor only narrows where the rest matches: drop it
                if pattern[i + 2 : i + 3] in ("*", "+", "?", "{"):
                    return None
                if nxt == "A":  # ... but the start of a text a rule searches is a line's (above)
                    out.append("(?m:^)")
                i += 2
                continue
            if nxt == "u" and _HEX4.fullmatch(pattern, i + 2, i + 6):  # RE2 spells it \x{2019}
                out.append(f"\\x{{{pattern[i + 2 : i + 6]}}}")
                i += 6
                continue
            out.append(f"[{_SPACE}]" if nxt == "s" else pattern[i : i + 2])
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            body: list[str] = []
            start = j
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\" and j + 1 < n:
                    if pattern[j + 1] == "u" and _HEX4.fullmatch(pattern, j + 2, j + 6):
                        body.append(f"\\x{{{pattern[j + 2 : j + 6]}}}")
                        j += 6
                        continue
                    if pattern[j + 1] == "S" and pattern[i + 1 : i + 2] == "^":
                        return None  # RE2's \S holds the no-break space: [^\S] would miss it
                    body.append(_SPACE if pattern[j + 1] == "s" else pattern[j : j + 2])
                    j += 2
                else:
                    if pattern[j] == "[":
                        return None  # nested sets / POSIX classes: not the same language
                    body.append(pattern[j])
                    j += 1
            if j >= n:
                return None
            negated = pattern[i + 1 : i + 2] == "^"
            if not negated and "-" not in body and start == i + 1:  # (not "[]é]": its "]" is a member)
                # a letter beyond ASCII never stands in a text the scan reads (fastre.re2_agrees)
                kept = [b for b in body if not _FOREIGN_WORD.match(b)]
                if not kept:
                    out.append(_NO_MATCH)
                    i = j + 1
                    continue
                body = kept
            out.append(pattern[i:start] + "".join(body) + "]")
            i = j + 1
        elif c in "^$":  # likewise
            if pattern[i + 1 : i + 2] in ("*", "+", "?", "{"):
                return None
            i += 1
        elif c == "(":
            if pattern.startswith("(?!)", i):  # matches nothing (languages.NEVER): nor may its widening
                out.append(_NO_MATCH)
                i += 4
                quantified = pattern[i : i + 1] in ("*", "+", "?", "{")
                if quantified:
                    return None
                continue
            if pattern.startswith("(?P=", i):  # a back-reference by name
                return None
            if pattern.startswith("(?", i):
                after = pattern[i + 2 : i + 4]
                if after[:1] in ("=", "!", "#") or after in ("<=", "<!"):
                    # a lookaround only narrows where the rest matches: without it, a wider
                    # language (a comment: the same one)
                    end = _group_end(pattern, i)
                    if end is None:
                        return None
                    i = end
                    quantified = pattern[i : i + 1] in ("*", "+", "?", "{")
                    if quantified:  # a quantified assertion: drop the quantifier too
                        return None
                    continue
                if after[:1] == ">":  # atomic group: the plain group matches wherever it does
                    out.append("(?:")
                    i += 3
                    continue
                out.append("(?")  # (?: (?P<name> and flags: RE2 refuses the flags it lacks
                i += 2
            else:
                out.append(c)
                i += 1
        elif c in "*+?":
            out.append(c)
            quantified = True
            i += 1
        elif c == "{":
            m = _BRACE.match(pattern, i)
            if m is None or m.group(0) == "{}":
                out.append("\\{")  # Python reads it as a literal brace
                i += 1
                continue
            # a count becomes * or +: a wider language, and far fewer DFA states for RE2
            # (a counter such as [^,;]{1,60} multiplies them)
            out.append("*" if int(m.group(1) or "0") == 0 else "+")
            quantified = True
            i = m.end()
        else:
            run = _PLAIN_RUN.match(pattern, i)
            if run is not None:  # ASCII that stands as it is: copied as one run, not character by character
                out.append(run.group())
                i = run.end()
                continue
            # a letter or digit beyond ASCII ("añadir", "должен") never stands in a text the scan
            # reads (fastre.re2_agrees): the branch that needs one cannot match there, and RE2
            # drops it from the automaton instead of growing its states for it
            out.append(_NO_MATCH if _FOREIGN_WORD.match(c) else c)
            i += 1
    return "".join(out)


# what `_set_alike` reads of a widened pattern's set: a code point given in hex, another escape, a
# named group's name or an inline flag group's flags (neither a letter to match), a character
_FOLD_TOKEN = lazy(r"\\x\{([0-9a-fA-F]+)\}|\\x([0-9a-fA-F]{2})|\\(.)|\(\?P<\w+>|\(\?([a-zA-Z-]*)(?=[:)])|(.)", re.DOTALL)
# what `folds_alike` refuses outright: a Unicode class, quoted text, an octal or back-reference, an
# escape RE2 reads as no class of both cases, a flag group that sets or clears a flag of case
# (two patterns, each opening with a literal: `re` skips to each place at once)
_FOLD_ESCAPE = lazy(r"\\[^dDwWsSbBAznrtfvax\W]")
_FOLD_FLAG = lazy(r"\(\?[a-zA-Z]*[i-]")
# a set (a "]" first in it is a member; opening with its "[", a search skips to each at once: one
# after an odd number of backslashes is escaped), a code point given in hex, what else matches no
# letter of its own (an escape, a named group's name)
_FOLD_SET = lazy(r"\[\^?\]?(?:\\.|[^\\\]])*+\]", re.DOTALL)
_FOLD_HEX = lazy(r"\\x\{([0-9a-fA-F]+)\}|\\x([0-9a-fA-F]{2})")
_FOLD_SKIP = lazy(r"\\x\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|\(\?P<\w+>", re.DOTALL)
_FOLD_CAPITAL = lazy("[A-Z]")
# escapes of RE2 that match no letter of one case alone: \d \w \s and their complements, \b \B,
# the anchors and the control characters (by their code point where a set's range needs it)
_SYMBOLS = {"d": -1, "D": -1, "w": -1, "W": -1, "s": -1, "S": -1, "b": -1, "B": -1, "A": -1, "z": -1,
            "n": 10, "r": 13, "t": 9, "f": 12, "v": 11, "a": 7}


def _caseless(lo: int, hi: int) -> bool:
    """A text lowered holds a character of lo..hi where it held one that case folding takes to one
    of them: the range holds no capital A-Z without every ASCII letter, and beyond ASCII only
    characters without a case (no Kelvin sign, long s, circled capital ...)."""
    if lo <= 0x5A and hi >= 0x41 and not (lo <= 0x41 and hi >= 0x7A):
        return False
    if hi < 0x80:
        return True
    if lo <= 0 and hi >= 0x10FFFF:
        return True  # every character
    start = max(lo, 0x80)
    if hi - start > 0x3000:
        return False
    return all(c.lower() == c == c.upper() and c.casefold() == c for c in map(chr, range(start, hi + 1)))


def folds_alike(relaxed: str) -> bool:
    """`relaxed` case-sensitive finds in a text lowered (`str.lower`) every match that `(?i:relaxed)`
    finds in the text, where RE2 reads that text as `re` does (`fastre.re2_agrees`: no letter or digit
    beyond ASCII): it names no capital (nor by its code point, nor in a range without the small
    letters), no character beyond ASCII that has a case, no flag, back-reference or Unicode class.
    A complemented set is read alike whatever it holds: a character outside the folded set lowers
    to one outside it. The one scan then runs it without case folding, which RE2 paid for in
    parsing every letter of every word (`Prefilter`). Read with a few searches, each set once
    (a walk over each token cost more than RE2's folding)."""
    if _FOLD_ESCAPE.search(relaxed) or _FOLD_FLAG.search(relaxed):
        return False
    outside: list[str] = []
    at = pos = 0
    while (found := _FOLD_SET.search(relaxed, pos)) is not None:  # a step a set, not a character
        start = found.start()
        escapes = start
        while escapes and relaxed[escapes - 1] == "\\":
            escapes -= 1
        if (start - escapes) % 2:  # "\\[": a "[" to match
            pos = start + 1
            continue
        if not _set_alike(found.group()):
            return False
        outside.append(relaxed[at:start])
        at = pos = found.end()
    outside.append(relaxed[at:])
    rest = "".join(outside)
    if "\\x" in rest:
        for code in _FOLD_HEX.finditer(rest):
            cp = int(code.group(1) or code.group(2), 16)
            if not _caseless(cp, cp):
                return False
    rest = _FOLD_SKIP.sub("", rest)
    if _FOLD_CAPITAL.search(rest) or "[" in rest:
        return False  # (a "[" left: a set not read as one)
    return rest.isascii() or all(_caseless(ord(c), ord(c)) for c in rest if ord(c) > 0x7F)


@cache
def _set_alike(relaxed: str) -> bool:
    """`folds_alike` for one set (`[...]`), read a token at a time."""
    in_set = negated = dash = False
    members: list[int] = []  # the set's single members so far (-1: a class escape)
    ranges: list[tuple[int, int]] = []
    last = -2  # the set's last member where a "-" after it opens a range (-2: none)
    first = 0  # where the set's members start (a "]" there is one)
    for m in _FOLD_TOKEN.finditer(relaxed):
        hex_long, hex_short, escaped, flags, char = m.groups()
        if char is None and hex_long is None and hex_short is None and escaped is None:  # (?P<name> or (?flags
            if in_set or (flags is not None and ("i" in flags or "-" in flags)):
                return False
            continue
        if hex_long is not None or hex_short is not None:
            cp = int(hex_long or hex_short, 16)
        elif escaped is not None:
            if escaped.isalnum():
                if escaped not in _SYMBOLS:
                    return False  # \p{Lu}, \Q, an octal or back-reference: not read here
                cp = _SYMBOLS[escaped]
            else:
                cp = ord(escaped)
        elif not in_set:
            if char == "[":
                negated = relaxed.startswith("^", m.end())
                in_set, members, ranges, dash, last = True, [], [], False, -2
                first = m.end() + negated
                continue
            cp = ord(char)
        elif char == "]" and m.start() != first:
            if not negated and not all(_caseless(lo, hi) for lo, hi in [*ranges, *((c, c) for c in members if c >= 0)]):
                return False
            in_set = False
            continue
        elif char == "^" and negated and m.start() == first - 1:
            continue
        elif char == "-" and last >= -1 and not dash and not relaxed.startswith("]", m.end()):
            dash = True
            continue
        else:
            cp = ord(char)
        if not in_set:
            if cp >= 0 and not _caseless(cp, cp):
                return False
        elif dash:
            if last < 0 or cp < 0:
                return False  # a range from or to a class: RE2 refuses it
            members.pop()
            ranges.append((last, cp))
            dash, last = False, -2
        else:
            members.append(cp)
            last = cp
    return not in_set


def _group_end(pattern: str, i: int) -> int | None:
    """The index just after the group that opens at `i` (escapes and sets skipped)."""
    depth, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


@cache
def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False
    options.max_mem = 64 << 20
    return options


@cache
def widened(source: str) -> str | None:
    """`relax(source)` where RE2 compiles it alone too (None otherwise)."""
    relaxed = relax(source)
    return relaxed if relaxed is not None and _compiles(relaxed) else None


@cache
def _compiles(relaxed: str) -> bool:
    """RE2 compiles this widened pattern (or part of one) alone: what a set that RE2 could not
    compile as a whole is built again from (`Prefilter`)."""
    try:
        import re2
    except ImportError:  # pragma: no cover - a dependency
        return False
    try:
        re2.compile(relaxed, _options())  # a set does not say which of its patterns failed
    except re2.error:
        return False
    return True


@cache
def _relaxed(source: str) -> str | None:
    """`relax(source)`, worked out once per pattern for the rules (`answerable`) and the scan."""
    return relax(source)


def answerable(source: str) -> bool:
    """The one scan can answer for this pattern: it widens for RE2. Whether RE2 reads the
    widening is found where the scan's set takes it (`Prefilter`): compiling it here as well
    parsed it twice; a pattern RE2 then refuses (a back-reference) only costs its rule the
    scan's answer, never a finding (the rule searches as it does without one)."""
    return _relaxed(source) is not None


#: pattern text (relaxed) past which a group of patterns is split over several sets
SPLIT_AFTER = 12000
#: pattern text (relaxed) past which one pattern is asked of the scan as parts of its top-level
#: alternation (`_parts`)
PART_AFTER = 9000
# an inline flag that holds for the rest of a pattern ("(?i)", not "(?i:...)"): parts would lose it
_GLOBAL_FLAG = lazy(r"\(\?[a-zA-Z]+\)")
# what tells a pattern's top-level alternatives apart: "(", ")" and "|", not where escaped or in a
# set (read whole, "]" first in it a member)
_STRUCTURE = lazy(r"\\.|\[\^?\]?(?:\\.|[^\\\]])*+\]|[()|]", re.DOTALL)


def _parts(relaxed: str) -> list[str]:
    """`relaxed`, or where it is longer than PART_AFTER, its top-level alternatives joined into
    as many parts of about equal text as PART_AFTER takes: the pattern matches where one of
    its parts matches, so the scan may ask RE2 for each part in a set of its own. MO01's
    outcome phrases (16,000 characters widened) filled a set alone, whose DFA states RE2 built
    for the first stories of a run at about half the cost of the whole scan."""
    if len(relaxed) <= PART_AFTER or _GLOBAL_FLAG.search(relaxed):
        return [relaxed]
    alternatives: list[str] = []
    depth = start = 0
    for token in _STRUCTURE.finditer(relaxed):  # (a loop over each character cost 11 M instructions)
        c = token.group()
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            alternatives.append(relaxed[start : token.start()])
            start = token.end()
    alternatives.append(relaxed[start:])
    count = min(len(alternatives), -(-len(relaxed) // PART_AFTER))  # ceil
    if count < 2:
        return [relaxed]
    size = -(-len(relaxed) // count)
    parts: list[list[str]] = [[]]
    filled = 0
    for alternative in alternatives:
        if parts[-1] and filled + len(alternative) > size and len(parts) < count:
            parts.append([])
            filled = 0
        parts[-1].append(alternative)
        filled += len(alternative) + 1
    return ["|".join(part) for part in parts]


def _split(usable: list[tuple[Key, str]]) -> list[list[tuple[Key, str]]]:
    """`usable` (key, relaxed source) as one group, or split over as many of about equal
    pattern text as SPLIT_AFTER takes (the longest first, each to the lightest part)."""
    total = sum(len(r) for _, r in usable)
    if total <= SPLIT_AFTER:
        return [usable] if usable else []
    parts = -(-total // SPLIT_AFTER)  # ceil
    groups: list[list[tuple[Key, str]]] = [[] for _ in range(parts)]
    weight = [0] * parts
    for item in sorted(usable, key=lambda kr: (-len(kr[1]), kr[0])):
        i = weight.index(min(weight))
        groups[i].append(item)
        weight[i] += len(item[1])
    return [part for part in groups if part]


class Prefilter:
    """The RE2 sets of the enabled rules' patterns; `scan` says which may match a text.

    A case-insensitive pattern given a group (`groups`: the engine names one for its rule's
    category, several small categories sharing one) goes to that group's set, never split: which
    set a pattern joins then depends on the pattern's rule alone, so a term added to one rule
    changes its own set's DFA, not every set's. Packed by pattern text (`_split`), a few
    characters more in one pattern moved others between sets, and the run's cost by up to 1-2%;
    and what a set costs is not its text: RE2 builds a state for each mix of half-matched
    patterns a story brings, and the mix grows as patterns of different rules share a set (the
    rules' categories as sets: 1,000 history stories scanned for 598 M instructions, packed by
    text 640 M, by RE2's program size 618 M). The other patterns (case-sensitive, or given no
    group: a team's) are packed by text, the case-insensitive ones and the others in sets of
    their own, and much pattern text is split (`_split`): RE2 builds a set's DFA states as the
    stories need them, and the states of one set multiply with its patterns, so smaller sets
    need far fewer new states per story (two sets instead of one mixed: about 40% less time on
    real issues; the larger group halved: its first pass over 17,765 issues from 26 to 17 us a
    story, for about 2 us more per story once every state is built; with the other languages'
    patterns, three parts of at most about 12,000 characters kept the scan's memory where it
    was, where two had grown it by 19 MB).
    """

    def __init__(self, keys: Iterable[Key], groups: Mapping[Key, str] | None = None) -> None:
        self.known: frozenset[Key] = frozenset()
        self._sets: list[tuple[Any, list[Key]]] = []
        self._lowered: list[bool] = []  # each set reads the text lower-cased (its patterns case-insensitive)
        wanted = sorted(set(keys))
        if not wanted:
            return
        try:
            import re2  # only a run with patterns pays for loading it
        except ImportError:  # pragma: no cover - a dependency; without it every rule scans
            return
        options = _options()
        # RE2 parses each pattern as the set takes it (`Set.Add` refuses one it cannot read):
        # compiling each alone first, as `widened` does, parsed every pattern twice (about a
        # quarter of what building the scan cost). Only a set that then fails to compile is built
        # again from the patterns that compile alone, as it always was.
        usable: dict[bool, list[tuple[Key, str]]] = {True: [], False: []}
        parts: dict[Key, int] = {}  # how many parts each pattern is asked as (`_parts`)
        sets: list[tuple[bool, list[tuple[Key, str]]]] = []
        grouped: dict[str, list[tuple[Key, str]]] = {}  # a case-insensitive pattern's group: its set
        for key in wanted:
            relaxed = _relaxed(key[0])
            if relaxed is not None:
                split = _parts(relaxed)
                parts[key] = len(split)
                group = groups.get(key) if groups and key[1] else None
                if len(split) > 1:  # each part a set of its own: beside other patterns, their states multiply
                    sets += [(key[1], [(key, part)]) for part in split]
                elif group is not None:
                    grouped.setdefault(group, []).append((key, relaxed))
                else:
                    usable[key[1]].append((key, relaxed))
        sets += [(True, grouped[group]) for group in sorted(grouped)]
        sets += [(ignore_case, part) for ignore_case in (True, False) for part in _split(usable[ignore_case])]
        for ignore_case, part in sets:
            built = self._set(re2, options, ignore_case, part)
            if built is not None:
                try:
                    built[0].Compile()
                except re2.error:  # (RE2 out of memory): as before, of the patterns that compile alone
                    built = self._set(re2, options, ignore_case, [(k, r) for k, r in part if _compiles(r)])
                    if built is not None:
                        built[0].Compile()
            if built is not None:
                # the compiled set itself, not google-re2's Python wrapper around it: a story is
                # scanned by every set, and the wrapper's `Match` (a Python call that asks
                # whether the text is `str`) cost as much as a small set's DFA over a short story
                self._sets.append((unwrapped(built[0]), built[1]))
                self._lowered.append(ignore_case)
        taken = Counter(key for _, keys_in in self._sets for key in keys_in[1:])
        # a pattern one of whose parts RE2 refused cannot be answered for: its rule scans alone
        self.known = frozenset(key for key, n in taken.items() if n == parts[key])

    @staticmethod
    def _set(re2: Any, options: Any, ignore_case: bool, part: list[tuple[Key, str]]) -> tuple[Any, list[Key]] | None:
        """An RE2 set (not compiled yet) of the patterns of `part` that RE2 reads, and their
        keys by index; None where it reads none of them."""
        rset = re2.Set.SearchSet(options)
        rset.Add(ANY_TEXT)  # index 0: matches every text; its absence means no answer
        keys_in: list[Key] = [("", False)]
        for key, relaxed in part:
            try:
                # case-insensitive patterns read the text lower-cased (`scan`): one that `folds_alike`
                # needs no case folding there, which RE2 paid for on every letter it parsed
                rset.Add(("(?i:" if ignore_case and not folds_alike(relaxed) else "(?:") + relaxed + ")")
            except re2.error:  # a flag RE2 lacks ((?x)): the pattern's rule scans alone
                continue
            keys_in.append(key)
        return (rset, keys_in) if len(keys_in) > 1 else None

    def __bool__(self) -> bool:
        return bool(self._sets)

    def scan(self, text: str, lowered: str | None = None) -> frozenset[Key] | None:
        """The known patterns that may match `text` (`lowered`: `text.lower()`, where the caller
        has it); None: no answer (every pattern may). The sets of case-insensitive patterns read
        the text lower-cased: on a text RE2 reads as `re` does, that changes only ASCII capitals
        and circled ones, which case folding equates with what they become."""
        if not self._sets or not re2_agrees(text):
            return None
        possible: list[Key] = []
        data = text.encode("utf-8")  # once: each set would encode the text again
        low = (text.lower() if lowered is None else lowered).encode("utf-8")
        for (rset, keys), lower in zip(self._sets, self._lowered):
            found = rset.Match(low if lower else data) or ()
            if 0 not in found:
                return None
            possible += [keys[i] for i in found]
        return frozenset(possible)
