"""`storylint.fastre`: an RE2 set in front of `re.search` must never change an answer."""

from __future__ import annotations

import re
import string
import sys
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylint import analysis, calibration, fastre
from storylint.checks import structure
from storylint.fastre import fast

#: the patterns wrapped (each must have an RE2 form, or it is not faster)
WRAPPED = [(analysis, name) for name in ("_CODE_LIKE", "_MODAL_RE", "_PLAN_RE", "DOCS_WORK_RE", "_NOT_AN_ORDER_RE",
                                         "_PROHIBITION_RE", "_SYSTEM_WANT_RE", "_BEHAVIOUR_MODAL_RE")]
WRAPPED += [(calibration, "_FEATURE_REQUEST_RE"), (structure, "_GIVEN"), (structure, "_SCENARIO")]
# (the bug report's title and body patterns, built on first use with the other languages' words;
# the symptom words, built on first use from the grammar's)
PATTERNS = [getattr(module, name) for module, name in WRAPPED] + [*calibration._bug_patterns(), calibration._symptom_re()]


#: patterns whose RE2 form could differ from `re`'s meaning (the widening must cover them)
HARD = [
    r"a\s+b",  # Python's white space has \v and \x1c-\x1f too
    r"[^\s,]+\S",
    r"(?:^|\bto)\s*(?P<verb>document|describe)\b",
    r"x{1,80}?y{2}z{3,}",
    "a$",  # Python's $ also matches before a final line break
    r"a*+b",  # possessive
    r"(?>ab)",  # atomic
    r"a(?=b)",  # look-around
    r"a\Z",
    "a{,3}",  # RE2 reads {,3} as text
    "a{}",
    r"(?i:a)b",  # a scoped flag
    r"\u2019",
    r"a[^\S\n]b",  # a no-break space is white space to `re`
]
PROBES = ["a b", "a\x0bb", "a\x1cb", "a\x1fb", ",x ", "to document", "xdescribe", "xyyzzz", "xxyyzzz", "a\n", "a",
          "aab", "ab", "b", "a{,3}", "aaa", "a{}", "Ab", "AB", "\u2019", "'", "", "a\u00a0b", "a\u2003b"]  # fmt: skip


@pytest.mark.parametrize("pattern", HARD)
def test_hard_patterns_answer_as_re_answers(pattern: str) -> None:
    rx = re.compile(pattern)
    for wrapper in (fast(rx), fastre.leftmost(rx)):
        for text in PROBES:
            m, expected = wrapper.search(text), rx.search(text)
            assert (m and m.span()) == (expected and expected.span()), (repr(wrapper), text)
            assert fastre.found(wrapper, text) == (expected is not None), (repr(wrapper), text)


@pytest.mark.parametrize("pattern", [r"^\s*at \w+", r"end$", r"^to reproduce\b|trace"])
def test_multiline_patterns_answer_as_re_answers(pattern: str) -> None:
    """MULTILINE moves where anchors match; the widened pattern has none, so RE2 may answer."""
    rx = re.compile(pattern, re.MULTILINE)
    wrapped = fast(rx)
    assert wrapped._compile()
    for text in ("x\n  at foo", "  at foo", "xat foo", "the end\nnext", "the endx", "a\nto reproduce:", "ato reproduce", "trace"):
        m, expected = wrapped.search(text), rx.search(text)
        assert (m and m.span()) == (expected and expected.span()), text


def test_a_back_reference_is_left_to_re() -> None:
    wrapped = fast(re.compile(r"(a)\1"))
    assert wrapped.search("xaa") is not None and wrapped.search("xa") is None
    assert wrapped._engine is False  # RE2 cannot run it: `re` answers alone


@pytest.fixture(autouse=True)
def _compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastre, "COMPILE_AFTER", 1)  # RE2 from the first search on


@pytest.mark.parametrize(("module", "name"), WRAPPED)
def test_the_patterns_are_wrapped_and_translated(module: object, name: str) -> None:
    rx = getattr(module, name)
    assert repr(rx).startswith("fast(") and rx._compile(), name


def test_the_bug_report_patterns_are_wrapped_and_translated() -> None:
    """Built on first use with the other languages' words (the symptom words with the grammar's):
    still an RE2 set in front of each."""
    for rx in (*calibration._bug_patterns(), calibration._symptom_re()):
        assert repr(rx).startswith("fast(") and rx._compile(), rx.pattern[:60]


def test_re2_only_after_a_few_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-story run (the cold start) neither loads nor compiles RE2."""
    monkeypatch.setattr(fastre, "COMPILE_AFTER", 3)
    wrapped = fast(re.compile("needle"))
    assert wrapped.search("a needle") is not None and wrapped.search("hay") is None
    assert wrapped._engine is None
    assert wrapped.search("hay") is None and wrapped._engine


def test_re2_once_re_alone_has_read_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern asked about whole stories builds its engine once `re` alone has read
    COMPILE_AFTER_CHARS for it, long before its 200th search; a few short texts do not."""
    monkeypatch.setattr(fastre, "COMPILE_AFTER", 200)
    for wrapper in (fast, fastre.leftmost):
        wrapped = wrapper(re.compile(r"\bneedle\b"))
        short = "hay " * 100
        assert all(wrapped.search(short) is None for _ in range(3))
        assert wrapped._engine is None  # type: ignore[attr-defined]
        long = "hay " * (fastre.COMPILE_AFTER_CHARS // 4) + "needle"
        assert wrapped.search(long).span() == (len(long) - 6, len(long))  # type: ignore[union-attr]
        assert wrapped._engine  # type: ignore[attr-defined]


def test_a_match_is_the_one_re_gives() -> None:
    rx = re.compile(r"\b(?:should|must)\s+(\w+)", re.IGNORECASE)
    wrapped = fast(rx)
    text = "The page MUST  show totals; it should not reload."
    m, expected = wrapped.search(text), rx.search(text)
    assert m is not None and expected is not None
    assert (m.span(), m.group(1)) == (expected.span(), expected.group(1))
    assert wrapped.search("nothing here") is None
    assert wrapped.search(text, 20) is not None and wrapped.search(text, 20).group(1) == "not"  # type: ignore[union-attr]
    assert wrapped.sub("-", text) == rx.sub("-", text) and wrapped.pattern == rx.pattern


WORDS = st.sampled_from(
    ["should", "must", "shall", "need to", "needs to", "has to", "ought to", "to be implemented", "can be done by",
     "we", "we'll", "I", "let's", "let us", "the fix is", "our approach would be", "to fix this", "fix:", "would be better",
     "wiki", "docs", "documentation", "user guide", "release notes", "document", "describe", "explain", "please",
     "not", "n't", "shouldn't", "one", "you", "users", "don't", "no longer", "so that", "so", "it", "able", "visible",
     "return", "show", "want", "the", "system", "app", "to", "store", "be", "x_y", "aB", "AbC", "a.b", "f(", "::", "->",
     "SHOULD", "Wiki", " ", "  ", "\n", "\t", "\x0b", "\x0c", "\x1c", "\x1f", ".", ",", "-", "_", "*", "'", "’", "é",
     "\u00a0", "K", "ſ", "1", "also", "given", "Given", "error", "crashes", "doesn't", "not working", "npe", "prone", "500 error", "i get a",
     "\u2014", "\u201c", "\u201d", "\u2026", "\U0001f600", "\u2003", "\u3000", "\u2028", "\x85", "\u0661", "\u00e9"]
)  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(WORDS, max_size=30).map("".join))
def test_the_wrapped_patterns_find_what_re_finds(text: str) -> None:
    for wrapped in PATTERNS:
        rx = re.compile(wrapped.pattern, wrapped.flags)
        assert (wrapped.search(text) is None) == (rx.search(text) is None), (rx.pattern, text)
        assert fastre.found(wrapped, text) == (rx.search(text) is not None), (rx.pattern, text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(WORDS.filter(lambda w: fastre.re2_agrees(w)), max_size=30).map("".join))
def test_on_typographic_text_re2_answers_as_re_does(text: str) -> None:
    """The same, drawing only words RE2 reads as `re` does (no letter or digit beyond ASCII),
    so that every text takes the RE2 path."""
    assert fastre.re2_agrees(text)
    for wrapped in PATTERNS:
        rx = re.compile(wrapped.pattern, wrapped.flags)
        assert (wrapped.search(text) is None) == (rx.search(text) is None), (rx.pattern, text)
        assert fastre.found(wrapped, text) == (rx.search(text) is not None), (rx.pattern, text)


#: fresh wrappers of the patterns, their RE2 engines built before the first search
BUILT = [fast(re.compile(wrapped.pattern, wrapped.flags)) for wrapped in PATTERNS]
for _built in BUILT:
    _built._engine = _built._compile()  # type: ignore[attr-defined]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(WORDS, max_size=30).map("".join))
def test_a_built_engine_answers_as_re_does_from_the_first_search(text: str) -> None:
    """`search` and `found` read a built engine directly and hand RE2 the text's UTF-8 bytes
    (typographic quotes and dashes are several bytes each): every answer is still `re`'s."""
    assert all(built._engine for built in BUILT)  # type: ignore[attr-defined]
    for built in BUILT:
        rx = fastre.plain(built)
        m, expected = built.search(text), rx.search(text)
        assert (m and m.span()) == (expected and expected.span()), (rx.pattern, text)
        assert fastre.found(built, text) == (expected is not None), (rx.pattern, text)


def test_found_asks_re_only_where_re2_ran_a_wider_pattern() -> None:
    """Where the widening left a pattern as it was (the code-shape pattern), RE2's match is
    the answer; a widened one (a count) still asks `re`, which may say no."""
    searched: list[str] = []

    class Spy:
        def __init__(self, rx: re.Pattern[str]) -> None:
            self.rx = rx

        def search(self, text: str, *args: object) -> object:
            searched.append(text)
            return self.rx.search(text)

        def __getattr__(self, name: str) -> object:
            return getattr(self.rx, name)

    exact, wider = fast(re.compile(r"\w(?:_\w|\.\w|\()|[a-z][A-Z]")), fast(re.compile(r"\bto\s{2}do\b"))
    for wrapped in (exact, wider):
        wrapped._rx = Spy(wrapped._rx)  # type: ignore[attr-defined]
    assert fastre.found(exact, "call f() now") and fastre.found(exact, "a camelCase name")
    assert not fastre.found(exact, "plain words") and searched == []
    assert not fastre.found(wider, "to do")  # RE2 ran its widening, `\s+`: `re` says no
    assert searched == ["to do"]


@pytest.mark.parametrize(
    "space", [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\u00a0", "\x85", "\u2003", "\u202f", "\u3000"]
)
def test_every_kind_of_white_space_counts_as_re_counts_it(space: str) -> None:
    phrases = ["it should{}not", "one{}has to", "we{}need to", "need to{}document", "want the{}system to store it",
               "it must{}return", "the{}fix is to", "fix{}:", "user{}guide", "so{}that we"]  # fmt: skip
    for phrase in phrases:
        text = phrase.format(space)
        for wrapped in PATTERNS:
            rx = re.compile(wrapped.pattern, wrapped.flags)
            assert (wrapped.search(text) is None) == (rx.search(text) is None), (rx.pattern, text)


# -- leftmost: RE2 says where the first match can start, `re` finds it from there ----------
def _outcome_pattern() -> re.Pattern[str]:
    from storylint.rulepack import load_rulepack

    check = load_rulepack([]).rules["MO01"].check
    assert isinstance(check, structure.OutcomeCheck) and check.phrases.on_lower
    assert repr(check.phrases.regex()).startswith("leftmost(")
    return check.phrases.regex()  # type: ignore[return-value]


OUTCOME_WORDS = st.sampled_from(
    ["so that", "so we can", "users", "can", "value:", "\n", " ", "in order to", "as a", "developer", ",", "i want",
     "this is important since", "allowing readers to", "it'd be great", "...", "<benefit>", "*", "takes a lot of time",
     "the goal is", "x", "é", "\u00a0", "because", "we", "need", "to", "easier for", "\u2019", "\u2014", "\U0001f680",
     "\u3000"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(OUTCOME_WORDS, max_size=30).map("".join), pos=st.integers(0, 40))
def test_leftmost_finds_the_match_re_finds(text: str, pos: int) -> None:
    wrapped = _outcome_pattern()
    rx = re.compile(wrapped.pattern, wrapped.flags)
    for start in (0, min(pos, len(text))):
        m, expected = wrapped.search(text, start), rx.search(text, start)
        assert (m and (m.span(), m.group(0))) == (expected and (expected.span(), expected.group(0))), (text, start)


def test_leftmost_keeps_what_anchors_and_boundaries_see() -> None:
    wrapped = fastre.leftmost(re.compile(r"(?:\A|\n)[ \t]*+value\s*:\s*\w|\bso that\b"))
    wrapped.search("warm-up")  # compiled from the first search on (see the fixture)
    assert wrapped._engine
    assert wrapped.search("the value: 1 is logged") is None  # not at a line start
    m = wrapped.search("log value: 1\nValue: x\nvalue: fewer calls")
    assert m is not None and m.start() == 21
    assert wrapped.search("also that") is None and wrapped.search("xso that") is None


class _Asked:
    """A compiled pattern that records what `re` was asked to do (which method, from where)."""

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx, self.pattern, self.flags = rx, rx.pattern, rx.flags
        self.asked: list[tuple[str, int]] = []

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        self.asked.append(("match", pos))
        return self.rx.match(text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        self.asked.append(("search", pos))
        return self.rx.search(text, pos)

    def finditer(self, text: str, pos: int = 0) -> object:
        self.asked.append(("finditer", pos))
        return self.rx.finditer(text, pos)


def test_leftmost_finditer_asks_re_only_where_the_widening_matches() -> None:
    """A rule's alternation over a long body (TC03's upgrades): `re` tried every alternative at
    every character; it is asked only at the places RE2's widening matches, and the matches
    are `re`'s own."""
    rx = re.compile(r"(?<!not )\bupgrade\s+to\s+\d+\.\d+", re.IGNORECASE)
    asked = _Asked(rx)
    wrapped = fastre.leftmost(asked)  # type: ignore[arg-type]
    wrapped.search("warm-up")  # compiled from the first search on (see the fixture)
    text = "prose " * 500 + "not upgrade to 1.2, then Upgrade to 3.4 and upgrade to 5.x; " + "more " * 500
    asked.asked.clear()
    found = [(m.span(), m.group(0)) for m in wrapped.finditer(text)]
    assert found == [(m.span(), m.group(0)) for m in rx.finditer(text)] and len(found) == 1
    # the two places the widening (no look-behind) matches, not "upgrade to 5.x"; none is a search
    assert [kind for kind, _ in asked.asked] == ["match", "match"]
    assert [at for _, at in asked.asked] == [text.index("upgrade to 1.2"), text.index("Upgrade to 3.4")]


def test_leftmost_search_asks_re_only_where_the_widening_matches() -> None:
    """MO01's outcome phrases: where the widening matched but the pattern did not (a
    look-behind), `re` searched on from there, every alternative at every character to the
    end; it is asked only at the places the widening matches, and finds what `re` finds."""
    rx = re.compile(r"(?<!not )\bupgrade\s+to\s+\d+\.\d+", re.IGNORECASE)
    asked = _Asked(rx)
    wrapped = fastre.leftmost(asked)  # type: ignore[arg-type]
    wrapped.search("warm-up")  # compiled from the first search on (see the fixture)
    for tail in ("then Upgrade to 3.4", "and no other"):
        text = "not upgrade to 1.2, " + "prose " * 500 + tail
        asked.asked.clear()
        m, expected = wrapped.search(text), rx.search(text)
        assert (m and m.span()) == (expected and expected.span())
        assert [kind for kind, _ in asked.asked] == ["match"] * (1 + (expected is not None)), asked.asked
        assert asked.asked[0][1] == text.index("upgrade to 1.2")


def test_leftmost_finditer_hands_a_wall_of_widened_matches_to_re() -> None:
    """DM03's widening reads `[^.;\\n]{0,60}?` as `*?`: on a line of "persist " it matches at every
    word, `re` refuses each, and each RE2 search read on to the line's end (a 60,000-character
    line cost 0.6 s against `re`'s 0.02 s). RE2 reads a text `SKIP_BUDGET` times over at most,
    then `re`'s own `finditer` goes on: the same matches."""
    from storylint.rulepack import load_rulepack

    rx = fastre.plain(load_rulepack([]).rules["DM03"].check.patterns.regex())  # type: ignore[attr-defined]
    asked = _Asked(rx)
    wrapped = fastre.leftmost(asked)  # type: ignore[arg-type]
    wrapped.search("warm-up")  # compiled from the first search on (see the fixture)
    assert wrapped._engine  # type: ignore[attr-defined]
    text = "we persist " + "persist " * 5_000 + "in the database."
    asked.asked.clear()
    found = [(m.span(), m.group(0)) for m in wrapped.finditer(text)]
    assert found == [(m.span(), m.group(0)) for m in rx.finditer(text)] and found
    kinds = [kind for kind, _ in asked.asked]
    assert kinds[-1] == "finditer" and kinds.count("match") <= 2 * fastre.SKIP_BUDGET, len(kinds)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [(r"a*", "baaab"), (r"x?", "xxy"), (r"\b|b", "ab b"), (r"(?<=a)b?", "abab"), (r"b+", "abbab"), (r"^\w+$", "ab\ncd"),
     (r"(?m)^\w+$", "ab\ncd\n"), (r"\bthe\b", "the other theme: the end"), (r"\d{2,3}", "1 12 1234 5")],
)
def test_leftmost_finditer_gives_every_match_re_gives(pattern: str, text: str) -> None:
    """Empty matches (handed over to `re`'s own finditer), look-behinds, anchors and
    boundaries at the places skipped to, on ASCII and beyond."""
    rx = re.compile(pattern)
    wrapped = fastre.leftmost(rx)
    wrapped.search("warm-up")
    assert wrapped._engine  # type: ignore[attr-defined]
    for t in (text, text + " caf\u00e9", "\u2014" + text):
        for pos in (0, 1, len(t), len(t) + 2):  # (a start past the end is the end, as for `re`)
            got = [(m.span(), m.group(0)) for m in wrapped.finditer(t, pos)]
            assert got == [(m.span(), m.group(0)) for m in rx.finditer(t, pos)], (pattern, t, pos)


@cache
def _pattern_rules() -> list[Any]:
    from storylint.checks.patterns import PatternCheck
    from storylint.rulepack import load_rulepack

    return [r.check for r in load_rulepack([]).rules.values() if isinstance(r.check, PatternCheck)]


RULE_WORDS = st.sampled_from(
    ["upgrade", "update", "bump", "to", "version", "v", "3.10", "17", "2", ".", "java", "node.js", "python", "require",
     "we", "should", "use", "instead of", "switch", "from", "#ff5722", "#fff", "12px", "1.5rem", "GET", "POST",
     "/api/v1/users", "`", "{id}", "column", "user_id", "created_at", "table", "store", "in", "redis", "localStorage",
     "button", "top right", "corner", "modal", "the", "a", "\n", " ", "  ", "-", "*", ":", ";", "(", ")", "é", "\u2014",
     "move", "into", "split", "utils.py", "class", "create", "a", "new", "404", "returns", "status"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(RULE_WORDS, max_size=40).map(" ".join))
def test_the_pattern_rules_find_with_leftmost_what_re_finds(text: str) -> None:
    """Every bundled pattern rule searches through `leftmost`; each finds what its `re` finds."""
    for check in _pattern_rules():
        for patterns in (check.patterns, check._others):
            if patterns is None:
                continue
            wrapped = patterns.regex()
            assert repr(wrapped).startswith("leftmost("), check
            plain_rx = fastre.plain(wrapped)
            for t in ((text.lower(), text) if patterns.on_lower else (text,)):
                got = [(m.span(), m.group(0)) for m in wrapped.finditer(t)]
                assert got == [(m.span(), m.group(0)) for m in plain_rx.finditer(t)], (check, t)


def test_re2_reads_typographic_text_as_re_does() -> None:
    """Quotes, dashes, emoji and no-break spaces beyond ASCII leave RE2's answer `re`'s; a
    letter or digit of another script does not, and such text is left to `re`."""
    from storylint.checks._prefilter import Prefilter

    assert fastre.re2_agrees("Let\u2019s add it \u2014 now\u00a0\U0001f600")
    assert not fastre.re2_agrees("caf\u00e9") and not fastre.re2_agrees("\u0661") and not fastre.re2_agrees("\u212a")
    keys = [(r"\bso\s+that\b", True), (r"\bredis\b", True)]
    pre = Prefilter(keys)
    found = pre.scan("Cache it in Redis\u00a0so\u00a0that it\u2019s fast \U0001f680")
    assert found is not None and set(keys) <= found
    assert pre.scan("Cache it in Redis, caf\u00e9") is None  # every pattern may match: `re` decides


# -- found: a case-insensitive pattern reads lower-cased ASCII text without IGNORECASE ------
LOWER_PROBES = ["We Should Use It", "WE'LL ADD IT", "the Fix is to", "ſo", "K", "\u212a", "Docs", "DOCUMENTATION",
                "let's", "LET US", "so that", "a_B", "x", ""]  # fmt: skip


@pytest.mark.parametrize(
    "pattern",
    [r"\bwe(?:'ll| will)\b", r"\b(?:docs|documentation)\b", r"fix\s+is\s+to", r"[a-z]+ing\b", r"[^a-z\s]", r"\bs\w*"],
)
def test_found_on_lower_cased_text_answers_as_ignorecase_does(pattern: str) -> None:
    rx = re.compile(pattern, re.IGNORECASE)
    wrapped = fast(rx)
    lowered = fastre._for_lower_case(rx)
    assert lowered  # names no capital: read lower-cased
    # the state a run reaches once it has built (or refused) the RE2 engine: without it, RE2
    # answers most of these alone and `re` (with the lower-cased pattern or not) is never asked
    wrapped._lower = lowered  # type: ignore[attr-defined]
    for text in LOWER_PROBES:
        expected = rx.search(text) is not None
        assert wrapped._matches(text) == expected, (pattern, text)  # type: ignore[attr-defined]
        assert fastre.found(wrapped, text) == expected, (pattern, text)


@pytest.mark.parametrize("pattern", [r"\x41b", r"(?-i:a)b", r"[A-Z]x", r"(?P<w>a)\b", r"\u0041", r"(a)\1"])
def test_a_pattern_that_could_read_case_is_not_lowered(pattern: str) -> None:
    """A capital, a character by its code, a flag, a back-reference: `re` answers as written."""
    rx = re.compile(pattern, re.IGNORECASE)
    assert fastre._for_lower_case(rx) is False
    assert fastre._for_lower_case(re.compile("abc")) is False  # case-sensitive: nothing to gain
    wrapped = fast(rx)
    for text in ("Ab", "AB", "ab", "aA", "Ax"):
        assert fastre.found(wrapped, text) == (rx.search(text) is not None), (pattern, text)


def test_a_short_run_makes_no_lower_case_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the run has searched enough to build the RE2 engine, `re` answers with the
    pattern as it is: a one-story run does not load a second one for its few searches."""
    monkeypatch.setattr(fastre, "COMPILE_AFTER", 200)
    wrapped = fast(re.compile(r"fix\s+is\s+to", re.IGNORECASE))
    assert fastre.found(wrapped, "The Fix is to cache it") and not fastre.found(wrapped, "fixed")
    assert wrapped._engine is None and wrapped._lower is None  # type: ignore[attr-defined]
    monkeypatch.setattr(fastre, "COMPILE_AFTER", 1)
    assert fastre.found(wrapped, "THE FIX  IS TO") and wrapped._lower  # type: ignore[attr-defined]


def test_letters_ignorecase_equates_with_ascii_keep_the_pattern_case_insensitive() -> None:
    """Dotless and dotted i, long s and the Kelvin sign match "i", "s", "k" under IGNORECASE;
    a lower-cased copy without the flag would not, so such a pattern keeps its flag."""
    for letter, ascii_letter in (("\u0131", "i"), ("\u0130", "i"), ("\u017f", "s"), ("\u212a", "k")):
        rx = re.compile(f"x{letter}y", re.IGNORECASE)
        assert rx.search(f"x{ascii_letter}y")
        assert fastre._for_lower_case(rx) is False


# -- lowers_alike: where lower-casing reads a text as IGNORECASE reads it ---------------------
def _at(pattern: str, text: str, flags: int = 0) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text, flags)]


def test_lower_casing_reads_every_character_as_ignorecase_does_but_three() -> None:
    """Each character but the three of `_LOWERS_APART` lowers to one character that `\\w`, `\\d`,
    `\\s` and each ASCII character of a pattern (IGNORECASE for the letters) read as they read
    the character itself: every code point asked. (`str.lower` picks the final sigma by its
    context: either sigma is a letter beyond ASCII, read alike.)"""
    apart = "\u0130\u0131\u017f"
    assert all(not fastre.lowers_alike(c) for c in apart) and fastre.lowers_alike("caf\u00e9 \u212a \u03a3")
    chars = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000 and chr(i) not in apart]
    lowered = [c.lower() for c in chars]
    assert all(len(c) == 1 for c in lowered)
    text, low = "".join(chars), "".join(lowered)
    for cls in (r"\w", r"\d", r"\s"):
        assert _at(cls, low) == _at(cls, text), cls
    for ch in string.ascii_lowercase + string.digits + string.punctuation + " \t\n":
        assert _at(re.escape(ch), low) == _at(re.escape(ch), text, re.IGNORECASE), ch
    for ch, letter in (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s")):  # the three are read apart
        assert re.fullmatch(letter, ch, re.IGNORECASE) and ch.lower() != letter


def test_a_pattern_is_lowerable_where_it_reads_case_only_by_ignorecase() -> None:
    assert fastre.lowerable(r"\bjava[ -]?v?\d|\.net(?: core)?|[^\n]{1,9}?x")
    for pattern in ("Java", r"\x41", "(?i:a)", r"(a)\1", "caf\u00e9", "\u03c3"):
        assert not fastre.lowerable(pattern), pattern


@cache
def _tc03() -> Any:
    from storylint.rulepack import load_rulepack

    return load_rulepack([]).rules["TC03"].check


class _Unscanned:
    """What `Check.worth_running` reads of a story the one scan did not answer for."""

    def __init__(self, text: str) -> None:
        self.text = text

    def may_match(self, key: object) -> bool:
        return True

    def scanned_for(self, key: object) -> bool:
        return False

    def all_text(self, lower: bool = False) -> str:
        return self.text.lower() if lower else self.text


QUICK_WORDS = st.sampled_from(
    ["Java", "JAVA", "jdk", "JDK-", "openjdk", "Node.js", "NODE", "nodejs", ".NET", ".net core", "Spring Boot", "iOS",
     "\u0130OS", "\u0131os", "\u0130", "\u0131", "\u017f", "\u017fpring", "\u212aafka", "kafka", "Python", "py", "v", "17",
     "8", "3.10", "2", ".", "\u0661", "\u0661.\u0662", "require", "REQUIRE", "requires", "Upgrade", "update", "bump",
     "to", "the", "latest", "Current", "stable", "version", "Release", "Drop", "deprecated", "removing", "support",
     "for", "of", "minimum", "Lowest", "supported", "required", " ", "  ", "-", "\n", "\t", "\u00a0", "\u2003", "\u2014",
     "caf\u00e9", "\u00c9", "\u03a3", "\u00df", "x", "_"]
)  # fmt: skip


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(QUICK_WORDS, max_size=25).map("".join))
def test_tc03s_quick_pattern_on_lower_cased_text_answers_as_before(text: str) -> None:
    """TC03's quick-pattern is searched in the story's lower-cased text without IGNORECASE
    where lower-casing reads the text alike, and as written with it elsewhere: it matches
    where the pattern as the rule wrote it before, each list in a `(?i:...)` group, matched,
    and first at the same place, on text with letters beyond ASCII too."""
    check = _tc03()
    quick = check._quick_re
    assert check.quick_lower and not quick.flags & re.IGNORECASE and "(?i" not in quick.pattern
    before = re.compile(quick.pattern, re.IGNORECASE)
    expected = before.search(text)
    m = quick.search(text.lower()) if fastre.lowers_alike(text) else check._quick_as_written.search(text)
    assert (m and m.span()) == (expected and expected.span()), text
    assert check.worth_running(_Unscanned(text)) == (expected is not None), text


@cache
def _mo01_purpose() -> Any:
    from storylint.rulepack import load_rulepack

    return load_rulepack([]).rules["MO01"].check.purpose


PURPOSE_WORDS = st.sampled_from(
    ["in order to", "In Order To", "to", "will", "greatly", "improve", "Reduce", "minimise", "minimize", "prevent",
     "prevents", "users", "from", "losing", "gives up", "complained", "struggling", "afin de", "\u0447\u0442\u043e\u0431\u044b",
     "con el fin de", "the", "x", " ", "  ", "\n", "\u00a0", "\u2014", "\u00e9", "\u017f", "\u212a", "_", "-", "."]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(PURPOSE_WORDS, max_size=20).map(" ".join))
def test_mo01s_purpose_patterns_are_asked_behind_re2_as_re_answers(text: str) -> None:
    """MO01's value-patterns ("in order to", "to reduce ..."), asked of each sentence of a story
    the one scan lets through, sit behind an RE2 set (`fast`, built here from the first
    search): `found` answers as their `re` pattern does."""
    purpose = _mo01_purpose()
    assert repr(purpose).startswith("fast(")
    if purpose._engine is None:
        purpose._engine = purpose._compile()
    assert purpose._engine
    assert fastre.found(purpose, text) == (fastre.plain(purpose).search(text) is not None), text
