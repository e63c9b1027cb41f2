"""Sticky comment, label, summary and outputs against the fake API (real PyGithub)."""

from __future__ import annotations

import re

import pytest
from fake_github import APP_BOT, BOT, BOT_ID, Fault, issue, user
from github_helpers import ACTION_TOKEN, APP_TOKEN, LEGACY_INSTALLATION_TOKEN, PERSONAL_TOKEN
from hypothesis import example, given, settings
from hypothesis import strategies as st

from storylint.connectors.github_api import COMMENT_LIMIT, make_client
from storylint.connectors.github_writeback import (
    MARKER,
    IssueWriter,
    outputs_for,
    render_comment,
    render_summary,
    set_outputs,
)
from storylint.errors import PermanentConnectorError
from storylint.model import Finding, Report, Skipped, Story, StoryResult

REPO = "acme/shop"
HOSTILE = (
    "::add-mask::x\n::set-output name=clean::true\n::stop-commands::abc\n"
    "<img src=x onerror=alert(1)><script>alert(1)</script><!-- c --> @acme/product-team @octocat "
    "[link](javascript:alert(1)) ``` `` ` | cell | ![p](https://evil.example/p.png)"
)


def _finding(excerpt: str, n: int = 0, message: str = "Names a database column.") -> Finding:
    return Finding(
        story=f"{REPO}#1", rule="DM01", name="data-model-detail", category="data_model", severity="warning",
        message=message, excerpt=excerpt, suggestion="Say what the user needs to see.", line=n + 1,
    )  # fmt: skip


def _result(findings: list[Finding], skipped: Skipped | None = None) -> StoryResult:
    return StoryResult(Story(id="1", key=f"{REPO}#1", title="t", body="b"), findings, skipped)


@pytest.fixture
def setup(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    gh = make_client(ACTION_TOKEN, fake.url)
    return fake, IssueWriter(gh, caller, REPO, installation_token=True)


def _labels(fake) -> frozenset[str]:
    return frozenset(fake.labels_on(REPO, 1))


def test_created_then_updated_then_resolved_then_reopened_one_comment(setup):
    fake, writer = setup
    done = writer.apply(
        _result([_finding("a status column")]),
        1,
        comment=True,
        label="how",
        current_labels=_labels(fake),
    )
    assert (done.comment, done.label) == ("created", "added")
    [c] = fake.comments_on(REPO, 1)
    assert (
        c["body"].startswith(MARKER)
        and "status column" in c["body"]
        and fake.labels_on(REPO, 1) == ["how"]
    )
    done = writer.apply(
        _result([_finding("a Redis cache")]),
        1,
        comment=True,
        label="how",
        current_labels=_labels(fake),
    )
    assert (done.comment, done.label) == ("updated", "present")
    [c2] = fake.comments_on(REPO, 1)
    assert c2["id"] == c["id"] and "Redis" in c2["body"]
    done = writer.apply(
        _result([_finding("a Redis cache")]),
        1,
        comment=True,
        label="how",
        current_labels=_labels(fake),
    )
    assert done.comment == "unchanged" and fake.count("PATCH") == 1
    done = writer.apply(_result([]), 1, comment=True, label="how", current_labels=_labels(fake))
    assert (done.comment, done.label) == ("resolved", "removed")
    [c3] = fake.comments_on(REPO, 1)
    assert c3["id"] == c["id"] and "resolved" in c3["body"] and fake.labels_on(REPO, 1) == []
    done = writer.apply(
        _result([_finding("POST /api/carts")]),
        1,
        comment=True,
        label="how",
        current_labels=_labels(fake),
    )
    assert done.comment == "updated" and len(fake.comments_on(REPO, 1)) == 1


def test_clean_story_without_comment_makes_no_comment_and_no_label_call(setup):
    fake, writer = setup
    done = writer.apply(_result([]), 1, comment=True, label="how", current_labels=frozenset())
    assert (done.comment, done.label) == ("none", "absent")
    assert fake.count("POST") == 0 and fake.count("DELETE") == 0 and fake.count("GET") == 1


def test_label_removal_404_is_fine(setup):
    fake, writer = setup
    done = writer.apply(_result([]), 1, comment=False, label="how", current_labels=None)
    assert done.label == "absent" and fake.calls[-1].status == 404


def test_label_names_match_in_any_case_as_on_github(setup):
    # a maintainer made the label as `StoryLint`; the Action's input says `storylint`
    fake, writer = setup
    fake.create_label(REPO, "StoryLint")
    done = writer.apply(_result([_finding("x column")]), 1, comment=False, label="storylint",
                        current_labels=_labels(fake))  # fmt: skip
    assert done.label == "added" and fake.labels_on(REPO, 1) == ["StoryLint"]
    posts = fake.count("POST")
    done = writer.apply(_result([_finding("x column")]), 1, comment=False, label="storylint",
                        current_labels=_labels(fake))  # fmt: skip
    assert done.label == "present" and fake.count("POST") == posts  # no second add
    done = writer.apply(_result([]), 1, comment=False, label="storylint", current_labels=_labels(fake))
    assert done.label == "removed" and fake.labels_on(REPO, 1) == []  # clean: the label goes


def test_duplicates_are_deleted_and_forged_markers_ignored(setup):
    fake, writer = setup
    for login, kind in (
        ("mallory", "User"),
        ("github-actions[bot]", "Bot"),
        ("github-actions[bot]", "Bot"),
    ):
        cid = fake.next_comment_id
        fake.next_comment_id += 1
        fake.comments[cid] = {"id": cid, "body": MARKER + "\nold", "user": user(login, BOT_ID if kind == "Bot" else 7, kind),
                              "html_url": f"https://github.com/{REPO}/issues/1#issuecomment-{cid}", "_repo": REPO, "_number": 1}  # fmt: skip
    forged = min(fake.comments)
    done = writer.apply(
        _result([_finding("x column")]), 1, comment=True, label=None, current_labels=None
    )
    assert done.comment == "updated" and done.deleted_duplicates == 1
    assert fake.comments[forged]["body"] == MARKER + "\nold"  # a person's comment is never edited
    bots = [c for c in fake.comments_on(REPO, 1) if c["user"]["type"] == "Bot"]
    assert len(bots) == 1 and "x column" in bots[0]["body"]
    assert fake.count("GET", "/user") == 0  # an installation token is its bot: nothing to ask


def test_our_comment_is_found_after_someone_wrote_above_the_marker(setup):
    # a maintainer edits storylint's comment in the web UI and puts a note on top
    fake, writer = setup
    writer.apply(_result([_finding("x column")]), 1, comment=True, label=None, current_labels=None)
    [ours] = fake.comments_on(REPO, 1)
    ours["body"] = "**Lead:** ignore the first one.\r\n\r\n" + ours["body"].replace("\n", "\r\n")
    done = writer.apply(_result([_finding("a Redis cache")]), 1, comment=True, label=None,
                        current_labels=None)  # fmt: skip
    assert done.comment == "updated" and [c["id"] for c in fake.comments_on(REPO, 1)] == [ours["id"]]


def test_personal_token_finds_its_own_comment(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    writer = IssueWriter(make_client(PERSONAL_TOKEN, fake.url), caller, REPO)
    assert (
        writer.apply(
            _result([_finding("a column")]), 1, comment=True, label=None, current_labels=None
        ).comment
        == "created"
    )
    assert (
        writer.apply(_result([]), 1, comment=True, label=None, current_labels=None).comment
        == "resolved"
    )
    assert len(fake.comments_on(REPO, 1)) == 1


# -- whose comment is ours: the token's own identity, not "any bot" ----------------------------------
RENOVATE = user("renovate[bot]", 29139614, "Bot")


def _mine_and_theirs(fake, mine: dict, theirs: dict) -> tuple[int, int]:
    """Another app's marked comment first (lower id), then ours."""
    other = fake.add_comment(REPO, 1, MARKER + "\nanother app's note", theirs)["id"]
    own = fake.add_comment(REPO, 1, MARKER + "\nold", mine)["id"]
    return other, own


@pytest.mark.parametrize(
    ("token", "kwargs", "mine", "user_calls"),
    [
        (ACTION_TOKEN, {"installation_token": True}, user(BOT, BOT_ID, "Bot"), 0),
        (ACTION_TOKEN, {}, user(BOT, BOT_ID, "Bot"), 1),  # GET /user: 403, then the bot login
        (LEGACY_INSTALLATION_TOKEN, {}, user(BOT, BOT_ID, "Bot"), 1),
        (APP_TOKEN, {"installation_token": True, "bot_login": APP_BOT}, user(APP_BOT, 5001, "Bot"), 0),
        (PERSONAL_TOKEN, {}, user("storylint-user", 3001), 1),
    ],
)  # fmt: skip
def test_another_apps_marked_comment_is_never_edited_or_deleted(
    fake, caller, token, kwargs, mine, user_calls
):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    other, own = _mine_and_theirs(fake, mine, RENOVATE)
    writer = IssueWriter(make_client(token, fake.url), caller, REPO, **kwargs)
    done = writer.apply(
        _result([_finding("x column")]), 1, comment=True, label=None, current_labels=None
    )
    assert (done.comment, done.deleted_duplicates) == ("updated", 0)
    # another app's comment: neither edited nor deleted
    assert fake.comments[other]["body"] == MARKER + "\nanother app's note"
    assert "x column" in fake.comments[own]["body"]
    assert fake.count("GET", "/user") == user_calls
    assert fake.count("DELETE") == 0


def test_only_another_apps_comment_means_we_create_our_own(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    other = fake.add_comment(REPO, 1, MARKER + "\nanother app's note", RENOVATE)["id"]
    fake.add_comment(REPO, 1, MARKER + "\nour old app's note", user(APP_BOT, 5001, "Bot"))
    writer = IssueWriter(make_client(ACTION_TOKEN, fake.url), caller, REPO, installation_token=True)
    done = writer.apply(
        _result([_finding("x column")]), 1, comment=True, label=None, current_labels=None
    )
    assert done.comment == "created" and done.deleted_duplicates == 0
    assert len(fake.comments_on(REPO, 1)) == 3 and fake.comments[other]["body"].endswith("note")
    # clean again: only our own comment is resolved; the others are left as they are
    done = writer.apply(_result([]), 1, comment=True, label=None, current_labels=None)
    assert done.comment == "resolved"
    resolved = [c for c in fake.comments_on(REPO, 1) if "resolved" in c["body"]]
    assert [c["user"]["login"] for c in resolved] == [BOT]


@pytest.mark.parametrize("prefix", ["", "/api/v3"])  # github.com; GitHub Enterprise Server
def test_an_app_token_under_the_default_bot_login_finds_its_comment_by_graphql_viewer(fake, caller, prefix):
    # GET /user refuses an installation token; GraphQL's viewer names the app's bot (at
    # /graphql, or /api/graphql beside a server's /api/v3), so its comment is edited in place
    fake.prefix = prefix
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    other = fake.add_comment(REPO, 1, MARKER + "\nanother app's note", RENOVATE)["id"]
    ours = fake.add_comment(REPO, 1, MARKER + "\nold", user(APP_BOT, 5001, "Bot"))["id"]
    writer = IssueWriter(make_client(APP_TOKEN, fake.url + prefix), caller, REPO, installation_token=True)
    for excerpt in ("x column", "y column"):
        done = writer.apply(_result([_finding(excerpt)]), 1, comment=True, label=None, current_labels=None)
        assert (done.comment, done.deleted_duplicates, done.warning) == ("updated", 0, None)
        assert excerpt in fake.comments[ours]["body"]
    assert len(fake.comments_on(REPO, 1)) == 2 and fake.comments[other]["body"].endswith("note")
    assert fake.count("POST", "/graphql") == 1 and fake.count("GET", "/user") == 0  # asked once a run


def test_a_failing_graphql_viewer_is_tried_twice_not_five_times(fake, caller):
    # the viewer lookup has a fallback (the default bot): a GraphQL outage costs one retry and
    # one short wait, not five attempts and their backoff before the run's first write-back
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    fake.add_comment(REPO, 1, MARKER + "\nanother app's note", RENOVATE)
    fake.fail(*[Fault(502, b'{"message": "Bad Gateway"}', method="POST", path="/graphql")] * 5)
    writer = IssueWriter(make_client(APP_TOKEN, fake.url), caller, REPO, installation_token=True)
    done = writer.apply(_result([_finding("x column")]), 1, comment=True, label=None, current_labels=None)
    assert done.comment == "created"  # the default bot stood in; the write-back went on
    assert fake.count("POST", "/graphql") == 2 and len(caller.sleeps) == 1
    # the other calls keep their five: a comment refused three times is still written
    fake.add_issue(REPO, issue(REPO, 2, "Story", "body"))
    fake.fail(*[Fault(502, b'{"message": "Bad Gateway"}', method="POST", path="/comments")] * 3)
    assert writer.apply(_result([_finding("y column")]), 2, comment=True, label=None, current_labels=None).comment == "created"
    assert len(caller.sleeps) == 1 + 3 and len(fake.comments_on(REPO, 2)) == 1


def test_a_persons_marked_comment_asks_no_graphql(setup):
    # an installation token writes as a bot, never as a person: a person's comment that opens with
    # the marker (pasted) cannot be ours whoever the token is, so GraphQL's viewer is not asked
    fake, writer = setup
    pasted = fake.add_comment(REPO, 1, MARKER + "\nmy notes", user("octocat", 583231, "User"))["id"]
    done = writer.apply(_result([_finding("x column")]), 1, comment=True, label=None, current_labels=None)
    assert (done.comment, done.warning) == ("created", None)
    assert fake.comments[pasted]["body"].endswith("my notes") and len(fake.comments_on(REPO, 1)) == 2
    assert fake.count("POST", "/graphql") == 0
    # another app's marked comment may be ours until the token says who it is: asked once
    fake.add_issue(REPO, issue(REPO, 2, "Story", "body"))
    fake.add_comment(REPO, 2, MARKER + "\nanother app's note", user("renovate[bot]", 29139614, "Bot"))
    assert writer.apply(_result([_finding("y column")]), 2, comment=True, label=None, current_labels=None).comment == "created"
    assert fake.count("POST", "/graphql") == 1


def test_a_bot_login_the_team_set_is_taken_without_asking_graphql(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    fake.add_comment(REPO, 1, MARKER + "\nold", user(APP_BOT, 5001, "Bot"))
    writer = IssueWriter(make_client(APP_TOKEN, fake.url), caller, REPO, bot_login="acme-bot[bot]", installation_token=True)
    done = writer.apply(_result([_finding("x column")]), 1, comment=True, label=None, current_labels=None)
    # the team named another account: the app's old comment is not ours to edit
    assert done.comment == "created" and fake.count("POST", "/graphql") == 0


def test_duplicates_of_our_own_comment_are_deleted_but_not_other_apps(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    app_writer = IssueWriter(make_client(APP_TOKEN, fake.url), caller, REPO, bot_login=APP_BOT)
    ours = [
        fake.add_comment(REPO, 1, MARKER + "\nold", user(APP_BOT, 5001, "Bot"))["id"]
        for _ in range(2)
    ]
    theirs = fake.add_comment(REPO, 1, MARKER + "\nold", user(BOT, BOT_ID, "Bot"))["id"]
    done = app_writer.apply(
        _result([_finding("x column")]), 1, comment=True, label=None, current_labels=None
    )
    assert (done.comment, done.deleted_duplicates) == ("updated", 1)
    assert set(fake.comments) == {ours[0], theirs}
    assert fake.comments[theirs]["body"] == MARKER + "\nold"


def test_identity_errors_other_than_403_are_not_guessed_around(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    fake.add_comment(REPO, 1, MARKER + "\nold", user(BOT, BOT_ID, "Bot"))
    fake.fail(Fault(404, b'{"message": "Not Found"}', method="GET", path="/user"))
    writer = IssueWriter(make_client(PERSONAL_TOKEN, fake.url), caller, REPO)
    with pytest.raises(PermanentConnectorError, match=r"GET /user: HTTP 404"):
        writer.apply(
            _result([_finding("x column")]), 1, comment=True, label=None, current_labels=None
        )
    assert [c["body"] for c in fake.comments_on(REPO, 1)] == [MARKER + "\nold"]


def test_missing_permission_is_a_clear_permanent_error(setup):
    fake, writer = setup
    fake.fail(
        Fault(
            403,
            b'{"message": "Resource not accessible by integration", "documentation_url": "x"}',
            method="POST",
        )
    )
    with pytest.raises(PermanentConnectorError, match="issues: write"):
        writer.apply(
            _result([_finding("a column")]), 1, comment=True, label=None, current_labels=None
        )


def test_skipped_story_resolves_an_existing_comment(setup):
    fake, writer = setup
    writer.apply(
        _result([_finding("a column")]), 1, comment=True, label="how", current_labels=_labels(fake)
    )
    done = writer.apply(_result([], Skipped(f"{REPO}#1", "label storylint-ignore")), 1, comment=True, label="how",
                        current_labels=_labels(fake))  # fmt: skip
    assert done.comment == "resolved" and "no longer checks" in fake.comments_on(REPO, 1)[0]["body"]


# -- hostile text ------------------------------------------------------------------------------------
def outside_code(text: str) -> str:
    """The text with CommonMark code spans removed (what GitHub would render as Markdown/HTML)."""
    out, i = [], 0
    while i < len(text):
        if (
            text[i] == "\\"
            and i + 1 < len(text)
            and text[i + 1] in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
        ):
            out.append(text[i : i + 2])  # a backslash escape: the next character is literal
            i += 2
            continue
        if text[i] != "`":
            out.append(text[i])
            i += 1
            continue
        j = i
        while j < len(text) and text[j] == "`":
            j += 1
        run = text[i:j]
        k = j
        close = -1
        while k < len(text):
            if text[k] == "`":
                m = k
                while m < len(text) and text[m] == "`":
                    m += 1
                if m - k == len(run):
                    close = k
                    break
                k = m
            else:
                k += 1
        if close < 0:
            out.append(run)
            i = j
        else:
            i = close + len(run)
    return "".join(out)


def inert(text: str) -> None:
    """No workflow command at a line start; no HTML or live @-mention outside code spans."""
    lines = text.splitlines()
    assert not [ln for ln in lines if ln.lstrip().startswith("::")], (
        "a workflow command starts a line"
    )
    rendered = outside_code(text.replace(MARKER, "", 1))
    assert "<" not in rendered.replace("<sub>", "").replace("</sub>", ""), rendered
    assert not re.search(r"(?<![\w`])@(acme|octocat)", rendered), "a live @-mention"
    assert "javascript:" not in rendered and "](http" not in rendered.replace(
        "](https://github.com", ""
    )


def test_hostile_excerpts_are_neutralised_in_comment_and_summary(setup):
    fake, writer = setup
    result = _result(
        [_finding(HOSTILE), _finding("x", message="Mentions @acme/product-team <b>now</b>")]
    )
    writer.apply(result, 1, comment=True, label=None, current_labels=None)
    body = fake.comments_on(REPO, 1)[0]["body"]
    inert(body.replace(MARKER, ""))
    report = Report()
    report.add(result)
    inert(render_summary(report))


def test_summary_stays_under_githubs_byte_limit_whatever_it_lists() -> None:
    # GitHub drops a job summary past 1 MiB, counted in bytes: an excerpt in Chinese takes
    # three a character; thousands of skipped issues and errors count too
    from storylint.model import Problem

    report = Report()
    for n in range(600):
        story = Story(id=str(n), key=f"{REPO}#{n}", title="t", body="b")
        report.add(StoryResult(story, [_finding("\u6570\u636e\u5e93\u8868" * 60, i) for i in range(3)]))
    for n in range(600, 6600):
        report.add(StoryResult(Story(id=str(n), key=f"{REPO}#{n}", title="t", body="b"), [],
                               Skipped(f"{REPO}#{n}", "the author is a bot " + "\u00e9" * 150)))  # fmt: skip
    report.errors.extend(Problem(f"{REPO}#{n}", "write-back failed: " + "\u26a0" * 250) for n in range(500))
    text = render_summary(report)
    assert len(text.encode("utf-8")) <= 1_000_000  # GitHub: 1,048,576
    assert "more findings (summary size limit)" in text and "more skipped (summary size limit)" in text
    assert "**Errors**" in text and "\u2026and 400 more errors" in text  # errors are never crowded out
    assert text.startswith("## storylint\n\n**600** checked")


def test_a_small_summary_lists_everything() -> None:
    from storylint.model import Problem

    report = Report()
    report.add(_result([_finding("a status column"), _finding("a users table", 1)]))
    report.add(StoryResult(Story(id="2", key=f"{REPO}#2", title="t", body="b"), [], Skipped(f"{REPO}#2", "a bot")))
    report.errors.append(Problem(f"{REPO}#3", "write-back failed"))
    text = render_summary(report, actions=["comment created on #1"])
    assert text.count("| `DM01` data-model-detail | warning |") == 2
    assert "- acme/shop\\#2 skipped: a bot" in text and "- acme/shop\\#3: write-back failed" in text
    assert "more" not in text and text.endswith("- comment created on \\#1\n")


def test_comment_stays_under_the_limit_with_a_note(setup):
    fake, writer = setup
    findings = [_finding("column " + "x" * 5000, i) for i in range(2000)]
    body = render_comment(_result(findings))
    assert len(body) <= COMMENT_LIMIT and "more findings not shown" in body
    writer.apply(_result(findings), 1, comment=True, label=None, current_labels=None)
    assert fake.calls[-1].status == 201  # the fake enforces GitHub's 65,536 limit with a 422


def test_outputs_use_random_delimiters(tmp_path):
    path = tmp_path / "out"
    report = Report()
    report.add(_result([_finding("a column")]))
    set_outputs(str(path), outputs_for(report) | {"evil": "x\nEOF\nclean=true"})
    text = path.read_text()
    parsed = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, delim = line.split("<<", 1)
        value = []
        for inner in lines:
            if inner == delim:
                break
            value.append(inner)
        parsed[name] = "\n".join(value)
    assert (
        parsed["findings"] == "1"
        and parsed["categories"] == "data_model"
        and parsed["clean"] == "false"
    )
    assert parsed["evil"] == "x\nEOF\nclean=true"


# -- property: whatever the issue says, the comment and the summary stay inert and bounded ----------

_pieces = list("`<>@&|[]()!*_#:\\/-\n\r\t x") + [
    "::",
    "@acme/team",
    "<img ",
    "<!--",
    "\u202e",
    "\x00",
]
_nasty = st.lists(st.sampled_from(_pieces), max_size=120).map("".join)


@settings(max_examples=200, deadline=None)
@given(excerpt=_nasty, message=_nasty, n=st.integers(min_value=1, max_value=3))
@example(
    excerpt="<img src=x onerror=alert(1)>", message="\\`", n=1
)  # a backslash undoing an escape
def test_property_comment_and_summary_inert(excerpt: str, message: str, n: int) -> None:
    findings = [_finding(excerpt, i, message=message) for i in range(n)]
    body = render_comment(_result(findings))
    assert len(body) <= COMMENT_LIMIT and body.startswith(MARKER)
    inert(body)
    report = Report()
    report.add(_result(findings))
    inert(render_summary(report))


def test_validation_422_and_missing_issue_404_are_permanent_and_clear(setup):
    fake, writer = setup
    body = (
        b'{"message": "Validation Failed", "errors": [{"resource": "Label", "code": "invalid", '
        b'"field": "name"}], "documentation_url": "https://docs.github.com/rest/issues/labels"}'
    )
    fake.fail(Fault(422, body, {"Content-Type": "application/json"}, method="POST", path="/labels"))
    with pytest.raises(
        PermanentConnectorError, match=r"POST .*/labels: HTTP 422 Validation Failed"
    ):
        writer.apply(
            _result([_finding("a column")]), 1, comment=False, label="x", current_labels=None
        )
    with pytest.raises(PermanentConnectorError, match=r"HTTP 404 Not Found"):
        writer.apply(
            _result([_finding("a column")]), 999, comment=True, label=None, current_labels=None
        )
    assert writer.call.sleeps == []  # type: ignore[attr-defined]


def test_sticky_comment_found_on_a_later_page(setup):
    fake, writer = setup
    for i in range(150):
        cid = fake.next_comment_id
        fake.next_comment_id += 1
        fake.comments[cid] = {
            "id": cid,
            "body": f"comment {i}",
            "user": user("someone", 8),
            "_repo": REPO,
            "_number": 1,
        }
    writer.apply(_result([_finding("a column")]), 1, comment=True, label=None, current_labels=None)
    done = writer.apply(
        _result([_finding("a Redis")]), 1, comment=True, label=None, current_labels=None
    )
    assert (
        done.comment == "updated"
        and len([c for c in fake.comments_on(REPO, 1) if c["body"].startswith(MARKER)]) == 1
    )
    pages = [c.query.get("page", ["1"])[0] for c in fake.calls if c.method == "GET"]
    assert pages == ["1", "2", "1", "2"]


@pytest.mark.parametrize(
    ("token", "kwargs", "author"),
    [
        (PERSONAL_TOKEN, {}, user("storylint-user", 3001)),  # the person whose token it is
        (ACTION_TOKEN, {"installation_token": True}, user(BOT, BOT_ID, "Bot")),  # another workflow
    ],
)  # fmt: skip
def test_a_comment_of_the_same_account_that_only_mentions_the_marker_is_not_ours(fake, caller, token, kwargs, author):
    # the token's own account writes other comments too (a person's personal token; every
    # workflow's GITHUB_TOKEN): one that quotes or mentions the marker is not storylint's
    # comment, and must be neither overwritten nor deleted
    fake.add_issue(REPO, issue(REPO, 1, "Story", "body"))
    notes = [
        f"storylint finds its note by the hidden `{MARKER}` marker: please keep it.",
        f"Copied from the bot:\n\n> {MARKER}\n> **storylint** found 1 thing",
    ]
    theirs = [fake.add_comment(REPO, 1, note, author)["id"] for note in notes]
    writer = IssueWriter(make_client(token, fake.url), caller, REPO, **kwargs)
    assert writer.apply(_result([_finding("x column")]), 1, comment=True, label=None, current_labels=None).comment == "created"
    done = writer.apply(_result([_finding("a Redis cache")]), 1, comment=True, label=None, current_labels=None)
    assert done.comment == "updated" and not done.deleted_duplicates
    comments = fake.comments_on(REPO, 1)
    assert [c["body"] for c in comments[:2]] == notes and [c["id"] for c in comments[:2]] == theirs
    assert len(comments) == 3 and comments[2]["body"].startswith(MARKER) and "Redis" in comments[2]["body"]
