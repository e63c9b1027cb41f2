"""The per-story analysis every check shares: sentences with their context.

For each sentence: its tokens, whether it *directs the team* (imperative start,
modal or first-person plan, or a proposal section), and whether it is a user's own
want ("As a shopper I want ..."), where mentioning a table or a CSV file is WHAT, not
HOW. Computed once per story, then read by every rule.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from .parse import CODE, SEC_PROPOSAL, TITLE, ParsedStory, Sentence, Span

TOKEN_RE = re.compile(r"\w+(?:[.+#]\w+)*[+#]*")
_PREFIX_RE = re.compile(
    r"^[\s*_>\-\u2022:|]*(?:\[[ xX]\]\s*)?(?:\d{1,3}[.)]\s*)?"
    r"(?:(?:\[[^\]\n]{0,40}\]|\([^)\n]{0,20}\)|[A-Za-z][\w/&+.'-]*(?: [A-Za-z][\w/&+.'-]*){0,3}\s?:(?=\s))[\s*_]*){0,3}"
)
_MODAL_RE = re.compile(
    r"\b(?:should|must|shall|needs? to|has to|have to|ought to|is to be|are to be|"
    r"to be (?:implemented|done|built|stored|added|used|created|moved|replaced|removed|handled)|"
    r"(?:can|could|may|might) be (?:done|achieved|implemented|solved|handled|fixed|built) (?:by|using|with|via|through|in))\b",
    re.I,
)
_PLAN_RE = re.compile(
    r"\b(?:(?:we|i)(?:'ll| will| would| can| could| should| need to| have to| must| propose| suggest| plan to|"
    r" are going to|'re going to| am going to|'m going to| intend to| recommend)|let'?s|let us|"
    r"(?:the|my|our|a) (?:fix|solution|approach|plan|idea|proposal|suggestion) (?:is|would be|will be|could be)|"
    r"i propose|we propose|proposal:|suggest(?:ion)?:)\b",
    re.I,
)
# Possessive quantifiers (`*+`, `++`) wherever the next token cannot start with a blank:
# the adjacent `\s*` of the plain version split a run of spaces in polynomially many
# ways ("As a" and 4,000 spaces never finished).
_USER_CLAUSE_RE = re.compile(
    r"^[\s*_>#\-]*+as\s++(?:(?:an?|the)\s*+)?(?:\*\*\s*+)?([^,.;\n]{1,80}?)\s*+(?:\*\*\s*+)?,?\s*+(?:<br>\s*+)?(?:\*\*\s*+)?"
    r"(?:i|we)\b",
    re.I,
)
_PROHIBITION_RE = re.compile(r"\b(?:should|must|shall)\s*(?:not|n't)\b|\b(?:shouldn't|mustn't)\b", re.I)
_WANT_VERB_RE = re.compile(r"\b(?:want|wants|need|needs|would like|wish|have)\s+(?:to\s+)?(?:be able to\s+)?(\w+)", re.I)
_CAPABILITY_RE = re.compile(r"^\s*(?:i|users?|customers?|visitors?|members?|they|he|she|people)\s+(?:can|could|am able|are able|will be able|should be able|want|need|would like)\b", re.I)


@dataclass(frozen=True, slots=True)
class Grammar:
    imperatives: frozenset[str]
    behaviour_verbs: frozenset[str]
    fillers: frozenset[str]
    team_subjects: frozenset[str]
    technical_roles: frozenset[str]


@cache
def grammar() -> Grammar:
    from .rulepack import rules_dir

    data = tomllib.loads((rules_dir() / "grammar.toml").read_text("utf-8"))
    return Grammar(
        imperatives=frozenset(data["imperatives"]),
        behaviour_verbs=frozenset(data["behaviour_verbs"]),
        fillers=frozenset(data["fillers"]),
        team_subjects=frozenset(data["team_subjects"]),
        technical_roles=frozenset(data["technical_roles"]),
    )


@dataclass(slots=True)
class SentenceInfo:
    field: str
    start: int
    end: int
    text: str  # masked text of the sentence
    kind: str  # block kind
    section: str
    tokens: list[tuple[int, int, str]]  # (start, end, text) in field offsets
    block_start: int = 0  # identifies the block (list item, paragraph) the sentence is in
    imperative: bool = False  # starts with a build verb
    behaviour: bool = False  # starts with a verb that usually states observable behaviour
    modal: bool = False
    plan: bool = False
    user_clause: bool = False
    technical_role: bool = False
    capability: bool = False
    verb: str = ""

    @property
    def directive(self) -> bool:
        return self.imperative or self.modal or self.plan or self.section == SEC_PROPOSAL

    _lowered: list[str] | None = None

    @property
    def lowered(self) -> list[str]:
        """Lower-cased token texts, computed once (every rule reads them)."""
        if self._lowered is None:
            self._lowered = [t[2].lower() for t in self.tokens]
        return self._lowered


@dataclass(slots=True)
class Analysis:
    parsed: ParsedStory
    sentences: list[SentenceInfo] = field(default_factory=list)
    accepted: frozenset[str] = frozenset()  # team vocabulary (lower-case)

    _span_index: dict[str, tuple[list[int], list[int]]] | None = None

    def code_blocks(self) -> list[tuple[int, int, str]]:
        return [(b.start, b.end, b.lang) for b in self.parsed.blocks if b.kind == CODE]

    def spans_in(self, field_name: str, start: int, end: int) -> list[Span]:
        """Inline code spans of a field that start in [start, end), in parse order.

        Indexed by start offset, so that checking every sentence of a story with many
        sentences and many code spans stays O(n log n) rather than O(sentences x spans).
        """
        if self._span_index is None:
            index: dict[str, tuple[list[int], list[int]]] = {}
            spans = self.parsed.code_spans
            for name in {s.field for s in spans}:
                order = sorted((i for i, s in enumerate(spans) if s.field == name), key=lambda i: spans[i].start)
                index[name] = ([spans[i].start for i in order], order)
            self._span_index = index
        entry = self._span_index.get(field_name)
        if entry is None:
            return []
        starts, order = entry
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        spans = self.parsed.code_spans
        return [spans[i] for i in sorted(order[lo:hi])]

    def has_code_in(self, field_name: str, start: int, end: int) -> bool:
        if self._span_index is None:
            self.spans_in(field_name, 0, 0)
        entry = self._span_index.get(field_name) if self._span_index else None
        if entry is None:
            return False
        starts = entry[0]
        i = bisect_left(starts, start)
        return i < len(starts) and starts[i] < end


def analyse(parsed: ParsedStory, accepted: frozenset[str] = frozenset()) -> Analysis:
    g = grammar()
    out = Analysis(parsed, accepted=accepted)
    for s in parsed.sentences:
        out.sentences.append(_sentence(parsed, s, g))
    return out


def _sentence(p: ParsedStory, s: Sentence, g: Grammar) -> SentenceInfo:
    text = p.masked(s.field)[s.start:s.end]
    tokens = [(s.start + m.start(), s.start + m.end(), m.group(0)) for m in TOKEN_RE.finditer(text)]
    info = SentenceInfo(s.field, s.start, s.end, text, s.block.kind, s.block.section, tokens, s.block.start)
    head = text[: _PREFIX_RE.match(text).end()] if _PREFIX_RE.match(text) else ""  # type: ignore[union-attr]
    rest_start = s.start + len(head)
    words = [t for t in tokens if t[0] >= rest_start]
    i = 0
    while i < len(words) - 1 and words[i][2].lower() in g.fillers:
        i += 1
    if words:
        first = words[i][2]
        lower = first.lower()
        # "Add ...", "add ..." but not "Adds", not a capitalised word mid-title like "Update Center"
        if lower in g.imperatives and (first[0].isupper() or s.block.kind != TITLE or i == 0):
            nxt = words[i + 1][2].lower() if i + 1 < len(words) else ""
            if not (lower == "make" and nxt == "sure"):
                info.verb = lower
                if lower in g.behaviour_verbs:
                    info.behaviour = True
                else:
                    info.imperative = True
    # "X should not cause Y" constrains behaviour; it does not direct the build.
    info.modal = bool(_MODAL_RE.search(text)) and not _PROHIBITION_RE.search(text)
    info.plan = bool(_PLAN_RE.search(text))
    m = _USER_CLAUSE_RE.match(text)
    if m:
        info.user_clause = True
        role_words = {w.lower() for w in TOKEN_RE.findall(m.group(1))}
        info.technical_role = bool(role_words & g.technical_roles)
        # "As a developer I want to use X": the wanted action is itself a build verb
        want = _WANT_VERB_RE.search(m.string, m.end() - 3)
        if want and want.group(1).lower() in g.imperatives and want.group(1).lower() not in g.behaviour_verbs:
            info.imperative = info.technical_role
    info.capability = bool(_CAPABILITY_RE.match(text[len(head):]))
    if info.capability and not info.user_clause:
        info.user_clause = True
    return info
