"""Parse a story into the view rules work on: blocks, sentences, code, sections.

Everything keeps character offsets into the original field text (title or body), so a
finding can point at line and column. Parsing is line-based and linear: every regex here
is anchored or bounded, and backtick runs are paired with a precomputed table, so a
hostile body (10^5 backticks, a 1 MB word) costs one pass.

Masking: HTML comments (issue-template instructions), image markup, URLs and, in Markdown,
HTML tags (not the words between them) are replaced by spaces in an *analysis copy* of the
text. Offsets stay the same, but rules do not read template boilerplate, a screenshot's
`width="300px"` or words inside URLs as the author's prescription.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from typing import Any

from .languages import words
from .lazyre import lazy
from .model import BodyFormat, Story
from .recache import compile as compile_re

# Block kinds
TITLE, PARAGRAPH, HEADING, LIST_ITEM, CODE, QUOTE, TABLE = (
    "title", "paragraph", "heading", "list_item", "code", "quote", "table",
)  # fmt: skip

# Section kinds, from the nearest heading above a block
SEC_NONE, SEC_AC, SEC_PROPOSAL, SEC_PROBLEM, SEC_REPRO, SEC_OTHER = (
    "none", "acceptance", "proposal", "problem", "repro", "other",
)  # fmt: skip

#: How a report says its steps bring the bug back ("Steps to reproduce / replicate / recreate")
REPRO_VERBS = "reproduce|replicate|recreate"

# "Done when:", "Done if:", "This task is considered done if:": the checks that close the item
_DONE_LABEL = r"(?:(?:this|the) (?:task|story|issue|ticket|item|feature|work) (?:is|will be|can be) )?(?:considered )?(?:done|complete|finished) (?:when|if)"
# A form's question for the writer's own aim ("What are you really trying to do?", "Describe what
# you are trying to accomplish"): its answer is the writer's account and aim, not the team's to-do
# list (parse) and it states the outcome (MO01). Not "the problem you are trying to solve": that
# asks for the problem, a why section.
AIM_QUESTION = (
    r"\b(?:(?:are|were) you|you (?:are|were)|you(?:'|\u2019)?re) (?:really |actually |ultimately )?"
    r"trying to (?:do|achieve|accomplish)\b"
)

# (kind, its English words, the key of the other languages' words in rules/languages.toml;
# compiled on the first heading, `_section_words`: a story without one never needs them)
_SECTION_SOURCES: list[tuple[str, str, str]] = [
    # GitHub's feature-request template: "Describe the solution you'd like: a clear and concise
    # description of what you want to happen" is the user's wish (WHAT), not a technical plan;
    # its sentences are judged on their own cues.
    # So is "Describe the feature you want to add, and how it would change your usage".
    (SEC_OTHER, (r"solution you(?:'|\u2019)?d like|describe the solution|alternatives? (?:you(?:'|\u2019)?ve )?considered|what you want to happen|desired (?:behaviou?r|outcome)|"
                 r"describe the (?:feature|enhancement)(?: request)? (?:you|that you)\b|\bfeature you(?: (?:want|would like)|(?:'|\u2019)?d like)\b|how it would change your (?:usage|use|workflow)\b"),
     "request-headings"),
    (SEC_AC, (r"acceptance|criteria|conditions of satisfaction|\bcos\b|\bac\b|definition of done|\bdod\b|done when|"
              # (the other "done" labels only open the heading: "## What to do if the upload is
              # complete when the network drops" is no criteria heading)
              rf"^\W*+{_DONE_LABEL}\b|"
              r"verif(?:y|ication)\b|how to (?:test|verify)\b|expected (?:result|outcome)s?\b(?! behaviou?r)|success metric|test(?:ing)? (?:plan|scenarios?)|\bqa\b"),
     "criteria-headings"),
    # (the other languages' "expected result" is a bug's, not criteria: so the labelled stories say)
    # (and the reporter's environment: "System info", "Process info", an issue reporter's
    # "Extensions (12)" list, which a form folds into a `<details>` under such a summary)
    # ("Reproduction steps", "Reproducible steps", "Replication steps": the report's steps, not
    # the team's, which the proposal's "steps" would otherwise take)
    # A form's question to the reporter about their own attempt (`AIM_QUESTION`, "What did you
    # do?"): the answer is their account (its "to do" is no "To do" list of the team's)
    (SEC_REPRO, (REPRO_VERBS + "|" + AIM_QUESTION + r"|\bwhat did you do\b|\bwhat (?:are|were) you doing\b|repro\b|reproduc(?:tion|ing)\b|reproduc[ia]ble (?:steps?|use case|example)|"
                 r"(?:replication|recreation) (?:steps?|instructions)|steps to duplicate|current (?:bug )?behaviou?r|actual (?:behaviou?r|result)|expected (?:correct )?behaviou?r|logs?\b|output|stack ?trace|environment|screenshots?|error message|what is the current|version|"
                 r"\b(?:system|process|workspace|device|platform|hardware|software) info(?:rmation)?\b|^\W*+extensions \(\d+\)"),
     "repro-headings"),
    (SEC_PROPOSAL, (r"proposal|proposed|technical|implementation|how to implement|solution|what needs to be done|to ?do|tasks?\b|steps?\b|plan\b|approach|design|architecture|changes?\b|notes? for dev|dev notes|engineering"),
     "proposal-headings"),
    (SEC_PROBLEM, (r"problem|goal|why|background|context|summary|description|user stor|motivation|overview|intent|feature|reasoning|jobs to be done|persona|value"),
     "problem-headings"),
]  # fmt: skip


@cache
def _section_words() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, compile_re(f"{english}|{words(key)}", re.IGNORECASE)) for kind, english, key in _SECTION_SOURCES]

_COMMENT_RE = lazy(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# Jira wiki macros that only frame or colour text ("{panel:bgColor=#e7f4fa}", "{color:red}"):
# their parameters style the author's comment; they specify nothing of the product.
WIKI_MACRO_RE = lazy(
    r"\{(?:panel|color|quote|info|note|warning|tip|expand|anchor|status|section|column|div|span)(?::[^{}\n]{0,300})?\}"
)
_IMAGE_RE = lazy(r"!\[[^\[\]\n]{0,500}\]\([^()\[\]\s]{0,2000}\)")
# A Markdown body's HTML markup (a screenshot dropped into a GitHub issue, a form's
# `<details><summary>`, `<p align="center">`, `<kbd>`): the elements a renderer shows as
# formatting (GitHub's and GitLab's allowed ones), as a well-formed start or end tag. Not
# `List<String>`, `a <b and c> d` (a bare attribute only of the known flags), `<button>` (a
# renderer drops it: the writer names the element) nor `<https://...>`.
_HTML_ELEMENTS = (
    "a|abbr|b|bdi|bdo|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|"
    "figcaption|figure|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|picture|pre|q|rp|rt|ruby|s|samp|small|source|span|"
    "strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|video|wbr"
)
_HTML_VALUE = r"""=\s*+(?:"[^"<>]{0,2000}+"|'[^'<>]{0,2000}+'|[^\s"'=<>`]{1,2000}+)"""
_HTML_FLAGS = r"(?:open|controls|autoplay|loop|muted|playsinline|hidden|reversed|nowrap|compact|ismap)(?![\w-])"
_HTML_MARKUP_RE = lazy(
    rf"<(?:/(?:{_HTML_ELEMENTS})\s*+>|(?:{_HTML_ELEMENTS})(?![\w-])"
    rf"(?:\s++(?:[a-zA-Z_:][\w:.-]{{0,40}}+\s*+{_HTML_VALUE}|{_HTML_FLAGS})){{0,40}}+\s*+/?>)",
    re.IGNORECASE,
)
# A `<details>` block's `<summary>` ("<details><summary>System Info</summary>", or its words
# on a line of their own between the tags), and the end of such a block: the summary titles
# the folded content as a heading does.
_SUMMARY_RE = lazy(
    r"<summary\b[^<>]{0,300}>[ \t]*+\n?[ \t]*+([^\n]{0,300}?)[ \t]*+\n?[ \t]*+</summary\s*>", re.IGNORECASE
)
_SUMMARY_TAG_RE = lazy(r"<summary\b", re.IGNORECASE)  # where `_SUMMARY_RE` may open
#: how far past the line that opens it a summary may end (its words on the next line, its end tag on the one after)
_SUMMARY_REACH = 700
_DETAILS_END_RE = lazy(r"</details\s*>", re.IGNORECASE)
# HTML's code in a Markdown body, as a renderer shows it: a `<pre>` block opening a line (with
# its `<code>`, and the language a highlighter's class or a `lang` names) up to its `</pre>`,
# and a `<code>` element inside a line, read as a fence and a backtick span are
_PRE_OPEN_RE = lazy(
    r"[ \t]*+<pre\b([^<>\n]{0,300})>(?:[ \t]*+<code\b([^<>\n]{0,300})>)?", re.IGNORECASE
)
_PRE_CLOSE_RE = lazy(r"(?:</code\s*>[ \t]*+)?</pre\s*>", re.IGNORECASE)
# its language: a `lang`, a class a highlighter marks ("hljs language-sql", "highlight
# highlight-source-sql") wherever it stands, or a class that is one word ("sql"); not a class
# that names none ("notranslate", "hljs")
_PRE_MARKED = r"(?:language|lang|highlight-source)-"
_PRE_LANG_RE = lazy(
    rf"""\blang\s*=\s*["']?([\w+#-]{{1,20}})|(?<![\w-]){_PRE_MARKED}([\w+#-]{{1,20}})|\bclass\s*=\s*(?!["']?{_PRE_MARKED})"""
    r"""(?:"([\w+#-]{1,20})"|'([\w+#-]{1,20})'|([\w+#-]{1,20})(?![^\s/>]))""",
    re.IGNORECASE,
)
#: the first character that is not white space (searched, not sliced: a line may be long)
_SHOWN_RE = lazy(r"\S")
_HTML_CODE_RE = lazy(r"<code\b[^<>\n]{0,300}>([^\n]{0,1000}?)</code\s*>", re.IGNORECASE)
_URL_TAIL = r"[^\s<>()\[\]\"'`|]{0,4000}[^\s<>()\[\]\"'`|.,;:!?]"
# \b, then "http://", "https://", "ftp://" or "www." (each branch opens with its letter and looks
# back for the \b: `re` then skips at C speed to the next h, f or w instead of trying the
# branches at every character)
_URL_RE = lazy(rf"h(?<=\bh)ttps?://{_URL_TAIL}|f(?<=\bf)tp://{_URL_TAIL}|w(?<=\bw)ww\.{_URL_TAIL}")
_LINK_TARGET_RE = lazy(r"\]\([^()\[\]\s]{1,2000}\)")

_FENCE_RE = lazy(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")
_WIKI_CODE_RE = lazy(r"^\s*\{(code|noformat)(?::([^}|\s]*))?[^}]{0,200}\}")
_HEADING_RE = lazy(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_WIKI_HEADING_RE = lazy(r"^\s*h([1-6])\.\s+")
_SETEXT_RE = lazy(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_LIST_RE = lazy(r"^([ \t]{0,40})(?:[-*+\u2022]|\d{1,9}[.)]|#{1,6}(?=\s)|\*{1,6}(?=\s)|-{1,6}(?=\s))[ \t]+(?:\[[ xX]\][ \t]*)?")
_WIKI_LIST_RE = lazy(r"^\s*[*#-]{1,8}[ \t]+")
_TASK_RE = lazy(r"\[([ xX])\]")
_QUOTE_RE = lazy(r"^ {0,3}>[ \t]?")
# every marker of a quote nested in quotes ("> > 1. ..."): what follows them is the quoted line
_QUOTE_MARKS_RE = lazy(r" {0,3}>[ \t]?(?:>[ \t]?)*+")
_TABLE_RE = lazy(r"^\s*\|")
_TABLE_SEP_RE = lazy(r"^(?=[^\n]*--)[\s:|-]++$")
_BOLD_LINE_RE = lazy(r"^\s*(?:\*\*|__)([^*\n]{1,100})(?:\*\*|__)\s*:?\s*$")
# (greedy: the label may keep spaces before the colon, which its reader strips; a lazy label
# tried the rest of the pattern after each of its characters, three times the cost)
_LABEL_LINE_RE = lazy(r"^\s*+([A-Za-z][A-Za-z /&'-]{1,60})\s*+:?\s*+$")
# ... with any letters ("Criterios de aceptación:"), for the lines that are not ASCII (slower)
_LABEL_LINE_ANY_RE = lazy(r"^\s*+([^\W\d_](?:[^\W\d_]|[ /&'-]){1,60})\s*+:?\s*+$")
_HR_RE = lazy(r"^ {0,3}(?:[-*_][ \t]*){3,}$")
_BACKTICKS_RE = lazy(r"`+")
_BLANK_LINE_RE = lazy(r"\n[ \t]*+\n")
_WIKI_MONO_RE = lazy(r"\{\{([^{}\n]{1,2000})\}\}")
# A sentence ends at . ! ? ; before white space (not the dot of "e.g.", "i.e.", "vs." or
# "cf.", which an example or a comparison follows), at a line break unless the next line
# visibly continues it ("<br>**so that**", a lower-case word, also past the "> " of a quoted
# paragraph's next line), or at a pipe between spaces before a field or a clause, which an
# export uses to join fields ("Industry: Finance | Set up the store"): a capitalised label or
# three words. Not between single names ("Redis | Kafka"), nor a shell's pipe ("grep x | sort",
# "time | log", PowerShell's "Where-Object").
# After a closing quote before a capital: where the quoted sentence ends inside it ('it says
# "Applicable to all languages." Which ones ...'), where a line break was flattened to two
# spaces or a tab, or where a label opens what follows ('"Create a Redis-backed store" See:
# https://...'); not a quoted name before its noun ('the "Save" Button', '"Maven 2" Builder'),
# nor an opening quote ('"msg":"  File ...': a word before a closing one). (The straight quote
# only: a typographic one would put a character beyond ASCII in the set every search skips by.)
_SENTENCE_END_RE = lazy(
    # (the character comes first, and each branch looks back at it: a pattern that opens with
    # a character set is one `re` skips through at C speed to the next of them, instead of
    # trying the branches at each character; a leading look-ahead does not get that)
    r"[.!?;\n|\"](?:(?<=[.!?;])(?<!\b[eE]\.[gG]\.)(?<!\b[iI]\.[eE]\.)(?<!\b[vV]s\.)(?<!\b[cC]f\.)(?=\s)"
    r"|(?<=\n)(?![ \t]*+(?:>[ \t]*+)*+(?:<br\s*/?>|\*\*|__|[a-z]))"
    r"|(?<=[ \t]\|)(?=[ \t]++(?![A-Z][a-z]++-[A-Z])[A-Z](?:[^|\n:]{0,30}:|[^\s|]*+(?:[ \t]++[^\s|]++){2}))"
    # (the quote's branches behind one look-back at it: the other characters' stops, every
    # line break and full stop, fail it at once instead of trying each of them)
    r"|(?<=\")(?=[ \t])(?:(?<=[.!?]\")(?=[ \t]++[A-Z])|(?<=\w\")(?=[ \t]{2,}+[A-Z]|\t[A-Z]|[ \t]++[A-Z][a-z]++:(?:\s|\Z))))"
)


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
    links: list[Span] = field(default_factory=list)  # URLs and link targets (masked for the rules)
    _line_starts: dict[str, list[int]] = field(default_factory=dict)

    def text(self, field_name: str) -> str:
        return self.title if field_name == "title" else self.body

    def masked(self, field_name: str) -> str:
        return self.masked_title if field_name == "title" else self.masked_body

    def position(self, field_name: str, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in a field."""
        starts = self._line_starts.get(field_name)
        if starts is None:
            lengths = [len(line) + 1 for line in self.text(field_name).split("\n")]
            starts = self._line_starts[field_name] = list(accumulate(lengths[:-1], initial=0))
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    @property
    def sections(self) -> set[str]:
        return {b.section for b in self.blocks}


def _blank(match: re.Match[str]) -> str:
    """The matched text as spaces, line breaks kept (so lines and offsets stay put)."""
    text = match.group(0)
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


# A form's process checklist: the boxes an issue or pull-request template asks its writer to
# tick. A box in which the writer attests to what they did or accept ("[x] I agree to
# contribute under ...", "[ ] I have searched the existing issues", "[x] I checked the FAQ")
# is about the submission, wherever it stands; every box under a line that names such a gate
# ("Pull request readiness checklist", "Definition of Ready", "Before submitting") is too,
# with the lines that continue it. A box that states behaviour ("[ ] I can export to PDF")
# is a criterion and stays.
_CHECKBOX_LINE_RE = lazy(r"[ \t>]*+(?:[-*+]|\d{1,9}[.)])[ \t]++\[[ xX]\][ \t]*+")
_ATTESTS_RE = lazy(
    r"(?:\*\*|__)?(?:i\b[ \t]*+(?:(?:also|already|personally)[ \t]++)?(?:have|had|did|do not|don't|don\u2019t|"
    r"agree|confirm|acknowledge|understand|certify|accept|consent|report|read|ran|am (?:using|running|on|aware|sure|not)|"
    r"(?!need\b)[a-z]{2,}ed)\b|i(?:'|\u2019)(?:ve\b|m (?:using|running|on|aware|sure|not)\b))",
    re.IGNORECASE,
)
_GATE_LINE_RE = lazy(
    r"\b(?:(?:pull|merge)[ -]request|pr|mr|issue|submission|submitting|contribution|contributor|contributing|"
    r"readiness|review|pre-?submission|commit)\b[^\n]{0,30}\bcheck[ -]?list\b|\bdefinition of ready\b|"
    r"\bbefore (?:you )?(?:submit|submitting|opening|filing|posting)\b",
    re.IGNORECASE,
)
# a line that opens another part: a Markdown or wiki heading, a bold line, a short label (and
# what `_short_label_heading` reads as one)
_PART_LINE_RE = lazy(r"[ \t]*+(?:#{1,6}[ \t]|h[1-6]\.[ \t]|\*\*[^*\n]{1,100}\*\*[ \t]*+:?[ \t]*+$|[^\n]{1,60}:[ \t]*+$)")


def _gate_line(line: str) -> bool:
    """`line` names a process gate and stands as a form's label for what follows (a heading,
    a bold line, a line ending with a colon, a few words with no sentence end): not "I want to
    review my cart before submitting the order.", the story's own sentence."""
    if len(line) > 120 or _GATE_LINE_RE.search(line) is None:
        return False
    bare = line.rstrip()
    return bool(
        _PART_LINE_RE.match(line) or bare.endswith(":") or (len(bare.split()) <= 8 and not bare.endswith((".", "!", "?")))
    )


def _mask_checklists(text: str, wiki: bool = False) -> str:
    """`text` with a form's process checklist blanked: a run of boxes (with the indented lines
    that continue them, blank lines between them) under a gate line, or in which one box attests
    (see `_ATTESTS_RE`, `_GATE_LINE_RE`): the form's other boxes stand with it. Under an
    acceptance-criteria heading a box in the first person is the user's criterion ("I have
    items in my cart and see the total"), not the writer's attestation. A fenced code block
    (outside Jira wiki, as the parser reads it) is left as it is: a template quoted in it is code."""
    lines = text.split("\n")
    gate = form = changed = False
    criteria = False  # under an acceptance-criteria heading: "[ ] I am on the orders page ..." is one
    run: list[int] = []  # the lines of the current run of boxes
    fence = ""  # the closing marker of the fenced code block a line is in

    def close() -> None:
        nonlocal changed
        if form:
            for k in run:
                lines[k] = " " * len(lines[k])
            changed = True
        run.clear()

    for i, line in enumerate(lines):
        if fence:
            stripped = line.strip()
            if _closes_fence(stripped, fence):
                fence = ""
            continue
        fm = None if wiki else _FENCE_RE.match(line)
        if fm is not None:
            close()
            form = False
            fence = _closing_fence(fm)
            continue
        box = _CHECKBOX_LINE_RE.match(line)
        if box is not None:
            run.append(i)
            form = form or gate or (not criteria and _ATTESTS_RE.match(line, box.end()) is not None)
        elif not line.strip():
            continue  # a blank line between two boxes keeps their run
        elif run and run[-1] == i - 1 and line[:1] in " \t":
            run.append(i)  # a line that continues the box above
        else:
            close()
            form = False
            if _gate_line(line):
                gate, criteria = True, False
            elif _PART_LINE_RE.match(line) or _short_label_heading(line):
                gate = False  # (the parser's label headings too: "*Acceptance criteria*" in Jira wiki)
                wm = _WIKI_HEADING_RE.match(line)
                criteria = classify_section(line[wm.end() if wm else 0 :].strip(" #*_:\t")) == SEC_AC
    close()
    return "\n".join(lines) if changed else text


#: Typographic apostrophes (a word processor's, macOS's, Jira Cloud's editor's) as the ASCII
#: one every cue is written with: "we’ll use X" is the plan "we'll use X" is.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _closing_fence(fm: re.Match[str]) -> str:
    """The marker that closes the fence `_FENCE_RE` matched: its character, as many times."""
    return fm.group(1)[0] * len(fm.group(1))


def _closes_fence(stripped: str, closing: str) -> bool:
    """A stripped line closes a fence opened by `closing`'s run when it is a run of that
    character at least as long (CommonMark), nothing else."""
    return stripped.startswith(closing) and not stripped.strip(closing[0])


def _paired_backticks(text: str, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The code spans of `text[start:end]`, as (opening run's start, its end, closing run's
    start, its end), paired in linear time: a run closes at the next run of its length."""
    if "`" not in text[start:end]:
        return []
    runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(text, start, end)]
    next_same = [-1] * len(runs)  # the next run of each run's length
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        next_same[i] = last.get(length, -1)
        last[length] = i
    pairs: list[tuple[int, int, int, int]] = []
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j < 0:
            i += 1
            continue
        pairs.append((*runs[i], *runs[j]))
        i = j + 1
    return pairs


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Where Markdown text is code, in order: fenced blocks (the fence lines with them) and
    inline spans (a backtick run up to the next run of its length: as `_inline_code` pairs them)."""
    ranges: list[tuple[int, int]] = []
    fence = ""  # the closing marker of the fenced block a line is in
    fence_start = plain_start = pos = 0

    def spans(end: int) -> None:
        if "`" not in text[plain_start:end]:
            return
        # a span never crosses a blank line (CommonMark: it ends the paragraph), nor does the
        # parser's, which pairs within a block: a stray backtick in one paragraph pairs nothing
        # in the next ("a ` stray" above "`<br>` here" kept the tag as code)
        at = plain_start
        for blank in _BLANK_LINE_RE.finditer(text, plain_start, end):
            ranges.extend((a, d) for a, _, _, d in _paired_backticks(text, at, blank.start()))
            at = blank.end()
        ranges.extend((a, d) for a, _, _, d in _paired_backticks(text, at, end))

    for line in text.split("\n"):
        end = pos + len(line)
        if fence:
            stripped = line.strip()
            if _closes_fence(stripped, fence):
                ranges.append((fence_start, end))
                fence, plain_start = "", end
        elif (fm := _FENCE_RE.match(line)) is not None:
            spans(pos)
            fence, fence_start = _closing_fence(fm), pos
        pos = end + 1
    if fence:
        ranges.append((fence_start, len(text)))
    else:
        spans(len(text))
    ranges.sort()
    return ranges


def _mask_html(text: str) -> str:
    """`text` with its HTML markup's tags (`_HTML_MARKUP_RE`) blanked, the text between them
    kept (`<summary>Steps</summary>`, `<kbd>Ctrl</kbd>`: the writer's words): an `<img
    width="300px">` is a screenshot, not a layout. Code (a fence, a backtick span) is left as
    it is: a tag there is the code's own."""
    if _HTML_MARKUP_RE.search(text) is None:  # (a "<" of no tag: no code to find)
        return text
    code = [at for span in _code_ranges(text) for at in span] if "`" in text or "~~~" in text else []

    def blank_outside_code(m: re.Match[str]) -> str:
        return m.group(0) if within(code, m.start()) else _blank(m)

    return _HTML_MARKUP_RE.sub(blank_outside_code, text)


def mask(text: str, wiki: bool = False, markup: bool = False) -> str:
    """Same-length copy with comments, images, URLs and link targets (and in Jira wiki, the
    framing macros' tags; in Markdown (`markup`), its HTML tags; in any text a form's process
    checklist) blanked out, and typographic apostrophes made ASCII."""
    if not text.isascii() and ("\u2019" in text or "\u2018" in text or "\u02bc" in text):  # isascii: O(1)
        text = text.translate(_APOSTROPHES)
    if "<!--" in text:
        text = _COMMENT_RE.sub(_blank, text)
    if markup and "<" in text:  # (before the checklists: a gate written "<h3>Before submitting</h3>" is one)
        text = _mask_html(text)
    if "[ ]" in text or "[x]" in text or "[X]" in text:
        text = _mask_checklists(text, wiki)
    if wiki and "{" in text:
        text = WIKI_MACRO_RE.sub(_blank, text)
    if "](" in text:
        text = _IMAGE_RE.sub(_blank, text)
        text = _LINK_TARGET_RE.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    if "://" in text or "www." in text:
        text = _URL_RE.sub(_blank, text)
    return text


@lru_cache(maxsize=4096)  # trackers repeat their headings ("Description", "Steps to reproduce")
def classify_section(heading: str) -> str:
    for kind, pattern in _section_words():
        if pattern.search(heading):
            return kind
    return SEC_OTHER


# Some exports keep a body's line breaks as the two characters "\n" (JSON text written into a
# CSV cell). With several of those and hardly a real break, they are the body's lines; one or
# two in a body with real breaks are a string in code ("split('\n')") and stay.
_LITERAL_BREAK = lazy(r"\\r\\n|\\n")
_INLINE_CODE_RE = lazy(r"`[^`\n]*+`")  # a string in code ("`printf(\"a\\nb\")`") is no break


def _real_breaks(body: str) -> str:
    if "\\n" in body and body.count("\n") <= 1 and _INLINE_CODE_RE.sub("", body).count("\\n") >= 3:
        return _LITERAL_BREAK.sub("\n", body)
    return body


# A body in HTML (a Jira XML or RSS export, rendered fields, an Azure Boards description):
# its block tags become the lines, lists and headings the parser reads as Markdown. A
# Markdown body with an inline tag ("**As a** developer <br>**I want**") stays as it is.
_HTML_BLOCK_RE = lazy(r"</?(?:p|div|ul|ol|li|h[1-6]|table|tr|pre|blockquote)\b[^<>]{0,300}>", re.IGNORECASE)
_HTML_START_RE = lazy(r"\s*+<(?!!--)")
_HTML_TAG_RE = lazy(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^<>]{0,2000}>")
# a line break, then blank lines (it starts at a break: a long run of spaces is read once)
_BLANK_LINES_RE = lazy(r"\n[ \t]*+\n(?:[ \t]*+\n)*")
_LINE_INDENT_RE = lazy(r"\n[ \t]+")
_HTML_BREAKS = {"p": "\n\n", "div": "\n\n", "ul": "\n\n", "ol": "\n\n", "table": "\n\n", "tr": "\n",
                "blockquote": "\n\n", "br": "\n", "hr": "\n\n"}  # fmt: skip
_HTML_MARKS = {"b": "**", "strong": "**", "i": "_", "em": "_", "code": "`", "tt": "`", "td": " | ", "th": " | "}


def looks_like_html(body: str) -> bool:
    """The body is written in HTML: it opens with a tag, has block structure, and nearly all
    its lines start with a tag (Markdown with a few tags in it keeps its own lines)."""
    if _HTML_START_RE.match(body) is None or len(_HTML_BLOCK_RE.findall(body, 0, 4000)) < 2:
        return False
    lines = [line for line in body[:4000].split("\n") if line.strip()]
    return sum(1 for line in lines if line.lstrip().startswith("<")) >= 0.8 * len(lines)


def _html_tag(m: re.Match[str]) -> str:
    name = m.group(2).lower()
    closing = m.group(1) == "/"
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "\n\n" if closing else "\n\n" + "#" * int(name[1]) + " "
    if name == "li":
        return "" if closing else "\n- "
    return _HTML_BREAKS.get(name) or _HTML_MARKS.get(name, "")


def _unescape(text: str) -> str:
    from html import unescape  # here: its entity table costs the one-story start for HTML alone

    return unescape(text)


def _html_text(part: str) -> str:
    text = _unescape(_HTML_TAG_RE.sub(_html_tag, part.replace("\n", " ")))
    return _LINE_INDENT_RE.sub("\n", text)  # an indent left by the markup is no code block


def _without_comments(text: str) -> str:
    """The text without its comments, but for storylint's own (a suppression), kept as a line."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        pos = len(text) if end < 0 else end + 3
        if end >= 0 and "storylint-" in text[start:pos]:
            out.append("\n\n" + text[start:pos].replace("\n", " ") + "\n\n")
    out.append(text[pos:])
    return "".join(out)


def from_html(body: str) -> str:
    """Markdown-like text of an HTML body: blocks as lines, items as "- ", headings as "#",
    preformatted text as a fence. Linear: each search starts where the last one ended."""
    body = _without_comments(body) if "<!--" in body else body
    lowered = body.lower()
    out: list[str] = []
    pos = 0
    while (start := lowered.find("<pre", pos)) >= 0:
        opened = lowered.find(">", start)
        close = lowered.find("</pre", opened) if opened >= 0 else -1
        if close < 0:
            break
        out.append(_html_text(body[pos:start]))
        code = _unescape(_HTML_TAG_RE.sub("", body[opened + 1 : close])).strip("\n")
        out.append("\n\n```\n" + code + "\n```\n\n")
        end = lowered.find(">", close)
        pos = len(body) if end < 0 else end + 1
    out.append(_html_text(body[pos:]))
    return _BLANK_LINES_RE.sub("\n\n", "".join(out)).strip()


def parse(story: Story) -> ParsedStory:
    title = story.title.replace("\r", " ")
    body = _real_breaks(story.body.replace("\r\n", "\n").replace("\r", "\n"))
    fmt = story.body_format  # (an enum's member costs a lookup each time it is named)
    wiki = fmt == BodyFormat.JIRA_WIKI
    # HTML markup is masked in Markdown; a body read from HTML has no tag left (a "<b>" in it
    # was written "&lt;b&gt;", as text)
    markup = fmt == BodyFormat.MARKDOWN
    if fmt == BodyFormat.HTML or (not wiki and looks_like_html(body)):
        body = from_html(body)
        markup = False
    masked_body = mask(body, wiki, markup)
    parsed = ParsedStory(story=story, title=title, body=body, masked_title=mask(title), masked_body=masked_body)
    for field_name, text in (("title", title), ("body", body)):
        if "://" in text or "www." in text:
            parsed.links.extend(Span(field_name, m.start(), m.end()) for m in _URL_RE.finditer(text))
    title_block = Block(TITLE, "title", 0, len(title))
    parsed.blocks.append(title_block)
    _inline_code(parsed, "title", 0, len(title))
    _split_sentences(parsed, title_block)
    _parse_body(parsed, wiki, markup)
    return parsed


def _parse_body(p: ParsedStory, wiki: bool, markup: bool = False) -> None:
    text = p.masked_body
    # a `<details>` whose summary names the reporter's environment or logs (`_summary_heading`):
    # (offset of its `</details>`, -1: none open; the section and heading it interrupts)
    lowered = p.body.lower() if markup and "<" in p.body else ""
    folds = "<summary" in lowered
    # HTML code (`_PRE_OPEN_RE`, `_HTML_CODE_RE`): read as a fence and a backtick span are
    pres, codes = "<pre" in lowered, "<code" in lowered
    # (a tag in a comment is blanked by the mask as one outside is, but is not shown: no code)
    comments = _comment_bounds(p.body) if (pres or codes) and "<!--" in p.body else []
    fold_end, outer = -1, (SEC_NONE, "")
    inline_label = _labels()[1]  # "Acceptance criteria: ..." with its first item on the line
    n = len(text)
    pos = 0
    section, heading = SEC_NONE, ""
    para_start = -1
    para_end = 0
    para_last = 0  # where the paragraph's last line starts: at or before para_start, it has one line
    fence: tuple[str, int, str] | None = None  # (closing marker, content start, lang)
    prev_kind = ""
    quoted_item: Block | None = None  # the last list item read inside a quote
    # a fence opened inside a quote ("> ```"): its closing marker, and where its next line must
    # start (a line that is no quote ends the quote, and the fence with it)
    quoted_fence, quoted_fence_next = "", -1
    # the quoted paragraph the last "> " line read (None: it read none) and how deep it is quoted
    quoted_para: Block | None = None
    quoted_depth = 0
    quotes: list[int] = []  # where the quoted paragraphs and lines stand in the blocks (`_quoted_logs`)

    def wiki_item_goes_on(line: str) -> bool:
        """A Jira wiki line without a marker, right after an unquoted item, goes on with it: Jira
        shows it in the item after a line break; not a log pasted under it (that is output)."""
        return quoted_item is not p.blocks[-1] and not _LOG_START.match(line)

    def close_paragraph() -> None:
        nonlocal para_start
        if para_start >= 0:
            log = _log_start(text, para_start, para_end, one_line=para_last <= para_start)
            if log > para_start:
                _add(p, PARAGRAPH, para_start, log - 1, section, heading)
            if log >= 0:
                _add(p, CODE, log, para_end, section, heading, lang="log")
            else:
                _add(p, PARAGRAPH, para_start, para_end, section, heading)
            para_start = -1

    while pos < n or (pos == n and fence is not None):
        if fold_end >= 0 and pos > fold_end:
            close_paragraph()  # the folded block ended on the line above: its section with it
            (section, heading), fold_end = outer, -1
        nl = text.find("\n", pos)
        line_end = n if nl == -1 else nl
        line = text[pos:line_end]
        next_pos = line_end + 1
        if fence is not None:
            closing, content_start, lang = fence
            stripped = line.strip()
            ends = _closes_fence(stripped, closing) if closing[0] in "`~" else stripped.lower().startswith(closing)
            if ends or nl == -1:
                end = pos if ends else line_end
                if not lang and closing[0] in "`~" and _looks_like_prose(text, content_start, end):
                    # Reports pasted into a fence (imported trackers) are quoted prose, not code.
                    _add_quoted_prose(p, content_start, end, section, heading)
                else:
                    _add(p, CODE, content_start, max(content_start, end), section, heading, lang=lang)
                fence = None
            pos = next_pos
            if nl == -1:
                break
            continue
        if (line[:1].isalpha() or line[:1] in "*_") and ":" in line and (am := inline_label.match(line)) is not None:
            # "Acceptance criteria: * works offline * ..." on one line (exports that flatten
            # line breaks): the label heads a criteria section, the rest is its first paragraph
            # (its colon is the pattern's: a line without one skips it)
            close_paragraph()
            heading = line[am.start(1) : am.end(1)]
            section = SEC_AC
            _add(p, HEADING, pos, pos + am.end(1), section, heading)
            para_start, para_end, para_last, prev_kind = pos + am.end(), line_end, pos, PARAGRAPH
            pos = next_pos
            if nl == -1:
                break
            continue
        if (
            line[:1].isalpha()
            and (len(line) > 64 or not _short_label_heading(line))
            and (not wiki or not (line.startswith("bq. ") or (line[0] == "h" and _WIKI_HEADING_RE.match(line))))
        ):
            if ":" in line and _repro_lead(line):
                # "Reproduce with the following:", "Repro:": the line heads the report's steps
                # (read here, where it is asked: the heading's branch below asked it twice more)
                close_paragraph()
                heading, section = line.strip(" #*_:\t"), SEC_REPRO
                _add(p, HEADING, pos, line_end, section, heading)
                prev_kind = HEADING
                pos = next_pos
                if nl == -1:
                    break
                continue
            if wiki and prev_kind == LIST_ITEM and wiki_item_goes_on(line):
                # a Jira wiki item's next line without a marker goes on with the item: Jira shows
                # it in the item after a line break (a blank line or another block ends a list);
                # not a log pasted under it ("at com.acme.Foo.run(Foo.java:12)"): that is output
                p.blocks[-1].end = line_end
                pos = next_pos
                if nl == -1:
                    break
                continue
            # Fast path: a line starting with a letter continues or starts a paragraph (in Jira
            # wiki too, unless it is a heading "h2. " or a quote "bq. ").
            if para_start < 0:
                para_start = pos
            para_end, para_last = line_end, pos
            prev_kind = PARAGRAPH
            pos = next_pos
            if nl == -1:
                break
            continue
        m = _FENCE_RE.match(line) if not wiki else None
        lead = line.lstrip()[:9]
        # (the pattern needs one of these after the line's white space, in any markup)
        wm = _WIKI_CODE_RE.match(line) if lead.startswith(("{code", "{noformat")) else None
        if m or wm:
            close_paragraph()
            if m:
                fence = (_closing_fence(m), next_pos, (m.group(2) or "").lower())
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
        if pres and (pre := _pre_block(p.body, text, pos, line_end, comments)) is not None:
            # (before the blank line: its start tag alone on its line is blanked by the mask)
            close_paragraph()
            start, end, close_end, lang = pre
            if not lang and _looks_like_prose(text, start, end):
                _add_quoted_prose(p, start, end, section, heading)  # as a fence of pasted prose
            else:
                _add(p, CODE, start, end, section, heading, lang=lang)
            prev_kind = CODE
            nl = text.find("\n", max(close_end, line_end))
            seen = _SHOWN_RE.search(text, close_end, n if nl == -1 else nl)
            if seen is not None:
                # words after the end tag on its line ("</pre> We should ..."): read on from
                # them, or from a tag the mask blanked before them (a next "<pre>")
                tag = _SHOWN_RE.search(p.body, close_end, seen.start())
                pos = seen.start() if tag is None else tag.start()
                continue
            pos = n + 1 if nl == -1 else nl + 1
            if nl == -1:
                break
            continue
        # (before the blank line: a summary's start tag alone on its line is blanked by the mask)
        if folds and (fold := _summary_heading(p.body, text, pos, line_end)) is not None:
            close_paragraph()
            if fold_end < 0:
                outer = (section, heading)
            heading, section, fold_end = fold[0], SEC_REPRO, fold[1]
            _add(p, HEADING, fold[2], fold[3], section, heading)
            prev_kind = HEADING
            if fold[4] > line_end:  # the summary's words and end tag on the lines below its start tag
                nl = text.find("\n", fold[4])
                next_pos = n + 1 if nl == -1 else nl + 1
            pos = next_pos
            if nl == -1:
                break
            continue
        stripped = line.strip()
        if not stripped:
            close_paragraph()
            prev_kind = ""
            pos = next_pos
            if nl == -1:
                break
            continue
        # In Jira wiki "# item" is a numbered list item, not a heading: only "h1." ... are headings.
        hm = _WIKI_HEADING_RE.match(line) if wiki else _HEADING_RE.match(line)
        # "# sqlite3 /data/app.db": a root shell's prompt opens a pasted session, no heading (nor,
        # by the plain-text list marker "# ", an item); Jira wiki's "# " is its numbered item
        prompt = hm is not None and not wiki and _ROOT_PROMPT_RE.match(line) is not None
        if prompt:
            hm = None
        bold = _BOLD_LINE_RE.match(line)
        if (
            para_start >= 0
            and prev_kind == PARAGRAPH
            and _SETEXT_RE.match(line)
            and "\n" not in text[para_start:para_end]
        ):
            # setext heading: the paragraph line above is the heading
            heading = p.masked_body[para_start:para_end].strip()
            section = classify_section(heading)
            _add(p, HEADING, para_start, para_end, section, heading)
            para_start = -1
            prev_kind = HEADING
        elif hm or bold or _short_label_heading(line) or (":" in line and _repro_lead(line)):
            close_paragraph()
            start = pos + (hm.end() if hm else len(line) - len(line.lstrip()))
            heading = line[(hm.end() if hm else 0):].strip(" #*_:\t")
            section = classify_section(heading)
            if section != SEC_REPRO and _repro_lead(line[hm.end() if hm else 0 :]):
                section = SEC_REPRO  # "Reproducible with:" ("with" heads no section of its own)
            elif section == SEC_REPRO and _REPRO_IN_TEST_RE.match(heading):
                # "**Repro in an integration test:**", "## Reproduce it in a unit test": the
                # team's plan, as the line unmarked is (`_repro_lead`), not the report's steps
                section = SEC_OTHER
            _add(p, HEADING, start, line_end, section, heading)
            prev_kind = HEADING
        elif _HR_RE.match(line) and prev_kind != PARAGRAPH:
            close_paragraph()
            prev_kind = ""
        elif not prompt and (lm := (_WIKI_LIST_RE.match(line) if wiki else None) or _LIST_RE.match(line)) is not None:
            close_paragraph()
            _add_item(p, lm, line, pos, line_end, section, heading, wiki)
            prev_kind = LIST_ITEM
        elif (qm := _QUOTE_RE.match(line)) is not None or (wiki and stripped.startswith("bq. ")):
            close_paragraph()
            off = qm.end() if qm else line.find("bq. ") + 4
            inner = off if qm is None else (_QUOTE_MARKS_RE.match(line) or qm).end()
            rest = line[inner:]
            if quoted_fence and quoted_fence_next == pos:
                # a line of code quoted in a fence ("> - name: install"): quoted text, no list
                # item, as an unquoted fence's lines are no items
                fenced = rest.strip()
                closed = _closes_fence(fenced, quoted_fence)
                quoted_fence, quoted_fence_next = ("", -1) if closed else (quoted_fence, next_pos)
                _add(p, QUOTE, pos + off, line_end, section, heading)
                prev_kind = QUOTE
            elif not wiki and (qfm := _FENCE_RE.match(rest)) is not None:
                quoted_fence, quoted_fence_next = _closing_fence(qfm), next_pos
                _add(p, QUOTE, pos + off, line_end, section, heading)
                prev_kind = QUOTE
            elif (qlm := _quoted_item(rest, wiki)) is not None:
                # a list quoted whole (a plan quoted from a review, a linked issue's steps) is a
                # list, as the rules read one: LABELING.md counts quoted material as the story's
                _add_item(p, qlm, rest, pos + inner, line_end, section, heading, wiki)
                quoted_item = p.blocks[-1]
                prev_kind = LIST_ITEM
            elif quoted_item is p.blocks[-1] and prev_kind == LIST_ITEM and (not rest.strip() or rest[:1] in " \t"):
                # a quoted list's blank line, or a line that continues its item: the list goes on
                if rest.strip():
                    quoted_item.end = line_end
            else:
                depth = line.count(">", 0, inner) if qm else 0
                prose = depth > 0 and _quoted_prose(rest, wiki)
                if prose and quoted_para is p.blocks[-1] and prev_kind == QUOTE and depth == quoted_depth:
                    # a quoted paragraph's next line: its lines join as an unquoted one's do (a
                    # blank "> " line, a deeper or shallower quote, or the quote's end ends it)
                    quoted_para.end = line_end
                else:
                    _add(p, QUOTE, pos + off, line_end, section, heading)
                    quoted_para, quoted_depth = (p.blocks[-1], depth) if prose else (None, 0)
                    quotes.append(len(p.blocks) - 1)
                prev_kind = QUOTE
        elif _TABLE_RE.match(line):
            close_paragraph()
            if not _TABLE_SEP_RE.match(line):
                _add(p, TABLE, pos + line.find("|"), line_end, section, heading)
            prev_kind = TABLE
        elif (
            prev_kind == LIST_ITEM
            and (line[:1] in " \t" or (wiki and wiki_item_goes_on(line)))
            and p.blocks[-1].kind == LIST_ITEM
        ):
            # lazy continuation of a list item (its sentences are taken at the end: `_body_spans`;
            # in Jira wiki any line without a marker, as above)
            p.blocks[-1].end = line_end
        else:
            if para_start < 0:
                para_start = pos + (len(line) - len(line.lstrip()))
            para_end, para_last = line_end, pos
            prev_kind = PARAGRAPH
        pos = next_pos
        if nl == -1:
            break
    close_paragraph()
    if quotes:
        _quoted_logs(p, quotes)
    if _has_verdict(text):
        _mark_repro_steps(p)
    _mark_unheaded_repro(p)
    _body_spans(p, codes, comments)


def _comment_bounds(body: str) -> list[int]:
    """Where the body's HTML comments start and end, in order (start, end, start, end ...), as
    the mask finds them (`_COMMENT_RE`)."""
    return [i for m in _COMMENT_RE.finditer(body) for i in m.span()]


def within(bounds: list[int], at: int) -> bool:
    """`at` lies in one of the ranges `bounds` holds, flattened in order (start, end, start, end
    ...; half-open, none inside another): the comments of `_comment_bounds`, code ranges."""
    return bisect_right(bounds, at) % 2 == 1


def _pre_block(body: str, text: str, start: int, end: int, comments: list[int]) -> tuple[int, int, int, str] | None:
    """A `<pre>` block opening the line `body[start:end]` (a tag the mask blanked in `text`: not
    one a code span quotes, nor one in a comment, which is not shown): (its content's start and
    end, where its end tag ends, the language its tags name). A block never closed runs to the
    body's end, as a fence does."""
    m = _PRE_OPEN_RE.match(body, start, end)
    if m is None or text[m.end() - 1] != " " or (comments and within(comments, m.start())):
        return None
    content = m.end() + (1 if body.startswith("\n", m.end()) else 0)
    close = _PRE_CLOSE_RE.search(body, m.end())
    stop, close_end = (close.start(), close.end()) if close else (len(body), len(body))
    attrs = f"{m.group(1)} {m.group(2) or ''}"
    lang = _PRE_LANG_RE.search(attrs) if "=" in attrs else None
    return content, max(content, stop), close_end, next((g.lower() for g in lang.groups() if g), "") if lang else ""


def _summary_heading(body: str, text: str, start: int, end: int) -> tuple[str, int, int, int, int] | None:
    """A line that opens a `<details>` block whose `<summary>` names the reporter's environment,
    versions or logs ("System Info", "Extensions (12)", "Logs": `classify_section`'s repro kind):
    (the summary, where its `</details>` ends the fold, the summary's start and end, where its
    end tag ends: a line below when the words stand on a line of their own). Its content, a
    table of keys and values, a list of extensions, is what the reporter runs, not what they
    ask for; other summaries ("Click to expand", "Proposal") leave the section as it is."""
    # (a match opens at a start tag on this line: tried at each, not searched for through the
    # reach past the line, which every line of a body with a summary would pay)
    reach = min(len(body), end + _SUMMARY_REACH)
    m = None
    tag = _SUMMARY_TAG_RE.search(body, start, end)
    while tag is not None and (m := _SUMMARY_RE.match(body, tag.start(), reach)) is None:
        tag = _SUMMARY_TAG_RE.search(body, tag.end(), end)
    if m is None:
        return None
    summary = text[m.start(1) : m.end(1)].strip(" #*_:\t")  # (the masked copy: inner tags blanked)
    if not summary or classify_section(summary) != SEC_REPRO:
        return None
    close = _DETAILS_END_RE.search(body, m.end())
    return summary, (close.start() if close else len(body)), m.start(1), m.end(1), m.end()


# How a criteria section is labelled; the short forms ("AC", "COS") only with a colon or alone on a
# line. (Built on first use, with the other languages' criteria headings of rules/languages.toml.)
_AC_WORDS = r"acceptance(?: criteria| tests?)?|conditions of satisfaction|definition of done"
_KNOWN_LABELS_EN = (
    rf"cos|ac|{_DONE_LABEL}|steps to reproduce|expected (?:behaviou?r|result)|"
    r"actual (?:behaviou?r|result)|current behaviou?r|problem(?: to solve| statement)?|goals?|outcomes?|motivation|"
    r"business value|value|proposal|technical (?:solution|notes|details)|"
    r"implementation(?: (?:details|notes|plan))?|what needs to be done|to ?do|tasks|background|context|summary|description|"
    r"user story|why|notes|solution|approach|requirements|"
    # the reporter's environment, as a label alone on its line over the details ("Environment:",
    # "Version info:", "System info:"); not "Environment setup", which may be the team's work
    r"(?:environment(?: details| info(?:rmation)?)?|versions?(?: info(?:rmation)?)?|software versions?|"
    r"(?:system|software|platform|device|hardware|process) info(?:rmation)?)$"
)
#: languages.toml's keys whose entries, whole, make a known label ("Descripción:", "Requisitos:"),
#: besides criteria-headings (`ac` below)
_LABEL_KEYS = ("problem-headings", "requirement-headings", "report-phrases", "labels")


@cache
def _labels() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a known label, a criteria label with its first item on the same line, a criteria label)"""
    ac = f"{_AC_WORDS}|{words('criteria-headings')}"
    # (the English labels before the other languages' criteria: `re` tries the branches in
    # turn, and "Steps to reproduce", "Expected result" are most of the labels it meets; only
    # whether one matches is read, which their order does not change)
    known = compile_re(
        rf"^(?:{_AC_WORDS}|{_KNOWN_LABELS_EN}|{words('criteria-headings')}|{'|'.join(words(key) for key in _LABEL_KEYS)})(?!\w)",
        re.IGNORECASE,
    )
    inline = compile_re(rf"[*_]{{0,2}}({ac}|cos|ac)[*_]{{0,2}}[ \t]*+:[*_]{{0,2}}[ \t]*+(?=\S)", re.IGNORECASE)
    return known, inline, compile_re(rf"(?:{ac}|{_DONE_LABEL})$", re.IGNORECASE)


# A line that opens with a form of "reproduce" and ends with a colon ("Reproduce with the
# following:", "Reproduce by ...:", "How to reproduce:", "Repro:", "Reproducible with:"): it
# introduces the report's steps, as "Steps to reproduce" does, whatever words it goes on with.
# Not the adjective of a feature's own noun ("Reproducible builds:", "Reproducibility:")
_REPRO_LEAD_RE = lazy(
    r"(?:(?:steps |how )?to |steps for )?(?:repro|reproduc(?:e|ed|es|ing|tion))\b"
    r"|reproduc[ia]ble(?:[ \t]++(?:with|on|in|by|using|via|when|if|from|at|steps?|example|case)\b|[ \t]*+:)",
    re.IGNORECASE,
)


# ... unless the line says where the team will reproduce it: in a test it is to write ("Reproduce
# the crash in a unit test:", "Repro it with a failing test case:"), and what follows is the
# team's plan. Only the order's forms: "Reproduced in a unit test:" reports a reproduction done.
# (A heading's words, stripped of their colon, end at the test: `$`)
_REPRO_IN_TEST_RE = lazy(
    r"(?:to[ \t]++)?(?:reproduce|repro)\b[^:\n]{0,60}?[ \t](?:in|with|as|via|using|by (?:adding|writing))[ \t]++"
    r"(?:(?:a|an|one|new)[ \t]++)?(?:[\w-]+[ \t]++){0,2}?(?:tests?|specs?)(?:[ \t]++(?:cases?|suite))?[ \t]*+(?::|,|\(|$)",
    re.IGNORECASE,
)


def _repro_lead(line: str) -> bool:
    """The line introduces a reproduction (`_REPRO_LEAD_RE`): it ends with a colon (checked
    first: most lines end otherwise) and opens with the verb, past bold marks (not a list
    item's "* "); not one that plans the reproduction as a test (`_REPRO_IN_TEST_RE`)."""
    bare = line.strip().rstrip("*_ \t")
    if not bare.endswith(":"):
        return False
    bare = bare.lstrip("*_")
    return _REPRO_LEAD_RE.match(bare) is not None and _REPRO_IN_TEST_RE.match(bare) is None


def _short_label_heading(line: str) -> bool:
    """'Acceptance criteria:' alone on a line acts as a heading in plain-text stories."""
    if len(line) > 80 or "." in line or "," in line:
        return False  # (a label has neither: most lines of prose skip the pattern)
    bare = line.strip()
    inner = bare.strip("*_")
    m = (_LABEL_LINE_RE if inner.isascii() else _LABEL_LINE_ANY_RE).match(inner)
    if not m or len(m.group(1).split()) > 6:
        return False
    # "*Acceptance*" (bold in Jira wiki) heads the criteria; other bold lines ("*Expected
    # result*", "*Steps*") stay text, as they were before bold labels were read at all
    label = m.group(1).strip()
    known, _, criteria = _labels()
    return bool(criteria.match(label) if inner != bare else known.match(label))


def _add(p: ParsedStory, kind: str, start: int, end: int, section: str, heading: str, **extra: object) -> None:
    """A body block; its sentences and code spans are taken once its blocks are final (`_body_spans`)."""
    p.blocks.append(Block(kind, "body", start, end, section=section, heading=heading, **extra))  # type: ignore[arg-type]


def _add_item(
    p: ParsedStory, lm: re.Match[str], line: str, pos: int, line_end: int, section: str, heading: str, wiki: bool
) -> None:
    """A list item whose marker `lm` opens `line` (at `pos` in the body), with its depth and box;
    `line` is a quoted item's text after the quote's markers. It makes its block itself: `_add`'s
    keywords, passed on through `**extra` (a dict built and unpacked for each item), cost more
    than the item's own work."""
    task = _TASK_RE.search(line, 0, lm.end() + 1)
    depth = len(lm.group(0)) - len(lm.group(0).lstrip())
    markers = lm.group(0).strip()
    if wiki and markers[:1] in ("*", "#", "-"):  # "## nested", "*#": a level per extra marker
        depth += len(markers) - 1
    checked = (task.group(1) != " ") if task and task.start() < lm.end() else None
    p.blocks.append(Block(LIST_ITEM, "body", pos + lm.end(), line_end, section, heading, depth=depth, checked=checked))


def _quoted_prose(rest: str, wiki: bool) -> bool:
    """A quoted line's text is a line of a paragraph: not blank, nor a heading, a bold or short
    label, a rule or a table's row, which stand alone as they do outside a quote."""
    return bool(
        rest.strip()
        and not (_WIKI_HEADING_RE if wiki else _HEADING_RE).match(rest)
        and not _BOLD_LINE_RE.match(rest)
        and not _HR_RE.match(rest)
        and not _TABLE_RE.match(rest)
        and not _short_label_heading(rest)
    )


def _quoted_item(rest: str, wiki: bool) -> re.Match[str] | None:
    """The list marker that opens a quoted line's text, as the parser reads one outside a quote;
    not a heading ("> ## Proposal", which the list pattern's "#" would take) nor a rule."""
    if not rest or (not wiki and _HEADING_RE.match(rest)) or _HR_RE.match(rest):
        return None
    return (_WIKI_LIST_RE.match(rest) if wiki else None) or _LIST_RE.match(rest)


# A root shell's prompt and its command ("# sqlite3 /data/app.db", "# git push -u origin main"):
# a program's name, then an argument only a command line has (an option, a path, a URL), so that
# a heading that names a program ("# npm install fails on Windows") stays a heading
_SHELL_PROGRAMS = (
    r"sqlite3|mysql(?:dump)?|psql|pg_dump|pg_restore|mongo(?:sh|d|dump|restore)?|redis-cli|adb|ls|cd|cat|grep|sudo|"
    r"apt(?:-get)?|yum|dnf|brew|pip3?|npm|npx|yarn|pnpm|git|docker|kubectl|helm|mvn|gradle|python3?|node|java|curl|"
    r"wget|ssh|scp|chmod|chown|mkdir|rm|cp|mv|tar|unzip|systemctl|tail|ps|openssl|strace|gdb|lsof|netstat|[.~]?/[\w./-]++"
)
_ROOT_PROMPT = rf"#[ \t]++(?:{_SHELL_PROGRAMS})(?![\w-])[^\n]*?[ \t](?:--?[A-Za-z]|[.~]?/|\w++://)"
# A terminal session pasted without a fence: a shell's prompt ("$ ls -l", "me@box:~$ make",
# `_ROOT_PROMPT`) or a database console's ("sqlite> .dump", "mysql> ", "app=# ") with its command,
# an SQL statement as a dump or a console prints it: upper-case keywords in the statement's own
# shape ("INSERT INTO t VALUES(1);", "CREATE TABLE t (", "COMMIT;"), not an order in prose
# ("Insert the date into the header", "Create a table for the totals")
_SESSION_LINE = (
    rf"\$[ \t]++[a-z./~]|{_ROOT_PROMPT}"
    # (a user's prompt, a console's and psql's behind one word: each line's first word read once)
    r"|[\w.-]++(?:@[\w.-]++:[^\s#$]*+[#$]|=[#>]|(?:(?<=sqlite)|(?<=mysql)|(?<=mariadb)|(?<=mongo))>)[ \t]"
    r"|(?:CREATE|ALTER|DROP)[ \t]++(?:(?:UNIQUE|TEMP|TEMPORARY|VIRTUAL)[ \t]++)?(?:TABLE|INDEX|VIEW|TRIGGER|SEQUENCE)[ \t]"
    r"|INSERT[ \t]++(?:OR[ \t]++[A-Z]++[ \t]++)?INTO[ \t]|UPDATE[ \t]++\S++[ \t]++SET[ \t]|DELETE[ \t]++FROM[ \t]"
    r"|SELECT[ \t][^\n]*?[ \t]FROM[ \t]|(?:BEGIN(?:[ \t]++TRANSACTION)?|COMMIT|ROLLBACK);|PRAGMA[ \t]++\w"
)
#: what a one-line paragraph of a log opens with, besides a time (a digit): a "[", or a session's
#: line (`_log_start` asks the pattern only then); its first two characters, looked up first
_ONE_LINE_OPENERS = ("[", "...", "$", "#", "CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "SELECT", "BEGIN",
                     "COMMIT", "ROLLBACK", "PRAGMA", "sqlite>", "mysql>", "mariadb>", "mongo>",
                     # a stack trace's lines, each a paragraph of its own where blank lines part them
                     "at ", "Caused by:", "Exception in thread", "Traceback (", 'File "')  # fmt: skip
_ONE_LINE_HEADS = frozenset(opener[:2] for opener in _ONE_LINE_OPENERS if len(opener) > 1)
_ONE_LINE_FIRST = frozenset(opener for opener in _ONE_LINE_OPENERS if len(opener) == 1)
#: how far into a one-line paragraph a user's prompt has its "@" ("me@box:~$ make")
_PROMPT_REACH = 64
# A log line pasted without a fence: a timestamp, a level, a stack frame; or a line of a
# terminal session (`_SESSION_LINE`): output too, the reporter's, not a prescription.
_LOG_START = lazy(  # matched at the start of each line (anchored: linear under search too)
    r"^\s*+(?:\[?\d{4}-\d\d-\d\d[ T]\d|\[?\d\d:\d\d:\d\d|\[?(?:ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL|SEVERE)\b"
    r"|at [\w$.<>]++\(|Caused by:|Exception in thread|Traceback \(|\.\.\. \d++ more|(?:[\w$]++\.)++[\w$]++(?:(?<=Exception)|(?<=Error))\b"
    # a Python frame ('File "app/main.py", line 12, in run') and the error that ends a traceback
    # ("KeyError: 'owner'": one word in upper camel case, its colon right after it)
    r'|File "[^"\n]++", line \d|[A-Z][A-Za-z]*+(?:(?<=\wError)|(?<=\wException)):'
    rf"|{_SESSION_LINE})"
)
#: "# sqlite3 /data/app.db" in Markdown or plain text: a prompt, not a heading (`_ROOT_PROMPT`)
_ROOT_PROMPT_RE = lazy(r" {0,3}" + _ROOT_PROMPT)


# An SQL statement over several lines, as a console or a dump prints it: upper-case keywords in
# the statement's own shape. Its first line opens it (`_SQL_OPEN`: "SELECT o.id, o.total",
# "UPDATE orders", "CREATE TABLE t (")); a line after it goes on with it when it opens with a
# clause's keyword ("FROM t", "WHERE ...", "SET ...", "VALUES (...)", "AND ..."), a closing
# bracket or an operator, when a bracket of the statement is open ("  id INTEGER PRIMARY KEY,"),
# or when the line above ends with a comma, an opening bracket, an operator or a keyword that
# wants more ("AND"); a line that ends with ";" outside brackets ends it. Prose that names an
# operation ("Select the rows that ...", "Create a table for each region") is not in upper case.
_SQL_OPEN = lazy(
    r"[ \t]*+(?:SELECT|UPDATE|DELETE[ \t]++FROM|INSERT[ \t]++(?:OR[ \t]++[A-Z]++[ \t]++)?INTO"
    r"|(?:CREATE|ALTER|DROP)[ \t]++(?:(?:OR[ \t]++REPLACE|UNIQUE|TEMP|TEMPORARY|VIRTUAL)[ \t]++)?(?:TABLE|INDEX|VIEW))"
    r"(?=[ \t(]|$)"
)
_SQL_CLAUSE_WORDS = (
    r"FROM|WHERE|AND|OR|NOT|JOIN|INNER|LEFT|RIGHT|FULL|OUTER|CROSS|NATURAL|ON|USING|GROUP[ \t]++BY|ORDER[ \t]++BY|HAVING"
    r"|LIMIT|OFFSET|FETCH|UNION|EXCEPT|INTERSECT|VALUES|SET|RETURNING|CASE|WHEN|THEN|ELSE|END|AS|IN|IS|LIKE|ILIKE"
    r"|BETWEEN|EXISTS|REGEXP|SELECT|INTO|ASC|DESC|PRIMARY[ \t]++KEY|FOREIGN[ \t]++KEY|CONSTRAINT|REFERENCES|UNIQUE"
    r"|CHECK|DEFAULT|ADD|MODIFY|RENAME|WITH|ENGINE"
)
#: a clause's line: its keyword first (a word of its own, in upper case)
_SQL_CLAUSE = lazy(rf"[ \t]*+(?:{_SQL_CLAUSE_WORDS})(?![\w-])")
#: ... or a closing bracket, an operator or a literal first ("<> ''", ") AND", "= (SELECT ...")
_SQL_GOES_ON = lazy(rf"[ \t]*+(?:[)<>=!+*/|']|(?:{_SQL_CLAUSE_WORDS})(?![\w-]))")
#: a line whose end wants more: a comma, an opening bracket, an operator, a joining keyword
_SQL_OPEN_END = lazy(r"(?:[,(=<>+*/|]|(?<![\w-])(?:AND|OR|NOT|SELECT|FROM|WHERE|BY|ON|SET|VALUES|AS|IN|IS|THEN|ELSE|WHEN|CASE))[ \t]*+$")


def _sql_statements(lines: list[str], logs: list[bool]) -> None:
    """Mark as log lines the lines of each SQL statement over several lines (`_SQL_OPEN`) in a
    paragraph's `lines`. A statement whose first line is no log line by itself ("SELECT o.id,
    o.total", "UPDATE orders") counts when a clause's line goes on with it ("FROM orders")."""
    i, n = 0, len(lines)
    while i < n:
        if _SQL_OPEN.match(lines[i]) is None:
            i += 1
            continue
        line = lines[i]
        depth = line.count("(") - line.count(")")
        ended = depth <= 0 and line.rstrip().endswith(";")
        clause = False
        j = i + 1
        while not ended and j < n:
            line, above = lines[j], lines[j - 1]
            if not (depth > 0 or _SQL_GOES_ON.match(line) or _SQL_OPEN_END.search(above)):
                break
            clause = clause or depth > 0 or _SQL_CLAUSE.match(line) is not None
            depth += line.count("(") - line.count(")")
            ended = depth <= 0 and line.rstrip().endswith(";")
            j += 1
        if logs[i] or clause:
            logs[i:j] = [True] * (j - i)
        i = j


_ANY_LOG_LINE = lazy(_LOG_START.pattern, re.MULTILINE)
# ... at a line's start after the first: the line break first, so that `re` skips to the next
# one at C speed (a search for the MULTILINE ^ tried each character as a line start); the rest
# in a group, so that it stays right if the pattern ever gains a top-level alternative
_LOG_AFTER_BREAK = lazy("\n(?:" + _LOG_START.pattern.removeprefix("^") + ")")


# What a body holds that the shapes of its paragraphs need (`_log_start`), asked once per body
# rather than of each paragraph: most paragraphs are a line of prose in a body that has none of
# it (each paragraph's own finds were most of what the traceback and statement shapes cost). The body last asked and its answer, read in place (a call a paragraph cost more).
_body_named: list[Any] = [None, 0]
_statement_named: list[Any] = [None, False]
#: what `_body_named` answers: the body has an "@" (a user's prompt, `_PROMPT_REACH`), names an
#: error or an exception ("Error", "Exception": a traceback's last line, an exception's)
_HAS_AT, _NAMES_ERROR = 1, 2


def _body_names(text: str) -> int:
    """What the one-line paragraphs of the body `text` may need (`_HAS_AT`, `_NAMES_ERROR`), kept
    for the next paragraph. A capital E first: one character is searched for many times faster
    than a word, and half the bodies have none."""
    names = (
        ("@" in text) * _HAS_AT
        + ("E" in text and ("Error" in text or "Exception" in text)) * _NAMES_ERROR
    )
    _body_named[0], _body_named[1] = text, names
    return names


def _names_statement(text: str) -> bool:
    """The body `text` holds "SELECT" or "UPDATE": a paragraph of it without a log line may then
    hold an SQL statement over lines (`_sql_statements`). Asked of the bodies that have such a
    paragraph (few), once; kept for the next."""
    named = "SELECT" in text or "UPDATE" in text
    _statement_named[0], _statement_named[1] = text, named
    return named


def _no_log_in(text: str, start: int, end: int, one_line: bool) -> bool:
    """The paragraph `text[start:end]` cannot hold a bare log: its gates, asked before its lines
    are read. One line is a log only if it opens with a time, a "[" or a session's line, or names
    an exception; over lines, no line is a log line, nor opens an SQL statement (one scan rules
    out most paragraphs)."""
    if one_line:
        head = text[start : start + 2]
        names = _body_named[1] if text is _body_named[0] else _body_names(text)
        return not (
            head[:1].isdigit()
            or head[:1] in _ONE_LINE_FIRST
            or (head in _ONE_LINE_HEADS and text.startswith(_ONE_LINE_OPENERS, start, end))
            or (names & _HAS_AT and text.find("@", start, min(end, start + _PROMPT_REACH)) > start)  # "me@box:~$ make"
            # an exception's name first ("java.lang.IllegalStateException: ...", "KeyError: 'id'")
            or (
                names & _NAMES_ERROR
                and (text.find("Error", start, end) > start or text.find("Exception", start, end) > start)
            )
        )
    return (
        _ANY_LOG_LINE.match(text, start, end) is None
        and _LOG_AFTER_BREAK.search(text, start, end) is None
        and not (
            (_statement_named[1] if text is _statement_named[0] else _names_statement(text))
            and (text.find("SELECT", start, end) >= 0 or text.find("UPDATE", start, end) >= 0)
        )
    )


def _log_start(text: str, start: int, end: int, quoted: bool = False, one_line: bool = False) -> int:
    """Where a bare log starts in a paragraph (-1: nowhere); prose lines above it stay prose.

    Bug reports paste logs without a fence, and terminal sessions: a database's dump, a shell's
    commands and what they printed. From its first log line on, at least half the lines must be
    log lines (a timestamp, a level, a stack frame, a session's prompt or SQL statement);
    continuations may not be. `quoted`: a quoted paragraph's lines, each read after its quote's
    markers ("> "), where the log then starts (the gates of `_no_log_in` read lines without
    markers, so a quote skips them). `one_line`: the paragraph is one line (the parser knows).
    """
    if not quoted and _no_log_in(text, start, end, one_line):
        return -1
    lines = text[start:end].split("\n")
    marks = [0] * len(lines)
    if quoted:
        for i, line in enumerate(lines):
            if (qm := _QUOTE_MARKS_RE.match(line)) is not None:
                marks[i] = qm.end()
        lines = [line[mark:] for line, mark in zip(lines, marks)]
    logs = [_LOG_START.match(line) is not None for line in lines]
    _sql_statements(lines, logs)
    after = 0  # log lines from line i to the end
    found, offset = -1, end
    for i in range(len(lines) - 1, -1, -1):
        offset -= len(lines[i]) + marks[i] + (i < len(lines) - 1)
        after += logs[i]
        if logs[i] and after * 2 >= len(lines) - i:
            found = offset + marks[i]
    return found


def _quoted_logs(p: ParsedStory, quotes: list[int]) -> None:
    """A log or a traceback quoted ("> Traceback (most recent call last):", ">   File ...") is
    output as it is unquoted (`_log_start`): the quoted paragraphs at `quotes` (indices into the
    blocks, in order) become a code block from where a log starts in them; lines above it stay a
    quote."""
    text = p.masked_body
    for at in reversed(quotes):
        block = p.blocks[at]
        log = _log_start(text, block.start, block.end, quoted=True)
        if log < 0:
            continue
        code = Block(CODE, "body", log, block.end, section=block.section, heading=block.heading, lang="log")
        cut = text.rfind("\n", block.start, log)
        if cut < 0:
            p.blocks[at] = code
        else:
            block.end = cut
            p.blocks.insert(at + 1, code)


# "Expected:" / "Actual result" / "**Expect**" as a label at the start of a line: the
# report's verdict ("Expected a README in the package" is no verdict).
_VERDICT_WORDS = r"(?:expect(?:ed|ation)?|actual(?:ly)?)(?:[ \t]++(?:results?|behaviou?r|outcomes?|output))?+[ \t*_]*+(?::|$)"
_EXPECT_ACTUAL = lazy(r"^[ \t#*_>-]*+" + _VERDICT_WORDS, re.IGNORECASE | re.MULTILINE)
_VERDICT = lazy(r"[ \t#*_>-]*+" + _VERDICT_WORDS, re.IGNORECASE | re.MULTILINE)


def _has_verdict(text: str) -> bool:
    """`_EXPECT_ACTUAL.search(text)`, asked only of the lines that hold one of its two words.

    No letter beyond ASCII matches these words' letters in any case, so a verdict's word is
    in the lower-cased text (most bodies hold neither: no regex at all), at the same offset
    where lowering keeps the length; the pattern from its line's start then decides (its
    search tried each character of the body as a line start).
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: offsets moved
        return ("expect" in lowered or "actual" in lowered) and _EXPECT_ACTUAL.search(text) is not None
    for word in ("expect", "actual"):
        at = lowered.find(word)
        while at >= 0:
            if _VERDICT.match(text, text.rfind("\n", 0, at) + 1):
                return True
            next_line = text.find("\n", at)
            at = lowered.find(word, next_line) if next_line >= 0 else -1
    return False


def _list_runs(blocks: list[Block]) -> Iterator[tuple[int, int]]:
    """Each run of list items that starts in the body, as (first, past-last) block indexes: the
    lists both reproduction readers look at."""
    i = 0
    while i < len(blocks):
        if blocks[i].kind != LIST_ITEM or blocks[i].field != "body":
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].kind == LIST_ITEM:
            j += 1
        yield i, j
        i = j


def _mark_repro_steps(p: ParsedStory) -> None:
    """A list run that holds, or is followed by, an expected / actual verdict reproduces a bug.

    Its items ("1. Set up a mailbox 2. Send an email") are what the reporter did, not build
    steps, wherever the list stands and whatever heads it ("Steps:" alone).
    """
    blocks = p.blocks
    text = p.masked_body
    for i, j in _list_runs(blocks):
        run = blocks[i:j]
        verdict = any(_VERDICT.match(text, b.start) for b in run)
        # (the verdict's line may be quoted, as a report quoted whole is: "> Expected: ...")
        if not verdict and j < len(blocks) and blocks[j].kind in (HEADING, PARAGRAPH, QUOTE):
            verdict = _VERDICT.match(text, blocks[j].start) is not None
        if verdict:
            for b in run:
                b.section = SEC_REPRO
            if i > 0 and blocks[i - 1].kind == HEADING and blocks[i - 1].section == SEC_PROPOSAL:
                blocks[i - 1].section = SEC_REPRO


# A user's action, opening a list item: what a reporter does in the product ("Open the settings
# page", "Right-click the view", "I clicked Save", "Then run the import"), after an optional
# lead-in clause ("In the table view, right click ..."). Not the verbs a build plan opens with
# ("add", "create", "remove": a reproduction says them too, but so does every to-do list).
_USER_ACTION_RE = lazy(
    r"[\W\d_]*+(?:(?:then|now|and|next|finally|also|again)[ \t]++)?(?:[^,.:;\n]{0,40},[ \t]*+)?(?:i[ \t]++(?:then[ \t]++)?)?"
    r"(?:(?:right|double|left)[- ]?)?(?:clicks?|clicked|(?:re)?open(?:ed)?|select(?:ed)?|cho(?:o)?se|go|went|navigate[d]?|"
    r"press(?:ed)?|type[d]?|enter(?:ed)?|log(?:ged)?[ \t]*+(?:in|on)|login|sign(?:ed)?[ \t]++in|launch(?:ed)?|"
    r"(?:re)?start(?:ed)?|run|ran|rerun|reload(?:ed)?|refresh(?:ed)?|wait(?:ed)?|tr(?:y|ied)|drag(?:ged)?|scroll(?:ed)?|"
    r"hover(?:ed)?|tap(?:ped)?|submit(?:ted)?|fill(?:ed)?[ \t]++in|install(?:ed)?|download(?:ed)?|upload(?:ed)?|"
    r"close[d]?|visit(?:ed)?|browse[d]?|(?:un)?check(?:ed)?[ \t]++the[ \t]++(?:box|checkbox|option)|expand(?:ed)?|"
    r"switch(?:ed)?[ \t]++to)\b",
    re.IGNORECASE,
)
# A failure the reporter saw, said as what happened: a failure noun after a verb of seeing or an
# arrow ("get an error", "there is an error pop-up", "throws an exception", "-> crash"), one
# that appears ("an error occurs", "Compiler error still occurs"), the same one again, a
# failure verb after its subject ("the import fails", "it crashed"), "nothing happens",
# "doesn't work". Not a failure the text plans for ("display an error message when ...", "if
# the check fails", "the failed features", "fail over", "error handling").
_FAILURE_NOUN = r"(?:errors?|exceptions?|crash(?:es)?|stack[ \t]*+traces?|tracebacks?|npe)\b"
_FAILURE_SEEN_RE = lazy(
    r"\b(?:gets?|got|getting|see|sees|saw|seeing|receive[sd]?|shows|showed|throws|threw|thrown|raises|raised|"
    r"returns|returned|there[ \t]++(?:is|are|was|were)|there's|pops?[ \t]++up|popped[ \t]++up)[ \t]++"
    r"(?:[\w\"'.-]++[ \t]++){0,3}?" + _FAILURE_NOUN + r"(?![- ](?:handling|messages?[ \t]++(?:when|if)))"
    r"|(?:->|=>|\u2192)[ \t]*+(?:[\w\"'.-]++[ \t]++){0,2}?" + _FAILURE_NOUN +
    r"|\b(?:errors?|exceptions?|crash)[ \t]++(?:still[ \t]++)?(?:appears?|appeared|occurs?|occurred|happens|happened|"
    r"(?:is|was)[ \t]++(?:shown|displayed|thrown|raised|logged)|pops?[ \t]++up|popped[ \t]++up)\b"
    r"|\bsame[ \t]++(?:errors?|exceptions?|crash|failure)\b"
    r"|\b([a-z]++)[ \t]++(?:still[ \t]++|always[ \t]++|also[ \t]++)?(?:fails|failed|crashes|crashed|hangs|freezes|froze)\b(?![- ](?:over|safe)\b)"
    r"|\bnothing[ \t]++(?:happens|happened)\b|\b(?:does|did|is|was)(?:n't|[ \t]++not)[ \t]++work(?:ing)?\b|\bnot[ \t]++working\b",
    re.IGNORECASE,
)
# ... a failure verb's "subject" that makes it none: a determiner before a participle ("the
# failed features"), a condition, a modal or a purpose ("if the check fails", "should fail",
# "to fail")
_NO_SUBJECT = frozenset({
    "the", "a", "an", "any", "all", "some", "no", "of", "for", "with", "on", "if", "unless", "whether", "should", "must",
    "would", "could", "might", "may", "can", "to", "not", "never", "these", "those", "its", "their", "when", "once",
})  # fmt: skip
# ... and words before a failure that make it a case the text plans for ("if an error occurs",
# "should not crash", "in case of errors", "make sure nothing happens"), within its clause
_PLANNED_FAILURE_RE = lazy(
    r"\b(?:if|unless|whether|in[ \t]++case|should(?:n't)?|must|ensure|make[ \t]++sure|so[ \t]++that|avoid|prevent|instead[ \t]++of)\b[^,.;:!?\n]*+\Z",
    re.IGNORECASE,
)
# A trace pasted after the steps: a named exception or error with its message, a frame, Python's header
_TRACE_RE = lazy(r"\b\w+(?:Exception|Error)\b(?::|[ \t]++at\b)|Traceback \(most recent|^[ \t]*+at [\w$.<>]+\(", re.MULTILINE)
_STEPS_LABEL_RE = lazy(
    r"\A[\W_]*+(?:(?:test )?steps?(?: (?:performed|taken|followed|done|tried|executed|used))?|what i did)\b[\W_]*+\Z", re.IGNORECASE
)


def _sees_failure(text: str, start: int, end: int) -> bool:
    """The text reports a failure seen (`_FAILURE_SEEN_RE`), not one it plans for."""
    for m in _FAILURE_SEEN_RE.finditer(text, start, end):
        subject = m.group(1)
        if subject is not None and subject.lower() in _NO_SUBJECT:
            continue
        clause = text[max(start, m.start() - 80) : m.start()]
        if _PLANNED_FAILURE_RE.search(clause):
            continue
        return True
    return False


# how far into the last item and the block after the steps the failure is looked for: their
# opening sentences (an item of a megabyte is read no further)
_FAILURE_REACH = 300


def _mark_unheaded_repro(p: ParsedStory) -> None:
    """A list of a user's actions, no heading naming it a reproduction, that ends in a failure
    seen (its last item, or the paragraph or trace right after it) reproduces a bug: "1. Open
    the settings 2. Add a column to the table 3. Click Save -> error". Its items are what the
    reporter did, not the team's plan. At least two items, one of them a user's action
    (`_USER_ACTION_RE`): a plan ("1. Add a `status` column 2. Expose it in /api/orders") stays
    a plan whatever failure it is to mend. Not under a criteria or proposal heading (a bare
    "Steps" label is neither: a report's steps are what it heads).
    """
    blocks = p.blocks
    text = p.masked_body
    for i, j in _list_runs(blocks):
        run = blocks[i:j]
        head = blocks[i - 1] if i > 0 and blocks[i - 1].kind == HEADING else None
        steps_label = run[0].section == SEC_PROPOSAL and _STEPS_LABEL_RE.match(run[0].heading) is not None
        if (
            len(run) >= 2
            and any(b.section != SEC_REPRO for b in run)
            and all(b.section not in (SEC_AC, SEC_PROPOSAL) or (steps_label and b.section == SEC_PROPOSAL) for b in run)
            and any(_USER_ACTION_RE.match(text, b.start, b.end) for b in run)
        ):
            after = blocks[j] if j < len(blocks) else None
            last = run[-1]
            seen = _sees_failure(text, last.start, min(last.end, last.start + 2 * _FAILURE_REACH))
            if not seen and after is not None and after.kind in (PARAGRAPH, QUOTE):
                seen = _sees_failure(text, after.start, min(after.end, after.start + _FAILURE_REACH))
            elif not seen and after is not None and after.kind == CODE:
                seen = _TRACE_RE.search(text, after.start, after.end) is not None
            if seen:
                for b in run:
                    b.section = SEC_REPRO
                if head is not None and steps_label and head.section == SEC_PROPOSAL:
                    head.section = SEC_REPRO


_PROSE_WORD = lazy(r"[A-Za-z]{2,}")
_CODE_CHARS = lazy(r"[{}\[\]();=<>$\\|]")
_LOG_LINE = lazy(r"^\s*(?:[$#>\[]|\d|at |File |Traceback|ERROR|WARN|INFO|DEBUG)")


def _looks_like_prose(text: str, start: int, end: int) -> bool:
    if end - start > 20000:
        return False
    chunk = text[start:end]
    lines = [line for line in chunk.split("\n") if line.strip()]
    if not lines or len(_PROSE_WORD.findall(chunk)) < 12:
        return False
    if len(_CODE_CHARS.findall(chunk)) > 0.02 * len(chunk):
        return False
    wordy = sum(1 for line in lines if len(line.split()) >= 4)
    loggy = sum(1 for line in lines if _LOG_LINE.match(line))
    return wordy >= 0.6 * len(lines) and loggy <= 0.2 * len(lines)


def _add_quoted_prose(p: ParsedStory, start: int, end: int, section: str, heading: str) -> None:
    text = p.masked_body
    pos = start
    while pos < end:
        brk = text.find("\n\n", pos, end)
        stop = end if brk == -1 else brk
        chunk = text[pos:stop]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            _add(p, QUOTE, pos + lead, stop, section, heading)
        pos = stop + 2


def _body_spans(p: ParsedStory, html_code: bool = False, comments: list[int] | None = None) -> None:
    """The body's sentences and code spans, from its final blocks (a list item a lazy line
    continued has grown since it was added), in one pass. A body with no backtick and no
    "{{" (most) has no inline code: its blocks are not searched for any; `html_code`: a
    Markdown body with a `<code>` element, whose content is a span as a backtick's is (not in
    one of the HTML `comments`: `_comment_bounds`)."""
    text = p.masked_body
    code = "`" in text or "{{" in text
    for block in p.blocks:
        if block.field != "body" or block.kind == CODE:
            continue
        if code:
            _inline_code(p, "body", block.start, block.end)
        if html_code:
            # (a tag the mask blanked: not one a backtick span quotes, "`<code>`", nor a comment's)
            p.code_spans.extend(
                Span("body", m.start(1), m.end(1))
                for m in _HTML_CODE_RE.finditer(p.body, block.start, block.end)
                if text[m.start()] == " " and m.end(1) > m.start(1) and not (comments and within(comments, m.start()))
            )
        if block.kind != HEADING:
            _split_sentences(p, block)


def _inline_code(p: ParsedStory, field_name: str, start: int, end: int) -> None:
    """Pair backtick runs in linear time: a run closes at the next run of the same length."""
    text = p.masked(field_name)
    if "`" in text[start:end]:
        p.code_spans.extend(Span(field_name, b, c) for _, b, c, _ in _paired_backticks(text, start, end))
    if "{{" in text[start:end]:
        for m in _WIKI_MONO_RE.finditer(text, start, end):
            p.code_spans.append(Span(field_name, m.start(1), m.end(1)))


def _split_sentences(p: ParsedStory, block: Block) -> None:
    """The block's sentences, split where `_SENTENCE_END_RE` matches. Each search skips at C
    speed to the next . ! ? ; | " or line break (the pattern opens with their set) and a match is
    that one character: one search a sentence end and one to find none left, not a scanner
    (nor, before it, six substring searches asking whether the block holds any of them)."""
    text = p.masked(block.field)
    s, end = block.start, block.end
    m = _SENTENCE_END_RE.search(text, s, end)
    while m is not None:
        at = m.start()
        e = at + (0 if text[at] in "\n|" else 1)
        if text[s:e].strip():
            p.sentences.append(Sentence(block.field, s, e, block))
        s = at + 1
        m = _SENTENCE_END_RE.search(text, s, end)
    if text[s:end].strip():
        p.sentences.append(Sentence(block.field, s, end, block))
