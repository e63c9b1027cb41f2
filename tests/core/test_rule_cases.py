"""Every rule's cases, collected from rules/**/<CODE>.cases.toml: one test id per case."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from storylint.config import config_from_dict
from storylint.engine import Linter
from storylint.model import Story
from storylint.rulepack import rules_dir


def _cases() -> list[pytest.param]:
    params = []
    for path in sorted(rules_dir().rglob("*.cases.toml")):
        code = path.name.split(".")[0]
        for case in tomllib.loads(path.read_text("utf-8"))["case"]:
            params.append(pytest.param(code, case, id=f"{code}_{case['result']}_{case['id']}"))
    return params


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict) -> None:
    # a case pins what the rule detects, not what calibration makes of it: every finding counts
    settings = {"select": case.get("select", [code]), "min-confidence": 0.0, **case.get("config", {})}
    config = config_from_dict(settings, source=f"{code} case")
    linter = Linter(config)
    story = Story(id="case", title=case["title"], body=case.get("body", ""), body_format=case.get("body_format", "markdown"))
    findings = [f for f in linter.lint(story).findings if f.rule == code]
    if case["result"] == "fail":
        assert findings, f"{code} should flag: {case['title']!r}"
        if "excerpt" in case:
            assert any(case["excerpt"] in f.excerpt for f in findings), [f.excerpt for f in findings]
        for f in findings:
            text = story.title if f.field == "title" else story.body
            lines = text.split("\n")
            assert 1 <= f.line <= len(lines)
            assert 1 <= f.column <= len(lines[f.line - 1]) + 1
    else:
        assert not findings, f"{code} should not flag {case['title']!r}: {[f.excerpt for f in findings]}"


def test_every_case_file_names_a_rule() -> None:
    codes = {p.stem for p in rules_dir().rglob("*.toml") if not p.name.endswith(".cases.toml")}
    for path in rules_dir().rglob("*.cases.toml"):
        assert path.name.split(".")[0] in codes, path
