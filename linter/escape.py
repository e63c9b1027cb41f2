"""Escaping for line-oriented outputs: terminal text, stderr messages and logs, link URLs.

Story fields (id, key, url, author, project, title, excerpt) and rule data are input that
anyone who can file an issue controls. GitHub Actions reads every stdout/stderr line of a
job and runs a line whose first non-blank characters are `::` (or the older `##[`) as a
workflow command (`::add-mask::`, `::stop-commands::`, annotations). So each output kind
has one function that its reporter applies at the boundary; Markdown has its own in
`storylint.reporters.markdown`. JSON and SARIF are JSON-encoded; SARIF takes a story's
URL as an artifact URI only through `safe_url`, percent-encoded to a URI (`artifact_uri`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .lazyre import lazy

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each can end
# a line, move the cursor or start a terminal escape sequence. Also the bidirectional
# embeddings, overrides and isolates: a story id with U+202E shows the rest of the line
# reversed ("Trojan Source"), so a finding can read as another story's or another rule's.
BIDI = "\u202a-\u202e\u2066-\u2069"  # a character class's inside, for every output's own pattern
_CONTROL = lazy(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
_COMMAND_START = lazy(r"^(\s*)(::|##\[)")
_URL = lazy(r"https?://[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]+", re.IGNORECASE)


def _neutralise_start(line: str) -> str:
    # A backslash before the command marker: still readable, no longer a workflow command.
    return _COMMAND_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", line, count=1)


def terminal_text(text: str) -> str:
    """A field shown at a terminal: control characters (newlines, bidi overrides) become spaces."""
    return _CONTROL.sub(" ", text)


def text_line(line: str) -> str:
    """One whole line of terminal output, built from `terminal_text` fields: no leading `::`."""
    return _neutralise_start(line)


def log_line(message: str) -> str:
    """A message for stderr (an `Error:` line or a log record) kept on one visible line.

    Control characters are shown as escapes (`\\n`, `\\x1b`) rather than dropped, so a
    file name with a newline in it can still be recognised.
    """
    escaped = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
    return _neutralise_start(escaped)


def safe_url(url: object) -> str | None:
    """`url` when it is an http(s) URL with no whitespace or control characters, else None."""
    if isinstance(url, str) and _URL.fullmatch(url):
        return url
    return None


class LogFormatter(logging.Formatter):
    """Log records on one line each: the message through `log_line`, tracebacks line-safe.

    A story id such as `x\\n::add-mask::y` logged at -v must not become a line of its own.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = log_line(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return "\n".join(_neutralise_start(terminal_text(line)) for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join(_neutralise_start(terminal_text(line)) for line in super().formatStack(stack_info).splitlines())


__all__ = ["BIDI", "LogFormatter", "log_line", "safe_url", "terminal_text", "text_line"]
