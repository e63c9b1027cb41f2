"""Malformed input and bad configuration (issue 7, parts 2 and 3), through the real CLI.

Each case runs `python -m storylint check` in a child process: the exit status is 2, each
problem is one `Error: <file>[:<line>]: ...` line on stderr, there is no traceback, and
the good stories in the same input are still checked and reported (JSON output).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

GOOD_A = {"id": "good-a", "title": "Add a Redis cache for sessions", "body": "Store the sessions in Redis."}
GOOD_B = {"id": "good-b", "title": "Use MongoDB", "body": "We should store orders in a MongoDB collection."}


def _line(obj: Any) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def run_check(*args: str, cwd: Path, stdin: bytes | None = None) -> tuple[int, dict[str, Any] | None, str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "check", "--format", "json", *args],
        cwd=cwd, input=stdin, capture_output=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    report = json.loads(proc.stdout) if proc.stdout.strip() else None
    return proc.returncode, report, stderr


def error_lines(stderr: str) -> list[str]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith("Error: ") for line in lines), stderr
    return lines


def checked(report: dict[str, Any] | None) -> set[str]:
    assert report is not None
    return {f["story"] for f in report["findings"]}


# (file name, content, expected fragments of the error line)
MALFORMED: list[tuple[str, bytes, list[str]]] = [
    ("bad-utf8.jsonl", _line(GOOD_A) + b'{"id": "x", "title": "caf\xe9"}\n' + _line(GOOD_B), ["bad-utf8.jsonl:2:", "invalid UTF-8"]),
    ("binary-line.jsonl", _line(GOOD_A) + b"\xff\xd8\xff\xe0\x00\x10JFIF\n" + _line(GOOD_B), ["binary-line.jsonl:2:"]),
    ("truncated.json", b"[" + json.dumps(GOOD_A).encode() + b",\n " + json.dumps(GOOD_B).encode() + b',\n {"id": "cut", "title": "Tru', ["truncated.json:3:", "invalid JSON"]),
    ("broken-line.jsonl", _line(GOOD_A) + b'{"id": "x", "title": \n' + _line(GOOD_B), ["broken-line.jsonl:2:", "invalid JSON"]),
    ("wrong-type.jsonl", _line(GOOD_A) + _line({"id": "w", "title": ["not", "text"]}) + _line(GOOD_B), ["wrong-type.jsonl:2:", "title", "'w'"]),
    ("wrong-body.jsonl", _line(GOOD_A) + _line({"id": "w", "title": "t", "body": 5}) + _line(GOOD_B), ["wrong-body.jsonl:2:", "body"]),
    ("missing-id.jsonl", _line(GOOD_A) + _line({"title": "no id"}) + _line(GOOD_B), ["missing-id.jsonl:2:", "id"]),
    ("missing-title.jsonl", _line(GOOD_A) + _line({"id": "t"}) + _line(GOOD_B), ["missing-title.jsonl:2:", "title", "'t'"]),
    ("not-object.jsonl", _line(GOOD_A) + b"[1, 2]\n" + _line(GOOD_B), ["not-object.jsonl:2:", "expected a story object"]),
    ("bad-jira.jsonl", _line(GOOD_A) + _line({"key": "PROJ-1", "fields": "oops"}) + _line(GOOD_B), ["bad-jira.jsonl:2:", "Jira issue"]),
    ("bad-github.jsonl", _line(GOOD_A) + _line({"number": 7, "user": "bob", "html_url": "u", "title": "t"}) + _line(GOOD_B), ["bad-github.jsonl:2:", "GitHub issue"]),
    ("bad-gitlab.jsonl", _line(GOOD_A) + _line({"iid": 7, "project_id": 1, "title": "t", "author": "bob"}) + _line(GOOD_B), ["bad-gitlab.jsonl:2:", "GitLab issue", "author"]),
    ("gitlab-body.jsonl", _line(GOOD_A) + _line({"iid": 8, "project_id": 1, "title": "t", "description": 5}) + _line(GOOD_B), ["gitlab-body.jsonl:2:", "GitLab issue 8", "description"]),
    # a bad first line is one bad line too: the lines after it are JSON Lines, not the rest of one document
    ("bad-utf8-first.jsonl", b'{"id": "x", "title": "caf\xe9"}\n' + _line(GOOD_A) + _line(GOOD_B), ["bad-utf8-first.jsonl:1:", "invalid UTF-8"]),
    ("broken-first.jsonl", b'{"id": "x", "title": "cut"\n' + _line(GOOD_A) + _line({**GOOD_B, "labels": ["l"]}), ["broken-first.jsonl:1:", "invalid JSON"]),
    ("hash-first.jsonl", b"# exported from the tracker\n" + _line(GOOD_A) + _line(GOOD_B), ["hash-first.jsonl:1:", "invalid JSON"]),
    ("deep.jsonl", _line(GOOD_A) + b'{"id": "d", "title": "t", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n" + _line(GOOD_B), ["deep.jsonl:2:", "nested too deeply"]),
    ("array-item.json", json.dumps([GOOD_A, {"id": "x"}, GOOD_B]).encode(), ["array-item.json:", "item 1", "title"]),
    # one unreadable item of an array costs only itself, named by its line (it cost the whole file)
    ("array-deep.json", b"[" + json.dumps(GOOD_A).encode() + b",\n" + b"[" * 20_000 + b"]" * 20_000 + b",\n" + json.dumps(GOOD_B).encode() + b"]",
     ["array-deep.json:2:", "(item 1)", "nested too deeply"]),
    ("array-int.json", b"[\n" + json.dumps(GOOD_A).encode() + b',\n{"id": "n", "title": "t", "n": ' + b"9" * 5000 + b"},\n" + json.dumps(GOOD_B).encode() + b"\n]",
     ["array-int.json:3: invalid JSON (item 1): an integer of more than 4,300 digits"]),
    ("search-deep.json", b'{"startAt": 0, "issues": [\n' + json.dumps({"key": "good-a", "fields": {"summary": GOOD_A["title"], "description": GOOD_A["body"]}}).encode()
     + b',\n{"key": "P-2", "fields": {"summary": "x", "description": ' + b"[" * 20_000 + b"]" * 20_000 + b"}},\n"
     + json.dumps({"key": "good-b", "fields": {"summary": GOOD_B["title"], "description": GOOD_B["body"]}}).encode() + b'\n], "total": 3}',
     ["search-deep.json:3:", "(item 1)", "nested too deeply"]),
    ("search-line.jsonl", _line(GOOD_A) + b'{"issues": [{"key": "P-1", "fields": {"summary": "t", "n": ' + b"9" * 5000 + b"}}, "
     + json.dumps({"key": "good-b", "fields": {"summary": GOOD_B["title"], "description": GOOD_B["body"]}}).encode() + b"]}\n",
     ["search-line.jsonl:2:", "(item 0)", "4,300 digits"]),
    # an id names the story everywhere (SARIF's artifact, the store): blank ones were all one story ""
    ("blank-id.jsonl", _line(GOOD_A) + _line({"id": " ", "title": "Use Kafka", "body": "We must use Kafka."}) + _line(GOOD_B),
     ["blank-id.jsonl:2: id: empty; every story needs an id that names it"]),
    ("blank-id.json", json.dumps([GOOD_A, {"id": "", "key": "", "title": "Use Kafka"}, GOOD_B]).encode(), ["blank-id.json:1: id: empty", "(item 1)"]),
    # lines ended by lone CRs (classic Mac, some exporters) are lines: it was one document, "Extra data", 0 stories
    ("cr-lines.jsonl", json.dumps(GOOD_A).encode() + b"\r" + b'{"id": 1.5, "title": "t"}\r' + json.dumps(GOOD_B).encode() + b"\r",
     ["cr-lines.jsonl:2: id: input should be a valid string"]),
    ("array-shape.json", json.dumps([GOOD_A, {"id": "x"}, GOOD_B], indent=1).encode(), ["array-shape.json:7: title: field required in story 'x' (item 1)"]),
]


@pytest.mark.parametrize(("name", "content", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_record_is_one_error_and_good_stories_are_checked(tmp_path: Path, name: str, content: bytes, expected: list[str]) -> None:
    (tmp_path / name).write_bytes(content)
    status, report, stderr = run_check(name, cwd=tmp_path)
    assert status == 2
    lines = error_lines(stderr)
    assert len(lines) == 1, lines
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
    assert checked(report) == {"good-a", "good-b"}
    assert report is not None and len(report["errors"]) == 1
    assert report["errors"][0]["source"] == name


def test_a_blank_key_names_nothing(tmp_path: Path) -> None:
    """A story is called by its key when it has one; a blank key (an export's empty cell) is
    none: its findings name the story by its id, not "" or " "."""
    (tmp_path / "keys.jsonl").write_bytes(_line({**GOOD_A, "key": " "}) + _line({**GOOD_B, "key": ""}))
    status, report, stderr = run_check("keys.jsonl", "--fail-on", "never", cwd=tmp_path)
    assert status == 0 and "Error" not in stderr, stderr
    assert checked(report) == {"good-a", "good-b"}


def test_a_first_record_longer_than_the_sniffed_head_is_still_json_lines(tmp_path: Path) -> None:
    """The format is decided on whole lines: a first story of 100 KB (GitHub allows 65,536
    characters of body, more once escaped) does not make the file one broken document."""
    long_a = {**GOOD_A, "body": "Store the sessions in Redis. " + "\\u00e9 word " * 10_000}
    (tmp_path / "long.jsonl").write_bytes(_line(long_a) + _line({**GOOD_B, "labels": ["l"]}))
    status, report, stderr = run_check("long.jsonl", "--fail-on", "never", cwd=tmp_path)
    assert status == 0 and "Error" not in stderr, stderr
    assert checked(report) == {"good-a", "good-b"}
    assert report is not None and report["errors"] == []


def test_mixed_line_ends_are_all_line_ends(tmp_path: Path) -> None:
    """A file edited on several systems mixes LF, CRLF and lone CR line ends: each ends a line.
    Split at LF alone, a lone CR joined two stories into one bad line ("Extra data") and, when
    the first line ended so, the whole file was one broken document: 0 stories. Errors name
    the line as an editor numbers it; a CRLF split between two reads is one line end."""
    padded = {"id": "padded", "title": "Use Redis", "body": "Store the sessions in Redis. "}
    first = _line(GOOD_A)
    second = json.dumps(padded).encode()
    second = second[:-2] + b" " * (65_535 - len(first) - len(second)) + b'"}'
    assert len(first) + len(second) == 65_535  # its CR is the last byte of the first read
    content = (
        first + second + b"\r\n"
        + json.dumps({**GOOD_B, "id": "cr-before"}).encode() + b"\r"
        + b'{"id": 1.5, "title": "t"}\r\n'
        + json.dumps({**GOOD_A, "id": "after-crlf"}).encode() + b"\r"
        + b'{"id": "cut", "title": \n'
        + json.dumps({**GOOD_B, "id": "last"}).encode() + b"\r"
    )  # fmt: skip
    for args in ((), ("--jobs", "2")):
        (tmp_path / "mixed.jsonl").write_bytes(content)
        status, report, stderr = run_check("mixed.jsonl", *args, cwd=tmp_path)
        assert status == 2
        assert [line.split(": ")[1] for line in error_lines(stderr)] == ["mixed.jsonl:4", "mixed.jsonl:6"], stderr
        assert checked(report) == {"good-a", "padded", "cr-before", "after-crlf", "last"}
        assert report is not None and report["summary"]["stories_checked"] == 5


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.json", b"", "empty input"),
        ("blank.jsonl", b"  \n\t\n\n", "empty input"),
        ("empty-array.json", b"[]", "empty input"),
        ("image.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data"),
        ("bad.md", b"# Title\n\xff\xfe\n", "invalid UTF-8"),
        ("empty.md", b"   \n", "empty story file"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("huge-int.json", b'[{"id": ' + b"9" * 5000 + b', "title": "t"}]', "invalid JSON"),
    ],
)
def test_unreadable_file_next_to_a_good_one(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    status, report, stderr = run_check(name, "good.jsonl", cwd=tmp_path)
    assert status == 2
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith(f"Error: {name}") and expected in lines[0], lines
    assert checked(report) == {"good-a"}


def test_missing_file_and_directories(tmp_path: Path) -> None:
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "a.jsonl").write_bytes(_line(GOOD_A))
    (tmp_path / "stories" / "notes.txt").write_text("not a story")
    status, report, stderr = run_check("missing.json", "empty-dir", "stories", cwd=tmp_path)
    assert status == 2
    lines = error_lines(stderr)
    assert any(line.startswith("Error: missing.json:") and "no such file" in line for line in lines), lines
    assert any(line.startswith("Error: empty-dir:") and "no story files" in line for line in lines), lines
    assert len(lines) == 2
    assert checked(report) == {"good-a"}


def test_stdin_with_bad_lines(tmp_path: Path) -> None:
    data = _line(GOOD_A) + b"\x00\x01\x02\n" + b'{"id": 1, "title": null}\n' + _line(GOOD_B)
    status, report, stderr = run_check("-", cwd=tmp_path, stdin=data)
    assert status == 2
    lines = error_lines(stderr)
    assert [line.split(":")[1].strip() for line in lines] == ["<stdin>", "<stdin>"]
    assert checked(report) == {"good-a", "good-b"}


def test_empty_cells_of_a_spreadsheet_export_are_no_values(tmp_path: Path) -> None:
    """CSV-to-JSON converters write an empty cell as "": a story without a date, labels or
    format is linted (it was refused: "created: input should be a valid datetime"); a value
    that is there and wrong is still one error."""
    cells = {"created": "", "updated": " ", "labels": "", "body_format": ""}
    data = _line({**GOOD_A, **cells}) + _line({**GOOD_B, "id": "bad-date", "created": "next week"}) + _line(GOOD_B)
    (tmp_path / "sheet.jsonl").write_bytes(data)
    status, report, stderr = run_check("sheet.jsonl", cwd=tmp_path)
    assert status == 2
    message = "created: input should be a valid datetime or date, input is too short in story 'bad-date'"
    assert error_lines(stderr) == [f"Error: sheet.jsonl:2: {message}"]
    assert checked(report) == {"good-a", "good-b"}
    _, alone, _ = run_check("-", cwd=tmp_path, stdin=_line(GOOD_A))
    assert report is not None and alone is not None
    assert [f for f in report["findings"] if f["story"] == "good-a"] == alone["findings"]


def test_hostile_characters_in_a_story_are_reported_not_crashed_on(tmp_path: Path) -> None:
    # lone surrogates, NUL, bidi overrides and a UTF-8 BOM: valid JSON, hostile text
    odd = '{"id": "odd", "title": "Add \\ud800 a Redis cache", "body": "Store \\udfff it in Redis \\u202e\\u0000 now."}\n'
    (tmp_path / "odd.jsonl").write_bytes(b"\xef\xbb\xbf" + odd.encode() + _line(GOOD_B))
    for fmt in ("json", "text", "sarif", "github", "markdown"):
        proc = subprocess.run(
            [sys.executable, "-m", "storylint", "check", "--format", fmt, "odd.jsonl"],
            cwd=tmp_path, capture_output=True, timeout=60, check=False, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        assert proc.returncode == 1, (fmt, proc.stderr.decode(errors="replace"))
        assert b"Traceback" not in proc.stderr
        proc.stdout.decode("utf-8")  # valid UTF-8 whatever the story held
    _, report, _ = run_check("odd.jsonl", cwd=tmp_path)
    assert checked(report) == {"odd", "good-b"}


# -- configuration -------------------------------------------------------------------

BAD_CONFIGS: list[tuple[str, bytes, list[str]]] = [
    ("broken.toml", b'select = ["DM01"\n', ["broken.toml", "invalid TOML"]),
    ("not-utf8.toml", b'select = ["DM01"]\n\xff\xfe = 1\n', ["not-utf8.toml", "line 2"]),
    ("wrong-type.toml", b'select = "DM01"\n', ["wrong-type.toml", "select", "list"]),
    ("wrong-nested.toml", b'[roles]\nskip-bots = "sometimes"\n', ["wrong-nested.toml", "roles.skip-bots"]),
    ("wrong-number.toml", b"min-confidence = 3\n", ["wrong-number.toml", "min-confidence"]),
    ("wrong-severity.toml", b'[severity]\nDM01 = "fatal"\n', ["wrong-severity.toml", "severity.DM01"]),
    ("unknown-key.toml", b'selct = ["DM01"]\n', ["unknown-key.toml", "selct"]),
    ("unknown-code.toml", b'select = ["XX99"]\n', ["unknown-code.toml", "select", "XX99"]),
    ("unknown-ignore.toml", b'ignore = ["DM99"]\n', ["unknown-ignore.toml", "ignore", "DM99", "did you mean"]),
    ("unknown-per-type.toml", b'[per-type-ignores]\nBug = ["ZZ"]\n', ["unknown-per-type.toml", "per-type-ignores.Bug", "ZZ"]),
    ("missing-rules.toml", b'extend-rules = ["no-such-folder"]\n', ["missing-rules.toml", "extend-rules", "no-such-folder"]),
    ("pyproject.toml", b'[tool.storylint]\nignore = 5\n', ["pyproject.toml", "ignore"]),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_names_file_and_key(tmp_path: Path, name: str, content: bytes, expected: list[str]) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "check", "--config", name, "good.jsonl"],
        cwd=tmp_path, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, lines
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
    assert proc.stdout == b""  # no report from a run that could not start


def test_discovered_broken_pyproject_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.storylint\nselect = 1\n")
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    proc = subprocess.run([sys.executable, "-m", "storylint", "check", "good.jsonl"], cwd=tmp_path, capture_output=True, timeout=60, check=False)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in stderr
    assert error_lines(stderr)[0].startswith("Error: ") and "pyproject.toml" in stderr and "invalid TOML" in stderr


RULE_FILE = b'code = "XX01"\nname = "x"\ncategory = "technology"\nseverity = "warning"\nsummary = "s"\nmessage = "m"\nsuggestion = "s"\n'
BAD_RULES: list[tuple[bytes, list[str]]] = [
    (b'code = "XX01"\n[detect\n', ["invalid TOML", "line 2"]),
    # a team's patterns run on RE2 (linear time); what it cannot run refuses the file
    (RULE_FILE + b'[detect]\nkind = "pattern"\npatterns = ["(a+)\\\\1"]\n', ["rule XX01: pattern", "not supported"]),
    (b"code = 5\n", ["code"]),
    (b"\xff\xfe", ["XX01.toml"]),
]


@pytest.mark.parametrize(("content", "expected"), BAD_RULES, ids=["broken-toml", "unsupported-pattern", "wrong-type", "not-utf8"])
def test_bad_rule_file_in_extend_rules_names_the_file(tmp_path: Path, content: bytes, expected: list[str]) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "XX01.toml").write_bytes(content)
    (tmp_path / "storylint.toml").write_text('extend-rules = ["rules"]\n')
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    proc = subprocess.run([sys.executable, "-m", "storylint", "check", "good.jsonl"], cwd=tmp_path, capture_output=True, timeout=60, check=False)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2 and "Traceback" not in stderr, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and "XX01.toml" in lines[0], lines
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
