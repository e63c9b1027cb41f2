"""`report -o` writes regular files atomically and never replaces anything else.

A FIFO or a device is written into (it stays what it is); the temporary file of an
atomic write has an unpredictable name, so a symlink planted where it used to be (the
predictable `.NAME.PID.tmp`) is not followed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylint.cli import cli
from tests.report.report_fixtures import History


def report_cmd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", "report", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_fifo_is_written_into_not_replaced(history: History, tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = report_cmd("--store", history.url, "-o", str(fifo))
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert got and got[0].startswith(b"source,story,rule,")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db", "out.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_char_device_stays_a_device(history: History, tmp_path: Path) -> None:
    null = tmp_path / "null"  # our own /dev/null, in tmp_path
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    proc = report_cmd("--store", history.url, "-o", str(null), "--format", "html")
    assert proc.returncode == 0, proc.stderr
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_planted_symlink_at_the_old_temp_name_is_not_followed(
    history: History, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "report.md"
    planted = tmp_path / f".{out.name}.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    result = CliRunner().invoke(cli, ["report", "--store", history.url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert planted.is_symlink()
    assert out.read_text(encoding="utf-8").startswith("## storylint report")
    assert not out.is_symlink()


def test_regular_file_is_replaced_keeping_its_mode_and_symlinks_are_written_through(
    history: History, tmp_path: Path
) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    proc = report_cmd("--store", history.url, "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("## storylint")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_directory_target_is_an_error(history: History, tmp_path: Path) -> None:
    proc = report_cmd("--store", history.url, "-o", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == f"Error: -o {tmp_path}: is a directory\n"


def test_rule_cache_write_does_not_follow_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storylint import rulepack

    monkeypatch.delenv("STORYLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    paths = rulepack.builtin_rule_files()
    first = rulepack._parsed_rule_files(paths)
    (cache,) = (tmp_path / "storylint").glob("rules-*.json")
    cache.unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    cache.with_suffix(f".{os.getpid()}.tmp").symlink_to(victim)
    assert rulepack._parsed_rule_files(paths) == first
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert cache.is_file() and not cache.is_symlink()


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_dev_stdout_into_a_pipe(history: History) -> None:
    proc = report_cmd("--store", history.url, "-o", "/dev/stdout", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("source,story,rule,")
