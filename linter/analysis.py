"""The per-story analysis every check shares: sentences with their context.

For each sentence: its tokens, whether it *directs the team* (imperative start,
modal or first-person plan, or a proposal section), and whether it is a user's own
want ("As a shopper I want ..."), where mentioning a table or a CSV file is WHAT, not
HOW. Computed once per story, then read by every rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

from .parse import CODE, SEC_PROPOSAL, TITLE, ParsedStory, Sentence

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
    r"\b(?:(?:we|i)(?:'ll| will| would| can| could| should| need to| want to| have to| must| propose| suggest| plan to|"
    r" are going to|'re going to| am going to|'m going to| intend to| recommend)|let'?s|let us|"
    r"(?:the|my|our|a) (?:fix|solution|approach|plan|idea|proposal|suggestion) (?:is|would be|will be|could be)|"
    r"i propose|we propose|proposal:|suggest(?:ion)?:)\b",
    re.I,
)
_USER_CLAUSE_RE = re.compile(
    r"^[\s*_>#\-]*(?:\*\*)?\s*as\s+(?:an?|the)?\s*(?:\*\*)?\s*([^,.;\n]{1,80}?)\s*(?:\*\*)?\s*[,]?\s*(?:<br>\s*)?(?:\*\*)?\s*"
    r"(?:i|we)\b",
    re.I,
)
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

    @property
    def lowered(self) -> list[str]:
        return [t[2].lower() for t in self.tokens]


@dataclass(slots=True)
class Analysis:
    parsed: ParsedStory
    sentences: list[SentenceInfo] = field(default_factory=list)
    accepted: frozenset[str] = frozenset()  # team vocabulary (lower-case)

    def code_blocks(self) -> list[tuple[int, int, str]]:
        return [(b.start, b.end, b.lang) for b in self.parsed.blocks if b.kind == CODE]


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
    info.modal = bool(_MODAL_RE.search(text))
    info.plan = bool(_PLAN_RE.search(text))
    m = _USER_CLAUSE_RE.match(text)
    if m:
        info.user_clause = True
        role_words = {w.lower() for w in TOKEN_RE.findall(m.group(1))}
        info.technical_role = bool(role_words & g.technical_roles)
    info.capability = bool(_CAPABILITY_RE.match(text[len(head):]))
    if info.capability and not info.user_clause:
        info.user_clause = True
    return info
