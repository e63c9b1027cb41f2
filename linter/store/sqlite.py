"""SQLite backend: the embedded default, one file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storylint.errors import ConfigError

from .base import Store
from .urls import redact_url


class SQLiteStore(Store):
    @classmethod
    def connect(cls, url: str, *, create: bool = True) -> SQLiteStore:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite://")
        target: str | Path = path
        if path != ":memory:":
            resolved = Path(path).expanduser().resolve()
            if not create:
                if not resolved.is_file():
                    raise ConfigError("store does not exist", file=f"--store {redact_url(url)}")
                # read-write but never create: sqlite3.connect(path) would make an empty file
                target = f"{resolved.as_uri()}?mode=rw"
            elif not resolved.parent.is_dir():
                raise ConfigError(f"folder {resolved.parent} does not exist", file=f"--store {redact_url(url)}")
        try:
            conn = sqlite3.connect(target, timeout=30, isolation_level="DEFERRED", uri=not create)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open SQLite store: {exc}", file=f"--store {redact_url(url)}") from None
        return cls(conn, url, create=create)
