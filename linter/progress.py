"""A progress line on stderr for long runs (`check` over large inputs, `jira`, `github --repo`).

Shown only when stderr is a terminal and the run is long (a thousand stories read, or a
second gone), never with `-q`, never on stdout: piped or redirected output stays exactly
what it was. Drawn by click's progress bar, at most ten times a second, and erased at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any, Self, TextIO

SHOW_AFTER_STORIES = 1000
SHOW_AFTER_SECONDS = 1.0
REDRAW_EVERY = 0.1


class Progress:
    """Call with (read, linted) as the run goes; `close` at the end (or use `with`)."""

    def __init__(self, label: str, *, total: int | None = None, stream: TextIO | None = None,
                 quiet: bool = False) -> None:  # fmt: skip
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(self.stream)
        self.label = label
        self.total = total
        self.started = time.monotonic()
        self._bar: Any = None
        self._drawn = 0.0
        self._read = self._linted = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, read: int, linted: int) -> None:
        if not self.enabled:
            return
        self._read, self._linted = read, linted
        now = time.monotonic()
        if now - self._drawn < REDRAW_EVERY:
            return
        if self._bar is None:
            if read < SHOW_AFTER_STORIES and now - self.started < SHOW_AFTER_SECONDS:
                return
            self._open()
        self._drawn = now
        self._bar.update(linted - self._bar.pos)

    def _status(self, _item: object = None) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return f"{self._read:,} read, {self._linted:,} linted, {self._linted / elapsed:,.0f}/s"

    def _open(self) -> None:
        import click

        source: Any = iter(_nothing())  # no length: a count, not a bar
        self._bar = click.progressbar(
            source if self.total is None else None, length=self.total, label=self.label,
            file=self.stream, show_pos=self.total is not None, show_eta=self.total is not None,
            show_percent=self.total is not None, item_show_func=self._status,
        )  # fmt: skip
        self._bar.__enter__()

    def close(self) -> None:
        """Take the line off the terminal: the report (or the shell's prompt) follows where it
        was, as if no progress had been shown; click's own finish left the last count there,
        above the report, with stdout on the same terminal."""
        if self._bar is not None:
            self._bar = None
            self.stream.write("\r\x1b[2K\x1b[?25h")  # back to the line's start, erase it, cursor shown again
            self.stream.flush()


def _nothing() -> Iterator[int]:
    yield from ()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
