"""Render an Atlassian Document Format (ADF) document as Markdown.

Jira Cloud v3 returns descriptions as ADF JSON. Rendering to Markdown lets the same
parser and rules apply, with code blocks, code marks, tables and lists kept as such,
so positions in findings point into the rendered text the author recognises.
Hostile nesting is bounded: below `MAX_DEPTH` the text is kept, the structure flattened.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 100


def adf_to_markdown(doc: Any) -> str:
    if not isinstance(doc, dict):
        return "" if doc is None else str(doc)
    out: list[str] = []
    _blocks(_children(doc), out, prefix="", depth=0)
    return "\n".join(out).strip("\n")


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _children(node: dict[str, Any]) -> list[Any]:
    content = node.get("content")
    return content if isinstance(content, list) else []


def _blocks(nodes: list[Any], out: list[str], *, prefix: str, depth: int) -> None:
    for node in nodes:
        if isinstance(node, dict):
            _block(node, out, prefix=prefix, depth=depth)


def _emit(out: list[str], prefix: str, text: str) -> None:
    for line in text.split("\n"):
        out.append(f"{prefix}{line}".rstrip() if line else prefix.rstrip())


def _block(node: dict[str, Any], out: list[str], *, prefix: str, depth: int) -> None:
    kind = node.get("type")
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    if depth > MAX_DEPTH:
        _emit(out, prefix, _flat_text(node))
        return
    if kind == "paragraph":
        _emit(out, prefix, _inline(_children(node), depth))
        out.append(prefix.rstrip())
    elif kind == "heading":
        level = attrs.get("level", 2) if isinstance(attrs.get("level"), int) else 2
        _emit(out, prefix, "#" * max(1, min(level, 6)) + " " + _inline(_children(node), depth))
        out.append(prefix.rstrip())
    elif kind in ("bulletList", "orderedList", "taskList", "decisionList"):
        order = attrs.get("order")
        start = order if isinstance(order, int) and not isinstance(order, bool) and 0 <= order < 10**9 else 1
        for i, item in enumerate(_children(node), start=start):
            if not isinstance(item, dict):
                continue
            if kind == "orderedList":
                marker = f"{i}. "
            elif kind == "taskList":
                marker = "- [x] " if _attrs(item).get("state") == "DONE" else "- [ ] "
            else:
                marker = "- "
            _list_item(item, out, prefix=prefix, marker=marker, depth=depth + 1)
        out.append(prefix.rstrip())
    elif kind == "codeBlock":
        lang = attrs.get("language") or ""
        _emit(out, prefix, f"```{lang}")
        _emit(out, prefix, "".join(str(c.get("text", "")) for c in _children(node) if isinstance(c, dict)))
        _emit(out, prefix, "```")
        out.append(prefix.rstrip())
    elif kind in ("blockquote", "panel"):
        _blocks(_children(node), out, prefix=prefix + "> ", depth=depth + 1)
        out.append(prefix.rstrip())
    elif kind == "table":
        rows = [r for r in _children(node) if isinstance(r, dict)]
        for index, row in enumerate(rows):
            cells = [_flat_text(c).replace("|", "\\|").replace("\n", " ") for c in _children(row) if isinstance(c, dict)]
            _emit(out, prefix, "| " + " | ".join(cells) + " |")
            if index == 0:
                _emit(out, prefix, "|" + " --- |" * len(cells))
        out.append(prefix.rstrip())
    elif kind == "rule":
        _emit(out, prefix, "---")
        out.append(prefix.rstrip())
    elif kind in ("expand", "nestedExpand"):
        title = attrs.get("title")
        if title:
            _emit(out, prefix, f"**{title}**")
        _blocks(_children(node), out, prefix=prefix, depth=depth + 1)
    elif kind in ("mediaSingle", "mediaGroup", "media", "extension", "bodiedExtension"):
        return
    elif kind in ("text", "mention", "emoji", "inlineCard", "hardBreak", "status", "date"):
        _emit(out, prefix, _inline([node], depth))
    else:
        _blocks(_children(node), out, prefix=prefix, depth=depth + 1)


def _list_item(item: dict[str, Any], out: list[str], *, prefix: str, marker: str, depth: int) -> None:
    inner: list[str] = []
    content = _children(item)
    if item.get("type") in ("taskItem", "decisionItem"):
        inner.append(_inline(content, depth))
    else:
        _blocks(content, inner, prefix="", depth=depth)
    lines = [line for line in inner if line.strip()] or [""]
    indent = " " * len(marker)
    for i, line in enumerate(lines):
        out.append(f"{prefix}{marker if i == 0 else indent}{line}".rstrip())


def _inline(nodes: list[Any], depth: int = 0) -> str:
    """Inline content as Markdown; nesting below `MAX_DEPTH` is flattened to its text
    (an unknown inline node wrapping another 10^5 times would exhaust the stack)."""
    if depth > MAX_DEPTH:
        return "".join(_flat_text(node) for node in nodes if isinstance(node, dict))
    parts: list[str] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
        if kind == "text":
            parts.append(_marked(str(node.get("text", "")), node.get("marks")))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind == "mention":
            parts.append(str(attrs.get("text") or "@user"))
        elif kind == "emoji":
            parts.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind == "inlineCard":
            parts.append(str(attrs.get("url") or ""))
        elif kind == "status":
            parts.append(f"[{attrs.get('text', '')}]")
        elif kind == "date":
            parts.append(str(attrs.get("timestamp", "")))
        else:
            parts.append(_inline(_children(node), depth + 1))
    return "".join(parts)


def _marked(text: str, marks: Any) -> str:
    if not isinstance(marks, list):
        return text
    kinds = {str(m.get("type")): m for m in marks if isinstance(m, dict)}
    if "code" in kinds:
        fence = "``" if "`" in text else "`"
        text = f"{fence}{text}{fence}"
    if "strong" in kinds and text.strip():
        text = f"**{text}**"
    if "em" in kinds and text.strip():
        text = f"_{text}_"
    if "strike" in kinds and text.strip():
        text = f"~~{text}~~"
    link = kinds.get("link")
    if link is not None:
        href = _attrs(link).get("href")
        if href:
            text = f"[{text}]({href})"
    return text


def _flat_text(node: Any) -> str:
    """All text under a node, iteratively (safe for any depth)."""
    parts: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if cur.get("type") == "text":
                parts.append(str(cur.get("text", "")))
            elif cur.get("type") in ("paragraph", "heading", "listItem", "hardBreak") and parts:
                parts.append(" ")
            kids = cur.get("content")
            if isinstance(kids, list):
                stack.extend(reversed(kids))
    return "".join(parts).strip()
