"""The `storylint` command: a thin shell over the library.

Subcommands are loaded lazily by name so that `storylint check` never imports the Jira
or GitHub clients (cold start), and so each subcommand lives in its own module under
``storylint.commands``.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from . import __version__
from .escape import LogFormatter, log_line
from .lasting import lasting

# pydantic looks for plugins through package metadata on its first model (~30 ms of a
# one-story run); the CLI uses none. Users can still opt in by setting the variable.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

#: name -> "module:attribute" of the click command
COMMANDS: dict[str, str] = {
    "check": "storylint.commands.check:check",
    "rule": "storylint.commands.rule:rule",
    "explain": "storylint.commands.rule:explain",  # an alias of `rule`
    "jira": "storylint.commands.jira:jira",
    "github": "storylint.commands.github:github",
    "report": "storylint.commands.report:report",
    "evaluate": "storylint.commands.evaluate:evaluate",
    "vocabulary": "storylint.commands.vocabulary:vocabulary",
    "serve": "storylint.commands.serve:serve",
}


@contextmanager
def _escaped_usage_errors() -> Iterator[None]:
    """Usage errors quote the user's arguments ("Got unexpected extra argument (...)", "No
    such option ...", a file name): show them through `log_line`, as every other error, so
    that control characters are escapes on one line, never a terminal sequence or a line
    of their own (a workflow command). click itself strips colour codes only from pipes."""
    try:
        yield
    except click.UsageError as exc:
        escaped = log_line(exc.format_message())
        if escaped == exc.format_message():
            raise
        raise click.UsageError(escaped, ctx=exc.ctx) from None  # same usage lines, exit status 2


class LazyGroup(click.Group):
    """A group whose commands are imported only when invoked (or listed in --help)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:  # fmt: skip
        try:
            with _escaped_usage_errors():  # the group's own options
                return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            # `storylint --help | head -1`: as below (click's own handling exits 1)
            from .output import reader_left

            reader_left()
            sys.exit(0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _escaped_usage_errors():  # the command's name, its options and arguments, its own checks
                return super().invoke(ctx)
        except BrokenPipeError:
            # `storylint report ... -o - | head`: the output was made; its reader stopped
            # reading. Quiet and 0, as Ruff; click's own handling exits 1 ("findings")
            from .output import reader_left

            reader_left()
            sys.exit(0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in COMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(target):
            return None
        module_name, attr = target.split(":")
        with lasting():
            command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


def _available(target: str) -> bool:
    module_name = target.split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="storylint")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Find implementation detail (HOW) in user stories and coach their authors."""
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogFormatter("storylint: %(levelname)s: %(message)s"))
    root = logging.getLogger("storylint")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class StdoutClosedError(OSError):
    """Output for a standard output the process was started without."""


class _ClosedStdout(io.TextIOBase):
    """What stands for a stdout the process was started without: writing to it fails."""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise StdoutClosedError("standard output is closed")


def _keep_compiled_patterns() -> None:
    """The patterns this run compiled, for the next run's start (see `recache`)."""
    recache = sys.modules.get("storylint.recache")  # a command that compiled none never loaded it
    if recache is not None:
        recache.save()


def _ending() -> None:
    """The process ends now: what it made goes with it. Frozen, the objects are left out of the
    collections that the interpreter's shutdown makes (one of every live object, then more as it
    clears the modules' dictionaries), which walked every one of them to free nothing that the
    exit does not free: 57 M instructions, 1.3% of a whole `check` over 1,000 history stories
    and 4.5% of a one-story run. The exit handlers (`atexit`: logging's flush, `weakref.finalize`)
    and the streams' flush still run, as does every object's release whose count drops to
    zero; only objects in reference cycles are not finalized, as for any object a `finally` or
    a `with` does not close (none holds output: the commands close their files and stores)."""
    gc.freeze()


def main(argv: list[str] | None = None) -> Any:
    # started with `2>&-` or `>&-`, Python has no stream there at all (None, not a closed file)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - errors go nowhere; the status still tells
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # a command that writes nothing there (`report -o FILE`) still runs
    try:
        return cli.main(args=argv, prog_name="storylint", standalone_mode=True)
    except SystemExit:
        _keep_compiled_patterns()
        _ending()
        raise
    except StdoutClosedError:
        sys.stderr.write("Error: standard output is closed\n")
        sys.exit(2)
    except BrokenPipeError:
        # click's report of an error (a usage error's lines) to a stderr whose reader left
        # (`storylint chek 2>&1 | head -0`): nothing more can go there, and the status is the
        # error's, 2 (it said "interrupted" into that pipe, failed again and exited 1)
        from .output import reader_left

        reader_left("stderr")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(2)
    except Exception as exc:  # never a traceback for users; -vv logs it
        logging.getLogger("storylint").debug("internal error", exc_info=True)
        sys.stderr.write(f"Error: internal error: {type(exc).__name__} (run with -vv for details)\n")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
