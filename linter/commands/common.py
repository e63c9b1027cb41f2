"""Options and steps every linting command shares, so their contracts cannot drift."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import click

from storylint.config import Config, load_config
from storylint.engine import Linter
from storylint.errors import Interrupted, NoRuleError
from storylint.lasting import lasting
from storylint.model import Report
from storylint.reporters import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def format_option(fn: F) -> F:
    return click.option(
        "--format", "output_format", type=click.Choice(list(FORMATS)), default="text", show_default=True,
        help="Output format.",
    )(fn)  # fmt: skip


def select_options(fn: F) -> F:
    fn = click.option("--select", help="Comma-separated rule codes or prefixes to enable (replaces config).")(fn)
    fn = click.option("--ignore", help="Comma-separated rule codes or prefixes to disable.")(fn)
    fn = click.option("--extend-select", help="Comma-separated codes or prefixes to enable on top.")(fn)
    return fn


def fail_on_option(fn: F) -> F:
    return click.option(
        "--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
        help="Lowest severity that makes the exit status 1 [default: warning, or the config's fail-on].",
    )(fn)  # fmt: skip


def config_option(fn: F) -> F:
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
        help="Configuration file (default: nearest storylint.toml or pyproject.toml with [tool.storylint]).",
    )(fn)  # fmt: skip


def store_option(fn: F) -> F:
    return click.option(
        "--store", "store_url", metavar="URL",
        help="Record results in a history store: a SQLite file path, sqlite:///path or postgresql://...",
    )(fn)  # fmt: skip


def jobs_option(fn: F) -> F:
    return click.option(
        "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
        help="Worker processes that lint, output in input order [default: one per core once a run"
             " passes 2,000 stories; --jobs 1: one process].",
    )(fn)  # fmt: skip


def quiet_option(fn: F) -> F:
    return click.option(
        "-q", "--quiet", is_flag=True, help="No progress line on stderr (shown only at a terminal, on long runs).",
    )(fn)  # fmt: skip


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def interruptible(fn: F) -> F:
    """A linting command stopped by Ctrl-C or SIGTERM (a CI job cancelled, `timeout`, systemd)
    ends as one `Error: interrupted` line and exit 2, like any run that could not finish.

    Click's own "Aborted!" exits 1, which a script reads as "findings"; SIGTERM killed the
    process at once, so the store's run stayed 'running' and the workers of `--jobs` were
    left behind. Here SIGTERM stops the run as Ctrl-C does: the store records the stories
    linted so far and marks the run failed, and the pool is shut down.
    """

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        import signal  # here, not at the top: a one-story `check` starts without it (452 µs)

        try:
            previous = signal.signal(signal.SIGTERM, _stop)
        except ValueError:  # not the main thread (an embedding): its signals are its own
            previous = None
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                sys.stderr.write("\n")  # ends the terminal's ^C echo
            raise Interrupted("interrupted") from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return run  # type: ignore[return-value]


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def build_linter(
    config_path: str | None, select: str | None, ignore: str | None, extend_select: str | None,
    min_confidence: float | None = None,
) -> tuple[Linter, Config]:
    config = load_config(config_path)
    update: dict[str, Any] = {}
    if min_confidence is not None:
        update["min_confidence"] = min_confidence
    if select is not None:
        update["select"] = _codes(select)
        if not update["select"]:
            # `--select "$RULES"` with the variable unset would lint with no rule and pass
            raise click.UsageError("--select needs one or more rule codes or prefixes (e.g. --select TC,DM01)")
    if ignore is not None:
        update["ignore"] = [*config.ignore, *(_codes(ignore) or [])]
    if extend_select is not None:
        update["extend_select"] = [*config.extend_select, *(_codes(extend_select) or [])]
    if update:
        config = config.model_copy(update=update)
    try:
        with lasting():
            return Linter(config), config
    except NoRuleError:
        if not update.keys() & {"select", "ignore", "extend_select"}:
            raise  # the configuration file's own selection: the error names the file
        # `--ignore ALL`: the options, not the configuration file, left no rule
        raise click.UsageError(
            "--select, --ignore and --extend-select with the configuration enable no rule: every story would pass"
        ) from None


def finish(report: Report, linter: Linter, output_format: str, fail_on: str, *, statistics: bool = False) -> None:
    """Print the report, the errors on stderr, and exit with the contract's status."""
    from storylint.output import emit, exit_status, print_errors, reader_left

    try:
        emit(report, output_format, linter, statistics=statistics)
    except BrokenPipeError:  # `| head`: the report was whole, the reader took what it wanted
        reader_left()
    try:
        print_errors(report)
    except BrokenPipeError:  # `2>&1 | head`: the errors went to that reader too; the status stays 2
        reader_left("stderr")
    sys.exit(exit_status(report, fail_on))


def jira_label(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--label` of the Jira commands: Jira labels cannot hold whitespace."""
    if value is not None and (not value or any(ch.isspace() for ch in value)):
        raise click.BadParameter("Jira labels cannot contain spaces", ctx=ctx, param=param)
    return value
