"""`storylint explain` is `storylint rule` under the name users of other linters type (`ruff
rule`, sqlfluff's and vale's rule docs): the same options, the same output and exit codes.
Before, `storylint explain DM01` was "No such command 'explain'".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storylint", *args], capture_output=True, check=False, text=True,
                          cwd=cwd, timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [("DM01",), ("dm01",), ("TC01", "--format", "json"), ("AC01", "--format", "markdown"), ("--all",)],
    ids=["text", "lower-case", "json", "markdown", "all"],
)
def test_explain_prints_what_rule_prints(tmp_path: Path, args: tuple[str, ...]) -> None:
    explained, ruled = run(tmp_path, "explain", *args), run(tmp_path, "rule", *args)
    assert explained.returncode == ruled.returncode == 0, explained.stderr
    assert explained.stdout == ruled.stdout and explained.stdout
    assert explained.stderr == ""


def test_an_unknown_code_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    res = run(tmp_path, "explain", "XX99")
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr == "Error: unknown rule code 'XX99'\n"
    res = run(tmp_path, "explain", "DM9")  # a code of a known family names the family's rules
    assert res.returncode == 2 and res.stderr.startswith("Error: unknown rule code 'DM9' (rules in that family: DM01")
    assert len(res.stderr.splitlines()) == 1


def test_no_code_is_a_usage_error_that_names_explain(tmp_path: Path) -> None:
    res = run(tmp_path, "explain")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith("Usage: storylint explain [OPTIONS] [CODE]\n")
    assert res.stderr.endswith("Error: give a rule CODE, --all or --test\n")
    res = run(tmp_path, "explain", "DM01", "--test", "--format", "markdown")
    assert res.returncode == 2 and res.stderr.endswith("Error: --test prints text or json\n")


def test_help_lists_explain_as_an_alias_of_rule(tmp_path: Path) -> None:
    res = run(tmp_path, "--help")
    assert res.returncode == 0
    (line,) = [line for line in res.stdout.splitlines() if line.split()[:1] == ["explain"]]
    assert line.split(None, 1)[1] == "Alias of rule."
    assert any(line.split()[:1] == ["rule"] for line in res.stdout.splitlines())
    res = run(tmp_path, "explain", "--help")
    assert res.returncode == 0 and res.stdout.startswith("Usage: storylint explain [OPTIONS] [CODE]\n")
    assert "Alias of `storylint rule`" in res.stdout
    for option in ("--all", "--test", "--format", "--config"):
        assert option in res.stdout


def test_explain_runs_a_rules_cases(tmp_path: Path) -> None:
    explained, ruled = run(tmp_path, "explain", "UI02", "--test"), run(tmp_path, "rule", "UI02", "--test")
    assert explained.returncode == ruled.returncode == 0, explained.stdout
    assert explained.stdout == ruled.stdout and "passed, 0 failed" in explained.stdout
