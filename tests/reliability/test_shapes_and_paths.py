"""Wrong-typed tracker shapes and unusable paths cost one story or one path, never the run.

Through the real CLI: each bad record or path is one `Error: ...` line naming it, the exit
status is 2, and the good stories beside it are still checked and reported.
"""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylint.connectors.files import read_stream
from storylint.model import Problem, Story

from .test_malformed import GOOD_A, GOOD_B, _line, checked, error_lines, run_check

WEBHOOK: dict[str, Any] = {
    "action": "opened",
    "issue": {
        "number": 3, "title": "Use Redis", "body": "Store it in Redis.", "html_url": "https://github.com/o/r/issues/3",
        "user": {"login": "pm", "id": 1, "type": "User"}, "labels": [{"name": "story"}],
        "repository_url": "https://api.github.com/repos/o/r",
    },
    "repository": {"full_name": "o/r"},
}  # fmt: skip
GITHUB_ISSUE: dict[str, Any] = WEBHOOK["issue"]
JIRA_ISSUE: dict[str, Any] = {
    "key": "P-1", "id": "1", "self": "https://jira.example/rest/api/2/issue/1",
    "fields": {
        "summary": "Use Redis", "description": "Store it in Redis.", "labels": ["story"],
        "reporter": {"accountId": "a", "displayName": "PM"}, "issuetype": {"name": "Story"}, "project": {"key": "P"},
    },
}  # fmt: skip


def _with(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    obj = copy.deepcopy(base)
    cur = obj
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    return obj


# wrong-typed records shaped like the ones users export; each must cost its own line only
WRONG_SHAPES: list[tuple[str, dict[str, Any], str]] = [
    ("webhook-like-no-action", {"issue": {"title": 5, "body": [], "user": "x"}}, "id"),
    ("story-wrong-types", {"id": 1, "title": "x", "labels": "bug", "author": 7}, "author"),
    ("webhook-repository-text", _with(WEBHOOK, ("repository",), "o/r"), "repository"),
    ("webhook-repository-list", _with(WEBHOOK, ("repository",), ["o", "r"]), "repository"),
    ("webhook-full-name-number", _with(WEBHOOK, ("repository", "full_name"), 5), "repository.full_name"),
    ("webhook-user-text", _with(WEBHOOK, ("issue", "user"), "bob"), "user: expected an object, got string"),
    ("github-login-list", _with(GITHUB_ISSUE, ("user", "login"), ["pm"]), "user.login"),
    ("github-repository-url-list", _with(GITHUB_ISSUE, ("repository_url",), []), "repository_url"),
    ("jira-fields-list", _with(JIRA_ISSUE, ("fields",), []), "fields: expected an object, got array"),
    ("jira-reporter-text", _with(JIRA_ISSUE, ("fields", "reporter"), "pm"), "fields.reporter"),
    ("jira-issuetype-text", _with(JIRA_ISSUE, ("fields", "issuetype"), "Story"), "fields.issuetype"),
    ("jira-project-number", _with(JIRA_ISSUE, ("fields", "project"), 5), "fields.project"),
    ("jira-key-list", _with(JIRA_ISSUE, ("key",), ["P-1"]), "key"),
    ("jira-self-object", _with(JIRA_ISSUE, ("self",), {"url": "x"}), "self"),
]


@pytest.mark.parametrize(("name", "record", "fragment"), WRONG_SHAPES, ids=[w[0] for w in WRONG_SHAPES])
def test_wrong_typed_shape_costs_one_story(tmp_path: Path, name: str, record: dict[str, Any], fragment: str) -> None:
    (tmp_path / "in.jsonl").write_bytes(_line(GOOD_A) + _line(record) + _line(GOOD_B))
    status, report, stderr = run_check("in.jsonl", cwd=tmp_path)
    assert status == 2, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith("Error: in.jsonl:2: "), lines
    assert fragment in lines[0], (fragment, lines[0])
    assert "internal error" not in lines[0]
    assert checked(report) == {"good-a", "good-b"}
    assert report is not None and [e["line"] for e in report["errors"]] == [2]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(obj: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    return out


SHAPES = [WEBHOOK, GITHUB_ISSUE, JIRA_ISSUE, {"issues": [JIRA_ISSUE]}, GOOD_A]
SHAPE_PATHS = [(i, p) for i, base in enumerate(SHAPES) for p in _paths(base)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHAPE_PATHS), json_values)
def test_any_value_in_any_field_is_a_story_or_one_problem(where: tuple[int, tuple[str, ...]], value: Any) -> None:
    index, path = where
    record = _with(SHAPES[index], path, value)
    data = _line(record) + _line(GOOD_B)
    items = list(read_stream(io.BytesIO(data), "in.jsonl"))  # must not raise
    assert all(isinstance(item, Story | Problem) for item in items)
    assert [i.id for i in items if isinstance(i, Story)][-1:] == ["good-b"]
    problems = [i for i in items if isinstance(i, Problem)]
    assert all(p.line == 1 and "\n" not in p.message for p in problems), problems


# -- paths ---------------------------------------------------------------------------


def test_each_unusable_path_costs_only_itself(tmp_path: Path) -> None:
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.jsonl").write_bytes(_line(GOOD_B))
    (tmp_path / "dangling.jsonl").symlink_to(tmp_path / "gone.jsonl")
    (tmp_path / "dir.jsonl").mkdir()  # a folder where a file is expected, with no stories
    too_long = "x" * 5000
    status, report, stderr = run_check(
        "good.jsonl", "missing.jsonl", "dangling.jsonl", too_long, "", "good.jsonl/child", "dir.jsonl", "more",
        cwd=tmp_path,
    )  # fmt: skip
    assert status == 2
    lines = error_lines(stderr)
    assert lines == [
        "Error: missing.jsonl: no such file",
        "Error: dangling.jsonl: broken symbolic link",
        f"Error: {too_long}: cannot read: File name too long",
        "Error: '': empty path",
        "Error: good.jsonl/child: cannot read: Not a directory",
        "Error: dir.jsonl: folder holds no story files (*.jsonl, *.json, *.md)",
    ], lines
    assert checked(report) == {"good-a", "good-b"}
    assert report is not None and len(report["errors"]) == 6
    assert report["summary"]["stories_checked"] == 2


def test_story_files_in_a_folder_that_cannot_be_opened_are_errors(tmp_path: Path) -> None:
    """Inside a folder as on the command line: a story file whose link is broken or loops
    was passed over without a word (its story vanished from the report); a FIFO still is."""
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "a.jsonl").write_bytes(_line(GOOD_A))
    (stories / "moved.md").symlink_to(tmp_path / "archive" / "moved.md")
    (stories / "loop1.md").symlink_to(stories / "loop2.md")
    (stories / "loop2.md").symlink_to(stories / "loop1.md")
    os.mkfifo(stories / "pipe.jsonl")
    (tmp_path / "b.jsonl").write_bytes(_line(GOOD_B))
    status, report, stderr = run_check("stories", "b.jsonl", cwd=tmp_path)
    assert status == 2
    assert error_lines(stderr) == [
        "Error: stories/loop1.md: cannot read: Too many levels of symbolic links",
        "Error: stories/loop2.md: cannot read: Too many levels of symbolic links",
        "Error: stories/moved.md: broken symbolic link",
    ]
    assert checked(report) == {"good-a", "good-b"}


def test_symlinked_folders_are_read_once_each(tmp_path: Path) -> None:
    """`check stories/` where stories/ links a shared folder: its stories were passed over
    without a word (os.walk's default). Links are followed; a link back up the tree or a
    second link to a folder already read is read once, with a warning, and is no error."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "b.jsonl").write_bytes(_line(GOOD_B))
    stories = tmp_path / "stories"
    (stories / "sub").mkdir(parents=True)
    (stories / "a.jsonl").write_bytes(_line(GOOD_A))
    (stories / "linked").symlink_to(shared)
    (stories / "sub" / "again").symlink_to(shared)
    (stories / "sub" / "up").symlink_to(stories)
    status, report, stderr = run_check("stories", "--fail-on", "never", cwd=tmp_path)
    assert status == 0, stderr
    assert report is not None and report["errors"] == []
    assert checked(report) == {"good-a", "good-b"} and report["summary"]["stories_checked"] == 2
    assert stderr.splitlines() == [  # depth first, folders before links, by name
        "storylint: WARNING: stories/sub/up: a symbolic link to a folder already read (stories); not read again",
        "storylint: WARNING: stories/linked: a symbolic link to a folder already read (stories/sub/again); not read again",
    ]


def test_empty_path_does_not_lint_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "here.jsonl").write_bytes(_line(GOOD_A))
    status, report, stderr = run_check("", cwd=tmp_path)
    assert status == 2 and error_lines(stderr) == ["Error: '': empty path"]
    assert report is not None and report["summary"]["stories_checked"] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_folder_is_one_error(tmp_path: Path) -> None:  # pragma: no cover - not root
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.jsonl").write_bytes(_line(GOOD_A))
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_B))
    (tmp_path / "locked").chmod(0)
    try:
        status, report, stderr = run_check("locked", "good.jsonl", cwd=tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert status == 2 and len(error_lines(stderr)) == 1
    assert checked(report) == {"good-b"}


def test_json_report_is_whole_when_a_path_is_bad(tmp_path: Path) -> None:
    (tmp_path / "good.jsonl").write_bytes(_line(GOOD_A))
    _, report, _ = run_check("missing.jsonl", "good.jsonl", cwd=tmp_path)
    assert report is not None and json.dumps(report)
    assert report["errors"] == [{"source": "missing.jsonl", "line": None, "message": "no such file"}]
