"""The evaluation harness, on the project's own labelled stories (tests/fixtures/labelled.jsonl)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storylint.engine import Linter
from storylint.evaluation import Scores, evaluate, load_labelled

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelled.jsonl"


def test_scores_arithmetic() -> None:
    s = Scores()
    for predicted, actual in [(True, True), (True, True), (True, False), (False, True), (False, False)]:
        s.add(predicted, actual)
    assert (s.tp, s.fp, s.fn, s.tn) == (2, 1, 1, 1)
    assert abs(s.precision - 2 / 3) < 1e-9 and abs(s.recall - 2 / 3) < 1e-9 and abs(s.accuracy - 0.6) < 1e-9


def test_rules_on_own_labelled_stories() -> None:
    ev = evaluate(Linter(), load_labelled(FIXTURE))
    assert ev.stories == sum(1 for line in FIXTURE.read_text().splitlines() if line.strip())
    assert ev.prescribes.precision >= 0.9 and ev.prescribes.recall >= 0.85, (ev.false_positives, ev.false_negatives)
    assert ev.outcome.accuracy >= 0.9 and ev.criteria.accuracy >= 0.9


def test_false_positives_are_listed_with_excerpts() -> None:
    # Label every story as clean: each flagged story must then be listed with its excerpts.
    items = [(story, {**label, "prescribes": False, "categories": []}) for story, label in load_labelled(FIXTURE)]
    ev = evaluate(Linter(), items)
    assert ev.prescribes.fp == len(ev.false_positives) > 0
    assert all(fp["findings"] and all(f["excerpt"] for f in fp["findings"]) for fp in ev.false_positives)


def test_evaluate_command_json(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "storylint", "evaluate", str(FIXTURE), "--format", "json"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data["categories"]) == {"data_model", "ui_spec", "code_structure", "api_contract", "technology", "implementation_steps"}
    assert {"precision", "recall", "f1"} <= set(data["prescribes"])
    missing = subprocess.run([sys.executable, "-m", "storylint", "evaluate", str(tmp_path / "nope.jsonl")],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 2 and "nope.jsonl" in missing.stderr
