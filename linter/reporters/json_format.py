"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import codecs
import io
import json
import shutil
import tempfile
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


def encode_records(records: Sequence[_Record]) -> bytes:
    """One story's records as the document's bytes (UTF-8, a lone surrogate passed through, as
    the spool keeps them): what a `--jobs` worker hands back, so that the reading process
    copies them without decoding and encoding them again."""
    return ", ".join(encode_record(r.to_dict()) for r in records).encode("utf-8", "surrogatepass")


class FindingSpool:
    """The findings' part of the document, written to a temporary file as results come in.

    With `--jobs`, workers encode their findings (the reading process's share bounds the
    speed-up); kept in memory, that JSON would double what each finding costs, so it goes
    to disk, in report order, and `write` copies it. A finding that comes without its JSON
    (linted in this process) is encoded here. The file holds bytes, so that a UTF-8 output
    gets them as they are (`copy_to`): the JSON is neither decoded nor encoded again here.
    """

    def __init__(self) -> None:
        # lives as long as the report (closed with it): no `with` block can hold it
        self._file = tempfile.TemporaryFile("w+b")  # noqa: SIM115
        self.count = 0
        self._surrogates = False  # some record holds a lone surrogate: the output's codec decides

    def add(self, findings: Sequence[_Record], encoded: bytes | None = None) -> None:
        """One story's findings, with their JSON (`encode_records`) when it was made elsewhere."""
        if findings:
            self.add_encoded(len(findings), encoded if encoded is not None else encode_records(findings))

    def add_encoded(self, count: int, data: bytes) -> None:
        """`count` records' JSON, as `encode_records` makes it."""
        if not count:
            return
        # a lone surrogate is 0xED and 0xA0-0xBF in `surrogatepass`'s bytes (UTF-8 has no such pair)
        if not self._surrogates and b"\xed" in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                self._surrogates = True
        self._file.write(b", " + data if self.count else data)
        self.count += count

    def copy_to(self, stream: TextIO) -> None:
        self._file.flush()
        self._file.seek(0)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None and not self._surrogates and _utf8(stream):
            stream.flush()  # what the document wrote before the findings goes first
            shutil.copyfileobj(self._file, buffer, 1 << 16)
        else:  # the stream's own codec and error handler encode the text, as a text write would
            text = io.TextIOWrapper(self._file, encoding="utf-8", errors="surrogatepass", newline="")
            shutil.copyfileobj(text, stream, 1 << 16)
            text.detach()
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()

    def __del__(self) -> None:  # the report is done with: the file goes (it has no name)
        if hasattr(self, "_file"):
            self._file.close()


def _utf8(stream: TextIO) -> bool:
    """The text stream encodes UTF-8: the spool's bytes are what it would write for their text
    (a record's JSON holds no line break for it to translate: JSON escapes them)."""
    try:
        return codecs.lookup(stream.encoding or "").name == "utf-8"
    except (LookupError, AttributeError):
        return False


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
        if spool is not None and spool.count == len(records) + report.spooled_only:
            spool.copy_to(stream)
            records = ()
        elif key == "findings" and report.spooled_only:  # kept nowhere else: nothing to write them from
            raise RuntimeError("the findings' spool and the report disagree")
        for i, record in enumerate(records):
            if i:
                stream.write(", ")
            stream.write(dumps(record.to_dict()))
        stream.write("]")
    stream.write("}\n")
