"""Domain vocabulary learned from the tracker: recorded by runs with a store, applied to
weak findings only, listed and exported by `storylint vocabulary`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storylint.config import Config, Vocabulary, load_config
from storylint.domain import domain_evidence, learned_terms, learned_vocabulary
from storylint.engine import Linter
from storylint.model import HOW_CATEGORIES, Story
from storylint.runner import check_stories
from storylint.store import open_store

from .relaybus import (
    PLAN_CONSUMER,
    PLAN_WSDL,
    PROJECT,
    WEAK_CONSUMER,
    WEAK_WSDL,
    story,
    tracker,
    write_jsonl,
)

PROBES = [WEAK_WSDL, PLAN_WSDL, WEAK_CONSUMER, PLAN_CONSUMER]
#: A weak finding is reported down to 0.5 here: rules/calibration.toml, measured on labelled
#: stories, may put a bundled rule's modal under the default 0.7, and then the store would have
#: nothing left to drop.
SHOWN = ("--min-confidence", "0.5")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def flagged(res: subprocess.CompletedProcess[str]) -> dict[str, set[str]]:
    """story -> rules of its HOW findings (TC, CS) in a JSON report."""
    assert res.returncode in (0, 1), res.stderr
    out: dict[str, set[str]] = {}
    for f in json.loads(res.stdout)["findings"]:
        if f["rule"][:2] in ("TC", "CS"):
            out.setdefault(f["story"], set()).add(f["rule"])
    return out


def record(url: str, rows: list[dict[str, Any]], config: Config | None = None) -> None:
    store = open_store(url)
    try:
        stories = [Story.model_validate(r) for r in rows]
        check_stories(stories, Linter(config), store=store, source="files")
    finally:
        store.close()


def learned(url: str, config: Config | None = None) -> dict[str, frozenset[str]]:
    store = open_store(url)
    try:
        reject = [t for ts in (config or Config()).vocabulary.reject.values() for t in ts]
        return learned_terms(store, reject)
    finally:
        store.close()


# -- end to end: the tracker teaches the product's domain ---------------------------------
def test_recorded_tracker_drops_weak_mentions_but_keeps_orders(store_url: str, tmp_path: Path) -> None:
    history = write_jsonl(tmp_path / "history.jsonl", tracker(wsdl=12, consumer=8, total=64))
    probes = write_jsonl(tmp_path / "later.jsonl", PROBES)

    before = flagged(run("check", *SHOWN, str(probes), "--format", "json", cwd=tmp_path))
    assert before == {"RELAY-9001": {"TC01"}, "RELAY-9002": {"TC01"}, "RELAY-9003": {"CS01"}, "RELAY-9004": {"CS01"}}

    res = run("check", *SHOWN, str(history), "--store", store_url, "--format", "json", cwd=tmp_path)
    assert res.returncode in (0, 1), res.stderr
    after = flagged(run("check", *SHOWN, str(probes), "--store", store_url, "--format", "json", cwd=tmp_path))
    # "The WSDL must be re-read ..." mentions the product's domain: no longer flagged
    assert "RELAY-9001" not in after and "RELAY-9003" not in after
    # "We should build it with a WSDL-first ..." still orders a technology
    assert after == {"RELAY-9002": {"TC01"}, "RELAY-9004": {"CS01"}}

    # without a store, the same stories are judged as before
    assert flagged(run("check", *SHOWN, str(probes), "--format", "json", cwd=tmp_path)) == before


def test_other_projects_and_stories_without_a_project_learn_nothing(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=12, total=64, project="OTHER") + tracker(wsdl=12, total=64, project=None, start=100))
    assert set(learned(url)) == {"OTHER"}
    other_weak = {**WEAK_WSDL, "project": "OTHER", "id": "OTHER-9001"}
    res = run("check", *SHOWN, str(write_jsonl(tmp_path / "p.jsonl", [WEAK_WSDL, other_weak])), "--store", url,
              "--format", "json", cwd=tmp_path)  # fmt: skip
    assert flagged(res) == {"RELAY-9001": {"TC01"}}


def test_learning_is_off_with_learn_false(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=12, consumer=8, total=64))
    config = tmp_path / "storylint.toml"
    config.write_text("[vocabulary]\nlearn = false\n", encoding="utf-8")
    res = run("check", *SHOWN, str(write_jsonl(tmp_path / "p.jsonl", [WEAK_WSDL])), "--store", url, "--config", str(config),
              "--format", "json", cwd=tmp_path)  # fmt: skip
    assert flagged(res) == {"RELAY-9001": {"TC01"}}


# -- thresholds ---------------------------------------------------------------------------
@pytest.mark.parametrize(("stories", "is_learned"), [(4, False), (5, True)])
def test_a_term_needs_five_stories(store_url: str, stories: int, is_learned: bool) -> None:
    record(store_url, tracker(wsdl=stories, total=20))  # 1% of 20 is far below
    assert ("wsdl" in learned(store_url).get(PROJECT, frozenset())) is is_learned


@pytest.mark.parametrize(("total", "is_learned"), [(600, True), (601, False)])
def test_a_term_needs_one_percent_of_the_projects_stories(store_url: str, total: int, is_learned: bool) -> None:
    record(store_url, tracker(wsdl=6, total=total))  # 6 stories: 1.0% of 600, 0.998% of 601
    assert ("wsdl" in learned(store_url).get(PROJECT, frozenset())) is is_learned
    store = open_store(store_url)
    try:
        assert store.project_story_counts() == {PROJECT: total}
    finally:
        store.close()


def test_rerecorded_story_replaces_its_evidence(store_url: str) -> None:
    rows = tracker(wsdl=5, total=20)
    record(store_url, rows)
    assert "wsdl" in learned(store_url)[PROJECT]
    record(store_url, [story(1, "As an operator I want to see queue depth so that I can plan capacity.")])
    assert "wsdl" not in learned(store_url).get(PROJECT, frozenset())  # 4 stories left


def test_titles_are_not_evidence(store_url: str) -> None:
    rows = [story(n, "As an operator I want to see queue depth so that I can plan capacity.",
                  title="Import the WSDL of the partner") for n in range(1, 11)]  # fmt: skip
    record(store_url, rows)
    assert learned(store_url) == {}


def test_rejected_terms_are_never_learned(store_url: str, tmp_path: Path) -> None:
    config = Config(vocabulary=Vocabulary(reject={"technology": ["WSDL"]}))
    record(store_url, tracker(wsdl=12, consumer=8, total=64), config)
    assert learned(store_url, config)[PROJECT] == frozenset({"rbrouteconsumer"})
    assert "wsdl" in learned(store_url)[PROJECT]  # the evidence is there; the team's config overrides it
    toml = tmp_path / "storylint.toml"
    toml.write_text('[vocabulary]\nreject = { technology = ["WSDL"] }\n', encoding="utf-8")
    res = run("vocabulary", "--store", store_url, "--config", str(toml), "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    terms = [t["term"] for t in json.loads(res.stdout)["projects"][PROJECT]["terms"]]
    assert terms == ["rbrouteconsumer"]


def test_incremental_run_relints_a_story_when_its_projects_vocabulary_changes(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    weak = Story.model_validate(WEAK_WSDL)
    store = open_store(url)
    shown = Config(min_confidence=0.5)
    try:
        report, stats = check_stories([weak], Linter(shown), store=store, skip_unchanged=True)
        assert "TC01" in {f.rule for f in report.findings}
        history = [Story.model_validate(r) for r in tracker(wsdl=12, total=64)]
        check_stories(history, Linter(shown), store=store)
        report, stats = check_stories([weak], Linter(shown), store=store, skip_unchanged=True)
        assert stats.unchanged == 0 and [f.rule for f in report.findings if f.rule == "TC01"] == []
        report, stats = check_stories([weak], Linter(shown), store=store, skip_unchanged=True)
        assert stats.unchanged == 1  # and unchanged once the vocabulary holds still
    finally:
        store.close()


def test_evidence_positions() -> None:
    def evidence(body: str, title: str = "Partner contracts") -> set[str]:
        return domain_evidence(Story(id="X-1", title=title, body=body))

    assert evidence("As an integration developer I want to import a WSDL so that I can call a partner.") == {"wsdl"}
    assert evidence("## Acceptance criteria\n- Each WSDL operation is listed") == {"wsdl"}
    assert evidence("Relaybus gains support for WSDL 2.0 documents.") == {"wsdl"}
    assert evidence("Routes connect to Kafka topics and RabbitMQ queues.") == {"kafka", "rabbitmq"}
    assert evidence("As a route designer I want to add an `rbRouteConsumer` step.") == {"rbrouteconsumer"}
    assert evidence("The WSDL must be re-read.") == set()  # a statement about it, not the user speaking
    assert evidence("We should build it with a WSDL-first generator.") == set()
    assert evidence("Nothing here.", title="Add support for WSDL") == set()  # titles are build orders
    # a want that dictates how the system is built is no user's own want
    assert evidence("As a user I want the system to store sessions in Redis so that I stay signed in.") == set()

    # a bug report's symptom names a part the product's users ran into, its title too
    assert evidence("Steps to reproduce:\n1. Open the route\n\nThe WSDL import fails with a timeout.") == {"wsdl"}
    assert evidence("Nothing else.", title="Kafka consumer crashes on an empty topic") == {"kafka"}
    # outside a bug report the same statement is no evidence, nor is a bug's proposed fix
    assert evidence("The WSDL import fails with a timeout.") == set()
    assert evidence("Steps to reproduce:\n1. Open the route\n\nWe should switch to Kafka to fix the failure.") == set()


def test_a_learned_term_that_a_sentence_chooses_is_still_reported() -> None:
    # one suggested term is below the default threshold (its own calibration row): every finding shown here
    linter = Linter(Config(min_confidence=0.0), domain={PROJECT: ["kafka"]})

    def codes(body: str) -> set[str]:
        story = Story(id="RELAY-1", title="Partner deliveries", body=body, project=PROJECT)
        return {f.rule for f in linter.lint(story).findings if f.category in HOW_CATEGORIES}

    assert codes("Deliveries from Kafka must be acknowledged.") == set()  # the domain, mentioned
    assert codes("Deliveries must use Kafka for the retry queue.") == {"TC01"}  # the domain, chosen


# -- storylint vocabulary -----------------------------------------------------------------
def test_vocabulary_command_text_json_and_written_config(store_url: str, tmp_path: Path) -> None:
    record(store_url, tracker(wsdl=12, consumer=8, total=64) + tracker(wsdl=2, total=10, project="DOCS", start=500))
    res = run("vocabulary", "--store", store_url, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "DOCS: 0 learned term(s) from 10 stories"
    assert lines[1] == "RELAY: 2 learned term(s) from 64 stories"
    assert lines[2].split() == ["wsdl", "12", "stories", "18.8%", "e.g.", "RELAY-1,", "RELAY-10,", "RELAY-11"]
    assert lines[3].split()[:4] == ["rbrouteconsumer", "8", "stories", "12.5%"]

    res = run("vocabulary", "--store", store_url, "--project", PROJECT, "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert list(data["projects"]) == [PROJECT]
    assert data["projects"][PROJECT]["stories"] == 64
    assert data["projects"][PROJECT]["terms"][0] == {
        "term": "wsdl", "stories": 12, "share": 0.1875, "examples": ["RELAY-1", "RELAY-10", "RELAY-11"],
    }  # fmt: skip

    out = tmp_path / "relay-vocabulary.toml"
    res = run("vocabulary", "--store", store_url, "--project", PROJECT, "--write", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert load_config(out).vocabulary.accept == ["wsdl", "rbrouteconsumer"]
    # the exported file is configuration for runs without a store (the GitHub Action)
    res = run("check", *SHOWN, str(write_jsonl(tmp_path / "p.jsonl", PROBES)), "--config", str(out), "--format", "json",
              cwd=tmp_path)  # fmt: skip
    assert flagged(res) == {}  # accepted terms are never flagged, not even in a plan


def test_vocabulary_write_needs_one_project(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=6, total=20) + tracker(wsdl=6, total=20, project="DOCS", start=100))
    out = tmp_path / "v.toml"
    res = run("vocabulary", "--store", url, "--write", str(out), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == "Error: --write needs one --project (projects: DOCS, RELAY)\n"
    assert not out.exists()
    res = run("vocabulary", "--store", url, "--project", "NOPE", cwd=tmp_path)
    assert res.returncode == 2 and "NOPE" in res.stderr and "DOCS, RELAY" in res.stderr
    assert len(res.stderr.splitlines()) == 1


def test_vocabulary_write_keeps_a_projects_name_in_its_comment(tmp_path: Path) -> None:
    """A project's name is tracker data: a line break in it ended the file's comment, and the
    rest of the name was read back as configuration (here: every rule but TC switched off)."""
    project = 'RELAY\nselect = ["TC"]\n# \x7f'
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=6, total=20, project=project))
    out = tmp_path / "v.toml"
    res = run("vocabulary", "--store", url, "--project", project, "--write", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    config = load_config(out)
    assert config.select is None and config.vocabulary.accept == ["wsdl"]
    assert out.read_text("utf-8").splitlines()[0].startswith('# Domain vocabulary of RELAY\\nselect = ["TC"]\\n# \\x7f ')


def test_vocabulary_text_keeps_a_projects_name_on_its_line(tmp_path: Path) -> None:
    """As `check --format text` does: a name can neither break the line nor start a workflow command."""
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=6, total=20, project="::add-mask::x\n::warning::RELAY\x1b[2J"))
    res = run("vocabulary", "--store", url, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "\\::add-mask::x ::warning::RELAY [2J: 1 learned term(s) from 20 stories"
    assert not any(line.lstrip().startswith("::") for line in res.stdout.splitlines())


def test_vocabulary_write_treats_its_target_as_o_does(tmp_path: Path) -> None:
    """--write follows a symlink to the file it names, writes into a FIFO rather than
    replacing it (so /dev/stdout stays a device), and takes `-` for stdout."""
    import os
    import threading

    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=6, total=20))
    real = tmp_path / "real.toml"
    real.write_text("# old\n", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    res = run("vocabulary", "--store", url, "--project", PROJECT, "--write", str(link), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and load_config(real).vocabulary.accept == ["wsdl"]

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    res = run("vocabulary", "--store", url, "--project", PROJECT, "--write", str(fifo), cwd=tmp_path)
    reader.join(timeout=30)
    assert res.returncode == 0, res.stderr
    assert fifo.is_fifo() and b"accept = [\"wsdl\"]" in got[0]

    res = run("vocabulary", "--store", url, "--project", PROJECT, "--write", "-", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("# Domain vocabulary of RELAY") and 'accept = ["wsdl"]' in res.stdout
    assert not (tmp_path / "-").exists()

    res = run("vocabulary", "--store", url, "--project", PROJECT, "--write", str(tmp_path / "no" / "v.toml"), cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("Error: --write ") and "does not exist" in res.stderr


def test_stories_gone_from_the_input_stop_teaching_the_vocabulary(tmp_path: Path) -> None:
    """A complete run removes the stories it no longer sees (they stop counting): their domain
    evidence goes with them, from the learned terms, their counts and their examples."""
    url = str(tmp_path / "h.db")
    rows = tracker(wsdl=6, total=20)
    store = open_store(url)
    try:
        check_stories([Story.model_validate(r) for r in rows], Linter(), store=store, source="files", complete=True)
        assert learned(url).get(PROJECT) == frozenset({"wsdl"})
        check_stories([Story.model_validate(rows[-1])], Linter(), store=store, source="files", complete=True)
    finally:
        store.close()
    assert not learned(url).get(PROJECT)
    res = run("vocabulary", "--store", url, "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)["projects"][PROJECT]
    assert info["stories"] == 1 and info["terms"] == []


def test_vocabulary_never_creates_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    res = run("vocabulary", "--store", str(missing), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.startswith("Error: ") and str(missing) in res.stderr and len(res.stderr.splitlines()) == 1
    assert not missing.exists()
    # (a corpus that exists: the store is what is missing)
    corpus = write_jsonl(tmp_path / "c.jsonl", [{**WEAK_WSDL, "label": {"prescribes": False, "categories": []}}])
    res = run("evaluate", *SHOWN, str(corpus), "--store", str(missing), cwd=tmp_path)
    assert res.returncode == 2 and str(missing) in res.stderr and not missing.exists()


def test_evaluate_applies_the_stores_vocabulary(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    record(url, tracker(wsdl=12, total=64))
    labelled = [{**WEAK_WSDL, "label": {"prescribes": False, "categories": []}},
                {**PLAN_WSDL, "label": {"prescribes": True, "categories": ["technology"]}}]  # fmt: skip
    corpus = write_jsonl(tmp_path / "c.jsonl", labelled)
    plain = json.loads(run("evaluate", *SHOWN, str(corpus), "--format", "json", cwd=tmp_path).stdout)
    with_store = json.loads(run("evaluate", *SHOWN, str(corpus), "--store", url, "--format", "json", cwd=tmp_path).stdout)
    assert (plain["prescribes"]["fp"], plain["prescribes"]["tp"]) == (1, 1)
    assert (with_store["prescribes"]["fp"], with_store["prescribes"]["tp"]) == (0, 1)


def test_no_store_no_history_results_unchanged(tmp_path: Path) -> None:
    rows = tracker(wsdl=12, consumer=8, total=64) + PROBES
    stories = [Story.model_validate(r) for r in rows]
    plain = [Linter().lint(s).findings for s in stories]
    empty = open_store(str(tmp_path / "empty.db"))
    try:  # an empty store learns nothing: the same findings as without one
        seen: list[list[Any]] = []
        check_stories(stories, Linter(), store=empty, on_result=lambda r: seen.append(r.findings))
        assert seen == plain
        assert learned_vocabulary(empty) != {}  # then it has learned
    finally:
        empty.close()
