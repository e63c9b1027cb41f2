"""End to end: the Action's own `run:` steps, run with bash in a simulated runner.

action.yml is parsed; each `run:` step's script and `env:` are taken as written, the
`${{ ... }}` expressions a runner would expand (inputs, github.token, steps.*.outputs,
runner.os) are substituted, and the script runs with `bash -e -o pipefail` in an
environment like a runner's: GITHUB_EVENT_PATH (an `issues` payload), GITHUB_STEP_SUMMARY,
GITHUB_OUTPUT, GITHUB_ACTION_PATH, and GITHUB_API_URL pointing at the fake API. `uses:`
steps (setup-python, cache) are the runner's business and are skipped; the install step
runs for real, once, into a fresh virtual environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_github import issue, issues_event
from github_helpers import ACTION_TOKEN, subprocess_env
from test_github_writeback import inert

from storylint.connectors.github_api import COMMENT_LIMIT
from storylint.connectors.github_writeback import MARKER

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
REPO = "acme/shop"
_INSTALLED: set[Path] = set()  # tool venvs the install step already ran in
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

HOW = (
    "As a shopper I want to keep my cart so that I can finish buying later.\n\n"
    "Add a `saved_at` column to the carts table in PostgreSQL and expose POST /api/v1/carts.\n"
)
CLEAN = (
    "As a shopper I want to keep my cart so that I can finish buying later.\n\n"
    "## Acceptance criteria\n- [ ] A cart I left yesterday is still there when I come back.\n"
)
HOSTILE_TITLE = "::add-mask::hello ::set-output name=clean::true <script>x</script> @acme/product"
HOSTILE_BODY = (
    "::stop-commands::pwned\n::set-output name=clean::true\n::add-mask::PostgreSQL\n"
    "<img src=x onerror=alert(1)> <details open>PostgreSQL</details> cc @acme/product-team @octocat\n"
    "$(touch /tmp/storylint-pwned) `; rm -rf ~` ${{ github.token }} Redis column\n"
)


def _pth_venv(base: Path) -> Path:
    """A fresh venv that sees the test venv's dependencies but not its storylint."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(base)], check=True)
    py = base / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    deps = sysconfig.get_paths()["purelib"]
    Path(purelib, "_test_deps.pth").write_text(deps + "\n")
    return base


class Runner:
    """Runs the composite action's `run:` steps like a GitHub runner would."""

    def __init__(self, tmp: Path, fake_url: str, tool_bin: Path, action_path: Path) -> None:
        self.tmp = tmp
        self.action_path = action_path
        self.fake_url = fake_url
        self.tool_bin = tool_bin
        self.summary = tmp / "step_summary.md"
        self.summary.touch()
        self.runs = 0
        self.last: dict[str, Any] = {}

    def _expand(self, text: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
        def value(match: re.Match[str]) -> str:
            expr = match.group(1)
            if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
                return inputs[m.group(1)]
            if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
                return outputs.get(m.group(1), {}).get(m.group(2), "")
            if expr == "github.token":
                return ACTION_TOKEN
            if expr == "runner.os":
                return "Linux"
            raise AssertionError(f"unexpected expression in action.yml: {expr}")

        return EXPR.sub(value, text)

    def run(
        self, payload: dict[str, Any], *, files: dict[str, str] | None = None,
        event_name: str = "issues", env: dict[str, str] | None = None, **given: str,
    ) -> dict[str, Any]:
        """Run the steps; ``files`` are written into the workspace first (a checkout)."""
        self.runs += 1
        work = self.tmp / f"run{self.runs}"
        work.mkdir()
        for name, text in (files or {}).items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
        event = work / "event.json"
        event.write_text(json.dumps(payload))
        defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        inputs = {
            name: self._expand(v, {}, {}) if "github.token" in v else v
            for name, v in defaults.items()
        }
        inputs.update(given)
        outputs: dict[str, dict[str, str]] = {}
        results: dict[str, Any] = {"steps": {}}
        for index, step in enumerate(ACTION["runs"]["steps"]):
            if "uses" in step:
                continue
            if step.get("name") == "Install storylint" and self.tool_bin in _INSTALLED:
                continue  # the tool is in place (a warm runner / cache hit)
            output_file = work / f"output_{index}"
            output_file.touch()
            step_env = subprocess_env(
                PATH=f"{self.tool_bin}{os.pathsep}{os.environ['PATH']}",
                GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event_name, GITHUB_EVENT_PATH=str(event),
                GITHUB_REPOSITORY=REPO, GITHUB_API_URL=self.fake_url, GITHUB_SERVER_URL="https://github.com",
                GITHUB_RUN_ID="4242", GITHUB_WORKSPACE=str(work), GITHUB_ACTION_PATH=str(self.action_path),
                GITHUB_STEP_SUMMARY=str(self.summary), GITHUB_OUTPUT=str(output_file), RUNNER_OS="Linux",
                RUNNER_TEMP=str(work), HOME=str(self.tmp),
            )  # fmt: skip
            step_env.update(env or {})  # the workflow's own `env:`
            for key, val in (step.get("env") or {}).items():
                step_env[key] = self._expand(str(val), inputs, outputs)
            script = work / f"step_{index}.sh"
            script.write_text(self._expand(step["run"], inputs, outputs))
            started = time.perf_counter()
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)],
                cwd=work, env=step_env, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
            step_id = step.get("id") or f"step{index}"
            outputs[step_id] = parse_outputs(output_file.read_text())
            results["steps"][step_id] = {"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                                          "seconds": elapsed}  # fmt: skip
            if step.get("name") == "Install storylint":
                assert proc.returncode == 0, proc.stderr
                _INSTALLED.add(self.tool_bin)
            if proc.returncode != 0:
                break
        results["step_outputs"] = outputs
        results["outputs"] = {
            name: self._expand(spec["value"], inputs, outputs)
            for name, spec in ACTION["outputs"].items()
        }
        self.last = results
        return results


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: `name=value` lines and `name<<DELIM` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value: list[str] = []
            for inner in lines:
                if inner == delim:
                    break
                value.append(inner)
            else:
                raise AssertionError(f"unterminated output {name}")
            out[name] = "\n".join(value)
        elif "=" in line:
            name, val = line.split("=", 1)
            out[name] = val
    return out


@pytest.fixture(scope="module")
def tool_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pth_venv(tmp_path_factory.mktemp("toolcache") / "venv") / "bin"


@pytest.fixture(scope="module")
def action_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as a runner downloads it: the repository's files, without git or build state."""
    target = tmp_path_factory.mktemp("_actions") / "storylint"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "tests"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture
def runner(tmp_path: Path, fake, tool_venv: Path, action_path: Path) -> Runner:
    return Runner(tmp_path, fake.url, tool_venv, action_path)


def _annotations_only(stdout: str) -> None:
    """Every line storylint prints is one escaped annotation; no smuggled command can start a line."""
    for line in stdout.splitlines():
        if line.lstrip().startswith("::"):
            assert re.match(r"^::(warning|error|notice) title=[^:\n]*::", line), line
    starts = [ln.lstrip()[:20] for ln in stdout.splitlines()]
    assert not [
        s for s in starts if s.startswith(("::add-mask", "::set-output", "::stop-commands"))
    ]


def test_opened_edited_to_clean_reopened(runner: Runner, fake, capsys) -> None:
    item = fake.add_issue(REPO, issue(REPO, 12, "Save carts", HOW))
    first = runner.run(issues_event("opened", item, REPO))
    lint = first["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]  # advisory by default
    cache = first["step_outputs"]["pip-cache"]
    assert re.fullmatch(r"[0-9a-f]{16}", cache["key"]) and cache["dir"]
    assert first["outputs"]["clean"] == "false" and int(first["outputs"]["findings"]) > 0
    assert "data_model" in first["outputs"]["categories"] or first["outputs"]["categories"]
    [comment] = fake.comments_on(REPO, 12)
    assert comment["body"].startswith(MARKER) and comment["user"]["login"] == "github-actions[bot]"
    assert fake.labels_on(REPO, 12) == ["storylint"]
    summary = runner.summary.read_text()
    assert "## storylint" in summary and f"{REPO}\\#12" in summary or f"{REPO}#12" in summary
    _annotations_only(lint["stdout"])
    assert "SECRET" not in lint["stdout"] + lint["stderr"] + summary

    # the measured figures: one issue, one lint step
    calls_for_opened = len(fake.calls)
    with capsys.disabled():
        print(f"\nMEASURE action lint step (opened, findings): {lint['seconds']:.2f} s wall, "
              f"{calls_for_opened} API calls: {[f'{c.method} {c.path}' for c in fake.calls]}")  # fmt: skip
    assert calls_for_opened == 3  # GET comments, POST comment, POST labels

    before = len(fake.calls)
    old = dict(fake.issues[REPO][12])
    fake.issues[REPO][12]["body"] = CLEAN
    edited = issues_event(
        "edited", fake.issues[REPO][12], REPO, changes={"body": {"from": old["body"]}}
    )
    second = runner.run(edited)
    assert second["steps"]["lint"]["rc"] == 0, second["steps"]["lint"]["stderr"]
    assert second["outputs"] == {"findings": "0", "categories": "", "clean": "true"}
    [same] = fake.comments_on(REPO, 12)
    assert same["id"] == comment["id"] and "resolved" in same["body"]  # updated, not duplicated
    assert fake.labels_on(REPO, 12) == []
    assert len(fake.calls) - before == 3  # GET comments, PATCH comment, DELETE label

    fake.issues[REPO][12]["body"] = HOW
    third = runner.run(issues_event("reopened", fake.issues[REPO][12], REPO))
    assert third["steps"]["lint"]["rc"] == 0
    assert len(fake.comments_on(REPO, 12)) == 1 and third["outputs"]["clean"] == "false"
    assert fake.comments_on(REPO, 12)[0]["id"] == comment["id"]
    assert fake.labels_on(REPO, 12) == ["storylint"]


def test_an_edit_made_while_the_first_run_labelled_still_removes_the_label(runner: Runner, fake) -> None:
    # the author fixes the story seconds after opening it: the `edited` payload was made
    # before the `opened` run added the label, so its `labels` do not list it
    item = fake.add_issue(REPO, issue(REPO, 14, "Save carts", HOW))
    edited = issues_event("edited", {**item, "body": CLEAN}, REPO, changes={"body": {"from": HOW}})
    first = runner.run(issues_event("opened", item, REPO))
    assert first["steps"]["lint"]["rc"] == 0 and fake.labels_on(REPO, 14) == ["storylint"]
    fake.issues[REPO][14]["body"] = CLEAN
    second = runner.run(edited)
    assert second["steps"]["lint"]["rc"] == 0, second["steps"]["lint"]["stderr"]
    [comment] = fake.comments_on(REPO, 14)
    assert "resolved" in comment["body"]
    assert fake.labels_on(REPO, 14) == []  # not left on a clean story


def test_a_workflow_that_disables_pips_cache_skips_the_cache_step(runner: Runner, fake) -> None:
    # PIP_NO_CACHE_DIR in the workflow's env makes `pip cache dir` fail; actions/cache with
    # an empty `path` fails its step ("Input required and not supplied: path"), and the Action
    item = fake.add_issue(REPO, issue(REPO, 15, "Save carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), env={"PIP_NO_CACHE_DIR": "1"})
    located = result["steps"]["pip-cache"]
    assert located["rc"] == 0 and result["step_outputs"]["pip-cache"]["dir"] == ""
    assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
    [cache] = [s for s in ACTION["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
    assert "steps.pip-cache.outputs.dir" in cache["with"]["path"]
    assert cache.get("if") == "steps.pip-cache.outputs.dir != ''"  # skipped when there is no dir


def test_a_new_run_with_the_same_findings_leaves_the_comment_alone(runner: Runner, fake) -> None:
    # with a GitHub App's token, a comment edit starts workflows: a workflow that also runs on
    # `issue_comment` would be started again by each edit storylint made only for its run link
    import copy

    from fake_github import APP_BOT, repository, user
    from github_helpers import APP_TOKEN

    app = {"token": APP_TOKEN, "bot-login": APP_BOT}
    item = fake.add_issue(REPO, issue(REPO, 16, "Save carts", HOW))
    first = runner.run(issues_event("opened", item, REPO), env={"GITHUB_RUN_ID": "5001"}, **app)
    assert first["steps"]["lint"]["rc"] == 0, first["steps"]["lint"]["stderr"]
    for run_id in ("5002", "5003"):  # each run started by someone's comment (storylint's own are skipped)
        comment = fake.add_comment(REPO, 16, f"Noted ({run_id}).", user("pm-alice", 4001))
        created = {"action": "created", "issue": copy.deepcopy(fake.issues[REPO][16]),
                   "comment": {k: v for k, v in comment.items() if k[0] != "_"},
                   "repository": repository(REPO), "sender": comment["user"]}  # fmt: skip
        result = runner.run(created, event_name="issue_comment", env={"GITHUB_RUN_ID": run_id}, **app)
        assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
        assert "comment unchanged" in runner.summary.read_text().rsplit("## storylint", 1)[1]
    assert fake.count("PATCH") == 0 and len(fake.comments_on(REPO, 16)) == 3


def test_a_comment_storylint_wrote_does_not_start_another_lint(runner: Runner, fake) -> None:
    # a GitHub App's comments start workflows: with the bot-login input forgotten, each run
    # posted a new comment (it cannot find its own), whose issue_comment event started the
    # next run, which posted the next one: runs and notifications without end
    import copy

    from fake_github import repository
    from github_helpers import APP_TOKEN

    item = fake.add_issue(REPO, issue(REPO, 26, "Save carts", HOW))
    first = runner.run(issues_event("opened", item, REPO), token=APP_TOKEN)
    assert first["steps"]["lint"]["rc"] == 0, first["steps"]["lint"]["stderr"]
    for _ in range(2):  # the event of the comment the run before wrote
        [comment] = fake.comments_on(REPO, 26)
        created = {"action": "created", "issue": copy.deepcopy(fake.issues[REPO][26]),
                   "comment": {k: v for k, v in comment.items() if k[0] != "_"},
                   "repository": repository(REPO), "sender": comment["user"]}  # fmt: skip
        result = runner.run(created, event_name="issue_comment", token=APP_TOKEN)
        assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
        assert "a storylint comment changed (the issue did not)" in runner.summary.read_text().rsplit("## storylint", 1)[1]
    assert [c["id"] for c in fake.comments_on(REPO, 26)] == [comment["id"]]
    assert fake.count("POST", "/comments") == 1 and fake.count("DELETE") == 0


def test_a_label_input_with_spaces_around_it_is_the_label(runner: Runner, fake) -> None:
    # a quoted or folded YAML value keeps them (`label: >` adds a newline); GitHub answers
    # 422 "invalid" to a label name that starts or ends with whitespace
    item = fake.add_issue(REPO, issue(REPO, 17, "Save carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), label=" storylint\n")
    assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
    assert fake.labels_on(REPO, 17) == ["storylint"]
    fake.issues[REPO][17]["body"] = CLEAN
    result = runner.run(issues_event("edited", fake.issues[REPO][17], REPO), label=" storylint\n")
    assert result["steps"]["lint"]["rc"] == 0 and fake.labels_on(REPO, 17) == []


def test_fail_on_makes_the_step_fail(runner: Runner, fake) -> None:
    item = fake.add_issue(REPO, issue(REPO, 3, "Carts", HOW))
    result = runner.run(
        issues_event("opened", item, REPO),
        **{"fail-on": "warning", "comment": "false", "label": ""},
    )
    assert result["steps"]["lint"]["rc"] == 1
    assert fake.comments_on(REPO, 3) == [] and fake.labels_on(REPO, 3) == []
    assert not [c for c in fake.calls if c.method != "GET"]


def test_hostile_issue_is_neutralised(runner: Runner, fake) -> None:
    pwned = Path("/tmp/storylint-pwned")
    pwned.unlink(missing_ok=True)
    item = fake.add_issue(REPO, issue(REPO, 66, HOSTILE_TITLE, HOSTILE_BODY))
    result = runner.run(issues_event("opened", item, REPO))
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    _annotations_only(lint["stdout"])
    [comment] = fake.comments_on(REPO, 66)
    inert(comment["body"])
    inert(runner.summary.read_text())
    assert result["outputs"]["clean"] == "false"  # `::set-output name=clean::true` did nothing
    assert not pwned.exists()
    assert (
        ACTION_TOKEN
        not in lint["stdout"] + lint["stderr"] + comment["body"] + runner.summary.read_text()
    )


def test_seventy_thousand_character_body(runner: Runner, fake) -> None:
    body = ("We store it in a PostgreSQL column and call the endpoint. " * 1300)[:70_000]
    item = fake.add_issue(REPO, issue(REPO, 70, "Huge", body))
    result = runner.run(issues_event("opened", item, REPO))
    assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
    [comment] = fake.comments_on(REPO, 70)
    assert len(comment["body"]) <= COMMENT_LIMIT
    assert len(runner.summary.read_bytes()) < 1024 * 1024


def test_pull_request_and_bot_issues_are_not_touched(runner: Runner, fake) -> None:
    pr = fake.add_issue(REPO, issue(REPO, 5, "PR", HOW, pull_request=True))
    result = runner.run(issues_event("opened", pr, REPO))
    assert result["steps"]["lint"]["rc"] == 0 and result["outputs"]["clean"] == "true"
    bot = fake.add_issue(
        REPO, issue(REPO, 6, "Bump Redis", HOW, login="renovate[bot]", user_type="Bot")
    )
    result = runner.run(issues_event("opened", bot, REPO))
    assert result["steps"]["lint"]["rc"] == 0
    assert fake.comments_on(REPO, 5) == [] and fake.comments_on(REPO, 6) == []
    assert [c for c in fake.calls if c.method != "GET"] == []


@pytest.mark.parametrize("event_name", ["pull_request", "workflow_dispatch"])
def test_an_event_without_an_issue_is_skipped_with_a_notice(runner: Runner, fake, event_name) -> None:
    # a workflow that listens to more than `issues` runs the step on these too: not an error
    from fake_github import repository, user

    payload: dict[str, Any] = {"repository": repository(REPO), "sender": user("pm-alice", 1001)}
    if event_name == "pull_request":
        pr = issue(REPO, 5, "Use Redis", HOW, pull_request=True)
        payload.update(action="opened", number=5, pull_request=pr)
    else:
        payload.update(inputs={}, ref="refs/heads/main", workflow=".github/workflows/storylint.yml")
    result = runner.run(payload, event_name=event_name)
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    notices = [ln for ln in lint["stdout"].splitlines() if "names no issue" in ln]
    assert len(notices) == 1 and notices[0].startswith(f"::notice title=storylint::a {event_name} event")
    _annotations_only(lint["stdout"])
    assert result["outputs"] == {"findings": "0", "categories": "", "clean": "true"}
    assert "event names no issue: nothing to lint" in runner.summary.read_text()
    assert fake.calls == []


def test_missing_permission_fails_with_one_clear_line(runner: Runner, fake) -> None:
    from fake_github import Fault

    item = fake.add_issue(REPO, issue(REPO, 9, "Carts", HOW))
    fake.fail(
        Fault(
            403,
            b'{"message": "Resource not accessible by integration", "documentation_url": "x"}',
            method="POST",
        )
    )
    result = runner.run(issues_event("opened", item, REPO))
    lint = result["steps"]["lint"]
    assert lint["rc"] == 2
    assert "issues: write" in lint["stderr"] and "Traceback" not in lint["stderr"]
    assert ACTION_TOKEN not in lint["stderr"] + lint["stdout"]


def test_an_empty_token_input_is_one_error_and_the_summary_still_says_so(runner: Runner, fake) -> None:
    # `token: ${{ secrets.STORYLINT_TOKEN }}` with the secret missing gives an empty token
    item = fake.add_issue(REPO, issue(REPO, 10, "Carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), token="")
    lint = result["steps"]["lint"]
    assert lint["rc"] == 2 and "Traceback" not in lint["stderr"]
    [error] = [ln for ln in lint["stderr"].splitlines() if ln.startswith("Error:")]
    assert "GITHUB_TOKEN is not set" in error and "issues: write" in error
    assert [ln for ln in lint["stdout"].splitlines() if ln.startswith("::error title=storylint::")]
    assert [ln for ln in lint["stdout"].splitlines() if ln.startswith("::warning title=TC01")]  # still linted
    summary = runner.summary.read_text()
    assert "GITHUB\\_TOKEN is not set" in summary and "**1** checked" in summary
    assert result["outputs"]["clean"] == "false" and fake.calls == []


# -- static checks on the Action and the example workflow ---------------------------------------
def test_no_expression_in_any_run_script_and_no_event_data_in_env() -> None:
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
        for value in (step.get("env") or {}).values():
            assert "github.event" not in str(value)


def test_actions_are_pinned_by_full_sha() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    uses += [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    for ref in uses:
        if ref.startswith("OWNER/storylint@"):
            continue  # the user pins their reviewed storylint commit
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref


def test_every_workflow_the_docs_show_pins_its_actions_by_full_sha() -> None:
    """docs/github.md says "pin every action by its full commit SHA": the Jira workflows
    (examples/jira-issue-workflow.yml, the nightly in docs/jira.md) are copied as they are
    too, with the Jira token in their environment, so a moved tag must not reach it."""
    texts = {p.name: p.read_text() for p in sorted((ROOT / "examples").glob("*.yml"))}
    texts |= {p.name: p.read_text() for p in sorted((ROOT / "docs").glob("*.md"))}
    texts["README.md"] = (ROOT / "README.md").read_text()
    seen = 0
    for name, text in texts.items():
        for ref in re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)", text, re.MULTILINE):
            seen += 1
            if ref.startswith("OWNER/storylint@"):
                continue  # the user pins their reviewed storylint commit
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{name}: {ref}"
    assert seen >= 8  # the examples and the docs' workflows were read


def test_example_workflow_shape() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as True
    assert on == {"issues": {"types": ["opened", "edited", "reopened"]}}
    assert workflow["permissions"] == {"issues": "write", "contents": "read"}
    assert workflow["concurrency"] == {
        "group": "storylint-issue-${{ github.event.issue.number }}",
        "cancel-in-progress": True,
    }
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "github.event" not in step.get("run", "")
    assert {"config", "fail-on", "comment", "label", "token"} <= set(ACTION["inputs"])
    assert all(spec.get("description") for spec in ACTION["inputs"].values())
    assert ACTION["inputs"]["token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["fail-on"]["default"] == "never"
    assert set(ACTION["outputs"]) == {"findings", "categories", "clean"}


def test_example_workflows_leave_room_for_a_full_rate_limit_wait() -> None:
    """A rate-limit wait up to `--max-wait` (the Action passes none: the default) must fit in
    the job's timeout after set-up, or the runner kills the step: no summary, no error line."""
    from storylint.commands.github import github

    [max_wait] = [p.default for p in github.params if p.name == "max_wait"]
    setup = 120  # seconds: checkout, Python, the install from the pip cache
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] * 60 >= float(max_wait) + setup
    doc = (ROOT / "docs" / "github.md").read_text()
    [minutes] = re.findall(r"timeout-minutes: (\d+)", doc)
    assert int(minutes) * 60 >= float(max_wait) + setup


def test_another_apps_marked_comment_is_left_alone(runner: Runner, fake) -> None:
    from fake_github import user

    item = fake.add_issue(REPO, issue(REPO, 21, "Save carts", HOW))
    theirs = fake.add_comment(
        REPO, 21, MARKER + "\nnot storylint", user("renovate[bot]", 29139614, "Bot")
    )
    result = runner.run(issues_event("opened", item, REPO))
    assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
    comments = fake.comments_on(REPO, 21)
    assert len(comments) == 2 and fake.comments[theirs["id"]]["body"] == MARKER + "\nnot storylint"
    assert [c["user"]["login"] for c in comments if "storylint:" in c["body"]][
        -1
    ] == "github-actions[bot]"
    assert fake.count("GET", "/user") == 0 and fake.count("DELETE") == 0


def test_an_app_token_without_bot_login_edits_its_own_comment(runner: Runner, fake) -> None:
    # the token input is a GitHub App's token, the bot-login input left at its default: GraphQL's
    # viewer names the app's bot, so the one comment is edited in place, as with GITHUB_TOKEN
    from fake_github import APP_BOT
    from github_helpers import APP_TOKEN

    fake.add_issue(REPO, issue(REPO, 22, "Save carts", HOW))
    ids = []
    for action in ("opened", "edited", "edited"):
        result = runner.run(issues_event(action, fake.issues[REPO][22], REPO), token=APP_TOKEN)
        lint = result["steps"]["lint"]
        assert lint["rc"] == 0, lint["stderr"]
        assert "::warning title=storylint::" not in lint["stdout"]
        _annotations_only(lint["stdout"])
        ids += [c["id"] for c in fake.comments_on(REPO, 22)]
    assert [c["user"]["login"] for c in fake.comments_on(REPO, 22)] == [APP_BOT]
    assert len(set(ids)) == 1 and fake.count("DELETE") == 0  # edited, never written anew
    assert fake.count("POST", "/graphql") == 3 and fake.count("GET", "/user") == 0  # once a run


def test_an_app_token_whose_viewer_fails_keeps_one_comment_and_says_what_to_set(runner: Runner, fake) -> None:
    # GraphQL refused (a proxy, an outage): the default bot stands, and the comment the token
    # writes says who it is, so one comment stays and the warning names the bot-login to set
    from fake_github import APP_BOT, Fault
    from github_helpers import APP_TOKEN

    fake.add_issue(REPO, issue(REPO, 23, "Save carts", HOW))
    for action in ("opened", "edited", "edited"):
        fake.fail(Fault(404, b'{"message": "Not Found"}', {"Content-Type": "application/json"}, path="/graphql"))
        result = runner.run(issues_event(action, fake.issues[REPO][23], REPO), token=APP_TOKEN)
        lint = result["steps"]["lint"]
        assert lint["rc"] == 0, lint["stderr"]
        [warning] = [ln for ln in lint["stdout"].splitlines() if ln.startswith("::warning title=storylint::")]
        assert f"set the bot-login input (--bot-login, $STORYLINT_BOT_LOGIN) to {APP_BOT}" in warning
        _annotations_only(lint["stdout"])
    assert [c["user"]["login"] for c in fake.comments_on(REPO, 23)] == [APP_BOT]  # one, not three
    assert "bot-login" in runner.summary.read_text()


# -- the configuration file: optional at the default path, required anywhere else ---------------
def _example_inputs() -> dict[str, str]:
    """The `with:` of the storylint step in the example workflow, as strings."""
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    [step] = [s for job in workflow["jobs"].values() for s in job["steps"]
              if str(s.get("uses", "")).startswith("OWNER/storylint@")]  # fmt: skip
    return {k: str(v) for k, v in (step.get("with") or {}).items()}


def test_example_workflow_without_storylint_toml_lints_with_defaults(runner: Runner, fake) -> None:
    item = fake.add_issue(REPO, issue(REPO, 30, "Save carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), **_example_inputs())
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    notices = [ln for ln in lint["stdout"].splitlines() if "storylint.toml" in ln]
    assert len(notices) == 1 and notices[0].startswith("::notice title=storylint::")
    assert "built-in defaults" in notices[0]
    _annotations_only(lint["stdout"])
    assert result["outputs"]["clean"] == "false" and len(fake.comments_on(REPO, 30)) == 1


def test_storylint_toml_in_the_workspace_is_used(runner: Runner, fake) -> None:
    item = fake.add_issue(REPO, issue(REPO, 31, "Save carts", HOW))
    config = '[roles]\nlogins = ["someone-else"]\n'  # pm-alice is out of scope: nothing to say
    result = runner.run(
        issues_event("opened", item, REPO), files={"storylint.toml": config}, **_example_inputs()
    )
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    assert "storylint.toml" not in lint["stdout"]
    assert result["outputs"]["clean"] == "true" and fake.comments_on(REPO, 31) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [(".storylint.toml", '[roles]\nlogins = ["someone-else"]\n'),
     ("pyproject.toml", '[project]\nname = "shop"\n\n[tool.storylint.roles]\nlogins = ["someone-else"]\n')],
)  # fmt: skip
def test_another_config_file_in_the_workspace_is_used_without_a_wrong_notice(
    runner: Runner, fake, name, text
) -> None:
    # storylint finds .storylint.toml and pyproject.toml's [tool.storylint] too: the notice
    # must not say "built-in defaults" while that configuration decides
    item = fake.add_issue(REPO, issue(REPO, 34, "Save carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), files={name: text})
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    assert "built-in defaults" not in lint["stdout"]
    assert result["outputs"]["clean"] == "true" and fake.comments_on(REPO, 34) == []  # it was used


def test_an_explicit_config_that_does_not_exist_is_an_error(runner: Runner, fake) -> None:
    item = fake.add_issue(REPO, issue(REPO, 32, "Save carts", HOW))
    result = runner.run(issues_event("opened", item, REPO), config=".github/storylint.toml")
    lint = result["steps"]["lint"]
    assert lint["rc"] == 2
    assert "Error: .github/storylint.toml: cannot read" in lint["stderr"]
    assert fake.comments_on(REPO, 32) == []


def test_empty_config_input_discovers_the_configuration(runner: Runner, fake) -> None:
    item = fake.add_issue(REPO, issue(REPO, 33, "Save carts", HOW))
    pyproject = '[tool.storylint.roles]\nlogins = ["someone-else"]\n'
    result = runner.run(
        issues_event("opened", item, REPO), files={"pyproject.toml": pyproject}, config=""
    )
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    assert "storylint.toml" not in lint["stdout"] and result["outputs"]["clean"] == "true"


# -- scope by default: the repository's own people, not bug reports --------------------------------
@pytest.mark.parametrize(
    "kw", [{"association": "NONE", "login": "visitor"}, {"labels": ["type: bug"]}]
)
def test_outsiders_and_bug_reports_get_a_notice_and_no_comment(runner: Runner, fake, kw) -> None:
    item = fake.add_issue(REPO, issue(REPO, 40, "It crashes", HOW, **kw))
    result = runner.run(issues_event("opened", item, REPO), **_example_inputs())
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    notices = [ln for ln in lint["stdout"].splitlines() if "not linted" in ln]
    assert len(notices) == 1 and notices[0].startswith("::notice title=storylint::")
    assert not [ln for ln in lint["stdout"].splitlines() if ln.startswith(("::warning", "::error"))]
    _annotations_only(lint["stdout"])
    assert result["outputs"] == {"findings": "0", "categories": "", "clean": "true"}
    assert fake.comments_on(REPO, 40) == [] and fake.labels_on(REPO, 40) == kw.get("labels", [])
    assert fake.calls == []
    assert "skipped" in runner.summary.read_text()


def test_a_closed_issue_gets_no_coaching_comment(runner: Runner, fake) -> None:
    # `on: issues` without `types` runs the step on every activity, `closed` included
    item = fake.add_issue(REPO, issue(REPO, 42, "Save carts", HOW, state="closed"))
    result = runner.run(issues_event("closed", item, REPO), **_example_inputs())
    lint = result["steps"]["lint"]
    assert lint["rc"] == 0, lint["stderr"]
    [notice] = [ln for ln in lint["stdout"].splitlines() if "not linted" in ln]
    assert notice.startswith("::notice title=storylint::") and "the issue is closed" in notice
    assert fake.comments_on(REPO, 42) == [] and fake.labels_on(REPO, 42) == []
    assert fake.calls == [] and result["outputs"]["clean"] == "true"


def test_scope_inputs_widen_the_default(runner: Runner, fake) -> None:
    item = fake.add_issue(
        REPO, issue(REPO, 41, "Carts", HOW, association="NONE", login="visitor", labels=["bug"])
    )
    result = runner.run(
        issues_event("opened", item, REPO), **{"author-association": "all", "skip-label": ""}
    )
    assert result["steps"]["lint"]["rc"] == 0, result["steps"]["lint"]["stderr"]
    assert len(fake.comments_on(REPO, 41)) == 1 and result["outputs"]["clean"] == "false"
