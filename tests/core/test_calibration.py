"""Calibrated confidence: evidence classes, smoothing, and what the engine does with them."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from storylint.analysis import analyse
from storylint.calibration import (
    Calibration,
    evidence_class,
    imports_product,
    is_bug_report,
    is_docs_work,
    is_feature_request,
    lone_suggestion,
    names_private,
    never_counts,
    reshapes_code,
    story_row,
    titled_as_work,
)
from storylint.config import Config, config_from_dict
from storylint.engine import INFO_BELOW, Linter
from storylint.model import HOW_CATEGORIES, Story
from storylint.parse import parse


def _classes(title: str, body: str = "") -> list[str]:
    a = analyse(parse(Story(id="S-1", title=title, body=body)))
    return [evidence_class(s) for s in a.sentences]


def test_evidence_class_reads_where_the_term_stands() -> None:
    assert _classes("Add a Redis cache for sessions") == ["title-imperative"]
    assert _classes("Session cache", "We should put the sessions in Redis.") == ["title", "plan"]
    assert _classes("Session cache", "The sessions must be kept in Redis.")[1] == "modal"
    assert _classes("Session cache", "## Proposal\n\nSessions in Redis.")[-1] == "proposal"
    assert _classes("Session cache", "## Acceptance criteria\n\n- Sessions survive a restart.")[-1] == "acceptance"
    # a symptom names the technology it saw fail; it does not direct the build
    assert _classes("Login broken", "Redis throws an exception when the session expires.")[1] == "symptom"
    assert _classes("Session cache", "Sessions are kept in Redis today.")[1] == "statement"


def test_thin_cells_are_pulled_toward_their_class_and_the_whole() -> None:
    cal = Calibration({("technology", "plan"): (100, 95), ("api_contract", "plan"): (1, 0),
                       ("api_contract", "statement"): (100, 50)})  # fmt: skip
    strong = cal.confidence("technology", "plan")
    thin = cal.confidence("api_contract", "plan")
    assert strong is not None and thin is not None
    assert 0.9 < strong <= 0.95  # many findings: close to the measured 0.95
    assert 0.5 < thin < 0.95  # one miss does not make the cell worthless
    unseen = cal.confidence("ui_spec", "plan")  # never measured: the class's precision
    assert unseen is not None and thin < unseen <= strong
    assert Calibration({}).confidence("technology", "plan") is None


def test_engine_gives_stronger_evidence_higher_confidence_and_weak_evidence_info() -> None:
    cells = {("technology", "proposal"): (50, 49), ("technology", "modal"): (50, 32)}
    # the default drops weak evidence; a team that lowers min-confidence sees it at info
    linter = Linter(Config(min_confidence=0.6))
    linter.calibration = Calibration(cells)
    strong = linter.lint(Story(id="S-1", title="Sessions", body="## Proposal\n\nKeep the sessions in Redis."))
    weak = linter.lint(Story(id="S-2", title="Sessions", body="The sessions must be kept in Redis."))
    (s,) = [f for f in strong.findings if f.rule == "TC01"]
    (w,) = [f for f in weak.findings if f.rule == "TC01"]
    assert s.confidence > 0.9 and s.severity == "warning"
    assert 0.6 <= w.confidence < INFO_BELOW <= Config().min_confidence and w.severity == "info"


def test_a_severity_override_still_leaves_weak_evidence_at_info() -> None:
    """`severity = { TC = "error" }` sets the rule's level; evidence below 0.7 stays a note,
    as the README says, rather than failing `--fail-on error`."""
    cells = {("technology", "proposal"): (50, 49), ("technology", "modal"): (50, 32)}
    for level in ("warning", "error"):
        linter = Linter(config_from_dict({"min-confidence": 0.6, "severity": {"TC": level}}))
        linter.calibration = Calibration(cells)
        strong = linter.lint(Story(id="S-1", title="Sessions", body="## Proposal\n\nKeep the sessions in Redis."))
        weak = linter.lint(Story(id="S-2", title="Sessions", body="The sessions must be kept in Redis."))
        assert [f.severity for f in strong.findings if f.rule == "TC01"] == [level]
        assert [f.severity for f in weak.findings if f.rule == "TC01"] == ["info"]


def test_min_confidence_drops_findings_by_calibrated_confidence() -> None:
    story = Story(id="S-2", title="Sessions", body="The sessions must be kept in Redis.")
    loose, strict = Linter(Config(min_confidence=0.0)), Linter(Config())  # the default drops the weakest
    for linter in (loose, strict):
        linter.calibration = Calibration({("technology", "modal"): (50, 25)})
    assert any(f.rule == "TC01" for f in loose.lint(story).findings)
    assert not any(f.rule == "TC01" for f in strict.lint(story).findings)


def test_bug_reports_are_told_by_their_title_or_their_trace() -> None:
    assert is_bug_report("Export fails for large projects", "")
    assert is_bug_report("Export of large projects", "Steps to reproduce:\n1. Open a project")
    assert is_bug_report("Export of large projects", "Exception in thread \"main\" java.lang.NullPointerException")
    assert not is_bug_report("Export large projects to PDF", "As an editor I want to print a whole project.")
    # "X not doing Y" in a title reports a failure; a verb after "not" without -ing does not
    assert is_bug_report("Build process not shutting down cloud instances", "")
    assert is_bug_report("Scheduler isn't picking up new jobs", "")
    assert not is_bug_report("Do not ask for the password twice", "")
    # "can not" spelled apart; a feature that handles what did not happen is no failure
    assert is_bug_report("Workers can not connect to the queue", "")
    assert not is_bug_report("Remind customers when a payment is not received within 7 days", "")
    # a title that says it is a user story is no bug report, whatever failure it is about
    assert not is_bug_report("USER STORY: Failed payment handling", "")
    assert not is_bug_report("[US-010] Show why a delivery update failed", "")
    assert not is_bug_report("As a guest I can retry a failed payment", "")
    assert is_bug_report("User stories page crashes on load", "")
    # ... nor one whose title orders something built
    assert not is_bug_report("Add retries for uploads", "Current behavior: a failed upload is lost.")
    assert not is_bug_report("Add retries for failed uploads", "")  # the failure word describes what to build
    assert is_bug_report("Create account returns 500 error", "")
    assert not is_bug_report("feat(db): add timeouts", "## Expected behavior\nA stuck query fails after 30 s.")
    assert not is_bug_report("[CI] Add the cache action", "**Current Behavior**\nEvery run downloads everything.")
    assert is_bug_report("Fix: export fails for large projects", "")
    assert is_bug_report("Add to cart fails on Safari", "")  # the title reports a failure
    assert is_bug_report("Support page crashes on load", "")
    assert not is_bug_report("[User Story] Failed payment handling", "")
    assert is_bug_report("As a result of the upgrade, login fails", "")
    assert not is_bug_report("Retry webhooks that were not sent", "")
    # ... nor one whose title orders a change to mend a failure: the failure is what it is for
    assert not is_bug_report("Patch the broker to fix the hanging agent problem", "")
    assert not is_bug_report("Upgrade the UI library to resolve dialog size issues in IE7", "")
    assert not is_bug_report("Replace the XML parser to avoid crashes on large files", "")
    assert not is_bug_report("feat(broker): patch the broker to fix the hanging agents", "")  # past a commit type
    assert not is_bug_report("chore: upgrade the server to resolve the memory leak", "")
    assert is_bug_report("Fix the broker to stop the agents hanging", "Exception in thread \"main\" java.lang.IllegalStateException")
    assert is_bug_report("Fix the export to stop it failing on large projects", "")  # "fix" names the mending, no means
    assert is_bug_report("Dialog breaks in IE7 after the upgrade to fix the layout", "")  # a failure, then the purpose
    assert is_bug_report("Show the report to fix nothing: export crashes", "")  # a behaviour verb orders no change
    # a reproduction told in prose, without the template's heading
    assert is_bug_report("Thread count grows with each scheduled task", "The issue was reproduced using the Docker image:")
    assert is_bug_report("Orphaned tasks after failover", "Repro steps:\n1) Start two masters")
    assert is_bug_report("Halos around stars", "I have a how to reproduce in my home folder.")
    assert not is_bug_report("Release ready", "We need a reproducible build and license headers.")


def test_a_title_that_names_an_exception_class_reports_a_bug() -> None:
    """"... may cause java.lang.OutOfMemoryError", "KeyError in the loader": the failure a
    program reported, though its "error" stands inside the name, where the symptom words'
    \\b missed it; not the class an order opening the title makes or replaces."""
    for title in ("Large uploads may cause java.lang.OutOfMemoryError: Java heap space",
                  "KeyError in the settings loader", "Saving a draft gives IllegalStateException",
                  "[core] SocketTimeoutException on slow networks"):  # fmt: skip
        assert is_bug_report(title, ""), title
    for title in ("Throw a ValidationError for empty names", "Replace the RuntimeException in the parser",
                  "Add a custom ParseError type", "Terror mode for the game", "Mirror the ErrorPage layout",
                  "Error handling for uploads"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    body = "Uploading a 2 GB file stops the server.\n\nThe upload servlet should stream the file to S3 instead of a Redis cache."
    story = Story(id="E-1", title="Large uploads may cause java.lang.OutOfMemoryError: Java heap space", body=body)
    assert [f.rule for f in Linter().lint(story).findings if f.category in HOW_CATEGORIES] == []


def test_in_a_bug_report_only_a_plan_proposal_criterion_or_build_steps_count() -> None:
    a = analyse(parse(Story(id="B-1", title="Upload hangs on large files",
                            body="Deploy the war to Tomcat and upload a big file.\n\nTo fix this, stream it to S3.")))  # fmt: skip
    step, fix = (evidence_class(s, bug_report=True) for s in a.sentences[1:3])
    assert (step, fix) == ("bug-report", "plan")
    assert never_counts("technology", step) and not never_counts("technology", fix)
    assert not never_counts("implementation_steps", step)  # the fix written out as a to-do list
    assert never_counts("implementation_steps", "symptom")


def test_a_bugs_todo_item_that_orders_the_fix_counts() -> None:
    from storylint.analysis import analyse
    from storylint.model import Story
    from storylint.parse import parse

    body = "Need to rename the logger config so that the log file is written.\nIt should show the log file."
    a = analyse(parse(Story(id="B-1", title="Logging is not producing a log file", body=body)))
    todo, expected = (s for s in a.sentences if s.field == "body")
    assert evidence_class(todo, bug_report=True) == "imperative"  # the fix, as a to-do item
    assert not never_counts("technology", "imperative")
    assert never_counts("technology", evidence_class(expected, bug_report=True))  # what should be seen


def test_a_bugs_todo_item_with_its_subject_and_an_adverb_orders_the_fix() -> None:
    """"We also need to add X" is the fix as a to-do item, as "We need to add X" is."""
    body = ("The generated headers are not built first. We also need to add a dependency from the lib target "
            "to the python target. We still have to rename the loader. You just need to see the log.")  # fmt: skip
    a = analyse(parse(Story(id="B-2", title="Build fails on a clean checkout", body=body)))
    classes = [evidence_class(s, bug_report=True) for s in a.sentences if s.field == "body"]
    assert classes[1:3] == ["modal", "modal"], classes  # the fix, ordered
    assert never_counts("technology", classes[3]), classes  # a verb of what is seen orders no fix


def test_a_behaviour_modal_orders_no_build_unless_its_finding_holds_there() -> None:
    """A name from the code or a place on the screen (`holds_in_behaviour`) stays HOW there; other words are behaviour."""
    assert never_counts("technology", "modal-behaviour") and never_counts("ui_spec", "modal-behaviour")
    assert not never_counts("code_structure", "modal-behaviour", holds_in_behaviour=True)
    assert not never_counts("api_contract", "modal-behaviour")
    assert not never_counts("technology", "modal")  # a modal that orders construction


def test_proposed_fixes_read_as_plans() -> None:
    body = ("The toasts hide the save button. The solution here is to move them to the top. "
            "Switching the sort to the server would be better. To fix this, cache the thumbnails. "
            "It is better for the user.")  # fmt: skip
    a = analyse(parse(Story(id="P-1", title="Toasts", body=body)))
    plans = [s.plan for s in a.sentences if s.field == "body"]
    assert plans == [False, True, True, True, False]


def test_to_fix_this_is_a_plan_only_as_the_purpose_before_the_fix() -> None:
    """"To fix this, cache X" puts the fix forward; "so needs to fix that", "I tried to fix it
    by ...", "someone has to fix this" say that a fix is wanted or was tried: the verb that
    governs "to fix" decides (a modal stays a modal), not the words "to fix that"."""
    body = ("The worker reads the config before the Redis client is ready, so needs to fix that. "
            "I tried to fix it by clearing the Redis cache. Somebody has to fix this in the Kafka consumer. "
            "To fix this, stream the file to S3. In order to fix it we cache the thumbnails in Redis. "
            "The cache is stale; to fix that, clear it on deploy.")  # fmt: skip
    a = analyse(parse(Story(id="F-1", title="Stale config", body=body)))
    # (the last: "The cache is stale;" then "to fix that, clear it on deploy.")
    assert [s.plan for s in a.sentences if s.field == "body"] == [False, False, False, True, True, False, True]
    assert [s.modal for s in a.sentences if s.field == "body"][:3] == [True, False, True]


def test_a_failure_after_the_purpose_of_an_ordered_fix_still_reports_a_bug() -> None:
    """"... to fix X" is what the ordered change is for, to the end of its clause; a failure
    the title reports after it ("; now the server crashes") is still a bug report."""
    assert is_bug_report("Upgrade Jetty to fix the CVE; now the server crashes on start", "")
    assert is_bug_report("Upgrade Jetty to 9.4 to fix the CVE - the login page crashes since", "")
    assert is_bug_report("Upgrade Jetty to fix the CVE. Login crashes since", "")
    assert not is_bug_report("Patch the broker to fix hanging agents, crashes and timeouts", "")
    assert not is_bug_report("Upgrade the UI library to v1.2.5 to resolve dialog size issues in IE7", "")


def test_a_proposal_under_a_forms_expected_behavior_still_directs() -> None:
    """GitHub forms ask "What is the expected behavior?": a writer's proposal there ("I suggest
    ...", "the solution then, is ...") is the build they put forward; the expectation is not."""
    form = "**What is the current behavior?**\nEvictions are silent.\n\n**What is the expected behavior?**\n"
    linter = Linter()

    def code_found(sentence: str) -> list[str]:
        story = Story(id="G-1", title="Let plugins observe the cache", body=form + sentence)
        return [f.excerpt for f in linter.lint(story).findings if f.category == "code_structure"]

    assert code_found("Plugins can follow evictions. I suggest an `onEvict` callback that the store calls.")
    assert code_found("The solution then, is that `evictOne` should notify the `pluginHost`.")
    assert code_found("An idea would be to call `notifyEvicted` in the existing `evictOne` loop.")
    assert not code_found("The `evictOne` call should notify plugins.")  # what the writer expects to see
    assert not code_found("The fix is not in `evictOne` yet; the `pluginHost` sees nothing.")
    assert _body_plans("The solution then, is to evict by age.") == [True]


def _body_plans(body: str) -> list[bool]:
    return [s.plan for s in analyse(parse(Story(id="P-2", title="Tables", body=body))).sentences if s.field == "body"]


def test_a_change_described_by_its_own_subject_is_a_plan() -> None:
    body = ("This patch introduces a lazy table. The attached PR moves the parser into its own module. "
            "This PR switches the checkout to the new provider. The proposed commit would drop the old client. "
            "The change uses the index we have. This patch touched the export last week. "
            "This PR matters to every editor.")  # fmt: skip
    assert _body_plans(body) == [True, True, True, True, False, False, False]


def test_a_fix_told_by_whoever_made_or_proposed_it_is_a_plan() -> None:
    body = ("I fixed the problem by changing the encoder. We have resolved it by loading the last snapshot. "
            "Solution is to drop the cache. Another solution would be to cache it. "
            "I proposed a smaller page. We worked around it by uploading by hand. Workaround is to restart it. "
            "I fixed my bike. The solution here uses less memory. For now we fix it by restarting the server.")  # fmt: skip
    assert _body_plans(body) == [True, True, True, True, True, False, False, False, False, False]


def test_a_plan_to_show_something_states_what_the_user_sees() -> None:
    shown, built = _classes("Versions", "We should display the table of PHP versions. We should use PHP for the importer.")[1:]
    assert (shown, built) == ("modal-behaviour", "plan")
    assert never_counts("technology", shown) and not never_counts("technology", built)
    # ... unless it also says what it is built with
    assert _classes("Map", "We should show the map using Leaflet.")[1] == "plan"


def test_github_bug_template_is_a_bug_report() -> None:
    body = "**Describe the bug**\nThe export stops at 99 %.\n\n**To Reproduce**\n1. Deploy the war to Tomcat"
    assert is_bug_report("Export of large projects", body)


def test_check_min_confidence_option_overrides_the_default(tmp_path: Path) -> None:
    stories = tmp_path / "s.jsonl"
    stories.write_text('{"id": "S-1", "title": "Sessions", "body": "## Proposal\\nKeep the sessions in Redis."}\n')

    def findings(*extra: str) -> list[dict[str, object]]:
        res = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories), "--format", "json",
                              "--select", "TC01", *extra], capture_output=True, check=False, text=True, timeout=60)  # fmt: skip
        return list(json.loads(res.stdout)["findings"])

    (found,) = findings()
    confidence = float(found["confidence"])  # type: ignore[arg-type]
    assert confidence < 1.0  # calibrated confidence never claims certainty
    assert findings("--min-confidence", str(confidence)) and not findings("--min-confidence", "1.0")


def test_a_bugs_bare_steps_heading_is_what_was_done_not_a_plan() -> None:
    def classes(title: str, body: str) -> list[str]:
        p = parse(Story(id="S-1", title=title, body=body))
        bug = is_bug_report(p.masked_title, p.masked_body)
        return [evidence_class(s, bug) for s in analyse(p).sentences if s.field == "body"]

    body = "## Steps performed\n\nOpened the wizard and ticked the Android checkbox."
    assert classes("Platform setup broke the Android SDK", body) == ["bug-report"]  # "broke": a bug's title
    # the same heading above a feature's plan is a proposal: the team's steps
    assert classes("Android platform setup", body) == ["proposal"]
    # and a bug's own "Proposed fix" section still directs the fix
    assert classes("Platform setup broke the Android SDK", "## Proposed fix\n\nUse a checkbox per platform.") == ["proposal"]


def test_story_cap_is_the_precision_of_stories_with_that_much_evidence() -> None:
    cal = Calibration({}, {"single": (100, 60), "two": (100, 80), "several": (100, 97)})
    caps = [cal.story_cap(n) for n in (1, 2, 3, 7)]
    assert all(c is not None for c in caps)
    one, two, three, seven = (c or 0.0 for c in caps)
    assert 0.59 <= one <= 0.62 and 0.78 <= two <= 0.81 and 0.95 <= three <= 0.97
    assert seven == three  # three sentences or more share a row
    assert [story_row(n) for n in (0, 1, 2, 3, 4)] == ["single", "single", "two", "several", "several"]
    assert Calibration({}).story_cap(2) is None  # nothing measured: no cap


def _tc01_confidences(linter: Linter, title: str, body: str) -> list[float]:
    return [f.confidence for f in linter.lint(Story(id="S-1", title=title, body=body)).findings if f.rule == "TC01"]


def test_one_sentence_of_evidence_is_capped_and_corroboration_lifts_the_cap() -> None:
    linter = Linter(Config())
    linter.calibration = Calibration(
        {("technology", "proposal"): (200, 198)}, {"single": (100, 70), "two": (100, 82), "several": (100, 96)}
    )
    one = _tc01_confidences(linter, "Sessions", "## Proposal\n\nKeep the sessions in Redis.")
    two = _tc01_confidences(linter, "Sessions", "## Proposal\n\nKeep the sessions in Redis.\n\nRun the jobs on Kafka.")
    three = _tc01_confidences(
        linter, "Sessions", "## Proposal\n\nKeep the sessions in Redis.\n\nRun the jobs on Kafka.\n\nDeploy it on Kubernetes."
    )
    assert one and max(one) <= 0.71  # the single-sentence cap, though the cell says 0.99
    assert two and 0.8 <= min(two) and max(two) <= 0.83  # two sentences: the cap of such stories
    assert three and min(three) >= 0.9  # three agree: a high threshold keeps them
    # a title repeated as the body's first line is one piece of evidence, not two
    repeated = _tc01_confidences(linter, "Put the sessions in Redis", "Put the sessions in Redis.")
    assert repeated and max(repeated) <= 0.71


@pytest.mark.parametrize(
    ("title", "asked"),
    [
        ("[Feature] Retry failed webhooks", True),
        ("[Feature]: Retry failed webhooks", True),
        ("\U0001f4a1 [FEATURE REQUEST] Retry failed webhooks", True),
        ("[FR] Retry failed webhooks", True),
        ("[Enhancement][Webhooks] Retry failed webhooks", True),
        ("Feature: retry failed webhooks", True),
        ("RFE: retry failed webhooks", True),
        ("feat: retry failed webhooks", False),  # a conventional commit: the team's own work
        ("feat(webhooks): retry failed webhooks", False),
        ("Features of the webhook page", False),
        ("Retry failed webhooks [feature]", False),  # a tag only where a form puts it
        ("Retry failed webhooks", False),
    ],
)
def test_the_type_tag_of_an_issue_form_marks_a_feature_request(title: str, asked: bool) -> None:
    assert is_feature_request(title, "The delivery fails when the receiver is down.") is asked


def test_a_feature_request_in_the_askers_words_takes_its_own_row() -> None:
    """'Support Playwright' or 'Add expect.toBeGreaterThan' asked for in a project's feature
    form is mostly the product's own surface the asker works with; the row's measured
    precision caps it, also in the form's 'Suggested solution', unless criteria order it."""
    linter = Linter(Config(min_confidence=0.0))
    linter.calibration = Calibration(
        {("technology", c): (200, 190) for c in ("imperative", "proposal", "acceptance")},
        {"single": (100, 90), "two": (100, 90), "several": (100, 95), "feature-request": (40, 10)},
    )
    template = "**Is your feature request related to a problem? Please describe.**\nMy end-to-end tests run in a real browser.\n\n"
    form = "### Clear and concise description of the problem\n\nMy end-to-end tests run in a real browser.\n\n"
    for body in (template + "Add Playwright as a browser provider.",
                 form + "### Suggested solution\n\nAdd Playwright as a browser provider."):  # fmt: skip
        asked = _tc01_confidences(linter, "Run browser tests", body)
        assert asked and max(asked) < 0.7, body  # the request row (10 of 40, smoothed), not the cell's 0.95
    plain = _tc01_confidences(linter, "Run browser tests", "Add Playwright as a browser provider.")
    assert plain and min(plain) >= 0.85  # not a feature request: the single-sentence row
    # not only a technology: a name from the product's own API, asked for in the form
    linter.calibration = Calibration(
        {**linter.calibration.cells, ("code_structure", "proposal"): (200, 190), ("code_structure", "imperative"): (200, 190)},
        linter.calibration.stories,
    )
    matcher = "Add `expect.toBeGreaterThan` to the matchers."
    asked_api = [f.confidence for f in linter.lint(Story(id="S-1", title="Matchers", body=form + "### Suggested solution\n\n" + matcher)).findings if f.rule == "CS01"]
    assert asked_api and max(asked_api) < 0.7
    ordered_api = [f.confidence for f in linter.lint(Story(id="S-1", title="Matchers", body=matcher)).findings if f.rule == "CS01"]
    assert ordered_api and min(ordered_api) >= 0.85
    ordered = _tc01_confidences(linter, "Run browser tests", template + "## Acceptance criteria\n\n- Use Playwright as the browser provider.")
    assert ordered and min(ordered) >= 0.85  # the asker's criteria order it
    assert is_feature_request("Feature request: dark mode", "") and not is_feature_request("Dark mode", "Make it dark.")
    for heading in ("### Suggested solution", "**Describe the feature you'd like**", "## Feature description",
                    "### Clear and concise description of the problem"):  # fmt: skip
        assert is_feature_request("Dark mode", heading + "\n\nA dark theme."), heading
    # a team's own proposal section, or the words inside a sentence, are no user's form
    assert not is_feature_request("Dark mode", "## Proposed solution\n\nA dark theme.")
    assert not is_feature_request("Dark mode", "We discussed the suggested solution with the designers.")
    # an issue template's options: the one ticked says what the item is, an unticked one does not
    kinds = "**Is it a ?**\n\n- [ ] Bug Report\n\n- [{}] Feature Request\n\n- [{}] Chore\n\n**Description**\n\nMigrate the schema."
    assert is_feature_request("Migrate Database", kinds.format("x", " "))
    assert not is_feature_request("Migrate Database", kinds.format(" ", "x"))
    assert not is_feature_request("Migrate Database", "[ ] feature request\n[x] chore")
    assert not is_feature_request("Migrate Database", "1. [ ] Feature request\n2. [x] Chore")
    assert not is_feature_request("Migrate Database", "> - [ ] Feature request\n> - [x] Chore")
    assert is_feature_request("Dark mode", "We got a [ ] feature request form")  # prose, not an option
    # counted before the row existed: the sentence rows answer
    old = Calibration({}, {"single": (100, 60), "two": (100, 80), "several": (100, 97)})
    assert old.story_cap(1, True) == old.story_cap(1)


def test_a_feature_request_whose_build_two_sentences_carry_takes_the_finer_row() -> None:
    """An asker who names the file to change and then the check to add in it proposes the
    build: two or more sentences of HOW in a feature request take their own row, and where a
    calibration has none, the feature-request row answers (not the plain sentence rows)."""
    rows = {"single": (100, 90), "two": (100, 90), "several": (100, 95), "feature-request": (40, 10)}
    finer = Calibration({}, {**rows, "feature-request-two": (40, 36)})
    assert story_row(1, True) == "feature-request" and story_row(2, True) == story_row(5, True) == "feature-request-two"
    assert finer.story_cap(1, True) == Calibration({}, rows).story_cap(1, True) < 0.5
    assert finer.story_cap(2, True) == finer.story_cap(3, True) > 0.8
    older = Calibration({}, rows)  # counted before the finer row: the request row, not "two"
    assert older.story_cap(2, True) == older.story_cap(1, True) < 0.5 < older.story_cap(2)
    # end to end: the form's solution names the file, then the check to add in it
    linter = Linter(Config(min_confidence=0.0))
    linter.calibration = Calibration({("code_structure", c): (200, 190) for c in ("imperative", "title-imperative")},
                                     finer.stories)
    form = "**Describe the solution you'd like**\n\n"
    one = form + "Add a length check to `bech32.cpp`."
    two = one + " Then add a case for short strings to `bech32.cpp` as well."
    caps = [max(f.confidence for f in linter.lint(Story(id="S-1", title="Short strings", body=body)).findings
                if f.category == "code_structure") for body in (one, two)]
    assert caps[0] < 0.5 and caps[1] > 0.8


def test_one_suggested_term_takes_its_own_row_and_an_order_or_a_second_term_leaves_it() -> None:
    """'We could build the page with React' is as often a writer thinking aloud as a decision:
    one term in one sentence that only suggests it is capped by its own row's precision."""
    linter = Linter(Config(min_confidence=0.0))
    linter.calibration = Calibration(
        {("technology", c): (200, 190) for c in ("modal", "plan", "imperative", "proposal", "statement")},
        {"single": (100, 90), "two": (100, 92), "several": (100, 96), "single-suggested": (100, 50)},
    )
    for body in ("We could build the page with React.", "The team should build the page with React."):
        found = _tc01_confidences(linter, "Settings page", body)
        assert found and max(found) < 0.6, body  # the row (50 of 100), not the cell's 0.95
    for body in (
        "Build the page with React.",  # an order
        "## Proposal\n\nBuild the page with React.",  # the author's proposal
        "We could build the page with React and Redux.",  # two terms in the sentence
        "We could build the page with React.\n\nWe could run the jobs on Kafka.",  # two sentences
    ):
        found = _tc01_confidences(linter, "Settings page", body)
        assert found and min(found) >= 0.85, body
    assert lone_suggestion([("technology", "modal")], 1, 1)
    assert not lone_suggestion([("technology", "modal")], 1, 2)
    assert not lone_suggestion([("technology", "modal"), ("technology", "imperative")], 1, 1)
    # a place on the screen is the layout: never one term a writer thought aloud about
    assert not lone_suggestion([("ui_spec", "statement")], 1, 1)
    assert lone_suggestion([("implementation_steps", "statement")], 1, 1)
    assert story_row(1, suggested=True) == "single-suggested" and story_row(1, True, True) == "feature-request"
    # counted before the row existed: the sentence rows answer
    old = Calibration({}, {"single": (100, 60), "two": (100, 80), "several": (100, 97)})
    assert old.story_cap(1, suggested=True) == old.story_cap(1)


def test_a_lone_suggestion_in_an_item_titled_as_work_takes_the_task_row() -> None:
    """'Add the export' with 'We could build it with React' in its body is the team's task,
    where a suggested means is more often the plan: the task row caps it, not the other."""
    linter = Linter(Config(min_confidence=0.0))
    linter.calibration = Calibration(
        {("technology", c): (200, 190) for c in ("modal", "plan", "imperative", "proposal", "statement")},
        {"single": (100, 90), "two": (100, 92), "several": (100, 96), "single-suggested": (100, 50),
         "single-suggested-task": (100, 75)},
    )
    body = "We could build the page with React."
    task = _tc01_confidences(linter, "Add a settings page", body)
    other = _tc01_confidences(linter, "Settings page", body)
    assert task and 0.7 <= max(task) < 0.8, task  # the task row (75 of 100)
    assert other and max(other) < 0.6, other  # the plain suggestion row (50 of 100)
    assert story_row(1, suggested=True, task=True) == "single-suggested-task"
    assert story_row(1, suggested=False, task=True) == "single"
    assert titled_as_work(analyse(parse(Story(id="1", title="Add single sign-on for admins", body=""))))
    assert not titled_as_work(analyse(parse(Story(id="1", title="SSO for admins", body="Add it."))))
    # counted before the row existed: the plain suggestion row answers
    old = Calibration({}, {"single": (100, 90), "single-suggested": (100, 50)})
    assert old.story_cap(1, suggested=True, task=True) == old.story_cap(1, suggested=True)


def test_a_feature_about_failures_is_not_a_bug_report() -> None:
    for title in ("Add crash reporting to the mobile app", "Improve error messages on the sign-up form",
                  "Exception tracking for background jobs"):
        assert not is_bug_report(title, ""), title
    for title in ("Error when saving a draft", "Crash on start", "Exceptions in the nightly log",
                  "Sliders don't announce their units", "Resource offers do not contain the schedule"):
        assert is_bug_report(title, ""), title
    # an order, a relative clause or a request is no symptom
    for title in ("Don't show the banner on mobile", "Remove requests that do not go through the queue",
                  "Please do not delete my drafts", "Users do not need to sign in twice"):
        assert not is_bug_report(title, ""), title


def test_writing_about_a_part_is_documentation_work() -> None:
    assert is_docs_work("Write more specifically about the API endpoints in the design notes")
    assert not is_docs_work("Write the endpoint that lists orders")


def test_the_fingerprint_follows_the_story_rows() -> None:
    """A store re-lints what it remembered when only the `[stories]` rows were recounted."""
    before, after = Linter(Config()), Linter(Config())
    after.calibration = Calibration(before.calibration.cells, {**before.calibration.stories, "single-suggested": (1, 1)})
    assert before.fingerprint != after.fingerprint
    assert Linter(Config()).fingerprint == before.fingerprint  # and only then


def test_min_confidence_is_a_filter_that_never_changes_a_confidence() -> None:
    """The findings at `min-confidence = t` are those at 0 whose confidence reaches t, with the
    same confidences: a story's amount of evidence does not depend on what the run reports."""
    from storylint.evaluation import load_labelled

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "labelled.jsonl"
    stories = [story for story, _ in load_labelled(fixture)]
    every = Linter(Config(min_confidence=0.0))
    seen_below = False
    for t in (0.45, 0.8, 0.9):
        strict = Linter(Config(min_confidence=t))
        for story in stories:
            everything = [(f.rule, f.offset, f.confidence) for f in every.lint(story).findings]
            seen_below |= any(c < t for _, _, c in everything)
            assert [(f.rule, f.offset, f.confidence) for f in strict.lint(story).findings] == [
                x for x in everything if x[2] >= t
            ], (t, story.id)
    assert seen_below  # the fixture holds findings the thresholds drop


def test_calibrate_extend_adds_new_corpora_to_the_counts_and_refuses_one_counted(tmp_path: Path) -> None:
    """Labelled stories gathered later are added to the counts already measured, whose
    corpora may no longer be at hand; a corpus counted once is refused a second time."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "calibrate.py"
    calibration = tmp_path / "calibration.toml"
    calibration.write_text(
        "# Corpora: old.jsonl; 7 projects; excluded: kept.\n\n[stories]\n\"single\" = [10, 8]\n\n[counts.technology]\n\"imperative\" = [10, 9]\n",
        encoding="utf-8",
    )
    corpus = tmp_path / "new.jsonl"
    label = {"prescribes": True, "categories": ["technology"], "outcome": False, "acceptance_criteria": False}
    corpus.write_text(
        json.dumps({"id": "gh:acme/shop:1", "title": "Cache sessions", "body": "Use Redis for the session cache.", "label": label}) + "\n"
        + json.dumps({"id": "gh:acme/shop:2", "title": "Export orders", "body": "Users can download their orders.", "label": {**label, "prescribes": False, "categories": []}}) + "\n"
        + json.dumps({"id": "jira:kept:K-1", "title": "Cache totals", "body": "Use Redis for the totals.", "label": {**label, "prescribes": False}}) + "\n",
        encoding="utf-8",
    )
    run = [sys.executable, str(script), str(corpus), "--extend", "--write", "--file", str(calibration)]
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    text = calibration.read_text(encoding="utf-8")
    assert "# Corpora: old.jsonl, new.jsonl; 8 projects; excluded: kept." in text  # still kept back
    counts = tomllib.loads(text)
    assert counts["stories"]["single"] == [11, 9]  # the Redis story: one sentence, prescribing
    assert counts["counts"]["technology"]["imperative"] == [11, 10]
    again = subprocess.run(run, capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "already counted in calibration.toml: new.jsonl" in again.stderr
    assert calibration.read_text(encoding="utf-8") == text


def test_a_row_that_counted_no_story_leaves_the_answer_to_the_row_it_splits(tmp_path: Path) -> None:
    """scripts/calibrate.py writes every row, those that counted no story as [0, 0]: extending a
    file counted before 'feature-request-two' existed writes it so, and a two-sentence feature
    request must still take the feature-request row's measure, not the overall precision."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "calibrate.py"
    calibration = tmp_path / "calibration.toml"
    calibration.write_text(
        "# Corpora: old.jsonl; 7 projects.\n\n[stories]\n\"single\" = [100, 90]\n\"two\" = [100, 90]\n"
        "\"several\" = [100, 95]\n\"feature-request\" = [51, 15]\n\n[counts.technology]\n\"imperative\" = [10, 9]\n",
        encoding="utf-8",
    )
    corpus = tmp_path / "new.jsonl"
    label = {"prescribes": False, "categories": [], "outcome": False, "acceptance_criteria": False}
    corpus.write_text(json.dumps({"id": "gh:acme/shop:2", "title": "Export orders", "body": "Users can download their orders.", "label": label}) + "\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(corpus), "--extend", "--write", "--file", str(calibration)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows = tomllib.loads(calibration.read_text(encoding="utf-8"))["stories"]
    assert rows["feature-request-two"] == [0, 0]
    extended = Calibration({}, {name: (n, ok) for name, (n, ok) in rows.items()})
    assert extended.story_cap(2, True) == extended.story_cap(1, True) < 0.5
    assert extended.story_cap(1, False, True) == extended.story_cap(1)  # an empty lone-suggestion row too


def test_an_error_a_program_printed_makes_a_bug_report() -> None:
    body = "Now and then the nightly job fails, reporting:\n{code}\nRuntimeError: dictionary changed size\n{code}"
    assert is_bug_report("Intermittent fault in the nightly job", body)
    assert is_bug_report("Upload stops", "The log shows\n  java.lang.IllegalStateException: stream closed")
    # a bare label, or an error named in running text, is no printed error
    assert not is_bug_report("Friendlier messages", "Error: messages should say what to do next.")
    assert not is_bug_report("Validation", "Show a ValidationError: the field name and what is wrong.")


def test_a_segfault_in_the_title_is_a_symptom() -> None:
    assert is_bug_report("Removing copies causing segfaults", "Each one could be fixed with a copy of `Pair`.")
    assert is_bug_report("Parser segfaulted on empty input", "")
    assert is_bug_report("Segmentation fault when the cache is full", "")


def test_the_quality_a_change_is_for_is_no_symptom() -> None:
    """"... so that this is no longer error-prone": the risk the change removes, not a failure seen."""
    body = "It should be doable to read the version from `configure.ac` in `gen_version.py`, so that it is not error-prone."
    assert _classes("Generate the version header", body)[1] == "modal"
    for text in ("We should move the queue to Kafka to make delivery crash-free.",
                 "The retry loop must be fail-safe, so we should wrap it in `retry_call()`."):  # fmt: skip
        assert _classes("Delivery", text)[1] != "symptom", text
    # a failure seen is still one, hyphen or not
    assert _classes("Delivery", "The queue client crashes when Kafka restarts.")[1] == "symptom"
    assert _classes("Delivery", "Sending fails-over to the second broker with an error.")[1] == "symptom"


def test_a_numbered_bug_referred_to_is_no_symptom() -> None:
    """"`loader.js` went away in Bug 5120 but is still loaded by the editor": the bug number names
    a tracker item the sentence refers to, not a failure seen; the body of a title that orders
    the change then names what to change. A bug seen is still a symptom."""
    title = "Remove the stale script reference from the editor"
    body = "`loader.js` went away in Bug 5120 but is still loaded by the editor."
    assert _classes(title, body)[1] == "statement"
    assert _classes(title, "`loader.js` went away, see bugs #51 and #52, but is still loaded.")[1] == "statement"
    assert _classes(title, "`loader.js` has a bug that stops the editor from loading.")[1] == "symptom"
    assert _classes(title, "Since bug 5120 `loader.js` crashes the editor on start.")[1] == "symptom"
    findings = Linter(Config()).lint(Story(id="B-10", title=title, body=body)).findings
    assert [f.category for f in findings if f.category in HOW_CATEGORIES] == ["code_structure"]


def test_a_bug_that_names_the_part_to_change_in_the_passive_dictates_its_fix() -> None:
    """"`Master::recover` in `master.cpp` should be changed to ..." is the fix, as "Change X" is; a
    passive whose participle does not change the code ("should be checked", "must be created by
    the operator") is no order, and the symptom beside it still never counts."""
    linter = Linter(Config())
    title = "Agent fails to report maintenance after failover"

    def how(body: str) -> list[str]:
        story = Story(id="B-9", title=title, body="The agent answers before recovery ends. " + body)
        return [f.rule for f in linter.lint(story).findings if f.category in HOW_CATEGORIES]

    assert "CS01" in how("Particularly, `Master::recover` in `src/master/master.cpp` should be changed to process it.")
    assert "CS01" in how("The `ScheduleLoader` class must be renamed to `MaintenanceLoader`.")
    assert how("All storage providers (S3, Azure) should be checked for this behaviour.") == []
    assert how("The `maintenance` table must be created by the operator first.") == []


def test_a_title_that_states_a_negated_state_reports_a_bug() -> None:
    """"X is not populated on failover", "Split order is not preserved": what the product fails to do
    now, stated; their steps are what was done, not orders. Not in a title ordering a build, nor in a
    relative clause, where the state describes what is to be built or acted on."""
    for title in ("Maintenance information is not populated in case of failover", "Split order is not preserved",
                  "Batch interval settings are not honoured after restart", "It is not possible to define two keystores",
                  "Space access isn't propagated to the copy", "Headers are not installed with the module"):  # fmt: skip
        assert is_bug_report(title, ""), title
    for title in ("Add a column with a message when a pattern isn't validated",
                  "Remove the jobs that are not scheduled", "Notify owners whose builds were not started"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    # ... and the engine reads its reproduction steps as what was done, not as orders
    story = Story(id="B-10", title="Order totals are not refreshed after a refund",
                  body="Create an order, refund it, then open the `OrderSummary` view in Redis-backed mode.")  # fmt: skip
    assert not [f for f in Linter(Config()).lint(story).findings if f.category in HOW_CATEGORIES]


def test_a_failure_word_that_describes_the_object_of_an_order_reports_no_bug() -> None:
    """"Retry failed jobs": the failure word modifies the noun the order opening the title acts on;
    "Jobs failed after the upgrade", "Export failed for large files": it is a subject's predicate."""
    for title in ("Retry failed jobs", "Show failed payments to the admin", "Resend failed emails",
                  "Export failed orders as CSV", "Handle broken links in the editor", "Clean up crashed workers",
                  "[Queue] Retry all the previously failed jobs", "feat(queue): requeue stuck jobs",
                  "Notify about missing invoices", "Windows: Implement missing locale properties"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    for title in ("Login failed for LDAP users", "Upload fails on Safari", "Open file crashes the app",
                  "Export to CSV is broken", "Jobs failed after upgrade", "Search returns wrong results",
                  "Export failed for large files", "Export failed", "Sync failed silently", "Upload failed: 413",
                  "Save failed about the edited indicator", "Import broken since 2.0",
                  # a verb that names the mending: its object is the bug
                  "Fix failing tests", "Investigate missing endpoints",
                  # broken or invalid output the product shows or makes, in a title's short style
                  "Display broken images", "Return invalid JSON for empty lists",
                  # a subject, not an order ("Android [is] missing X"); and a failure besides the object's
                  "Android missing getFile()", "Retry failed jobs crashes the worker"):  # fmt: skip
        assert is_bug_report(title, ""), title


def test_a_title_saying_a_control_does_nothing_reports_a_bug() -> None:
    """"Retry button does nothing" is a symptom as "Retry button doesn't work" is; an order to do
    nothing is none."""
    for title in ("Retry button does nothing", "Clicking Save did nothing", "Settings - Save does nothing",
                  "Nothing happens when I press Export"):  # fmt: skip
        assert is_bug_report(title, ""), title
    assert not is_bug_report("Do nothing when the queue is empty", "")


def test_a_failure_in_the_condition_of_an_order_reports_no_bug() -> None:
    """"Show a message when the button does nothing" asks for the behaviour in that case; a
    failure before the condition, after its comma or past the order's clause, a negation there,
    or an order to mend, still reports one."""
    for title in ("Show a message when the button does nothing", "Add a hint when the upload fails",
                  "Ensure Save does nothing when the form is unchanged", "Warn the user if the sync failed",
                  "Display a banner once the import has failed", "Retry when the server crashes",
                  "UI - Notify the owner whenever a build fails", "Restart the worker after a crash",
                  "Retry failed jobs when the worker crashes"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    for title in ("Add to cart fails when the item is on sale", "Fix the dialog when export fails",
                  "Show a hint when upload fails; now the app crashes", "Import a file, when its source is deleted, get error",
                  "Import wizard disappears when pom.xml doesn't compile", "Retry button does nothing"):  # fmt: skip
        assert is_bug_report(title, ""), title


def test_a_behaviour_kept_under_a_condition_reads_alike_past_a_commit_type() -> None:
    """"fix: ensure Save does nothing when ..." asks what "Ensure Save does nothing when ..." asks:
    the commit type before the verb changes nothing (the keeping verb was looked for at the type)."""
    for title in ("fix: ensure Save does nothing when the form is unchanged",
                  "feat(editor)!: verify the export fails when the disk is full",
                  "chore: make sure the upload fails if the token expired"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    # without the keeping verb, the failure is the title's report
    assert is_bug_report("fix: Save does nothing when the form is unchanged", "")


def test_an_order_to_give_an_error_reports_no_bug() -> None:
    """"Show an error when the upload fails" asks the product for an error message; an error the
    order acts on ("Hide the error"), a bare noun after a word that may be one ("Display error on
    the chart"), or a title where the product already gives it ("Shows an error") still reports one."""
    for title in ("Show an error when the upload fails", "Log an error when the token expires",
                  "Throw an exception if the name is empty", "Return a clear error for an unknown id",
                  "Show error message for an empty name", "Add an error message for a bad date",
                  "UI - Display a helpful error if the file is too big"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    for title in ("Shows an error when saving", "Hide the error when the dialog closes", "Display error on the chart",
                  "Error when saving", "Show an error, the upload fails", "Log error in the export"):  # fmt: skip
        assert is_bug_report(title, ""), title


def test_an_order_past_the_area_a_title_is_filed_under_reports_no_bug() -> None:
    """"UI - Retry failed jobs", "Windows: Add retries for failed uploads": the order opens the
    title after the area, as after a tag in brackets; a failure the title reports besides, or an
    area that is a subject's failure ("Export fails - large files"), is still a report."""
    for title in ("UI - Retry failed jobs", "Data grid | Export failed rows", "Windows: Add retries for failed uploads",
                  "Windows - Add retries for failed uploads", "Windows: Add crash reporting"):  # fmt: skip
        assert not is_bug_report(title, ""), title
    for title in ("Export fails - large files", "Login fails - add retries",
                  "Windows: Add retries for failed uploads; the app crashes"):  # fmt: skip
        assert is_bug_report(title, ""), title
    # past an area, the title proper orders a build, but its body may still report a failure
    assert is_bug_report("Windows: Add retries for failed uploads", "Steps to reproduce:\n1. Upload a file")


def test_an_order_about_failed_things_keeps_the_plan_in_its_body() -> None:
    """Read as a bug report, "Retry failed jobs" lost the build plan of its body; it is as much a
    request as "Retry jobs" is."""
    body = ("Plan:\n1. Add a `retry_count` column to the `jobs` table.\n2. Create a `JobRetryService` class that "
            "requeues them.\n3. Wire a `POST /api/jobs/{id}/retry` endpoint to it.")  # fmt: skip
    linter = Linter(Config())

    def how(title: str) -> list[tuple[str, float]]:
        result = linter.lint(Story(id="R-1", title=title, body=body))
        return sorted((f.rule, f.confidence) for f in result.findings if f.category in HOW_CATEGORIES)

    ordered = how("Retry failed jobs")
    assert ordered == how("Retry jobs")
    assert {"IS01", "DM05", "CS01"} <= {rule for rule, _ in ordered}
    assert how("Jobs failed after the upgrade") != ordered  # a report: its steps reproduce, not build


def _body_classes(title: str, body: str) -> list[str]:
    a = analyse(parse(Story(id="C-1", title=title, body=body)))
    bug = is_bug_report(a.parsed.masked_title, a.parsed.masked_body)
    return [evidence_class(s, bug) for s in a.sentences if s.field == "body"]


def test_a_modal_whose_subject_is_a_name_from_the_code_orders_the_build() -> None:
    """"`Store.flushPending` should release the lock ..." tells the code how to act: an order, in a
    bug report as anywhere (its failure words are the reason, not the symptom it reports)."""
    title = "Writer hangs after a failed flush"  # a bug report's title
    assert is_bug_report(title, "")
    assert _body_classes(title, "`Store.flushPending` should release the lock before it reports errors.") == ["imperative"]
    assert _body_classes(title, "retryFlush() must run once the disk is writable again.") == ["imperative"]
    assert _body_classes("Cache warm-up", "PartitionWarmupCoordinator's start should wait for the first snapshot.") == ["imperative"]
    assert _classes("SegmentIndexLoader should cache segments per partition")[0] == "title-imperative"
    assert _classes("ShardRebalanceScheduler should retry after a lost lease")[0] == "title-imperative"


def test_a_code_subject_that_states_what_is_seen_or_set_orders_nothing() -> None:
    title = "Export crashes on empty folders"
    weak = ("bug-report", "symptom", "modal-behaviour")
    # the symptom itself, naming the class that failed
    assert _body_classes(title, "FolderExportManager throws a NullPointerException on an empty folder.")[0] in weak
    # what must be observed, or the symptom it must lose
    assert _body_classes(title, "`Exporter.exportFolder` should return an empty archive.")[0] in weak
    assert _body_classes(title, "`Exporter.exportFolder` should not throw on an empty folder.")[0] in weak
    # a setting's default, a two-hump product name, a lower-case setting key
    assert _classes("Quiet start", "enableWarmup should default to false.")[1] == "modal"
    assert _classes("Slides", "PowerPoint should handle the exported deck.")[1] == "modal"
    assert _classes("Retention", "`log.retention.ms` should apply to compacted topics too.")[1] == "modal"


def test_a_plan_that_changes_the_code_at_a_place_named_as_code_orders_it() -> None:
    """"We should reset X in fooBar": the team's to-do item; a name before the plan is where it happens."""
    title = "Stale cursor after a rebalance"
    assert _body_classes(title, "We should explicitly reset the cursor in resumeFromCheckpoint.") == ["imperative"]
    assert _body_classes(title, "We need to clear the pending flag in `Fetcher.onRevoked`.") == ["imperative"]
    assert _body_classes(title, "When rebalancing in resumeFromCheckpoint, we should reset the cursor.") == ["plan"]
    assert _body_classes(title, "We should show the cursor in resumeFromCheckpoint logs.") == ["modal-behaviour"]  # what is seen
    assert _classes("Cursor", "We should think about the cursor in general.")[1] == "plan"


def test_a_lone_code_order_in_a_bug_report_is_reported() -> None:
    """One sentence that orders the code, in a bug report: no longer capped as a thought aloud."""
    for body in ("The cursor is stale after a rebalance.\n\nWe should explicitly reset the cursor in resumeFromCheckpoint.",
                 "The cursor is stale after a rebalance.\n\n`CursorTracker.onRevoked` should reset the cursor before it commits."):  # fmt: skip
        story = Story(id="B-9", title="Stale cursor after a rebalance", body=body)
        found = [f for f in Linter().lint(story).findings if f.rule == "CS01"]
        assert found and found[0].confidence >= 0.7, (body, found)


def _reshapes(text: str) -> bool:
    a = analyse(parse(Story(id="R-1", title="Request", body=text)))
    return any(reshapes_code(s) for s in a.sentences if s.field == "body")


def test_an_order_that_reshapes_code_named_as_code_is_read_as_such() -> None:
    # the verb changes what exists, and its object is the code, named as code
    assert _reshapes("Change the signature of `Pool.submit` to take a callback.")
    assert _reshapes("Override `toString()` methods to hide the token.")
    assert _reshapes("Unify these errors into a single Failure class.")
    assert _reshapes("Rename `retryLimit` to `maxRetries`.")
    assert _reshapes("Make `fetchAll()` return an iterator.")
    # not a file or module list in code spans: "split into `core.d.ts`, `api.d.ts`" (a labelled
    # request read so was no prescription; a code span's dotted name counts through _CODE_NAME only)
    assert not _reshapes("Probably split into `core.d.ts`, `api.d.ts`, etc.")
    assert _reshapes("Please add `licence` to `_CARD_KEYS` in the writer.")  # added into a private name
    # not: added to a public class or call (the surface asked for), no name from the code, a
    # name qualifying the noun after it, a question, a plan
    assert not _reshapes("Add `__len__()` to the `RecordCatalog` class.")
    assert not _reshapes("Add a status field to the DescribeBatchRun API.")
    assert not _reshapes("Replace the old export dialog with a wizard.")
    assert not _reshapes("Make startBatchRun callers aware that it waits.")
    assert not _reshapes("Expose `TextEncoder` in the sandbox.")
    assert not _reshapes("Should we rename `retryLimit`?")


def test_a_feature_request_that_reshapes_named_code_is_not_held_to_the_askers_words_cap() -> None:
    body = "### Describe the solution you'd like\n\nChange the signature of `WorkerPool.submit` so that it returns the job's type."
    story = Story(id="F-9", title="[Feature Request] Typed results", body=body)
    found = [f for f in Linter(Config()).lint(story).findings if f.rule == "CS01"]
    assert found and found[0].confidence >= 0.7


@pytest.mark.parametrize(
    ("project", "body", "uses"),
    [
        ("gh:acme/plotkit", "```python\nimport plotkit.pyplot as plt\nplt.plot(xs)\n```", True),
        ("gh:acme/plotkit", "```py\nfrom plotkit.fonts import add_entry\n```", True),
        ("gh:acme/plotkit", "    import plotkit\n", True),
        ("gh:acme/plotkit", "> from plotkit import Figure", True),  # quoted in a reply
        ("gh:acme/sdk-node", "import { Worker } from '@acme/worker';", True),  # the owner's scope
        ("gh:acme/plotkit", "const kit = require('plotkit');", True),
        ("gh:acme/plotkit", 'require "plotkit"', True),
        ("jira:PLOTKIT", "import plotkit as pk", True),
        # the project's own source, or its inside: not a user's code
        ("jira:PLOTKIT", "import org.acme.plotkit.Figure;", False),
        ("gh:acme/plotkit", "from plotkit.axes._base import _grid", False),
        # another package, prose, no project
        ("gh:acme/plotkit", "import numpy as np\nfrom scipy import stats", False),
        ("gh:acme/plotkit", "We import plotkit's settings from the old file.", False),
        ("gh:acme/plotkit", "import plotkitx", False),
        (None, "import plotkit", False),
    ],
)
def test_the_askers_code_that_imports_the_product_by_its_name(project: str | None, body: str, uses: bool) -> None:
    assert imports_product(project, body) is uses


def test_a_request_whose_code_imports_the_product_takes_the_askers_row() -> None:
    """A developer whose own code imports the library asks for its public surface: the call,
    option or keyword they name is what they want to call, so the feature-request row caps it;
    not in a bug report (its code reproduces the failure, its proposal is the fix), nor where
    the request orders the code's private inside reshaped."""
    linter = Linter(Config(min_confidence=0.0))
    linter.calibration = Calibration(
        {("code_structure", c): (200, 190) for c in ("imperative", "title-imperative", "proposal", "statement")},
        {"single": (100, 90), "two": (100, 90), "several": (100, 95), "feature-request": (40, 10)},
    )
    usage = "Today I register a font like this:\n\n```python\nfrom plotkit.font_manager import fontManager\nfontManager.ttflist.append(entry)\n```\n\n"
    want = "### Proposed solution\n\nA new function `add_font_entry(entry)` in the font manager."

    def cs01(body: str, project: str | None = "gh:acme/plotkit", title: str = "Register fonts by name") -> list[float]:
        story = Story(id="P-1", title=title, body=body, project=project)
        return [f.confidence for f in linter.lint(story).findings if f.rule == "CS01"]

    asked = cs01(usage + want)
    assert asked and max(asked) < 0.7  # the request row (10 of 40, smoothed)
    for found in (cs01(want), cs01(usage + want, project="gh:acme/othertool")):
        assert found and min(found) >= 0.85  # no code of the asker's that uses the product
    # a bug report: its code reproduces the failure; the fix it proposes still orders the build
    bug = "Registering a font crashes with a KeyError.\n\n" + usage + "### Proposed solution\n\nCall `rebuild_cache()` in `add_font_entry`."
    fixed = cs01(bug, title="KeyError when registering a font")
    assert fixed and min(fixed) >= 0.85
    # the asker orders a private name changed: no surface asked for
    private = usage + "### Proposed solution\n\nPlease add `weight` to `_FONT_KEYS` in the manager."
    ordered = cs01(private)
    assert ordered and min(ordered) >= 0.85
    # ... or names its private inside in the proposal, with no verb that reshapes it
    inside = usage + "### Proposed solution\n\nI propose that `_resolve_family` in the manager tries the file name first."
    named = cs01(inside)
    assert named and min(named) >= 0.85


@pytest.mark.parametrize(
    ("text", "private"),
    [
        ("I propose to multiply `_scale = self.get_width()` in the drawing code.", True),
        ("First step: simplify _process_plot_args.set_cycle.", True),
        ("Call `_reset()` before drawing.", True),
        ("It lives in plotkit._enums.CapStyle today.", True),
        ("Call _reset() first.", True),
        # public names, a dunder, Markdown emphasis
        ("Add `draw_style` to `fill_between`.", False),
        ("Implement `__len__` on the catalog.", False),
        ("This is _really_ slow and _very important_ to us.", False),
        ("Use snake_case names.", False),
    ],
)
def test_a_name_the_code_keeps_private(text: str, private: bool) -> None:
    s = analyse(parse(Story(id="N-1", title="t", body=text))).sentences[-1]
    assert names_private(s) is private


def test_a_feature_request_naming_the_public_call_it_wants_in_two_sentences_is_not_reported_by_default() -> None:
    """A GitHub feature request whose two sentences name the public call the asker wants added
    ("Add `pauseAll` to `ScheduleClient`", then the same in the form's solution section) takes
    the feature-request-two row; counted on every labelled set at hand (s51 too) that row
    prescribed in 7 of 11, so its cap stays under the default threshold (it was 0.77 on 7 of 9)."""
    body = ("**Is your feature request related to a problem? Please describe.**\nDuring a migration I have to stop every "
            "schedule one by one.\n\n**Describe the solution you'd like**\nAdd a `pauseAll()` method to the `ScheduleClient` "
            "interface, so my code can stop them at once.\n")
    story = Story(id="gh:acme/queue:1", title="Add `pauseAll` to `ScheduleClient`", body=body)
    everything = [f for f in Linter(Config(min_confidence=0.0)).lint(story).findings if f.category in HOW_CATEGORIES]
    assert everything and all(f.confidence < Config().min_confidence for f in everything)
    assert not [f for f in Linter(Config()).lint(story).findings if f.category in HOW_CATEGORIES]
