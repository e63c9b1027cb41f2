"""`.ci/run` stops the PostgreSQL server it started, and keeps pytest's exit status.

The script runs for real in a copy of the repository's layout, with stand-ins for
python3 (venv + pip), pytest and scripts/start-postgres.sh that record what happened:
no real server is started or stopped here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/usr/bin/env bash
# stand-in for `python3 -m venv DIR`: a venv whose pip does nothing, whose pytest exits
# with $FAKE_PYTEST_STATUS and whose ruff and mypy (the lint venv's) with $FAKE_LINT_STATUS
dir="${3:-.venv}"
mkdir -p "$dir/bin"
printf '#!/usr/bin/env bash\\nexit 0\\n' > "$dir/bin/pip"
printf '#!/usr/bin/env bash\\necho pytest-ran >> "$LOG"\\nexit "$FAKE_PYTEST_STATUS"\\n' > "$dir/bin/pytest"
for tool in ruff mypy; do
  printf '#!/usr/bin/env bash\\necho %s-ran >> "$LOG"\\nexit "$FAKE_LINT_STATUS"\\n' "$tool" > "$dir/bin/$tool"
done
chmod +x "$dir"/bin/*
"""

FAKE_START = """#!/usr/bin/env bash
if [ "${1:-}" = "--stop" ]; then echo "stopped $2" >> "$LOG"; exit 0; fi
echo started >> "$LOG"
echo "export STORYLINT_TEST_POSTGRES_URL=postgresql://nobody@127.0.0.1:1/none"
echo "export STORYLINT_TEST_POSTGRES_DIR=$PG_DIR"
"""


@pytest.mark.parametrize(
    ("status", "lint_status", "ran"),
    [
        (0, 0, ["pytest-ran", "ruff-ran", "mypy-ran"]),  # tests pass: ruff and mypy run too
        (1, 0, ["pytest-ran"]),
        (3, 0, ["pytest-ran"]),
        (0, 1, ["pytest-ran", "ruff-ran"]),  # a lint failure fails the run
    ],
)
def test_ci_run_stops_postgres_and_keeps_pytest_status(
    tmp_path: Path, status: int, lint_status: int, ran: list[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    (repo / "scripts").mkdir()
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    (repo / "scripts" / "start-postgres.sh").write_text(FAKE_START)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(FAKE_PYTHON)
    (bin_dir / "python3").chmod(0o755)
    log = tmp_path / "log"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "LOG": str(log),
        "PG_DIR": str(tmp_path / "pg"),
        "FAKE_PYTEST_STATUS": str(status),
        "FAKE_LINT_STATUS": str(lint_status),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        ["bash", str(repo / ".ci" / "run")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == (status or lint_status), proc.stderr
    assert log.read_text().splitlines() == ["started", *ran, f"stopped {tmp_path / 'pg'}"]
