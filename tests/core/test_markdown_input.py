"""Markdown story files as editors save them, through the real CLI: where a finding is must
not depend on the editor's byte-order mark or line endings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SENTENCES = "We must use Kafka for the events. We must store the votes in Redis."


def check_json(path: Path) -> dict[str, Any]:
    res = subprocess.run(
        [sys.executable, "-m", "storylint", "check", "--format", "json", str(path)],
        capture_output=True, check=False, text=True, cwd=path.parent, timeout=60,
    )  # fmt: skip
    assert res.returncode == 1, res.stdout + res.stderr
    report: dict[str, Any] = json.loads(res.stdout)
    return report


def redis(report: dict[str, Any]) -> dict[str, Any]:
    [finding] = [f for f in report["findings"] if f["rule"] == "TC01" and "Redis" in f["message"]]
    return finding


def test_byte_order_mark_is_not_part_of_a_story_without_heading(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text(SENTENCES + "\n", encoding="utf-8")
    marked = tmp_path / "marked.md"
    marked.write_bytes(b"\xef\xbb\xbf" + (SENTENCES + "\n").encode())
    expected = redis(check_json(plain))
    got = redis(check_json(marked))
    assert (got["line"], got["column"], got["end_column"]) == (expected["line"], expected["column"], expected["end_column"])
    assert SENTENCES.index("Redis") + 1 == got["column"]
    excerpts = {f["excerpt"] for f in check_json(marked)["findings"]}
    assert not any("\ufeff" in e for e in excerpts), excerpts


def test_lone_carriage_returns_end_the_heading_line(tmp_path: Path) -> None:
    unix = tmp_path / "unix.md"
    unix.write_bytes(b"# Votes\n" + SENTENCES.encode() + b"\nMore text.\n")
    old_mac = tmp_path / "old-mac.md"
    old_mac.write_bytes(b"# Votes\r" + SENTENCES.encode() + b"\rMore text.\r")
    expected = check_json(unix)
    got = check_json(old_mac)
    where = [(f["rule"], f["field"], f["line"], f["column"], f["end_line"], f["end_column"], f["excerpt"]) for f in got["findings"]]
    assert where == [(f["rule"], f["field"], f["line"], f["column"], f["end_line"], f["end_column"], f["excerpt"]) for f in expected["findings"]]
    assert redis(got)["field"] == "body"
    assert {f["excerpt"] for f in got["findings"] if f["field"] == "title"} == {"Votes"}
