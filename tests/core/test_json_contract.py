"""docs/json-output.md against `check --format json`: the documented contract is what runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

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
