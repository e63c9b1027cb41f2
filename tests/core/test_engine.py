"""Engine behaviour: mention vs prescription, scope, suppressions, selection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storylint.config import config_from_dict
from storylint.engine import Linter
from storylint.errors import ConfigError
from storylint.model import HOW_CATEGORIES, Author, BodyFormat, Story

LINTER = Linter()


def how(story: Story, linter: Linter = LINTER) -> set[str]:
    return {f.category for f in linter.lint(story).findings if f.category in HOW_CATEGORIES}


@pytest.mark.parametrize(
    "title",
    [
        "As a DBA I want to see which tables grow fastest so that I can plan capacity",
        "As a shopper I want a button to export my orders to CSV so that I can open them in Excel",
        "As a site visitor I can view a detailed page about each course so that I can learn all about it",
        "As an admin I want to view user error logs so that I can fix issues users face",
    ],
)
def test_mention_is_not_prescription(title: str) -> None:
    assert how(Story(id="1", title=title)) == set()


def test_prescription_in_every_category() -> None:
    story = Story(
        id="1",
        title="Add a `status` column to the `orders` table",
        body=(
            "Send the events to Kafka.\n\n"
            "- Create a migration for the scores table\n- Add a service that calls `computeScore()`\n\n"
            "Make the badge 12px with padding.\n\nCall `GET /api/v1/orders/{id}` from the page."
        ),
    )
    assert how(story) >= {"data_model", "technology", "implementation_steps", "code_structure", "ui_spec", "api_contract"}


def test_positions_point_into_the_text() -> None:
    story = Story(id="1", title="Order status", body="Shoppers need it.\n\nWe should cache the totals in Redis.")
    f = next(f for f in LINTER.lint(story).findings if f.rule == "TC01")
    assert (f.field, f.line) == ("body", 3)
    assert story.body.split("\n")[2][f.column - 1 :].startswith("Redis")


def test_role_scope_skips_non_pm_authors() -> None:
    config = config_from_dict({"roles": {"logins": ["pm-alice"], "story-types": ["Story"]}})
    linter = Linter(config)
    pm = Story(id="1", title="Refactor the billing module", type="Story", author=Author(login="pm-alice"))
    dev = Story(id="2", title="Refactor the billing module", type="Story", author=Author(login="dev-bob"))
    bug = Story(id="3", title="Refactor the billing module", type="Bug", author=Author(login="pm-alice"))
    assert linter.lint(pm).skipped is None and linter.lint(pm).findings
    assert "not a product manager" in linter.lint(dev).skipped.reason
    assert "not a story type" in linter.lint(bug).skipped.reason


def test_groups_and_bots() -> None:
    linter = Linter(config_from_dict({"roles": {"groups": ["product"]}}))
    assert linter.lint(Story(id="1", title="x", author=Author(login="a", groups=("Product",)))).skipped is None
    assert "bot" in linter.lint(Story(id="2", title="x", author=Author(login="dependabot[bot]", is_bot=True))).skipped.reason


def test_no_role_config_lints_everything() -> None:
    assert LINTER.lint(Story(id="1", title="x", type="Bug")).skipped is None


def test_inline_suppression_with_reason() -> None:
    body = "<!-- storylint-disable DM -- the schema is this team's product -->"
    result = LINTER.lint(Story(id="1", title="Add a `status` column to the `orders` table", body=body))
    assert not [f for f in result.findings if f.category == "data_model"]


@pytest.mark.parametrize("directive", ["<!-- storylint-disable -->", "<!-- storylint-disable -- the data team's backlog -->",
                                       "storylint-disable-line"])  # fmt: skip
def test_a_suppression_that_names_no_code_is_reported_not_silently_ignored(directive: str) -> None:
    # read as "every rule" by whoever wrote it, it suppressed nothing and nothing said so
    body = f"We should cache the totals in Redis.\n\n{directive}\n\n<!-- storylint-disable UI -- ours --> storylint-disable-line AP01"
    findings = LINTER.lint(Story(id="1", title="Totals", body=body)).findings
    assert [f.rule for f in findings if f.category == "technology"] == ["TC01"]
    meta = [(f.rule, f.line, f.message) for f in findings if f.category == "meta"]
    assert meta[0][:2] == ("SL01", 3) and meta[0][2].startswith("The suppression names no rule code, so it suppresses nothing")
    # directives with codes after it are read as before: two unused ones, one without a reason
    assert [(r, line) for r, line, _ in meta[1:]] == [("SL01", 5), ("SL01", 5), ("SL02", 5)]


@pytest.mark.parametrize(
    ("body", "suppressed"),
    [
        # an issue template that tells how to silence a rule quotes the syntax: that is no directive
        ("<!-- Describe the need. To silence a rule on purpose, write: storylint-disable TC01 -- why -->", False),
        ("Write `storylint-disable TC01 -- why` in the body to silence a rule.", False),
        ("(" + " " * 200 + "storylint-disable TC01 -- one long line of prose before it)", False),
        # a directive starts its line, after list or quote markers, tags or `<!--`
        ("<!-- storylint-disable TC01 -- agreed with the team -->", True),
        ("<p><!-- storylint-disable TC01 -- agreed with the team --></p>", True),
        ("> - storylint-disable TC01 -- agreed with the team", True),
        ("Notes:\n" + " " * 199 + "storylint-disable TC01 -- agreed with the team", True),
    ],
)
def test_a_whole_story_directive_must_lead_its_line(body: str, suppressed: bool) -> None:
    story = Story(id="1", title="Saved carts", body=f"We should cache the carts in Redis.\n\n{body}")
    rules = [f.rule for f in LINTER.lint(story).findings]
    assert ("TC01" not in rules) is suppressed
    assert ("SL01" in rules) is False  # the quoted syntax is no unused directive either


@pytest.mark.parametrize(
    ("code", "fmt"),
    [
        ("```\n<!-- storylint-disable TC -- a pasted template -->\n```", BodyFormat.MARKDOWN),
        ("~~~yaml\nstorylint-disable TC01 -- a comment in the script\n~~~", BodyFormat.MARKDOWN),
        ("```\nredis: on  # storylint-disable-line TC01 -- quoted\n```", BodyFormat.MARKDOWN),
        ("{code}\nstorylint-disable TC01 -- quoted\n{code}", BodyFormat.JIRA_WIKI),
        ("{noformat}\nstorylint-disable TC01 -- quoted\n{noformat}", BodyFormat.JIRA_WIKI),
        ("<pre><code>storylint-disable TC01 -- quoted</code></pre>", BodyFormat.HTML),
    ],
)
def test_a_directive_in_a_code_block_is_quoted_code(code: str, fmt: BodyFormat) -> None:
    """Code is quoted material, for the suppressions as for every rule: a directive inside a
    fenced block (or Jira's {code} / {noformat}) turned TC01 off for the whole story, or was
    an unused SL01 of its own. The same directive outside the block still counts."""
    need = "We should cache the carts in Redis."
    need = f"<p>{need}</p>" if fmt == BodyFormat.HTML else need
    story = Story(id="1", title="Saved carts", body=f"{need}\n\n{code}\n", body_format=fmt)
    rules = [f.rule for f in LINTER.lint(story).findings]
    assert "TC01" in rules and "SL01" not in rules and "SL02" not in rules, rules
    plain = Story(id="1", title="Saved carts", body=f"{need}\n\n<!-- storylint-disable TC01 -- agreed -->\n", body_format=fmt)
    assert "TC01" not in [f.rule for f in LINTER.lint(plain).findings]


@pytest.mark.parametrize("code", ["ALL", "all"])
def test_all_in_a_directive_is_every_rule(code: str) -> None:
    """`storylint-disable ALL` is every rule, as `ALL` is in the configuration and in the
    `storylint-ignore:ALL` label; it was read as the prefix "ALL", suppressed nothing and
    SL01 said "The suppression for ALL matched no finding"."""
    body = f"We should cache the carts in Redis.\n\n<!-- storylint-disable {code} -- the platform team's backlog -->"
    assert LINTER.lint(Story(id="1", title="Saved carts", body=body)).findings == []
    labelled = Story(id="1", title="Saved carts", body="We should cache the carts in Redis.", labels=("storylint-ignore:ALL",))
    assert LINTER.lint(labelled).findings == []
    line = f"We should cache the carts in Redis. storylint-disable-line {code} -- agreed\n\nAlso send them to Kafka."
    found = [(f.rule, f.line) for f in LINTER.lint(Story(id="1", title="Saved carts", body=line)).findings if f.category == "technology"]
    assert found == [("TC01", 3)]  # a -line ALL: every rule, on its line only


def test_a_suppression_with_a_renamed_rules_old_code_still_covers_it(tmp_path: Path) -> None:
    # the configuration and the labels read an alias as its rule; the story's own directives did not
    (tmp_path / "ACME02.toml").write_text(
        'code = "ACME02"\nname = "in-house-framework"\ncategory = "technology"\nmessage = "{term} is ours"\n'
        'aliases = ["ACME01"]\n[detect]\nkind = "terms"\nterms = ["zorblax"]\n'
    )
    linter = Linter(config_from_dict({"extend-rules": [str(tmp_path)], "select": ["ACME", "SL"]}))
    body = "We should use zorblax here.\n\n<!-- storylint-disable acme01 -- our framework team -->"
    assert linter.lint(Story(id="1", title="Rewrite the importer", body=body)).findings == []


def test_a_severity_for_a_renamed_rules_old_code_applies_to_it(tmp_path: Path) -> None:
    # accepted as a known code, then matched against no rule: the finding kept its own severity
    (tmp_path / "ACME02.toml").write_text(
        'code = "ACME02"\nname = "in-house-framework"\ncategory = "technology"\nmessage = "{term} is ours"\n'
        'aliases = ["ACME01"]\n[detect]\nkind = "terms"\nterms = ["zorblax"]\n'
    )
    linter = Linter(config_from_dict({"extend-rules": [str(tmp_path)], "select": ["ACME"], "severity": {"ACME01": "error"}}))
    findings = linter.lint(Story(id="1", title="Rewrite the importer", body="We should use zorblax here.")).findings
    assert [(f.rule, f.severity) for f in findings] == [("ACME02", "error")]


def test_line_suppression_only_covers_its_line() -> None:
    body = "Cache the totals in Redis. storylint-disable-line TC01 -- agreed with the team\n\nAlso send them to Kafka."
    result = LINTER.lint(Story(id="1", title="Totals", body=body))
    tc = [f for f in result.findings if f.rule == "TC01"]
    assert len(tc) == 1 and tc[0].line == 3


def test_line_suppression_on_lines_an_export_flattened() -> None:
    """Literal backslash-n breaks are lines for the findings and the suppressions alike."""
    body = r"Some context.\nMore context.\nCache the totals in Redis. storylint-disable-line TC01 -- agreed\nAlso send them to Kafka."
    linter = Linter(config_from_dict({"extend-select": ["SL01"]}))
    result = linter.lint(Story(id="1", title="Totals", body=body))
    tc = [f for f in result.findings if f.rule == "TC01"]
    assert len(tc) == 1 and tc[0].line == 4 and "Kafka" in tc[0].excerpt
    assert not [f for f in result.findings if f.rule == "SL01"]


def test_suppression_in_an_html_body() -> None:
    body = "<p>Cache the order totals in Redis.</p>\n<p>Show them on the dashboard.</p>\n<!-- storylint-disable TC01 -- agreed with the team -->"
    for fmt in (BodyFormat.HTML, BodyFormat.MARKDOWN):  # declared, or recognised
        assert not [f for f in LINTER.lint(Story(id="1", title="Totals", body=body, body_format=fmt)).findings if f.rule == "TC01"]


def test_label_suppression_and_unused() -> None:
    linter = Linter(config_from_dict({"extend-select": ["SL01"]}))
    story = Story(id="1", title="Add a `status` column to the `orders` table", labels=("storylint-ignore:DM01", "storylint-ignore:UI"))
    rules = {f.rule for f in linter.lint(story).findings}
    assert "DM01" not in rules
    whole = Story(id="2", title="Refactor it", labels=("storylint-ignore",))
    assert "suppressed by label" in linter.lint(whole).skipped.reason


def test_select_ignore_and_severity() -> None:
    story = Story(id="1", title="Refactor SEO from backend to frontend")
    only = Linter(config_from_dict({"select": ["CS03"], "severity": {"CS": "error"}}))
    findings = only.lint(story).findings
    assert [f.rule for f in findings] == ["CS03"] and findings[0].severity == "error"
    none = Linter(config_from_dict({"ignore": ["CS", "MO", "AC"]}))
    assert not [f for f in none.lint(story).findings if f.rule.startswith("CS")]


def test_per_type_ignores() -> None:
    linter = Linter(config_from_dict({"per-type-ignores": {"Bug": ["MO01", "AC01"]}}))
    rules = {f.rule for f in linter.lint(Story(id="1", title="Crash on save", type="bug")).findings}
    assert not rules & {"MO01", "AC01"}


def test_all_is_the_least_specific_code_everywhere_a_code_is_taken() -> None:
    # `ALL` was accepted in every list of codes but counted as a 3-letter prefix (more
    # specific than a family: `ignore = ["TC"]` lost to it) or matched no rule at all
    story = Story(id="1", title="Use Redis for the cache", body="We will store the sessions in Redis.", type="Story")
    found = {f.rule for f in Linter(config_from_dict({"select": ["ALL"]})).lint(story).findings}
    assert {"TC01", "MO01"} <= found
    rules = {f.rule for f in Linter(config_from_dict({"select": ["ALL"], "ignore": ["TC"]})).lint(story).findings}
    assert not {r for r in rules if r.startswith("TC")} and "MO01" in rules
    severities = {f.rule: f.severity for f in Linter(config_from_dict({"severity": {"ALL": "error", "MO": "info"}})).lint(story).findings}
    assert severities["TC01"] == "error" and severities["MO01"] == "info"
    for key in ("per-type-ignores", "per-project-ignores"):
        name = "Story" if key == "per-type-ignores" else "ACME"
        linter = Linter(config_from_dict({key: {name: ["ALL"]}}))
        assert not linter.lint(story.model_copy(update={"project": "ACME"})).findings
    labelled = story.model_copy(update={"labels": ("storylint-ignore:all",)})
    assert not LINTER.lint(labelled).findings


@pytest.mark.parametrize("settings", [{"select": []}, {"ignore": ["ALL"]}])
def test_a_configuration_that_enables_no_rule_is_an_error(settings: dict[str, list[str]]) -> None:
    # it linted nothing and every story passed; the command line refuses an empty --select
    with pytest.raises(ConfigError, match="^storylint.toml: select: enables no rule"):
        Linter(config_from_dict(settings, source="storylint.toml"))
    assert Linter(config_from_dict({**settings, "extend-select": ["MO01"]})).rules  # only what extend-select adds


def test_unknown_code_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown rule code"):
        Linter(config_from_dict({"select": ["ZZ99"]}, source="storylint.toml"))


def test_accepted_vocabulary() -> None:
    linter = Linter(config_from_dict({"vocabulary": {"accept": ["endpoint"]}}))
    assert not [f for f in linter.lint(Story(id="1", title="Endpoint returning the current user")).findings if f.rule == "AP02"]


def test_preview_rule_needs_explicit_selection() -> None:
    story = Story(id="1", title="Publish", body="The technical solution is to query the registry.")
    assert "IS02" not in {f.rule for f in LINTER.lint(story).findings}
    linter = Linter(config_from_dict({"extend-select": ["IS02"]}))
    assert "IS02" in {f.rule for f in linter.lint(story).findings}


@pytest.mark.parametrize(
    "body",
    [
        "### Technical solution\nThe technical solution is to query the registry from the test.",
        "Technical solution:\nThe technical solution is to query the registry.",
        "### Technical solution\nPoll the registry. The implementation plan is simple.",
    ],
)
def test_a_section_found_by_its_heading_is_one_finding(body: str) -> None:
    """IS02 reads a section's heading and its sentences' terms: a term inside a section its
    heading already reported is that section again (it was a second finding, on the same or
    a later sentence of the section). A term in another section is still its own."""
    linter = Linter(config_from_dict({"extend-select": ["IS02"]}))
    found = [f for f in linter.lint(Story(id="1", title="Publish", body=body)).findings if f.rule == "IS02"]
    assert [(f.line, f.column) for f in found] == [(2, 1)], [(f.line, f.column, f.message) for f in found]
    two = body + "\n\n## Notes\nThe implementation plan is to poll it."
    found = [f for f in linter.lint(Story(id="1", title="Publish", body=two)).findings if f.rule == "IS02"]
    assert [(f.line, f.column) for f in found] == [(2, 1), (5, 5)], [(f.line, f.column, f.message) for f in found]


def test_streamed_json_equals_rendered_json() -> None:
    import io
    import json

    from storylint.model import Problem, Report
    from storylint.reporters import RenderContext
    from storylint.reporters.json_format import render, write

    report = Report()
    for i, title in enumerate(["Add a `status` column to the `orders` table", "As a shopper I can pay so that I get my order"]):
        report.add(LINTER.lint(Story(id=str(i), title=title)))
    report.errors.append(Problem("in.jsonl", "invalid JSON", line=3))
    ctx = RenderContext(version="x")
    stream = io.StringIO()
    write(report, ctx, stream)
    assert json.loads(stream.getvalue()) == json.loads(render(report, ctx))


def test_terms_are_quoted_as_written() -> None:
    story = Story(id="1", title="Counters", body="We should keep the counters in Redis.")
    f = next(f for f in LINTER.lint(story).findings if f.rule == "DM03")
    assert "Redis" in f.message and "redis" not in f.message


def _terms(story: Story, linter: Linter = LINTER) -> list[tuple[str, str]]:
    text = {"title": story.title, "body": story.body}
    return [(f.rule, text[f.field][f.offset : f.offset + f.length]) for f in linter.lint(story).findings]


def test_suppressing_one_code_keeps_the_other_rules_of_the_sentence() -> None:
    """`storylint-disable UI01` hid UI02 too: one finding per category and sentence was kept
    before suppressions were applied, so the suppressed UI01 took UI02 with it."""
    body = "Make the badge 48px with #00AA00 text.\n<!-- storylint-disable UI01 -- the brand guide fixes the size -->"
    found = _terms(Story(id="1", title="Badge", body=body), Linter(config_from_dict({"select": ["UI"]})))
    assert ("UI02", "#00AA00") in found
    assert not [r for r, _ in found if r == "UI01"]


def test_family_prefix_suppresses_the_family() -> None:
    body = "Make the badge 48px with #00AA00 text.\n<!-- storylint-disable UI -- design-system team backlog -->"
    assert not _terms(Story(id="1", title="Badge", body=body), Linter(config_from_dict({"select": ["UI"]})))


def test_every_distinct_term_of_a_sentence_is_reported_in_order() -> None:
    """"48px tall with background #00AA00 and 16px padding" reported only 48px."""
    story = Story(id="1", title="Banner", body="Make the banner 48px tall with background #00AA00 and 16px padding.")
    found = _terms(story, Linter(config_from_dict({"select": ["UI"]})))
    assert found == [("UI01", "48px"), ("UI02", "#00AA00"), ("UI01", "16px"), ("UI03", "padding")]


def test_identical_term_at_the_same_place_is_reported_once() -> None:
    linter = Linter(config_from_dict({"select": ["TC"], "vocabulary": {"reject": {"technology": ["Redis"]}}}))
    found = _terms(Story(id="1", title="Totals", body="Cache the totals in Redis."), linter)
    assert found == [("TC01", "Redis")]


def test_same_term_twice_in_a_sentence_is_two_findings() -> None:
    story = Story(id="1", title="Cards", body="Give the cards 8px padding and 8px margins.")
    found = _terms(story, Linter(config_from_dict({"select": ["UI01"]})))
    assert found == [("UI01", "8px"), ("UI01", "8px")]


def test_every_name_from_code_in_a_sentence_is_reported() -> None:
    story = Story(id="1", title="Tracking", body="Add the `order_id` and `shipped_at` columns.")
    found = _terms(story, Linter(config_from_dict({"select": ["DM05"]})))
    assert found == [("DM05", "order_id"), ("DM05", "shipped_at")]


def test_lone_surrogates_are_replaced_at_any_depth_and_other_text_is_kept() -> None:
    """Stories without a lone surrogate (nearly all) skip the rewrite; those with one,
    however deep or non-ASCII the text around it, still get U+FFFD in its place."""
    story = Story.model_validate({
        "id": "S-1", "title": "Caf\u00e9 \ud800 menu", "body": "Plain ASCII body.",
        "author": {"name": "Zo\u00eb \udfff", "groups": ["ok", "bad \ud83d"]}, "labels": ["\u00e9t\u00e9"],
    })  # fmt: skip
    assert story.title == "Caf\u00e9 \ufffd menu"
    assert story.author is not None and story.author.name == "Zo\u00eb \ufffd"
    assert story.author.groups == ("ok", "bad \ufffd")
    assert story.labels == ("\u00e9t\u00e9",) and story.body == "Plain ASCII body."
    clean = Story.model_validate({"id": "S-2", "title": "Caf\u00e9 \U0001f600", "body": "b"})
    assert clean.title == "Caf\u00e9 \U0001f600"


def test_a_description_is_the_body_where_no_body_is_given() -> None:
    """GitLab's and Jira's name for the body: read wherever a story is validated (files,
    labelled corpora), so that such a record is not linted on its title alone."""
    assert Story.model_validate({"id": "1", "title": "t", "description": "d"}).body == "d"
    assert Story.model_validate({"id": "1", "title": "t", "body": None, "description": "d"}).body == "d"
    assert Story.model_validate({"id": "1", "title": "t", "body": "b", "description": "d"}).body == "b"
    assert Story.model_validate({"id": "1", "title": "t", "description": None}).body == ""
    with_surrogate = Story.model_validate({"id": "1", "title": "t", "description": "x \ud800 y"})
    assert with_surrogate.body == "x \ufffd y"


def test_an_adf_body_is_read_as_the_markdown_it_stands_for() -> None:
    """`body_format: adf` is documented: the Atlassian document as the body, an object or
    its JSON text, is converted as the Jira connector converts it, not linted as JSON."""
    doc = {"type": "doc", "version": 1,
           "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Keep the sessions in Redis."}]}]}  # fmt: skip
    for body in (doc, json.dumps(doc)):
        story = Story.model_validate({"id": "1", "title": "t", "body_format": "adf", "body": body})
        assert story.body == "Keep the sessions in Redis." and story.body_format == BodyFormat.ADF
    text = Story.model_validate({"id": "1", "title": "t", "body_format": "adf", "body": "{not json"})
    assert text.body == "{not json"  # text that only starts like JSON is linted as it is
    plain = Story.model_validate({"id": "1", "title": "t", "body": json.dumps(doc)})  # markdown: as written
    assert plain.body == json.dumps(doc)
    # Jira Cloud's description is the document itself
    cloud = Story.model_validate({"id": "1", "title": "t", "description": doc})
    assert cloud.body == "Keep the sessions in Redis." and cloud.body_format == BodyFormat.ADF
    # a document nested beyond any parser's recursion costs nothing but its own reading
    deep = '{"type": "doc", "content": ' + "[" * 5000 + "]" * 5000 + "}"
    hostile = Story.model_validate({"id": "1", "title": "t", "body_format": "adf", "body": deep})
    assert isinstance(hostile.body, str)


@pytest.mark.parametrize(
    ("project", "flagged"),
    [("gh:pnpm/pnpm", False), ("jira:pnpm", False), ("pnpm/pnpm", False), ("PNPM", False), ("gh:acme/webshop", True), (None, True)],
)
def test_the_products_own_name_in_its_own_tracker_is_no_technology_choice(project: str | None, flagged: bool) -> None:
    story = Story(id="1", title="Make `pnpm run` log everything except the script's output to stderr", project=project)
    assert ("technology" in how(story)) is flagged


def test_the_own_name_exemption_is_for_technology_only() -> None:
    story = Story(id="1", title="We should add a `status` column to the schema table", project="acme/schema")
    assert "data_model" in how(story)


def test_a_name_under_the_products_namespace_in_its_own_tracker_is_its_api() -> None:
    """"Add Quarry.createRef() as the way to make refs": the product's public API is what its users ask for."""
    title = "Add Quarry.createRef() as the migration path for named refs"
    assert "code_structure" in how(Story(id="1", title=title))
    assert "code_structure" not in how(Story(id="1", title=title, project="gh:acme/quarry"))
    # the product's C++ namespace is its own code, still prescribed
    title = "Implement `quarry::Authorizer` in terms of the generalized interface"
    assert "code_structure" in how(Story(id="1", title=title, project="jira:quarry"))
    # ... and so is a private name under its namespace
    title = "Call `quarry.rows._flush_batch()` after each write"
    assert "code_structure" in how(Story(id="1", title=title, project="gh:acme/quarry"))


def test_the_own_name_exemption_covers_names_from_code_of_the_product() -> None:
    title = "Make the DuraVault service create the space when the first file arrives"
    assert "code_structure" in how(Story(id="1", title=title))
    assert "code_structure" not in how(Story(id="1", title=title, project="gh:acme/duravault"))


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Add Kafka support to the exporter", "technology"),
        ("Add support for inheritance between flow definitions", "code_structure"),
        ("Make the importer's output reproducible when Docker is supported as a runtime", "technology"),
    ],
)
def test_what_the_product_is_to_support_is_no_choice_in_any_category(title: str, category: str) -> None:
    """The object of "support" is what the product works with, whichever rule names it."""
    assert category not in how(Story(id="1", title=title))


def test_a_term_beside_support_that_is_not_its_object_still_counts() -> None:
    assert "code_structure" in how(Story(id="1", title="Change the parser class to support tables of 500 columns"))
    # a name from the code named as the place to change, beside a support it is not the object of
    assert "code_structure" in how(Story(id="1", title="Update ThemeController so that it adds support for dark mode"))
    # ... but a name the product is to support is its surface: a language server, an API property
    assert "code_structure" not in how(Story(id="1", title="Add support for `retry_policy` in the job runner"))


@pytest.mark.parametrize(
    "body",
    [
        "An export button on the right of the editor would save me a trip through the menu.",
        "There would be a ranking at the right of the screen during a match.",
    ],
)
def test_a_place_on_the_screen_said_once_is_the_layout(body: str) -> None:
    """Not a lone suggestion capped below the threshold, as a technology named once is."""
    assert how(Story(id="1", title="Scores and export", body=body)) == {"ui_spec"}


def test_a_titles_leading_tags_name_the_area_not_a_choice() -> None:
    assert "technology" not in how(Story(id="1", title="[Java inspection] Add quick fix to remove unused imports"))
    assert "technology" in how(Story(id="1", title="[CI] Add Sentry to the nightly build"))


def test_bundled_patterns_compile_when_a_story_needs_them() -> None:
    """The one-story start pays only for the pattern rules its text can match."""
    linter = Linter()
    check = linter.pack.rules["UI02"].check
    assert not check.patterns.compiled  # loaded, checked for nested quantifiers, not compiled
    linter.lint(Story(id="1", title="Export the orders", body="Users can download them."))
    assert not check.patterns.compiled  # no colour in the text: its quick pattern said so
    found = linter.lint(Story(id="2", title="Buttons", body="Make the primary button #FF5722."))
    assert check.patterns.compiled and any(f.rule == "UI02" for f in found.findings)


def test_a_pull_request_forms_checklist_prescribes_nothing() -> None:
    """The boxes a form asks the writer to tick name the project's own build (a repository
    with a code name, its build tool): the writer attests to them, no one orders them."""
    body = (
        "Adds a zoom factor to the calibration tool.\n\n### Pull request readiness checklist\n\n"
        "- [x] I agree to contribute to the project under the Apache 2 License.\n"
        "- [x] There are accuracy tests in the media_extra repository\n"
        "      Patch to media_extra has the same branch name.\n"
        "- [x] The feature is documented and the sample code can be built with the project CMake\n"
    )
    assert how(Story(id="1", title="Add zoom factor to the calibration tool", body=body)) == set()
    # the same sentences as the writer's own text are read as they always were
    plain = body.replace("- [x] ", "").replace("### Pull request readiness checklist", "### Notes")
    assert how(Story(id="1", title="Add zoom factor to the calibration tool", body=plain))


def test_the_engine_fills_every_field_of_a_finding_in_its_place() -> None:
    """`Linter._finding` passes a Finding's fields by position (keywords cost a dict a finding):
    each value must land in its own field, the url, author and project of the story too."""
    story = Story(id="S-9", key="ACME-9", title="Cache the quotes", url="https://tracker.example/ACME-9",
                  author=Author(name="Ada", login="ada"), project="acme",
                  body="Intro line.\nWe should store the quotes in Redis for an hour.")  # fmt: skip
    found = [f for f in Linter().lint(story).findings if f.rule.startswith("TC")]
    assert found, "a technology finding"
    f = found[0]
    assert (f.story, f.field, f.url, f.author, f.project) == ("ACME-9", "body", story.url, "Ada", "acme")
    assert story.body[f.offset : f.offset + f.length] == "Redis" and (f.line, f.column) == (2, 31)
    assert (f.end_line, f.end_column) == (2, 36) and f.category == "technology" and f.name
    assert "Redis" in f.message and f.excerpt == "We should store the quotes in Redis for an hour."
    assert f.severity in ("warning", "info") and 0 < f.confidence <= 1 and f.suggestion


def test_a_typographic_apostrophe_finds_what_the_ascii_one_does_and_quotes_the_writer() -> None:
    plain = Story(id="1", title="Drafts", body="We'll store the drafts in Redis, so nothing typed is lost.")
    typed = Story(id="1", title="Drafts", body=plain.body.replace("'", "\u2019"))
    found = {(f.rule, f.line, f.column, f.confidence) for f in LINTER.lint(plain).findings}
    assert any(rule == "TC01" for rule, *_ in found)
    typed_findings = LINTER.lint(typed).findings
    assert {(f.rule, f.line, f.column, f.confidence) for f in typed_findings} == found
    assert all("We\u2019ll" in f.excerpt for f in typed_findings if f.rule == "TC01")  # the writer's own text


def test_html_markup_in_a_markdown_body_is_no_story_text_and_the_words_between_its_tags_are() -> None:
    """A screenshot dropped into a GitHub issue is an `<img width="300px" ...>` tag: its width is
    the image's markup, no layout the writer asks for. The words between tags are the writer's:
    found as in plain text, and pointed at where they are written."""
    every = Linter(config_from_dict({"min-confidence": 0}))
    shot = Story(id="1", title="Reading list", body='The reading list stops early.\n\n<img width="300px" src="https://example.com/a.png">')
    assert how(shot, every) == set()
    plain = Story(id="2", title="Cache the quotes", body="We should store the quotes in Redis for an hour.")
    tagged = Story(id="2", title="Cache the quotes", body='<p align="center">\nWe should store the quotes in <b>Redis</b> for an hour.<br>\n</p>')
    found = [(f.rule, f.confidence) for f in LINTER.lint(plain).findings if f.rule.startswith("TC")]
    assert found
    tc = [f for f in LINTER.lint(tagged).findings if f.rule.startswith("TC")]
    assert [(f.rule, f.confidence) for f in tc] == found
    assert tagged.body[tc[0].offset : tc[0].offset + tc[0].length] == "Redis" and (tc[0].line, tc[0].column) == (2, 34)
    assert tc[0].excerpt == "We should store the quotes in <b>Redis</b> for an hour."  # quoted as written


def test_a_rejected_term_in_a_fix_put_forward_under_expected_behavior_is_flagged_as_built_in_terms_are() -> None:
    """A form's "Expected behavior" section is skipped, but the writer's proposal there counts
    (`Check.sentence_applies`): the team's rejected terms followed the built-in ones."""
    linter = Linter(config_from_dict({"vocabulary": {"reject": {"technology": ["Frobnicator"]}}}))
    form = "**What is the current behavior?**\nEvictions are silent.\n\n**What is the expected behavior?**\n"

    def found(sentence: str) -> set[str]:
        story = Story(id="1", title="Let plugins observe the cache", body=form + sentence)
        return {rule for rule, _ in _terms(story, linter) if rule.startswith("TC")}

    assert found("I suggest we keep the evicted entries in Redis.") == {"TC01"}  # the built-in term
    assert found("I suggest we keep the evicted entries in Frobnicator.") == {"TC90"}
    assert found("Evicted entries are kept in Frobnicator.") == set()  # what the writer expects to see

_SCOPE_CONFIGS = [
    {}, {"roles": {"ids": ["u-1"]}}, {"roles": {"story-types": ["Story"]}}, {"roles": {"story-labels": ["story"]}},
    {"roles": {"skip-labels": ["wontfix"]}}, {"roles": {"skip-bots": False}},
    {"per-type-ignores": {"Bug": ["TC"]}, "per-project-ignores": {"ACME": ["DM"]}},
]  # fmt: skip
_SCOPE_STORIES = [
    {}, {"labels": ["wontfix"]}, {"labels": ["storylint-ignore"]}, {"labels": ["story", "storylint-ignore:TC"]},
    {"author": {"id": "u-1"}}, {"author": {"login": "ci[bot]", "is_bot": True}}, {"type": "Bug"}, {"type": "Story"},
    {"project": "ACME"}, {"type": "Bug", "project": "ACME", "labels": ["x"]},
]  # fmt: skip


@pytest.mark.parametrize("config", _SCOPE_CONFIGS)
def test_a_story_is_skipped_as_its_scope_says_and_linted_as_its_ignores_say(config: dict[str, Any]) -> None:
    """The engine asks `out_of_scope` only when a story has labels or an author, or the roles
    name people or story types, and reads the ignores only when something can name one: what
    it skips and what it finds are the scope's and the ignores' answers for every story."""
    from storylint.scope import out_of_scope

    linter = Linter(config_from_dict(config))
    body = "We should keep the sessions in a Redis table with a status column."
    for fields in _SCOPE_STORIES:
        story = Story.model_validate({"id": "S-1", "title": "Sessions", "body": body, **fields})
        result = linter.lint(story)
        assert (result.skipped.reason if result.skipped else None) == out_of_scope(story, linter.config), fields
        if result.skipped is None:
            ignored: set[str] = set()  # what the ignores name, read here the long way
            for key, value in (("per_project_ignores", story.project), ("per_type_ignores", story.type)):
                ignored |= {code for name, codes in getattr(linter.config, key).items() if name == value for code in codes}
            label = linter.config.suppressions.label + ":"
            ignored |= {lab.removeprefix(label) for lab in story.labels if lab.startswith(label)}
            plain = {k: v for k, v in config.items() if not k.endswith("-ignores")}
            expected = Linter(config_from_dict({**plain, "ignore": sorted(ignored)})).lint(story).findings
            assert result.findings == expected, fields


def test_the_criteria_checklist_stops_once_the_items_left_cannot_make_up_its_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """AC01 counts a checklist of two items that state behaviour: after two build steps, the
    list's last item could make only one, and its grammar flags (an analysis each) are not
    worked out; a lone item asks none. The finding is the same."""
    from storylint import analysis
    from tests.core.spies import count_calls

    linter = Linter(config_from_dict({"select": ["AC01"]}))
    calls = count_calls(monkeypatch, analysis, "_compute_flags")
    steps = "- Add a column to the orders table\n- Create an index on that column\n- Remove the old cache entries\n"
    assert [f.rule for f in linter.lint(Story(id="steps", title="Orders", body=steps)).findings] == ["AC01"]
    assert [c[0].text.strip() for c in calls] == ["Add a column to the orders table", "Create an index on that column"]
    calls.clear()
    lone = "- Users can see the order total\n"
    assert [f.rule for f in linter.lint(Story(id="lone", title="Orders", body=lone)).findings] == ["AC01"]
    assert calls == []
    both = "- Remove the old cache entries\n- Users can see the order total\n- Users can export the orders\n"
    assert linter.lint(Story(id="both", title="Orders", body=both)).findings == []


@pytest.mark.parametrize(
    ("parts", "title", "flagged"),
    [
        ('["factory", "factories"]', "Add the `pie_chart` widget", False),  # what the product offers
        ('["factory", "factories"]', "Add the `pie_chart` widget factory", True),  # a part of its code
        ("[]", "Add the `pie_chart` widget factory", False),  # the team did not name that part
    ],
)
def test_a_teams_product_nouns_and_the_code_parts_after_them(tmp_path: Path, parts: str, title: str, flagged: bool) -> None:
    """`product-nouns` and `product-code-parts` are the rule's data, not words kept in the
    code: a team's identifiers rule names its own product's surface and the code after it."""
    (tmp_path / "ACME03.toml").write_text(
        'code = "ACME03"\nname = "named-code"\ncategory = "code_structure"\nmessage = "{term} is code"\n'
        '[detect]\nkind = "identifiers"\nshapes = ["snake"]\ncontext = "directive"\n'
        f'product-nouns = ["widget", "widgets"]\nproduct-code-parts = {parts}\n'
    )
    linter = Linter(config_from_dict({"extend-rules": [str(tmp_path)], "select": ["ACME"]}))
    findings = linter.lint(Story(id="1", title=title, body="Charts help our analysts compare regions.")).findings
    assert bool([f for f in findings if f.rule == "ACME03"]) is flagged
