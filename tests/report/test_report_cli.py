"""`storylint report` end to end in a real subprocess: files written, exit codes, stderr."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.report_fixtures import History


def storylint(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "STORYLINT_PSEUDONYM_KEY"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=full_env,
    )


def test_html_from_store(history: History, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = storylint("report", "--store", history.url, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'data-figure="findings">7<' in page
    assert not list(tmp_path.glob(".*.tmp"))


def test_markdown_inferred_from_suffix_and_csv_to_stdout(history: History, tmp_path: Path) -> None:
    out = tmp_path / "digest.md"
    proc = storylint("report", "--store", f"sqlite:///{history.path}", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("## storylint report")
    proc = storylint(
        "report", "--store", history.url, "-o", "-", "--format", "csv", "--project", "acme/web"
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 3 and {r["project"] for r in rows} == {"acme/web"}


def test_results_files(result_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    proc = storylint("report", *map(str, result_files), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    assert "**4** stories checked" in md and "Since run run1.json: findings -2" in md


def test_pseudonymize_is_stable_across_reports(history: History, tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        out = tmp_path / f"p{i}.csv"
        proc = storylint("report", "--store", history.url, "--pseudonymize", "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    assert "Dana Scully" not in outs[0] and re.search(r"Author [0-9a-f]{6}", outs[0])


def test_pseudonymize_results_without_key_warns(result_files: list[Path], tmp_path: Path) -> None:
    proc = storylint(
        "report", str(result_files[0]), "--pseudonymize", "-o", str(tmp_path / "x.html")
    )
    assert proc.returncode == 0
    assert "STORYLINT_PSEUDONYM_KEY" in proc.stderr
    proc = storylint(
        "report",
        str(result_files[0]),
        "--pseudonymize",
        "-o",
        "-",
        "--format",
        "csv",
        env={"STORYLINT_PSEUDONYM_KEY": "k"},
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert "Dana Scully" not in proc.stdout


@pytest.mark.parametrize(("codec", "bom"), [("utf-16", b""), ("utf-32", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_a_results_file_written_by_windows_powershell_is_read(
    codec: str, bom: bytes, result_files: list[Path], tmp_path: Path
) -> None:
    """`storylint check --format json > run.json` in Windows PowerShell writes UTF-16 with a
    byte-order mark (`Out-File -Encoding utf8`: UTF-8 with one): `report` reads it as `check`
    reads such inputs. It was "internal error: UnicodeDecodeError" (or, for the UTF-8 mark,
    "not JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)")."""
    plain = result_files[0]
    wide = tmp_path / "wide.json"
    wide.write_bytes(bom + plain.read_text(encoding="utf-8").encode(codec))
    stat = plain.stat()
    os.utime(wide, (stat.st_atime, stat.st_mtime))
    expected = storylint("report", str(plain), "-o", "-", "--format", "csv")
    proc = storylint("report", str(wide), "-o", "-", "--format", "csv")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert expected.returncode == 0 and proc.stdout == expected.stdout and "Dana Scully" in proc.stdout


def test_a_results_file_that_is_not_utf8_is_one_error_line(result_files: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes(result_files[0].read_text(encoding="utf-8").encode("utf-8").replace(b"{", b"{\n\xe9", 2))
    proc = storylint("report", str(bad), "-o", "-", "--format", "csv")
    assert proc.returncode == 2
    assert proc.stderr == f"Error: {bad}:2: invalid UTF-8 at byte 2\n"


@pytest.mark.parametrize(
    ("content", "what"),
    [("[" * 100_000 + "]" * 100_000, "nested too deeply"),
     ('{"summary": {}, "findings": [], "n": ' + "9" * 5000 + "}", "an integer of more than 4,300 digits")],
)  # fmt: skip
def test_a_results_file_json_cannot_hold_is_one_error_line(content: str, what: str, tmp_path: Path) -> None:
    """JSON that Python's parser refuses past a limit was "internal error: RecursionError" (or
    ValueError): it is no `check` output, and one line says so."""
    odd = tmp_path / "odd.json"
    odd.write_text(content, encoding="utf-8")
    proc = storylint("report", str(odd), "-o", "-", "--format", "csv")
    assert proc.returncode == 2
    assert proc.stderr == f"Error: {odd}: not the output of `storylint check --format json`: {what}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.html"], "give either --store URL or one or more RESULT.json files"),
        (["--store", "{db}", "{json}", "-o", "x.html"], "give either"),
        (["{bad}", "-o", "x.html"], "bad.json:1: not JSON"),
        (["--store", "{db}", "--since", "yesterday", "-o", "x.html"], "--since"),
        (["--store", "{db}", "-o", "/nonexistent-dir/x.html"], "does not exist"),
    ],
)
def test_errors_exit_2_with_one_line(
    args: list[str], message: str, history: History, result_files: list[Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    args = [a.format(db=history.url, json=result_files[0], bad=bad) for a in args]
    proc = storylint("report", *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("Error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("scheme", ["", "sqlite:///"])
def test_mistyped_store_is_an_error_and_is_not_created(scheme: str, tmp_path: Path) -> None:
    missing = tmp_path / "histroy.db"
    proc = storylint("report", "--store", f"{scheme}{missing}", "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2
    assert proc.stderr == f"Error: --store {scheme}{missing}: store does not exist\n"
    assert not missing.exists() and not (tmp_path / "r.html").exists()
    assert list(tmp_path.iterdir()) == []


def test_store_without_runs_is_an_error(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "other.db"  # some other application's database
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    proc = storylint("report", "--store", str(foreign), "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2
    assert proc.stderr == f"Error: --store {foreign}: not a storylint store (no run recorded)\n"
    with sqlite3.connect(foreign) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"t"}

    from storylint.store import open_store

    open_store(str(tmp_path / "empty.db")).close()  # created by a writer, nothing recorded
    proc = storylint(
        "report", "--store", str(tmp_path / "empty.db"), "-o", str(tmp_path / "r.html")
    )
    assert proc.returncode == 2
    assert proc.stderr == f"Error: --store {tmp_path / 'empty.db'}: the store holds no run yet\n"
    assert not (tmp_path / "r.html").exists()
