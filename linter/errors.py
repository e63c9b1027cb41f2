"""Errors storylint raises, and the exit codes the CLI maps them to.

Every error the user can cause prints as one ``Error: ...`` line on stderr and exits 2;
none of them carries a traceback or a secret::

    StorylintError (click.ClickException, exit 2)
    ├── ConfigError      the configuration file or a rule file is wrong (names file and key)
    ├── InputError       a story input cannot be read (names file and line)
    ├── StoreError       the history store failed once open (a full disk, a lost connection)
    └── ConnectorError   a tracker could not be reached or refused us
        ├── TransientConnectorError  worth retrying (429, 5xx, timeouts, resets)
        └── PermanentConnectorError  retrying will not help (401, 403, 404, bad JQL)

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage, input, configuration or connection error, or a run interrupted (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import click

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class StorylintError(click.ClickException):
    """Base of every error storylint reports to the user; exits 2."""

    exit_code = EXIT_ERROR

    def format_message(self) -> str:
        # file names, config keys and tracker replies are input: one line, no workflow command
        from .escape import log_line

        return log_line(self.message)


class ConfigError(StorylintError):
    """A configuration or rule file is invalid."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        where = file or "configuration"
        if key:
            where = f"{where}: {key}"
        super().__init__(f"{where}: {message}")


class NoRuleError(ConfigError):
    """The selection enables no rule: every story would pass (`select = []`, `--ignore ALL`)."""


class InputError(StorylintError):
    """A story input (file, stdin, payload) cannot be read."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source or "input"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class StoreError(StorylintError):
    """The history store (`--store`) failed after it was opened: a full disk, a database that
    went away. Names the store (without its password) and the driver's reason."""

    def __init__(self, message: str, *, store: str) -> None:
        self.store = store
        super().__init__(f"--store {store}: {message}")


class Interrupted(StorylintError):
    """A linting run was stopped (Ctrl-C, SIGTERM) before its report: exit 2, not 1 ("findings")."""


class OutputError(StorylintError):
    """The report could not be written to standard output (a full disk): exit 2, not the
    findings' status of a report cut short."""


class ConnectorError(StorylintError):
    """A tracker (Jira, GitHub) could not be used."""


class TransientConnectorError(ConnectorError):
    """A failure that a later attempt may not see (rate limit, 5xx, timeout)."""


class PermanentConnectorError(ConnectorError):
    """A failure that retrying will not fix (bad credentials, missing permission)."""
