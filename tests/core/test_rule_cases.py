"""Every rule's cases, collected from rules/**/<CODE>.cases.toml: one test id per case.

The same code runs a team's own cases (`storylint rule --test`, tests/core/test_rule_test_command.py).
"""

from __future__ import annotations

import pytest

from storylint.errors import ConfigError
from storylint.rulecases import Case, rule_cases, run_case
from storylint.rulepack import load_rulepack, rules_dir


def _cases() -> list[pytest.param]:
    pack = load_rulepack()
    cases = rule_cases(sorted(pack.rules.values(), key=lambda r: r.code))
    return [pytest.param(c, id=f"{c.code}_{c.result}_{c.id}") for c in cases]


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: Case) -> None:
    outcome = run_case(case)
    assert outcome.passed, f"{case.code} {case.result} {case.id}: {outcome.why}"
    for f in outcome.findings:  # positions point into the text
        text = case.title if f.field == "title" else case.body
        lines = text.split("\n")
        assert 1 <= f.line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1


def test_every_case_file_names_a_rule() -> None:
    codes = {p.stem for p in rules_dir().rglob("*.toml") if not p.name.endswith(".cases.toml")}
    for path in rules_dir().rglob("*.cases.toml"):
        assert path.name.split(".")[0] in codes, path


def test_cases_are_found_for_every_case_file() -> None:
    # a rule file and its cases pair by code: none is left out of the harness
    on_disk = sum(path.read_text("utf-8").count("[[case]]") for path in rules_dir().rglob("*.cases.toml"))
    assert len(_cases()) == on_disk


def test_a_cases_config_select_that_is_no_list_is_an_error_naming_the_case() -> None:
    # it was spread into letters: select = "TC" enabled the prefixes "T" and "C"
    case = Case(code="TC01", id="x", result="pass", title="Use Redis", select=("TC01",), config={"select": "CS"},
                path="TC01.cases.toml", number=3)  # fmt: skip
    with pytest.raises(ConfigError, match="^TC01.cases.toml: case\\[3\\]: select: Input should be a valid list"):
        run_case(case)
