"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import codecs
import json
import logging
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TextIO

from storylint.model import Finding, Report

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
#: a string's JSON, as `encode_record` writes it (the C encoder's own function)
_encode_str = json.encoder.encode_basestring


def encode_records(records: Sequence[_Record]) -> bytes:
    """One story's records as the document's bytes (UTF-8, a lone surrogate passed through, as
    the spool keeps them): what a `--jobs` worker hands back, so that the reading process
    copies them without decoding and encoding them again. Findings are the bytes of
    `encode_record(f.to_dict())`, made by `_FindingEncoder`."""
    if records and all(type(r) is Finding for r in records):
        return _FINDINGS.encode(records)  # type: ignore[arg-type]
    return ", ".join(encode_record(r.to_dict()) for r in records).encode("utf-8", "surrogatepass")


#: the document's bytes for a finding: its fields in `Finding.to_dict`'s order, each value's
#: JSON where its key's is (the keys are in the pieces `_FindingEncoder` keeps)
_FINDING = (b'{"story": %b, "rule": %b, "severity": %b, "confidence": %b, "message": %b, "field": %b, '
            b'"line": %d, "column": %d, "end_line": %d, "end_column": %d, "excerpt": %b, "suggestion": %b, %b}')


class _FindingEncoder:
    """Findings' JSON as bytes, without a dict per finding or the same text encoded again.

    Writing the JSON of a `--format json` run was half of what a story cost outside the linting:
    `to_dict` built a dict of 17 keys per finding and the encoder wrote each key, a rule's
    name and category, its message and suggestion (150 characters each, mostly the rule's
    own words) and the story's url, author and project anew for every finding. Those pieces
    are kept here as bytes, keyed by their text; a value of a type the contract does not
    know (not a str, an int, a finite float or None where one is expected) is left to
    `encode_record`, so the bytes are always those it writes.
    """

    _LIMIT = 4096  # pieces kept per table: a run of unusual terms must not grow memory

    def __init__(self) -> None:
        self.text: dict[str, bytes] = {}  # message, suggestion, severity, field: their JSON
        self.rules: dict[tuple[str, str, str], bytes] = {}  # (rule, name, category): "R", "name": ..., "category": ...
        self.tails: dict[tuple[str | None, str | None, str | None], bytes] = {}  # url, author, project
        self.stories: dict[str, bytes] = {}  # a story's findings come together: a few kept
        self.confidences: dict[float, bytes] = {}  # the rounded number's JSON

    def encode(self, findings: Sequence[Finding]) -> bytes:
        return b", ".join([self.one(f) for f in findings])

    def one(self, f: Finding) -> bytes:
        # each piece from its table, made on a miss (JSON of a string is never empty: `or`)
        text, add = self.text, self._add
        if not (type(f.line) is type(f.column) is type(f.end_line) is type(f.end_column) is int
                and type(f.confidence) is float):
            return encode_record(f.to_dict()).encode("utf-8", "surrogatepass")  # fmt: skip
        try:
            return _FINDING % (
                self.stories.get(f.story) or add(self.stories, f.story),
                self.rules.get((f.rule, f.name, f.category)) or add(self.rules, (f.rule, f.name, f.category)),
                text.get(f.severity) or add(text, f.severity),
                self.confidences.get(f.confidence) or add(self.confidences, f.confidence),
                text.get(f.message) or add(text, f.message),
                text.get(f.field) or add(text, f.field),
                f.line, f.column, f.end_line, f.end_column,
                _encode_str(f.excerpt).encode("utf-8", "surrogatepass"),
                text.get(f.suggestion) or add(text, f.suggestion),
                self.tails.get((f.url, f.author, f.project)) or add(self.tails, (f.url, f.author, f.project)),
            )  # fmt: skip
        except (TypeError, ValueError):  # a field not a str (or None where allowed), an infinite confidence
            return encode_record(f.to_dict()).encode("utf-8", "surrogatepass")

    def _add(self, table: dict[Any, bytes], key: Any) -> bytes:
        """The JSON of the piece `key` stands for, kept in `table` (a miss of `one`)."""
        if table is self.rules:
            rule, name, category = key
            got = b'%b, "name": %b, "category": %b' % (_json_bytes(rule), _json_bytes(name), _json_bytes(category))
        elif table is self.tails:
            url, author, project = key
            got = b'"url": %b, "author": %b, "project": %b' % (_json_or_null(url), _json_or_null(author),
                                                                _json_or_null(project))  # fmt: skip
        elif table is self.confidences:
            rounded = round(key, 2)
            if rounded - rounded != 0.0:  # inf, nan: JSON has no such number; the encoder's answer
                raise ValueError(rounded)
            got = repr(rounded).encode()
        else:
            got = _json_bytes(key)
        if len(table) >= (64 if table is self.stories or table is self.tails else self._LIMIT):
            table.clear()
        table[key] = got
        return got


def _json_bytes(value: str) -> bytes:
    if type(value) is not str:
        raise TypeError(type(value).__name__)
    return _encode_str(value).encode("utf-8", "surrogatepass")


def _json_or_null(value: str | None) -> bytes:
    return b"null" if value is None else _json_bytes(value)


_FINDINGS = _FindingEncoder()


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
        elif key == "findings":
            _write_findings(report.findings, stream)
            records = ()
        for i, record in enumerate(records):
            if i:
                stream.write(", ")
            stream.write(dumps(record.to_dict()))
        stream.write("]")
    stream.write("}\n")


#: findings encoded at a time by `_write_findings`
_WRITE_BATCH = 256


def _write_findings(findings: Sequence[Finding], stream: TextIO) -> None:
    """The findings as `encode_records` makes their bytes, a batch at a time: to a UTF-8
    output's bytes as they are (as `FindingSpool.copy_to` does), else as their text, which the
    stream encodes (its codec and error handler decide, as for any text it is given; so does a
    lone surrogate's, which only that handler may decide about)."""
    buffer = getattr(stream, "buffer", None)
    raw = buffer is not None and _utf8(stream)
    if raw:
        stream.flush()  # what the document wrote before the findings goes first
    for start in range(0, len(findings), _WRITE_BATCH):
        data = encode_records(findings[start : start + _WRITE_BATCH])
        text_only = not raw or (b"\xed" in data and not _is_utf8(data))
        if start:
            data = b", " + data
        if text_only:
            stream.write(data.decode("utf-8", "surrogatepass"))
            if raw:
                stream.flush()  # before the next batch's bytes
        else:
            buffer.write(data)  # type: ignore[union-attr]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
