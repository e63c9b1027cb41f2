"""Inputs in the encodings Windows tools write, through the real CLI: Windows PowerShell's `>`
and `Out-File` save UTF-16 with a byte-order mark, and such a file is as much a story export
as its UTF-8 twin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

STORY = {"id": "W-1", "title": "Votes", "body": "We must use Kafka for the events. We must store the votes in Redis."}


def check(*args: str, cwd: Path, stdin: bytes | None = None) -> tuple[int, dict[str, Any], str]:
    res = subprocess.run(
        [sys.executable, "-m", "storylint", "check", "--format", "json", *args],
        input=stdin, capture_output=True, check=False, cwd=cwd, timeout=60,
    )  # fmt: skip
    return res.returncode, json.loads(res.stdout), res.stderr.decode()


def places(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(f["story"], f["rule"], f["field"], f["line"], f["column"], f["end_column"]) for f in report["findings"]]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_json_lines_are_read_and_a_bad_line_named(tmp_path: Path, codec: str) -> None:
    text = json.dumps(STORY, ensure_ascii=False) + "\r\n" + '{"id": 1.5, "title": "x"}\r\n'
    (tmp_path / "utf8.jsonl").write_text(text, encoding="utf-8")
    bom = {"utf-16-be": b"\xfe\xff"}.get(codec, b"")  # utf-16 and utf-32 write their own
    (tmp_path / "wide.jsonl").write_bytes(bom + text.encode(codec))
    status, expected, _ = check("utf8.jsonl", cwd=tmp_path)
    wide_status, report, stderr = check("wide.jsonl", cwd=tmp_path)
    assert (wide_status, places(report)) == (status, places(expected)) == (2, places(expected))
    assert "TC01" in {f["rule"] for f in report["findings"]}
    assert stderr.splitlines() == ["Error: wide.jsonl:2: id: input should be a valid string"]


def test_wide_markdown_story_on_stdin_and_in_a_file(tmp_path: Path) -> None:
    text = "# Votes\r\n" + STORY["body"] + "\r\n"
    (tmp_path / "votes.md").write_text(text, encoding="utf-8")
    (tmp_path / "wide.md").write_text(text, encoding="utf-16")
    _, expected, _ = check("votes.md", cwd=tmp_path)
    assert "TC01" in {f["rule"] for f in expected["findings"]}
    status, report, stderr = check("--stdin-filename", "votes.md", "-", cwd=tmp_path, stdin=text.encode("utf-16"))
    assert (status, places(report), stderr) == (1, places(expected), "")
    status, report, stderr = check("wide.md", cwd=tmp_path)
    assert (status, stderr) == (1, "")
    assert [p[1:] for p in places(report)] == [p[1:] for p in places(expected)]


def test_undecodable_utf16_names_its_line(tmp_path: Path) -> None:
    lines = json.dumps(STORY) + "\n" + json.dumps({**STORY, "id": "W-2"}) + "\n"
    (tmp_path / "cut.jsonl").write_bytes(b"\xff\xfe" + lines.encode("utf-16-le") + b"\x00\xd8x\x00")  # a lone surrogate
    status, report, stderr = check("cut.jsonl", cwd=tmp_path)
    assert status == 2
    assert stderr.splitlines() == [f"Error: cut.jsonl:3: invalid UTF-16 at byte {2 + 2 * len(lines)}"]
    assert report["errors"] == [{"source": "cut.jsonl", "line": 3, "message": f"invalid UTF-16 at byte {2 + 2 * len(lines)}"}]


def _nested(value: Any, depth: int) -> Any:
    for i in range(depth):
        value = {"k": value, "n": i} if i % 3 == 0 else [1, None, value] if i % 3 == 1 else ("x", value)
    return value


@pytest.mark.parametrize("depth", [0, 1, 2, 5, 19, 20, 21, 22, 30])
@pytest.mark.parametrize("text", ["plain", "naïve café “quoted”", "lone \ud800 here", "\udfff"])
def test_a_lone_surrogate_is_found_wherever_it_is_replaced(text: str, depth: int) -> None:
    """A story's values are looked at for lone surrogates (every story read, so the check is
    a loop, not a generator per value): it must find one exactly where the replacement would
    change something, in any container and down to the same depth."""
    from storylint.model import _has_surrogates, _replace_surrogates

    for value in (_nested(text, depth), {"id": "S-1", "title": "t", "labels": ["a", _nested(text, depth)]}):
        assert _has_surrogates(value) == (_replace_surrogates(value) != value), (text, depth)
    assert _has_surrogates(_nested(text, depth)) == (depth <= 21 and text.startswith(("lone", "\udfff")))
