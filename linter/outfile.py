"""Write a command's output file (`-o`) without harming what is already there.

A regular file (or a new path) is replaced atomically: the text goes to a temporary file
with an unpredictable name, created exclusively (`O_EXCL`, so a planted symlink is never
followed) in the target's own folder, then `os.replace` puts it in place: a reader sees
the old file or the new one, never half of one. Anything else (a FIFO, a character device
such as /dev/null or /dev/stdout, a terminal) is opened and written in place: replacing it
would turn the machine's /dev/null into a plain file. `-` is stdout.
"""

from __future__ import annotations

import contextlib
import os
import select
import stat
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from .errors import ConfigError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Replace the regular file (or create the new file) `path` with `data`, atomically.

    The new file keeps the old one's permission bits, else gets the usual 0666 & ~umask.
    """
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_all(stream: TextIO, text: str) -> None:
    """Write `text` to `stream` whole, or raise the `OSError` that stopped it.

    CPython's buffered writer takes one large write as done when the system wrote only part
    of it (a disk that fills, a pipe whose reader left): the rest is dropped, and without a
    later write nothing fails. So a report written at once went out cut short with exit 0.
    Here the bytes go to the file descriptor until all are written, or the error says why.
    A stream without one (a test's StringIO) is written as it is.
    """
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:  # a descriptor someone made non-blocking (CI runners share theirs)
            select.select([], [fd], [])


def write_output(output: str, text: str, option: str = "-o") -> None:
    """Write `text` (UTF-8, newlines as given) to the target `output` of `option` (`-o`,
    `--write`: what error messages name)."""
    where = f"{option} {output}"
    if output == "-":
        try:
            write_all(sys.stdout, text)
        except BrokenPipeError:
            raise  # the reader left (`| head`): the command line ends quietly
        except OSError as exc:
            if exc.errno is None:  # a closed stdout: the command line names it
                raise
            raise ConfigError(f"cannot write: {exc.strerror}", file=where) from None
        return
    data = text.encode("utf-8")
    try:
        st: os.stat_result | None = os.stat(output)  # follows symlinks, /dev/stdout's too
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise ConfigError(f"cannot write: {exc.strerror}", file=where) from None
    try:
        if st is None or stat.S_ISREG(st.st_mode):
            # a symlink is followed: the file it points to is the one to replace
            target = Path(os.path.realpath(output))
            if not target.parent.is_dir():
                raise ConfigError(f"folder {Path(output).parent} does not exist", file=where)
            atomic_write(target, data)
        elif stat.S_ISDIR(st.st_mode):
            raise ConfigError("is a directory", file=where)
        else:  # FIFO, device, socket: write into it, never replace it
            fd = os.open(output, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
    except OSError as exc:
        raise ConfigError(
            f"cannot write: {exc.strerror or type(exc).__name__}", file=where
        ) from None


__all__ = ["atomic_write", "write_all", "write_output"]
