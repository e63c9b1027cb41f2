"""Domain vocabulary learned from the tracker itself.

In a developer-facing product (an integration platform, an IDE, a job scheduler) words
like *connector*, *WSDL* or a component name (`tESBConsumer`) are what the user works
with, not a prescription. A term that keeps appearing where users speak — their own
wants, acceptance criteria, "support for X", "integration with X" — across a project's
stories is that product's domain, and so is a part that its bug reports say fails ("the
HTTP connector times out"): users met it. Runs with a store record, per story, which candidate
terms (what the bundled term and identifier rules would match) stand in such places;
a term with evidence in at least `MIN_STORIES` stories and `MIN_SHARE` of the project's
recorded stories is *learned*, and a weak finding on it (a title, a statement, a modal)
is dropped for that project. A plan, a proposal, an imperative or a criterion that
orders the term is still reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .analysis import Analysis, SentenceInfo, analyse
from .calibration import evidence_class, reports_bug
from .checks.base import PhraseIndex, beside
from .checks.identifiers import IdentifierCheck
from .checks.terms import TermCheck
from .lazyre import lazy
from .model import HOW_CATEGORIES, Story
from .parse import SEC_AC, parse

if TYPE_CHECKING:
    from .rulepack import RulePack
    from .store import Store

#: A term is learned with evidence in at least this many stories of a project ...
MIN_STORIES = 5
#: ... and in at least this share of the project's recorded stories.
MIN_SHARE = 0.01
#: Evidence classes a learned term no longer counts in: the term merely stands there.
WEAK_EVIDENCE = frozenset({"title", "statement", "modal", "modal-behaviour"})

# "support for Kafka", "integration with SAP", "export to CSV": what the product works with
_WORKS_WITH_RE = lazy(
    r"\b(?:support(?:s|ed)? for|supports|integrat(?:e|es|ed|ion|ions) with|compatib(?:le|ility) with|"
    r"import(?:s|ed|ing)? from|export(?:s|ed|ing)? to|connect(?:s|ed|ing)? to|works? with)\b",
    re.IGNORECASE,
)
_WORKS_WITH_WORDS = frozenset({"support", "supports", "supported", "integrate", "integrates", "integrated",
                               "integration", "integrations", "compatible", "compatibility", "import", "imports",
                               "imported", "importing", "export", "exports", "exported", "exporting", "connect",
                               "connects", "connected", "connecting", "work", "works"})  # fmt: skip
_WS = lazy(r"\s+")
# "need to use CXF", "switch to Kafka": a sentence that chooses the term still orders it,
# however often the product's users meet it
_CHOSEN_RE = lazy(
    r"\b(?:use|uses|using|adopt|adopting|switch(?:ing)? to|migrat(?:e|ing) to|port(?:ing)? to|based on|"
    r"built (?:on|with)|rel(?:y|ying) on)\s++(?:[\w.-]++\s++){0,2}+\Z",
    re.IGNORECASE,
)


# "support for Kafka", "supports SAML", "add JUnit 5 support", "Kafka and RabbitMQ support",
# "PostgreSQL is supported", "integrate w/ Maven", "reconnecting to Kafka": the term is what the
# product is to work with or connect to, a capability its users ask for, not a part of how it is
# built. Only the term that is the object counts ("Modify the parser to support wide tables"
# still names the parser, "a supporting Redis cache" is a Redis cache, and "Use RabbitMQ for the
# queue, connecting to the managed cluster" still chooses RabbitMQ).
_WORKS_WITH_BEFORE_RE = lazy(
    r"\b(?:supports?\s++(?:for\s++)?|(?:(?:re)?connect(?:s|ed|ing|ion|ions)?|integrat(?:e|es|ed|ing|ion|ions))"
    r"\s++(?:w/|with|to|into)\s++)(?:the\s++|an?\s++)?(?:`[^`\n]{1,60}+`\s++)?[`'\"]?\Z",
    re.IGNORECASE,
)
#: how far before a term "support for" may stand: past a named part of the product's surface
#: in a code span ("support for `Mailer.after_delivery` callback options")
_SUPPORT_WINDOW = 100
_SUPPORT_AFTER_RE = lazy(
    r"[`'\"]?(?:\s++v?\d[\w.]{0,12})?"  # a version: "JUnit 5 support", "Java 21 support"
    r"(?:\s*+(?:,|/|\band\b|\bor\b)\s*+[\w.+#-]{1,30}(?:\s++v?\d[\w.]{0,12})?){0,3}"  # "Kafka and RabbitMQ support"
    r"\s++(?:(?:is|are|be)\s++)?support(?:ed)?\b",
    re.IGNORECASE,
)


def supported(text: str, start: int, end: int) -> bool:
    """The term at `start:end` is the object of support or of a connection: what the product
    should work with."""
    if beside(text, start, end, before=_WORKS_WITH_BEFORE_RE, after=_SUPPORT_AFTER_RE):
        return True
    # only where a code span closes right before the term is the longer window read
    return start >= 2 and text[start - 2 : start - 1] == "`" and beside(text, start, end, before=_WORKS_WITH_BEFORE_RE, window=_SUPPORT_WINDOW)


def chosen(text: str, start: int) -> bool:
    """The term at `start` is what a sentence chooses to build with, not one it mentions."""
    return beside(text, start, start, before=_CHOSEN_RE, window=60)


def normalise(term: str) -> str:
    """How terms are compared: lower case, whitespace folded."""
    return _WS.sub(" ", term.strip().lower())


def variants(term: str) -> set[str]:
    """A term and the plural forms the term rules match ("connector" -> "connectors")."""
    out = {term}
    if term[-1:].isalpha():
        out |= {term + "s", term + "es"}
        if term.endswith("y"):
            out.add(term[:-1] + "ies")
    return out


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the bundled HOW rules could match: their term indexes and identifier checks."""

    phrases: tuple[PhraseIndex, ...]
    identifiers: tuple[IdentifierCheck, ...]

    @classmethod
    def from_pack(cls, pack: RulePack) -> Candidates:
        phrases: list[PhraseIndex] = []
        identifiers: list[IdentifierCheck] = []
        for rule in pack.rules.values():
            if not rule.builtin or rule.status == "removed" or rule.category not in HOW_CATEGORIES:
                continue
            if isinstance(rule.check, TermCheck):
                phrases.append(rule.check.terms)
            elif isinstance(rule.check, IdentifierCheck):
                identifiers.append(rule.check)
        return cls(tuple(phrases), tuple(identifiers))


def user_facing(s: SentenceInfo) -> bool:
    """A user's own want, an acceptance criterion, or what the product works with; never a title."""
    if s.field == "title":
        return False
    if s.section == SEC_AC:
        return True
    if not s.vocab.isdisjoint(_WORKS_WITH_WORDS) and _WORKS_WITH_RE.search(s.text):
        return True
    return s.user_clause and not s.system_want


def reported_symptom(s: SentenceInfo) -> bool:
    """In a bug report, a sentence (the title too) that says what goes wrong: the parts it
    names are ones the product's users run into ("the HTTP connector fails on ...")."""
    return evidence_class(s) == "symptom"


def evidence_in(a: Analysis, candidates: Candidates) -> set[str]:
    """Lower-cased candidate terms standing in user-facing sentences of one analysed story,
    or in the symptoms a bug report describes."""
    found: set[str] = set()
    bug: bool | None = None
    for s in a.sentences:
        if not s.lowered:
            continue
        if not user_facing(s):
            if bug is None:
                bug = reports_bug(a)
            if not (bug and reported_symptom(s)):
                continue
        for index in candidates.phrases:
            found.update(normalise(phrase) for _, _, phrase in index.find(s))
        for check in candidates.identifiers:
            found.update(normalise(name) for name in check.names_in(a, s))
    return found


def domain_evidence(story: Story, pack: RulePack | None = None) -> set[str]:
    """Domain evidence of one story (the engine reuses the analysis it already made)."""
    if pack is None:
        from .rulepack import load_rulepack

        pack = load_rulepack([])
    return evidence_in(analyse(parse(story)), Candidates.from_pack(pack))


# -- learning -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LearnedTerm:
    term: str
    stories: int  # stories with evidence
    share: float  # of the project's recorded stories


def learn(
    counts: Iterable[tuple[str, str, int]], totals: Mapping[str, int], rejected: Iterable[str] = ()
) -> dict[str, list[LearnedTerm]]:
    """Terms over both thresholds, per project, most evidence first; rejected terms never."""
    never: set[str] = set()
    for term in rejected:
        never |= variants(normalise(term))
    out: dict[str, list[LearnedTerm]] = {}
    for project, term, n in counts:
        total = totals.get(project, 0)
        if n < MIN_STORIES or total <= 0 or n < round(MIN_SHARE * total, 9) or term in never:
            continue
        out.setdefault(project, []).append(LearnedTerm(term, n, n / total))
    for terms in out.values():
        terms.sort(key=lambda t: (-t.stories, t.term))
    return out


def learned_vocabulary(store: Store, rejected: Iterable[str] = ()) -> dict[str, list[LearnedTerm]]:
    return learn(store.domain_term_counts(MIN_STORIES), store.project_story_counts(), rejected)


def learned_terms(store: Store, rejected: Iterable[str] = ()) -> dict[str, frozenset[str]]:
    """project -> learned terms, for `Linter(domain=...)`."""
    return {p: frozenset(t.term for t in terms) for p, terms in learned_vocabulary(store, rejected).items()}


def rejected_terms(reject: Mapping[str, list[str]]) -> list[str]:
    return [t for terms in reject.values() for t in terms]
