"""PostgreSQL backend, for nightly runs on ephemeral CI runners (psycopg 3).

Same schema and logic as SQLite (`Store`); only the dialect differs: `%s` placeholders,
`BIGSERIAL` ids returned with `RETURNING id`. Install with ``pip install 'storylint[postgres]'``.
Messages show the URL without its password.
"""

from __future__ import annotations

import contextlib
from typing import Any

from storylint.errors import ConfigError
from storylint.model import StoryResult

from .base import Store
from .urls import connect_url, driver_reason, redact_url

_MIGRATION_LOCK = 0x5704_11_7  # any constant; names storylint's schema migration
_QUEUE_LOCK = 0x5704_11_8  # names claims on the webhook queue


class PostgresStore(Store):
    placeholder = "%s"
    id_type = "BIGSERIAL PRIMARY KEY"
    json_type = "TEXT"

    @classmethod
    def connect(cls, url: str, *, create: bool = True) -> PostgresStore:
        try:
            import psycopg
        except ImportError:
            raise ConfigError(
                "PostgreSQL needs psycopg: pip install 'storylint[postgres]'", file=f"--store {redact_url(url)}"
            ) from None
        try:
            conn = psycopg.connect(connect_url(url), connect_timeout=15, application_name="storylint")
        except psycopg.Error as exc:
            raise ConfigError(
                f"cannot open PostgreSQL store: {driver_reason(exc, url)}", file=f"--store {redact_url(url)}"
            ) from None
        return cls(conn, url, create=create)

    def _driver_errors(self) -> tuple[type[Exception], ...]:
        import psycopg

        return (psycopg.Error,)

    @property
    def broken(self) -> bool:
        return bool(self.conn.closed or self.conn.broken)

    def _has_table(self, name: str) -> bool:
        return self._execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] is not None

    def _migrate(self) -> None:
        # Two runners opening a fresh database at once must not both create the tables.
        self._execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            super()._migrate()
        finally:
            self._execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            self.conn.commit()

    def save_result(self, run_id: int, source: str, result: StoryResult, content_hash: str) -> None:
        # One network round trip per story instead of one per statement (psycopg pipeline mode).
        try:
            with self._named(), self.conn.pipeline():
                super().save_result(run_id, source, result, content_hash)
        except BaseException:
            # an error can surface at the pipeline's sync (the commit): leave no half story
            with contextlib.suppress(Exception):
                self.conn.rollback()
            raise

    def _lock_queue(self) -> None:
        # Two workers claiming at once: the second waits for the first's commit, then its
        # UPDATE (a new snapshot under READ COMMITTED) sees the first's claims.
        self._execute("SELECT pg_advisory_xact_lock(%s)", (_QUEUE_LOCK,))

    def _returning_id(self) -> str:
        return " RETURNING id"

    def _inserted_id(self, cur: Any) -> int:
        return int(cur.fetchone()[0])
