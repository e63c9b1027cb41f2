"""Measure detection quality against a labelled corpus (JSON Lines with a `label` object).

A story counts as *flagged* when any finding has one of the six HOW categories (see
LABELING.md). Outcome and acceptance-criteria detection are scored from MO01 / AC01:
the rule firing means "missing".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Linter
from .model import HOW_CATEGORIES, Story

OUTCOME_CATEGORY = "missing_outcome"
CRITERIA_CATEGORY = "missing_acceptance_criteria"


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3), "accuracy": round(self.accuracy, 3)}  # fmt: skip


@dataclass
class Evaluation:
    stories: int = 0
    prescribes: Scores = field(default_factory=Scores)
    categories: dict[str, Scores] = field(default_factory=lambda: {c: Scores() for c in HOW_CATEGORIES})
    outcome: Scores = field(default_factory=Scores)
    criteria: Scores = field(default_factory=Scores)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    false_negatives: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stories": self.stories,
            "prescribes": self.prescribes.as_dict(),
            "categories": {c: s.as_dict() for c, s in self.categories.items()},
            "outcome_detection": self.outcome.as_dict(),
            "acceptance_criteria_detection": self.criteria.as_dict(),
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


def load_labelled(path: Path) -> Iterable[tuple[Story, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            obj = json.loads(line)
            label = obj.pop("label")
            obj.setdefault("source", f"{path}:{number}")
            yield Story.model_validate(obj), label


def evaluate(linter: Linter, items: Iterable[tuple[Story, dict[str, Any]]]) -> Evaluation:
    ev = Evaluation()
    for story, label in items:
        ev.stories += 1
        result = linter.lint(story)
        how = [f for f in result.findings if f.category in HOW_CATEGORIES]
        predicted = bool(how)
        actual = bool(label.get("prescribes"))
        ev.prescribes.add(predicted, actual)
        found_cats = {f.category for f in how}
        for cat, scores in ev.categories.items():
            scores.add(cat in found_cats, cat in label.get("categories", []))
        cats = {f.category for f in result.findings}
        if "outcome" in label:
            ev.outcome.add(OUTCOME_CATEGORY not in cats, bool(label["outcome"]))
        if "acceptance_criteria" in label:
            ev.criteria.add(CRITERIA_CATEGORY not in cats, bool(label["acceptance_criteria"]))
        if predicted and not actual:
            ev.false_positives.append({
                "id": story.id, "title": story.title[:100],
                "findings": [{"rule": f.rule, "excerpt": f.excerpt} for f in how],
            })  # fmt: skip
        elif actual and not predicted:
            ev.false_negatives.append({
                "id": story.id, "title": story.title[:100], "categories": label.get("categories", []),
                "evidence": label.get("evidence", [])[:3],
            })  # fmt: skip
    return ev


def format_text(ev: Evaluation, *, show_errors: bool = True) -> str:
    p = ev.prescribes
    lines = [
        f"stories: {ev.stories}",
        f"prescribes implementation: precision {p.precision:.3f}  recall {p.recall:.3f}  f1 {p.f1:.3f}"
        f"  (tp {p.tp}, fp {p.fp}, fn {p.fn}, tn {p.tn})",
        "",
        f"{'category':<22} {'pos':>4} {'prec':>6} {'recall':>6} {'f1':>6}",
    ]
    for cat, s in ev.categories.items():
        lines.append(f"{cat:<22} {s.tp + s.fn:>4} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
    lines += [
        "",
        f"outcome detection accuracy: {ev.outcome.accuracy:.3f}  (present and found {ev.outcome.tp}, "
        f"missing but said present {ev.outcome.fp}, present but said missing {ev.outcome.fn})",
        f"acceptance-criteria detection accuracy: {ev.criteria.accuracy:.3f}  (present and found {ev.criteria.tp}, "
        f"missing but said present {ev.criteria.fp}, present but said missing {ev.criteria.fn})",
    ]
    if show_errors:
        lines += ["", f"false positives ({len(ev.false_positives)}):"]
        for fp in ev.false_positives:
            lines.append(f"  {fp['id']}  {fp['title']}")
            for f in fp["findings"][:3]:
                lines.append(f"      {f['rule']}: {f['excerpt'][:110]}")
        lines += ["", f"false negatives ({len(ev.false_negatives)}):"]
        for fn in ev.false_negatives:
            lines.append(f"  {fn['id']}  {fn['title']}  {fn['categories']}")
            for e in fn["evidence"]:
                lines.append(f"      expected: {e[:110]}")
    return "\n".join(lines) + "\n"
