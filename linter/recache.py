"""Compiled regular expressions kept between runs, as `.pyc` files keep compiled code.

Python's `re` parses and compiles a pattern in Python, and the rules' patterns are long
alternations: compiling the ~150 that a story needs was a quarter of the instructions of a
one-story check (the GitHub Action's, a hook's). What `re` makes of a pattern, the program
of its C matcher (`_sre`), depends only on the pattern, its flags and the interpreter. So it
is kept in storylint's cache folder, in a file named for the interpreter's build and the
matcher's version, and handed back to `_sre.compile`, which checks a program as it checks
`re`'s own. A pattern made from the cache equals (`==`: same pattern, flags and program) the
one `re.compile` makes. Anything unexpected (another Python, a damaged file, an interpreter
without these internals) and `re.compile` does the work, as it always did.

Only the command line saves (`save`, at its end); a library caller compiles as `re` does.

Each entry carries a digest of its pattern and program, so a damaged entry is compiled anew
rather than run (`_sre` checks a program's shape, not that it is the pattern's). The file is
trusted as the installed package is: whoever can write to it can write to the package too,
and a file made to deceive (a program with a matching digest that matches something else)
is no more in reach than an edited rule. Do not share the cache folder between users.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import re
import sys
from array import array
from pathlib import Path
from typing import Any

try:  # CPython's own, untyped: where they are missing, `re.compile` answers
    _sre: Any = importlib.import_module("_sre")
    _parser: Any = importlib.import_module("re._parser")
    _PROGRAM: Any = importlib.import_module("re._compiler")._code
    _MATCHER: Any = _sre.compile
    _TAG = f"{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}"
except (ImportError, AttributeError):  # pragma: no cover - another interpreter
    _PROGRAM = _MATCHER = None
    _TAG = ""

#: at most this many patterns are kept; a file that grows past it keeps only one run's
_LIMIT = 4000
#: a process's own compiled patterns, by (flags, pattern)
_MEMO_LIMIT = 2048

_memo: dict[tuple[int, str], re.Pattern[str]] = {}
_stored: dict[str, list[Any]] | None = None  # the file's entries, read on first need
_used: dict[str, list[Any]] = {}  # the entries this process compiled or read
_new = False
#: the entries compiled anew since `learned` last took them: a `--jobs` worker's, which only the
#: reading process saves (`storylint.parallel`)
_fresh: dict[str, list[Any]] = {}


def cache_dir() -> Path | None:
    """storylint's cache folder (XDG's), or None where `STORYLINT_NO_CACHE` is set."""
    if os.environ.get("STORYLINT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "storylint"


def _path() -> Path | None:
    folder = cache_dir()
    if folder is None or not _TAG:
        return None
    return folder / f"re-{hashlib.sha256(_TAG.encode()).hexdigest()[:16]}.json"


def _entries() -> dict[str, list[Any]]:
    global _stored
    if _stored is None:
        _stored = {}
        path = _path()
        if path is not None:
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested past the stack
                data = None
            if isinstance(data, dict):
                _stored = data
    return _stored


def _digest(name: str, entry: list[Any]) -> str:
    """What ties a stored program to the pattern it is filed under: a damaged entry (a flipped
    bit, another program's write) no longer matches it and is compiled anew. `_sre`'s own
    check of a program is no safety net: a program changed in one word can pass it and then
    crash the interpreter, or match something else."""
    text = "\0".join(map(str, (name, *entry[:5])))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _from_entry(pattern: str, name: str, entry: list[Any]) -> re.Pattern[str] | None:
    """The pattern from a stored entry, or None where the entry is not what was stored."""
    if not isinstance(entry, list) or len(entry) != 6 or entry[5] != _digest(name, entry):
        return None
    flags, program, groups, groupindex, indexgroup, _ = entry
    # every group of a pattern opens with a "(" of its text: a larger count is no program of it
    if not (isinstance(groups, int) and 0 <= groups <= pattern.count("(") and len(indexgroup) == groups + 1):
        return None
    code = array("I", base64.b64decode(program, validate=True)).tolist()
    compiled: re.Pattern[str] = _MATCHER(pattern, flags, code, groups, groupindex, tuple(indexgroup))
    return compiled


def _compile_new(pattern: str, name: str, flags: int) -> tuple[re.Pattern[str], list[Any]]:
    """What `re._compiler.compile` does, keeping the program it hands `_sre`."""
    parsed = _parser.parse(pattern, flags)
    code = _PROGRAM(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group_name, index in groupindex.items():
        indexgroup[index] = group_name
    entry = [flags | parsed.state.flags, base64.b64encode(array("I", code).tobytes()).decode("ascii"),
             parsed.state.groups - 1, groupindex, indexgroup]  # fmt: skip
    entry.append(_digest(name, entry))
    compiled: re.Pattern[str] = _MATCHER(pattern, entry[0], code, entry[2], groupindex, tuple(indexgroup))
    return compiled, entry


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache where an earlier run compiled it."""
    global _new, _MATCHER
    flags = int(flags)
    key = (flags, pattern)
    found = _memo.get(key)
    if found is not None:
        return found
    if _MATCHER is None or flags & re.DEBUG:
        return re.compile(pattern, flags)
    name = f"{flags}:{pattern}"
    entry: list[Any] | None = _entries().get(name)
    compiled = None
    if entry is not None:
        try:
            compiled = _from_entry(pattern, name, entry)
        except Exception:  # noqa: BLE001 - a damaged entry: compiled anew and replaced
            compiled = None
    if compiled is None or entry is None:
        try:
            compiled, entry = _compile_new(pattern, name, flags)
        except re.error:
            raise
        except Exception:  # noqa: BLE001 - internals that changed: `re` alone from now on
            _MATCHER = None
            return re.compile(pattern, flags)
        _new = True
        _fresh[name] = entry
    _used[name] = entry
    if len(_memo) >= _MEMO_LIMIT:
        _memo.clear()
    _memo[key] = compiled
    return compiled


def learned() -> dict[str, list[Any]]:
    """The entries this process compiled anew since the last call: what a `--jobs` worker hands
    back, so that the next run's workers read them instead of compiling them (only the reading
    process saves)."""
    global _fresh
    taken, _fresh = _fresh, {}
    return taken


def adopt(entries: dict[str, list[Any]]) -> None:
    """Keep entries another process compiled (`learned`) for `save`."""
    global _new
    if entries:
        _used.update(entries)
        _new = True


def save() -> None:
    """Keep the patterns this process compiled for the next run (the command line's end).
    A file that would grow past `_LIMIT` patterns keeps this run's alone."""
    global _new
    path = _path()
    if not _new or path is None:
        return
    entries = {**_entries(), **_used}
    if len(entries) > _LIMIT:
        entries = dict(_used)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        from .outfile import atomic_write  # only when something is new: tempfile costs import time

        atomic_write(path, json.dumps(entries).encode("ascii"))  # \u escapes: patterns hold lone surrogates
    except (OSError, TypeError, ValueError):  # a cache never fails a run
        return
    _new = False
