"""Render a report in the chosen format and compute the exit status once, at the end."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from . import __version__
from .engine import Linter
from .errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, OutputError
from .escape import log_line
from .model import SEVERITY_RANK, Report
from .outfile import write_all
from .reporters import RenderContext, renderer


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def emit(
    report: Report,
    fmt: str,
    linter: Linter,
    *,
    statistics: bool = False,
    stream: TextIO | None = None,
) -> None:
    """Write the report to `stream` (stdout); an output that cannot be written whole is an
    error (exit 2) naming why, never a report cut short with the run's usual status."""
    stream = stream or sys.stdout
    ctx = RenderContext(
        version=__version__, rules=linter.rule_metadata(), color=use_color(stream), statistics=statistics
    )
    try:
        if fmt == "json":
            from .reporters.json_format import write

            write(report, ctx, stream)
            stream.flush()
        else:
            write_all(stream, renderer(fmt)(report, ctx))
    except BrokenPipeError:
        raise  # the reader left (`| head`): the command line ends quietly
    except OSError as exc:
        if exc.errno is None:  # not the system's word (a closed stdout): the command line names it
            raise
        raise OutputError(f"standard output: cannot write: {exc.strerror}") from None


def exit_status(report: Report, fail_on: str) -> int:
    """2 when any input/connection error happened, else 1 for findings at or above `fail_on`."""
    if report.errors:
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = SEVERITY_RANK[fail_on]
    return EXIT_FINDINGS if report.worst_severity() >= threshold else EXIT_CLEAN


def print_errors(report: Report) -> None:
    """One line per problem on stderr, so a human sees them whatever the --format."""
    for problem in report.errors:
        sys.stderr.write(f"Error: {log_line(str(problem))}\n")
