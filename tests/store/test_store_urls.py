"""Store URLs never show a password: in errors, logs, the report header or its JSON."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storylint.store.urls import redact_url, scrub

SECRET = "s3cr3t"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cr3t@db.example/app", "postgresql://u:***@db.example/app"),
        ("postgresql://u:s3%40cr3t@db.example/app", "postgresql://u:***@db.example/app"),
        ("postgresql://u:s3@cr3t@db.example:5432/app", "postgresql://u:***@db.example:5432/app"),
        ("postgresql://u:s3/cr@3t@db.example/app", "postgresql://u:***@db.example/app"),
        (
            "postgresql://u@db.example/app?password=s3cr3t",
            "postgresql://u@db.example/app?password=***",
        ),
        (
            "postgresql://u@db.example/app?sslmode=require&PassWord=s3cr3t&application_name=x",
            "postgresql://u@db.example/app?sslmode=require&PassWord=***&application_name=x",
        ),
        (
            "postgres://u:s3cr3t@db.example/app?sslpassword=s3cr3t#frag",
            "postgres://u:***@db.example/app?sslpassword=***#frag",
        ),
        (
            "postgresql://db.example/app?user=a@b&password=s3%26cr3t",
            "postgresql://db.example/app?user=a@b&password=***",
        ),
        ("postgresql://u@db.example/app", "postgresql://u@db.example/app"),
        ("mysql://root:s3cr3t@db.example/app", "mysql://root:***@db.example/app"),
        ("history.db", "history.db"),
        ("sqlite:///tmp/history.db", "sqlite:///tmp/history.db"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "cr3t" not in redact_url(url)


def test_scrub_masks_every_form_of_the_password() -> None:
    url = "postgresql://u:p%40ss-1@h/db?sslpassword=key+2%21"
    text = "failed for p@ss-1 (p%40ss-1), key 2! key+2%21"
    assert scrub(text, url) == "failed for *** (***), *** ***"


def storylint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://u:{SECRET}@127.0.0.1:1/db",
        "postgresql://u:s3@cr3t@127.0.0.1:1/db",
        "postgresql://u:s3%40cr3t@127.0.0.1:1/db",
        f"postgresql://u@127.0.0.1:1/db?password={SECRET}",
        f"postgresql://u@127.0.0.1:1/db?sslmode=disable&sslpassword={SECRET}",
        f"PostgreSQL://u:{SECRET}@127.0.0.1:1/db",  # the scheme in any case
        f"mysql://u:{SECRET}@127.0.0.1:1/db",  # no such kind of store
    ],
)
def test_connection_errors_hide_the_password(url: str, tmp_path: Path) -> None:
    stories = tmp_path / "s.jsonl"
    stories.write_text('{"id": "1", "title": "t", "body": "b"}\n', encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "1", "title": "t", "body": "b", "label": {"prescribes": false}}\n', encoding="utf-8")
    for args in (
        ["check", str(stories), "--store", url],
        ["report", "--store", url, "-o", "-"],
        ["vocabulary", "--store", url],
        ["evaluate", str(corpus), "--store", url],
    ):
        proc = storylint("-vv", *args)
        assert proc.returncode == 2, proc.stderr
        assert "cr3t" not in proc.stderr + proc.stdout
        errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and "***" in errors[0], proc.stderr  # -vv logs come first


def test_unsupported_scheme_is_named_with_password_hidden(tmp_path: Path) -> None:
    stories = tmp_path / "s.jsonl"
    stories.write_text('{"id": "1", "title": "t", "body": "b"}\n', encoding="utf-8")
    proc = storylint("check", str(stories), "--store", f"mysql://root:{SECRET}@db.example/app")
    assert proc.returncode == 2
    assert proc.stderr == (
        "Error: unsupported store 'mysql://root:***@db.example/app' (use a SQLite path or postgresql://)\n"
    )
    assert not list(Path.cwd().glob("mysql:*"))


@pytest.mark.postgres
@pytest.mark.parametrize("shape", ["userinfo", "raw-at", "query"])
def test_report_header_hides_the_password(shape: str, pg_url: str, tmp_path: Path) -> None:
    # the test cluster trusts loopback connections, so any password is accepted
    scheme, rest = pg_url.split("://", 1)
    user, host = rest.split("@", 1)
    url = {
        "userinfo": f"{scheme}://{user}:{SECRET}@{host}",
        "raw-at": f"{scheme}://{user}:s3@cr3t@{host}",
        "query": f"{scheme}://{user}@{host}&password={SECRET}",
    }[shape]
    stories = tmp_path / "s.jsonl"
    stories.write_text('{"id": "1", "title": "t", "body": "Add a column to the users table."}\n')
    proc = storylint("-vv", "check", str(stories), "--store", url)
    assert proc.returncode in (0, 1), proc.stderr
    assert "cr3t" not in proc.stderr + proc.stdout
    for out in ("r.html", "r.md", "r.csv"):
        proc = storylint("-vv", "report", "--store", url, "-o", str(tmp_path / out))
        assert proc.returncode == 0, proc.stderr
        assert "cr3t" not in (tmp_path / out).read_text(encoding="utf-8") + proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert redact_url(url).replace("&", "&amp;") in page
