"""Render Jira wiki markup (Server/Data Center, REST v2 descriptions) as Markdown.

Jira Server returns descriptions as wiki markup. Rendering it to Markdown lets the same
parser and rules apply as for GitHub and ADF stories: ``{code:sql}`` becomes a fenced
``sql`` block, ``{{mono}}`` inline code, ``||table||`` a Markdown table, and so on, so a
rule that ignores code or reads tables works the same for every tracker. Line structure is
kept where the markup allows, so finding positions point near the author's text.

Covered: ``h1.``–``h6.``, ``bq.``, ``{quote}``, ``{panel}`` (and ``{info}``, ``{note}``,
``{warning}``, ``{tip}``), ``{code[:lang]}``, ``{noformat}``, ``{{mono}}``, ``*bold*``,
``_italic_``, ``-strike-``, ``+underline+``, ``??citation??``, ``{color}``, ``*``/``#``/``-``
lists (nested and mixed), ``||header||`` and ``|cell|`` tables, ``[text|url]``, ``[url]``,
``[~user]``, ``----`` and backslash escapes. Pure Python, linear in the input.
"""

from __future__ import annotations

import re

from ..lazyre import lazy

_PH = "\x00"
_BLOCK_RE = lazy(r"\{(code|noformat)(?::([^}]*))?\}(.*?)\{\1\}", re.DOTALL)
_CONTAINER_RE = lazy(r"\{(quote|panel|info|note|warning|tip)(?::([^}]*))?\}(.*?)\{\1\}", re.DOTALL)
_PLACEHOLDER_RE = lazy(_PH + r"(\d+)" + _PH)
_HEADING_RE = lazy(r"^\s*h([1-6])\.\s*(.*)$")
_BQ_RE = lazy(r"^\s*bq\.\s+(.*)$")
_LIST_RE = lazy(r"^\s*([*#]+|-)\s+(.*)$")
_RULE_RE = lazy(r"^\s*-{4,}\s*$")
_LINK_RE = lazy(r"\[([^\[\]\n]+?)\]")
_COLOR_RE = lazy(r"\{color(?::[^}]*)?\}")
_BOLD_RE = lazy(r"(?<![\w*\\])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_STRIKE_RE = lazy(r"(?<![\w\-\\])-(?=[^\s-])([^\n]*?[^\s-])-(?![\w-])")
_UNDER_RE = lazy(r"(?<![\w+\\])\+(?=\S)([^+\n]*?\S)\+(?![\w+])")
_CITE_RE = lazy(r"\?\?(?=\S)(.+?)(?<=\S)\?\?")
_ESCAPE_RE = lazy(r"\\([{}\[\]*_\-+?^~|!#])")
# The source ends at the first "|" (the options start there): a lazy source that could
# also hold "|" retried the options at every bar ("!x" + 20,000 "|" took 10 s).
_IMAGE_RE = lazy(r"(?<![\w!])!([^\s!|][^!\n|]*)(\|[^!\n]*)?!(?![\w!])")


def wiki_to_markdown(text: str | None) -> str:
    """Markdown for a Jira wiki markup text."""
    if not text:
        return ""
    stash: list[str] = []
    out = _convert(text.replace("\r\n", "\n").replace("\r", "\n"), stash)
    for _ in range(len(stash) + 1):  # containers nest: restore until none is left
        restored = _PLACEHOLDER_RE.sub(lambda m: stash[int(m.group(1))], out)
        if restored == out:
            break
        out = restored
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out.strip("\n")


def _put(stash: list[str], value: str) -> str:
    stash.append(value)
    return f"{_PH}{len(stash) - 1}{_PH}"


def _language(params: str | None) -> str:
    if not params:
        return ""
    for part in params.split("|"):
        part = part.strip()
        if part.startswith("language="):
            return part.split("=", 1)[1].strip()
        if part and "=" not in part:
            return part
    return ""


def _convert(text: str, stash: list[str]) -> str:
    def block(m: re.Match[str]) -> str:
        lang = _language(m.group(2)) if m.group(1) == "code" else ""
        body = m.group(3).strip("\n")
        fence = "````" if "```" in body else "```"
        return "\n" + _put(stash, f"{fence}{lang}\n{body}\n{fence}") + "\n"

    text = _BLOCK_RE.sub(block, text)

    def container(m: re.Match[str]) -> str:
        params = m.group(2) or ""
        title = ""
        for part in params.split("|"):
            if part.strip().startswith("title="):
                title = part.split("=", 1)[1].strip()
        inner = _convert(m.group(3).strip("\n"), stash)
        inner = _PLACEHOLDER_RE.sub(lambda p: stash[int(p.group(1))], inner)
        lines = ([f"**{_inline(title, stash)}**", ""] if title else []) + inner.split("\n")
        quoted = "\n".join(f"> {line}".rstrip() for line in lines)
        return "\n" + _put(stash, quoted) + "\n"

    text = _CONTAINER_RE.sub(container, text)
    return "\n".join(_lines(text.split("\n"), stash))


def _lines(lines: list[str], stash: list[str]) -> list[str]:
    out: list[str] = []
    in_table = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("|"):
            header = stripped.startswith("||")
            cells = [_restore(_inline(c, stash), stash).replace("|", "\\|") for c in _cells(stripped, header)]
            if not in_table and out and out[-1].strip():
                out.append("")
            out.append("| " + " | ".join(cells) + " |")
            if not in_table:
                out.append("|" + " --- |" * len(cells))
            in_table = True
            continue
        if in_table and stripped:
            out.append("")
        in_table = False
        if _RULE_RE.match(line):
            out.append("---")
            continue
        m = _HEADING_RE.match(line)
        if m:
            out.append("#" * int(m.group(1)) + " " + _inline(m.group(2), stash))
            continue
        m = _BQ_RE.match(line)
        if m:
            out.append("> " + _inline(m.group(1), stash))
            continue
        m = _LIST_RE.match(line)
        if m:
            markers = m.group(1)
            indent = "".join("   " if c == "#" else "  " for c in markers[:-1])
            marker = "1." if markers[-1] == "#" else "-"
            out.append(f"{indent}{marker} {_inline(m.group(2), stash)}")
            continue
        out.append(_inline(line, stash))
    return out


def _restore(text: str, stash: list[str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: stash[int(m.group(1))], text)


def _cells(row: str, header: bool) -> list[str]:
    """Split a table row on | outside [links] and {{mono}}."""
    sep = "||" if header else "|"
    body = row.strip()
    if body.startswith(sep):
        body = body[len(sep):]
    elif body.startswith("|"):
        body = body[1:]
    if body.endswith(sep):
        body = body[: -len(sep)]
    elif body.endswith("|"):
        body = body[:-1]
    cells: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0
    while i < len(body):
        if body.startswith("{{", i) or (body.startswith("}}", i) and depth):
            depth += 1 if body[i] == "{" else -1
            current.append(body[i : i + 2])
            i += 2
            continue
        ch = body[i]
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        if ch == "|" and depth == 0:
            cells.append("".join(current).strip())
            current = []
            i += 2 if body.startswith("||", i) else 1
            continue
        current.append(ch)
        i += 1
    cells.append("".join(current).strip())
    return cells


def _link(m: re.Match[str], stash: list[str]) -> str:
    inner = m.group(1).strip()
    if inner.startswith("~"):
        name = inner[1:].removeprefix("accountid:")
        return "@" + name
    if inner.startswith("^"):
        return inner[1:]
    if "|" in inner:
        label, _, target = inner.rpartition("|")
        label = label.strip()
        target = target.strip()
        if target.startswith("~"):
            return label or "@" + target[1:]
        if re.match(r"^(https?://|mailto:|/)", target):
            return _put(stash, f"[{label}]({target})")
        return label
    if re.match(r"^(https?://|mailto:)", inner):
        return _put(stash, f"<{inner}>")
    return m.group(0)


def _monospace(text: str, stash: list[str]) -> str:
    r"""`{{text}}` as a code span: what `re.sub(r"\{\{(.+?)\}\}", ...)` gave, in linear time.

    The pattern tries every `{{` of a line against the rest of that line, so a line of
    `{{` with no `}}` after them took time in the square of its length (32,000 of them: half a
    minute). Here a `{{` that finds no `}}` on its line ends the search on that line: no
    later `{{` there can find one either.
    """
    out: list[str] = []
    done = 0  # text[:done] is in `out`
    start = 0
    while (open_at := text.find("{{", start)) >= 0:
        line_end = text.find("\n", open_at)
        if line_end < 0:
            line_end = len(text)
        close_at = text.find("}}", open_at + 3, line_end)  # `.+?`: one character at least
        if close_at < 0 or open_at + 2 == line_end:
            start = line_end + 1
            continue
        out += [text[done:open_at], _put(stash, _code_span(text[open_at + 2 : close_at]))]
        done = start = close_at + 2
    out.append(text[done:])
    return "".join(out)


def _inline(text: str, stash: list[str]) -> str:
    if not text:
        return text
    text = _monospace(text, stash)
    text = _LINK_RE.sub(lambda m: _link(m, stash), text)
    text = _COLOR_RE.sub("", text)
    text = _IMAGE_RE.sub("", text)
    text = _BOLD_RE.sub(r"**\1**", text)
    text = _STRIKE_RE.sub(r"~~\1~~", text)
    text = _UNDER_RE.sub(r"\1", text)
    text = _CITE_RE.sub(r"_\1_", text)
    return _ESCAPE_RE.sub(r"\1", text)


def _code_span(code: str) -> str:
    fence = "``" if "`" in code else "`"
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


__all__ = ["wiki_to_markdown"]
