"""rules/languages.toml: the other languages' cues, as data the grammar is built from."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

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


def test_a_language_added_as_data_is_read_by_every_cue() -> None:
    """Gherkin, negation and a checklist's criteria come from the table alone: a team adds a
    language (Dutch here) without touching the code."""
    other = _other_languages({"nl": {
        "modals": ["moet"], "negations-after": ["niet"], "abilities": ["kan"], "speculations": ["zijn"],
        "shown-verbs": ["tonen"], "given": ["gegeven"], "when": ["wanneer"], "then": ["dan"], "scenario": ["scenario"],
        "results": ["resultaat"],
    }})  # fmt: skip
    assert other.modal is not None
    assert [m["after"] for m in other.modal.compiled().finditer("Het systeem moet de export tonen")] == [None]
    assert [m["after"] for m in other.modal.compiled().finditer("Het systeem moet niet crashen")] == [" niet"]
    assert other.criterion is not None and {"kan", "moet"} <= other.criterion_words
    criterion = other.criterion.compiled()
    assert criterion.search("De gebruiker kan de PDF downloaden")
    assert criterion.search("Het overzicht moet de totalen tonen")
    assert not criterion.search("Dat kan zijn omdat de cache leeg is")  # a guess, no criterion
    g = other.gherkin
    text = "- Gegeven een ingelogde klant\n- Wanneer hij betaalt\n- Dan ziet hij de bon"
    assert g.given.compiled().search(text) and g.when.compiled().search(text) and g.then.compiled().search(text)
    assert not g.given.compiled().search("De klant heeft gegeven wat nodig is")  # not at the start of a line
    assert g.result.compiled().search("Resultaat: de bon staat in de mail")


def test_negations_of_the_bundled_languages() -> None:
    modal = grammar().other.modal
    assert modal is not None
    negated = {text: any(m["neg"] or m["after"] for m in modal.compiled().finditer(text)) for text in (
        "No se debe guardar la contraseña",  # before, with a pronoun between
        "Le service ne doit pas bloquer",  # right after
        "Die API soll die Daten auf keinen Fall löschen",  # later in the clause
        "El servicio debe usar Redis",
        "Der Dienst soll Redis verwenden",
    )}  # fmt: skip
    assert negated == {
        "No se debe guardar la contraseña": True,
        "Le service ne doit pas bloquer": True,
        "Die API soll die Daten auf keinen Fall löschen": True,
        "El servicio debe usar Redis": False,
        "Der Dienst soll Redis verwenden": False,
    }


def test_no_languages_means_no_criterion_and_no_gherkin() -> None:
    other = _other_languages({})
    assert other.criterion is None and not other.finite_words
    assert not other.gherkin.given.compiled().search("Dado un usuario\nCuando paga\nEntonces ve el recibo")


def test_pack_data_is_read_through_the_rule_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """grammar.toml, languages.toml and calibration.toml are read as the rules are: the JSON
    cache holds them, and what it holds is what their TOML says."""
    from storylint import rulepack

    monkeypatch.delenv("STORYLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rulepack._bundled.cache_clear()
    try:
        languages = rulepack.pack_data("languages.toml")
        cached = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "storylint").glob("rules-*.json")]
        path = str(rulepack.rules_dir() / "languages.toml")
        assert [c[path] for c in cached if path in c] == [languages]
        assert languages == tomllib.loads((rulepack.rules_dir() / "languages.toml").read_text("utf-8"))
        assert rulepack.pack_data("grammar.toml")["imperatives"]
    finally:
        rulepack._bundled.cache_clear()


def _pack_copy(tmp_path: Path) -> Path:
    import shutil

    from storylint import rulepack

    copy = tmp_path / "rules"
    shutil.copytree(rulepack.rules_dir(), copy)
    return copy


def test_an_edit_to_the_grammar_data_makes_a_store_relint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's fingerprint covers languages.toml and grammar.toml, as it covers the code."""
    from storylint import engine

    copy = _pack_copy(tmp_path)
    monkeypatch.setattr(engine, "rules_dir", lambda: copy)
    engine._code_revision.cache_clear()  # (computed once per process)
    try:
        before = engine._code_revision()
        (copy / "languages.toml").write_text((copy / "languages.toml").read_text("utf-8") + "\n[nl]\nmodals = [\"moet\"]\n", "utf-8")
        engine._code_revision.cache_clear()
        assert engine._code_revision() != before
    finally:
        engine._code_revision.cache_clear()


def test_a_broken_pack_file_is_one_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storylint import rulepack
    from storylint.errors import ConfigError

    copy = _pack_copy(tmp_path)
    (copy / "languages.toml").write_text("[es\nmodals = [", "utf-8")
    monkeypatch.setenv("STORYLINT_NO_CACHE", "1")
    monkeypatch.setattr(rulepack, "rules_dir", lambda: copy)
    rulepack._bundled.cache_clear()
    try:
        with pytest.raises(ConfigError) as err:
            rulepack.pack_data("languages.toml")
        assert str(copy / "languages.toml") in str(err.value)
    finally:
        rulepack._bundled.cache_clear()


def test_headings_and_labels_of_the_other_languages() -> None:
    """languages.toml's heading words: accents optional, a compound holds them ("Umsetzungshinweise"),
    and a plural is a label of its own ("Objetivos:")."""
    from storylint.parse import _short_label_heading, classify_section

    assert {h: classify_section(h) for h in ("Criterios de aceptacion", "Critères d’acceptation", "Umsetzungshinweise",
                                             "Fehlerbeschreibung", "Pasos para reproducir", "Solución propuesta")} == {
        "Criterios de aceptacion": "acceptance", "Critères d’acceptation": "acceptance", "Umsetzungshinweise": "proposal",
        "Fehlerbeschreibung": "problem", "Pasos para reproducir": "repro", "Solución propuesta": "proposal",
    }  # fmt: skip
    assert _short_label_heading("Objetivos:") and _short_label_heading("Requisitos:")
    assert not _short_label_heading("Objetivamente:")


def test_bug_words_of_the_other_languages() -> None:
    from storylint.calibration import is_bug_report

    assert is_bug_report("El login no funciona", "")
    assert is_bug_report("Export", "Pasos para reproducir:\n1. Abrir la página")
    assert is_bug_report("Fehler beim Speichern", "")
    assert not is_bug_report("Fehlerbehandlung für den Export", "")  # a feature about failures
    assert not is_bug_report("Fehler-Tracking einrichten", "")


def test_a_heading_word_is_a_label_only_as_a_noun() -> None:
    """Adjectives and verbs that help classify a heading ("Technische Details") are no label
    when a short line opens with them: "Technische Schulden abbauen" is a sentence."""
    from storylint.parse import _short_label_heading, classify_section

    assert classify_section("Technische Details") == "proposal" and classify_section("Техническое задание") == "proposal"
    assert classify_section("Lösung, die du dir wünschen würdest") == "other"  # the asker's wish
    assert _short_label_heading("Aufgaben:") and _short_label_heading("Solución:")
    assert not _short_label_heading("Technische Schulden abbauen:")
    assert not _short_label_heading("Reproducir el error en staging:")


def test_starts_that_order_nothing_are_data() -> None:
    """"Make sure X" and German's "Stelle sicher, dass X" state an outcome to check; their
    first word alone would order work. The pairs come from grammar.toml and languages.toml."""
    from storylint.analysis import _word_pairs, analyse
    from storylint.model import Story
    from storylint.parse import parse

    assert {("make", "sure"), ("stelle", "sicher"), ("drop", "down")} <= grammar().not_orders

    def imperative(title: str) -> bool:
        return analyse(parse(Story(id="t:p:1", title=title))).sentences[0].imperative

    assert not imperative("Make sure the export finishes overnight")
    assert not imperative("Stelle sicher, dass der Export über Nacht fertig wird")
    assert imperative("Make the export finish overnight")
    assert imperative("Stelle den Export auf Kafka um")
    with pytest.raises(ValueError, match="'sicher' is not two words"):
        _word_pairs(["sicher"], grammar().imperatives)
    with pytest.raises(ValueError, match="'bitte sicher' does not start with an imperative"):
        _word_pairs(["bitte sicher"], grammar().imperatives)


def test_broken_grammar_data_is_refused_when_the_linter_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not on the first story, as an internal error of that story: one configuration error
    naming the pack, before anything is linted."""
    from storylint import analysis, engine, rulepack
    from storylint.engine import Linter
    from storylint.errors import ConfigError

    copy = _pack_copy(tmp_path)
    grammar_toml = copy / "grammar.toml"
    grammar_toml.write_text(grammar_toml.read_text("utf-8").replace('"make sure",', '"make",', 1), "utf-8")
    monkeypatch.setenv("STORYLINT_NO_CACHE", "1")
    monkeypatch.setattr(rulepack, "rules_dir", lambda: copy)
    monkeypatch.setattr(engine, "rules_dir", lambda: copy)
    rulepack._bundled.cache_clear()
    analysis.grammar.cache_clear()
    try:
        with pytest.raises(ConfigError, match="'make' is not two words") as err:
            Linter()
        assert str(copy) in str(err.value)
    finally:
        rulepack._bundled.cache_clear()
        analysis.grammar.cache_clear()
