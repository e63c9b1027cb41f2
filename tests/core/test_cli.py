"""The CLI contract, end to end in a real subprocess: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HOW = {"id": "S-1", "title": "Add a `status` column to the `orders` table", "body": "Cache it in Redis."}
CLEAN = {
    "id": "S-2",
    "title": "As a shopper I want to see my order status so that I know when it arrives",
    "body": "## Acceptance criteria\n- Shoppers can see whether each order is paid or shipped\n- Status changes show within a minute",
}


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args], input=stdin, capture_output=True, check=False, text=True, cwd=cwd, timeout=60
    )


def write_jsonl(path: Path, *rows: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_clean_story_exits_zero(tmp_path: Path) -> None:
    res = run("check", str(write_jsonl(tmp_path / "s.jsonl", CLEAN)), cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Checked 1 story, 0 findings" in res.stdout
    assert res.stderr == ""


def test_findings_exit_one_and_json_contract(tmp_path: Path) -> None:
    res = run("check", str(write_jsonl(tmp_path / "s.jsonl", HOW, CLEAN)), "--format", "json", cwd=tmp_path)
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert {"version", "summary", "findings", "skipped", "errors"} <= set(data)
    assert {"stories_checked", "stories_skipped", "stories_with_findings", "findings", "by_category"} <= set(data["summary"])
    assert data["summary"]["stories_checked"] == 2 and data["summary"]["stories_with_findings"] == 1
    finding = data["findings"][0]
    assert {"story", "rule", "category", "severity", "message", "line", "column", "excerpt", "suggestion", "url"} <= set(finding)
    assert {f["story"] for f in data["findings"]} == {"S-1"}
    assert data["summary"]["findings"] == len(data["findings"])


def test_fail_on_threshold(tmp_path: Path) -> None:
    path = str(write_jsonl(tmp_path / "s.jsonl", HOW))
    assert run("check", path, "--fail-on", "never", cwd=tmp_path).returncode == 0
    assert run("check", path, "--fail-on", "error", cwd=tmp_path).returncode == 0
    assert run("check", path, "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_bad_lines_are_reported_and_good_stories_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(
        json.dumps(HOW).encode() + b"\n{not json\n" + b'{"id": "S-3", "title": "\xff\xfe"}\n'
        + json.dumps({"id": "S-4"}).encode() + b"\n" + json.dumps({"id": 5, "title": ["x"]}).encode() + b"\n"
        + json.dumps(CLEAN).encode() + b"\n"
    )  # fmt: skip
    res = run("check", str(path), "--format", "json", cwd=tmp_path)
    assert res.returncode == 2
    data = json.loads(res.stdout)
    assert data["summary"]["stories_checked"] == 2
    lines = sorted(e["line"] for e in data["errors"])
    assert lines == [2, 3, 4, 5]
    err_lines = res.stderr.strip().splitlines()
    assert len(err_lines) == 4 and all(line.startswith(f"Error: {path}:") for line in err_lines)
    assert "Traceback" not in res.stderr
    assert "invalid UTF-8" in res.stderr and "title" in res.stderr


def test_stdin_and_json_array(tmp_path: Path) -> None:
    res = run("check", "-", "--format", "json", stdin=json.dumps([HOW, CLEAN]), cwd=tmp_path)
    assert json.loads(res.stdout)["summary"]["stories_checked"] == 2


def test_truncated_array_keeps_whole_items(tmp_path: Path) -> None:
    text = json.dumps([HOW, CLEAN])[:-30]
    (tmp_path / "a.json").write_text(text)
    res = run("check", str(tmp_path / "a.json"), "--format", "json", cwd=tmp_path)
    data = json.loads(res.stdout)
    assert res.returncode == 2 and data["summary"]["stories_checked"] == 1 and len(data["errors"]) == 1


def test_markdown_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "orders.md").write_text("# Add a `status` column to the orders table\n\nUse Redis.\n")
    res = run("check", str(tmp_path / "stories"), "--format", "json", cwd=tmp_path)
    data = json.loads(res.stdout)
    assert data["findings"][0]["story"] == "orders"


def test_missing_file_and_empty_input(tmp_path: Path) -> None:
    res = run("check", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert res.returncode == 2 and "no such file" in res.stderr
    (tmp_path / "empty.jsonl").write_text("")
    res = run("check", str(tmp_path / "empty.jsonl"), cwd=tmp_path)
    assert res.returncode == 2 and "empty input" in res.stderr


def test_usage_error_exits_two(tmp_path: Path) -> None:
    res = run("check", "--format", "yaml", cwd=tmp_path)
    assert res.returncode == 2


def test_config_errors_name_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "storylint.toml").write_text("select = 3\n")
    res = run("check", "-", stdin=json.dumps(CLEAN), cwd=tmp_path)
    assert res.returncode == 2 and "storylint.toml" in res.stderr and "select" in res.stderr
    (tmp_path / "storylint.toml").write_text("select = [\n")
    res = run("check", "-", stdin=json.dumps(CLEAN), cwd=tmp_path)
    assert res.returncode == 2 and "storylint.toml" in res.stderr and "invalid TOML" in res.stderr
    (tmp_path / "storylint.toml").write_text('ignore = ["QQ42"]\n')
    res = run("check", "-", stdin=json.dumps(CLEAN), cwd=tmp_path)
    assert res.returncode == 2 and "QQ42" in res.stderr and "ignore" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("name", "toml", "key"),
    [
        ("pyproject.toml", "tool = 5\n", "tool"),  # was: "internal error: TypeError", found in a parent folder too
        ("pyproject.toml", 'tool = "storylint"\n', "tool"),  # was: "internal error: AttributeError"
        ("pyproject.toml", "[tool]\nstorylint = 5\n", "tool.storylint"),  # was: "(top level): Input should be ..."
        ("storylint.toml", "tool = 5\n", "tool"),  # was: "internal error: AttributeError"
    ],
)
def test_a_tool_key_that_is_no_table_names_file_and_key(tmp_path: Path, name: str, toml: str, key: str) -> None:
    (tmp_path / name).write_text(toml)
    (tmp_path / "sub").mkdir()
    res = run("check", "-", stdin=json.dumps(CLEAN), cwd=tmp_path / "sub")
    assert res.returncode == 2
    assert res.stderr == f"Error: {tmp_path / name}: {key}: must be a table\n"


def test_a_config_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Windows editors save one; it was "invalid TOML: Invalid statement (at line 1, column 1)"
    (tmp_path / "storylint.toml").write_bytes(b'\xef\xbb\xbfselect = ["MO"]\n')
    res = run("check", "-", "--format", "json", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"MO01"}
    (tmp_path / "storylint.toml").write_bytes(b'\xef\xbb\xbfselect = ["MO"]\n\xff\n')
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.endswith("storylint.toml: invalid TOML: not UTF-8 at byte 19 (line 2)\n")


def test_a_config_file_without_a_storylint_table_is_an_error_not_the_defaults(tmp_path: Path) -> None:
    # a misspelt table name was read as no setting at all: every rule ran at the defaults
    (tmp_path / "storylint.toml").write_text('[tool.storyline]\nselect = ["TC"]\n')
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == f"Error: {tmp_path / 'storylint.toml'}: no [tool.storylint] table (did you mean [tool.storyline]?)\n"
    (tmp_path / "storylint.toml").unlink()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.black]\nline-length = 80\n')
    res = run("check", "-", "--config", "other/pyproject.toml", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == "Error: other/pyproject.toml: no [tool.storylint] table (tables under [tool]: black)\n"
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path / "other")  # found, not named: passed over
    assert res.returncode == 1, res.stderr


def test_pyproject_config_is_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.storylint]\nignore = ["DM", "TC", "MO", "AC"]\n')
    res = run("check", "-", "--format", "json", stdin=json.dumps(HOW), cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(res.stdout)["findings"]}
    assert not any(r.startswith(("DM", "TC")) for r in rules)


def test_a_storylint_toml_with_tool_tables_keeps_its_top_level_keys(tmp_path: Path) -> None:
    """A storylint.toml may hold the [tool.storylint.vocabulary] table `vocabulary --write`
    exports beside its own keys, and other tools' tables: every storylint key counts."""
    (tmp_path / "storylint.toml").write_text(
        'ignore = ["DM", "TC", "AC"]\n\n[tool.storylint.vocabulary]\naccept = ["webhook"]\n\n'
        "[tool.black]\nline-length = 80\n"
    )
    res = run("check", "-", "--format", "json", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"MO01"}
    (tmp_path / "storylint.toml").write_text('select = ["NOPE"]\n[tool.black]\nline-length = 80\n')
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2 and "NOPE" in res.stderr  # no longer dropped unread
    # a file laid out as a pyproject.toml under another name: only [tool.storylint] is read
    shared = tmp_path / "shared.toml"
    shared.write_text('[project]\nname = "x"\n\n[tool.storylint]\nignore = ["DM", "TC", "AC"]\n')
    res = run("check", "-", "--format", "json", "--config", str(shared), stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"MO01"}
    (tmp_path / "storylint.toml").write_text('ignore = ["TC"]\n[tool.storylint]\nignore = ["DM"]\n')
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == f"Error: {tmp_path / 'storylint.toml'}: ignore: set both at the top level and under [tool.storylint]\n"


def _config_error(tmp_path: Path, toml: str) -> str:
    """The one error line `check` gives (exit 2) with `toml` as the folder's storylint.toml."""
    (tmp_path / "storylint.toml").write_text(toml)
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2, res.stdout
    return res.stderr


def test_a_rejected_term_under_an_unknown_category_is_an_error(tmp_path: Path) -> None:
    assert _config_error(tmp_path, '[vocabulary]\nreject = { tech = ["Oracle"] }\n') == (
        f"Error: {tmp_path / 'storylint.toml'}: vocabulary.reject: unknown category 'tech' (known: data_model, "
        "ui_spec, code_structure, api_contract, technology, implementation_steps)\n"
    )
    # a term no rule can match is the configuration's error, not a bundled rule file's
    assert _config_error(tmp_path, '[vocabulary]\nreject = { technology = ["("] }\n') == (
        f"Error: {tmp_path / 'storylint.toml'}: vocabulary.reject: technology: term '(' has no words\n"
    )


def test_a_term_both_accepted_and_rejected_is_an_error(tmp_path: Path) -> None:
    # it was rejected without a word; the team meant one of the two
    assert _config_error(tmp_path, '[vocabulary]\naccept = ["oracle"]\nreject = { technology = ["Oracle"] }\n') == (
        f"Error: {tmp_path / 'storylint.toml'}: vocabulary.reject: technology: term 'Oracle' is also in "
        "vocabulary.accept; keep it in one list\n"
    )
    (tmp_path / "storylint.toml").write_text('[vocabulary]\naccept = ["oracle db"]\nreject = { technology = ["Oracle"] }\n')
    res = run("check", "-", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 1, res.stderr


def test_min_confidence_must_be_a_finite_number(tmp_path: Path) -> None:
    # NaN passes a plain range check (it compares false with both bounds) and dropped nothing
    for value in ("nan", "-nan", "NaN"):
        res = run("check", "-", "--min-confidence", value, stdin=json.dumps(HOW), cwd=tmp_path)
        assert res.returncode == 2 and "is not a number" in res.stderr, (value, res.stderr)
    res = run("check", "-", "--min-confidence", "inf", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 2 and "is not in the range" in res.stderr
    res = run("check", "-", "--min-confidence", "0.5", "--format", "json", stdin=json.dumps(HOW), cwd=tmp_path)
    assert res.returncode == 1, res.stderr


def test_options_that_leave_no_rule_are_named_not_the_configuration(tmp_path: Path) -> None:
    # `--ignore ALL` said "configuration: select: enables no rule", naming neither option
    for args in (("--ignore", "ALL"), ("--ignore", "AC,AP,CS,DM,IS,MO,SL,TC,UI")):
        res = run("check", "-", *args, stdin=json.dumps(HOW), cwd=tmp_path)
        assert res.returncode == 2 and res.stdout == "", res.stderr
        assert res.stderr.endswith(
            "Error: --select, --ignore and --extend-select with the configuration enable no rule: every story would pass\n"
        )
    res = run("check", "-", "--select", "ZZ99", stdin=json.dumps(HOW), cwd=tmp_path)  # other errors stay as they were
    assert res.returncode == 2 and res.stderr == "Error: configuration: select: unknown rule code or prefix 'ZZ99'\n"


def test_an_empty_select_is_a_usage_error(tmp_path: Path) -> None:
    # `--select "$RULES"` with the variable unset used to lint with no rule at all and pass
    for value in ("", " , "):
        res = run("check", "-", "--select", value, stdin=json.dumps(HOW), cwd=tmp_path)
        assert res.returncode == 2 and "--select needs one or more rule codes" in res.stderr, res.stderr


def test_a_closed_stdout_is_one_error_line(tmp_path: Path) -> None:
    """`storylint check x >&-`: Python starts with no stdout at all; that is a clear error
    with exit 2, not 'internal error: AttributeError'."""
    import os

    stories = write_jsonl(tmp_path / "s.jsonl", HOW)
    proc = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories)], stderr=subprocess.PIPE,
                          preexec_fn=lambda: os.close(1), check=False, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2 and proc.stderr == "Error: standard output is closed\n"
    # a command that writes nothing there still runs: the report goes to its file
    result = tmp_path / "r.json"
    result.write_text(run("check", str(stories), "--format", "json").stdout, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "storylint", "report", str(result), "-o", str(tmp_path / "r.html")],
                          stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), check=False, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_select_on_command_line(tmp_path: Path) -> None:
    res = run("check", "-", "--format", "json", "--select", "TC01", stdin=json.dumps(HOW), cwd=tmp_path)
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"TC01"}


def test_sarif_is_valid_2_1_0(tmp_path: Path) -> None:
    res = run("check", "-", "--format", "sarif", stdin=json.dumps(HOW), cwd=tmp_path)
    sarif = json.loads(res.stdout)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    for result in run0["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["level"] in ("error", "warning", "note")
    # columns count characters: SARIF's default would be UTF-16 code units, one off after an emoji
    assert run0["columnKind"] == "unicodeCodePoints"
    emoji = {"id": "E-1", "title": "\U0001f680 Store the sessions in Redis"}
    res = run("check", "-", "--format", "sarif", stdin=json.dumps(emoji), cwd=tmp_path)
    regions = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"] for r in json.loads(res.stdout)["runs"][0]["results"]}
    assert regions["TC01"]["startColumn"] == len("\U0001f680 Store the sessions in ") + 1


def test_sarif_results_of_one_sentence_have_their_own_fingerprints(tmp_path: Path) -> None:
    # code scanning takes results with the same fingerprints for one alert: Redis was lost
    story = {"id": "V-1", "title": "Votes", "body": "We must push vote updates over Socket.IO and keep the counters in Redis."}
    res = run("check", "-", "--format", "sarif", "--select", "TC01", stdin=json.dumps(story), cwd=tmp_path)
    results = json.loads(res.stdout)["runs"][0]["results"]
    columns = [r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in results]
    assert columns == [story["body"].index("Socket.IO") + 1, story["body"].index("Redis") + 1]
    fingerprints = [r["partialFingerprints"]["storylint/v1"] for r in results]
    assert fingerprints == [f"V-1:TC01:{story['body']}", f"V-1:TC01:{story['body']}:2"]  # the first as before


def test_suppression_findings_end_where_the_directive_ends(tmp_path: Path) -> None:
    # the end was the start plus the excerpt's length, whose blanks are folded: short of a
    # directive aligned with tabs, past the line's end for a long reason
    line = "\t- storylint-disable   DM01\t\t--  the   brand   guide fixes it"
    story = {"id": "SL-1", "title": "Votes", "body": f"Text here.\n{line}  \nMore.\n<!-- storylint-disable UI -- {'why ' * 50}-->"}
    res = run("check", "-", "--format", "json", "--select", "SL01,DM,UI", stdin=json.dumps(story), cwd=tmp_path)
    found = {f["excerpt"][:20]: f for f in json.loads(res.stdout)["findings"] if f["rule"] == "SL01"}
    aligned, long = found["storylint-disable DM"], found["storylint-disable UI"]
    assert (aligned["line"], aligned["column"], aligned["end_line"], aligned["end_column"]) == (2, 4, 2, len(line) + 1)
    last = story["body"].split("\n")[-1]
    assert (long["line"], long["column"], long["end_line"]) == (4, 6, 4)
    assert long["end_column"] == len(last) - len(" -->") + 1 and len(long["excerpt"]) == 160
    assert long["excerpt"].endswith("why\u2026")  # cut, and marked so as every clipped excerpt is


def test_github_format_escapes_workflow_commands(tmp_path: Path) -> None:
    story = {"id": "X", "title": "Use Redis\n::add-mask::secret", "body": "Use Redis.\n::stop-commands::x"}
    res = run("check", "-", "--format", "github", stdin=json.dumps(story), cwd=tmp_path)
    lines = res.stdout.splitlines()
    assert len(lines) >= 2
    for line in lines:
        # a runner only reads a command at the start of a line: every line must be ours
        assert line.startswith(("::warning ", "::error ", "::notice "))
        assert not line.startswith(("::add-mask::", "::stop-commands::"))


def test_markdown_format_neutralises_html_and_mentions(tmp_path: Path) -> None:
    story = {"id": "X", "title": "Use <script>alert(1)</script> Redis @org/team", "body": "We should use Redis @everyone <b>x</b>."}
    res = run("check", "-", "--format", "markdown", stdin=json.dumps(story), cwd=tmp_path)
    import re

    # story text only ever appears as literal text: escaped, or inside a code span
    outside_code = re.sub(r"(`+)[^`].*?\1", "", res.stdout)
    assert "<script>" not in outside_code and "<b>" not in outside_code
    assert "&lt;script&gt;" in res.stdout or "<script>" in res.stdout
    assert "@everyone" not in res.stdout and "@org/team" not in res.stdout


def test_statistics(tmp_path: Path) -> None:
    res = run("check", "-", "--statistics", stdin=json.dumps(HOW), cwd=tmp_path)
    assert "TC01" in res.stdout and "technology-choice" in res.stdout


def test_rule_explain_and_version(tmp_path: Path) -> None:
    res = run("rule", "DM01", cwd=tmp_path)
    assert res.returncode == 0
    for heading in ("What it flags", "Why it matters", "Example", "Better"):
        assert heading in res.stdout
    res = run("rule", "--all", "--format", "json", cwd=tmp_path)
    assert len(json.loads(res.stdout)) >= 15
    assert run("rule", "XX99", cwd=tmp_path).returncode == 2
    assert run("--version", cwd=tmp_path).stdout.startswith("storylint, version")


def test_store_records_runs(tmp_path: Path) -> None:
    path = str(write_jsonl(tmp_path / "s.jsonl", HOW, CLEAN))
    db = tmp_path / "history.db"
    for _ in range(2):
        run("check", path, "--store", str(db), cwd=tmp_path)
    from storylint.store import open_store

    store = open_store(str(db))
    runs = store.runs()
    assert [r.status for r in runs] == ["ok", "ok"] and runs[-1].stories_checked == 2
    assert runs[-1].totals["stories"] == 2 and runs[-1].totals["with_findings"] == 1
    assert {f["story"] for f in store.current_findings()} == {"S-1"}
    store.close()


def test_jira_and_github_exports(tmp_path: Path) -> None:
    jira = {"issues": [{"id": "1", "key": "PRJ-1", "self": "https://jira.example.com/rest/api/2/issue/1",
                        "fields": {"summary": "Refactor the billing module", "description": "h2. Notes\n{code:sql}SELECT id FROM orders{code}",
                                   "issuetype": {"name": "Story"}, "labels": [], "reporter": {"name": "pm"}}}]}  # fmt: skip
    res = run("check", "-", "--format", "json", stdin=json.dumps(jira), cwd=tmp_path)
    data = json.loads(res.stdout)
    assert data["findings"][0]["story"] == "PRJ-1"
    assert data["findings"][0]["url"] == "https://jira.example.com/browse/PRJ-1"
    gh = [{"id": 10, "number": 7, "title": "Refactor the billing module", "body": None, "user": {"login": "pm", "id": 1, "type": "User"},
           "html_url": "https://github.com/o/r/issues/7", "repository_url": "https://api.github.com/repos/o/r", "labels": []},
          {"id": 11, "number": 8, "title": "PR", "body": "", "user": {"login": "x", "id": 2, "type": "User"},
           "html_url": "https://github.com/o/r/pull/8", "repository_url": "https://api.github.com/repos/o/r", "labels": [], "pull_request": {}}]  # fmt: skip
    res = run("check", "-", "--format", "json", stdin=json.dumps(gh), cwd=tmp_path)
    data = json.loads(res.stdout)
    assert {f["story"] for f in data["findings"]} == {"o/r#7"}


@pytest.mark.parametrize("example", ["examples/stories.jsonl"])
def test_bundled_examples_cover_every_category(example: str) -> None:
    root = Path(__file__).resolve().parents[2]
    res = run("check", str(root / example), "--format", "json", cwd=root)
    data = json.loads(res.stdout)
    found = set(data["summary"]["by_category"])
    assert {"data_model", "ui_spec", "code_structure", "api_contract", "technology", "implementation_steps"} <= found
    clean = {json.loads(line)["id"] for line in (root / example).read_text().splitlines() if "-clean-" in line}
    flagged_how = {f["story"] for f in data["findings"] if f["category"] not in ("missing_outcome", "missing_acceptance_criteria")}
    assert clean and not clean & flagged_how


def test_binary_file_directory_and_wrong_types(tmp_path: Path) -> None:
    (tmp_path / "blob.jsonl").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "dir.jsonl").mkdir()
    write_jsonl(tmp_path / "types.jsonl", {"id": "T-1", "title": "ok", "labels": 5}, {"id": "T-2", "title": {"x": 1}},
                {"id": True, "title": "x"}, HOW)  # fmt: skip
    res = run("check", str(tmp_path / "blob.jsonl"), str(tmp_path / "dir.jsonl"), str(tmp_path / "types.jsonl"),
              "--format", "json", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 2
    data = json.loads(res.stdout)
    assert data["summary"]["stories_checked"] == 1  # HOW still checked
    messages = res.stderr.strip().splitlines()
    assert any("blob.jsonl" in m and "binary" in m for m in messages)
    assert any("dir.jsonl" in m and "directory" in m for m in messages)
    assert sum("types.jsonl:" in m for m in messages) == 3
    assert all(m.startswith("Error: ") for m in messages) and "Traceback" not in res.stderr


def test_a_document_written_an_issue_a_line_is_one_document(tmp_path: Path) -> None:
    """A search response with its first line '{"total":1,"issues":[' and an issue on the next
    line is one JSON document, not JSON Lines with bad lines."""
    issue = {"id": "1", "key": "PRJ-1", "fields": {"summary": "Sessions", "description": "We should store sessions in Redis."}}
    path = tmp_path / "search.json"
    path.write_text('{"total": 1, "issues": [\n' + json.dumps(issue) + "\n]}\n", encoding="utf-8")
    res = run("check", str(path), "--format", "json", "--fail-on", "never", cwd=tmp_path)
    data = json.loads(res.stdout)
    assert res.returncode == 0 and res.stderr == "" and data["errors"] == []
    assert data["summary"]["stories_checked"] == 1 and {f["story"] for f in data["findings"]} == {"PRJ-1"}


def test_gitlab_issues_list(tmp_path: Path) -> None:
    """A GitLab REST issues list (`GET /projects/:id/issues`) is read with its description as
    the body and `group/project#iid` as the key; merge requests in it are skipped."""
    author = {"id": 7, "username": "pm", "name": "Pat Manager", "state": "active", "web_url": "https://gitlab.example.com/pm"}
    items = [{"id": 501, "iid": 6, "project_id": 42, "title": "Faster session restore",
              "description": "We should store the sessions in Redis.", "state": "opened", "labels": ["feature"],
              "author": author, "issue_type": "issue", "web_url": "https://gitlab.example.com/shop/web/-/issues/6",
              "references": {"short": "#6", "relative": "#6", "full": "shop/web#6"}},
             # an older GitLab: no `references`; the project's path comes from the address
             {"id": 502, "iid": 7, "project_id": 42, "title": "Quicker checkout", "description": None,
              "state": "opened", "labels": [], "author": author, "web_url": "https://gitlab.example.com/shop/web/issues/7"},
             {"id": 900, "iid": 3, "project_id": 42, "title": "Bump deps", "description": "Use Redis.",
              "source_branch": "bump", "merge_status": "can_be_merged", "author": author,
              "web_url": "https://gitlab.example.com/shop/web/-/merge_requests/3"}]  # fmt: skip
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    res = run("check", str(path), "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert res.returncode == 0 and res.stderr == ""
    data = json.loads(res.stdout)
    assert data["errors"] == [] and data["summary"]["stories_checked"] == 2
    body = [f for f in data["findings"] if f["field"] == "body"]
    assert body and {f["story"] for f in body} == {"shop/web#6"}  # the description was read
    assert {f["rule"] for f in body} >= {"TC01"}
    assert {f["story"] for f in data["findings"]} == {"shop/web#6", "shop/web#7"}
    first = next(f for f in data["findings"] if f["story"] == "shop/web#6")
    assert first["url"] == "https://gitlab.example.com/shop/web/-/issues/6" and first["author"] == "Pat Manager"


def test_gh_issue_list_json(tmp_path: Path) -> None:
    """`gh issue list --json number,title,body,url,author,labels`: the GitHub CLI's own shape
    (no id, `url` the web page) is read as GitHub issues; a pull request in it is skipped."""
    items = [{"author": {"id": "MDQ6", "is_bot": False, "login": "pm", "name": "Pat"},
              "body": "We should store the sessions in Redis.", "labels": [{"id": "L1", "name": "feature"}],
              "number": 12, "title": "Faster sessions", "url": "https://github.com/acme/shop/issues/12"},
             {"author": {"login": "dev"}, "body": "Use Redis.", "labels": [], "number": 13, "title": "Bump",
              "url": "https://github.com/acme/shop/pull/13"},
             # `--json id,...` adds the node id: the same shape
             {"id": "PR_kwDOA", "author": {"login": "dev"}, "body": "Use Redis.", "number": 14, "title": "Bump",
              "url": "https://github.com/acme/shop/pull/14"}]  # fmt: skip
    res = run("check", "-", "--format", "json", "--fail-on", "never", stdin=json.dumps(items), cwd=tmp_path)
    data = json.loads(res.stdout)
    assert res.returncode == 0 and data["errors"] == [] and data["summary"]["stories_checked"] == 1, res.stderr
    assert {(f["story"], f["author"]) for f in data["findings"]} == {("acme/shop#12", "Pat")}
    items[0]["id"] = "I_kwDOABC"
    res = run("check", "-", "--format", "json", "--fail-on", "never", stdin=json.dumps(items), cwd=tmp_path)
    data = json.loads(res.stdout)
    assert data["summary"]["stories_checked"] == 1 and {f["story"] for f in data["findings"]} == {"acme/shop#12"}
    assert any(f["rule"] == "TC01" and f["field"] == "body" for f in data["findings"])


def test_a_description_field_is_the_body(tmp_path: Path) -> None:
    stories = write_jsonl(tmp_path / "s.jsonl", {"id": "D-1", "title": "Faster session restore",
                                                  "description": "We should store the sessions in Redis."},
                          {"id": "D-2", "title": "Faster session restore", "body": "Restores within a second.",
                           "description": "We should store the sessions in Redis."})  # fmt: skip
    res = run("check", str(stories), "--format", "json", "--fail-on", "never", cwd=tmp_path)
    data = json.loads(res.stdout)
    body = {(f["story"], f["rule"]) for f in data["findings"] if f["field"] == "body"}
    assert ("D-1", "TC01") in body  # read as the body
    assert not any(story == "D-2" for story, _ in body)  # `body` wins where both are given


def test_pull_requests_in_an_issues_list_are_not_errors(tmp_path: Path) -> None:
    items = [{"id": 1, "number": 8, "title": "Bump deps", "body": "", "user": {"login": "x", "id": 2, "type": "User"},
              "html_url": "https://github.com/o/r/pull/8", "repository_url": "https://api.github.com/repos/o/r",
              "labels": [], "pull_request": {"url": "https://api.github.com/repos/o/r/pulls/8"}},
             {"id": 2, "number": 9, "title": "As a shopper I can see my orders so that I can track them", "body": "",
              "user": {"login": "pm", "id": 3, "type": "User"}, "html_url": "https://github.com/o/r/issues/9",
              "repository_url": "https://api.github.com/repos/o/r", "labels": []}]  # fmt: skip
    res = run("check", "-", "--format", "json", "--fail-on", "never", stdin=json.dumps(items), cwd=tmp_path)
    data = json.loads(res.stdout)
    assert res.returncode == 0 and data["errors"] == [] and data["summary"]["stories_checked"] == 1


# -- which configuration is in effect (issue 20) ---------------------------------------


def test_verbose_names_the_config_file_or_says_defaults(tmp_path: Path) -> None:
    stories = write_jsonl(tmp_path / "s.jsonl", CLEAN)
    res = run("-v", "check", str(stories), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "storylint: INFO: no configuration file found" in res.stderr and "using the defaults" in res.stderr
    (tmp_path / "storylint.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    res = run("-v", "check", str(stories), cwd=tmp_path)
    assert f"storylint: INFO: configuration: {(tmp_path / 'storylint.toml').resolve()}" in res.stderr.splitlines()
    res = run("check", str(stories), cwd=tmp_path)
    assert res.stderr == ""  # quiet without -v


@pytest.mark.parametrize(
    ("toml", "key", "hint"),
    [
        ('fial-on = "error"\n', "fial-on", "did you mean `fail-on`?"),
        ("min_confidense = 0.5\n", "min_confidense", "did you mean `min-confidence`?"),
        ("[roles]\nstory-type = []\n", "roles.story-type", "did you mean `story-types`"),
        ("[suppressions]\nlabell = 'x'\n", "suppressions.labell", "did you mean `label`?"),
        ("[vocabulary]\naccpet = []\n", "vocabulary.accpet", "did you mean `accept`?"),
        ("qqqq = 1\n", "qqqq", "known keys: select, "),
    ],
)
def test_misspelt_config_key_suggests_the_known_one(tmp_path: Path, toml: str, key: str, hint: str) -> None:
    (tmp_path / "storylint.toml").write_text(toml, encoding="utf-8")
    res = run("check", str(write_jsonl(tmp_path / "s.jsonl", CLEAN)), cwd=tmp_path)
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and f"storylint.toml: {key}: unknown key" in lines[0], lines
    assert hint in lines[0], lines


def test_check_without_paths_at_a_terminal_says_it_reads_stdin(tmp_path: Path) -> None:
    import os
    import pty

    primary, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "storylint", "check"], stdin=secondary, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=tmp_path,
        )  # fmt: skip
        os.close(secondary)
        os.write(primary, json.dumps(CLEAN).encode() + b"\n\x04")  # a story, then one Ctrl-D
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    finally:
        os.close(primary)
    assert err.decode().splitlines()[0] == "storylint: reading stories from stdin (Ctrl-D to end; see storylint check --help)"
    assert proc.returncode == 0 and b"Checked 1 story" in out
    res = run("check", stdin=json.dumps(CLEAN) + "\n", cwd=tmp_path)  # a pipe: no notice
    assert res.returncode == 0 and res.stderr == ""


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["rule", "A", "x\x1b]0;title\x07\n::add-mask::y"], "(x\\x1b]0;title\\x07\\n::add-mask::y)"),
        (["check", "--format", "\x1b[31mX"], "\\x1b[31mX"),  # a Choice echoes the value
        (["check", "--fail-on", "x\n::add-mask::y"], "x\\n::add-mask::y"),
        (["check", "--no-such\x1b]0;title\x07"], "--no-such\\x1b]0;title\\x07"),  # an unknown option
        (["--bogus\x9b2J"], "--bogus\\x9b2J"),  # the group's own options (a C1 CSI)
        (["jira", "--server", "x", "--jql", "y", "a\u2028::error::z"], "(a\\u2028::error::z)"),
    ],
)
def test_usage_errors_show_user_arguments_escaped(tmp_path: Path, args: list[str], shown: str) -> None:
    """click echoes a bad argument in its usage error; control characters in it must not reach
    the terminal (colours, title, bell) or start a line (a workflow command)."""
    r = run(*args, stdin="", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert not any(ch in r.stderr for ch in ("\x1b", "\x07", "\x9b", "\u2028")), repr(r.stderr)
    assert not any(line.startswith("::") for line in r.stderr.splitlines())
    (error,) = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert shown in error


def test_usage_error_at_a_terminal_shows_escape_sequences_escaped(tmp_path: Path) -> None:
    """At a terminal click passes colour codes through (it strips them only from pipes)."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "storylint", "rule", "A", "\x1b[31mRED\x1b[2J"],
                                stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=tmp_path)  # fmt: skip
        os.close(follower)
        follower = -1
        out = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=60) == 2
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    text = out.decode()
    assert "\x1b" not in text, repr(text)
    assert "Error: Got unexpected extra argument (\\x1b[31mRED\\x1b[2J)" in text


def test_markdown_story_on_stdin_with_stdin_filename(tmp_path: Path) -> None:
    story = "# Order history\n\nAdd a `status` column to the `orders` table.\n"
    res = run("check", "--stdin-filename", "orders.md", "--format", "json", "-", stdin=story, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    findings = json.loads(res.stdout)["findings"]
    assert {f["story"] for f in findings} == {"orders"}
    assert "DM01" in {f["rule"] for f in findings}
    # the name is also what messages call stdin: a JSON Lines stdin keeps its contract
    res = run("check", "--stdin-filename", "backlog.jsonl", "-", stdin="{not json}\n", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().startswith("Error: backlog.jsonl:1: invalid JSON")


def test_markdown_name_wins_over_json_sniffing(tmp_path: Path) -> None:
    story = "[Design doc](https://example.com) says: add a `status` column to the `orders` table.\n"
    res = run("check", "--stdin-filename", "design.md", "--format", "json", "-", stdin=story, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert "DM01" in {f["rule"] for f in json.loads(res.stdout)["findings"]}


@pytest.mark.parametrize("prose", ["As a shopper I want to see my orders\n", "- Add a status column\n", "1. Add a column\n"])
def test_prose_on_stdin_without_a_name_says_how(tmp_path: Path, prose: str) -> None:
    res = run("check", "-", stdin=prose + "more text\n", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout.startswith("Checked 0 stories")
    assert res.stderr.strip() == (
        "Error: <stdin>:1: not JSON or JSON Lines; for a Markdown story on stdin, give --stdin-filename NAME.md"
    )


def test_check_help_gives_the_configs_min_confidence_default() -> None:
    from storylint.config import Config

    out = " ".join(run("check", "--help").stdout.split())  # click wraps the help text
    assert f"[default: {Config().min_confidence}, or the config's]" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_report_cut_short_by_a_full_disk_is_an_error(tmp_path: Path, fmt: str) -> None:
    """`storylint check ... > report` on a disk that fills: CPython's buffered writer took the
    one large write of a text or SARIF report as done when only part of it was written, so
    the run exited 0 with half a report; JSON said "internal error: OSError". A file size
    limit stands in for the full disk (the same partial write, then an error)."""
    import os
    import resource

    from tests.stories import case_stories
    from tests.stories import write_jsonl as write_rows

    stories = write_rows(tmp_path / "s.jsonl", case_stories(copies=1))
    limit = 32 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    whole = run("check", str(stories), "--format", fmt, "--fail-on", "never", cwd=tmp_path)
    assert whole.returncode == 0 and len(whole.stdout.encode()) > 2 * limit
    out = tmp_path / f"report.{fmt}"
    with out.open("wb") as stdout:
        proc = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories), "--format", fmt,
                               "--fail-on", "never", "--jobs", "1"], stdout=stdout, stderr=subprocess.PIPE, cwd=tmp_path,
                              preexec_fn=small_files, check=False, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == f"Error: standard output: cannot write: {os.strerror(27)}\n"  # EFBIG
    assert out.stat().st_size == limit  # what fitted


def test_report_to_stdout_cut_short_is_an_error(tmp_path: Path) -> None:
    """`storylint report ... -o -` writes its text at once too: the same partial write."""
    import os
    import resource

    from tests.stories import case_stories
    from tests.stories import write_jsonl as write_rows

    stories = write_rows(tmp_path / "s.jsonl", case_stories(copies=1))
    result = tmp_path / "r.json"
    result.write_text(run("check", str(stories), "--format", "json", "--jobs", "1").stdout, encoding="utf-8")
    limit = 32 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with (tmp_path / "digest.csv").open("wb") as stdout:
        proc = subprocess.run([sys.executable, "-m", "storylint", "report", str(result), "-o", "-", "--format", "csv"],
                              stdout=stdout, stderr=subprocess.PIPE, cwd=tmp_path, preexec_fn=small_files,
                              check=False, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == f"Error: -o -: cannot write: {os.strerror(27)}\n"


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["check", "s.jsonl", "--fail-on", "never"], 0),
        (["check", "s.jsonl", "--format", "json", "--fail-on", "never", "--jobs", "2"], 0),
        (["check", "s.jsonl"], 1),  # findings at or above --fail-on: what the report said
        (["check", "s.jsonl", "missing.jsonl", "--fail-on", "never"], 2),  # and its errors still on stderr
        (["report", "r.json", "-o", "-", "--format", "csv"], 0),
    ],
)
def test_a_reader_that_stops_reading_ends_the_output_quietly(tmp_path: Path, args: list[str], status: int) -> None:
    """`storylint check big.jsonl --fail-on never | head -3`: click exited 1 on the broken
    pipe, which the contract reads as "findings". The run keeps its own status (report: 0),
    and says nothing about the pipe, as Ruff and ripgrep do."""
    from tests.stories import case_stories
    from tests.stories import write_jsonl as write_rows

    write_rows(tmp_path / "s.jsonl", case_stories(copies=2))
    (tmp_path / "r.json").write_text(run("check", "s.jsonl", "--format", "json", cwd=tmp_path).stdout, encoding="utf-8")
    with subprocess.Popen([sys.executable, "-m", "storylint", *args], cwd=tmp_path, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()  # the reader takes a line and leaves, long before the output ends
        proc.stdout.close()
        stderr = proc.stderr.read()
        assert proc.wait(timeout=60) == status, stderr
    expected = ["Error: missing.jsonl: no such file"] if "missing.jsonl" in args else []
    assert stderr.splitlines() == expected


def test_a_reader_of_both_outputs_that_stops_reading_keeps_the_error_status(tmp_path: Path) -> None:
    """`storylint check ... 2>&1 | head -1`: the errors went to the reader that had left,
    and that broken pipe on stderr ended the run with 0, as if nothing were wrong."""
    rows = [HOW] * 50 + ["{bad json"] * 2000
    write_jsonl(tmp_path / "s.jsonl", *rows)
    with subprocess.Popen([sys.executable, "-m", "storylint", "check", "s.jsonl"], cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:  # fmt: skip
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()
        assert proc.wait(timeout=60) == 2


@pytest.mark.parametrize(
    ("args", "gone", "status"),
    [
        (["--version"], "stdout", 0),
        (["--help"], "stdout", 0),
        (["chek", "s.jsonl"], "stderr", 2),  # a usage error: its lines went to the reader that left
        (["check", "--format", "bogus", "s.jsonl"], "stderr", 2),
    ],
)
def test_the_group_and_clicks_own_reports_to_a_reader_that_left(tmp_path: Path, args: list[str], gone: str, status: int) -> None:
    """What click writes itself, outside a command's run: the group's `--help` and
    `--version` to a stdout whose reader left exited 1 (click's own handling: "findings"),
    a usage error's message to such a stderr exited 1 after writing "Error: interrupted"
    into the same pipe. Now the status is the command line's own, as for a run's output."""
    write_jsonl(tmp_path / "s.jsonl", HOW)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left before anything is written
    try:
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, gone: write_end}
        proc = subprocess.run([sys.executable, "-m", "storylint", *args], cwd=tmp_path, timeout=60, check=False, **streams)
    finally:
        os.close(write_end)
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    assert not (proc.stderr or b"").strip(), proc.stderr


def test_the_command_modules_load_no_signal_module() -> None:
    # the one-story `check` start-up path: what Ctrl-C and SIGTERM handling needs is loaded
    # by the run that installs it, or by a worker, not by importing the modules
    code = (
        "import sys, storylint.cli, storylint.commands.common, storylint.commands.check, storylint.parallel;"
        " print('signal' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert proc.stdout == "False\n", proc.stderr


def test_objects_frozen_as_the_command_ends(tmp_path: Path) -> None:
    """The interpreter's shutdown collections walked every object the run made, to free nothing
    the exit does not: the command freezes them as it ends (`cli._ending`); its output is whole."""
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'frozen at exit: {gc.get_freeze_count() > 0}\\n'))\n"
        "from storylint.cli import main\n"
        "main()\n"
    )
    stories = write_jsonl(tmp_path / "s.jsonl", HOW, CLEAN)
    res = subprocess.run(
        [sys.executable, "-c", probe, "check", str(stories), "--format", "json", "--jobs", "1"],
        capture_output=True, check=False, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert res.returncode == 1, res.stdout + res.stderr
    assert "frozen at exit: True" in res.stderr
    assert json.loads(res.stdout)["summary"]["stories_checked"] == 2
