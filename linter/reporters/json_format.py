"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from storylint.model import Report


class _Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

from . import RenderContext

SCHEMA_VERSION = 1


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


def write(report: Report, ctx: RenderContext, stream: TextIO) -> None:
    """The same document as `render`, written record by record: no second copy of every
    finding in memory, however many there are. A finding encoded already (by a `--jobs`
    worker, `Report.encoded`) is written as it is."""
    dumps = encode_record
    head = {"version": ctx.version, "schema_version": SCHEMA_VERSION, "summary": report.summary.to_dict()}
    stream.write(dumps(head)[:-1])
    sections: tuple[tuple[str, Sequence[_Record]], ...] = (
        ("findings", report.findings), ("skipped", report.skipped), ("errors", report.errors),
    )  # fmt: skip
    for key, records in sections:
        stream.write(f', "{key}": [')
        encoded = report.encoded if key == "findings" else {}
        for i, record in enumerate(records):
            if i:
                stream.write(", ")
            text = encoded.get(i) if encoded else None
            stream.write(text if text is not None else dumps(record.to_dict()))
        stream.write("]")
    stream.write("}\n")
