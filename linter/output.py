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
        raise  # the reader left (`| head`): `reader_left`, then the run's own status
    except OSError as exc:
        if exc.errno is None:  # not the system's word (a closed stdout): the command line names it
            raise
        raise OutputError(f"standard output: cannot write: {exc.strerror}") from None


class _Gone:
    """Standard output (or error) after its reader left: what is still buffered for it is
    dropped, so the interpreter's last flush does not fail ("Exception ignored ... BrokenPipeError")."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError:
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def reader_left(stream: str = "stdout") -> None:
    """The reader of standard output (`stream`: "stderr" for `2>&1 | head`) stopped reading
    (`storylint check ... | head -3`). A mature CLI ends quietly there (Ruff and ripgrep exit
    0 without a word; click's default exits 1, which storylint's contract reads as
    "findings"): storylint writes nothing more there and keeps the run's own exit status,
    which the report already decided."""
    current = getattr(sys, stream)
    if not isinstance(current, _Gone):
        setattr(sys, stream, _Gone(current))


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
