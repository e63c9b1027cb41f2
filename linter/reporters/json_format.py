"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from storylint.model import Report


class _Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

from . import RenderContext

SCHEMA_VERSION = 1

log = logging.getLogger("storylint.runner")


def as_dict(report: Report, ctx: RenderContext) -> dict[str, Any]:
    return {
        "version": ctx.version,
        "schema_version": SCHEMA_VERSION,
        "summary": report.summary.to_dict(),
        "findings": [f.to_dict() for f in report.findings],
        "skipped": [s.to_dict() for s in report.skipped],
        "errors": [e.to_dict() for e in report.errors],
    }


def render(report: Report, ctx: RenderContext) -> str:
    # compact: the C encoder is an order of magnitude faster than the indenting one
    return json.dumps(as_dict(report, ctx), ensure_ascii=False) + "\n"


#: one record's JSON, as `write` puts it in the document
encode_record = json.JSONEncoder(ensure_ascii=False).encode


class FindingSpool:
    """The findings' part of the document, written to a temporary file as results come in.

    With `--jobs`, workers encode their findings (the reading process's share bounds the
    speed-up); kept in memory, that JSON would double what each finding costs, so it goes
    to disk, in report order, and `write` copies it. A finding that comes without its JSON
    (linted in this process) is encoded here.
    """

    def __init__(self) -> None:
        # lives as long as the report (closed with it): no `with` block can hold it
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")  # noqa: SIM115
        self.count = 0
        self.failed = False

    def add(self, findings: Sequence[_Record], encoded: Sequence[str] | None = None) -> None:
        """One story's findings, with their JSON when it was made elsewhere."""
        if self.failed:
            return
        texts = encoded if encoded is not None else [encode_record(f.to_dict()) for f in findings]
        if texts:
            try:
                self._file.write((", " if self.count else "") + ", ".join(texts))
            except OSError as exc:
                self._fail(exc)
                return
            self.count += len(texts)

    def holds(self, count: int) -> bool:
        """Whether the file holds all `count` findings of the report, written out."""
        if self.failed or self.count != count:
            return False
        try:
            self._file.flush()
        except OSError as exc:
            self._fail(exc)
            return False
        return True

    def _fail(self, exc: OSError) -> None:
        """The temporary folder is full (or gone): the findings, which the report keeps
        anyway, are encoded at the end as with one process; the file goes at once."""
        log.warning("cannot spool the JSON findings (%s); encoding them at the end", exc.strerror or exc)
        self.failed = True
        self.close()

    def copy_to(self, stream: TextIO) -> None:
        self._file.flush()
        self._file.seek(0)
        shutil.copyfileobj(self._file, stream, 1 << 16)
        self._file.seek(0, 2)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # what is left in its buffer cannot matter: it has no name
            self._file.close()

    def __del__(self) -> None:  # the report is done with: the file goes (it has no name)
        if hasattr(self, "_file"):
            self.close()


def write(report: Report, ctx: RenderContext, stream: TextIO) -> None:
    """The same document as `render`, written record by record: no second copy of every
    finding in memory, however many there are. A finding encoded already (by a `--jobs`
    worker, `Report.spool`) is copied as it is."""
    dumps = encode_record
    head = {"version": ctx.version, "schema_version": SCHEMA_VERSION, "summary": report.summary.to_dict()}
    stream.write(dumps(head)[:-1])
    sections: tuple[tuple[str, Sequence[_Record]], ...] = (
        ("findings", report.findings), ("skipped", report.skipped), ("errors", report.errors),
    )  # fmt: skip
    for key, records in sections:
        stream.write(f', "{key}": [')
        spool = report.spool if key == "findings" else None
        if spool is not None and spool.holds(len(records)):
            spool.copy_to(stream)
            records = ()
        for i, record in enumerate(records):
            if i:
                stream.write(", ")
            stream.write(dumps(record.to_dict()))
        stream.write("]")
    stream.write("}\n")
