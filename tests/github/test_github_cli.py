"""`storylint github` in a real subprocess: batch mode, store, write-back, errors, secrets."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fake_github import Fault, issue, issues_event
from github_helpers import ACTION_TOKEN, APP_TOKEN, PERSONAL_TOKEN, subprocess_env

REPO = "acme/shop"
HOW = "Add a status column in PostgreSQL and a POST /api/orders endpoint."
CLEAN = (
    "As a buyer I want to see my order status so that I know when it arrives.\n\n"
    "## Acceptance criteria\n- [ ] After I pay, my order page shows the status and the expected delivery day.\n"
)


def storylint(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylint", *args], env=subprocess_env(**env), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def _seed(fake, n: int = 5) -> None:
    for i in range(1, n + 1):
        fake.add_issue(REPO, issue(REPO, i, f"Issue {i}", HOW if i % 2 else CLEAN))
    fake.add_issue(REPO, issue(REPO, n + 1, "A PR", HOW, pull_request=True))


def test_batch_json_findings_name_owner_repo_number(fake, tmp_path):
    _seed(fake)
    fake.add_issue(
        REPO, issue(REPO, 9, "Bump Redis", HOW, login="dependabot[bot]", user_type="Bot")
    )
    proc = storylint(
        "github",
        "--repo",
        REPO,
        "--format",
        "json",
        GITHUB_TOKEN=PERSONAL_TOKEN,
        GITHUB_API_URL=fake.url,
    )
    assert proc.returncode == 1, proc.stderr  # findings at or above the default fail-on
    data = json.loads(proc.stdout)
    stories = {f["story"] for f in data["findings"]}
    assert stories == {f"{REPO}#1", f"{REPO}#3", f"{REPO}#5"}
    assert [s["story"] for s in data["skipped"]] == [f"{REPO}#9"]  # the bot's issue
    assert [c.method for c in fake.calls] == ["GET"]  # read-only without --comment/--label
    assert PERSONAL_TOKEN not in proc.stdout + proc.stderr


def test_batch_with_store_is_incremental_and_uses_304(fake, tmp_path):
    _seed(fake)
    db = tmp_path / "history.db"
    env = {"GITHUB_TOKEN": PERSONAL_TOKEN, "GITHUB_API_URL": fake.url}
    first = storylint("github", "--repo", REPO, "--store", str(db), "--fail-on", "never", **env)
    assert first.returncode == 0, first.stderr
    second = storylint(
        "-v", "github", "--repo", REPO, "--store", str(db), "--fail-on", "never", **env
    )
    assert second.returncode == 0, second.stderr
    assert fake.calls[-1].status == 304 and "no issue changed" in second.stderr
    fake.issues[REPO][2]["body"] = HOW
    fake.issues[REPO][2]["updated_at"] = "2031-01-01T00:00:00Z"
    third = storylint(
        "github",
        "--repo",
        REPO,
        "--store",
        str(db),
        "--format",
        "json",
        "--fail-on",
        "never",
        **env,
    )
    data = json.loads(third.stdout)
    assert {f["story"] for f in data["findings"]} == {f"{REPO}#2"}  # only the changed issue
    since = [c for c in fake.calls if c.path.endswith("/issues") and "since" in c.query][-1].query[
        "since"
    ][0]
    assert since.endswith("Z")
    dump = "\n".join(str(r) for r in sqlite3.connect(db).iterdump())
    assert PERSONAL_TOKEN not in dump


def test_batch_write_back(fake, tmp_path):
    _seed(fake, 3)
    proc = storylint(
        "github", "--repo", REPO, "--comment", "--label", "how", "--fail-on", "never",
        GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url, GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(fake.comments_on(REPO, 1)) == 1 and fake.labels_on(REPO, 1) == ["how"]
    assert fake.comments_on(REPO, 2) == [] and fake.labels_on(REPO, 2) == []
    assert fake.comments_on(REPO, 4) == []  # the pull request
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## storylint") and "**3** checked" in summary


def test_server_failing_half_way_keeps_what_finished_and_resumes(fake, tmp_path):
    for i in range(1, 251):
        fake.add_issue(REPO, issue(REPO, i, f"Issue {i}", HOW))
    db = tmp_path / "h.db"
    env = {"GITHUB_TOKEN": PERSONAL_TOKEN, "GITHUB_API_URL": fake.url}
    # the probe and page 1 go through; page 2 fails on every attempt (HTML 502 pages)
    passthrough = [Fault(kind="slow", delay=0.0, path="/issues") for _ in range(2)]
    bad_gateway = [
        Fault(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"}, path="/issues")
        for _ in range(5)
    ]
    fake.fail(*passthrough, *bad_gateway)
    first = storylint(
        "github", "--repo", REPO, "--store", str(db), "--fail-on", "never", "--max-wait", "0", **env
    )
    assert first.returncode == 2 and "HTTP 502 (non-JSON error page)" in first.stderr, first.stderr
    assert "gave up after 5 attempts" in first.stderr and "Traceback" not in first.stderr
    assert PERSONAL_TOKEN not in first.stderr + first.stdout
    assert (
        sqlite3.connect(db).execute("SELECT count(*) FROM stories").fetchone()[0] == 100
    )  # page 1 kept
    second = storylint(
        "github",
        "--repo",
        REPO,
        "--store",
        str(db),
        "--fail-on",
        "never",
        "--format",
        "json",
        **env,
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["summary"]["stories_checked"] == 150  # only the rest linted
    third = storylint(
        "github",
        "--repo",
        REPO,
        "--store",
        str(db),
        "--fail-on",
        "never",
        "--format",
        "json",
        **env,
    )
    assert (
        json.loads(third.stdout)["summary"]["stories_checked"] == 0 and fake.calls[-1].status == 304
    )


def test_label_with_store_lints_and_labels_every_issue_past_the_first_page(fake, tmp_path):
    # 110 issues with findings; #1-#97 carry the label from an earlier run, so the labels
    # written on page 1 (#98-#100) move those issues to the end of the list. With pages by
    # number, #101-#103 slid back onto page 1 and were never read, linted nor labelled, and
    # the store's next run did not list them either.
    for i in range(1, 111):
        labels = ["storylint"] if i <= 97 else None
        fake.add_issue(REPO, issue(REPO, i, f"Issue {i}", HOW, labels=labels))
    db = tmp_path / "h.db"
    proc = storylint(
        "github", "--repo", REPO, "--label", "storylint", "--store", str(db), "--format", "json",
        "--fail-on", "never", GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["summary"]["stories_checked"] == 110
    assert {f["story"] for f in data["findings"]} == {f"{REPO}#{i}" for i in range(1, 111)}
    assert [i for i in range(1, 111) if fake.labels_on(REPO, i) != ["storylint"]] == []
    assert fake.count("POST", "/labels") == 13
    assert sqlite3.connect(db).execute("SELECT count(*) FROM stories").fetchone()[0] == 110


def test_event_mode_defaults_to_github_event_path(fake, tmp_path):
    item = fake.add_issue(REPO, issue(REPO, 1, "Carts", HOW))
    event = tmp_path / "e.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    proc = storylint("github", "--format", "json", GITHUB_EVENT_PATH=str(event))
    assert proc.returncode == 1 and json.loads(proc.stdout)["findings"][0]["story"] == f"{REPO}#1"
    assert fake.calls == []  # no token, no write-back: not a single API call


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["github"], {}, "--repo OWNER/NAME"),
        (["github", "--event", "/nonexistent.json"], {}, "cannot read the event payload"),
        (["github", "--repo", "nope"], {"GITHUB_TOKEN": PERSONAL_TOKEN}, "OWNER/NAME"),
        (
            ["github", "--repo", REPO, "--since", "yesterday"],
            {"GITHUB_TOKEN": PERSONAL_TOKEN},
            "ISO 8601",
        ),
    ],
)
def test_usage_and_input_errors_exit_2(args, env, needle):
    proc = storylint(*args, **env)
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_bad_token_exit_2_without_the_token(fake):
    _seed(fake, 1)
    proc = storylint(
        "github", "--repo", REPO, GITHUB_TOKEN="ghp_not_valid_SECRET777", GITHUB_API_URL=fake.url
    )
    assert proc.returncode == 2 and "HTTP 401 Bad credentials" in proc.stderr
    assert "SECRET777" not in proc.stdout + proc.stderr


def test_event_write_back_needs_a_token(tmp_path, fake):
    item = fake.add_issue(REPO, issue(REPO, 1, "Carts", HOW))
    event = tmp_path / "e.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    proc = storylint("github", "--event", str(event), "--comment")
    assert proc.returncode == 2 and "GITHUB_TOKEN is not set" in proc.stderr


def test_check_does_not_import_the_github_client():
    code = "import sys, storylint.cli, storylint.commands.check; print('github' in sys.modules, 'tenacity' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=True,
    )
    assert out.stdout.split() == ["False", "False"]


def test_action_token_in_env_never_printed(fake, tmp_path):
    item = fake.add_issue(REPO, issue(REPO, 1, "Carts", HOW))
    event = tmp_path / "e.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    summary, output = tmp_path / "summary.md", tmp_path / "out"
    proc = storylint(
        "-vv", "github", "--event", str(event), "--comment", "--label", "how",
        GITHUB_TOKEN=ACTION_TOKEN, GITHUB_API_URL=fake.url, GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output),
    )  # fmt: skip
    everything = proc.stdout + proc.stderr + summary.read_text() + output.read_text()
    everything += json.dumps([c for c in fake.comments.values()])
    assert ACTION_TOKEN not in everything and "SECRET" not in everything
    assert Path(summary).read_text().startswith("## storylint")


@pytest.mark.parametrize("variable", ["GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"])
def test_a_runner_file_that_cannot_be_written_is_one_error_line(fake, tmp_path, variable):
    item = fake.add_issue(REPO, issue(REPO, 1, "Carts", HOW))
    event = tmp_path / "e.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    files = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "out")}
    files[variable] = str(tmp_path / "missing" / "file")  # its folder does not exist
    proc = storylint("github", "--event", str(event), "--format", "json", "--fail-on", "never", **files)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("Error:")]
    assert line.startswith(f"Error: ${variable}: cannot write") and "No such file or directory" in line
    assert json.loads(proc.stdout)["findings"]  # the report is not lost


@pytest.mark.parametrize("mode", ["event", "repo"])
def test_a_token_an_error_body_echoes_is_never_printed(fake, tmp_path, mode):
    # a proxy or a GitHub Enterprise server may quote the request's Authorization header
    item = fake.add_issue(REPO, issue(REPO, 1, "Carts", HOW))
    event = tmp_path / "e.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    echo = json.dumps({"message": f"Validation Failed (request had Authorization: token {PERSONAL_TOKEN})"})
    fake.fail(Fault(422, echo.encode(), {"Content-Type": "application/json"}, method="GET"))
    summary = tmp_path / "summary.md"
    args = ["--event", str(event), "--comment"] if mode == "event" else ["--repo", REPO]
    proc = storylint(
        "-vv", "github", *args, "--format", "json",
        GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url, GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "HTTP 422 Validation Failed (request had Authorization: token ***)" in proc.stderr
    written = summary.read_text() if summary.exists() else ""
    for text in (proc.stdout, proc.stderr, written, written.replace("\\", "")):
        assert PERSONAL_TOKEN not in text


def _event_file(tmp_path, fake, number=1, body=HOW, **kw):
    item = fake.add_issue(REPO, issue(REPO, number, "Carts", body, **kw))
    event = tmp_path / f"e{number}.json"
    event.write_text(json.dumps(issues_event("opened", item, REPO)))
    return event


def test_team_roles_with_a_read_org_token_bring_the_author_in_scope(fake, tmp_path):
    fake.teams["acme/product"] = {"pm-alice"}
    config = tmp_path / "storylint.toml"
    config.write_text('[roles]\nlogins = ["someone-else"]\ngroups = ["acme/product"]\n')
    event = _event_file(tmp_path, fake)
    proc = storylint(
        "github", "--event", str(event), "--config", str(config), "--format", "json",
        GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url,
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["findings"] and not data["skipped"], proc.stderr
    assert fake.count("GET", "/orgs/acme/teams/product/memberships/pm-alice") == 1


def test_action_token_cannot_see_teams_and_association_is_only_a_hint(fake, tmp_path):
    fake.teams["acme/product"] = {"pm-alice"}
    config = tmp_path / "storylint.toml"
    config.write_text('[roles]\nlogins = ["someone-else"]\ngroups = ["acme/product"]\n')
    event = _event_file(tmp_path, fake, association="MEMBER")
    summary = tmp_path / "summary.md"
    proc = storylint(
        "github", "--event", str(event), "--config", str(config), "--format", "json", "--comment",
        GITHUB_TOKEN=ACTION_TOKEN, GITHUB_API_URL=fake.url, GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["findings"] == [] and "not a product manager" in data["skipped"][0]["reason"]
    assert "read:org" in proc.stderr and "roles.logins" in proc.stderr
    assert "MEMBER" in summary.read_text()
    assert fake.comments_on(REPO, 1) == []  # out of scope: nobody is coached


def test_token_with_a_trailing_newline_works_and_stays_hidden(fake):
    _seed(fake, 1)
    proc = storylint(
        "github",
        "--repo",
        REPO,
        "--format",
        "json",
        GITHUB_TOKEN=PERSONAL_TOKEN + "\n",
        GITHUB_API_URL=fake.url,
    )
    assert proc.returncode == 1, proc.stderr
    assert fake.calls[0].headers["authorization"] == f"token {PERSONAL_TOKEN}"


def test_killed_run_keeps_finished_issues_and_the_next_run_lints_the_rest(fake, tmp_path):
    import signal
    import time

    for i in range(1, 251):
        fake.add_issue(REPO, issue(REPO, i, f"Issue {i}", HOW))
    db = tmp_path / "h.db"
    # the probe and page 1 answer at once; page 2 hangs long enough to kill the process
    passthrough = [Fault(kind="slow", delay=0.0, path="/issues") for _ in range(2)]
    fake.fail(*passthrough, Fault(kind="slow", delay=20.0, path="/issues"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storylint",
            "github",
            "--repo",
            REPO,
            "--store",
            str(db),
            "--fail-on",
            "never",
        ],
        env=subprocess_env(GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    saved = 0
    while time.monotonic() < deadline and saved < 100:
        time.sleep(0.1)
        try:
            saved = sqlite3.connect(db).execute("SELECT count(*) FROM stories").fetchone()[0]
        except sqlite3.Error:
            saved = 0
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert saved == 100
    fake.faults.clear()
    env = {"GITHUB_TOKEN": PERSONAL_TOKEN, "GITHUB_API_URL": fake.url}
    second = storylint(
        "github",
        "--repo",
        REPO,
        "--store",
        str(db),
        "--fail-on",
        "never",
        "--format",
        "json",
        **env,
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["summary"]["stories_checked"] == 150


def test_bot_login_names_our_identity_for_an_app_token(fake, tmp_path):
    from fake_github import APP_BOT, BOT, BOT_ID, user

    from storylint.connectors.github_writeback import MARKER

    event = _event_file(tmp_path, fake)
    workflow = fake.add_comment(
        REPO, 1, MARKER + "\nanother workflow's note", user(BOT, BOT_ID, "Bot")
    )
    ours = fake.add_comment(REPO, 1, MARKER + "\nold", user(APP_BOT, 5001, "Bot"))
    proc = storylint(
        "github", "--event", str(event), "--comment", "--format", "json", "--fail-on", "never",
        GITHUB_TOKEN=APP_TOKEN, GITHUB_API_URL=fake.url, STORYLINT_BOT_LOGIN=APP_BOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert fake.comments[workflow["id"]]["body"].endswith("another workflow's note")
    assert "column" in fake.comments[ours["id"]]["body"] and len(fake.comments_on(REPO, 1)) == 2
    assert fake.count("GET", "/user") == 0  # a ghs_ token is an installation token: no need to ask
    proc = storylint(
        "github", "--event", str(event), "--comment", "--bot-login", " ",
        GITHUB_TOKEN=APP_TOKEN, GITHUB_API_URL=fake.url,
    )  # fmt: skip
    assert proc.returncode == 2 and "--bot-login" in proc.stderr


# -- scope by default: what insiders write, not bug reports --------------------------------------
def _event_run(tmp_path, fake, *extra: str, **kw):
    event = _event_file(tmp_path, fake, **kw)
    return storylint(
        "github", "--event", str(event), "--comment", "--label", "storylint", "--format", "github",
        "--fail-on", "warning", *extra, GITHUB_TOKEN=ACTION_TOKEN, GITHUB_API_URL=fake.url,
    )  # fmt: skip


def _one_notice(proc, *needles: str) -> None:
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::notice title=storylint::"), proc.stdout
    assert f"{REPO}#1 not linted" in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("association", ["CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "NONE"])
def test_outside_authors_are_not_linted_by_default(fake, tmp_path, association):
    proc = _event_run(tmp_path, fake, association=association)
    _one_notice(proc, association, "OWNER, MEMBER, COLLABORATOR")
    assert fake.calls == []  # not even a look at the comments
    assert fake.comments_on(REPO, 1) == [] and fake.labels_on(REPO, 1) == []


@pytest.mark.parametrize(
    "kw",
    [{"labels": ["bug"]}, {"labels": ["ux", "Type: Bug"]}, {"labels": ["kind/bug"]},
     {"labels": ["BUG"]}, {"issue_type": "Bug"}],
)  # fmt: skip
def test_bug_reports_are_not_linted_by_default(fake, tmp_path, kw):
    proc = _event_run(tmp_path, fake, association="OWNER", **kw)
    _one_notice(proc, "bug")
    assert fake.calls == [] and fake.comments_on(REPO, 1) == []


@pytest.mark.parametrize("labels", [["debug"], ["bugfix-later"], ["not: a bug report"]])
def test_labels_that_only_contain_bug_are_in_scope(fake, tmp_path, labels):
    proc = _event_run(tmp_path, fake, labels=labels)
    assert proc.returncode == 1 and "not linted" not in proc.stdout
    assert len(fake.comments_on(REPO, 1)) == 1


def test_an_existing_comment_stays_when_the_issue_leaves_scope(fake, tmp_path):
    from fake_github import BOT, BOT_ID, user

    from storylint.connectors.github_writeback import MARKER

    old = fake.add_comment(REPO, 1, MARKER + "\nold coaching", user(BOT, BOT_ID, "Bot"))
    proc = _event_run(tmp_path, fake, labels=["storylint", "bug"])
    _one_notice(proc, "bug")
    assert fake.comments[old["id"]]["body"] == MARKER + "\nold coaching"
    assert fake.labels_on(REPO, 1) == ["storylint", "bug"] and fake.calls == []


def test_scope_is_overridable(fake, tmp_path):
    proc = _event_run(
        tmp_path, fake, "--author-association", "all", "--skip-label", "",
        association="NONE", labels=["bug"],
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert len(fake.comments_on(REPO, 1)) == 1


def test_scope_options_take_lists(fake, tmp_path):
    proc = _event_run(
        tmp_path, fake, "--author-association", "member, contributor", "--skip-label", "question,wontfix",
        association="CONTRIBUTOR", labels=["bug"],
    )  # fmt: skip
    assert proc.returncode == 1 and len(fake.comments_on(REPO, 1)) == 1
    before = len(fake.calls)
    proc = _event_run(
        tmp_path, fake, "--skip-label", "question,wontfix", number=2, labels=["WontFix"]
    )
    assert proc.returncode == 0 and "'WontFix'" in proc.stdout and len(fake.calls) == before


def test_unknown_author_association_is_a_usage_error(fake, tmp_path):
    proc = _event_run(tmp_path, fake, "--author-association", "MEMBER,FRIEND")
    assert (
        proc.returncode == 2 and "--author-association" in proc.stderr and "FRIEND" in proc.stderr
    )
    assert fake.calls == []


def test_roles_naming_people_decide_instead_of_author_association(fake, tmp_path):
    # a private organisation member can show up as CONTRIBUTOR: the configured login wins
    config = tmp_path / "storylint.toml"
    config.write_text('[roles]\nlogins = ["pm-alice"]\n')
    proc = _event_run(tmp_path, fake, "--config", str(config), association="CONTRIBUTOR")
    assert proc.returncode == 1, proc.stderr
    assert len(fake.comments_on(REPO, 1)) == 1
    proc = _event_run(
        tmp_path, fake, "--config", str(config), number=2, association="CONTRIBUTOR", labels=["bug"]
    )
    assert proc.returncode == 0 and "not linted" in proc.stdout  # bug reports stay out


def test_batch_lints_insiders_stories_only_by_default(fake, tmp_path):
    fake.add_issue(REPO, issue(REPO, 1, "Story", HOW))
    fake.add_issue(REPO, issue(REPO, 2, "Outsider", HOW, login="visitor", association="NONE"))
    fake.add_issue(REPO, issue(REPO, 3, "Crash", HOW, labels=["type: bug"]))
    fake.add_issue(REPO, issue(REPO, 4, "Crash", HOW, issue_type="Bug"))
    proc = storylint(
        "github", "--repo", REPO, "--format", "json", "--comment", "--fail-on", "never",
        GITHUB_TOKEN=PERSONAL_TOKEN, GITHUB_API_URL=fake.url,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {f["story"] for f in data["findings"]} == {f"{REPO}#1"}
    skipped = {s["story"]: s["reason"] for s in data["skipped"]}
    assert set(skipped) == {f"{REPO}#2", f"{REPO}#3", f"{REPO}#4"}
    assert "NONE" in skipped[f"{REPO}#2"] and "type: bug" in skipped[f"{REPO}#3"]
    assert "Bug" in skipped[f"{REPO}#4"]
    assert [n for n in range(1, 5) if fake.comments_on(REPO, n)] == [1]
    assert data["summary"]["stories_checked"] == 1 and data["summary"]["stories_skipped"] == 3


def test_batch_with_jobs_2_gives_the_same_report(fake, tmp_path):
    """A large backlog: lint spread over worker processes, the report that of one process."""
    from tests.stories import case_stories

    rows = case_stories(copies=1)[:150]
    for i, row in enumerate(rows, start=1):
        fake.add_issue(REPO, issue(REPO, i, row["title"][:200] or "Untitled", row["body"] or CLEAN))
    env = {"GITHUB_TOKEN": PERSONAL_TOKEN, "GITHUB_API_URL": fake.url}
    outs = []
    for jobs in ("1", "2"):
        proc = storylint("github", "--repo", REPO, "--format", "json", "--fail-on", "never", "--jobs", jobs, **env)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert json.loads(outs[0])["summary"]["stories_checked"] > 100
    assert outs[0] == outs[1]


@pytest.mark.parametrize("failure", [502, 403])
def test_an_issue_whose_write_back_failed_is_coached_by_the_next_run(fake, tmp_path, failure):
    # 502: a GitHub outage on one comment; 403: a permission problem, which stops the
    # write-back of the issues after it too. Either way the next run writes what was missed.
    _seed(fake, 3)
    db = tmp_path / "h.db"
    env = {"GITHUB_TOKEN": PERSONAL_TOKEN, "GITHUB_API_URL": fake.url}
    page = b"<html>bad gateway</html>" if failure == 502 else b'{"message": "Resource not accessible by integration"}'
    kind = "text/html" if failure == 502 else "application/json"
    for _ in range(5 if failure == 502 else 1):  # a 502 is retried (five attempts), a 403 is not
        fake.fail(Fault(failure, page, {"Content-Type": kind}, method="POST", path="/issues/1/comments"))
    args = ("github", "--repo", REPO, "--store", str(db), "--comment", "--max-wait", "0", "--fail-on", "never")
    first = storylint(*args, **env)
    assert first.returncode == 2 and "write-back failed" in first.stderr
    assert not fake.comments_on(REPO, 1)
    second = storylint(*args, **env)
    assert second.returncode == 0, second.stderr
    assert [len(fake.comments_on(REPO, n)) for n in (1, 3)] == [1, 1]  # the issues with findings
    third = storylint(*args, "--format", "json", **env)
    assert json.loads(third.stdout)["summary"]["stories_checked"] == 0  # nothing left to retry
    assert [len(fake.comments_on(REPO, n)) for n in (1, 3)] == [1, 1]
