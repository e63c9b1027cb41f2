"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import codecs
import json
import logging
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TextIO

from storylint.model import Report

from . import RenderContext

log = logging.getLogger("storylint.reporters")


class _Record(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


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


#: bytes of findings gathered in memory before they go to the spool's file in one write
_SPOOL_WRITE = 1 << 16


class FindingSpool:
    """The findings' part of the document, written to a temporary file as results come in.

    With `--jobs`, workers encode their findings (the reading process's share bounds the
    speed-up); kept in memory, that JSON would double what each finding costs, so it goes
    to disk, in report order, and `write` copies it. A finding that comes without its JSON
    (linted in this process) is encoded here. The file holds bytes, so that a UTF-8 output
    gets them as they are (`copy_to`): the JSON is neither decoded nor encoded again here.

    A temporary folder that fills up (or goes) must not lose the report, whose findings may
    be kept nowhere else (`Report.add_spooled`): the file is written unbuffered, so what it
    holds is known to the byte, and what it could not take stays in memory, with a warning.
    """

    def __init__(self) -> None:
        # lives as long as the report (closed with it): no `with` block can hold it
        self._file = tempfile.TemporaryFile("w+b", buffering=0)  # noqa: SIM115
        self._pending = bytearray()  # not yet in the file (or never, once it failed)
        self._in_memory = False
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
        if self.count:
            self._pending += b", "
        self._pending += data
        self.count += count
        if len(self._pending) >= _SPOOL_WRITE and not self._in_memory:
            self._write_pending()

    def _write_pending(self) -> None:
        written = 0
        try:
            with memoryview(self._pending) as view:
                while written < len(view):
                    written += self._file.write(view[written:]) or 0
        except OSError as exc:
            log.warning("cannot spool the JSON findings (%s); keeping them in memory", exc.strerror or exc)
            self._in_memory = True
        del self._pending[:written]

    def _chunks(self) -> Iterator[bytes]:
        """The findings' bytes in order: the file's, then those still in memory."""
        if not self._in_memory:
            self._write_pending()
        self._file.seek(0)
        while chunk := self._file.read(_SPOOL_WRITE):
            yield chunk
        self._file.seek(0, 2)
        if self._pending:
            yield bytes(self._pending)

    def copy_to(self, stream: TextIO) -> None:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None and not self._surrogates and _utf8(stream):
            stream.flush()  # what the document wrote before the findings goes first
            for chunk in self._chunks():
                buffer.write(chunk)
        else:  # the stream's own codec and error handler encode the text, as a text write would
            decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
            for chunk in self._chunks():
                stream.write(decoder.decode(chunk))
            stream.write(decoder.decode(b"", final=True))

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
