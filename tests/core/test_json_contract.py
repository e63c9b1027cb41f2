"""docs/json-output.md against `check --format json`: the documented contract is what runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storylint.model import Finding

ROOT = Path(__file__).resolve().parents[2]


def _check_json(tmp_path: Path, *stories: dict[str, str]) -> dict:
    path = tmp_path / "stories.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "check", str(path), "--format", "json"],
        capture_output=True, text=True, check=False, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _documented_limit() -> int:
    doc = (ROOT / "docs" / "json-output.md").read_text("utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `excerpt` |"))
    m = re.search(r"at most (\d+) characters", row)
    assert m, row
    return int(m.group(1))


def test_a_clipped_excerpt_with_its_marks_stays_within_the_documented_length(tmp_path: Path) -> None:
    """The marks of what was cut count: a sentence clipped at both ends was 162 characters."""
    limit = _documented_limit()
    sentence = "We should keep the sessions in Redis"
    stories = [
        # cut at both ends, at the end only, at the start only
        {"id": "both", "title": "Story", "body": "word " * 60 + sentence + " and more words" * 30 + "."},
        {"id": "end", "title": "Story", "body": sentence + " and more words" * 30 + "."},
        {"id": "start", "title": "Story", "body": "word " * 60 + sentence + "."},
    ]
    data = _check_json(tmp_path, *stories)
    clipped = [f for f in data["findings"] if f["rule"] == "DM03"]
    assert {f["story"] for f in clipped} == {"both", "end", "start"}
    for f in clipped:
        assert len(f["excerpt"]) <= limit, (f["story"], len(f["excerpt"]), f["excerpt"])
        assert "keep the sessions in Redis" in f["excerpt"]  # the evidence stays in view
    marks = {f["story"]: (f["excerpt"].startswith("\u2026"), f["excerpt"].endswith("\u2026")) for f in clipped}
    assert marks == {"both": (True, True), "end": (False, True), "start": (True, False)}


def test_every_finding_of_a_story_names_the_same_author(tmp_path: Path) -> None:
    """`author` "from the tracker, when known": a suppression finding (SL02) named nobody
    where the tracker gave only an account id or an e-mail, while the story's others did."""
    body = "<!-- storylint-disable TC01 -->\nWe should keep the sessions in Redis."
    stories = [
        {"id": "by-id", "title": "Story", "author": {"id": "5b10ac8d82e05b22cc7d4ef5"}, "body": body},
        {"id": "by-email", "title": "Story", "author": {"email": "pm@example.com"}, "body": body},
    ]
    data = _check_json(tmp_path, *stories)
    authors: dict[str, set[str | None]] = {}
    for f in data["findings"]:
        authors.setdefault(f["story"], set()).add(f["author"])
    assert {f["rule"] for f in data["findings"]} >= {"SL02", "DM03"}
    assert authors == {"by-id": {"5b10ac8d82e05b22cc7d4ef5"}, "by-email": {"pm@example.com"}}


def _doc_example() -> dict:
    doc = (ROOT / "docs" / "json-output.md").read_text("utf-8")
    m = re.search(r"```json\n(.*?)\n```", doc, re.DOTALL)
    assert m, "docs/json-output.md has no ```json example"
    return json.loads(m.group(1))


def test_the_documented_example_is_what_the_bundled_examples_give(tmp_path: Path) -> None:
    """The example in docs/json-output.md is `check examples/stories.jsonl --format json`,
    abridged: its counts, its EX-6 finding (positions, confidence) and its field names and
    types are those of a real run (its column once pointed 7 characters past the term)."""
    doc = _doc_example()
    proc = subprocess.run(
        [sys.executable, "-m", "storylint", "check", str(ROOT / "examples" / "stories.jsonl"), "--format", "json"],
        capture_output=True, text=True, check=False, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    real = json.loads(proc.stdout)
    assert list(doc) == list(real)
    assert doc["schema_version"] == real["schema_version"]
    assert list(doc["summary"]) == list(real["summary"])
    for key, value in doc["summary"].items():
        if isinstance(value, dict):  # abridged: the entries shown are the real ones
            assert value == {k: real["summary"][key].get(k) for k in value}, key
        else:
            assert value == real["summary"][key], key
    shown = doc["findings"][0]
    found = next(f for f in real["findings"] if (f["story"], f["rule"]) == (shown["story"], shown["rule"]))
    assert list(shown) == list(found)  # every field, in order: none undocumented, none missing
    for key, value in shown.items():
        if isinstance(value, str) and value.endswith("..."):
            assert found[key].startswith(value.removesuffix("...").rstrip()), key
        else:
            assert value == found[key], key
    for part in ("skipped", "errors"):  # their shape, from other inputs
        assert all(type(v) is not dict for v in doc[part][0].values())
    assert set(doc["skipped"][0]) == {"story", "reason", "url"}
    assert set(doc["errors"][0]) == {"source", "line", "message"}


def _finding(**fields: Any) -> Finding:
    base: dict[str, Any] = {
        "story": "S-1", "rule": "DM01", "name": "database-table", "category": "data_model", "severity": "warning",
        "message": "“orders” is a table", "excerpt": "Add a column to orders", "suggestion": "Say what the user needs.",
    }  # fmt: skip
    return Finding(**{**base, **fields})


#: findings whose values put the JSON of every kind of field to the test: what `to_dict` and the
#: C encoder write for each is what the document must hold, byte for byte
_UNUSUAL = [
    {},
    {"url": "https://jira.example.com/browse/S-1", "author": "Zoë “Z” O'Neil", "project": "ACME"},
    {"excerpt": 'quotes " and \\ backslash, tab\t, NUL \x00, \x1f, DEL \x7f, line sep \u2028, emoji 🐘, 한국어'},
    {"excerpt": "lone \ud800 surrogate", "message": "m \udfff"},
    {"confidence": 0.7}, {"confidence": 0.123456}, {"confidence": 0.005}, {"confidence": 1}, {"confidence": 1.0},
    {"confidence": True}, {"confidence": float("nan")}, {"confidence": float("inf")}, {"confidence": -0.0},
    {"line": True, "column": 2**70}, {"end_line": 10**30},
    {"story": 5}, {"url": 7}, {"author": ["a"]}, {"message": None}, {"project": ""},
]


def test_a_findings_json_is_the_encoders_for_every_kind_of_value() -> None:
    """`encode_records` writes a finding's JSON from pieces it keeps (a rule's words, a story's
    url and project): the bytes must be those of encoding its `to_dict()`, for the values of
    odd types a `Finding` may still be given too (they take the encoder's own path)."""
    from storylint.reporters.json_format import encode_record, encode_records

    findings = [_finding(**f) for f in _UNUSUAL]
    for f in findings:
        expected = encode_record(f.to_dict()).encode("utf-8", "surrogatepass")
        assert encode_records([f]) == expected, f
        assert encode_records([f]) == expected, f  # its pieces kept now
    whole = b", ".join(encode_record(f.to_dict()).encode("utf-8", "surrogatepass") for f in findings)
    assert encode_records(findings) == whole


def test_a_findings_pieces_are_not_kept_without_bound() -> None:
    """A run of many different terms (each message its own text) keeps a bounded table."""
    from storylint.reporters import json_format

    encoder = json_format._FindingEncoder()
    findings = [_finding(message=f"term {i} is a table", story=f"S-{i}") for i in range(3 * encoder._LIMIT)]
    got = encoder.encode(findings)
    assert got == b", ".join(json_format.encode_record(f.to_dict()).encode() for f in findings)
    assert len(encoder.text) <= encoder._LIMIT and len(encoder.stories) <= 64


@pytest.mark.parametrize(("encoding", "errors"), [("utf-8", "strict"), ("utf-8", "surrogatepass"), ("latin-1", "replace")])
def test_the_written_report_is_the_rendered_one_in_the_streams_encoding(
    tmp_path: Path, encoding: str, errors: str
) -> None:
    """`write` puts the findings' bytes into a UTF-8 output as they are, and gives any other
    stream (or a lone surrogate, which only its error handler decides about) their text: the
    bytes are always those of writing `render`'s document to that stream, over several
    batches of findings."""
    import io

    from storylint.model import Report
    from storylint.reporters import RenderContext
    from storylint.reporters.json_format import _WRITE_BATCH, render, write

    report = Report()
    # a lone surrogate in the first batch only (never with `strict`): the batches after it are bytes
    usual = [f for f in _UNUSUAL if "lone" not in str(f.get("excerpt"))]
    first = _UNUSUAL if errors != "strict" else usual
    stories = [[_finding(**{"story": f"S-{i}", **f}) for f in (usual if i else first)]
               for i in range(2 * _WRITE_BATCH // len(usual) + 2)]  # fmt: skip
    for findings in stories:
        report.add_findings(findings)
    assert len(report.findings) > 2 * _WRITE_BATCH
    ctx = RenderContext(version="x")
    written = tmp_path / "out.json"
    with written.open("w", encoding=encoding, errors=errors) as stream:
        write(report, ctx, stream)
    assert written.read_bytes() == render(report, ctx).encode(encoding, errors)
    text = io.StringIO()  # no bytes under it
    write(report, ctx, text)
    assert text.getvalue() == render(report, ctx)
