"""A team's own rules (`extend-rules`) run their patterns on a linear-time engine (RE2).

The nested-quantifier check alone was bypassable: one extra group, `((\\w+\\s?))+$`, made a
30-character body stall Python's backtracking engine for minutes, and `quick-pattern` was
not checked at all. The CLI runs in a subprocess with a timeout so that a regression fails
instead of hanging; the tests assert the findings, not the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storylint.errors import ConfigError
from storylint.rulepack import load_rule_file

EVIL = "((\\\\w+\\\\s?))+$"  # ((\w+\s?))+$ as a TOML basic string
HOSTILE_BODY = "a" * 29 + "!"  # 30 characters: exponential for a backtracking engine


def _rule(folder: Path, detect: str, code: str = "ACME01") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{code}.toml"
    path.write_text(
        f'code = "{code}"\nname = "acme-rule"\ncategory = "technology"\nmessage = "{{term}} is ours"\n'
        f"[detect]\n{detect}\n",
        encoding="utf-8",
    )
    return path


def _check(tmp_path: Path, *stories: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "storylint.toml").write_text('extend-rules = ["team-rules"]\nselect = ["ACME"]\n')
    data = tmp_path / "stories.jsonl"
    data.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "storylint", "check", str(data), "--format", "json", "--fail-on", "never"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip


def _terms(res: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    assert res.returncode == 0, res.stderr
    return [(f["story"], f["excerpt"]) for f in json.loads(res.stdout)["findings"]]


@pytest.mark.parametrize(
    "detect",
    [
        f'kind = "pattern"\npatterns = ["{EVIL}"]\ncontext = "any"',
        # the prefilter alone: it was compiled with Python's engine and not checked at all
        f'kind = "pattern"\npatterns = ["zorblax"]\nquick-pattern = "{EVIL}"\ncontext = "any"',
    ],
    ids=["pattern", "quick-pattern"],
)
def test_hostile_user_pattern_gives_the_right_answer(tmp_path: Path, detect: str) -> None:
    _rule(tmp_path / "team-rules", detect)
    res = _check(
        tmp_path,
        {"id": "H-1", "title": "Hostile!", "body": HOSTILE_BODY},
        {"id": "H-2", "title": "Plain!", "body": "We run zorblax"},
    )
    assert _terms(res) == [("H-2", "We run zorblax")]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("code-block", "content-patterns"),
        ("outcome", "patterns"),
        ("acceptance-criteria", "patterns"),
    ],
)
def test_every_regex_field_of_a_user_rule_is_linear(tmp_path: Path, kind: str, field: str) -> None:
    _rule(tmp_path / "team-rules", f'kind = "{kind}"\n{field} = ["{EVIL}"]')
    res = _check(
        tmp_path, {"id": "H-1", "title": "Hostile!", "body": "```\n" + HOSTILE_BODY + "\n```"}
    )
    assert res.returncode == 0, res.stderr


def test_nested_quantifiers_are_fine_in_user_rules_now(tmp_path: Path) -> None:
    """(a+)+b was refused by the heuristic; on RE2 it is linear, so a team may write it."""
    _rule(tmp_path / "team-rules", 'kind = "pattern"\npatterns = ["(a+)+b"]\ncontext = "any"')
    res = _check(
        tmp_path,
        {"id": "H-1", "title": "Hostile", "body": "a" * 5000 + "c"},
        {"id": "H-2", "title": "Match", "body": "We need aaab here"},
    )
    assert [story for story, _ in _terms(res)] == ["H-2"]


def test_user_pattern_ignore_case(tmp_path: Path) -> None:
    _rule(
        tmp_path / "team-rules",
        'kind = "pattern"\npatterns = ["zorb\\\\w+"]\nignore-case = true\ncontext = "any"',
    )
    res = _check(tmp_path, {"id": "C-1", "title": "Caps", "body": "We run ZORBLAX."})
    assert [(s, e) for s, e in _terms(res)] == [("C-1", "We run ZORBLAX.")]


def _check_other(tmp_path: Path, detect: str, *stories: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A team's case-insensitive pattern rule (`detect`: its lists) run over the stories."""
    _rule(tmp_path / "team-rules", f'kind = "pattern"\n{detect}\nignore-case = true\ncontext = "any"')
    return _check(tmp_path, *stories)


def test_other_patterns_are_found_and_never_twice(tmp_path: Path) -> None:
    """`other-patterns`: the same shape in another language is found as `patterns` are; a
    match that overlaps one of `patterns` is reported once; other-language patterns that RE2
    cannot run are refused as `patterns` are."""
    res = _check_other(
        tmp_path,
        'patterns = ["zorblax \\\\w+"]\nother-patterns = ["usar zorblax", "zorblax kerf"]',
        {"id": "E-1", "title": "English", "body": "We run zorblax daily."},
        {"id": "S-1", "title": "Spanish", "body": "Hay que usar Zorblax."},
        {"id": "B-1", "title": "Both", "body": "We run zorblax kerf."},  # one sentence, one finding
        {"id": "N-1", "title": "None", "body": "Nothing here."},
    )
    found = json.loads(res.stdout)["findings"]
    assert sorted(f["story"] for f in found) == ["B-1", "E-1", "S-1"]
    assert [f["excerpt"] for f in found if f["story"] == "S-1"] == ["Hay que usar Zorblax."]
    assert [f["message"] for f in found if f["story"] == "B-1"] == ["zorblax kerf is ours"]
    with pytest.raises(ConfigError):
        load_rule_file(_rule(tmp_path / "bad", 'kind = "pattern"\npatterns = ["x"]\nother-patterns = ["(?<=x)y"]'))


def test_other_patterns_as_one_alternation_would_and_in_code_blocks(tmp_path: Path) -> None:
    """The match that starts first wins, whichever list it is in (as one alternation of both
    lists would have it), and code blocks are searched with both lists."""
    res = _check_other(
        tmp_path,
        'patterns = ["kerf \\\\w+"]\nother-patterns = ["usar \\\\w+ kerf"]\nin-code-blocks = true',
        {"id": "O-1", "title": "Order", "body": "Hay que usar zorblax kerf daily."},
        {"id": "C-1", "title": "Code", "body": "Ejecutar esto:\n\n```\nusar mucho kerf --all\n```"},
        {"id": "C-2", "title": "Code", "body": "Ejecutar esto:\n\n```\nusar mucho kerf daily\n```"},
    )
    found = json.loads(res.stdout)["findings"]
    assert [f["message"] for f in found if f["story"] == "O-1"] == ["usar zorblax kerf is ours"]
    assert [f["story"] for f in found if f["story"] == "C-1"] == ["C-1"]
    # in a code block too the first match wins, not the rule's own list's first
    assert [f["message"] for f in found if f["story"] == "C-2"] == ["usar mucho kerf is ours"]


@pytest.mark.parametrize(
    ("pattern", "why"),
    [("(a)\\\\1", "backreference"), ("(?<=x)y", "lookbehind"), ("x(?=y)", "lookahead")],
)
def test_pattern_re2_cannot_run_is_one_error_line(tmp_path: Path, pattern: str, why: str) -> None:
    path = _rule(tmp_path / "team-rules", f'kind = "pattern"\npatterns = ["{pattern}"]')
    res = _check(tmp_path, {"id": "S-1", "title": "Any", "body": "text"})
    assert res.returncode == 2, why
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: rule ACME01: pattern "), lines
    assert "not supported (" in lines[0]


def test_unsupported_quick_pattern_is_refused_too(tmp_path: Path) -> None:
    path = _rule(
        tmp_path / "team-rules", 'kind = "pattern"\npatterns = ["x"]\nquick-pattern = "(?<!a)x"'
    )
    with pytest.raises(ConfigError, match=r"rule ACME01: pattern '\(\?<!a\)x' not supported \("):
        load_rule_file(path)


def test_bundled_rules_keep_the_nested_quantifier_guard(tmp_path: Path) -> None:
    path = _rule(tmp_path, 'kind = "pattern"\npatterns = ["(a+)+b"]', code="XX02")
    with pytest.raises(ConfigError, match="nests quantifiers"):
        load_rule_file(
            path,
            builtin=True,
            data={**_load(path), "docs": {s: "x" for s in ("what", "why", "example", "better")}},
        )


def _load(path: Path) -> dict[str, object]:
    import tomllib

    return tomllib.loads(path.read_text("utf-8"))


def test_code_sense_only_terms_count_beside_code(tmp_path: Path) -> None:
    """`code-sense-only`: a word with an everyday sense counts only beside a name from code,
    inline code or another of the rule's terms."""
    _rule(
        tmp_path / "team-rules",
        'kind = "terms"\nterms = ["routine", "subroutine"]\ncode-sense-only = ["routine"]\ncontext = "directive"',
    )
    res = _check(
        tmp_path,
        {"id": "everyday", "title": "Morning view", "body": "Add a morning routine to the home page."},
        {"id": "beside-code", "title": "Startup", "body": "Add a routine to `boot.c` that checks the disk."},
        {"id": "beside-name", "title": "Startup", "body": "Add a routine that calls checkDisk on start."},
        {"id": "other-term", "title": "Startup", "body": "Add a routine and a subroutine for the disk check."},
    )
    assert sorted({story for story, _ in _terms(res)}) == ["beside-code", "beside-name", "other-term"]


def test_code_sense_only_must_name_the_rules_terms(tmp_path: Path) -> None:
    # a plural the rule does not list would silently do nothing: refused at load
    path = _rule(tmp_path, 'kind = "terms"\nterms = ["routine"]\ncode-sense-only = ["routines"]')
    with pytest.raises(ConfigError, match="code-sense-only: 'routines' is not one of the rule's terms"):
        load_rule_file(path)


@pytest.mark.parametrize("value", ["nan", "inf", "-0.5", "5"])
def test_a_confidence_outside_0_to_1_is_refused(tmp_path: Path, value: str) -> None:
    # `nan` was written as NaN into --format json and sarif, which JSON parsers refuse, and
    # passed every min-confidence; 5 was reported as 1.0 and -0.5 never
    for kind in ('kind = "terms"\nterms = ["zorblax"]', 'kind = "pattern"\npatterns = ["zorblax"]'):
        path = _rule(tmp_path, f"{kind}\nconfidence = {value}")
        with pytest.raises(ConfigError, match=f"ACME01.toml: detect: confidence must be from 0 to 1, not {value}"):
            load_rule_file(path)


@pytest.mark.parametrize(("value", "message"), [
    ('"repro"', "skip-sections must be a list of strings"),
    ('["repo"]', "skip-sections: unknown section kind 'repo' \\(known: repro, acceptance, proposal, problem, other, none\\)"),
])  # fmt: skip
def test_skip_sections_names_kinds_of_section(tmp_path: Path, value: str, message: str) -> None:
    # either mistake silently dropped the default: a bug's steps to reproduce counted again
    path = _rule(tmp_path, f'kind = "terms"\nterms = ["zorblax"]\nskip-sections = {value}')
    with pytest.raises(ConfigError, match=f"ACME01.toml: detect: {message}"):
        load_rule_file(path)
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\nskip-sections = ["repro", "acceptance"]')
    bug = "## Steps to reproduce\n\n1. Start the importer.\n2. We should use zorblax here.\n"
    assert _terms(_check(tmp_path, {"id": "bug", "title": "Import fails", "body": bug})) == []


@pytest.mark.parametrize(
    ("detect", "message"),
    [
        ('kind = "pattern"\npatterns = ["zorblax"]\nignore-case = "false"', "ignore-case must be true or false, not 'false'"),
        ('kind = "terms"\nterms = ["zorblax"]\ntitle-only = 1', "title-only must be true or false, not 1"),
        ('kind = "terms"\nterms = ["zorblax"]\nverb-only = "yes"', "verb-only must be true or false, not 'yes'"),
        ('kind = "terms"\nterms = ["zorblax"]\nmax-per-story = 0', "max-per-story must be a whole number of at least 1, not 0"),
        ('kind = "identifiers"\nshapes = ["snake"]\nmax-per-story = -1', "max-per-story must be a whole number of at least 1"),
        ('kind = "step-list"\ntechnical-terms = ["table"]\nmin-share = 5', "min-share must be from 0 to 1, not 5"),
        ('kind = "step-list"\ntechnical-terms = ["table"]\nmin-steps = 2.5', "min-steps must be a whole number of at least 1"),
    ],
)
def test_option_values_of_the_wrong_kind_are_refused(tmp_path: Path, detect: str, message: str) -> None:
    # each was taken: "false" read as true, 0 sentences per story reported one, a share of 5 found nothing
    with pytest.raises(ConfigError, match=f"ACME01.toml: detect: {message}"):
        load_rule_file(_rule(tmp_path, detect))


def test_criteria_means_only_needs_a_context_that_reaches_criteria(tmp_path: Path) -> None:
    path = _rule(tmp_path, 'kind = "terms"\nterms = ["kafka"]\ncriteria-means-only = true\ncontext = "directive"')
    with pytest.raises(ConfigError, match="criteria-means-only needs context"):
        load_rule_file(path)


def test_criteria_means_only_counts_a_term_as_the_criterions_means(tmp_path: Path) -> None:
    _rule(
        tmp_path / "team-rules",
        'kind = "terms"\nterms = ["kafka"]\ncriteria-means-only = true\ncontext = "requirement"',
    )
    res = _check(
        tmp_path,
        {"id": "means", "title": "Events", "body": "## Acceptance criteria\n- Order events are published via Kafka."},
        {"id": "place", "title": "Events", "body": "## Acceptance criteria\n- No order event reaches Kafka twice."},
    )
    assert sorted({story for story, _ in _terms(res)}) == ["means"]


def test_verb_only_counts_a_term_as_the_verb_that_orders_the_work(tmp_path: Path) -> None:
    """`verb-only`: the term is the imperative that opens the sentence (past a title's area label
    or "please", or as a title's -ing form), not a word of its object nor a mention."""
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["port", "porting"]\nverb-only = true\ncontext = "strong-directive"')
    res = _check(
        tmp_path,
        {"id": "order", "title": "importer: port the batch writer to the new queue"},
        {"id": "please", "title": "Please port the batch writer"},
        {"id": "ing", "title": "Porting the batch writer"},
        {"id": "object", "title": "Add a flag to skip the port check"},
        {"id": "mention", "title": "Rows dropped", "body": "We should log the rows the port drops."},
    )
    assert sorted({story for story, _ in _terms(res)}) == ["ing", "order", "please"]


def test_unless_code_object_skips_a_verb_whose_object_is_named_as_code(tmp_path: Path) -> None:
    """`unless-code-object`: "Use `Name`" orders a name from the code (a capital, a dot, an
    underscore, a call); a tool's bare lower-case name, a phrase, or a span later on still counts."""
    _rule(
        tmp_path / "team-rules",
        'kind = "terms"\nterms = ["use"]\ntitle-only = true\nverb-only = true\nunless-code-object = true\ncontext = "strong-directive"',
    )
    res = _check(
        tmp_path,
        {"id": "class", "title": "Use the `RetryPolicy` class in the uploader"},
        {"id": "member", "title": "Use `rows.flush_all()` after each batch"},
        {"id": "jira", "title": "Use {{Connection}} to compare sessions"},
        {"id": "tool", "title": "Use `zigfmt` to format the sources"},
        {"id": "phrase", "title": "Use `npm ci` in the build"},
        {"id": "later", "title": "Use a bloom filter in `SegmentReader`"},
        {"id": "plain", "title": "Use msgpack for the cache entries"},
    )
    assert sorted({story for story, _ in _terms(res)}) == ["later", "phrase", "plain", "tool"]
    with pytest.raises(ConfigError, match="ACME01.toml: detect: unless-code-object needs verb-only"):
        load_rule_file(_rule(tmp_path, 'kind = "terms"\nterms = ["use"]\nunless-code-object = true'))


def test_change_verbs_make_a_list_of_changes_a_plan(tmp_path: Path) -> None:
    """`change-verbs`: three orders to change what exists, most of the list, one of which names
    something technical, are a to-do list though the others name nothing technical; a user's
    reproduction ("Create", "Run", "Open") and a list of changes naming nothing technical are not."""
    changes = "- Pull the report module in\n- Remove the old readme\n- Add the licence headers\n- Fix the formatting"
    stories = (
        {"id": "changes", "title": "Bring in the report", "body": changes},
        {"id": "repro", "title": "Old results shown", "body": "1. Create a project\n2. Run the module\n3. Delete the project\n4. Open it again"},
        {"id": "plain", "title": "Tidy the page", "body": "- Remove the banner\n- Move the prices up\n- Add the delivery date"},
    )
    _rule(tmp_path / "team-rules", 'kind = "step-list"\ntechnical-terms = ["module"]\nchange-verbs = ["pull", "remove", "add", "fix", "delete"]')
    assert sorted({story for story, _ in _terms(_check(tmp_path, *stories))}) == ["changes"]
    _rule(tmp_path / "team-rules", 'kind = "step-list"\ntechnical-terms = ["module"]')  # one technical step: no plan
    assert _terms(_check(tmp_path, *stories)) == []
    with pytest.raises(ConfigError, match="ACME01.toml: detect: change-verbs: 'zorblax' is not one of the imperatives"):
        load_rule_file(_rule(tmp_path, 'kind = "step-list"\ntechnical-terms = ["module"]\nchange-verbs = ["fix", "Zorblax"]'))


def test_unless_removed_skips_a_term_the_sentence_takes_away(tmp_path: Path) -> None:
    """`unless-removed`: the widget a sentence removes, disables or turns off is the one there
    now; one it puts in, after the removal or in its place, is still chosen."""
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\nunless-removed = true\ncontext = "instruction"')
    res = _check(
        tmp_path,
        {"id": "disable", "title": "Quiet end", "body": "Disable the in-app zorblax that opens after the last chapter."},
        {"id": "off", "title": "Upload", "body": "Log in and turn off the two zorblaxes in the advanced settings."},
        {"id": "remove", "title": "Wizard", "body": "We need to remove zorblax from the export wizard."},
        {"id": "after", "title": "Regions", "body": "Remove the old region page and show a zorblax instead."},
        {"id": "replace", "title": "Regions", "body": "Replace the region field with a zorblax."},
        # the removal ends with its list item (or line): the next one's widget is put in
        {"id": "next-item", "title": "Leaving", "body": "- Disable autosave\n- Display a zorblax on leaving"},
        {"id": "next-line", "title": "Leaving", "body": "Remove the banner\nDisplay the zorblax on leaving"},
    )
    assert sorted({story for story, _ in _terms(res)}) == ["after", "next-item", "next-line", "replace"]
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\ncontext = "instruction"')
    res = _check(tmp_path, {"id": "disable", "title": "Quiet end", "body": "Disable the in-app zorblax that opens after the last chapter."})
    assert [story for story, _ in _terms(res)] == ["disable"]  # without the option, as before


def test_degree_objects_reads_a_degree_verbs_object_as_ordered(tmp_path: Path) -> None:
    """`degree-objects`: a degree verb ("reduce", "increase") opening a sentence orders the
    change of its object when the object is the term; the sentence orders nothing else, and
    without the option (or with "lower") it is no order at all."""
    stories = (
        {"id": "object", "title": "Order list", "body": "Reduce the zorblax of the order rows."},
        {"id": "filler", "title": "Order list", "body": "Please just increase the left zorblax a bit."},
        {"id": "title", "title": "Increase zorblax on the chart labels"},
        {"id": "past-preposition", "title": "Order list", "body": "Reduce the size of the zorblax."},
        {"id": "report", "title": "Order list", "body": "Increase in zorblax since the last release."},
        {"id": "question", "title": "Order list", "body": "Reduce the zorblax of the order rows?"},
        {"id": "want", "title": "Order list", "body": "As a buyer I want to reduce the zorblax so that I see more rows."},
        {"id": "lower", "title": "Order list", "body": "Lower the zorblax of the order rows."},
    )
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\ndegree-objects = true\ncontext = "requirement"')
    assert sorted({story for story, _ in _terms(_check(tmp_path, *stories))}) == ["filler", "object", "title"]
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\ncontext = "requirement"')
    assert _terms(_check(tmp_path, *stories)) == []  # without the option, as before: no order


def test_title_unless_body_reads_the_title_as_the_bodys_want(tmp_path: Path) -> None:
    """`title-unless-body`: a title's term that a body sentence ordering nothing excuses (the
    user's want, a statement of support) is that want; a body that orders the same, or excuses
    another term, leaves the title's choice standing."""
    detect = 'kind = "terms"\nterms = ["zorblax", "quuxdb"]\nunless-any = ["support for", "so that i"]\ncontext = "requirement"'
    stories = (
        {"id": "want", "title": "Add zorblax sink", "body": "As an operator I'd like a zorblax sink so that I can feed our broker."},
        {"id": "stated", "title": "Add the zorblax toolchain", "body": "This change adds support for zorblax 7."},
        {"id": "ordered", "title": "Move the cache to zorblax", "body": "We should add support for zorblax clusters later."},
        {"id": "other", "title": "Store the sessions in zorblax", "body": "As an admin I want the sessions in quuxdb so that I can query them."},
    )
    _rule(tmp_path / "team-rules", detect + "\ntitle-unless-body = true")
    assert sorted({story for story, _ in _terms(_check(tmp_path, *stories))}) == ["ordered", "other"]
    _rule(tmp_path / "team-rules", detect)  # without the option, every title counts as before
    assert sorted({story for story, _ in _terms(_check(tmp_path, *stories))}) == ["ordered", "other", "stated", "want"]
    with pytest.raises(ConfigError, match="ACME01.toml: detect: title-unless-body needs unless-any"):
        load_rule_file(_rule(tmp_path, 'kind = "terms"\nterms = ["zorblax"]\ntitle-unless-body = true'))


@pytest.mark.parametrize(
    ("detect", "message"),
    [
        # a heading counted with no verb at all: the option would say what the rule does not do
        ('terms = ["port"]\nverb-only = true\nheadings = true', "verb-only and headings exclude each other"),
        # never the sentence's verb, so never a finding ("re-" + an -ing form is not read as one)
        ('terms = ["port", "zorblax"]\nverb-only = true', "verb-only: 'zorblax' can never be the verb that orders"),
        ('terms = ["re-porting"]\nverb-only = true', "verb-only: 're-porting' can never be the verb that orders"),
    ],
)
def test_verb_only_refuses_what_it_could_not_do(tmp_path: Path, detect: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"ACME01.toml: detect: {message}"):
        load_rule_file(_rule(tmp_path, f'kind = "terms"\n{detect}'))
    # the forms the analysis does read as the order load: -ing, "re-" + a verb, "get rid of"
    load_rule_file(_rule(tmp_path, 'kind = "terms"\nterms = ["porting", "re-port", "get rid of"]\nverb-only = true'))


def test_other_language_patterns_are_checked_at_load_and_compiled_on_first_need() -> None:
    """Bundled other-language patterns (MO01's, a pattern rule's) wait to be compiled until a
    story may hold one, but the nested-quantifier guard refuses them at load all the same."""
    from storylint.checks._regex import LazyPatterns

    with pytest.raises(ValueError, match="nests quantifiers"):
        LazyPatterns(["(a+)+b"], ignore_case=True, trusted=True)
    lower = LazyPatterns(["para que \\w+"], ignore_case=True, trusted=True, lower=True)
    assert lower.on_lower and lower.regex() is lower.regex()  # compiled once
    found = lower.regex().search("quiero exportar para que pueda")
    assert found is not None and found.group(0) == "para que pueda"
    # a name with a capital letter is not searched in lower-cased text; a team's never is
    assert not LazyPatterns(["Zorblax"], ignore_case=True, trusted=True, lower=True).on_lower
    assert not LazyPatterns(["para"], ignore_case=True, trusted=False, lower=True).on_lower


@pytest.mark.parametrize(
    "detect",
    [
        'kind = "terms"\nterms = ["zorblax"]\nconfidence = 0',  # the bounds themselves are shares
        'kind = "terms"\nterms = ["zorblax"]\nconfidence = 1.0',
        'kind = "terms"\nterms = ["zorblax"]\nmax-per-story = 1',  # the least count
        'kind = "step-list"\ntechnical-terms = ["table"]\nmin-steps = 1\nenough-steps = 1\nmin-share = 0',
        'kind = "step-list"\ntechnical-terms = ["table"]\nmin-share = 1',
        'kind = "pattern"\npatterns = ["zorblax"]\nignore-case = false\nin-code-blocks = true',
    ],
)
def test_option_values_at_their_bounds_are_taken(tmp_path: Path, detect: str) -> None:
    # the checks refuse what lies outside: 0 and 1 of a confidence or a share, and 1 of a
    # count, are inside
    assert load_rule_file(_rule(tmp_path, detect)).code == "ACME01"


def test_a_rule_of_confidence_0_reports_at_min_confidence_0_and_max_per_story_1_once(tmp_path: Path) -> None:
    _rule(tmp_path / "team-rules", 'kind = "terms"\nterms = ["zorblax"]\nconfidence = 0\nmax-per-story = 1\ncontext = "any"')
    (tmp_path / "storylint.toml").write_text('extend-rules = ["team-rules"]\nselect = ["ACME"]\nmin-confidence = 0\n')
    data = tmp_path / "stories.jsonl"
    body = "Zorblax one.\n\nZorblax two.\n\nZorblax three."
    data.write_text(json.dumps({"id": "S-1", "title": "t", "body": body}) + "\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "storylint", "check", str(data), "--format", "json", "--fail-on", "never"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)  # fmt: skip
    assert res.returncode == 0, res.stderr
    findings = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["confidence"]) for f in findings] == [("ACME01", 0.0)]
