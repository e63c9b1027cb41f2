"""Measure detection quality against labelled corpora (JSON Lines with a `label` object).

A story counts as *flagged* when any finding has one of the six HOW categories (see
LABELING.md). Outcome and acceptance-criteria detection are scored from MO01 / AC01:
the rule firing means "missing".

Figures are kept per story first (`Outcome`) and summed over any subset afterwards, so
one run yields the overall figures and the breakdowns by corpus, project and kind that
show whether the rules generalise, plus a reliability table that says whether a
finding's confidence means what it claims. A `held_out` set of projects is scored
alongside but its misses are never listed: those stories stay unseen while tuning.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .engine import Linter
from .model import HOW_CATEGORIES, Story

OUTCOME_CATEGORY = "missing_outcome"
CRITERIA_CATEGORY = "missing_acceptance_criteria"
#: Lower edges of the reliability table's confidence bands (the last band is closed at 1.0).
CONFIDENCE_BANDS = (0.5, 0.6, 0.7, 0.8, 0.9)
#: Thresholds at which the cumulative "min-confidence" figures are shown.
CONFIDENCE_THRESHOLDS = (0.0, 0.6, 0.7, 0.8, 0.85, 0.9)


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

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3), "accuracy": round(self.accuracy, 3)}  # fmt: skip


@dataclass(frozen=True)
class Labelled:
    """A story with its label and where it came from (corpus file, project)."""

    story: Story
    label: dict[str, Any]
    corpus: str = ""

    @property
    def project(self) -> str:
        return project_of(self.story.id)


@dataclass
class Outcome:
    """What the linter said about one labelled story, kept so any subset can be scored."""

    id: str
    title: str
    corpus: str
    project: str
    kind: str
    label_confidence: str
    actual: bool
    actual_categories: frozenset[str]
    found_categories: frozenset[str]
    confidence: float  # highest confidence among HOW findings, 0.0 when none
    outcome_actual: bool | None
    outcome_found: bool
    criteria_actual: bool | None
    criteria_found: bool
    findings: list[dict[str, Any]]
    evidence: list[str]

    @property
    def predicted(self) -> bool:
        return bool(self.found_categories)


@dataclass
class Evaluation:
    stories: int = 0
    prescribes: Scores = field(default_factory=Scores)
    categories: dict[str, Scores] = field(default_factory=lambda: {c: Scores() for c in HOW_CATEGORIES})
    outcome: Scores = field(default_factory=Scores)
    criteria: Scores = field(default_factory=Scores)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    false_negatives: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, *, errors: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stories": self.stories,
            "prescribes": self.prescribes.as_dict(),
            "categories": {c: s.as_dict() for c, s in self.categories.items()},
            "outcome_detection": self.outcome.as_dict(),
            "acceptance_criteria_detection": self.criteria.as_dict(),
        }
        if errors:
            data["false_positives"] = self.false_positives
            data["false_negatives"] = self.false_negatives
        return data


def project_of(story_id: str) -> str:
    """The project a corpus id names: its middle part (`jira:mesos:MESOS-1` → `mesos`)."""
    parts = story_id.split(":")
    return parts[1] if len(parts) >= 3 else parts[0]


def load_labelled(path: Path) -> Iterator[tuple[Story, dict[str, Any]]]:
    for item in load_corpus(path):
        yield item.story, item.label


def corpus_names(paths: list[Path]) -> list[str]:
    """Each corpus's name in the figures: its file name, or its path where two share one
    (`a/dev.jsonl` and `b/dev.jsonl` were one row of the by-corpus table)."""
    counts: dict[str, int] = {}
    for path in paths:
        counts[path.name] = counts.get(path.name, 0) + 1
    return [path.name if counts[path.name] == 1 else str(path) for path in paths]


def load_corpus(path: Path, name: str | None = None) -> Iterator[Labelled]:
    """The labelled stories of a JSON Lines corpus (a BOM is allowed); a line that is not
    one is a ValueError naming the line. `name` is the corpus's in the figures (default: the
    file's name)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"line {number}: invalid UTF-8 at byte {exc.start}") from None
            try:
                yield _labelled_line(line, path, number, name or path.name)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: invalid JSON: {exc.msg} (column {exc.colno})") from None
            except ValidationError as exc:
                err = exc.errors()[0]
                field = ".".join(str(p) for p in err["loc"]) or "story"
                raise ValueError(f"line {number}: {field}: {err['msg'].lower()}") from None
            except (TypeError, ValueError) as exc:
                raise ValueError(f"line {number}: {exc}") from None


def _labelled_line(line: str, path: Path, number: int, corpus: str) -> Labelled:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise TypeError(f"expected a story object, got {type(obj).__name__}")
    label = obj.pop("label", None)
    if not isinstance(label, dict):
        raise TypeError("no label object ({\"label\": {\"prescribes\": ...}})")
    if not isinstance(label.get("prescribes"), bool):
        raise TypeError("label.prescribes must be true or false")
    categories = label.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise TypeError("label.categories must be a list of category names")
    for key in ("outcome", "acceptance_criteria"):
        if key in label and not isinstance(label[key], bool):
            raise TypeError(f"label.{key} must be true or false")
    evidence = label.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        # quoted under a miss: a number stopped the run with an internal error, a string was listed letter by letter
        raise TypeError("label.evidence must be a list of quoted sentences")
    obj.setdefault("source", f"{path}:{number}")
    return Labelled(Story.model_validate(obj), label, corpus)


def judge(linter: Linter, item: Labelled) -> Outcome:
    story, label = item.story, item.label
    result = linter.lint(story)
    how = [f for f in result.findings if f.category in HOW_CATEGORIES]
    cats = {f.category for f in result.findings}
    return Outcome(
        id=story.id, title=story.title[:100], corpus=item.corpus, project=item.project,
        kind=str(label.get("kind") or "unknown"), label_confidence=str(label.get("confidence") or "unknown"),
        actual=bool(label.get("prescribes")), actual_categories=frozenset(label.get("categories", [])),
        found_categories=frozenset(f.category for f in how),
        confidence=max((f.confidence for f in how), default=0.0),
        outcome_actual=bool(label["outcome"]) if "outcome" in label else None,
        outcome_found=OUTCOME_CATEGORY not in cats,
        criteria_actual=bool(label["acceptance_criteria"]) if "acceptance_criteria" in label else None,
        criteria_found=CRITERIA_CATEGORY not in cats,
        findings=[{"rule": f.rule, "confidence": round(f.confidence, 2), "excerpt": f.excerpt} for f in how],
        evidence=list(label.get("evidence", []))[:3],
    )  # fmt: skip


def summarise(outcomes: Iterable[Outcome], *, min_confidence: float = 0.0) -> Evaluation:
    """Sum per-story outcomes; a story is flagged only by findings at or above `min_confidence`."""
    ev = Evaluation()
    for o in outcomes:
        ev.stories += 1
        found = o.found_categories if o.confidence >= min_confidence and o.predicted else frozenset()
        predicted = bool(found)
        ev.prescribes.add(predicted, o.actual)
        for cat, scores in ev.categories.items():
            scores.add(cat in found, cat in o.actual_categories)
        if o.outcome_actual is not None:
            ev.outcome.add(o.outcome_found, o.outcome_actual)
        if o.criteria_actual is not None:
            ev.criteria.add(o.criteria_found, o.criteria_actual)
        if predicted and not o.actual:
            ev.false_positives.append({"id": o.id, "title": o.title, "findings": o.findings})
        elif o.actual and not predicted:
            ev.false_negatives.append({"id": o.id, "title": o.title, "categories": sorted(o.actual_categories),
                                       "evidence": o.evidence})  # fmt: skip
    return ev


def evaluate(linter: Linter, items: Iterable[tuple[Story, dict[str, Any]] | Labelled]) -> Evaluation:
    return summarise(judge(linter, _labelled(item)) for item in items)


def _labelled(item: tuple[Story, dict[str, Any]] | Labelled) -> Labelled:
    return item if isinstance(item, Labelled) else Labelled(item[0], item[1])


@dataclass
class Band:
    low: float
    high: float
    flagged: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 0.0


def reliability(outcomes: list[Outcome]) -> list[Band]:
    """Flagged stories by their highest HOW confidence, and how many truly prescribe."""
    edges = list(CONFIDENCE_BANDS) + [1.0001]
    bands = [Band(edges[i], min(edges[i + 1], 1.0)) for i in range(len(CONFIDENCE_BANDS))]
    below = Band(0.0, CONFIDENCE_BANDS[0])
    for o in outcomes:
        if not o.predicted:
            continue
        band = next((b for b in bands if b.low <= o.confidence < b.high or (b.high == 1.0 and o.confidence >= b.low)), below)
        band.flagged += 1
        band.correct += o.actual
    return ([below] if below.flagged else []) + bands


@dataclass
class Report:
    """Everything `storylint evaluate` prints: overall, breakdowns, reliability."""

    outcomes: list[Outcome]
    held_out: frozenset[str] = frozenset()
    min_confidence: float = 0.0

    def subset(self, keep: Callable[[Outcome], bool]) -> Evaluation:
        return summarise((o for o in self.outcomes if keep(o)), min_confidence=self.min_confidence)

    @property
    def overall(self) -> Evaluation:
        return self.subset(lambda o: True)

    def groups(self, key: Callable[[Outcome], str]) -> dict[str, Evaluation]:
        names = sorted({key(o) for o in self.outcomes})
        return {name: self.subset(lambda o, n=name: key(o) == n) for name in names}  # type: ignore[misc]

    def splits(self) -> dict[str, Evaluation]:
        if not self.held_out:
            return {}
        return {"tuned": self.subset(lambda o: o.project not in self.held_out),
                "held-out": self.subset(lambda o: o.project in self.held_out)}  # fmt: skip

    def thresholds(self) -> dict[float, Scores]:
        return {t: summarise(self.outcomes, min_confidence=t).prescribes for t in CONFIDENCE_THRESHOLDS}

    def visible(self) -> Evaluation:
        """Misses that may be read: the held-out projects' stories are left out."""
        return self.subset(lambda o: o.project not in self.held_out)

    def as_dict(self) -> dict[str, Any]:
        overall = self.overall.as_dict(errors=False)
        visible = self.visible()
        return {
            **overall,
            "min_confidence": self.min_confidence,
            "held_out_projects": sorted(self.held_out),
            "split": {k: v.as_dict(errors=False) for k, v in self.splits().items()},
            "by_corpus": {k: v.as_dict(errors=False) for k, v in self.groups(lambda o: o.corpus).items()},
            "by_project": {k: v.as_dict(errors=False) for k, v in self.groups(lambda o: o.project).items()},
            "by_kind": {k: v.as_dict(errors=False) for k, v in self.groups(lambda o: o.kind).items()},
            "high_confidence_labels": self.subset(lambda o: o.label_confidence == "high").as_dict(errors=False),
            "reliability": [{"band": [b.low, b.high], "flagged": b.flagged, "precision": round(b.precision, 3)}
                            for b in reliability(self.outcomes)],
            "at_min_confidence": {str(t): s.as_dict() for t, s in self.thresholds().items()},
            "false_positives": visible.false_positives,
            "false_negatives": visible.false_negatives,
        }


def _row(name: str, ev: Evaluation) -> str:
    p = ev.prescribes
    return (f"{name:<24} {ev.stories:>5} {p.tp + p.fn:>4} {p.precision:>6.3f} {p.recall:>6.3f} {p.f1:>6.3f}"
            f" {ev.outcome.accuracy:>7.3f} {ev.criteria.accuracy:>7.3f}")  # fmt: skip


def _table(title: str, rows: dict[str, Evaluation]) -> list[str]:
    head = f"{title:<24} {'n':>5} {'pos':>4} {'prec':>6} {'recall':>6} {'f1':>6} {'outcome':>7} {'ac':>7}"
    return ["", head] + [_row(name, ev) for name, ev in rows.items()]


def format_report(report: Report, *, show_errors: bool = True) -> str:
    overall = report.overall
    lines = format_text(overall, show_errors=False).rstrip("\n").split("\n")
    if report.min_confidence:
        lines.insert(0, f"min-confidence: {report.min_confidence}")
    if report.held_out:
        lines += _table("split", report.splits())
        lines.append(f"held out (misses not listed): {', '.join(sorted(report.held_out))}")
    corpora = report.groups(lambda o: o.corpus)
    if len(corpora) > 1:
        lines += _table("corpus", corpora)
    lines += _table("project", report.groups(lambda o: o.project))
    lines += _table("kind", report.groups(lambda o: o.kind))
    lines += _table("label confidence", {"high": report.subset(lambda o: o.label_confidence == "high")})
    lines += ["", f"{'reliability (max HOW confidence)':<34} {'flagged':>7} {'precision':>9}"]
    for b in reliability(report.outcomes):
        lines.append(f"  [{b.low:.2f}, {b.high:.2f}{']' if b.high == 1.0 else ')'}{'':<20} {b.flagged:>7} {b.precision:>9.3f}")
    lines += ["", f"{'at min-confidence':<20} {'flagged':>7} {'prec':>6} {'recall':>6}"]
    for t, s in report.thresholds().items():
        lines.append(f"  >= {t:<15.2f} {s.tp + s.fp:>7} {s.precision:>6.3f} {s.recall:>6.3f}")
    if show_errors:
        misses = format_text(report.visible(), show_errors=True)
        lines += misses[misses.index("\nfalse positives"):].rstrip("\n").split("\n")
    return "\n".join(lines) + "\n"


def format_text(ev: Evaluation, *, show_errors: bool = True) -> str:
    p = ev.prescribes
    lines = [
        f"stories: {ev.stories}",
        (
            f"prescribes implementation: precision {p.precision:.3f}  recall {p.recall:.3f}  f1 {p.f1:.3f}"
            f"  (tp {p.tp}, fp {p.fp}, fn {p.fn}, tn {p.tn})"
        ),
        "",
        f"{'category':<22} {'pos':>4} {'prec':>6} {'recall':>6} {'f1':>6}",
    ]
    for cat, s in ev.categories.items():
        lines.append(f"{cat:<22} {s.tp + s.fn:>4} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
    lines += [
        "",
        (
            f"outcome detection accuracy: {ev.outcome.accuracy:.3f}  (present and found {ev.outcome.tp}, "
            f"missing but said present {ev.outcome.fp}, present but said missing {ev.outcome.fn})"
        ),
        (
            f"acceptance-criteria detection accuracy: {ev.criteria.accuracy:.3f}  (present and found {ev.criteria.tp}, "
            f"missing but said present {ev.criteria.fp}, present but said missing {ev.criteria.fn})"
        ),
    ]
    if show_errors:
        lines += ["", f"false positives ({len(ev.false_positives)}):"]
        for fp in ev.false_positives:
            lines.append(f"  {fp['id']}  {fp['title']}")
            for f in fp["findings"][:3]:
                lines.append(f"      {f['rule']} ({f['confidence']}): {f['excerpt'][:110]}")
        lines += ["", f"false negatives ({len(ev.false_negatives)}):"]
        for fn in ev.false_negatives:
            lines.append(f"  {fn['id']}  {fn['title']}  {fn['categories']}")
            for e in fn["evidence"]:
                lines.append(f"      expected: {e[:110]}")
    return "\n".join(lines) + "\n"
