"""Without Chromium the browser tests skip with a reason, and fail under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_missing_chromium(ci: str, outcome: str) -> None:
    env = {**os.environ, "STORYLINT_CHROMIUM": str(HERE / "no-such-chromium"), "CI": ci}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/report/test_report_chromium.py::test_empty_store_page",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert outcome in proc.stdout, proc.stdout[-2000:]
    assert "install-chromium.sh" in proc.stdout
