"""Meta-tests on the rule pack: documentation, cases, codes, categories."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from storylint.errors import ConfigError
from storylint.model import CATEGORIES, HOW_CATEGORIES
from storylint.rulecases import load_cases
from storylint.rulepack import DOC_SECTIONS, load_rule_file, load_rulepack, rules_dir

PACK = load_rulepack()
FAMILY = {"data_model": "DM", "ui_spec": "UI", "code_structure": "CS", "api_contract": "AP", "technology": "TC",
          "implementation_steps": "IS", "missing_outcome": "MO", "missing_acceptance_criteria": "AC", "meta": "SL"}


@pytest.mark.parametrize("code", sorted(PACK.rules))
def test_rule_is_documented_and_has_cases(code: str) -> None:
    rule = PACK.rules[code]
    assert rule.category in CATEGORIES
    assert code.startswith(FAMILY[rule.category]), "one two-letter family per category"
    for section in DOC_SECTIONS:
        assert rule.docs.get(section, "").strip(), f"{code} lacks docs.{section}"
    assert rule.message.strip() and rule.suggestion.strip()
    assert rule.cases_path, f"{code} has no cases file"
    cases = tomllib.loads(Path(rule.cases_path).read_text("utf-8"))["case"]
    assert any(c["result"] == "fail" for c in cases), f"{code} has no failing case"
    assert any(c["result"] == "pass" for c in cases), f"{code} has no hard negative"


def test_every_how_category_has_rules() -> None:
    for category in HOW_CATEGORIES:
        assert any(r.category == category and r.status == "stable" for r in PACK.rules.values()), category


def test_bad_rule_file_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "XX01.toml"
    bad.write_text('code = "XX01"\nname = "x"\ncategory = "nonsense"\nmessage = "m"\n[detect]\nkind = "terms"\nterms = ["a"]\n')
    with pytest.raises(ConfigError) as err:
        load_rule_file(bad)
    assert "XX01.toml" in str(err.value.message) and "category" in str(err.value.message)


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ('suggestion = ["x"]', "suggestion", "must be a str"),  # was: a traceback for every story it flagged
        ("summary = 5", "summary", "must be a str"),  # was: a number as SARIF's shortDescription text
        ("aliases = [1]", "aliases", "must be a rule code"),  # was: an internal error naming nothing
        ('aliases = "ACME9"', "aliases", "must be a list"),  # was: the aliases A, C, M, E and 9
        ('aliases = ["old rule"]', "aliases", "must be a rule code"),
    ],
)
def test_optional_rule_keys_of_the_wrong_type_name_file_and_key(tmp_path: Path, line: str, key: str, message: str) -> None:
    bad = tmp_path / "ACME01.toml"
    bad.write_text(f'code = "ACME01"\nname = "x"\ncategory = "technology"\nmessage = "m"\n{line}\n'
                   '[detect]\nkind = "terms"\nterms = ["zorblax"]\n')  # fmt: skip
    with pytest.raises(ConfigError) as err:
        load_rule_file(bad)
    assert err.value.message.startswith(f"{bad}: {key}: ") and message in err.value.message


def test_a_team_rule_of_the_engines_own_kind_is_refused(tmp_path: Path) -> None:
    # it loaded, and never found anything: the engine makes those findings for SL01 and SL02 only
    bad = tmp_path / "ACME01.toml"
    bad.write_text('code = "ACME01"\nname = "x"\ncategory = "technology"\nmessage = "m"\n[detect]\nkind = "engine"\n')
    with pytest.raises(ConfigError) as err:
        load_rule_file(bad)
    assert err.value.message.startswith(f"{bad}: detect.kind: unknown check kind 'engine' (known: ")
    assert "engine" not in err.value.message.split("known: ")[1]
    assert load_rulepack().rules["SL01"].check.kind == "engine"  # the bundled ones still load


def test_a_byte_order_mark_is_read_past_in_rule_and_cases_files(tmp_path: Path) -> None:
    # Windows editors save one; it was "invalid TOML: Invalid statement (at line 1, column 1)"
    bom = "\ufeff"
    rule = tmp_path / "ACME01.toml"
    rule.write_text(f'{bom}code = "ACME01"\nname = "x"\ncategory = "technology"\nmessage = "m"\n'
                    '[detect]\nkind = "terms"\nterms = ["zorblax"]\n', encoding="utf-8")  # fmt: skip
    assert load_rule_file(rule).code == "ACME01"
    cases = tmp_path / "ACME01.cases.toml"
    cases.write_text(f'{bom}[[case]]\nid = "a"\nresult = "fail"\ntitle = "Use zorblax"\n', encoding="utf-8")
    assert [c.id for c in load_cases(cases, "ACME01")] == ["a"]


def test_user_rule_folder_extends_the_pack(tmp_path: Path) -> None:
    (tmp_path / "ACME01.toml").write_text(
        'code = "ACME01"\nname = "acme-framework"\ncategory = "technology"\nmessage = "{term} is our in-house framework"\n'
        '[detect]\nkind = "terms"\nterms = ["zorblax"]\ncontext = "any"\n'
    )
    pack = load_rulepack([tmp_path])
    assert "ACME01" in pack.rules and "DM01" in pack.rules


def test_duplicate_code_is_refused(tmp_path: Path) -> None:
    (tmp_path / "DM01.toml").write_text((rules_dir() / "data_model" / "DM01.toml").read_text())
    with pytest.raises(ConfigError, match="already used"):
        load_rulepack([tmp_path])


def test_committed_rule_docs_are_current() -> None:
    """docs/rules.md is generated from rule metadata; regenerate it after changing a rule."""
    from click.testing import CliRunner

    from storylint.commands.rule import rule

    root = Path(__file__).resolve().parents[2]
    generated = CliRunner().invoke(rule, ["--all", "--format", "markdown"]).output
    committed = (root / "docs" / "rules.md").read_text("utf-8")
    assert generated == committed, "run: storylint rule --all --format markdown > docs/rules.md"
