"""The evaluation harness, on the project's own labelled stories (tests/fixtures/labelled.jsonl)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storylint.engine import Linter
from storylint.evaluation import (
    Outcome,
    Report,
    Scores,
    evaluate,
    format_report,
    load_labelled,
    project_of,
    reliability,
)

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
        capture_output=True, check=False, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data["categories"]) == {"data_model", "ui_spec", "code_structure", "api_contract", "technology", "implementation_steps"}
    assert {"precision", "recall", "f1"} <= set(data["prescribes"])
    missing = subprocess.run([sys.executable, "-m", "storylint", "evaluate", str(tmp_path / "nope.jsonl")],
                             capture_output=True, check=False, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 2 and "nope.jsonl" in missing.stderr


def test_two_corpora_of_one_file_name_are_two_rows(tmp_path: Path) -> None:
    # `a/dev.jsonl` and `b/dev.jsonl` were one row of the by-corpus table
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    for folder, part in (("a", lines[:3]), ("b", lines[3:6])):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "dev.jsonl").write_text("".join(part), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "storylint", "evaluate", "a/dev.jsonl", "b/dev.jsonl",
                          str(FIXTURE), "--format", "json"],
                         capture_output=True, check=False, text=True, timeout=60, cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)["by_corpus"]
    assert {name: row["stories"] for name, row in rows.items()} == {"a/dev.jsonl": 3, "b/dev.jsonl": 3, FIXTURE.name: len(lines)}


def test_a_bad_corpus_line_is_one_error_naming_the_file_and_line(tmp_path: Path) -> None:
    good = '{"id": "c:p:1", "title": "Use Redis", "label": {"prescribes": true, "categories": ["technology"]}}'
    cases = {
        "no-label.jsonl": (f'{good}\n{{"id": "c:p:2", "title": "t"}}\n', "line 2: no label object"),
        "null-label.jsonl": (f'{good}\n{{"id": "c:p:2", "title": "t", "label": null}}\n', "line 2: no label object"),
        "yes.jsonl": ('{"id": "c:p:2", "title": "t", "label": {"prescribes": "yes"}}\n', "line 1: label.prescribes must be true or false"),
        "cats.jsonl": ('{"id": "c:p:2", "title": "t", "label": {"prescribes": true, "categories": 5}}\n', "line 1: label.categories"),
        "evidence.jsonl": (f'{good}\n{{"id": "c:p:2", "title": "t", "label": {{"prescribes": true, "evidence": 5}}}}\n',
                           "line 2: label.evidence must be a list"),
        "quote.jsonl": ('{"id": "c:p:2", "title": "t", "label": {"prescribes": true, "evidence": "Use Redis"}}\n',
                        "line 1: label.evidence must be a list"),
        "quotes.jsonl": ('{"id": "c:p:2", "title": "t", "label": {"prescribes": true, "evidence": [{"text": "x"}]}}\n',
                         "line 1: label.evidence must be a list"),
        "broken.jsonl": (f"{good}\n{{bad\n", "line 2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        "array.jsonl": (f"[{good}]\n", "line 1: expected a story object, got list"),
        "title.jsonl": ('{"id": "c:p:2", "title": 5, "label": {"prescribes": false}}\n', "line 1: title: input should be a valid string"),
        "utf8.jsonl": (f"{good}\n" + '{"id": "c:p:2", "title": "caf\udce9", "label": {"prescribes": false}}\n', "line 2: invalid UTF-8 at byte"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
        res = subprocess.run([sys.executable, "-m", "storylint", "evaluate", str(tmp_path / name), "--quiet"],
                             capture_output=True, check=False, text=True, timeout=60)  # fmt: skip
        assert res.returncode == 2, (name, res.stderr)
        assert res.stderr.startswith(f"Error: {tmp_path / name}: not a labelled corpus: {message}"), (name, res.stderr)
        assert len(res.stderr.splitlines()) == 1 and "internal error" not in res.stderr
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + good.encode() + b"\n")  # as check accepts one
    res = subprocess.run([sys.executable, "-m", "storylint", "evaluate", str(tmp_path / "bom.jsonl"), "--quiet"],
                         capture_output=True, check=False, text=True, timeout=60)  # fmt: skip
    assert res.returncode == 0 and "stories: 1" in res.stdout, res.stderr


def _outcome(story_id: str, *, actual: bool, found: bool, confidence: float = 0.8, kind: str = "story") -> Outcome:
    return Outcome(id=story_id, title="t", corpus="c.jsonl", project=project_of(story_id), kind=kind,
                   label_confidence="high", actual=actual, actual_categories=frozenset({"technology"} if actual else ()),
                   found_categories=frozenset({"technology"} if found else ()), confidence=confidence if found else 0.0,
                   outcome_actual=None, outcome_found=True, criteria_actual=None, criteria_found=True,
                   findings=[{"rule": "TC01", "confidence": confidence, "excerpt": "x"}] if found else [], evidence=[])  # fmt: skip


def test_project_is_the_middle_part_of_an_id() -> None:
    assert project_of("jira:mesos:MESOS-12") == "mesos"
    assert project_of("neo:10171270:27487953") == "10171270"
    assert project_of("L-1") == "L-1"


def test_report_groups_splits_and_hides_held_out_misses() -> None:
    outcomes = [
        _outcome("j:alpha:A-1", actual=True, found=True),
        _outcome("j:alpha:A-2", actual=False, found=True),  # a visible false positive
        _outcome("j:beta:B-1", actual=True, found=False),  # a held-out miss: never listed
        _outcome("j:beta:B-2", actual=True, found=True, kind="bug"),
    ]
    report = Report(outcomes, held_out=frozenset({"beta"}))
    by_project = report.groups(lambda o: o.project)
    assert by_project["alpha"].prescribes.precision == 0.5 and by_project["beta"].prescribes.recall == 0.5
    splits = report.splits()
    assert (splits["tuned"].stories, splits["held-out"].stories) == (2, 2)
    data = report.as_dict()
    assert [fp["id"] for fp in data["false_positives"]] == ["j:alpha:A-2"]
    assert data["false_negatives"] == []  # B-1 is held out
    assert data["by_kind"]["bug"]["prescribes"]["tp"] == 1
    assert "j:beta:B-1" not in format_report(report)


def test_reliability_and_min_confidence_count_stories_by_their_strongest_finding() -> None:
    outcomes = [
        _outcome("j:a:1", actual=True, found=True, confidence=0.95),
        _outcome("j:a:2", actual=False, found=True, confidence=0.95),
        _outcome("j:a:3", actual=True, found=True, confidence=0.72),
        _outcome("j:a:4", actual=False, found=True, confidence=0.72),
        _outcome("j:a:5", actual=False, found=True, confidence=0.71),
    ]
    bands = {(b.low, b.high): (b.flagged, b.precision) for b in reliability(outcomes)}
    assert bands[(0.9, 1.0)] == (2, 0.5)
    assert bands[(0.7, 0.8)] == (3, 1 / 3)
    strict = Report(outcomes, min_confidence=0.9).overall.prescribes
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 1)
    assert Report(outcomes).thresholds()[0.9].tp == 1


def test_evaluate_command_several_corpora_split_and_project(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(lines[:10]) + "\n")
    second.write_text("\n".join(lines[10:]) + "\n")
    res = subprocess.run(
        [sys.executable, "-m", "storylint", "evaluate", str(first), str(second), "--format", "json",
         "--split", "L-3"], capture_output=True, check=False, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["stories"] == len([x for x in lines if x.strip()])
    assert set(data["by_corpus"]) == {"a.jsonl", "b.jsonl"}
    assert data["split"]["held-out"]["stories"] == 1 and data["held_out_projects"] == ["L-3"]
    assert {"band", "flagged", "precision"} <= set(data["reliability"][0])


def test_evaluate_min_confidence_below_the_default_counts_weaker_findings(tmp_path: Path) -> None:
    """`evaluate --min-confidence 0.3` counts the findings `check --min-confidence 0.3` reports,
    also those under the configured 0.7 (the linter used to drop them before counting)."""
    bodies = [
        "The WSDL must be re-read when the partner publishes a new WSDL version.",
        "It would be nice if the export used Redis somehow.",
        "Maybe the table could use a dropdown for the status.",
        "The export is built with React and is slow.",  # a technology stated, not ordered: weak
    ]
    rows = [{"id": f"W-{i}", "title": "Partner updates", "body": b, "label": {"prescribes": False, "categories": []}}
            for i, b in enumerate(bodies)]  # fmt: skip
    corpus = tmp_path / "weak.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        res = subprocess.run([sys.executable, "-m", "storylint", *args, "--format", "json"],
                             capture_output=True, check=False, text=True, timeout=60, cwd=tmp_path)  # fmt: skip
        assert res.returncode in (0, 1), res.stderr
        return json.loads(res.stdout)  # type: ignore[no-any-return]

    how = {"data_model", "ui_spec", "code_structure", "api_contract", "technology", "implementation_steps"}
    weak = {f["story"] for f in run("check", str(corpus), "--min-confidence", "0.3", "--fail-on", "never")["findings"]
            if f["category"] in how and f["confidence"] < 0.7}  # fmt: skip
    strong = {f["story"] for f in run("check", str(corpus), "--fail-on", "never")["findings"] if f["category"] in how}
    assert weak - strong, "the probes should hold a story flagged only under 0.7"
    assert run("evaluate", str(corpus), "--min-confidence", "0.3")["prescribes"]["fp"] == len(weak | strong)
    assert run("evaluate", str(corpus))["prescribes"]["fp"] == len(strong)


def test_evaluate_says_when_a_project_or_a_corpus_gives_no_story(tmp_path: Path) -> None:
    """A misspelt `--split` project held nothing out (and listed the misses it was to hide), a
    misspelt `--project` or an empty corpus scored no story: all 0.000, exit 0, no word."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "gh:titanium:1", "title": "Use Redis", "label": {"prescribes": true, "categories": ["technology"]}}\n'
        '{"id": "gh:acme:2", "title": "As a shopper I want my orders so that I can track them", "label": {"prescribes": false}}\n'
    )
    (tmp_path / "empty.jsonl").write_text("")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "storylint", "evaluate", *args, "--quiet"],
                              capture_output=True, check=False, text=True, timeout=60, cwd=tmp_path)  # fmt: skip

    res = run("c.jsonl", "--split", "titanum")
    assert res.returncode == 0 and "stories: 2" in res.stdout
    assert res.stderr == "storylint: WARNING: --split titanum: no story of this project in c.jsonl (did you mean `titanium`?)\n"
    res = run("c.jsonl", "--project", "acme,nope")
    assert res.returncode == 0 and "stories: 1" in res.stdout
    assert res.stderr == "storylint: WARNING: --project nope: no story of this project in c.jsonl\n"
    res = run("c.jsonl", "--project", "nope")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.splitlines()[-1] == "Error: c.jsonl: no story of --project nope to score"
    res = run("empty.jsonl")
    assert (res.returncode, res.stdout, res.stderr) == (2, "", "Error: empty.jsonl: no labelled story to score\n")
