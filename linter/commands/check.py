"""`storylint check`: lint stories from files or stdin."""

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
    jobs_option,
    quiet_option,
    select_options,
    store_option,
)
from storylint.config import Config

_MIN_CONFIDENCE = Config.model_fields["min_confidence"].default  # the help says what the default is


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
@format_option
@select_options
@fail_on_option
@click.option("--statistics", is_flag=True, help="Also count findings per rule.")
@click.option("--min-confidence", type=RealRange(0.0, 1.0), default=None,
              help=f"Report only findings at or above this calibrated confidence [default: {_MIN_CONFIDENCE}, or the config's].")
@click.option("--stdin-filename", metavar="NAME",
              help="Name for the story read from stdin, in messages; NAME.md reads stdin as one Markdown story.")
@config_option
@store_option
@click.option("--source", "source_name", metavar="NAME",
              help="With --store: the history's name for this input [default: the input paths; stdin: -].")
@jobs_option
@quiet_option
@interruptible
def check(
    paths: tuple[str, ...],
    output_format: str,
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    fail_on: str | None,
    statistics: bool,
    min_confidence: float | None,
    config_path: str | None,
    store_url: str | None,
    stdin_filename: str | None,
    source_name: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Lint stories in PATHS (JSON Lines, JSON, Jira or GitHub exports, Markdown; - or none: stdin)."""
    from storylint.connectors.files import FileConnector
    from storylint.progress import Progress
    from storylint.runner import check_stories, files_source

    if source_name is not None and not source_name.strip():
        # `--source "$NAME"` with the variable unset would continue the unnamed stdin history
        raise click.UsageError("--source needs a name for the input's history (e.g. --source nightly-acme)")
    linter, config = build_linter(config_path, select, ignore, extend_select, min_confidence)
    interactive = (not paths or "-" in paths) and sys.stdin.isatty()
    if interactive:
        # with no path, a bare `storylint check` at a terminal would look like a hang
        click.echo("storylint: reading stories from stdin (Ctrl-D to end; see storylint check --help)", err=True)
    store = None
    if store_url:
        from storylint.store import open_store

        store = open_store(store_url)
    try:
        with Progress("Linting", quiet=quiet or interactive) as progress:  # not while someone types
            report, _ = check_stories(
                FileConnector(list(paths), defer=store is None, stdin_name=stdin_filename).stories(), linter, store=store,
                source=files_source(paths, source_name), complete=True, jobs=jobs, progress=progress,
                encode_json=output_format == "json", keep_findings=output_format != "json",
            )  # fmt: skip
    finally:
        if store is not None:
            store.close()
    finish(report, linter, output_format, fail_on or config.fail_on, statistics=statistics)
