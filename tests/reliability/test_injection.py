"""Story fields cannot inject lines, markup, mentions or workflow commands into any output.

A story's id, key, url, author and project are as hostile as its text: on a public tracker
anyone sets them. Each output is checked through the real CLI (`check`, then `report` for
the digest) with stories whose every field tries to end the line and start its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storylint.escape import log_line, safe_url, terminal_text, text_line

PAYLOAD = "\n::add-mask::tok\n@org/everyone <img src=x onerror=alert(1)>\r\n##[add-mask]tok2"
STORIES = [
    {
        "id": "::add-mask::id-secret",
        "key": "::stop-commands::key-token",
        "title": "Use MongoDB",
        "body": "Store the orders in a MongoDB collection.",
        "url": "https://tracker.example/1" + PAYLOAD,
        "author": "::warning::author" + PAYLOAD,
        "project": "proj|" + PAYLOAD,
    },
    {
        "id": "##[add-mask]second",
        "title": "Use Redis" + PAYLOAD,
        "body": "Cache the sessions in Redis." + PAYLOAD,
        "url": "https://tracker.example/2|@org/everyone",
        "author": "@org/everyone",
    },
    {"id": "plain", "title": "Use Kafka", "body": "Send the events through Kafka.", "url": "https://tracker.example/3?a=(b)"},
]
# a pull request in a GitHub export is skipped with an INFO log that names its number
PULL = {"number": "7" + PAYLOAD, "user": {"login": "u"}, "html_url": "https://github.com/o/r/pull/7", "pull_request": {}, "title": "t"}


def _is_command(line: str) -> bool:
    """What the Actions runner executes: a line whose first non-blank text is `::` or `##[`."""
    stripped = line.lstrip()
    return stripped.startswith(("::", "##["))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in [*STORIES, PULL]), encoding="utf-8")
    return path


def test_text_output_and_verbose_logs_start_no_workflow_command(stories: Path, tmp_path: Path) -> None:
    res = run("-v", "check", stories.name, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    for line in res.stdout.splitlines() + res.stderr.splitlines():
        assert not _is_command(line), line
    assert "\\::stop-commands::key-token:title:1:1:" in res.stdout  # still readable
    assert "\\##[add-mask]second:" in res.stdout
    assert "\r" not in res.stdout
    # the INFO line about the pull request stays one line, its newline shown as \n
    assert [ln for ln in res.stderr.splitlines() if "pull request" in ln] == [
        "storylint: INFO: hostile.jsonl: skipping pull request 7" + log_line(PAYLOAD)
    ]


def test_text_github_and_markdown_output_show_no_bidi_override_from_a_story(tmp_path: Path) -> None:
    path = tmp_path / "bidi.jsonl"
    story = {"id": "ACME-1\u202e10-EMCA", "title": "Use MongoDB \u2067x", "body": "Store the orders in a MongoDB collection."}
    path.write_text(json.dumps(story) + "\n", encoding="utf-8")
    for fmt in ("text", "github", "markdown"):  # what a terminal, GitHub's annotations and its pages show
        proc = run("check", str(path), "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 1 and "ACME-1 10-EMCA" in proc.stdout, fmt
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", proc.stdout + proc.stderr), fmt


def test_stderr_error_lines_and_file_names_stay_one_line(tmp_path: Path) -> None:
    name = "bad\n::add-mask::file.jsonl"
    (tmp_path / name).write_text('{"id": "x"}\n', encoding="utf-8")
    res = run("check", name, cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.splitlines() == ["Error: bad\\n::add-mask::file.jsonl:1: title: field required in story 'x'"]
    cfg = tmp_path / "storylint.toml"
    cfg.write_text('"x\\n::add-mask::cfg" = 1\n', encoding="utf-8")
    res = run("check", "--config", cfg.name, name, cwd=tmp_path)
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "x\\n::add-mask::cfg" in lines[0], lines


def test_github_annotations_escape_every_field(stories: Path, tmp_path: Path) -> None:
    res = run("check", "--format", "github", stories.name, cwd=tmp_path)
    lines = res.stdout.splitlines()
    assert len(lines) > 10
    for line in lines:
        assert re.match(r"::(warning|notice|error) title=[^\r\n]*::", line), line
        title = line.split("::", 2)[1]
        assert "::" not in title.split("title=", 1)[1] and "," not in title.split("title=", 1)[1], line
    assert "\n::add-mask::" not in res.stdout


def _table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("| ")]


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", re.sub(r"(`+).*?\1", "", row))) - 1


def _assert_markdown_inert(md: str) -> None:
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "<img" not in outside_code and "<" not in outside_code
    # a mention is never parsed inside a link destination; everywhere else it is broken up
    assert "@org/everyone" not in re.sub(r"\]\([^)]*\)", "]()", md)
    for line in md.splitlines():
        assert not _is_command(line), line
        assert "add-mask" not in line or line.startswith(("| ", "- ")), line
    # links only to clean http(s) URLs, never carrying text out of the destination
    for target in re.findall(r"\]\(([^)]*)\)", md):
        assert safe_url(target) == target and "|" not in target, target


def test_markdown_output(stories: Path, tmp_path: Path) -> None:
    res = run("check", "--format", "markdown", stories.name, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    md = res.stdout
    _assert_markdown_inert(md)
    rows = _table_rows(md)
    header = next(r for r in rows if r.startswith("| story |"))
    for row in rows[rows.index(header) :]:
        assert _cells(row) == _cells(header), row
    assert "[plain](https://tracker.example/3?a=%28b%29)" in md
    assert "(https://tracker.example/2%7C@org/everyone)" in md  # `|` cannot end the cell
    assert "(https://tracker.example/1" not in md  # a URL with a newline is not linked
    assert "\\#\\#\\[add-mask\\]second" in md


def test_report_digest(stories: Path, tmp_path: Path) -> None:
    res = run("check", "--format", "json", stories.name, cwd=tmp_path)
    results = tmp_path / "results.json"
    results.write_text(res.stdout, encoding="utf-8")
    out = tmp_path / "digest.md"
    rep = run("report", results.name, "-o", out.name, cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr
    md = out.read_text(encoding="utf-8")
    assert "Stories to look at first" in md
    _assert_markdown_inert(md)
    for row in _table_rows(md):
        assert _cells(row) == 3 or row.startswith("| run "), row
    assert "](https://tracker.example/3?a=%28b%29)" in md
    assert "(https://tracker.example/1" not in md


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("HTTP://a.example/x?y=1#z", "HTTP://a.example/x?y=1#z"),
        ("https://a.example/x\n@org/everyone", None),
        ("https://a.example/ x", None),
        ("https://a.example/\u2028x", None),
        ("https://a.example/\x85x", None),
        ("javascript:alert(1)", None),
        ("//a.example/x", None),
        (None, None),
        (5, None),
    ],
)
def test_safe_url(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_escaping_functions() -> None:
    from storylint.reporters.markdown import md_link

    assert text_line("  ::add-mask::x") == "  \\::add-mask::x"
    assert text_line("##[group]x") == "\\##[group]x" and text_line("a ::b") == "a ::b"
    assert terminal_text("a\nb\x1b[31m\u2028c\td") == "a b [31m c\td"
    assert log_line("a\n::x\x1b") == "a\\n::x\\x1b" and log_line("::x") == "\\::x"
    # bidirectional overrides and isolates reorder what follows them on the line
    assert terminal_text("a\u202eb\u2066c\u2069d\u202ce\u200ff") == "a b c d e\u200ff"
    assert log_line("id\u202e") == "id\\u202e"
    assert md_link("a|b", "https://e.example/p|q") == "[a\\|b](https://e.example/p%7Cq)"
    assert md_link("a", "https://e.example/p\nq") == "a"


def test_sarif_artifact_uris_are_clean(stories: Path, tmp_path: Path) -> None:
    res = run("check", "--format", "sarif", stories.name, cwd=tmp_path)
    sarif = json.loads(res.stdout)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {
        "story/%3A%3Astop-commands%3A%3Akey-token",  # its URL holds a newline: not used
        "https://tracker.example/2%7C@org/everyone",  # `|` is no URI character
        "https://tracker.example/3?a=(b)",
    }, uris


# RFC 3986: a URI reference holds these characters only (`[ ]` around an IPv6 host), `%` opens
# an escape, one `#` at most
_URI = re.compile(r"(?:https?://(?:\[[0-9a-f:.]+\])?)?(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*(?:#(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?")


def test_sarif_artifact_uris_are_uri_references(tmp_path: Path) -> None:
    """A tracker URL as an export gives it may hold characters no URI may (a Jira filter's
    `{}` and `|`, a pasted `"` or `\\`): GitHub code scanning and other SARIF consumers refuse
    such a file. They are percent-encoded; the link still names the same page."""
    urls = {
        "q": 'https://tracker.example/issues/?jql={a|b}"<c>\\^`d',
        "h": "https://tracker.example/p[1]/caf\u00e9?x=%zz&y=%20#top#more",
        "v6": "https://[2001:db8::1]:8443/browse/P-1",
    }
    lines = [{"id": i, "title": "Use Kafka", "body": "We must send the events through Kafka.", "url": u} for i, u in urls.items()]
    (tmp_path / "urls.jsonl").write_text("".join(json.dumps(s) + "\n" for s in lines), encoding="utf-8")
    res = run("check", "--format", "sarif", "urls.jsonl", cwd=tmp_path)
    by_story = {
        r["properties"]["story"]: loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(res.stdout)["runs"][0]["results"]
        for loc in r["locations"]
    }
    assert all(_URI.fullmatch(uri) for uri in by_story.values()), by_story
    assert by_story == {
        "q": "https://tracker.example/issues/?jql=%7Ba%7Cb%7D%22%3Cc%3E%5C%5E%60d",
        "h": "https://tracker.example/p%5B1%5D/caf%C3%A9?x=%25zz&y=%20#top%23more",
        "v6": "https://[2001:db8::1]:8443/browse/P-1",
    }
