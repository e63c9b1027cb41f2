"""SQLite backend: the embedded default, one file."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from storylint.errors import ConfigError

from .base import Store
from .urls import redact_url


def _wal(conn: sqlite3.Connection, wait: float = 30.0) -> None:
    """Switch to WAL. On a new file another process may be switching or creating the schema
    at the same moment, and SQLite answers the pragma "locked" without waiting: try again."""
    deadline = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _read_only_uri(path: Path) -> str:
    """How a reader opens a store it may not write (a nightly's store shared read-only).

    A write-ahead-logged file is read through a `-shm` index and a `-wal` file beside it,
    which SQLite creates when they are not there: in a folder this process cannot write it
    fails, and in one it can (a shared folder) it leaves them behind owned by the reader,
    where the writer cannot write them: the next nightly run fails. So with no `-wal` file
    (no writer has the store open), the file is read as immutable: as it is on disk, and
    nothing is created.
    """
    uri = f"{path.as_uri()}?mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def sqlite_path(url: str) -> str:
    """The file a SQLite store URL names: a path, ``sqlite:///relative`` or
    ``sqlite:////absolute`` (the scheme in any case)."""
    if url[:9].lower() == "sqlite://":
        rest = url[9:]
        return rest.removeprefix("/")
    return url


class SQLiteStore(Store):
    def _driver_errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)

    def __init__(self, conn: sqlite3.Connection, url: str, *, create: bool = True, read_only: bool = False) -> None:
        self.read_only = read_only  # opened `mode=ro`: a reader that may not write the file or its folder
        super().__init__(conn, url, create=create)

    @classmethod
    def connect(cls, url: str, *, create: bool = True) -> SQLiteStore:
        path = sqlite_path(url)
        target: str | Path = path
        read_only = False
        if path != ":memory:":
            resolved = Path(path).expanduser().resolve()
            if not create:
                if not resolved.is_file():
                    raise ConfigError("store does not exist", file=f"--store {redact_url(url)}")
                # read-write but never create: sqlite3.connect(path) would make an empty file
                target = f"{resolved.as_uri()}?mode=rw"
                read_only = not (os.access(resolved, os.W_OK) and os.access(resolved.parent, os.W_OK))
                if read_only:
                    target = _read_only_uri(resolved)
            elif not resolved.parent.is_dir():
                raise ConfigError(f"folder {resolved.parent} does not exist", file=f"--store {redact_url(url)}")
        try:
            conn = sqlite3.connect(target, timeout=30, isolation_level="DEFERRED", uri=not create)
            conn.execute("PRAGMA synchronous=NORMAL")
            store = cls(conn, url, create=create, read_only=read_only)  # no store: refused untouched
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open SQLite store: {exc}", file=f"--store {redact_url(url)}") from None
        if create:
            # write-ahead logging (readers never wait for the writer) is the file's own setting:
            # set by the runs that write, after the file is known to be a store
            try:
                _wal(conn)
            except sqlite3.Error as exc:
                store.close()
                raise ConfigError(f"cannot open SQLite store: {exc}", file=f"--store {redact_url(url)}") from None
        return store

    def _migrate(self) -> None:
        # Two processes opening a fresh file at once (two `serve` on one store) must not both
        # create the tables: take the write lock before reading the schema version. (DDL runs
        # outside the module's implicit transactions, so without this each statement commits.)
        if self.read_only:
            super()._migrate()  # which refuses to upgrade: this reader cannot write
            return
        self.conn.execute("BEGIN IMMEDIATE")
        if self.create and not self._has_table("storylint_schema"):
            other = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
            if other is not None:
                # another program's database (`--store app.db` by mistake) gets no tables of ours
                raise ConfigError(
                    f"not a storylint store: the database holds other tables ({other[0]}, ...); "
                    "give a new file or an existing store",
                    file=f"--store {self.safe_url}",
                )
        super()._migrate()
