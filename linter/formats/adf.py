"""Render an Atlassian Document Format (ADF) document as Markdown.

Jira Cloud v3 returns descriptions as ADF JSON. Rendering to Markdown lets the same
parser and rules apply, with code blocks, code marks, tables and lists kept as such,
so positions in findings point into the rendered text the author recognises.
Hostile nesting is bounded: below `MAX_DEPTH` the text is kept, the structure flattened.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 100
_LISTS = ("bulletList", "orderedList", "taskList", "decisionList")


def adf_to_markdown(doc: Any) -> str:
    if not isinstance(doc, dict):
        return "" if doc is None else str(doc)
    out: list[str] = []
    _blocks(_children(doc), out, prefix="", depth=0)
    return "\n".join(out).strip("\n")


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    """A node's attrs, or {} when they are missing or not an object (hostile ADF)."""
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
    attrs: dict[str, Any] = node["attrs"] if isinstance(node.get("attrs"), dict) else {}
    if depth > MAX_DEPTH:
        _emit(out, prefix, _flat_text(node))
        return
    if kind == "paragraph":
        _emit(out, prefix, _inline(_children(node)))
        out.append(prefix.rstrip())
    elif kind == "heading":
        level = attrs.get("level", 2) if isinstance(attrs.get("level"), int) else 2
        _emit(out, prefix, "#" * max(1, min(level, 6)) + " " + _inline(_children(node)))
        out.append(prefix.rstrip())
    elif kind in _LISTS:
        number = _order(attrs)
        indent = prefix
        for item in _children(node):
            if not isinstance(item, dict):
                continue
            if item.get("type") in _LISTS:  # taskList nests a list directly, as a sibling item
                _block(item, out, prefix=indent, depth=depth + 1)
                if out and not out[-1].strip():
                    out.pop()
                continue
            i = number
            number += 1
            if kind == "orderedList":
                marker = f"{i}. "
            elif kind == "taskList":
                marker = "- [x] " if _attrs(item).get("state") == "DONE" else "- [ ] "
            else:
                marker = "- "
            _list_item(item, out, prefix=prefix, marker=marker, depth=depth + 1)
            indent = prefix + " " * (len(marker) if kind == "orderedList" else 2)
        out.append(prefix.rstrip())
    elif kind == "codeBlock":
        lang = str(attrs.get("language") or "")
        lang = "" if lang.lower() in ("none", "plain", "plaintext", "text") else lang
        code = "".join(str(c.get("text", "")) for c in _children(node) if isinstance(c, dict))
        code = code.removesuffix("\n")
        fence = "````" if "```" in code else "```"
        _emit(out, prefix, f"{fence}{lang}")
        _emit(out, prefix, code)
        _emit(out, prefix, fence)
        out.append(prefix.rstrip())
    elif kind in ("blockquote", "panel"):
        start = len(out)
        _blocks(_children(node), out, prefix=prefix + "> ", depth=depth + 1)
        while len(out) > start and out[-1] == (prefix + ">").rstrip():
            out.pop()
        out.append(prefix.rstrip())
    elif kind == "table":
        rows = [r for r in _children(node) if isinstance(r, dict)]
        for index, row in enumerate(rows):
            cells = [_cell(c, depth) for c in _children(row) if isinstance(c, dict)]
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
    elif kind in ("text", "mention", "emoji", "inlineCard", "blockCard", "embedCard", "hardBreak", "status", "date"):
        _emit(out, prefix, _inline([node]))
    else:
        _blocks(_children(node), out, prefix=prefix, depth=depth + 1)


def _cell(cell: dict[str, Any], depth: int) -> str:
    """One table cell on one line: its blocks joined by spaces, code blocks as inline code."""
    lines: list[str] = []
    _blocks(_children(cell), lines, prefix="", depth=depth + 1)
    parts: list[str] = []
    code: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if code is not None:
            if stripped.startswith("```"):
                text = " ".join(c.strip() for c in code if c.strip())
                parts.append(f"`{text}`" if "`" not in text else f"`` {text} ``")
                code = None
            else:
                code.append(line)
        elif stripped.startswith("```"):
            code = []
        elif stripped:
            parts.append(stripped)
    if code:
        parts.append("`" + " ".join(c.strip() for c in code if c.strip()) + "`")
    return " ".join(parts).replace("|", "\\|")


def _order(attrs: dict[str, Any]) -> int:
    value = attrs.get("order", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else 1


def _list_item(item: dict[str, Any], out: list[str], *, prefix: str, marker: str, depth: int) -> None:
    inner: list[str] = []
    content = _children(item)
    if item.get("type") in ("taskItem", "decisionItem"):
        inner.append(_inline(content))
    else:
        _blocks(content, inner, prefix="", depth=depth)
    lines = [line for line in inner if line.strip()] or [""]
    indent = " " * len(marker)
    for i, line in enumerate(lines):
        out.append(f"{prefix}{marker if i == 0 else indent}{line}".rstrip())


def _inline(nodes: list[Any], depth: int = 0) -> str:
    if depth > MAX_DEPTH:  # hostile nesting of inline nodes: keep the text, drop the structure
        return " ".join(_flat_text(n) for n in nodes)
    parts: list[str] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        attrs: dict[str, Any] = node["attrs"] if isinstance(node.get("attrs"), dict) else {}
        if kind == "text":
            parts.append(_marked(str(node.get("text", "")), node.get("marks")))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind == "mention":
            name = str(attrs.get("text") or "user")
            parts.append(name if name.startswith("@") else "@" + name)
        elif kind == "emoji":
            parts.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind in ("inlineCard", "blockCard", "embedCard"):
            url = str(attrs.get("url") or "")
            if url:
                sep = " " if parts and parts[-1] and not parts[-1][-1].isspace() else ""
                parts.append(f"{sep}<{url}>")
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
    kinds = {m["type"]: m for m in marks if isinstance(m, dict) and isinstance(m.get("type"), str)}
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
        attrs = link.get("attrs")
        href = attrs.get("href") if isinstance(attrs, dict) else None
        if isinstance(href, str) and href:
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
