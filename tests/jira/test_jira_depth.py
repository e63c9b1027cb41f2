"""Hostile nesting: ADF a few hundred lists deep (deeper than Python's JSON parser recurses)
costs nothing but its structure, whether it comes from Jira or from an exported file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakejira import FakeJira, RawJSON, adf_doc, deep_adf
from hypothesis import given, settings
from hypothesis import strategies as st
from jira_helpers import Sleeps, StubLinter, connector_for

from storylint.connectors.jira_sync import run_jira
from storylint.connectors.jira_writeback import JiraWriteBack
from storylint.formats import deepjson

DEPTH = 300  # 1,200 JSON levels: json.loads raises RecursionError at the default limit


def _long_int_adf(text: str) -> RawJSON:
    """An ADF document with an attribute of 5,000 digits (past Python's int conversion guard)."""
    para = json.dumps({"type": "paragraph", "content": [{"type": "text", "text": text}]})
    return RawJSON(f'{{"version": 1, "type": "doc", "attrs": {{"n": {"9" * 5000}}}, "content": [{para}]}}')


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(lambda text: deep_adf(DEPTH, text), id="deep"),
        # an integer too long for Python used to end the search: eight retries, then the page lost
        pytest.param(_long_int_adf, id="integer_of_5000_digits"),
    ],
)
def test_a_hostile_description_is_linted_on_its_text_and_the_run_goes_on(
    cloud: FakeJira, hostile: Callable[[str], RawJSON]
) -> None:
    """The issue with it and the others on its search page are read and linted."""
    cloud.add_issue("PAY-1", "Hostile", hostile("Store it in PostgreSQL"), reporter="u1")
    cloud.add_issue("PAY-2", "Flat", adf_doc("Use React"), reporter="u1")
    linter = StubLinter()
    outcome = run_jira(connector_for(cloud, Sleeps()), linter)
    assert outcome.report.errors == []
    assert sorted(linter.linted) == ["PAY-1", "PAY-2"]
    assert {f.story: f.excerpt for f in outcome.report.findings} == {"PAY-1": "PostgreSQL", "PAY-2": "React"}


def test_a_deep_comment_by_someone_else_does_not_stop_write_back(cloud: FakeJira) -> None:
    cloud.add_issue("PAY-1", "R", adf_doc("Use React"), reporter="u1")
    cloud.add_comment("PAY-1", deep_adf(DEPTH, "storylint-report, nested"), author="u2")
    conn = connector_for(cloud, Sleeps())
    outcome = run_jira(conn, StubLinter(), writeback=JiraWriteBack(conn, comment=True))
    assert outcome.report.errors == []
    assert len(cloud.comments["PAY-1"]) == 2  # ours added, theirs untouched


def _issue(key: str, description: object) -> dict[str, object]:
    return {"id": key, "key": key, "fields": {"summary": key, "description": description,
                                              "issuetype": {"name": "Story"}}}  # fmt: skip


def _deep_issue_json(key: str, depth: int, text: str) -> str:
    issue = json.dumps(_issue(key, "@DEEP@"))
    return issue.replace('"@DEEP@"', deep_adf(depth, text).text)


def _check(path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "storylint", "check", str(path), "--format", "json"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def test_check_reads_a_search_export_with_deep_adf(tmp_path: Path) -> None:
    flat = json.dumps(_issue("PAY-2", adf_doc("As a buyer I want receipts.")), indent=2)
    doc = '{\n  "startAt": 0,\n  "issues": [\n' + _deep_issue_json("PAY-1", DEPTH, "Store it in PostgreSQL") + ",\n" + flat + "\n  ]\n}\n"
    path = tmp_path / "search.json"
    path.write_text(doc)
    r = _check(path, tmp_path)
    report = json.loads(r.stdout)
    assert report["errors"] == [] and report["summary"]["stories_checked"] == 2, r.stderr
    assert "PAY-1" in {f["story"] for f in report["findings"]}


def test_check_reads_json_lines_with_deep_adf(tmp_path: Path) -> None:
    path = tmp_path / "issues.jsonl"
    path.write_text(_deep_issue_json("PAY-1", DEPTH, "Store it in PostgreSQL") + "\n"
                    + json.dumps(_issue("PAY-2", adf_doc("As a buyer I want receipts."))) + "\n")  # fmt: skip
    r = _check(path, tmp_path)
    report = json.loads(r.stdout)
    assert report["errors"] == [] and report["summary"]["stories_checked"] == 2, r.stderr


# -- the iterative parser itself ----------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.sampled_from([None, 1]), st.booleans())
def test_iterative_parser_agrees_with_json_loads(value: object, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert deepjson._parse(text) == json.loads(text)


@pytest.mark.parametrize("bad", ["", "{", "[1,]", '{"a" 1}', "[1 2]", '{"a": 1,}', "tru", "[1] x", "{'a': 1}", '"\x01"'])
def test_iterative_parser_rejects_what_json_loads_rejects(bad: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad)
    with pytest.raises(json.JSONDecodeError):
        deepjson._parse(bad)


def _depth_and_texts(value: object) -> tuple[int, list[str]]:
    deepest, texts, stack = 0, [], [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            kids = node.values() if isinstance(node, dict) else node
            stack.extend((kid, depth + 1) for kid in kids)
            if isinstance(node, dict) and isinstance(node.get("text"), str):
                texts.append(node["text"])
    return deepest, texts


def test_deep_parts_become_a_paragraph_of_their_text() -> None:
    value = deepjson.loads(deep_adf(DEPTH, "deep words").text)
    deepest, texts = _depth_and_texts(value)
    assert deepest <= deepjson.MAX_DEPTH + 4 and texts == ["deep words"]
    assert json.dumps(value)  # shallow enough for every later step
    assert _depth_and_texts(deepjson.loads("[" * 2000 + "]" * 2000, max_depth=5))[0] <= 5 + 4
    with pytest.raises(deepjson.TooDeep):
        deepjson.loads("[" * 2000 + "]" * 2000, limit=1500)


def test_long_integers_are_kept_as_digits_only_when_asked() -> None:
    text = '{"n": ' + "7" * 5000 + ', "m": 12}'
    assert deepjson.loads(text, long_ints=True) == {"n": "7" * 5000, "m": 12}
    with pytest.raises(ValueError, match="digits") as raised:
        deepjson.loads(text)
    assert deepjson.too_long_integer(raised.value)
    assert not deepjson.too_long_integer(json.JSONDecodeError("Expecting value", "x", 0))
    deep = "[" * 1500 + "7" * 5000 + "]" * 1500  # past the recursion limit too: the iterative parser
    flat = deepjson.loads(deep, long_ints=True, max_depth=2000)
    for _ in range(1500):
        flat = flat[0]
    assert flat == "7" * 5000
