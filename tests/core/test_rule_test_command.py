"""`storylint rule --test`: a team's own rules run their cases by the harness the bundled
rules use, in a real subprocess, with the documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RULE = """code = "ACME01"
name = "in-house-framework"
category = "technology"
message = "\u201c{term}\u201d is our in-house framework."
[docs]
what = "Zorblax named as the way to build it."
[detect]
kind = "terms"
terms = ["zorblax"]
context = "directive"
"""

CASES = """[[case]]
id = "ordered"
result = "fail"
title = "Rewrite the importer with Zorblax"
excerpt = "Zorblax"

[[case]]
id = "user_mentions_it"
result = "pass"
title = "As an analyst I want my Zorblax reports in the export"
"""


def _project(tmp_path: Path, cases: str = CASES) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "storylint.toml").write_text('extend-rules = ["team-rules"]\n', encoding="utf-8")
    folder = tmp_path / "team-rules"
    folder.mkdir()
    (folder / "ACME01.toml").write_text(RULE, encoding="utf-8")
    (folder / "ACME01.cases.toml").write_text(cases, encoding="utf-8")
    return tmp_path


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", "rule", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def test_team_rule_cases_pass(tmp_path: Path) -> None:
    res = run(_project(tmp_path), "ACME01", "--test")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == "2 cases of 1 rule: 2 passed, 0 failed"


def test_failing_case_is_named_with_its_file_and_exits_one(tmp_path: Path) -> None:
    wrong = CASES.replace('result = "pass"', 'result = "fail"')  # the user's want is no finding
    res = run(_project(tmp_path, wrong), "ACME01", "--test")
    assert res.returncode == 1
    first = res.stdout.splitlines()[0]
    assert first.startswith(str(tmp_path / "team-rules" / "ACME01.cases.toml"))
    assert "ACME01 fail case 'user_mentions_it': expected a finding, got none" in first
    assert res.stdout.splitlines()[-1] == "2 cases of 1 rule: 1 passed, 1 failed"


def test_json_verdicts(tmp_path: Path) -> None:
    res = run(_project(tmp_path), "ACME01", "--test", "--format", "json")
    assert res.returncode == 0
    data = json.loads(res.stdout)
    assert {(v["case"], v["passed"]) for v in data["cases"]} == {("ordered", True), ("user_mentions_it", True)}
    assert data["problems"] == [] and data["rules_without_cases"] == []


def test_select_cannot_leave_the_rule_out(tmp_path: Path) -> None:
    # a "pass" case that enabled only another rule used to pass without running its own
    leaky = CASES.replace('title = "As an analyst', 'select = ["DM01"]\ntitle = "Rewrite the importer with Zorblax"\n#')
    res = run(_project(tmp_path, leaky), "ACME01", "--test")
    assert res.returncode == 1
    assert "ACME01 pass case 'user_mentions_it': expected no finding" in res.stdout


def test_excerpt_that_no_finding_holds_fails(tmp_path: Path) -> None:
    res = run(_project(tmp_path, CASES.replace('excerpt = "Zorblax"', 'excerpt = "Quux"')), "ACME01", "--test")
    assert res.returncode == 1
    assert "no finding's excerpt holds 'Quux'" in res.stdout


def test_malformed_cases_file_is_one_error_line_exit_two(tmp_path: Path) -> None:
    res = run(_project(tmp_path, CASES.replace('result = "pass"', 'result = "maybe"')), "--test")
    assert res.returncode == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ACME01.cases.toml: case[2]" in lines[0] and 'result must be "fail" or "pass"' in lines[0]


def test_misspelt_case_tables_are_an_error_not_zero_cases_passed(tmp_path: Path) -> None:
    """"[[cases]]" for "[[case]]" read as a file of no cases: '0 passed, 0 failed', exit 0."""
    res = run(_project(tmp_path, CASES.replace("[[case]]", "[[cases]]")), "ACME01", "--test")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().endswith("ACME01.cases.toml: unknown table 'cases' (cases are [[case]] tables)")


def test_every_rule_with_the_team_rules(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    alone = json.loads(run(bundled, "--test", "--format", "json").stdout)["cases"]
    project = tmp_path / "project"
    project.mkdir()
    res = run(_project(project), "--test", "--format", "json")
    assert res.returncode == 0, res.stdout
    cases = json.loads(res.stdout)["cases"]
    assert len(cases) == len(alone) + 2  # the bundled rules' cases and the team's two
    assert {c["case"] for c in cases if c["rule"] == "ACME01"} == {"ordered", "user_mentions_it"}


def test_cases_file_of_no_rule_and_rule_without_cases_fail(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "team-rules" / "ACME01.cases.toml").rename(project / "team-rules" / "ACME02.cases.toml")
    res = run(project, "--test")
    assert res.returncode == 1
    assert "ACME02.cases.toml: names no rule beside it" in res.stdout
    assert res.stdout.splitlines()[-1].endswith("; no cases for ACME01")
    res = run(project, "ACME01", "--test")
    assert res.returncode == 1
    assert "ACME01: no cases (ACME01.cases.toml beside the rule file)" in res.stdout


def test_team_cases_for_a_bundled_rule_are_not_silently_left_out(tmp_path: Path) -> None:
    # TC01 runs the cases beside its own rule file: a team's TC01.cases.toml never ran, and a
    # case in it that fails passed the run
    project = _project(tmp_path)
    (project / "team-rules" / "TC01.cases.toml").write_text('[[case]]\nid = "x"\nresult = "fail"\ntitle = "A nice page"\n')
    res = run(project, "--test")
    assert res.returncode == 1
    assert f"{project / 'team-rules' / 'TC01.cases.toml'}: names no rule beside it" in res.stdout


def test_wrong_types_are_one_error_line_naming_the_case(tmp_path: Path) -> None:
    res = run(_project(tmp_path, CASES.replace('excerpt = "Zorblax"', "excerpt = 5")), "--test")
    assert res.returncode == 2
    assert res.stderr.strip().endswith("ACME01.cases.toml: case[1]: excerpt must be a string")
    res = run(_project(tmp_path / "dup", CASES.replace('id = "user_mentions_it"', 'id = "ordered"')), "--test")
    assert res.returncode == 2 and "case[2]: duplicate id 'ordered'" in res.stderr
    bad_config = CASES.replace('title = "As an analyst', 'config = { nonsense = 1 }\ntitle = "As an analyst')
    res = run(_project(tmp_path / "cfg", bad_config), "--test")
    assert res.returncode == 2
    assert "ACME01.cases.toml: case[2]: nonsense: unknown key" in res.stderr


def test_bundled_rule_is_explained_when_team_rules_do_not_load(tmp_path: Path) -> None:
    (tmp_path / "storylint.toml").write_text('extend-rules = ["missing"]\n', encoding="utf-8")
    res = run(tmp_path, "TC01")
    assert res.returncode == 0
    assert res.stdout.startswith("TC01 ")
    assert "your own rules are left out" in res.stderr and "missing" in res.stderr
    assert run(tmp_path, "--test").returncode == 2  # testing them needs them


def test_team_rule_is_explained(tmp_path: Path) -> None:
    res = run(_project(tmp_path), "ACME01")
    assert res.returncode == 0
    assert res.stdout.startswith("ACME01 in-house-framework  [technology, warning]")
    assert "Zorblax named as the way to build it." in res.stdout


def test_writing_rules_names_every_body_format_a_case_takes(tmp_path: Path) -> None:
    """docs/writing-rules.md lists the `body_format` values a case may give: each is taken by
    `rule --test`, and none the harness takes is missing from the list."""
    import re

    from storylint.model import BodyFormat

    doc = (Path(__file__).resolve().parents[2] / "docs" / "writing-rules.md").read_text()
    [listed] = re.findall(r"`body_format` \(([^)]*)\)", doc)
    names = re.findall(r"`(\w+)`", listed)
    assert sorted(names) == sorted(f.value for f in BodyFormat)
    folder = tmp_path / "team-rules"
    folder.mkdir()
    (folder / "ACME01.toml").write_text(RULE)
    cases = "".join(
        f'[[case]]\nid = "{name}"\nresult = "fail"\ntitle = "Importer"\n'
        f'body = "Rewrite the importer with Zorblax."\nbody_format = "{name}"\n\n'
        for name in names if name != "adf"
    )
    (folder / "ACME01.cases.toml").write_text(cases)
    (tmp_path / "storylint.toml").write_text('extend-rules = ["team-rules"]\n')
    done = subprocess.run([sys.executable, "-m", "storylint", "rule", "ACME01", "--test"], check=False,
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(names) - 1} cases of 1 rule: {len(names) - 1} passed" in done.stdout
