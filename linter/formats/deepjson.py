"""JSON that may nest deeper than Python's parser recurses: hostile ADF from Jira or its exports.

`json.loads` recurses once per level and raises `RecursionError` near 1,000 levels; an ADF
description a few hundred lists deep (4 levels each) is enough. :func:`loads` tries
`json.loads` first (fast, the normal case) and only then parses iteratively, with an explicit
stack. What lies below :data:`MAX_DEPTH` levels is flattened: an object or array that deep
becomes one ADF paragraph (in an array, for an array) holding every ``"text"`` string under
it, in order, so the story is still linted on its readable words and no later step (rendering,
``json.dumps``, comparison) meets the depth again. A caller may still refuse absurd depths
(`limit`): :class:`TooDeep`, a ValueError.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..lazyre import lazy

#: deepest container kept as is (JSON levels; an ADF list is 4)
MAX_DEPTH = 256

#: the stdlib's string scanner (C when available), as json.loads uses it
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = lazy(r"[ \t\n\r]*")
#: a run of characters that neither open nor close a string or container, nor end a value
_PLAIN = lazy(r'[^"\[\]{},]*+')
_NUMBER = lazy(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS: dict[str, Any] = {
    "true": True, "false": False, "null": None,
    "NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"),
}  # fmt: skip


class TooDeep(ValueError):
    """The JSON nests deeper than the caller's `limit`."""


def loads(text: str, *, max_depth: int = MAX_DEPTH, limit: int | None = None, long_ints: bool = False) -> Any:
    """`json.loads(text)`, but any depth up to `limit` parses (deep parts flattened).

    `long_ints`: an integer longer than Python converts (its 4,300-digit guard) is kept as
    its digits, a string, instead of failing the whole document.
    Errors are ValueErrors: :class:`json.JSONDecodeError` as from `json.loads`, or TooDeep.
    """
    try:
        # (no keyword in the usual case: any makes json.loads build a decoder a call, +70% a line)
        return json.loads(text, parse_int=_int_or_digits) if long_ints else json.loads(text)
    except RecursionError:
        pass
    return _cap(_parse(text, limit, _int_or_digits if long_ints else int), max_depth)


def _int_or_digits(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:  # more digits than `sys.get_int_max_str_digits()` allows
        return digits


def too_long_integer(exc: BaseException) -> bool:
    """`exc` is the guard's refusal of an over-long integer, not a syntax error."""
    return isinstance(exc, ValueError) and not isinstance(exc, json.JSONDecodeError) and "digits" in str(exc)


def _error(message: str, text: str, pos: int) -> json.JSONDecodeError:
    return json.JSONDecodeError(message, text, pos)


def _key(text: str, pos: int) -> tuple[str, int]:
    """An object key and the position after its colon and the whitespace that follows."""
    if text[pos : pos + 1] != '"':
        raise _error("Expecting property name enclosed in double quotes", text, pos)
    key, pos = scanstring(text, pos + 1)
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string
    if text[pos : pos + 1] != ":":
        raise _error("Expecting ':' delimiter", text, pos)
    return key, _WS.match(text, pos + 1).end()  # type: ignore[union-attr]


def _parse(text: str, limit: int | None = None, parse_int: Callable[[str], Any] = int) -> Any:
    """The whole document, with an explicit stack instead of recursion."""
    ws = _WS.match
    stack: list[dict[str, Any] | list[Any]] = []
    keys: list[str] = []  # the pending key of each open object, in stack order
    pos = ws(text, 0).end()  # type: ignore[union-attr]
    while True:
        char = text[pos : pos + 1]
        value: Any
        if char == "{":
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] == "}":
                value, pos = {}, pos + 1
            else:
                key, pos = _key(text, pos)
                stack.append({})
                keys.append(key)
                _deeper(stack, limit)
                continue
        elif char == "[":
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] == "]":
                value, pos = [], pos + 1
            else:
                stack.append([])
                _deeper(stack, limit)
                continue
        elif char == '"':
            value, pos = scanstring(text, pos + 1)
        else:
            number = _NUMBER.match(text, pos)
            if number is not None:
                whole, frac, exp = number.groups()
                value = float(whole + (frac or "") + (exp or "")) if frac or exp else parse_int(whole)
                pos = number.end()
            else:
                name = next((c for c in _CONSTANTS if text.startswith(c, pos)), None)
                if name is None:
                    raise _error("Expecting value", text, pos)
                value, pos = _CONSTANTS[name], pos + len(name)
        # a value is complete: add it to its container, closing every container it completes
        while True:
            if not stack:
                pos = ws(text, pos).end()  # type: ignore[union-attr]
                if pos != len(text):
                    raise _error("Extra data", text, pos)
                return value
            parent = stack[-1]
            if isinstance(parent, dict):
                parent[keys[-1]] = value
            else:
                parent.append(value)
            pos = ws(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == ",":
                pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
                if isinstance(parent, dict):
                    keys[-1], pos = _key(text, pos)
                break  # the next value
            if char != ("}" if isinstance(parent, dict) else "]"):
                raise _error("Expecting ',' delimiter", text, pos)
            pos += 1
            value = stack.pop()
            if isinstance(value, dict):
                keys.pop()


def value_end(text: str, pos: int) -> int:
    """Where the JSON value starting at `pos` ends, without building it (iteratively, at any
    depth): a reader can then give one bad item of an array (nested past a limit, an integer
    too long to convert) its own error and still read the items after it. The value itself
    is not checked; a string or container left open is a :class:`json.JSONDecodeError`."""
    depth = 0
    while True:
        pos = _PLAIN.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string
        char = text[pos : pos + 1]
        if char == '"':
            pos = scanstring(text, pos + 1)[1]
        elif char in ("[", "{"):
            depth, pos = depth + 1, pos + 1
            continue
        elif char in ("]", "}") and depth:
            depth, pos = depth - 1, pos + 1
        elif not char and depth:
            raise _error("Expecting ',' delimiter", text, pos)
        elif char == ",":
            if depth:
                pos += 1
                continue
            return pos
        else:  # the end of the text, or the closer of the container around the value
            return pos
        if not depth:
            return pos


def _deeper(stack: list[Any], limit: int | None) -> None:
    if limit is not None and len(stack) > limit:
        raise TooDeep(f"nested too deeply (more than {limit:,} levels)")


def _cap(root: Any, max_depth: int) -> Any:
    """Replace every container deeper than `max_depth` by a paragraph of its text (iteratively)."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        slots = node.items() if isinstance(node, dict) else enumerate(node)
        for slot, child in list(slots):
            if not isinstance(child, dict | list):
                continue
            if depth + 1 > max_depth:
                para = _paragraph(child)
                node[slot] = para if isinstance(child, dict) else [para]
            else:
                stack.append((child, depth + 1))
    return root


def _paragraph(node: Any) -> dict[str, Any]:
    """Every ``"text"`` string under `node`, in document order, as one ADF paragraph."""
    words: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            text = cur.get("text")
            if isinstance(text, str) and text.strip():
                words.append(text.strip())
            stack.extend(reversed([v for k, v in cur.items() if k != "text"]))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))
    return {"type": "paragraph", "content": [{"type": "text", "text": " ".join(words)}]}
