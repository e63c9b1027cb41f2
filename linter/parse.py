"""Parse a story into the view rules work on: blocks, sentences, code, sections.

Everything keeps character offsets into the original field text (title or body), so a
finding can point at line and column. Parsing is line-based and linear: every regex here
is anchored or bounded, and backtick runs are paired with a precomputed table, so a
hostile body (10^5 backticks, a 1 MB word) costs one pass.

Masking: HTML comments (issue-template instructions), image markup and URLs are replaced
by spaces in an *analysis copy* of the text. Offsets stay the same, but rules do not read
template boilerplate or words inside URLs as the author's prescription.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .model import BodyFormat, Story

# Block kinds
TITLE, PARAGRAPH, HEADING, LIST_ITEM, CODE, QUOTE, TABLE = (
    "title", "paragraph", "heading", "list_item", "code", "quote", "table",
)  # fmt: skip

# Section kinds, from the nearest heading above a block
SEC_NONE, SEC_AC, SEC_PROPOSAL, SEC_PROBLEM, SEC_REPRO, SEC_OTHER = (
    "none", "acceptance", "proposal", "problem", "repro", "other",
)  # fmt: skip

_SECTION_WORDS: list[tuple[str, re.Pattern[str]]] = [
    (SEC_AC, re.compile(r"acceptance|criteria|definition of done|\bdod\b|done when|expected (?:result|outcome)s?\b(?! behaviou?r)|success metric|test(?:ing)? (?:plan|scenarios?)|\bqa\b", re.I)),
    (SEC_REPRO, re.compile(r"reproduce|repro\b|current (?:bug )?behaviou?r|actual (?:behaviou?r|result)|expected (?:correct )?behaviou?r|logs?\b|output|stack ?trace|environment|screenshots?|error message|what is the current|version", re.I)),
    (SEC_PROPOSAL, re.compile(r"proposal|proposed|technical|implementation|how to implement|solution|what needs to be done|to ?do|tasks?\b|steps?\b|plan\b|approach|design|architecture|changes?\b|notes? for dev|dev notes|engineering", re.I)),
    (SEC_PROBLEM, re.compile(r"problem|goal|why|background|context|summary|description|user stor|motivation|overview|intent|feature|reasoning|jobs to be done|persona|value", re.I)),
]

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\s]{0,2000}\)")
_URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]\"'`|]{1,4000}|\bwww\.[^\s<>()\[\]\"'`|]{1,4000}")
_LINK_TARGET_RE = re.compile(r"\]\((?:[^)\s]{1,2000})\)")

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")
_WIKI_CODE_RE = re.compile(r"^\s*\{(code|noformat)(?::([^}|\s]*))?[^}]{0,200}\}")
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_WIKI_HEADING_RE = re.compile(r"^\s*h([1-6])\.\s+")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_LIST_RE = re.compile(r"^([ \t]{0,40})(?:[-*+\u2022]|\d{1,9}[.)]|#{1,6}(?=\s)|\*{1,6}(?=\s)|-{1,6}(?=\s))[ \t]+(?:\[[ xX]\][ \t]*)?")
_WIKI_LIST_RE = re.compile(r"^\s*[*#-]{1,8}[ \t]+")
_TASK_RE = re.compile(r"\[([ xX])\]")
_QUOTE_RE = re.compile(r"^ {0,3}>[ \t]?")
_TABLE_RE = re.compile(r"^\s*\|")
# A separator row (| --- | :-: |): only [\s:|-] and at least one "--". Checked as a
# fullmatch plus a substring test: the regex `[\s:|-]*-{2,}[\s:|-]*$` backtracks
# cubically on a hostile "|-----...x" line.
_TABLE_SEP_RE = re.compile(r"[\s:|-]*")
_BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*|__)([^*_\n]{1,100})(?:\*\*|__)\s*:?\s*$")
_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z /&'-]{1,60}")
_HR_RE = re.compile(r"^ {0,3}(?:[-*_][ \t]*){3,}$")
_BACKTICKS_RE = re.compile(r"`+")
_WIKI_MONO_RE = re.compile(r"\{\{([^{}\n]{1,2000})\}\}")
_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s)|\n")


@dataclass(slots=True)
class Block:
    kind: str
    field: str  # "title" | "body"
    start: int  # offset of the block's content in the field text
    end: int
    section: str = SEC_NONE
    heading: str = ""  # text of the nearest heading above
    lang: str = ""  # code blocks: info string
    depth: int = 0  # list nesting
    checked: bool | None = None  # task-list items


@dataclass(slots=True)
class Span:
    field: str
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    field: str
    start: int
    end: int
    block: Block


@dataclass(slots=True)
class ParsedStory:
    story: Story
    title: str
    body: str
    masked_title: str
    masked_body: str
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    code_spans: list[Span] = field(default_factory=list)  # inline code, content only
    _stale_last: bool = False  # the last block grew (lazy continuation); re-split it once
    _line_starts: dict[str, list[int]] = field(default_factory=dict)

    def text(self, field_name: str) -> str:
        return self.title if field_name == "title" else self.body

    def masked(self, field_name: str) -> str:
        return self.masked_title if field_name == "title" else self.masked_body

    def position(self, field_name: str, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in a field."""
        starts = self._line_starts.get(field_name)
        if starts is None:
            text = self.text(field_name)
            starts = [0]
            pos = text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._line_starts[field_name] = starts
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    @property
    def sections(self) -> set[str]:
        return {b.section for b in self.blocks}


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group(0))


def mask(text: str) -> str:
    """Same-length copy with comments, images, URLs and link targets blanked out."""
    if "<!--" in text:
        text = _COMMENT_RE.sub(_blank, text)
    if "](" in text:
        text = _mask_images(text)
        text = _mask_link_targets(text)
    if "://" in text or "www." in text:
        text = _URL_RE.sub(_blank, text)
    return text


class _NextStop:
    """The first match of `pattern` at or after a position, for rising positions.

    Many markup starts ("](" 10^5 times in one run of text) share the same stop; the
    regexes `\\]\\([^)\\s]{1,2000}\\)` and the image one rescanned up to 2,000
    characters from each start. Remembering the last stop makes the whole scan linear.
    """

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text, self.pattern, self.stop = text, pattern, -1

    def at(self, pos: int) -> int:
        if self.stop < pos:
            m = self.pattern.search(self.text, pos)
            self.stop = m.start() if m else len(self.text)
        return self.stop


_TARGET_STOP_RE = re.compile(r"[)\s]")
_ALT_STOP_RE = re.compile(r"[\]\n]")


def _mask_images(text: str) -> str:
    """Blank `![alt](target)` (alt up to 500 characters, target up to 2,000): `_IMAGE_RE`."""
    parts: list[str] = []
    last, n = 0, len(text)
    alt_stop, target_stop = _NextStop(text, _ALT_STOP_RE), _NextStop(text, _TARGET_STOP_RE)
    pos = text.find("![")
    while pos != -1:
        close = alt_stop.at(pos + 2)
        if close < n and text[close] == "]" and close - (pos + 2) <= 500 and text.startswith("(", close + 1):
            stop = target_stop.at(close + 2)
            if stop < n and text[stop] == ")" and stop - (close + 2) <= 2000:
                parts += (text[last:pos], " " * (stop + 1 - pos))
                last = stop + 1
                pos = text.find("![", last)
                continue
        pos = text.find("![", pos + 1)
    return "".join(parts) + text[last:] if parts else text


def _mask_link_targets(text: str) -> str:
    """Blank the target of `](target)` (1 to 2,000 characters), keeping the `]`: `_LINK_TARGET_RE`."""
    parts: list[str] = []
    last, n = 0, len(text)
    target_stop = _NextStop(text, _TARGET_STOP_RE)
    pos = text.find("](")
    while pos != -1:
        stop = target_stop.at(pos + 2)
        if stop < n and text[stop] == ")" and 1 <= stop - (pos + 2) <= 2000:
            parts += (text[last : pos + 1], " " * (stop - pos))
            last = stop + 1
            pos = text.find("](", last)
            continue
        pos = text.find("](", pos + 1)
    return "".join(parts) + text[last:] if parts else text


def classify_section(heading: str) -> str:
    for kind, pattern in _SECTION_WORDS:
        if pattern.search(heading):
            return kind
    return SEC_OTHER


def parse(story: Story) -> ParsedStory:
    title = story.title.replace("\r", " ")
    body = story.body.replace("\r\n", "\n").replace("\r", "\n")
    parsed = ParsedStory(story=story, title=title, body=body, masked_title=mask(title), masked_body=mask(body))
    title_block = Block(TITLE, "title", 0, len(title))
    parsed.blocks.append(title_block)
    _inline_code(parsed, "title", 0, len(title))
    _split_sentences(parsed, title_block)
    wiki = story.body_format == BodyFormat.JIRA_WIKI
    _parse_body(parsed, wiki)
    return parsed


def _parse_body(p: ParsedStory, wiki: bool) -> None:
    text = p.masked_body
    n = len(text)
    pos = 0
    section, heading = SEC_NONE, ""
    para_start = -1
    para_end = 0
    para_lines = 0
    fence: tuple[str, int, str] | None = None  # (closing marker, content start, lang)
    prev_kind = ""

    def close_paragraph() -> None:
        nonlocal para_start
        if para_start >= 0:
            _add(p, PARAGRAPH, para_start, para_end, section, heading)
            para_start = -1

    while pos < n or (pos == n and fence is not None):
        nl = text.find("\n", pos)
        line_end = n if nl == -1 else nl
        line = text[pos:line_end]
        next_pos = line_end + 1
        if fence is not None:
            closing, content_start, lang = fence
            stripped = line.strip()
            ends = (stripped.startswith(closing) and not stripped.strip(closing[0])) if closing[0] in "`~" else stripped.lower().startswith(closing)
            if ends or nl == -1:
                end = pos if ends else line_end
                _add(p, CODE, content_start, max(content_start, end), section, heading, lang=lang)
                fence = None
            pos = next_pos
            if nl == -1:
                break
            continue
        m = _FENCE_RE.match(line) if not wiki else None
        wm = _WIKI_CODE_RE.match(line) if wiki or line.lstrip().startswith("{code") or line.lstrip().startswith("{noformat") else None
        if m or wm:
            close_paragraph()
            if m:
                fence = (m.group(1)[0] * len(m.group(1)), next_pos, (m.group(2) or "").lower())
            else:
                assert wm is not None
                tag = wm.group(1)
                rest = line[wm.end():]
                closing = "{" + tag + "}"
                inline_close = rest.find(closing)
                if inline_close >= 0:  # {code}x = 1{code} on one line
                    start = pos + wm.end()
                    _add(p, CODE, start, start + inline_close, section, heading, lang=(wm.group(2) or "").lower())
                    pos = next_pos
                    if nl == -1:
                        break
                    continue
                fence = (closing, pos + wm.end() + (1 if not rest.strip() else 0), (wm.group(2) or "").lower())
                if rest.strip():
                    fence = (closing, pos + wm.end(), fence[2])
            pos = next_pos
            if nl == -1:
                # an opening fence on the last line: empty block
                _add(p, CODE, min(fence[1], n), n, section, heading, lang=fence[2])
                fence = None
                break
            prev_kind = CODE
            continue
        stripped = line.strip()
        if not stripped:
            close_paragraph()
            prev_kind = ""
            pos = next_pos
            if nl == -1:
                break
            continue
        hm = (_WIKI_HEADING_RE.match(line) if wiki else None) or _HEADING_RE.match(line)
        bold = _BOLD_LINE_RE.match(line)
        if (
            para_start >= 0
            and prev_kind == PARAGRAPH
            and _SETEXT_RE.match(line)
            and para_lines == 1  # (not a slice of the paragraph: quadratic under 10^5 "==" lines)
        ):
            # setext heading: the paragraph line above is the heading
            heading = p.masked_body[para_start:para_end].strip()
            section = classify_section(heading)
            _add(p, HEADING, para_start, para_end, section, heading)
            para_start = -1
            prev_kind = HEADING
        elif hm or bold or _short_label_heading(line):
            close_paragraph()
            start = pos + (hm.end() if hm else len(line) - len(line.lstrip()))
            heading = line[(hm.end() if hm else 0):].strip(" #*_:\t")
            section = classify_section(heading)
            _add(p, HEADING, start, line_end, section, heading)
            prev_kind = HEADING
        elif _HR_RE.match(line) and prev_kind != PARAGRAPH:
            close_paragraph()
            prev_kind = ""
        elif (lm := (_WIKI_LIST_RE.match(line) if wiki else None) or _LIST_RE.match(line)) is not None:
            close_paragraph()
            task = _TASK_RE.search(line, 0, lm.end() + 1)
            depth = len(lm.group(0)) - len(lm.group(0).lstrip())
            _add(p, LIST_ITEM, pos + lm.end(), line_end, section, heading, depth=depth,
                 checked=(task.group(1) != " ") if task and task.start() < lm.end() else None)  # fmt: skip
            prev_kind = LIST_ITEM
        elif (qm := _QUOTE_RE.match(line)) is not None or (wiki and stripped.startswith("bq. ")):
            close_paragraph()
            off = qm.end() if qm else line.find("bq. ") + 4
            _add(p, QUOTE, pos + off, line_end, section, heading)
            prev_kind = QUOTE
        elif _TABLE_RE.match(line):
            close_paragraph()
            if not _is_table_separator(line):
                _add(p, TABLE, pos + line.find("|"), line_end, section, heading)
            prev_kind = TABLE
        elif prev_kind == LIST_ITEM and line[:1] in " \t" and p.blocks[-1].kind == LIST_ITEM:
            # lazy continuation of a list item; re-split once when the item is complete
            # (re-splitting on every line is quadratic in a 60,000-line item)
            p.blocks[-1].end = line_end
            p._stale_last = True
        else:
            if para_start < 0:
                para_start = pos + (len(line) - len(line.lstrip()))
                para_lines = 0
            para_lines += 1
            para_end = line_end
            prev_kind = PARAGRAPH
        pos = next_pos
        if nl == -1:
            break
    close_paragraph()
    if p._stale_last:
        _refresh_last(p)


_KNOWN_LABELS = re.compile(
    r"^(?:acceptance criteria|definition of done|done when|steps to reproduce|expected (?:behaviou?r|result)|"
    r"actual (?:behaviou?r|result)|current behaviou?r|problem(?: to solve)?|goal|proposal|technical (?:solution|notes|details)|"
    r"implementation(?: (?:details|notes|plan))?|what needs to be done|to ?do|tasks|background|context|summary|description|"
    r"user story|why|notes|solution|approach|requirements)$",
    re.I,
)


def _short_label_heading(line: str) -> bool:
    """'Acceptance criteria:' alone on a line acts as a heading in plain-text stories.

    Done without a regex over the whole line: a lazy label between optional blanks
    and an optional colon backtracks polynomially on a line of spaces.
    """
    label = line.strip()
    if len(label) > 64:
        return False
    if label.endswith(":"):
        label = label[:-1].rstrip()
    return bool(_LABEL_RE.fullmatch(label) and _KNOWN_LABELS.match(label))


def _is_table_separator(line: str) -> bool:
    return "--" in line and _TABLE_SEP_RE.fullmatch(line) is not None


def _add(p: ParsedStory, kind: str, start: int, end: int, section: str, heading: str, **extra: object) -> None:
    if p._stale_last:
        _refresh_last(p)
    block = Block(kind, "body", start, end, section=section, heading=heading, **extra)  # type: ignore[arg-type]
    p.blocks.append(block)
    if kind != CODE:
        _inline_code(p, "body", start, end)
        if kind != HEADING:
            _split_sentences(p, block)


def _refresh_last(p: ParsedStory) -> None:
    p._stale_last = False
    block = p.blocks[-1]
    while p.sentences and p.sentences[-1].block is block:
        p.sentences.pop()
    while p.code_spans and p.code_spans[-1].start >= block.start and p.code_spans[-1].field == "body":
        p.code_spans.pop()
    _inline_code(p, "body", block.start, block.end)
    _split_sentences(p, block)


def _inline_code(p: ParsedStory, field_name: str, start: int, end: int) -> None:
    """Pair backtick runs in linear time: a run closes at the next run of the same length."""
    text = p.masked(field_name)
    if "`" in text[start:end]:
        runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(text, start, end)]
        next_same: list[int] = [-1] * len(runs)
        last: dict[int, int] = {}
        for i in range(len(runs) - 1, -1, -1):
            length = runs[i][1] - runs[i][0]
            next_same[i] = last.get(length, -1)
            last[length] = i
        i = 0
        while i < len(runs):
            j = next_same[i]
            if j == -1:
                i += 1
                continue
            p.code_spans.append(Span(field_name, runs[i][1], runs[j][0]))
            i = j + 1
    if "{{" in text[start:end]:
        for m in _WIKI_MONO_RE.finditer(text, start, end):
            p.code_spans.append(Span(field_name, m.start(1), m.end(1)))


def _split_sentences(p: ParsedStory, block: Block) -> None:
    text = p.masked(block.field)
    s = block.start
    for m in _SENTENCE_END_RE.finditer(text, block.start, block.end):
        e = m.start() + (0 if m.group(0) == "\n" else 1)
        if text[s:e].strip():
            p.sentences.append(Sentence(block.field, s, e, block))
        s = m.end()
    if text[s:block.end].strip():
        p.sentences.append(Sentence(block.field, s, block.end, block))
