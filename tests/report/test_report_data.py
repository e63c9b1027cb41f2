"""The aggregation against a real SQLite store and real `check --format json` files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storylint import report_data as rd
from storylint.errors import ConfigError, InputError
from storylint.model import StoryResult
from storylint.store import open_store
from tests.report.report_fixtures import History, finding, gh_story, jira_story, record_run


def dataset(history: History, **kw: object) -> dict:
    store = history.open()
    try:
        alias = kw.pop("alias", None)
        return rd.build_dataset(
            rd.load_store(store, **kw), alias=alias, generated_at="2026-01-01T00:00:00+00:00"
        )  # type: ignore[arg-type]
    finally:
        store.close()


def test_headline_matches_store_totals(history: History) -> None:
    totals = history.totals()
    h = dataset(history)["headline"]
    assert h["findings"] == totals["findings"] == 7
    assert h["with_findings"] == totals["with_findings"] == 6
    assert h["clean"] == totals["clean"] == 3
    assert h["skipped"] == totals["skipped"] == 1
    assert h["checked"] == totals["stories"] - totals["skipped"] == 9
    assert h["clean_share"] == round(3 / 9, 4)
    assert h["by_category"] == {k: v for k, v in totals["by_category"].items()}
    assert h["by_severity"] == {"error": 1, "warning": 5, "info": 1}


def test_trend_adds_up_sources_run_by_run(history: History) -> None:
    d = dataset(history)
    trend = d["trend"]
    assert [p["source"] for p in trend] == ["jira:ACME", "github:acme/web", "jira:ACME"]
    # run 1: ACME only; run 2 adds acme/web's state; run 3 updates ACME
    assert [p["findings"] for p in trend] == [5, 8, 7]
    assert [p["with_findings"] for p in trend] == [4, 6, 6]
    assert [p["checked"] for p in trend] == [5, 8, 9]
    last = trend[-1]
    totals = history.totals()
    assert last["findings"] == totals["findings"] and last["by_category"] == totals["by_category"]


def test_change_since_previous_run(history: History) -> None:
    delta = dataset(history)["headline"]["delta"]
    assert delta["previous"] == "#2"
    assert delta["findings"] == -1
    assert delta["with_findings"] == 0
    assert delta["checked"] == 1
    assert delta["clean_share"] == round(3 / 9 - 2 / 8, 4)
    assert delta["by_category"]["data_model"] == -1
    assert delta["by_category"]["implementation_steps"] == 1


def test_breakdowns_add_up(history: History) -> None:
    d = dataset(history)
    total = d["headline"]["findings"]
    for key in ("by_author", "by_project", "by_rule"):
        assert sum(r["findings"] for r in d[key]) == total, key
    authors = {r["name"]: r for r in d["by_author"]}
    assert authors["Dana Scully"]["checked"] == 3  # ACME-1 (now clean), ACME-3, acme/web#3
    assert authors["Dana Scully"]["clean"] == 2
    assert authors["Dana Scully"]["findings"] == 1
    assert authors["Fox Mulder"]["checked"] == 2  # ACME-4 was skipped
    assert (
        authors["Fox Mulder"]["top_category"],
        authors["Fox Mulder"]["top_category_findings"],
    ) == ("implementation_steps", 1)  # a tie with technology, broken by name
    projects = {r["name"]: r for r in d["by_project"]}
    assert projects["ACME"]["findings"] == 4 and projects["acme/web"]["findings"] == 3
    assert projects["ACME"]["checked"] == 6 and projects["ACME"]["clean"] == 2
    rules = {r["rule"]: r for r in d["by_rule"]}
    assert rules["TE01"]["findings"] == 2 and rules["TE01"]["stories"] == 2


def test_worst_stories_ranked_by_severity(history: History) -> None:
    worst = dataset(history)["worst"]
    assert worst[0]["story"] == "acme/web#1"  # error + warning = 5
    assert worst[0]["score"] == 5 and worst[0]["findings"] == 2
    assert worst[0]["top"][0]["severity"] == "error"
    assert worst[0]["url"] == "https://github.com/acme/web/issues/1"
    assert "ACME-1" not in {w["story"] for w in worst}  # fixed in run 3


def test_compact_table_round_trips(history: History) -> None:
    d = dataset(history)
    t = d["table"]
    assert len(t["rows"]) == d["headline"]["findings"]
    decoded = {
        (t["stories"][r[0]][0], d["by_rule"][r[1]]["rule"], t["severities"][r[2]], r[4])
        for r in t["rows"]
    }
    store = history.open()
    try:
        expected = {
            (f["story"], f["rule"], f["severity"], f["excerpt"][: rd.EXCERPT_CAP])
            for f in store.current_findings()
        }
    finally:
        store.close()
    assert decoded == expected
    urls = set()
    for ref, _title, prefix, rest, _author, _project in t["stories"]:
        urls.add((ref, t["texts"][prefix] + (ref if rest == 0 else rest) if prefix >= 0 else rest))
    assert ("ACME-2", "https://acme.atlassian.net/browse/ACME-2") in urls
    assert ("acme/web#1", "https://github.com/acme/web/issues/1") in urls
    assert ("ACME-5", "javascript:alert(1)") in urls  # kept as data; never made a link
    json.dumps(d)  # serialisable


def test_excerpt_cap_shrinks_with_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rd, "EXCERPT_BUDGET", 6_000)
    many = [
        {
            "story": f"S-{i}",
            "rule": "R1",
            "name": "n",
            "category": "technology",
            "severity": "info",
            "confidence": 1.0,
            "message": "m",
            "excerpt": "x" * 500,
            "suggestion": "s",
            "field": "body",
            "line": 1,
            "column": 1,
            "url": None,
            "author": None,
            "project": None,
        }
        for i in range(200)
    ]
    d = rd.build_dataset(
        rd.ReportInput(kind="results", label="t", runs=[], findings=many, stories=None)
    )
    assert d["table"]["excerpt_cap"] == rd.EXCERPT_FLOOR
    assert max(len(r[4]) for r in d["table"]["rows"]) == rd.EXCERPT_FLOOR
    few = rd.build_dataset(
        rd.ReportInput(kind="results", label="t", runs=[], findings=many[:10], stories=None)
    )
    assert few["table"]["excerpt_cap"] == rd.EXCERPT_CAP


def test_project_filter(history: History) -> None:
    d = dataset(history, project="acme/web")
    h = d["headline"]
    assert h["findings"] == 3 and h["checked"] == 3 and h["clean"] == 1
    assert {r["name"] for r in d["by_project"]} == {"acme/web"}
    assert h["delta"] is None  # the trend is not per project
    assert any("count every project in the store" in n for n in d["notes"])
    # the rates over runs are the project's own (store schema 4 keeps per-project totals)
    assert [(p["count"], p["checked"]) for p in d["how"]["trend"]] == [(0, 0), (2, 3), (2, 3)]
    assert d["how"]["sentence"] == "Stories prescribing HOW: 2 of 3 (66.7 %)"
    assert d["how"]["change"] == {
        "previous": "#2",
        "previous_at": d["how"]["trend"][1]["started_at"],
        "count": 0,
        "share": 0.0,
    }


def test_since_filter_limits_the_trend(history: History) -> None:
    assert len(dataset(history, since=rd.parse_since("2000-01-01"))["trend"]) == 3
    assert dataset(history, since=rd.parse_since("2999-01-01"))["trend"] == []
    with pytest.raises(ConfigError):
        rd.parse_since("last tuesday")
    assert rd.parse_since("2026-02-03") == "2026-02-03T00:00:00+00:00"
    assert rd.parse_since("2026-02-03T10:00:00+01:00") == "2026-02-03T09:00:00+00:00"


def test_pseudonyms_are_stable_and_hide_names(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(rd.KEY_ENV, raising=False)
    store = history.open()
    try:
        key1, origin1 = rd.pseudonym_key(store)
        key2, origin2 = rd.pseudonym_key(store)
    finally:
        store.close()
    assert origin1 == origin2 == "store" and key1 == key2  # the salt is kept in the store
    d = dataset(history, alias=rd.make_aliaser(key1))
    text = json.dumps(d)
    for name in ("Dana Scully", "Fox Mulder", "octocat", "Walter Skinner"):
        assert name not in text
    names = [r["name"] for r in d["by_author"]]
    assert all(n.startswith("Author ") and len(n) == len("Author 7f3a2c") for n in names)
    assert len(set(names)) == len(names) == 5
    # the same author gets the same alias in a later run and a later report
    store = history.open()
    try:
        record_run(
            store,
            "github:acme/web",
            [
                StoryResult(
                    gh_story(9, "Dana Scully"),
                    [
                        finding(
                            gh_story(9, "Dana Scully"), "TE01", "technology", "warning", "use Kafka"
                        )
                    ],
                )
            ],
        )
        key3, _ = rd.pseudonym_key(store)
    finally:
        store.close()
    alias = rd.make_aliaser(key3)
    assert alias("Dana Scully") == rd.make_aliaser(key1)("Dana Scully")
    assert alias("dana  scully") == alias("Dana Scully")
    # the salt row is not a source of runs or stories
    assert "storylint:pseudonym-salt" not in json.dumps(dataset(history))


def test_env_key_overrides_store_salt(monkeypatch: pytest.MonkeyPatch, history: History) -> None:
    monkeypatch.setenv(rd.KEY_ENV, "team-secret")
    store = history.open()
    try:
        key, origin = rd.pseudonym_key(store)
    finally:
        store.close()
    assert (key, origin) == (b"team-secret", "env")
    assert rd.make_aliaser(key)("Dana Scully") == rd.make_aliaser(b"team-secret")("Dana Scully")
    assert rd.make_aliaser(b"other")("Dana Scully") != rd.make_aliaser(key)("Dana Scully")


def test_results_files_are_runs_in_order(result_files: list[Path]) -> None:
    inp = rd.load_results([str(p) for p in result_files])
    d = rd.build_dataset(inp)
    # run1: 5 checked (1 skipped), 4 with findings, 5 findings; run2 drops ACME-1
    assert [p["findings"] for p in d["trend"]] == [5, 3]
    assert [p["checked"] for p in d["trend"]] == [5, 4]
    h = d["headline"]
    assert h["findings"] == 3 and h["checked"] == 4 and h["with_findings"] == 3 and h["clean"] == 1
    assert h["delta"]["findings"] == -2
    assert d["trend"][0]["label"] == "run1.json"


def test_results_with_project_filter_has_unknown_story_counts(result_files: list[Path]) -> None:
    d = rd.build_dataset(rd.load_results([str(p) for p in result_files], project="ACME"))
    assert d["headline"]["checked"] is None and d["headline"]["findings"] == 3
    assert d["trend"][0]["checked"] is None


def test_bad_results_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="bad.json:1"):
        rd.load_results([str(bad)])
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not the output"):
        rd.load_results([str(other)])
    with pytest.raises(InputError, match="missing.json"):
        rd.load_results([str(tmp_path / "missing.json")])
    # wrong types inside a results file: one error naming the field, not an internal error
    for body, field in (
        ('{"summary": {"stories_checked": "many"}, "findings": []}', 'summary.stories_checked: expected a count, got "many"'),
        ('{"summary": {"findings": -1}, "findings": []}', "summary.findings: expected a count, got -1"),
        ('{"summary": {}, "findings": [{"story": "x", "confidence": "high"}]}', 'findings[0].confidence: expected a number, got "high"'),
        ('{"summary": {}, "findings": [{"story": 7}]}', "findings[0].story: expected a string, got 7"),
    ):
        typed = tmp_path / "typed.json"
        typed.write_text(body, encoding="utf-8")
        with pytest.raises(InputError) as info:
            rd.load_results([str(typed)])
        assert str(info.value) == f"{typed}: {field}"


def test_empty_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "empty.db"))
    try:
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    assert d["headline"]["findings"] == 0 and d["headline"]["checked"] == 0
    assert d["headline"]["clean_share"] is None and d["trend"] == [] and d["worst"] == []


def test_an_unfinished_run_is_compared_with_the_last_finished_one(history: History) -> None:
    """Run #4 saved a story and was killed: the current figures hold what it saved, so the
    changes count from run #3 (the last finished), not from #2, and the run-over-run line,
    which would describe neither, is left out."""
    store = history.open()
    try:
        before = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    assert before["how"]["change"]["previous"] == "#2" and before["headline"]["delta"]["previous"] == "#2"
    store = history.open()
    try:
        run_id = store.begin_run("jira:ACME", "jira")  # killed before finish_run
        s9 = jira_story(9, "Dana")
        store.save_result(run_id, "jira:ACME", StoryResult(s9, [finding(s9, "DM01", "data_model", "error", "x")]), "h")
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    assert [p["label"] for p in d["trend"]] == ["#1", "#2", "#3"]
    assert d["how"]["change"]["previous"] == "#3" and d["changes"]["previous"] == "#3"
    assert "ACME-9" in {r["story"] for r in d["changes"]["began"]}
    assert d["headline"]["delta"] is None
    assert any("Run #4 has not finished" in n for n in d["notes"])


def test_running_runs_are_left_out(history: History) -> None:
    store = history.open()
    try:
        store.begin_run("jira:ACME", "check")  # killed before finish_run
        d = rd.build_dataset(rd.load_store(store))
    finally:
        store.close()
    assert len(d["trend"]) == 3
    assert any("without recorded totals" in n for n in d["notes"])
