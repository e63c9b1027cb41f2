"""SQLite backend: the embedded default, one file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storylint.errors import ConfigError

from .base import Store
from .urls import redact_url


class SQLiteStore(Store):
    @classmethod
    def connect(cls, url: str) -> SQLiteStore:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite://")
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise ConfigError(f"folder {parent} does not exist", file=f"--store {redact_url(url)}")
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level="DEFERRED")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open SQLite store: {exc}", file=f"--store {redact_url(url)}") from None
        return cls(conn, url)
