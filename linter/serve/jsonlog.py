"""Structured logs for `storylint serve`: one JSON object per line on stderr.

Fields: ``time`` (UTC), ``level``, ``logger``, ``message`` and any ``extra={"fields": {...}}``
the call site adds (event, issue key, status, queue depth). Nothing here logs a request
body, a header value or a story's text; connector messages were redacted where they were
made (:class:`storylint.connectors.redact.Redactor`).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__  # the type only: a traceback can quote story text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int) -> None:
    """Send storylint's, uvicorn's and asyncio's records to stderr as JSON lines (asyncio
    logs what the event loop meets, e.g. out of file descriptors on accept: without this,
    multi-line tracebacks that a JSON log reader cannot parse)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("storylint", "uvicorn", "uvicorn.error", "asyncio"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler] if name != "uvicorn.error" else []
        logger.setLevel(level if name != "asyncio" else max(level, logging.WARNING))
        logger.propagate = name == "uvicorn.error"
    logging.getLogger("uvicorn.access").disabled = True  # we log each webhook ourselves
