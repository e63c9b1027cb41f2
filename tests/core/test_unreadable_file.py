"""A file that opens but cannot be read costs that file only: one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_unreadable_file_is_one_error_and_the_rest_is_linted(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps({"id": "S-1", "title": "t", "body": "Add a column `status` to the users table."})
        + "\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "check", "/proc/self/mem", str(good), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: /proc/self/mem: cannot read: ")
    assert proc.stderr.count("\n") == 1 and "internal error" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["stories_checked"] == 1
    assert {f["story"] for f in report["findings"]} == {"S-1"}
