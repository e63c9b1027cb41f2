"""The run's one pass over every term rule's words (checks/term_scan.py) must give each
rule exactly what its own `PhraseIndex.find` gives, and the engine the same findings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylint.analysis import analyse
from storylint.checks.base import PhraseIndex
from storylint.checks.term_scan import TermScan
from storylint.checks.terms import TermCheck
from storylint.config import config_from_dict
from storylint.engine import Linter
from storylint.model import Story
from storylint.parse import parse
from tests.core.spies import count_calls
from tests.stories import case_stories

# a small vocabulary, so that terms of several rules overlap, nest and repeat
WORD = st.sampled_from(["table", "tables", "user", "User", "column", "add", "the", "React", "react", "native", "api", "key", "keys"])
TERM = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    rules=st.lists(st.tuples(st.lists(TERM, max_size=4), st.lists(TERM, max_size=2)), min_size=1, max_size=4).filter(
        lambda rs: all(t or c for t, c in rs)
    ),
    sentences=st.lists(st.lists(WORD, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=3),
)
def test_each_slot_gets_what_its_own_index_finds(rules: list[tuple[list[str], list[str]]], sentences: list[str]) -> None:
    indexes = [PhraseIndex(terms, cased=cased) for terms, cased in rules]
    analysis = analyse(parse(Story(id="s", title="t", body=". ".join(sentences) + ".")))
    shared = TermScan(indexes).matches(analysis)
    assert shared is not None
    for slot, index in enumerate(indexes):
        own = {n: found for n, s in enumerate(analysis.sentences) if (found := index.find(s))}
        assert shared[slot] == own


@settings(max_examples=300, deadline=None)
@given(
    rules=st.lists(st.tuples(st.lists(TERM, max_size=4), st.lists(TERM, max_size=2)), min_size=1, max_size=4),
    title=st.lists(WORD, max_size=6).map(" ".join),
    sentences=st.lists(st.lists(WORD, min_size=1, max_size=12).map(" ".join), max_size=3),
)
def test_the_story_start_words_answer_each_rule_as_the_story_vocabulary_does(
    rules: list[tuple[list[str], list[str]]], title: str, sentences: list[str]
) -> None:
    """`TermCheck.run` asks whether its first words meet the story's few term-start words
    (`TermScan.starts`) instead of all its words: the same answer for every rule."""
    indexes = [PhraseIndex(terms, cased=cased) for terms, cased in rules]
    scan = TermScan(indexes)
    analysis = analyse(parse(Story(id="s", title=title, body=". ".join(sentences))))
    starts = scan.starts(analysis)
    assert starts is scan.starts(analysis)  # once per story
    for index in indexes:
        assert index.first_words.isdisjoint(starts) is index.first_words.isdisjoint(analysis.vocab)


def test_non_ascii_story_has_no_shared_pass() -> None:
    analysis = analyse(parse(Story(id="s", title="t", body="Add a table for the café's orders.")))
    assert TermScan([PhraseIndex(["table"])]).matches(analysis) is None


def test_the_scan_runs_once_per_story() -> None:
    index = PhraseIndex(["table"])
    scan = TermScan([index, PhraseIndex(["column"])])
    analysis = analyse(parse(Story(id="s", title="Add a table", body="Add a column to the table.")))
    first = scan.matches(analysis)
    assert first is scan.matches(analysis)  # shared by every rule of the run
    assert first is not None and sorted(first[0]) == [0, 1] and list(first[1]) == [1]  # "table" twice, "column" once


def test_same_findings_with_and_without_the_shared_pass() -> None:
    config = config_from_dict({"select": ["ALL"]}, source="test")
    shared, alone = Linter(config), Linter(config)
    terms = [r.check for r in alone.rules if isinstance(r.check, TermCheck)]
    assert len(terms) > 5
    for check in terms:
        check.scan = None  # each rule walks the sentences with its own index
    assert all(r.check.scan is not None for r in shared.rules if isinstance(r.check, TermCheck))
    stories = [Story.model_validate(row) for row in case_stories()]
    found = 0
    for story in stories:
        a, b = shared.lint(story), alone.lint(story)
        assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings], story.id
        found += sum(f.rule in {c.code for c in shared.rules if isinstance(c.check, TermCheck)} for f in a.findings)
    assert found > 50  # the cases exercise the term rules


def test_occurs_agrees_with_find() -> None:
    """`occurs` is `find` without positions: the same answer on every sentence."""
    index = PhraseIndex(["config option", "setting", "env var"], cased=["REST"])
    expected = {"Add a config option for it.": True, "The settings page.": True, "Use REST here.": True,
                "rest easy": False, "config is an option": False}
    for text, matches in expected.items():
        (s,) = analyse(parse(Story(id="1", title=text, body=""))).sentences
        assert index.occurs(s) is matches and bool(index.find(s)) is matches, text


def test_a_term_as_written_is_found_beside_a_longer_lower_case_one() -> None:
    """A term that must match as written ("Ruby") and a lower-case term that starts with the
    same word ("ruby on rails") are both tried at that word, the longer first."""
    index = PhraseIndex(["ruby on rails", "lambda function"], cased=["Ruby", "Lambda"])
    expected = {
        "Rewrite the service in Ruby.": ["Ruby"],
        "Move the job to Lambda.": ["Lambda"],
        "Use Ruby on Rails here.": ["ruby on rails"],
        "Use a lambda function here.": ["lambda function"],
        "A ruby ring and a lambda.": [],  # lower case: neither term as written
    }
    for text, phrases in expected.items():
        (s,) = analyse(parse(Story(id="1", title=text, body=""))).sentences
        assert [p for _, _, p in index.find(s)] == phrases, text
        assert index.occurs(s) is bool(phrases), text
        shared = TermScan([index]).matches(analyse(parse(Story(id="1", title=text, body=""))))
        assert shared is not None and [p for _, _, p in shared[0].get(0, [])] == phrases, text


def test_a_first_word_tries_its_slot_only_before_a_second_word_of_its_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """"in" starts only "in memory cache" here: the scan tries that slot at "in" only where
    "memory" follows (each "in" of prose cost two calls for nothing); a word that is a term
    alone ("cache"), or starts a cased one, is tried wherever it stands."""
    index = PhraseIndex(["in memory cache", "cache"], cased=["Redis cluster"])
    assert index.second_words("in") == frozenset({"memory"})
    assert index.second_words("cache") is None  # a term of one word
    assert index.second_words("Redis") is None  # cased
    tried = count_calls(monkeypatch, PhraseIndex, "match_at")
    text = "Keep it in the cache. Put it in memory cache in Redis cluster in time."
    shared = TermScan([index]).matches(analyse(parse(Story(id="1", title="t", body=text))))
    assert shared is not None
    assert [p for ms in shared[0].values() for _, _, p in ms] == ["cache", "in memory cache", "Redis cluster"]
    # (word numbers) the first sentence's "cache"; then the "in" before "memory", and "Redis"
    assert [args[4] for args in tried] == [4, 2, 6]
