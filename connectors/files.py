"""Read stories from files or stdin: JSON Lines, a JSON array, a Jira search response,
a GitHub or GitLab issues list (the REST API's or `gh issue list --json`'s), or Markdown
files (one story each).

Bad records become `Problem`s naming the file and line; the good ones are still read.
JSON Lines is streamed line by line, so memory does not grow with the input.
"""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from storylint.formats import deepjson
from storylint.formats.encoding import UTF8_BOM, WIDE_STARTS, Undecodable, from_wide
from storylint.model import BodyFormat, Deferred, Problem, Story

from .mapping import (
    ShapeError,
    is_gh_cli_issue,
    is_gh_cli_pull_request,
    is_gitlab_issue,
    is_merge_request,
    is_pull_request,
    json_type,
    story_from_gh_cli_issue,
    story_from_github_issue,
    story_from_gitlab_issue,
    story_from_jira_issue,
)

log = logging.getLogger("storylint.connectors.files")

#: JSON deeper than this is not a story export but garbage: an error for that record. (Below
#: it, hostile ADF that `json.loads` cannot parse is read, its deepest parts flattened.)
MAX_NESTING = 10_000

#: JSON Lines lines to a deferred record (`JsonLines`): the reading process then handles a block
#: of lines, not each line, and its share of a `--jobs` run is what bounds the speed-up
BLOCK = 64

STORY_SUFFIXES = (".jsonl", ".ndjson", ".json", ".md", ".markdown")
#: names whose content is JSON whatever its first character (a "#" line in them is a bad line)
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class FileConnector:
    """Stories from paths (files or folders) and `-` for stdin.

    With `defer`, JSON Lines come as `JsonLines` (a `Deferred`: up to `BLOCK` lines as read),
    decoded by whoever lints them: `--jobs` workers, not the process that reads the file.
    """

    def __init__(self, paths: list[str], *, defer: bool = False, stdin_name: str | None = None) -> None:
        self.paths = paths or ["-"]
        self.name = "files"
        self.defer = defer
        # what stdin is called in messages; a .md / .markdown name reads it as one Markdown story
        self.stdin_name = stdin_name or "<stdin>"

    def stories(self) -> Iterator[Story | Problem | Deferred]:
        for raw in self.paths:
            if raw == "-":
                stdin: IO[bytes] = sys.stdin.buffer
                if stdin.isatty():
                    # a terminal's Ctrl-D ends one read only: take it all in one read, so a
                    # single Ctrl-D ends the input (what a person types is small)
                    stdin = io.BytesIO(stdin.read())
                yield from read_stream(stdin, self.stdin_name, defer=self.defer, from_stdin=True)
                continue
            yield from read_argument(raw, defer=self.defer)


def read_argument(raw: str, *, defer: bool = False) -> Iterator[Story | Problem | Deferred]:
    """One path given on the command line; a path that cannot be used costs only itself."""
    if not raw:
        # Path("") is ".": an empty argument (an unset shell variable) must not lint the cwd
        yield Problem("''", "empty path")
        return
    path = Path(raw)
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        yield Problem(raw, "broken symbolic link" if path.is_symlink() else "no such file")
        return
    except (OSError, ValueError) as exc:  # name too long, loops, NUL in the name, permission
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield Problem(raw, f"cannot read: {reason}")
        return
    if not is_dir:
        yield from read_path(path, defer=defer)
        return
    unreadable: list[Problem] = []
    files: list[Path] = []

    def skip(exc: OSError) -> None:
        unreadable.append(Problem(exc.filename or raw, f"cannot read folder: {exc.strerror}"))

    # symbolic links to folders are followed (`stories/` holding a link to a shared folder is
    # read as `ls -R` shows it; os.walk's default passed them over without a word); a folder
    # reached twice (a link back up the tree, two links to one folder) is read once
    read: dict[tuple[int, int], str] = {}
    for folder, dirs, names in os.walk(path, onerror=skip, followlinks=True):
        try:
            info = os.stat(folder)
        except OSError as exc:
            skip(exc)
            dirs[:] = []
            continue
        first = read.setdefault((info.st_dev, info.st_ino), folder)
        if first != folder:
            log.warning("%s: a symbolic link to a folder already read (%s); not read again", folder, first)
            dirs[:] = []
            continue
        dirs.sort(key=lambda d: (os.path.islink(os.path.join(folder, d)), d))  # a folder before a link to one
        files.extend(Path(folder, n) for n in names if Path(n).suffix.lower() in STORY_SUFFIXES)
    regular: list[Path] = []
    for file in sorted(files):
        # a story file that cannot be opened is an error, as it is when named on the command
        # line: skipped silently, its story vanished from the report (and, with --store, was
        # counted removed). FIFOs and devices are passed over: reading one could block.
        try:
            if stat.S_ISREG(file.stat().st_mode):
                regular.append(file)
        except FileNotFoundError:
            unreadable.append(Problem(str(file), "broken symbolic link" if file.is_symlink() else "no such file"))
        except OSError as exc:  # a symlink loop, a name too long
            unreadable.append(Problem(str(file), f"cannot read: {exc.strerror or type(exc).__name__}"))
    yield from unreadable
    files = regular
    if not files and not unreadable:
        yield Problem(raw, "folder holds no story files (*.jsonl, *.json, *.md)")
    for file in files:
        yield from read_path(file, defer=defer)


def read_path(path: Path, *, defer: bool = False) -> Iterator[Story | Problem | Deferred]:
    name = str(path)
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        yield Problem(name, "no such file")
        return
    except IsADirectoryError:
        yield Problem(name, "is a directory")
        return
    except OSError as exc:
        yield Problem(name, f"cannot read: {exc.strerror}")
        return
    with fh:
        try:
            if path.suffix.lower() in (".md", ".markdown"):
                yield from _markdown_story(fh.read(), name, path.stem)
            else:
                yield from read_stream(fh, name, defer=defer)
        except OSError as exc:  # opened but unreadable: /proc/self/mem, a failing disk
            yield Problem(name, f"cannot read: {exc.strerror or type(exc).__name__}")


def read_stream(
    fh: IO[bytes], name: str, *, defer: bool = False, from_stdin: bool = False
) -> Iterator[Story | Problem | Deferred]:
    """Sniff the first non-blank byte: `[` or a whole-document `{` is JSON, else JSON Lines.
    A Markdown name (`--stdin-filename story.md` for stdin) is one Markdown story whatever
    it starts with."""
    head = fh.read(64 * 1024)
    if head.startswith(WIDE_STARTS):  # UTF-16 or UTF-32: read whole, as UTF-8
        data = _utf8(head + fh.read(), name)
        if isinstance(data, Problem):
            yield data
            return
        head, fh = data, io.BytesIO()
    head = head.removeprefix(UTF8_BOM)  # Windows tools write one; JSON parsers refuse it
    stripped = head.lstrip()
    if not stripped:
        rest = fh.read()
        if not rest.strip():
            yield Problem(name, "empty input: no stories")
            return
        head, stripped = head + rest, (head + rest).lstrip()
    if name.lower().endswith((".md", ".markdown")):
        yield from _markdown_story(head + fh.read(), name, Path(name).stem)
        return
    if b"\x00" in head[:8192] and stripped[:1] not in (b"{", b"["):
        # (JSON that starts well and holds a binary line further on is read line by
        # line: that line is reported, the stories around it are still checked)
        yield Problem(name, "binary data, not JSON, JSON Lines or Markdown")
        return
    if stripped[:1] == b"[":
        yield from _json_document(head + fh.read(), name)
        return
    if stripped[:1] == b"{":
        yield from _object_stream(bytearray(head), len(head) - len(stripped), fh, name, defer)
        return
    if stripped[:1] == b"#" and not name.lower().endswith(JSON_SUFFIXES):
        yield from _markdown_story(head + fh.read(), name, Path(name).stem)
        return
    if from_stdin:
        # stories as JSON start with { or [: prose piped in gets one line saying how to lint it
        yield Problem(name, "not JSON or JSON Lines; for a Markdown story on stdin, give --stdin-filename NAME.md", line=1)
        return
    yield from _json_lines(_lines(head, fh), name, defer)


def _object_stream(
    buf: bytearray, start: int, fh: IO[bytes], name: str, defer: bool
) -> Iterator[Story | Problem | Deferred]:
    """Input whose first non-blank character is `{`: JSON Lines, or one JSON document (a
    story, a Jira search response), pretty-printed or on one line.

    Decided on whole lines (a story's body can be longer than any fixed head): a first line
    that is JSON makes JSON Lines; one line and nothing after it is a document; a first line
    that is not JSON followed by a line that is an object is JSON Lines with a bad first
    line, unless the whole input parses as one document (an issue a line inside a search
    response). Reading is linear: each chunk is searched once for a line break.
    """
    first_end = _line_end(buf, start, fh)
    if first_end < 0 or not bytes(buf[first_end + 1 :]).strip() and not _fill(buf, fh):
        # no second line: one JSON document (or one story) on a line of its own
        yield from _json_document(bytes(buf) + fh.read(), name)
        return
    first = bytes(buf[start:first_end])
    if _whole_json(first):
        yield from _json_lines(_lines(bytes(buf), fh), name, defer)
        return
    second_start = first_end + 1
    while True:  # the next non-blank line, whole
        second_end = _line_end(buf, second_start, fh)
        second = bytes(buf[second_start : second_end if second_end >= 0 else len(buf)])
        if second.strip() or second_end < 0:
            break
        second_start = second_end + 1
    if not _whole_json(second, objects_only=True):
        yield from _json_document(bytes(buf) + fh.read(), name)  # pretty-printed
        return
    data = bytes(buf) + fh.read()
    if _whole_json(data):
        yield from _json_document(data, name)
        return
    yield from _json_lines(_lines(data, io.BytesIO()), name, defer)


def _line_end(buf: bytearray, start: int, fh: IO[bytes]) -> int:
    """Where the line starting at `start` ends (its line break: LF, or the CR of a CRLF or a
    lone CR), reading on as needed; -1 at the end of the input."""
    searched = start
    while True:
        ends = [end for end in (buf.find(b"\n", searched), buf.find(b"\r", searched)) if end >= 0]
        if ends:
            return min(ends)
        searched = len(buf)
        if not _fill(buf, fh):
            return -1


def _fill(buf: bytearray, fh: IO[bytes]) -> bool:
    """Read the next chunk into `buf`; False at the end of the input."""
    chunk = fh.read(1 << 20)
    buf += chunk
    return bool(chunk)


def _whole_json(line: bytes, *, objects_only: bool = False) -> bool:
    """The line is one JSON value (an object, with `objects_only`)."""
    line = line.strip()
    if not line or (objects_only and line[:1] != b"{"):
        return False
    try:
        json.loads(line)
    except ValueError:
        return False
    except RecursionError:
        return True  # deep, but a value: the line reader reports it
    return True


def _lines(head: bytes, fh: IO[bytes]) -> Iterator[bytes]:
    """The input's lines, each ended by LF, CRLF or a lone CR, mixed as a file edited on
    several systems mixes them (a raw CR is only whitespace between JSON tokens, never inside
    a string, so no story is cut): split at LF alone, the lines after a lone CR were one line,
    "Extra data", their stories lost and the later lines misnumbered."""
    buffer = head
    while True:
        chunk = fh.read(256 * 1024)
        held = b""
        if chunk and buffer.endswith(b"\r"):  # perhaps half a CRLF: decided with the next chunk
            buffer, held = buffer[:-1], b"\r"
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *complete, buffer = buffer.split(b"\n")
        yield from complete
        if not chunk:
            break
        buffer += held + chunk
    if buffer:
        yield buffer


def _json_lines(lines: Iterator[bytes], name: str, defer: bool = False) -> Iterator[Story | Problem | Deferred]:
    if defer:
        yield from _json_line_blocks(lines, name)
        return
    seen = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        seen += 1
        yield from _json_line(raw, name, number)
    if seen == 0:
        yield Problem(name, "empty input: no stories")


def _blank(raw: bytes) -> bool:
    """Nothing but white space (what `raw.strip()` takes away), or nothing."""
    return not raw or raw.isspace()


def _json_line_blocks(lines: Iterator[bytes], name: str) -> Iterator[Problem | Deferred]:
    """The lines in blocks of `BLOCK`, as read: each line is looked at where it is decoded,
    not here (a block of blank lines alone is not sent)."""
    number, seen = 1, False
    while block := tuple(islice(lines, BLOCK)):
        if not all(map(_blank, block)):  # (stops at the first line that is not)
            seen = True
            yield JsonLines(block, name, number)
        number += len(block)
    if not seen:
        yield Problem(name, "empty input: no stories")


def _json_line(raw: bytes, name: str, number: int) -> Iterator[Story | Problem]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Problem(name, f"invalid UTF-8 at byte {exc.start}", line=number)
        return
    try:
        obj = deepjson.loads(text, limit=MAX_NESTING)
    except ValueError as exc:
        start = _skip_ws(text, 0)
        issues = None if isinstance(exc, json.JSONDecodeError) or not text.startswith("{", start) else _issues_array(text, start)
        if issues is not None:  # a search response whose one issue is too deep: the others are read
            yield from _json_container(text, issues, name, line=number)
            return
        yield Problem(name, f"invalid JSON: {_json_reason(exc)}", line=number)
        return
    if isinstance(obj, dict) and _is_container(obj):
        yield from _container(obj, name, number)
        return
    record = _record(obj, name, number)
    if record is not None:
        yield record


@dataclass(frozen=True, slots=True)
class JsonLines(Deferred):
    """Consecutive lines of a JSON Lines input, as read, the first of them line `first` (see
    `FileConnector`); blank ones are passed over where they are decoded."""

    lines: tuple[bytes, ...]
    name: str
    first: int

    @property
    def count(self) -> int:
        return len(self.lines)

    def resolve(self) -> list[Story | Problem]:
        out: list[Story | Problem] = []
        for number, raw in enumerate(self.lines, start=self.first):
            if not _blank(raw):
                out.extend(_json_line(raw, self.name, number))
        return out

    def __reduce__(self) -> tuple[type[JsonLines], tuple[tuple[bytes, ...], str, int]]:
        # what crosses to a worker: the dataclass's own pickling reads each field in Python
        return JsonLines, (self.lines, self.name, self.first)


def _json_document(data: bytes, name: str) -> Iterator[Story | Problem]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Problem(name, f"invalid UTF-8 at byte {exc.start}", line=data.count(b"\n", 0, exc.start) + 1)
        return
    start = _skip_ws(text, 0)
    if text.startswith("[", start):
        yield from _json_array(text, start, name)
        return
    issues = _issues_array(text, start) if text.startswith("{", start) else None
    if issues is not None:
        yield from _json_container(text, issues, name)
        return
    try:
        obj = deepjson.loads(text, limit=MAX_NESTING)
    except json.JSONDecodeError as exc:
        yield Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
        return
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        yield Problem(name, f"invalid JSON: {_json_reason(exc)}", line=1)
        return
    if isinstance(obj, dict) and _is_container(obj):
        yield from _container(obj, name, None)
        return
    record = _record(obj, name, 1)
    if record is not None:
        yield record


_DECODER = json.JSONDecoder()


def _skip_ws(text: str, pos: int) -> int:
    while text[pos : pos + 1] in (" ", "\t", "\n", "\r"):
        pos += 1
    return pos


def _json_array(text: str, pos: int, name: str) -> Iterator[Story | Problem]:
    """A document that is an array, item by item (see `_array_items`), then nothing after it."""
    end = yield from _array_items(text, pos, name, None)
    if end is not None and _skip_ws(text, end) != len(text):
        yield _syntax_problem(name, json.JSONDecodeError("Extra data", text, _skip_ws(text, end)))


def _array_items(text: str, pos: int, name: str, line: int | None) -> Generator[Story | Problem, None, int | None]:
    """The records of the array whose `[` is at `pos`; returns where it ends, None at a break.

    Each item is read on its own, so one that cannot be read (nested past MAX_NESTING, an
    integer of 5,000 digits) is an error naming its line and index and the others are still
    read; a break in the JSON (a truncated export) ends the reading there, keeping every whole
    item before it. `line`: every item's line (a JSON Lines line); else each item's own.
    """
    index, counted, newlines = 0, pos, text.count("\n", 0, pos)
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        yield Problem(name, "empty input: no stories")
        return pos + 1
    while True:
        newlines += text.count("\n", counted, pos)
        counted = pos
        at = newlines + 1 if line is None else line
        try:
            item, pos, unreadable = _item(text, pos)
        except json.JSONDecodeError as exc:
            yield _syntax_problem(name, exc, line)
            return None
        if unreadable is not None:
            yield Problem(name, f"invalid JSON (item {index}): {_json_reason(unreadable)}", line=at)
        else:
            record = _record(item, name, at, index=index)
            if record is not None:
                yield record
        index += 1
        pos = _skip_ws(text, pos)
        char = text[pos : pos + 1]
        if char == "]":
            return pos + 1
        if char != ",":
            yield _syntax_problem(name, json.JSONDecodeError("Expecting ',' delimiter", text, pos), line)
            return None
        pos = _skip_ws(text, pos + 1)


def _item(text: str, pos: int) -> tuple[Any, int, ValueError | None]:
    """The JSON value at `pos`, where it ends, and why it could not be read (None when it
    was). A value `json` cannot take (too deep for its recursion, an integer too long) is
    skipped to its end and read by `deepjson`. A break in the JSON is a JSONDecodeError."""
    try:
        value, end = _DECODER.raw_decode(text, pos)
        return value, end, None
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError):
        pass
    end = deepjson.value_end(text, pos)
    try:
        return deepjson.loads(text[pos:end], limit=MAX_NESTING), end, None
    except json.JSONDecodeError as exc:  # name the place in the whole text
        raise json.JSONDecodeError(exc.msg, text, pos + exc.pos) from None
    except ValueError as exc:
        return None, end, exc


def _syntax_problem(name: str, exc: json.JSONDecodeError, line: int | None = None) -> Problem:
    return Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno if line is None else line)


def _member_key(text: str, pos: int) -> tuple[str, int]:
    """The object member's key at `pos` and where its value starts."""
    if not text.startswith('"', pos):
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
    key, pos = deepjson.scanstring(text, pos + 1)
    pos = _skip_ws(text, pos)
    if not text.startswith(":", pos):
        raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
    return key, _skip_ws(text, pos + 1)


def _issues_array(text: str, pos: int) -> int | None:
    """Where the `"issues": [` array of the object at `pos` opens (a Jira search response),
    if the members before it read; None for any other object (a story, a webhook)."""
    try:
        pos = _skip_ws(text, pos + 1)
        while True:
            key, pos = _member_key(text, pos)
            if key == "issues" and text.startswith("[", pos):
                return pos
            pos = _skip_ws(text, _item(text, pos)[1])
            if not text.startswith(",", pos):
                return None
            pos = _skip_ws(text, pos + 1)
    except json.JSONDecodeError:
        return None  # read whole, the error is reported as for any document


def _json_container(text: str, pos: int, name: str, *, line: int | None = None) -> Iterator[Story | Problem]:
    """A Jira search response: its issues read one by one from `pos`, as an array's items
    are, then the members after them checked."""
    end = yield from _array_items(text, pos, name, line)
    if end is None:
        return
    try:
        pos = _skip_ws(text, end)
        while text.startswith(",", pos):
            _, pos = _member_key(text, _skip_ws(text, pos + 1))
            pos = _skip_ws(text, _item(text, pos)[1])
        if not text.startswith("}", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        if _skip_ws(text, pos + 1) != len(text):
            raise json.JSONDecodeError("Extra data", text, _skip_ws(text, pos + 1))
    except json.JSONDecodeError as exc:
        yield _syntax_problem(name, exc, line)


def _json_reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (column {exc.colno})"
    if "integer string conversion" in str(exc):  # Python's advice is for programmers
        return "an integer of more than 4,300 digits"
    return str(exc)


def _is_container(obj: dict[str, Any]) -> bool:
    """A Jira search response ({"issues": [...]}) or a GitHub webhook ({"issue": {...}})."""
    return isinstance(obj.get("issues"), list) or ("issue" in obj and isinstance(obj.get("issue"), dict) and "action" in obj)


def _container(obj: dict[str, Any], name: str, line: int | None) -> Iterator[Story | Problem]:
    if "issues" in obj:
        for index, issue in enumerate(obj["issues"]):
            record = _record(issue, name, line, index=index)
            if record is not None:
                yield record
    else:
        repository = obj.get("repository")
        repo = repository.get("full_name") if isinstance(repository, dict) else None
        if repository is not None and not (isinstance(repo, str) and repo):
            # a webhook whose repository is not {"full_name": "owner/name"}: the story's
            # key would be wrong, so report the record instead of guessing
            got = json_type(repo if isinstance(repository, dict) else repository)
            yield Problem(name, f"malformed GitHub webhook: repository.full_name: expected a string, got {got}", line=line)
            return
        record = _record(obj["issue"], name, line, repo=repo)
        if record is not None:
            yield record


def _pull_request(obj: dict[str, Any]) -> str | None:
    return f"pull request {obj.get('number')}" if is_pull_request(obj) else None


def _gh_cli_pull_request(obj: dict[str, Any]) -> str | None:
    return f"pull request {obj.get('number')}" if is_gh_cli_pull_request(obj) else None


def _merge_request(obj: dict[str, Any]) -> str | None:
    return f"merge request {obj.get('iid')}" if is_merge_request(obj) else None


#: The trackers' own records a file may hold, in the order they are told apart: (what it is,
#: how it is recognised, what it is when it is no story, how it is read (record, repo, source)).
_TRACKER_SHAPES: tuple[
    tuple[str, Callable[[dict[str, Any]], bool], Callable[[dict[str, Any]], str | None],
          Callable[[dict[str, Any], str | None, str], Story]], ...
] = (
    ("Jira issue", lambda o: "fields" in o and "key" in o, lambda o: None,
     lambda o, repo, source: story_from_jira_issue(o, source=source)),
    ("GitHub issue", lambda o: "number" in o and "user" in o and ("html_url" in o or "repository_url" in o),
     _pull_request, lambda o, repo, source: story_from_github_issue(o, repo=repo, source=source)),
    ("GitHub issue", is_gh_cli_issue, _gh_cli_pull_request,
     lambda o, repo, source: story_from_gh_cli_issue(o, source=source)),
    ("GitLab issue", is_gitlab_issue, _merge_request, lambda o, repo, source: story_from_gitlab_issue(o, source=source)),
)  # fmt: skip


def _record(obj: Any, name: str, line: int | None, *, index: int | None = None, repo: str | None = None) -> Story | Problem | None:
    where = f" (item {index})" if index is not None else ""
    if not isinstance(obj, dict):
        return Problem(name, f"expected a story object{where}, got {type(obj).__name__}", line=line)
    try:
        for kind, recognises, not_a_story, read in _TRACKER_SHAPES:
            if recognises(obj):
                skipped = not_a_story(obj)
                if skipped:  # an issues list holds pull or merge requests too: never stories
                    log.info("%s: skipping %s%s", name, skipped, where)
                    return None
                return read(obj, repo, f"file:{name}")
        kind = "story"
        story = Story.model_validate({**obj, "source": obj.get("source") or f"file:{name}"})
    except ShapeError as exc:
        return Problem(name, f"malformed {kind}{_who(obj)}{where}: {exc}", line=line)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "story"
        ident = obj.get("key") or obj.get("id")
        who = f" in story {ident!r}" if isinstance(ident, int) and not isinstance(ident, bool) or isinstance(ident, str) and ident.strip() else ""
        return Problem(name, f"{field}: {err['msg'].lower()}{who}{where}", line=line)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # last resort for a shape the mapping does not check yet: still one story's cost
        return Problem(name, f"malformed {kind}{_who(obj)}{where}: a field has the wrong type ({type(exc).__name__})", line=line)
    return story


def _who(obj: dict[str, Any]) -> str:
    ident = obj.get("key") or obj.get("number") or obj.get("iid") or obj.get("id")
    return f" {ident!r}" if isinstance(ident, str | int) and not isinstance(ident, bool) else ""


def _utf8(data: bytes, name: str) -> bytes | Problem:
    """A UTF-16 or UTF-32 input (known by its byte-order mark) as UTF-8, any other as it is;
    the Problem naming the byte and line where a wide one does not decode."""
    try:
        return from_wide(data)
    except Undecodable as exc:
        return Problem(name, str(exc), line=exc.line)


def _markdown_story(data: bytes, name: str, stem: str) -> Iterator[Story | Problem]:
    utf8 = _utf8(data, name)
    if isinstance(utf8, Problem):
        yield utf8
        return
    data = utf8
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Problem(name, f"invalid UTF-8 at byte {exc.start}", line=data.count(b"\n", 0, exc.start) + 1)
        return
    # a byte-order mark (Notepad writes one) is no text of the story: kept, it moved every
    # column of the first line one on and opened its excerpt with an invisible character
    text = text.removeprefix("\ufeff")
    if not text.strip():
        yield Problem(name, "empty story file")
        return
    title, body = stem, text
    # the first line ends at any line break the parser reads as one: a file saved with lone CRs
    # (classic Mac, some exporters) was otherwise all title, its body's findings on "title:1"
    breaks = [i for i in (text.find("\n"), text.find("\r")) if i >= 0]
    end = min(breaks) if breaks else len(text)
    first, rest = text[:end], text[end + (2 if text.startswith("\r\n", end) else 1) :]
    if first.startswith("# "):
        title, body = first[2:].strip(), rest
    if not stem.strip():  # " .md": the file's name is the story's only name
        stem = name
    yield Story(id=stem, title=title, body=body, body_format=BodyFormat.MARKDOWN, source=f"file:{name}")
