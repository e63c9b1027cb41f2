"""`storylint report`: HTML dashboard, Markdown digest or CSV from a store or results files."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from storylint import __version__
from storylint.commands.clitypes import RealRange
from storylint.errors import ConfigError

log = logging.getLogger("storylint.report")

FORMAT_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
}


@click.command()
@click.argument(
    "results", nargs=-1, type=click.Path(dir_okay=False, path_type=str), metavar="[RESULT.json]..."
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    help="Read the history store (SQLite file path, sqlite:///path or postgresql://...).",
)
@click.option("-o", "--output", required=True, metavar="FILE", help="File to write; - for stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "markdown", "csv"]),
    default=None,
    help="Report format [default: from the -o suffix (.html, .md, .csv), else html].",
)
@click.option(
    "--since", metavar="DATE", help="Trend over runs started on or after DATE (2026-01-31)."
)
@click.option(
    "--project", metavar="KEY", help="Only stories of this Jira project key / GitHub repository."
)
@click.option(
    "--min-severity",
    type=click.Choice(["info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Count only findings of this severity or above in the rates.",
)
@click.option(
    "--min-confidence",
    type=RealRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Count only findings with at least this confidence in the rates.",
)
@click.option(
    "--pseudonymize",
    is_flag=True,
    help="Replace author names with stable aliases (keyed by the store's salt or "
    "$STORYLINT_PSEUDONYM_KEY).",
)
def report(
    results: tuple[str, ...],
    store_url: str | None,
    output: str,
    output_format: str | None,
    since: str | None,
    project: str | None,
    min_severity: str,
    min_confidence: float,
    pseudonymize: bool,
) -> None:
    """Write a report for PM leads from a --store or from `check --format json` RESULT files.

    Several RESULT files are several runs, oldest first: the report shows the trend.
    """
    from storylint import report_data as rd

    if bool(store_url) == bool(results):
        raise ConfigError("give either --store URL or one or more RESULT.json files", key="report")
    fmt = output_format or FORMAT_BY_SUFFIX.get(Path(output).suffix.lower(), "html")
    since_iso = rd.parse_since(since)
    alias = None
    if store_url:
        from storylint.store import open_store

        store = open_store(store_url, create=False)
        try:
            if not store.runs():
                raise ConfigError("the store holds no run yet", file=f"--store {store.safe_url}")
            if pseudonymize:
                key, origin = rd.pseudonym_key(store)
                alias = rd.make_aliaser(key)
            inp = rd.load_store(store, since=since_iso, project=project)
        finally:
            store.close()
    else:
        inp = rd.load_results(results, since=since_iso, project=project)
        if pseudonymize:
            key, origin = rd.pseudonym_key(None)
            if origin == "random":
                log.warning(
                    "aliases are random for this report only; set %s to keep them stable across reports",
                    rd.KEY_ENV,
                )
            alias = rd.make_aliaser(key)

    if fmt == "csv":
        from storylint.reporters import csv_report

        text = csv_report.render(rd.filtered_findings(inp, alias))
    else:
        from storylint.rulepack import load_rulepack

        # the bundled rules describe themselves; a team's own rule codes fall back to their names
        rules = {code: rule.metadata() for code, rule in load_rulepack().rules.items()}
        dataset = rd.build_dataset(
            inp,
            alias=alias,
            version=__version__,
            rules=rules,
            min_severity=min_severity,
            min_confidence=min_confidence,
        )
        if fmt == "markdown":
            from storylint.reporters import digest

            text = digest.render(dataset)
        else:
            from storylint.reporters import html_report

            text = html_report.render(dataset)

    from storylint.outfile import write_output

    write_output(output, text)
    if output != "-":
        log.info("wrote %s report to %s (%d bytes)", fmt, output, len(text.encode("utf-8")))
