"""`storylint jira`: lint the stories a JQL query finds, incrementally with a store.

Credentials come from the environment only: ``JIRA_EMAIL`` + ``JIRA_API_TOKEN`` (Cloud,
basic auth) or ``JIRA_PAT`` (Server/Data Center, bearer). Output and exit codes are those
of ``storylint check``; each finding's ``story`` is the issue key and ``url`` its browse link.
"""

from __future__ import annotations

import sys

import click

from storylint.commands.clitypes import RealRange
from storylint.commands.common import (
    build_linter,
    config_option,
    fail_on_option,
    finish,
    format_option,
    interruptible,
    jira_label,
    jobs_option,
    quiet_option,
    select_options,
    store_option,
)


@click.command()
@click.option("--server", required=True, envvar="JIRA_SERVER", metavar="URL",
              help="Jira base URL, e.g. https://example.atlassian.net [env: JIRA_SERVER].")  # fmt: skip
@click.option("--jql", help="Which issues, e.g. 'project = PAY AND type = Story'. With --issue it is not"
                           " searched: it names the nightly query whose history the results join.")  # fmt: skip
@click.option("--issue", "issues", multiple=True, metavar="KEY",
              help="Lint exactly this issue (repeatable), one read each: coach an author the moment a story"
                   " is created (a Jira Automation rule or webhook runs it). Never a baseline run.")  # fmt: skip
@store_option
@click.option("--full", is_flag=True, help="Re-read and re-lint everything, ignoring the last sync point.")
@format_option
@select_options
@fail_on_option
@config_option
@click.option("--comment", is_flag=True, help="Keep one storylint comment per issue, updated in place.")
@click.option("--label", callback=jira_label, metavar="NAME", help="Add this label to issues with findings; remove it when clean.")
@click.option("--dry-run", is_flag=True, help="Print what --comment/--label would write, write nothing; with --store, the"
                   " sync point stays and the next real run writes it.")  # fmt: skip
@click.option("--comment-since", metavar="DATE",
              help="With --comment/--label: write only to issues created on or after DATE (ISO date or"
                   " date-time, UTC unless it says); older ones are linted and recorded only.")  # fmt: skip
@click.option("--no-baseline", is_flag=True,
              help="Write comments/labels on the first run against an empty --store too (by default that"
                   " run is a baseline: it records and writes nothing).")  # fmt: skip
@click.option("--timeout", type=RealRange(min=1.0), default=30.0, show_default=True,
              help="Seconds to wait for each Jira answer.")  # fmt: skip
@click.option("--retries", type=click.IntRange(min=0, max=20), default=7, show_default=True,
              help="Retries per call on 429, 5xx, timeouts and broken answers.")  # fmt: skip
@jobs_option
@quiet_option
@interruptible
def jira(
    server: str,
    jql: str | None,
    issues: tuple[str, ...],
    store_url: str | None,
    full: bool,
    output_format: str,
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    fail_on: str | None,
    config_path: str | None,
    comment: bool,
    label: str | None,
    dry_run: bool,
    comment_since: str | None,
    no_baseline: bool,
    timeout: float,
    retries: int,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Lint Jira issues matching JQL, or exactly the --issue keys (Cloud or Server/Data Center).

    Credentials come from the environment only, never from options:

    \b
      JIRA_EMAIL + JIRA_API_TOKEN  Jira Cloud: the account's email and an API token
      JIRA_PAT                     Server/Data Center: a personal access token
      JIRA_SERVER                  the --server URL, if the option is not given
    """
    if not jql and not issues:
        raise click.UsageError("give --jql (a query) or --issue KEY (exactly those issues)")
    # they shape what --comment/--label write: alone they would change nothing, without a word
    alone = [name for name, given in (("--dry-run", dry_run), ("--comment-since", comment_since is not None),
                                      ("--no-baseline", no_baseline)) if given]  # fmt: skip
    if alone and not (comment or label):
        raise click.UsageError(f"{alone[0]} works with --comment or --label (what they write); give one of them")
    from storylint.connectors.jira import JiraAuth, JiraConnector, clear_text_warning, issue_keys
    from storylint.connectors.jira_http import RetryPolicy
    from storylint.connectors.jira_sync import is_baseline, run_jira, run_jira_issues
    from storylint.connectors.jira_writeback import JiraWriteBack, parse_since

    since = parse_since(comment_since) if comment_since is not None else None
    linter, config = build_linter(config_path, select, ignore, extend_select)
    auth = JiraAuth.from_env()
    connector = JiraConnector(
        server, jql or "", auth, timeout=timeout, policy=RetryPolicy(attempts=retries + 1),
        fetch_groups=bool(config.roles.groups),
    )  # fmt: skip
    warning = clear_text_warning(connector.server)
    if warning:
        click.echo(warning, err=True)
    store = None
    if store_url:
        from storylint.store import open_store

        store = open_store(store_url)
    try:
        writeback = None
        if comment or label:
            if not issues and since is None and not no_baseline and is_baseline(store, connector):
                click.echo("Notice: baseline run (no earlier run of this query in the store): stories are"
                           " linted and recorded, nothing is written to Jira; --comment-since DATE or"
                           " --no-baseline writes now", err=True)  # fmt: skip
            else:
                writeback = JiraWriteBack(
                    connector, comment=comment, label=label, dry_run=dry_run, since=since,
                    echo=lambda line: click.echo(line, file=sys.stderr),
                )  # fmt: skip
        if issues:
            outcome = run_jira_issues(connector, linter, issue_keys(issues), store=store, full=full,
                                      writeback=writeback, dry_run=dry_run)  # fmt: skip
        else:
            from storylint.progress import Progress

            with Progress("Jira", quiet=quiet) as progress:
                outcome = run_jira(connector, linter, store=store, full=full, writeback=writeback,
                                   jobs=jobs, progress=progress, dry_run=dry_run)  # fmt: skip
    finally:
        if store is not None:
            store.close()
    finish(outcome.report, linter, output_format, fail_on or config.fail_on)
