"""The engine's one RE2 scan of a story (checks/_prefilter.py) must never change a finding."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylint import engine
from storylint.analysis import analyse
from storylint.checks._prefilter import Key, Prefilter, relax
from storylint.checks.patterns import PatternCheck
from storylint.config import config_from_dict
from storylint.engine import SCAN_AFTER, Linter
from storylint.fastre import re2_agrees
from storylint.model import Story
from storylint.parse import parse
from tests.core.spies import count_calls
from tests.stories import case_stories


@pytest.mark.parametrize(
    ("pattern", "relaxed"),
    [
        (r"\bso[\s*_]++that\b", r"\bso[\t-\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}*_]+that\b"),  # possessive -> greedy
        (r"a{,3}+b", "a*b"),  # counts: unbounded (fewer DFA states), possessive: greedy
        (r"[^,]{1,60}?x{2}", "[^,]+?x+"),
        (r"a\s+b", r"a[\t-\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+b"),  # Python's white space: \v, \x1c-\x1f, no-break ...
        (r"\++x*?", r"\++x*?"),  # an escaped plus is not a possessive marker
        (r"[^\s,]+", r"[^\t-\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000},]+"),
        ("a{}", r"a\{}"),  # Python reads it as literal braces
        (r"(?<![\w(])#(?=[0-9a-f]{3})x", "#x"),  # lookarounds only narrow: dropped
        (r"(?>ab)+", "(?:ab)+"),  # atomic: a plain group
        (r"a(?=b)*", None),
        # anchors: a field's start is not the scanned text's, so they are dropped (wider)
        ("^a", "a"),
        (r"a\Z", "a"),
        (r"(?:\A|\n)[ \t]*+v", r"(?:(?m:^)|\n)[ \t]*v"),  # a text's start: a line's (the scan joins title and body)
        (r"\A*a", None),  # a quantified anchor: unsure
        ("a{2000}", "a+"),  # not over RE2's repetition limit
        (r"a[^\S\n]b", None),  # RE2's \S holds the Unicode spaces Python's does not: unsure
        # a letter beyond ASCII never stands in a text the scan reads: its branch matches nothing
        ("añadir|add", "a[^\\x00-\\x{10ffff}]adir|add"),
        ("[ée]tat", "[e]tat"),
        ("[é]", "[^\\x00-\\x{10ffff}]"),
        ("[^é]", "[^é]"),  # a negated set keeps it: wider is safe
        ("ſtore|Kelvin", "ſtore|Kelvin"),  # Python's case folding matches them to s and k: kept
        ("x[]é]", "x[]é]"),  # its "]" is a member: the set is kept whole
        ("’s", "’s"),  # a typographic quote can stand in a text the scan reads: kept
        (r"\u2019s", r"\x{2019}s"),  # not a letter: a typographic quote can stand in the text
    ],
)
def test_relax(pattern: str, relaxed: str | None) -> None:
    assert relax(pattern) == relaxed


def _linters(config: dict[str, object]) -> tuple[Linter, Linter]:
    with_scan = Linter(config_from_dict(config, source="test"))
    with_scan._linted = SCAN_AFTER  # the scan from the first story on
    without = Linter(config_from_dict(config, source="test"))
    without.__dict__["prefilter"] = Prefilter([])  # the same rules, every pattern run
    assert with_scan.prefilter and not without.prefilter
    return with_scan, without


@pytest.mark.parametrize("select", [None, ["ALL"]])
def test_same_findings_with_and_without_the_one_scan(select: list[str] | None) -> None:
    with_scan, without = _linters({"select": select} if select else {})
    stories = [Story.model_validate(row) for row in case_stories()]
    assert len(stories) > 300
    skipped = 0
    for story in stories:
        a, b = with_scan.lint(story), without.lint(story)
        assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings], story.id
        skipped += with_scan.prefilter.scan(story.title + "\n" + story.body) is not None
    assert skipped > 100  # the scan answered for most stories (the ASCII ones)


WORDS = st.sampled_from(
    ["so that", "so", "that", "we", "can", " ", "  ", "\n", "\x0b", "\x1c", "_", "*", "as a", "user", "I", "want",
     "because", "in order to", "table", "db", "Redis", "12px", "#fff", "GET", "/api", ".py", "x_y", "aB", "a.b",
     "f(", "::", "->", "goal", ":", "needs to see", "users", "é", "\u00a0", "A", "1.2", "-", ",", "\u2019", "\u2014",
     "\u201c", "\u201d", "\U0001f600", "\u2003", "\u3000", "the fix is to add", "instead of", "rgb(", "v2",
     "wiki", "docs", "document", "given", "when", "then", "Scenario"]
)  # fmt: skip


def _as_written(text: str) -> str:
    return text


# the text as written and in capitals: the case-insensitive sets read it lower-cased, unfolded
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(WORDS, max_size=40).map("".join), case=st.sampled_from([_as_written, str.upper, str.swapcase, str.title]))
def test_the_scan_never_rules_out_a_pattern_that_matches(text: str, case: Callable[[str], str]) -> None:
    text = case(text)
    prefilter = Linter(config_from_dict({"select": ["ALL"]}, source="test")).prefilter
    possible = prefilter.scan(text)
    if possible is None:
        return
    for source, ignore_case in prefilter.known:
        if (source, ignore_case) not in possible:
            assert not re.search(source, text, re.IGNORECASE if ignore_case else 0), source


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(WORDS.filter(re2_agrees), max_size=40).map("".join))
def test_on_typographic_text_the_scan_answers_and_never_rules_out_a_match(text: str) -> None:
    """Words RE2 reads as `re` does only (quotes, dashes, emoji, Unicode spaces): the scan
    always answers, and never leaves out a pattern that matches."""
    prefilter = Linter(config_from_dict({"select": ["ALL"]}, source="test")).prefilter
    possible = prefilter.scan(text)
    assert possible is not None
    for source, ignore_case in prefilter.known:
        if (source, ignore_case) not in possible:
            assert not re.search(source, text, re.IGNORECASE if ignore_case else 0), source


def test_the_scan_is_not_asked_about_quick_words_it_can_answer_for_the_pattern() -> None:
    """A pattern rule's quick words are a part of every match: where the one scan can answer
    for the pattern itself, they are left out of it (each unanchored word grows its automaton
    and so the time of a run's first stories); where it cannot (a back-reference), they stay."""
    from storylint.checks.patterns import PatternCheck

    def check(patterns: list[str]) -> PatternCheck:
        return PatternCheck({"patterns": patterns, "quick": ["retry"], "quick-ignore-case": True, "ignore-case": True},
                            category="code_structure", vocabulary={}, trusted=True)  # fmt: skip

    answered = check([r"\badd a retry loop\b"])
    assert answered.scanned() == [answered.key]
    unanswerable = check([r"\b(retry)\s+\1\b"])  # RE2 has no back-references
    assert ("retry", True) in unanswerable.scanned() and unanswerable.key in unanswerable.scanned()
    bundled = Linter(config_from_dict({"select": ["ALL"]}, source="test"))
    asked = {key for rule in bundled.rules for key in rule.check.scanned()}
    quick = {rule.check._quick_key for rule in bundled.rules if isinstance(rule.check, PatternCheck)} - {None}
    assert quick and not quick & asked


def test_much_pattern_text_is_split_over_sets_of_about_split_after() -> None:
    """A group of patterns is one RE2 set up to SPLIT_AFTER characters of pattern text, and as
    many sets of about equal text past it as that limit takes (a set's automaton grows with
    the product of its patterns)."""
    from storylint.checks._prefilter import SPLIT_AFTER, _split

    def group(sizes: list[int]) -> list[tuple[tuple[str, bool], str]]:
        return [((f"p{i}", True), "a" * n) for i, n in enumerate(sizes)]

    at_limit = group([SPLIT_AFTER - 100, 100])
    assert _split(at_limit) == [at_limit]
    assert len(_split(group([SPLIT_AFTER - 100, 101]))) == 2  # one character past it
    past = group([SPLIT_AFTER - 100, 101, 3000, 2000, 50])
    halves = _split(past)
    assert len(halves) == 2 and all(halves)
    assert sorted(k for part in halves for k, _ in part) == sorted(k for k, _ in past)
    weights = [sum(len(r) for _, r in part) for part in halves]
    assert abs(weights[0] - weights[1]) <= max(len(r) for _, r in past)
    # past twice the limit: three sets, each of them about a third
    thrice = group([SPLIT_AFTER // 2] * 5)
    thirds = _split(thrice)
    assert len(thirds) == 3 and sorted(k for part in thirds for k, _ in part) == sorted(k for k, _ in thrice)
    third_weights = [sum(len(r) for _, r in part) for part in thirds]
    assert max(third_weights) - min(third_weights) <= SPLIT_AFTER // 2  # no heavier than one pattern more
    # two patterns past the limit each: two sets, never an empty one
    two_big = _split(group([SPLIT_AFTER + 1000, SPLIT_AFTER + 1000]))
    assert len(two_big) == 2 and all(two_big)
    assert _split([]) == []
    bundled = Linter(config_from_dict({"select": ["ALL"]}, source="test")).prefilter
    assert len(bundled._sets) >= 3  # the bundled case-insensitive patterns are past the limit


def test_a_long_pattern_is_asked_of_the_scan_as_parts_of_its_alternation() -> None:
    """A pattern of more widened text than PART_AFTER (MO01's outcome phrases) is asked as
    parts of its top-level alternation, each in a set of its own: the scan says it may match
    where one part matches, never where none does, and not at all when RE2 refuses a part."""
    pytest.importorskip("re2")
    from storylint.checks._prefilter import PART_AFTER, _parts

    words = [f"(?:outcome{i}|goal{i}) [a-z|(]+ here" for i in range(PART_AFTER // 20)]
    source = "|".join(words)  # alternations inside groups and sets are no top-level ones
    assert len(source) > PART_AFTER and relax(source) == source
    parts = _parts(source)
    assert len(parts) >= 2 and "|".join(parts) == source
    assert all(len(part) <= PART_AFTER for part in parts)
    assert re.search(parts[0], "outcome0 x|( here") and re.search(parts[-1], f"goal{len(words) - 1} x here")
    assert _parts("x|y") == ["x|y"]
    assert _parts("(?i)" + source) == ["(?i)" + source]  # a flag for the rest would be lost
    key = (source, True)
    prefilter = Prefilter([key, ("needle", True)])
    assert key in prefilter.known
    assert sum(keys.count(key) for _, keys in prefilter._sets) == len(parts)
    assert all(keys.count(key) <= 1 for _, keys in prefilter._sets)  # each part a set of its own
    first, last = "outcome0 x here", f"Goal{len(words) - 1} abc here"
    for text in (first, last):
        possible = prefilter.scan(text)
        assert possible is not None and key in possible and re.search(source, text, re.IGNORECASE)
    possible = prefilter.scan("a needle, no outcome here")
    assert possible is not None and key not in possible and ("needle", True) in possible
    # a part RE2 refuses (a flag it lacks): the pattern is not answered for, its rule scans alone
    refused = (source + "|(?x:a b)", True)
    assert relax(refused[0]) is not None  # (RE2 refuses it in the set, not the widening)
    partial = Prefilter([refused, ("needle", True)])
    assert refused not in partial.known and ("needle", True) in partial.known


def test_a_match_only_in_a_code_block_is_found_with_the_scan_in_use() -> None:
    """The one scan reads code blocks too, so its answer for a rule with `in-code-blocks`
    holds there: a match only inside a block is still found with the scan in use."""
    from storylint.analysis import analyse
    from storylint.checks.patterns import PatternCheck
    from storylint.parse import parse

    check = PatternCheck({"patterns": [r"\bDROP TABLE\b"], "in-code-blocks": True, "context": "any"},
                         category="data_model", vocabulary={}, trusted=True)  # fmt: skip
    story = Story(id="1", title="Clean up", body="Run this once:\n\n```sql\nDROP TABLE old_orders;\n```\n")
    analysis = analyse(parse(story))
    prefilter = Prefilter(check.scanned())
    analysis.prefiltered(prefilter.known, prefilter.scan(analysis.all_text()))
    assert analysis.scanned_for(check.key) and analysis.may_match(check.key)
    assert [h.term for h in check.run(analysis)] == ["DROP TABLE"]


def test_a_code_block_rule_searches_no_block_or_span_where_the_scan_found_none_of_its_content() -> None:
    """DM02's content patterns (SQL) are asked of the one scan: a story whose text holds none
    searches none of its blocks and spans; one that holds some finds it as before; a search
    that stops inside a word (where the scan read on) is still made."""
    from storylint.analysis import analyse
    from storylint.checks.code_blocks import CodeBlockCheck, _scan_holds
    from storylint.parse import parse

    check = CodeBlockCheck({"content-patterns": [r"\bALTER\s+TABLE\s", r"\bFOO\b"], "include-inline": True},
                           category="data_model", vocabulary={}, trusted=True)  # fmt: skip
    searched: list[tuple[int, int]] = []
    content = check.content
    assert content is not None

    class Counting:
        def search(self, text: str, start: int, end: int) -> object:
            searched.append((start, end))
            return content.search(text, start, end)

    check.content = Counting()  # type: ignore[assignment]
    prefilter = Prefilter(check.scanned())

    def run(body: str) -> list[str]:
        searched.clear()
        analysis = analyse(parse(Story(id="1", title="Orders", body=body)))
        analysis.prefiltered(prefilter.known, prefilter.scan(analysis.all_text()))
        return [h.term for h in check.run(analysis)]

    assert run("Keep `orders` as they are:\n\n```\nprint(orders)\n```\n") == [] and searched == []
    assert run("Run this once:\n\n```\nALTER TABLE orders ADD x;\n```\n") == ["ALTER TABLE "] and searched
    assert run("Use `ALTER TABLE orders` for it.") == ["ALTER TABLE "]
    assert _scan_holds("`FOO`", 4) and _scan_holds("FOO", 3) and not _scan_holds("FOObar", 3)


def test_a_branch_with_a_letter_beyond_ascii_leaves_the_rest_to_the_scan() -> None:
    """The other languages' words drop out of the one scan's automaton, and the scan still
    says "may match" for the ASCII branch beside them and is not asked about stories with
    such letters at all (fastre.re2_agrees)."""
    key = (r"\b(?:añadir|guardar)\b", True)
    scan = Prefilter([key])
    assert key in scan.known
    assert key in scan.scan("guardar los pedidos")
    assert key not in scan.scan("add the orders")


def test_a_texts_start_stays_a_lines_start_in_the_scan() -> None:
    """`\\A` is the start of the title or of the body a rule searches: the scan (title, a line
    break, body) keeps it as a line's start, so an opening order is not looked for at every
    word (dropped, RE2 built twice the states on the stories it first saw), and a title's or a
    body's opening still answers "may match"."""
    key = (r"\A(?:please\s+)?(?:move|split)\s+[^\n.]{1,60}?\s+into\b", True)
    scan = Prefilter([key])
    assert key in scan.known
    assert key in scan.scan("Move the mailer into its own module\nIt grew.")  # the title's start
    assert key in scan.scan("Mailer\nPlease split the mailer into two parts.")  # the body's start
    assert key not in scan.scan("Mailer\nWe could move the mailer into its own module.")  # mid-line
    for title, body in (("Move the mailer into core", "It grew."), ("Mailer", "Split the mailer into two.")):
        a = analyse(parse(Story(id="1", title=title, body=body)))
        assert key in scan.scan(a.all_text()) and re.search(key[0], (title if title.startswith("Move") else body), re.IGNORECASE)


def test_a_pattern_that_matches_nothing_widens_to_nothing() -> None:
    """languages.NEVER stands for a key no language lists: its widening must not read as empty
    (which would match every story and keep the scan from ruling anything out)."""
    from storylint.checks._prefilter import widened
    from storylint.languages import NEVER

    only_never, with_never = widened(NEVER), widened(f"needle|{NEVER}")
    assert only_never is not None and with_never is not None
    re2 = pytest.importorskip("re2")
    assert not re2.compile(only_never).search("any text at all")
    assert not re2.compile(with_never).search("hay") and re2.compile(with_never).search("a needle")


def test_the_scan_answers_for_the_sentence_analysis_too() -> None:
    """A story with no word of documentation work skips that test in every sentence; one
    with it still reads its sentence as documentation work."""
    from storylint.analysis import DOCS_WORK_KEY, analyse
    from storylint.parse import parse

    linter = Linter()
    assert DOCS_WORK_KEY in linter.prefilter.known

    def scanned(title: str, body: str) -> list[tuple[bool, bool]]:
        a = analyse(parse(Story(id="t:p:1", title=title, body=body)))
        a.prefiltered(linter.prefilter.known, linter.prefilter.scan(a.all_text()))
        return [(s._docs_possible, s.docs_work) for s in a.sentences]

    assert scanned("Add export to PDF", "Users pick the orders. The file opens in a viewer.") == [(False, False)] * 3
    assert scanned("Update the wiki page on retries", "Users pick the orders.") == [(True, True), (True, False)]


_ANALYSIS_LINTER: list[Linter] = []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.lists(WORDS, min_size=1, max_size=8).map("".join), body=st.lists(WORDS, max_size=40).map("".join))
def test_the_scan_leaves_every_analysis_answer_as_it_was(title: str, body: str) -> None:
    """What the one scan answers for the analysis (code, documentation work) and for AC01
    (Gherkin's starts, searched in the masked body, the one with MULTILINE "^") is what the
    sentence-by-sentence and body searches say without it."""
    from storylint.analysis import analyse
    from storylint.checks.structure import _given_when_then
    from storylint.parse import parse

    if not _ANALYSIS_LINTER:
        _ANALYSIS_LINTER.append(Linter())
    prefilter = _ANALYSIS_LINTER[0].prefilter
    story = Story(id="t:p:1", title=title.strip() or "t", body=body)
    alone, scanned = analyse(parse(story)), analyse(parse(story))
    scanned.prefiltered(prefilter.known, prefilter.scan(scanned.all_text()))
    assert [(s.code_like, s.docs_work) for s in scanned.sentences] == [(s.code_like, s.docs_work) for s in alone.sentences]
    body_text = alone.parsed.masked_body
    assert _given_when_then(body_text, scanned) == _given_when_then(body_text, alone)


@pytest.mark.parametrize("select", [None, ["ALL"]])
def test_a_quiet_check_finds_nothing_in_the_story(select: list[str] | None) -> None:
    """`Check.quiet` lets the engine skip a rule's `run`: it may say so only of a story in which
    the rule finds nothing (else a finding would go missing), and it says so often."""
    linter, _ = _linters({"select": select} if select else {})
    quiet_kinds: dict[str, int] = {}
    for row in case_stories():
        story = Story.model_validate(row)
        analysis = analyse(parse(linter.bounded(story)), linter.accepted)
        analysis.prefiltered(linter.prefilter.known, linter.prefilter.scan(analysis.all_text()))
        for rule, _ in linter._calibrated:
            if rule.check.quiet(analysis):
                assert list(rule.check.run(analysis)) == [], (rule.code, story.title)
                quiet_kinds[rule.check.kind] = quiet_kinds.get(rule.check.kind, 0) + 1
    assert {"pattern", "terms", "identifiers"} <= {kind for kind, n in quiet_kinds.items() if n > 100}


@pytest.mark.parametrize("select", [None, ["ALL"]])
def test_the_engine_wakes_exactly_the_rules_whose_check_is_not_quiet(select: list[str] | None) -> None:
    """The engine looks up at once which term and pattern rules a story wakes (`Linter._awake`):
    the same rules, in the same order, as asking each check's `quiet`, with the one scan's
    answer and without it (a run's first stories, a text RE2 cannot read)."""
    asleep = 0
    for linter in _linters({"select": select} if select else {}):
        for row in case_stories():
            story = Story.model_validate(row)
            analysis = analyse(parse(linter.bounded(story)), linter.accepted)
            if linter.prefilter:
                analysis.prefiltered(linter.prefilter.known, linter.prefilter.scan(analysis.all_text()))
            expected = [rule.code for rule, _ in linter._calibrated if not rule.check.quiet(analysis)]
            assert [rule.code for rule, _ in linter._awake(analysis)] == expected, story.title
            asleep += len(linter._calibrated) - len(expected)
    assert asleep > 1000


def test_the_engine_does_not_run_a_rule_its_check_calls_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    linter, _ = _linters({})
    runs = count_calls(monkeypatch, PatternCheck, "run")
    result = linter.lint(Story(id="S-1", title="Export my orders", body="As a shopper I want to export my orders so that I can share them."))
    assert result.findings and runs == []  # (the rules still report what the story lacks)


def test_building_the_scan_parses_each_pattern_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The set reads each pattern as it takes it: none is compiled alone as well first (that
    parsed every pattern twice, some 65 M instructions of a run's start). A pattern RE2 refuses
    is still left out, and the others answered for; a back-reference is not even offered."""
    import re2

    from storylint.checks._prefilter import answerable

    compiled = count_calls(monkeypatch, re2, "compile")
    redis, kafka, verbose = (r"\bredis\b", True), (r"\bkafka\b", False), (r"(?x) kafka \s+ topic", False)
    assert answerable(verbose[0])  # relax widens it; RE2 has no (?x), which only the set finds
    assert not answerable(r"\b(retry)\s+\1\b") and not answerable(r"(?P<w>\w+) (?P=w)")
    prefilter = Prefilter([redis, kafka, verbose])
    assert prefilter.known == {redis, kafka}
    possible = prefilter.scan("Cache it in Redis.")
    assert possible is not None and redis in possible and kafka not in possible
    assert compiled == []


def test_a_build_file_name_wakes_the_path_rule_through_the_scan() -> None:
    """A build file has no extension for CS04's quick literals: the one scan is asked for the
    names themselves (case-sensitive), and a story that names one finds it with the scan in use
    as without; a story that only spells "makefile" in prose (no such name) is ruled out by it."""
    from storylint.checks.identifiers import BUILD_FILE_KEY

    with_scan, without = _linters({})
    assert BUILD_FILE_KEY in with_scan.prefilter.known
    story = Story(id="1", title="Faster image builds", body="Pin the base image in docker/ingest/Dockerfile and cache the wheels.")
    for linter in (with_scan, without):
        found = [f for f in linter.lint(story).findings if f.rule == "CS04"]
        assert [story.body[f.offset : f.offset + f.length] for f in found] == ["docker/ingest/Dockerfile"]
    assert BUILD_FILE_KEY in (with_scan.prefilter.scan(story.title + "\n" + story.body) or ())
    prose = Story(id="2", title="Guide for new makefile users", body="Explain the dockerfile basics in the wiki.")
    assert BUILD_FILE_KEY not in (with_scan.prefilter.scan(prose.title + "\n" + prose.body) or {BUILD_FILE_KEY})


def test_a_second_linter_builds_its_own_scans_of_its_own_rules(tmp_path: Path) -> None:
    """Linters in one process with other rules (a team's own folder beside the bundled pack:
    other patterns, other terms) each build their one scan (`Linter.prefilter`) and their term
    scan of their own rules, however many stories the other has linted: a scan built for the
    first and reused would not answer for the second's pattern (searched with `re` on every
    story) nor wake its term rule at all. Linted in turn, each finds what it finds alone."""
    folder = tmp_path / "team-rules"
    folder.mkdir()
    head = 'category = "technology"\nmessage = "{term} is ours"\n[detect]\ncontext = "any"\n'
    (folder / "ACME01.toml").write_text(f'code = "ACME01"\nname = "acme-pattern"\n{head}kind = "pattern"\npatterns = ["\\\\bzorblax\\\\b"]\n')
    (folder / "ACME02.toml").write_text(f'code = "ACME02"\nname = "acme-terms"\n{head}kind = "terms"\nterms = ["quuxdb"]\n')
    bundled = Linter()
    team = Linter(config_from_dict({"extend-rules": [str(folder)], "extend-select": ["ACME"]}, source="test"))
    stories = [Story(id=str(i), title=f"Export {i}", body="We should keep the exports in zorblax and quuxdb.") for i in range(SCAN_AFTER + 3)]
    for story in stories:  # in turn: each past SCAN_AFTER, its scan in use
        found = {f.rule for f in bundled.lint(story).findings}, {f.rule for f in team.lint(story).findings}
    assert bundled.prefilter and team.prefilter
    assert not found[0] & {"ACME01", "ACME02"} and {"ACME01", "ACME02"} <= found[1]
    key = team.pack.rules["ACME01"].check.scanned()[0]
    assert key in team.prefilter.known and key not in bundled.prefilter.known
    assert key in (team.prefilter.scan(stories[0].title + "\n" + stories[0].body) or ())
    alone = Linter()
    alone._linted = SCAN_AFTER
    assert [f.to_dict() for f in bundled.lint(stories[0]).findings] == [f.to_dict() for f in alone.lint(stories[0]).findings]


def test_mo01_asks_the_scan_once_for_its_phrases_and_those_outside_bug_reports() -> None:
    """MO01's outside-bug-reports phrases ride in its phrases' key (whose parts have sets of
    their own), not in a key of their own beside other rules' patterns, where they grew that
    set's DFA; with the scan in use, a request whose only outcome is one of them still
    passes, and a story with none is still flagged."""
    from storylint.checks.structure import OutcomeCheck

    check = Linter().pack.rules["MO01"].check
    assert isinstance(check, OutcomeCheck) and check.outside_bugs is not None
    assert check.key != check.phrases.key and check.key in check.scanned()
    assert check.phrases.key not in check.scanned()
    prefilter = Prefilter(check.scanned())

    def flagged(title: str, body: str) -> bool:
        analysis = analyse(parse(Story(id="1", title=title, body=body)))
        analysis.prefiltered(prefilter.known, prefilter.scan(analysis.all_text()))
        assert analysis.scanned_for(check.key)
        return any(True for _ in check.run(analysis))

    assert not flagged("Dark theme for the editor", "Could you add a dark theme to the editor? Reading at night would be easier.")
    assert flagged("Dark theme for the editor", "Add a dark theme to the editor with a switch in the settings.")


def test_a_grouped_pattern_joins_its_groups_set_whatever_the_others_text() -> None:
    """A case-insensitive pattern given a group shares a set with its group alone: more text in
    one group's pattern moves no other pattern to another set (packed by text, a few characters
    more in one rule's terms reshuffled every set); case-sensitive patterns and patterns given no
    group are packed by text as before."""

    def sets_of(keys: list[tuple[str, bool]], groups: dict[tuple[str, bool], str]) -> list[set[str]]:
        return sorted(({k[0] for k in keys_in[1:]} for _, keys_in in Prefilter(keys, groups)._sets), key=sorted)

    words = [("alpha", True), ("beta", True), ("gamma", True), ("delta", True), ("Epsilon", False)]
    groups = {("alpha", True): "one", ("beta", True): "two", ("gamma", True): "one", ("Epsilon", False): "one"}
    assert sets_of(words, groups) == [{"Epsilon"}, {"alpha", "gamma"}, {"beta"}, {"delta"}]
    longer = [("beta|" + "b" * 5_000, True) if k == ("beta", True) else k for k in words]
    longer_groups = {("beta|" + "b" * 5_000 if k == ("beta", True) else k[0], k[1]): g for k, g in groups.items()}
    assert {"alpha", "gamma"} in sets_of(longer, longer_groups)  # its own group's set grew, no other
    assert sets_of(words, {}) == [{"Epsilon"}, {"alpha", "beta", "delta", "gamma"}]  # packed by text
    bundled = Linter(config_from_dict({"select": ["ALL"]}, source="test"))
    grouped = bundled.prefilter
    category: dict[Key, str] = {}
    for rule in bundled.rules:  # a key shared by two rules joins the first one's group, as in the engine
        for key in rule.check.scanned():
            category.setdefault(key, rule.category)
    for _, keys_in in grouped._sets:  # a set of case-insensitive patterns holds no two groups'
        kinds = {engine._SCAN_GROUP.get(category[k], "other") for k in keys_in[1:] if k in category and k[1]}
        assert len(kinds) <= 1


@pytest.mark.parametrize(
    ("relaxed", "alike"),
    [
        (r"\bso that\b", True),
        (r"\bso[\t-\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}*_]+that\b", True),
        (r"[a-z]+|[\x00-\x7f]|[ -~]|[\w.-]+", True),  # no capital, or every letter of both cases
        (r"[^A-Z]x|[^]A]", True),  # a complemented set: a capital outside it lowers to a letter outside it
        (r"a[^\x00-\x{10ffff}]dir", True),  # a letter beyond ASCII, left out: matches nothing
        (r"(?P<Name>x)(?m:^)y", True),  # a group's name and a flag match no letter
        (r"[a-c-e]", True),
        (r"SELECT", False),  # a capital matches the small letter too when folded
        (r"[A-Z]|[!-Z]", False),
        (r"\x41", False),  # "A" by its code point
        (r"[\x{2100}-\x{2200}]", False),  # the Kelvin sign: folded, it is a k
        ("\u212a", False),
        (r"\x{24b6}", False),  # a circled capital: lower-cased, a circled small letter
        (r"(?i:a)|(?-i:a)", False),
        (r"\p{Lu}|\Q.\E|\101", False),
        (r"[abc", False),
    ],
)
def test_folds_alike(relaxed: str, alike: bool) -> None:
    from storylint.checks._prefilter import folds_alike

    assert folds_alike(relaxed) is alike


def test_a_case_insensitive_pattern_without_capitals_is_scanned_in_the_lower_cased_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A set of case-insensitive patterns reads the text lower-cased, and one that names no capital
    is given to RE2 without case folding (parsing folded letters was a large part of building the
    scan): it still finds its words written in capitals, and a pattern that names one (SELECT)
    is folded as before. A case-sensitive pattern reads the text as written."""
    import re2

    added: list[str] = []
    add = re2.Set.Add

    def adding(self: object, pattern: str) -> int:
        added.append(pattern)
        return add(self, pattern)

    redis, select, kafka = (r"\bredis\b", True), (r"\bSELECT \*", True), (r"\bKafka\b", False)
    monkeypatch.setattr(re2.Set, "Add", adding)
    prefilter = Prefilter([redis, select, kafka])
    monkeypatch.undo()
    assert r"(?:\bredis\b)" in added and r"(?i:\bSELECT \*)" in added and r"(?:\bKafka\b)" in added
    assert prefilter.scan("Cache it in REDIS; select * from t.") == {("", False), redis, select}
    assert prefilter.scan("Send it to Kafka \u24b7") == {("", False), kafka}
    assert prefilter.scan("Send it to KAFKA") == {("", False)}
