"""`storylint github`: lint one issue from an Action event, or a repository's issues.

Event mode (``--event``, the default inside a workflow) reads the webhook payload and
needs the API only to write back. Batch mode (``--repo``) lists issues through PyGithub
and is read-only unless ``--comment`` or ``--label`` is given. Output and exit status
are the same as every other command's (``storylint.commands.common``).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, NamedTuple

import click

from storylint.commands.clitypes import RealRange
from storylint.commands.common import (
    build_linter,
    config_option,
    fail_on_option,
    finish,
    format_option,
    interruptible,
    jobs_option,
    quiet_option,
    select_options,
    store_option,
)
from storylint.errors import ConnectorError, InputError, PermanentConnectorError
from storylint.model import Problem, Report, Skipped, Story, StoryResult

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterator

    from github import Github

    from storylint.connectors.github import IssueScope, TeamResolver
    from storylint.connectors.github_api import ApiCaller
    from storylint.connectors.github_writeback import IssueWriter, WriteBack
    from storylint.engine import Linter
    from storylint.store import Store

log = logging.getLogger("storylint.github")


class WriterOptions(NamedTuple):
    """Who the token is, for finding our own sticky comment (IssueWriter's fields)."""

    bot_login: str
    installation_token: bool


@click.command()
@click.option(
    "--event", "event_path", metavar="PATH", type=click.Path(dir_okay=False, path_type=str),
    help="An `issues` webhook payload (default: $GITHUB_EVENT_PATH when --repo is not given).",
)  # fmt: skip
@click.option(
    "--repo",
    metavar="OWNER/NAME",
    help="Lint the repository's issues through the API (batch mode).",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Batch: only issues updated at or after DATE (ISO 8601; sent as UTC).",
)
@click.option(
    "--state", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True,
    help="Batch: which issues to list.",
)  # fmt: skip
@click.option(
    "--comment/--no-comment", default=False, help="Keep one sticky coaching comment on each issue."
)
@click.option(
    "--label", metavar="NAME", help="Add this label while findings remain; remove it when clean."
)
@click.option(
    "--author-association", "associations", metavar="LIST", default="OWNER,MEMBER,COLLABORATOR",
    show_default=True,
    help="Lint only issues whose author_association is one of these (comma-separated), or `all`. "
    "When roles name product managers (logins, groups, ...), the roles decide instead.",
)  # fmt: skip
@click.option(
    "--skip-label", "skip_labels", metavar="LIST", default="bug", show_default=True,
    help="Do not lint issues labelled or typed as one of these kinds (comma-separated, any case; "
    "`type: bug` and `kind/bug` are bug). Empty: skip none.",
)  # fmt: skip
@click.option(
    "--bot-login", metavar="LOGIN", envvar="STORYLINT_BOT_LOGIN", show_envvar=True,
    default="github-actions[bot]", show_default=True,
    help="Who comments with an installation token (GET /user answers 403): an Action's "
    "GITHUB_TOKEN comments as github-actions[bot], a GitHub App's token as APP-SLUG[bot]. "
    "Only marked comments by this account (or by a personal token's own user) are edited.",
)  # fmt: skip
@click.option(
    "--summary/--no-summary", default=True, show_default=True,
    help="Append a Markdown report to $GITHUB_STEP_SUMMARY (when the runner sets it).",
)  # fmt: skip
@click.option(
    "--api-url",
    metavar="URL",
    help="REST API root (default: $GITHUB_API_URL or https://api.github.com).",
)
@click.option(
    "--max-wait", type=RealRange(0), default=300.0, show_default=True,
    help="Longest rate-limit wait (seconds) worth sleeping through; longer ones fail the run.",
)  # fmt: skip
@format_option
@select_options
@fail_on_option
@config_option
@store_option
@jobs_option
@quiet_option
@interruptible
def github(
    event_path: str | None,
    repo: str | None,
    since: str | None,
    state: str,
    comment: bool,
    label: str | None,
    associations: str,
    skip_labels: str,
    bot_login: str,
    summary: bool,
    api_url: str | None,
    max_wait: float,
    output_format: str,
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    fail_on: str | None,
    config_path: str | None,
    store_url: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Lint GitHub issues: the one an Action event names, or a whole repository's."""
    from storylint.connectors.github_api import ApiCaller
    from storylint.connectors.github_writeback import is_installation_token

    env = os.environ
    if event_path and repo:
        raise click.UsageError("give either --event or --repo, not both")
    if not repo:
        event_path = event_path or env.get("GITHUB_EVENT_PATH")
        if not event_path:
            raise click.UsageError(
                "give --repo OWNER/NAME, or --event PATH (or run in an Action: $GITHUB_EVENT_PATH)"
            )
    if label is not None:  # GitHub refuses a label name with whitespace around it (422)
        label = label.strip() or None
    scope = _scope(associations, skip_labels)
    bot_login = bot_login.strip()
    if not bot_login:
        raise click.BadParameter("must not be empty", param_hint="--bot-login")
    linter, config = build_linter(config_path, select, ignore, extend_select)
    token = (env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip() or None
    api_url = api_url or env.get("GITHUB_API_URL") or None
    call = ApiCaller(max_wait=max_wait, secrets=(token,))
    writer_options = WriterOptions(bot_login, is_installation_token(token))
    teams = [g for g in config.roles.groups if g.count("/") == 1]
    store = None
    if store_url:
        from storylint.store import open_store

        store = open_store(store_url)
    actions: list[str] = []
    notices: list[str] = []
    warnings: list[str] = []  # for the workflow's owner to fix (printed as ::warning)
    roles_decide = config.roles.has_people
    try:
        if repo:
            from storylint.progress import Progress

            with Progress(repo, quiet=quiet) as progress:
                report = _batch(
                    repo, since, state, comment, label, linter, store, token, api_url, call, teams,
                    writer_options, scope, roles_decide, jobs=jobs, progress=progress,
                )  # fmt: skip
        else:
            assert event_path is not None
            report = _event(
                event_path, comment, label, linter, store, token, api_url, call, teams, actions,
                writer_options, scope, roles_decide, notices, warnings,
            )  # fmt: skip
    finally:
        if store is not None:
            store.close()
    _runner_files(report, actions, summary)
    if (
        output_format == "github"
    ):  # one line the run's annotations show; text/JSON list it as skipped
        from storylint.reporters.github import escape_data

        for notice in notices:
            click.echo(f"::notice title=storylint::{escape_data(notice)}")
        for warning in warnings:
            click.echo(f"::warning title=storylint::{escape_data(warning)}")
    s = call.stats
    log.info(
        "GitHub API: %d request(s), %d retried, %.1f s waited", s.requests, s.retries, s.waited
    )
    finish(report, linter, output_format, fail_on or config.fail_on)


def _scope(associations: str, skip_labels: str) -> IssueScope:
    """The `--author-association` and `--skip-label` lists, checked."""
    from storylint.connectors.github import ASSOCIATIONS, IssueScope

    names = tuple(dict.fromkeys(a.strip().upper() for a in associations.split(",") if a.strip()))
    if names == ("ALL",):
        allowed = None
    else:
        unknown = [a for a in names if a not in ASSOCIATIONS]
        if unknown or not names:
            raise click.BadParameter(
                f"{', '.join(unknown) or 'nothing given'}: give `all` or some of "
                f"{', '.join(ASSOCIATIONS)}",
                param_hint="--author-association",
            )
        allowed = names
    skip = tuple(dict.fromkeys(k.strip() for k in skip_labels.split(",") if k.strip()))
    return IssueScope(allowed, skip)


def _client(token: str | None, api_url: str | None, *, batch: bool) -> Github:
    from storylint.connectors.github_api import make_client

    # GitHub asks for a second between writes when many are made; one issue makes two.
    return make_client(token, api_url, seconds_between_writes=1.0 if batch else None)


def _event(
    path: str,
    comment: bool,
    label: str | None,
    linter: Linter,
    store: Store | None,
    token: str | None,
    api_url: str | None,
    call: ApiCaller,
    teams: list[str],
    actions: list[str],
    writer_options: WriterOptions,
    scope: IssueScope,
    roles_decide: bool,
    notices: list[str],
    warnings: list[str],
) -> Report:
    from storylint.connectors.github import NoIssueInEvent, TeamResolver, read_event
    from storylint.connectors.github_writeback import IssueWriter, run_url_from_env
    from storylint.runner import check_stories

    env = os.environ
    report = Report()
    try:
        event = read_event(
            path, repo=env.get("GITHUB_REPOSITORY"), event_name=env.get("GITHUB_EVENT_NAME")
        )
    except NoIssueInEvent as exc:  # a workflow that listens to more than issues: not an error
        notices.append(str(exc))
        actions.append(str(exc))
        log.info("%s", notices[-1])
        return report
    writes = comment or bool(label)
    reason = scope.reason(event.story, roles_decide=roles_decide) if event.story else None
    if reason is None and event.story is not None and event.state == "closed":
        # `on: issues` without `types` runs on every activity, `closed` included: a closed
        # issue is done with, like batch mode's default --state open
        reason = "the issue is closed (reopening it lints it again)"
    if event.story is None:
        actions.append(f"{event.repo}#{event.number} not checked: {event.ignore_reason}")
        log.info("%s", actions[-1])
    elif reason is not None:  # out of scope: no API call, an earlier comment or label stays
        story = event.story
        report.add(StoryResult(story, [], Skipped(story.ref, reason, story.url)))
        notices.append(f"{story.ref} not linted: {reason}")
        log.info("%s", notices[-1])
    else:
        if writes and not token:
            # an error like a missing permission: the issue is still linted, and the job
            # summary and annotations say what happened (exit 2)
            report.errors.append(Problem(
                f"{event.repo}#{event.number}",
                "GITHUB_TOKEN is not set (the token input is empty?): --comment and --label need "
                "a token with issues: write",
            ))  # fmt: skip
            writes = False
        gh = _client(token, api_url, batch=False) if (token or teams) else None
        story = event.story
        resolver = TeamResolver(gh, call, teams) if (teams and gh is not None) else None
        if resolver is not None:
            story = resolver.apply(story)
        results: list[StoryResult] = []
        report, _ = check_stories(
            [story], linter, store=store, source=f"github:{event.repo}", command="github",
            on_result=results.append, report=report,
        )  # fmt: skip
        hint = _association_hint(results, resolver)
        if hint:
            actions.append(hint)
            log.warning("%s", hint)
        if writes and results and gh is not None:
            writer = IssueWriter(
                gh, call, event.repo, run_url=run_url_from_env(), **writer_options._asdict()
            )
            done = _write(writer, results[0], event.number, comment, label, event.labels, report)
            if done is not None:
                actions.append(done.describe())
                if done.warning:
                    actions.append(done.warning)
                    warnings.append(done.warning)
    return report


def _runner_files(report: Report, actions: list[str], summary: bool) -> None:
    """The job summary and step outputs, when a runner asks for them (both modes)."""
    from storylint.connectors.github_writeback import (
        append_summary,
        outputs_for,
        render_summary,
        set_outputs,
    )

    env = os.environ
    # a file the runner cannot take is one error line (exit 2), and the report still prints
    if summary:
        path = env.get("GITHUB_STEP_SUMMARY")
        try:
            append_summary(path, render_summary(report, actions=actions))
        except OSError as exc:
            report.errors.append(_unwritable("GITHUB_STEP_SUMMARY", "the job summary", path, exc))
    path = env.get("GITHUB_OUTPUT")
    try:
        set_outputs(path, outputs_for(report))
    except OSError as exc:
        report.errors.append(_unwritable("GITHUB_OUTPUT", "the step outputs", path, exc))


def _unwritable(variable: str, what: str, path: str | None, exc: OSError) -> Problem:
    """One error line naming the runner file that could not be written, and why."""
    return Problem(f"${variable}", f"cannot write {what} to {path}: {exc.strerror or type(exc).__name__}")


def _association_hint(results: list[StoryResult], resolver: TeamResolver | None) -> str | None:
    """author_association is only a hint: say so when it suggests a skipped author is an insider."""
    if (
        not results
        or results[0].skipped is None
        or "not a product manager" not in results[0].skipped.reason
    ):
        return None
    author = results[0].story.author
    association = (author.association or "") if author else ""
    if association not in ("OWNER", "MEMBER", "COLLABORATOR"):
        return None
    teams = (
        " (teams could not be read: needs a token with read:org)"
        if resolver and resolver.unavailable
        else ""
    )
    return (
        f"{results[0].story.ref}: skipped, but GitHub calls the author a {association}{teams}; "
        "if they are a product manager, add their login to roles.logins"
    )


def _write(
    writer: IssueWriter,
    result: StoryResult,
    number: int,
    comment: bool,
    label: str | None,
    labels: frozenset[str] | None,
    report: Report,
) -> WriteBack | None:
    try:
        return writer.apply(result, number, comment=comment, label=label, current_labels=labels)
    except ConnectorError as exc:
        report.errors.append(
            Problem(f"{writer.repo}#{number}", f"write-back failed: {exc.message}")
        )
        return None


def _batch(
    repo: str,
    since: str | None,
    state: str,
    comment: bool,
    label: str | None,
    linter: Linter,
    store: Store | None,
    token: str | None,
    api_url: str | None,
    call: ApiCaller,
    teams: list[str],
    writer_options: WriterOptions,
    scope: IssueScope,
    roles_decide: bool,
    *,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    from storylint.connectors.github import GitHubConnector, TeamResolver
    from storylint.connectors.github_writeback import IssueWriter, run_url_from_env
    from storylint.runner import check_stories

    if not token:
        log.warning("GITHUB_TOKEN is not set: unauthenticated requests are limited to 60 an hour")
    if (comment or label) and not token:
        raise InputError(
            "GITHUB_TOKEN is not set: --comment and --label need a token with issues: write"
        )
    gh = _client(token, api_url, batch=True)
    source = f"github:{repo}"
    etag_key = f"{source}#etag"
    etag = None
    if store is not None:
        since = since or store.sync_point(source)
        etag = store.sync_point(etag_key) if since else None
    resolver = TeamResolver(gh, call, teams) if teams else None
    connector = GitHubConnector(
        gh,
        call,
        repo,
        since=since,
        state=state,
        etag=etag,
        probe=store is not None,
        teams=resolver,
    )
    writer = (
        IssueWriter(gh, call, repo, run_url=run_url_from_env(), **writer_options._asdict())
        if (comment or label)
        else None
    )
    report = Report()
    failed_writes: list[bool] = []

    def on_result(result: StoryResult) -> None:
        if writer is None:
            return
        coached = not failed_writes and _write_back(result)
        if not coached and store is not None:
            # forgotten at once (a run that dies still retries it): the next run lints it
            # again and writes what this one could not
            store.forget_content_hash(source, result.story.ref)

    def _write_back(result: StoryResult) -> bool:
        assert writer is not None
        number = int(str(result.story.key).rsplit("#", 1)[1])
        item = connector.items.get(number, {})
        labels = frozenset(
            str(x.get("name")) for x in item.get("labels") or [] if isinstance(x, dict)
        )
        try:
            writer.apply(result, number, comment=comment, label=label, current_labels=labels)
        except PermanentConnectorError as exc:
            failed_writes.append(
                True
            )  # a permission problem: the next issue would fail the same way
            report.errors.append(Problem(f"{repo}#{number}", f"write-back failed: {exc.message}"))
            return False
        except ConnectorError as exc:
            report.errors.append(Problem(f"{repo}#{number}", f"write-back failed: {exc.message}"))
            return False
        return True

    def guarded() -> Iterator[Story | Problem]:
        try:
            for item in connector.stories():
                reason = (
                    scope.reason(item, roles_decide=roles_decide)
                    if isinstance(item, Story)
                    else None
                )
                if isinstance(item, Story) and reason is not None:
                    # out of scope: counted as skipped, neither linted nor written back
                    report.add(StoryResult(item, [], Skipped(item.ref, reason, item.url)))
                else:
                    yield item
        except ConnectorError as exc:
            yield Problem(source, exc.message)

    report, stats = check_stories(
        guarded(), linter, store=store, source=source, command="github",
        skip_unchanged=store is not None, on_result=on_result, report=report, jobs=jobs,
        progress=progress,
    )  # fmt: skip
    if connector.pull_requests:
        log.info("%s: %d pull request(s) ignored", repo, connector.pull_requests)
    if store is not None and not report.errors and not connector.not_modified:
        if connector.server_time:
            store.set_sync_point(source, connector.server_time)
        if connector.probe_etag:
            store.set_sync_point(etag_key, connector.probe_etag)
    if stats.unchanged:
        log.info("%s: %d unchanged issue(s) not linted again", repo, stats.unchanged)
    return report
