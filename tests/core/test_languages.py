"""rules/languages.toml: the other languages' cues, as data the grammar is built from."""

from __future__ import annotations

import tomllib

import pytest
from storylint.analysis import _other_languages, grammar
from storylint.rulepack import rules_dir


def _tables() -> dict[str, dict[str, list[str]]]:
    return tomllib.loads((rules_dir() / "languages.toml").read_text("utf-8"))


def test_each_language_states_behaviour_only_with_verbs_it_orders_with() -> None:
    """A behaviour verb that is no verb of the language would never be read at all."""
    for code, table in _tables().items():
        verbs = set(table.get("imperatives", [])) | set(table.get("final-imperatives", []))
        assert set(table.get("behaviour-verbs", [])) <= verbs, code


def test_lists_are_lower_case_and_english_keeps_its_grammar() -> None:
    g = grammar()
    for code, table in _tables().items():
        for key, words in table.items():
            assert all(w == w.lower() for w in words), (code, key)
    english = tomllib.loads((rules_dir() / "grammar.toml").read_text("utf-8"))
    assert set(english["imperatives"]) <= g.imperatives
    # a word English uses for something else is not a cue of another language
    assert not {"programmer", "coder", "installer", "importer", "exporter", "registrar", "modifier", "optimiser",
                "mover", "remover", "cree", "on", "a"} & g.imperatives


def test_a_cue_set_holds_no_common_english_word() -> None:
    """Each modal, plan and role phrase is asked of a sentence only when the sentence holds
    its rarest word; a common English word there would run the regexes on English text."""
    common = {"a", "on", "in", "the", "is", "as", "it", "to", "of", "and", "we", "i", "be", "will", "for", "with"}
    assert not grammar().other.words & common


def test_an_unknown_key_is_refused_with_its_table() -> None:
    with pytest.raises(ValueError, match=r"\[xx\]: unknown key 'verbs'"):
        _other_languages({"xx": {"verbs": ["foo"]}})


def test_no_languages_means_no_cues() -> None:
    other = _other_languages({})
    assert other.modal is None and other.plan is None and other.user_clause is None and not other.words
