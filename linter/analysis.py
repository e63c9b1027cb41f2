"""The per-story analysis every check shares: sentences with their context.

For each sentence: its tokens, whether it *directs the team* (imperative start,
modal or first-person plan, or a proposal section), and whether it is a user's own
want ("As a shopper I want ..."), where mentioning a table or a CSV file is WHAT, not
HOW. Computed once per story, then read by every rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache
from itertools import islice
from typing import Any, TypeVar, cast

from .fastre import fast, found
from .languages import NEVER, bundled, every, phrases, words
from .lazyre import lazy
from .parse import CODE, LIST_ITEM, SEC_AC, SEC_PROPOSAL, TITLE, ParsedStory, Sentence, Span
from .recache import compile as compile_re
from .surface import surface_asked

T = TypeVar("T")
_UNSET: Any = object()  # `Analysis.shared`: nothing computed yet for a key

TOKEN_RE = lazy(r"\w++(?:[.+#]\w++)*+[+#]*+")  # (possessive: the same words, found sooner)
# On ASCII `\w` is [0-9A-Za-z_]; with no "+" or "#" and no "." between two such characters
# nothing joins or ends a word, and TOKEN_RE's words are the runs of them: C string methods
# find those several times faster than the pattern (most sentences; `tokenize`).
_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
_JOINING_DOT = lazy(r"\.(?=[0-9A-Za-z_])(?<=[0-9A-Za-z_]\.)")  # (the literal first: a quick scan)


def _plain(text: str) -> bool:
    """`TOKEN_RE`'s words in `text` are its runs of ASCII word characters (see above)."""
    return text.isascii() and "+" not in text and "#" not in text and ("." not in text or not _JOINING_DOT.search(text))


def tokenize(text: str) -> list[str]:
    """`TOKEN_RE.findall(text)`."""
    if _plain(text):
        return text.encode().translate(_WORD_BYTES).decode().split()
    return TOKEN_RE.findall(text)

_PREFIX_RE = lazy(
    r"[\s*_>\-\u2022:|]*(?:\[[ xX]\]\s*)?(?:\d{1,3}[.)]\s*)?"
    r"(?:(?:\[[^\]\n]{0,40}\]|\([^)\n]{0,20}\)|[A-Za-z][\w/&+.'-]*(?: [A-Za-z][\w/&+.'-]*){0,3}[*_]{0,2}\s?:[*_]{0,2}(?=\s))[\s*_]*){0,3}"
)
_MODAL_RE = lazy(
    r"\b(?:should|must|shall|needs? to|has to|have to|ought to|is to be|are to be|"
    r"to be (?:implemented|done|built|stored|added|used|created|moved|replaced|removed|handled)|"
    r"(?:can|could|may|might) be (?:done|achieved|implemented|solved|handled|fixed|built) (?:by|using|with|via|through|in))\b",
    re.IGNORECASE,
)
# What a change does to the code, said of the change itself ("This patch introduces X")
_CHANGE_SUBJECT = r"(?:this|the attached|attached|the proposed|proposed)\s+(?:patch|pr|pull request|changeset|commit|merge request)\s+"
_CHANGE_VERBS = ("introduce", "add", "replace", "remove", "refactor", "move", "implement", "convert", "split", "rename",
                 "extract", "switch", "migrate", "create", "expose", "upgrade", "bump", "drop", "wrap", "modify")  # fmt: skip


def _third_person(verb: str) -> str:
    """introduce -> introduces, switch -> switches, modify -> modifies."""
    if verb.endswith("y"):
        return verb[:-1] + "ies"
    return verb + ("es" if verb.endswith(("sh", "ch", "x", "s")) else "s")


#: What a proposal put as a question would build ("can we reuse ...", "why not store ...")
_PROPOSED_BUILD = (
    r"(?:use|reuse|add|make|store|save|persist|cache|move|create|have|put|switch|replace|implement|introduce|extract|split|"
    r"rename|expose|migrate|refactor|rewrite|convert|extend|change|remove|drop|wrap|call|run|keep|send|query|index)"
)
_PLAN_RE = lazy(
    r"\b(?:we(?:'ll| will| would| can| could| should| need to| have to| must| propose| suggest| plan to| are going to|'re going to| intend to| recommend)|"
    # the team's intention to build: "we want to add X via the /state endpoint"
    # the team's need of a thing to build: "we need a task that moves the data to X"
    r"we (?:need|require) (?:an?|some|new) (?:\w+ )?(?:task|tool|job|script|service|way|mechanism|process|module|component|library|migration|endpoint)|"
    r"we (?:want|would like|'d like) to (?:be able to )?(?:add|implement|use|create|build|introduce|expose|replace|store|switch|migrate|refactor|rewrite|extend|move)|"
    r"i(?:'ll| will| should| need to| have to| must| propose| suggest| plan to|(?:'d| would) (?:plan to|propose|suggest|recommend)|"
    r" are going to|'re going to| am going to|'m going to| intend to| recommend)|let'?s|let us|"
    r"(?:the|my|our|an?|one|another)\s+(?:\w+\s+)?(?:fix|solution|approach|plan|idea|proposal|suggestion)(?:\s+(?:here|then|now|for this),?)?\s+(?:is|would be|will be|could be|might be|may be)(?:\s+to)?|"
    # the next option, its noun left out: "one option is to X; another would be to Y"
    r"another(?:\s+one)?\s+(?:would|could|might|may)\s+be\s+to|"
    # ("To fix this, cache X", "in order to fix it we ...": the purpose before the fix; not the
    # complement of a verb, "X needs to fix that", "I tried to fix it", which say what is wanted)
    # (the look-behinds after "to ": `re` asks them only there, not at every character)
    r"to (?<!\bneed to )(?<!\bneeds to )(?<!\bneeded to )(?<!\bhave to )(?<!\bhas to )(?<!\bhad to )(?<!\btry to )"
    r"(?<!\btried to )(?<!\btrying to )(?<!\bwant to )(?<!\bwants to )(?<!\bhow to )(?<!\bable to )(?<!\bfailed to )"
    r"(?<!\battempt to )(?<!\bgoing to )(?:fix|solve|resolve|address) (?:this|it|that|the (?:issue|problem|bug))|(?:fix|solution|remedy)\s*:|"
    r"would be (?:better|nicer|cleaner|preferable)|(?:better|preferable) (?:to|would be)|"
    r"i propose|we propose|proposal:|suggest(?:ion)?:|(?:i|we) proposed|"
    # a fix told by the one who made it: "I fixed the problem by modifying X" (a workaround
    # is part of the symptom, not the fix)
    r"(?:i|we)\s+(?:have\s+)?(?:fixed|solved|resolved)\s+(?:this|it|that|the\s+(?:problem|issue|bug|error|crash))(?:\s+\w+)?\s+by|"
    # the change itself as the subject: "This patch introduces X", "the attached PR will move Y"
    + _CHANGE_SUBJECT + r"(?:(?:will|would)\s+(?:" + "|".join(_CHANGE_VERBS) + ")|" + "|".join(map(_third_person, _CHANGE_VERBS)) + ")|"
    # the reporter's proposal, however politely put: "I would like to propose to add 1 in f()"
    r"(?:i|we)(?:'d| would) like to (?:propose|suggest|recommend)|(?:i|we) (?:want|wanted) to (?:propose|suggest)|"
    # an option put forward: "One option is to use Collections.unmodifiableList" (not "the option is greyed out")
    # ("the only way is to restart it" is a workaround, part of the symptom)
    r"(?:the|my|our|a|an|one|another)\s+(?!only\b)(?:\w+\s+)?(?:option|way|alternative)(?:\s+(?:here|then|now|for this))?\s+(?:is|would be|will be|could be|might be|may be)\s+to|"
    # a proposal put as a question, before what it would build: "Can we reuse the sendSMS
    # function?", "What about if the USERS table gets an auto_approve column", "Why not store
    # it in Redis?" (not "Can we get an update?", "Should we close this?", "How can we reproduce it?")
    r"(?<!how )(?<!when )(?<!why )(?<!where )(?<!what )(?:can|could|should|shall) we (?:also |just |maybe |perhaps |simply |not )?" + _PROPOSED_BUILD + r"|"
    r"(?:what|how) about (?:if|we|using|adding|making|creating|storing|moving|changing|having|introducing|extending|switching|"
    r"replacing)|(?:what if we|why not) (?:also |just |simply )?" + _PROPOSED_BUILD + r")\b",
    # "Solution is to drop the cache" is a stated fix (`_FIX_STATED_RE`), a plan too
    re.IGNORECASE,
)
# Possessive runs (*+, ++) keep these linear on long runs of blanks: no run is split
# between neighbouring quantifiers.
_USER_CLAUSE_RE = lazy(
    r"^[\s*_>#\-]*+as\s++(?:(?:an?|the)\b)?+[\s*_]*+([^,.;\n]{1,80}?)[\s*_,]*+(?:<br\s*/?>[\s*_]*+)?(?:i|we)\b",
    re.IGNORECASE,
)
_OWN_WORK_RE = lazy(r"\b(?:in|to|from|with|for|into|on) (?:my|our)\b", re.IGNORECASE)
_PROHIBITION_RE = lazy(r"\b(?:should|must|shall)\s*(?:not|n't)\b|\b(?:shouldn't|mustn't)\b", re.IGNORECASE)
_WANT_VERB_RE = lazy(r"\b(?:want|wants|need|needs|would like|['’]d like|wish|have)[\s*_]+(?:to[\s*_]+)?(?:be able to[\s*_]+)?(\w+)", re.IGNORECASE)
# "I want the system to store X in a cookie": a want that directs how the system is built
_SYSTEM_WANT_RE = lazy(
    r"\b(?:want|wants|need|needs|would like|['’]d like)\s+(?:the|our|this|a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:system|app|application|site|website|page|platform|backend|server|database|api|service|tool|reports?|data|"
    r"front-?end|ui)\s+(?:to\s+(?:be\s+)?)?(\w+)",
    re.IGNORECASE,
)
_BUILT_PARTICIPLES = frozenset({"built", "written", "implemented", "stored", "saved", "cached", "generated", "hosted",
                                "deployed", "rewritten", "migrated", "moved", "backed", "powered", "based", "run"})  # fmt: skip
#: the people a product is for, by no role of theirs (rules/grammar.toml's user_roles name roles)
PEOPLE = frozenset({"user", "users", "customer", "customers", "visitor", "visitors", "member", "members", "people"})
#: who "<role> can / should be able to ..." speaks of (rules/grammar.toml's user_roles besides these)
_CAPABILITY_SUBJECTS = PEOPLE | {"i", "they", "he", "she"}


@dataclass(frozen=True, slots=True)
class Grammar:
    imperatives: frozenset[str]
    behaviour_verbs: frozenset[str]
    request_verbs: frozenset[str]  # orders of something done, not built: they tell a request's title from a bug's
    degree_verbs: frozenset[str]  # orders of a change of degree, read as orders only by rules that ask (`degree_at`)
    fillers: frozenset[str]
    clause_openers: frozenset[str]  # a leading clause they open ends at its comma, before the order
    team_subjects: frozenset[str]
    technical_roles: frozenset[str]
    user_roles: frozenset[str]  # the people "<role> can ..." gives a capability, besides users
    component_subjects: frozenset[str]
    symptoms: tuple[str, ...]  # in file order, for the regex built from them
    fix_names: frozenset[str]  # what "Fix X" names when X is the bug: a symptom or a defect
    code_change_verbs: frozenset[str]  # in a title, they order a part of the system changed
    not_orders: frozenset[tuple[str, str]]  # (imperative, next word) that order nothing ("make sure")
    other: OtherLanguages  # the cues of the languages of languages.toml


class LazyRegex:
    """A pattern compiled on first use: a run over English stories never needs it, and
    compiling the other languages' long alternations would add to every cold start."""

    __slots__ = ("_flags", "_rx", "source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self._flags = flags | re.IGNORECASE
        self._rx: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = compile_re(self.source, self._flags)
        return self._rx


@dataclass(frozen=True, slots=True)
class OtherLanguages:
    """The modal, plan and user-clause cues of the other languages (rules/languages.toml),
    each behind the set of the rarest word of each of its phrases: a sentence with none of
    them costs a set test. A few of those words are English words too ("idea", "come"); an
    English sentence with one runs the regex, which cannot match it."""

    modal: LazyRegex | None
    modal_words: frozenset[str]
    plan: LazyRegex | None
    plan_words: frozenset[str]
    user_clause: LazyRegex | None
    role_words: frozenset[str]
    final_imperatives: frozenset[str]  # German's order closes its title or item: "Tabellen anlegen"
    finite_words: frozenset[str]  # ... unless a finite verb or subject makes it a statement
    work_nouns: frozenset[str]  # a title opened by the work's name: "Implementación de login con JWT"
    words: frozenset[str]  # the modal, plan and role words: one test rules all three out
    criterion: LazyRegex | None  # "El usuario puede descargar el PDF", "debe mostrar ...": AC01's checklist
    criterion_words: frozenset[str]
    gherkin: Gherkin


@dataclass(frozen=True, slots=True)
class Gherkin:
    """Gherkin's keywords in the other languages, as patterns: "Dado ... Cuando ... Entonces",
    and "Escenario: ... Cuando ... Resultado:". Given and scenario stand at the start of a line."""

    given: LazyRegex
    when: LazyRegex
    then: LazyRegex
    scenario: LazyRegex
    result: LazyRegex  # a then, or the "Resultado:" label many of those templates write for it


def _negations(langs: dict[str, Any]) -> tuple[str, str]:
    """The negation before and after another language's modal, as patterns: "no debe", "No se
    debe", "Non si deve", "не должен", "n'est pas nécessaire" before it; "ne doit pas" right
    after it, "soll die Daten nicht ...", "soll auf keinen Fall ..." anywhere later in its clause."""
    negations = every(langs, "negations")
    elided = [w[:-1] for w in negations if w.endswith(("'", "’"))]
    whole, pronouns = [w for w in negations if not w.endswith(("'", "’"))], every(langs, "negation-pronouns")
    before = [rf"(?:{phrases(whole)})\s++" + (rf"(?:(?:{phrases(pronouns)})\s++)?" if pronouns else "")] if whole else []
    before += [rf"(?:{phrases(elided)})['’]\s*+"] if elided else []
    right_after = every(langs, "negations-after")
    after = [rf"\s++(?:{phrases(right_after)})(?!\w)"] if right_after else []
    clause = every(langs, "clause-negations")
    after += [rf"[^.;!?\n]{{0,80}}?(?<![\w'’])(?:{phrases(clause)})(?!\w)"] if clause else []
    # (NEVER where no language lists one: the group never matches)
    return (rf"(?<![\w'’])(?:{'|'.join(before)})" if before else NEVER, f"(?:{'|'.join(after)})" if after else NEVER)


def _rarest_words(items: list[str]) -> frozenset[str]:
    """A word of each phrase for the set test: its longest ("necesario" of "es necesario",
    not "es"), which ordinary English words ("a", "on") are not."""
    return frozenset(max(TOKEN_RE.findall(x.lower()), key=len) for x in items if TOKEN_RE.search(x))


_LANGUAGE_KEYS = frozenset({"imperatives", "final-imperatives", "work-nouns", "behaviour-verbs", "modals", "plans",
                            "passive-auxiliaries", "passive-stems", "roles", "wants", "technical-roles", "not-orders", "negations",
                            "negation-pronouns", "negations-after", "clause-negations", "finite-words", "abilities",
                            "speculations", "shown-verbs", "given", "when", "then", "scenario", "results", "pronouns",
                            "articles", "criteria-headings", "problem-headings", "why-headings", "proposal-headings",
                            "request-headings", "repro-headings", "requirement-headings", "report-phrases", "symptoms",
                            "errors", "error-features", "labels"})  # fmt: skip


def _other_languages(langs: dict[str, Any]) -> OtherLanguages:
    for code, lang in langs.items():
        unknown = sorted(set(lang) - _LANGUAGE_KEYS) if isinstance(lang, dict) else ["(not a table)"]
        if unknown:
            raise ValueError(f"languages.toml: [{code}]: unknown key {unknown[0]!r}")

    modals, plans, roles, wants = every(langs, "modals"), every(langs, "plans"), every(langs, "roles"), every(langs, "wants")
    # not inside a compound: "SOLL-Zustand" (the target state) orders nothing
    negated_before, negated_after = _negations(langs)
    modal = LazyRegex(rf"(?P<neg>{negated_before})?+(?<![\w'’-])(?:{phrases(modals)})(?![\w-])(?P<after>{negated_after})?+")
    # the work in the future passive: an auxiliary, then a participle or future form by its stem
    passives = [
        rf"(?:{phrases(lang['passive-auxiliaries'])})\s++(?:{phrases(lang['passive-stems'])})\w{{0,2}}"
        for lang in langs.values()
        if lang.get("passive-auxiliaries") and lang.get("passive-stems")
    ]
    auxiliaries = every(langs, "passive-auxiliaries") if passives else []
    plan = LazyRegex(rf"(?<![\w'’-])(?:{'|'.join([phrases(plans), *passives]) if plans else '|'.join(passives)})(?![\w-])")
    # "Como usuario, quiero ...", "En tant qu'administrateur je veux ...", "Als Kunde möchte ich ..."
    # (a pronoun may open it or stand before the want, an article before the role)
    pronoun, article = words("pronouns", langs), words("articles", langs)
    user = LazyRegex(
        rf"^[\s*_>#\-]*+(?:(?:{pronoun})\s*+,\s*+)?(?:{phrases(roles)})(?:\s++|['’]\s*+)(?:(?:{article})\s++)?+"
        rf"([^,.;\n]{{1,80}}?)[\s*_,]*+(?:(?:{pronoun})\s++)?(?:{phrases(wants)})(?!\w)"
    )
    modal_words, plan_words, role_words = _rarest_words(modals), _rarest_words(plans + auxiliaries), _rarest_words(roles)
    return OtherLanguages(
        modal=modal if modals else None,  # (an empty list would make a pattern that matches anything)
        modal_words=modal_words,
        plan=plan if plans or passives else None,
        plan_words=plan_words,
        user_clause=user if roles and wants else None,
        role_words=role_words,
        final_imperatives=frozenset(every(langs, "final-imperatives")),
        finite_words=frozenset(every(langs, "finite-words")),
        work_nouns=frozenset(every(langs, "work-nouns")),
        words=modal_words | plan_words | role_words,
        criterion=_criterion(langs),
        criterion_words=_rarest_words(every(langs, "abilities") + modals),
        gherkin=_gherkin(langs),
    )


def _criterion(langs: dict[str, Any]) -> LazyRegex | None:
    """A checklist item that states behaviour: what someone can do ("El usuario puede descargar
    el PDF", "Der Kunde kann seine Adresse ändern"), not what may be ("puede ser"), or what must
    be shown ("debe mostrar", "soll angezeigt werden")."""
    abilities, modals, shown = every(langs, "abilities"), every(langs, "modals"), every(langs, "shown-verbs")
    parts = []
    if abilities:
        guesses = every(langs, "speculations")
        guess = rf"(?!(?:{phrases(guesses)})\b)" if guesses else ""
        parts.append(rf"\b(?:{phrases(abilities)})\s++{guess}[^\W\d_]")
    if modals and shown:
        parts.append(rf"\b(?:{phrases(modals)})\s++(?:\S+\s++){{0,3}}?(?:{phrases(shown)})\b")
    return LazyRegex("|".join(parts)) if parts else None


def _gherkin(langs: dict[str, Any]) -> Gherkin:
    def keywords(key: str, lead: str = r"\b") -> str:
        return rf"{lead}{words(key, langs)}\b"

    return Gherkin(
        given=LazyRegex(keywords("given", lead=r"^[ \t*_>-]*+"), re.MULTILINE),
        when=LazyRegex(keywords("when")),
        then=LazyRegex(keywords("then")),
        scenario=LazyRegex(keywords("scenario", lead=r"^[ \t*_#>-]*+"), re.MULTILINE),  # (also a Markdown heading)
        result=LazyRegex(keywords("results")),
    )


def _word_pairs(items: list[str], imperatives: frozenset[str]) -> frozenset[tuple[str, str]]:
    """Two-word starts as (first, second) lower-case words; the first must be an imperative
    (a pair that starts with any other word would never be asked about)."""
    key = "not_orders (grammar.toml) / not-orders (languages.toml)"
    pairs = [tuple(x.lower().split()) for x in items]
    for p in pairs:
        if len(p) != 2:
            raise ValueError(f"{key}: {' '.join(p)!r} is not two words")
        if p[0] not in imperatives:
            raise ValueError(f"{key}: {' '.join(p)!r} does not start with an imperative")
    return frozenset((p[0], p[1]) for p in pairs)


@cache
def grammar() -> Grammar:
    from .rulepack import pack_data

    data, langs = pack_data("grammar.toml"), bundled()

    def with_other(words: list[str], key: str) -> frozenset[str]:
        return frozenset(words + every(langs, key))

    imperatives = with_other(data["imperatives"], "imperatives")
    return Grammar(
        imperatives=imperatives,
        behaviour_verbs=with_other(data["behaviour_verbs"], "behaviour-verbs"),
        request_verbs=frozenset(data["request_verbs"]),
        degree_verbs=frozenset(data["degree_verbs"]),
        fillers=frozenset(data["fillers"]),
        clause_openers=frozenset(data["clause_openers"]),
        team_subjects=frozenset(data["team_subjects"]),
        technical_roles=with_other(data["technical_roles"], "technical-roles"),
        user_roles=frozenset(data["user_roles"]),
        component_subjects=frozenset(data["component_subjects"]),
        symptoms=tuple(data["symptoms"]),
        fix_names=frozenset(data["symptoms"] + data["defects"]),
        code_change_verbs=frozenset(data["code_change_verbs"]),
        not_orders=_word_pairs(data["not_orders"] + every(langs, "not-orders"), imperatives),
        other=_other_languages(langs),
    )


@cache
def _capability_re() -> re.Pattern[str]:
    """"Users can ...", "Learners should be able to ...": who can then do something."""
    who = "|".join(map(re.escape, sorted({*_CAPABILITY_SUBJECTS, *grammar().user_roles}, key=lambda w: (-len(w), w))))
    return re.compile(
        rf"\s*+(?:{who})\s++(?:can|could|am able|are able|will be able|should be able|want|need|would like)\b", re.IGNORECASE
    )


@dataclass(slots=True)
class _Flags:
    imperative: bool = False
    behaviour: bool = False
    modal: bool = False
    plan: bool = False
    user_clause: bool = False
    technical_role: bool = False
    capability: bool = False
    system_want: bool = False  # "I want the system to store X in Y"
    verb: str = ""
    verb_at: int = -1  # where the word that gave `verb` starts (field offset)
    role_end: int = -1  # where the role of "As a <role> I want" ends (field offset)
    docs_work: bool = False  # the work is documentation
    asks: bool = False  # a question that proposes nothing
    optional: bool = False  # an item marked optional ("Optional: ...", "(optional) ..."): a suggestion
    fix: bool = False  # a plan that states the fix ("the fix is to ...", "we should fix this by ...")
    degree_at: int = -1  # where a degree verb opening the sentence stands ("Reduce the padding"; field offset)


@dataclass(slots=True)
class SentenceInfo:
    field: str
    start: int
    end: int
    text: str  # masked text of the sentence
    kind: str  # block kind
    section: str
    _words: list[str] | None  # tokens as written, made on first use (most rules need only `lowered`)
    block_start: int = 0  # identifies the block (list item, paragraph) the sentence is in
    heading: str = ""  # the nearest heading above
    # Flags are computed on first use: most sentences never hold a candidate term, and
    # their modal / plan / user-clause regexes are then never run.
    _flags: _Flags | None = None
    _src: tuple[ParsedStory, Sentence] | None = None
    _code_like: bool | None = None
    _surface: bool | None = None
    _docs_possible: bool = True  # False: the story's one scan rules out documentation work

    @property
    def words(self) -> list[str]:
        if self._words is None:
            words = tokenize(self.text)
            if len(words) != len(self.lowered):  # a letter whose lower case is not a word character
                self.lowered = [w.lower() for w in words]
                self.vocab = frozenset(self.lowered)
            self._words = words
        return self._words

    @property
    def asks_surface(self) -> bool:
        """Asks for the product's own surface (`storylint.surface`): read once a sentence, as the
        exemptions ask it for each term and name the sentence holds."""
        if self._surface is None:
            self._surface = surface_asked(self.text, self.vocab)
        return self._surface

    @property
    def code_like(self) -> bool:
        """Holds something shaped like a name from code (snake_case, camelCase, a.b, f(), ::)."""
        if self._code_like is None:
            self._code_like = found(_CODE_LIKE, self.text)
        return self._code_like

    @property
    def flags(self) -> _Flags:
        if self._flags is None:
            assert self._src is not None
            self._flags = _compute_flags(self, *self._src)
            self._src = None
        return self._flags

    @property
    def imperative(self) -> bool:
        """Starts with a build verb (or is a want that dictates how the system is built)."""
        return self.flags.imperative

    @property
    def behaviour(self) -> bool:
        """Starts with a verb that usually states observable behaviour (show, allow ...)."""
        return self.flags.behaviour

    @property
    def modal(self) -> bool:
        return self.flags.modal

    @property
    def plan(self) -> bool:
        return self.flags.plan

    @property
    def user_clause(self) -> bool:
        return self.flags.user_clause

    @property
    def docs_work(self) -> bool:
        """The sentence's work is documentation ("Update the wiki page on `retryPolicy`")."""
        return self.flags.docs_work

    @property
    def asks(self) -> bool:
        """A question that proposes nothing ("what is the difference between X and Y?")."""
        return self.flags.asks

    @property
    def optional(self) -> bool:
        """An item the writer marks optional ("optional: add a radio button"): left to the team."""
        return self.flags.optional

    @property
    def role_end(self) -> int:
        """Field offset where the role of a user clause ends (-1 without one)."""
        return self.flags.role_end

    @property
    def technical_role(self) -> bool:
        return self.flags.technical_role

    @property
    def capability(self) -> bool:
        return self.flags.capability

    @property
    def system_want(self) -> bool:
        return self.flags.system_want

    @property
    def verb(self) -> str:
        return self.flags.verb

    @property
    def verb_at(self) -> int:
        """Field offset of the word that gave `verb` (-1 without one)."""
        return self.flags.verb_at

    @property
    def orders_code_change(self) -> bool:
        """A title that orders a part of the system changed ("Remove X", "Migrate X to Y")."""
        return self.field == "title" and self.imperative and self.verb in grammar().code_change_verbs and not self.docs_work

    @property
    def states_fix(self) -> bool:
        """Says how to fix it ("The fix is to cast after Math.min", "fix this by adding X"): the
        report proposes the build, whatever its mood."""
        return self.flags.fix

    @property
    def puts_fix_forward(self) -> bool:
        """The writer's own proposal of the build ("I suggest a `withHooks` wrapper", "An idea
        would be to fire the events in `read`", "The solution then, is X should call Y"): it
        directs even where a form puts it, under "Expected behavior" or "Steps to reproduce"."""
        f = self.flags
        return f.fix or (f.plan and _PUTS_FORWARD_RE.search(self.text) is not None)

    @property
    def directive(self) -> bool:
        return self.imperative or self.modal or self.plan or self.section == SEC_PROPOSAL

    @property
    def requirement(self) -> bool:
        """Directive, or an acceptance criterion: HOW written into the criteria is prescribed too."""
        return self.directive or self.section == SEC_AC

    lowered: list[str] = dc_field(default_factory=list)
    vocab: frozenset[str] = frozenset()  # lowered tokens, for quick rejection
    _tokens: list[tuple[int, int, str]] | None = None

    def word_start(self, i: int) -> int:
        """Field offset of word `i`, without making every token's position (`tokens`)."""
        if self._tokens is not None:
            return self._tokens[i][0]
        if not i:  # (the first match: a third of the cost of an iterator's)
            return self.start + TOKEN_RE.search(self.text).start()  # type: ignore[union-attr]
        return self.start + next(islice(TOKEN_RE.finditer(self.text), i, None)).start()

    @property
    def tokens(self) -> list[tuple[int, int, str]]:
        """(start, end, word) in field offsets; computed only when a rule needs positions."""
        if self._tokens is None:
            base, text = self.start, self.text
            if _plain(text):
                # each word is the next run of word characters: it starts where its first
                # occurrence after the word before does (a third cheaper than a match object each)
                find, at, tokens = text.find, 0, []
                for word in text.encode().translate(_WORD_BYTES).decode().split():
                    at = find(word, at)
                    end = at + len(word)
                    tokens.append((base + at, base + end, word))
                    at = end
                self._tokens = tokens
            else:
                self._tokens = [(base + m.start(), base + m.end(), m.group(0)) for m in TOKEN_RE.finditer(text)]
        return self._tokens


@dataclass(slots=True)
class Analysis:
    parsed: ParsedStory
    sentences: list[SentenceInfo] = dc_field(default_factory=list)
    accepted: frozenset[str] = frozenset()  # team vocabulary (lower-case)

    _all: str | None = None
    _lower: str | None = None
    # the one RE2 scan of the story (see checks/_prefilter.py): patterns known to it, and of
    # those the ones that may match; None: no answer, every pattern may match
    _known: frozenset[tuple[str, bool]] = frozenset()
    _possible: frozenset[tuple[str, bool]] | None = None

    _title_changes_code: bool | None = None

    @property
    def title_changes_code(self) -> bool:
        """The title orders a part of the system changed ("Remove X", "Migrate X to Y"): the
        names from code its body lists are that order's objects."""
        if self._title_changes_code is None:
            self._title_changes_code = any(s.orders_code_change for s in self.sentences[:2])
        return self._title_changes_code

    def may_match(self, key: tuple[str, bool]) -> bool:
        """False only when the story's one scan showed that pattern `key` cannot match."""
        return self._possible is None or key not in self._known or key in self._possible

    def scanned_for(self, key: tuple[str, bool]) -> bool:
        """The story's one scan answered for pattern `key` (then `may_match` is its answer)."""
        return self._possible is not None and key in self._known

    def may_match_of(self, keys: frozenset[tuple[str, bool]]) -> frozenset[tuple[str, bool]]:
        """Those of `keys` that `may_match` (two set operations for them all, not a call each)."""
        possible = self._possible
        if possible is None:
            return keys
        return (keys & possible) | (keys - self._known)

    def prefiltered(self, known: frozenset[tuple[str, bool]], possible: frozenset[tuple[str, bool]] | None) -> None:
        """Take the scan's answer; with it, a story with no name from code, or no word of
        documentation work, skips that test in every sentence."""
        self._known, self._possible = known, possible
        if possible is None:
            return
        if CODE_LIKE_KEY in known and CODE_LIKE_KEY not in possible:
            for s in self.sentences:
                s._code_like = False
        if DOCS_WORK_KEY in known and DOCS_WORK_KEY not in possible:
            for s in self.sentences:
                s._docs_possible = False
    _starts: dict[str, list[int]] = dc_field(default_factory=dict)
    _by_field: dict[str, list[SentenceInfo]] = dc_field(default_factory=dict)

    def all_text(self, lower: bool = False) -> str:
        """Title and body (masked) as one string, for cheap substring prefilters."""
        if self._all is None:
            self._all = self.parsed.masked_title + "\n" + self.parsed.masked_body
        if not lower:
            return self._all
        if self._lower is None:
            self._lower = self._all.lower()
        return self._lower

    _vocab: frozenset[str] | None = None

    @property
    def vocab(self) -> frozenset[str]:
        """Every lower-cased word of the story: rules whose terms miss it skip the story."""
        if self._vocab is None:
            self._vocab = frozenset().union(*(s.vocab for s in self.sentences))
        return self._vocab

    _shared: dict[int, Any] = dc_field(default_factory=dict)

    def shared(self, key: int, compute: Callable[[], T]) -> T:
        """What several rules of a run derive from the same story, computed once (`key`:
        the id of the run-wide object that computes it)."""
        value = self._shared.get(key, _UNSET)
        if value is _UNSET:  # (not a KeyError caught: two a story, some 1,600 instructions each)
            value = self._shared[key] = compute()
        return cast(T, value)

    _span_index: dict[str, tuple[list[int], list[Span]]] | None = None

    def spans_in(self, s: SentenceInfo) -> list[Span]:
        """Inline code spans that start inside a sentence (bisect: no scan of every span)."""
        if self._span_index is None:
            index: dict[str, tuple[list[int], list[Span]]] = {}
            for field_name in ("title", "body"):
                spans = sorted((c for c in self.parsed.code_spans if c.field == field_name), key=lambda c: c.start)
                index[field_name] = ([c.start for c in spans], spans)
            self._span_index = index
        starts, spans = self._span_index[s.field]
        return spans[bisect_left(starts, s.start) : bisect_left(starts, s.end)]

    def sentence_at(self, field_name: str, offset: int) -> SentenceInfo | None:
        """The sentence of a field that contains an offset (sentences are in text order)."""
        starts = self._starts.get(field_name)
        if starts is None:
            mine = [x for x in self.sentences if x.field == field_name]
            self._by_field[field_name] = mine
            starts = self._starts[field_name] = [x.start for x in mine]
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return None
        found = self._by_field[field_name][i]
        return found if offset < found.end else None

    def code_blocks(self) -> list[tuple[int, int, str]]:
        return [(b.start, b.end, b.lang) for b in self.parsed.blocks if b.kind == CODE]


# Words that must be present before the (slower) regexes are worth running.
# Modals that order nobody: the user's burden today ("one has to copy it"), a need denied
# ("you don't need to"), and the purpose clause, which states the benefit ("so that ...").
_NOT_AN_ORDER_RE = lazy(
    # (also "you'd have to", "users will need to": what it would take them; not "they will need
    # to", which is as often said of the parts to build)
    r"\b(?:(?:one|you|users?|customers?|people|everyone|everybody)(?:'d|'ll|\s+would|\s+will)?|they|he|she)\s+"
    r"(?:\w+ly\s+|still\s+|now\s+|always\s+|often\s+)?(?:has to|have to|needs? to|must)\b"
    r"|\b(?:don'?t|do not|doesn'?t|does not|won'?t|will not|no longer|never) (?:\w+ )?(?:need|have) to\b"
    r"|\bso(?: that)? (?:i|we|you|they|users?|people|one|customers?|he|she|it)\b.*",  # the purpose clause states the benefit
    re.IGNORECASE,
)
# A question asks; only one that proposes ("how about we ...", "should we ...") directs.
# "Optional: add a radio button", "(optional) sort out the CA cert", "Optionally, ...", "Nice to
# have: ...": the writer leaves the item to the team (not "Optional fields should be nullable")
_OPTIONAL_RE = lazy(
    r"[^\w(\[]*+(?:[(\[]\s*+optional\s*+[)\]]|optional\s*+:|optionally\b|[(\[]?\s*+nice[- ]to[- ]have\s*+[:)\]]"
    r"|stretch\s++goal\s*+:)",
    re.IGNORECASE,
)
_OPTIONAL_OPENERS = frozenset({"optional", "optionally", "nice", "stretch"})
_PROPOSING_QUESTION_RE = lazy(
    r"\b(?:how|what) about\b|\bwhy not\b|\b(?:should|shall|could|can|would|must) (?:we|you|the team)\b"
    r"|\bwould it (?:be|make)\b|\bis it (?:possible|worth)\b|\bwhat if we\b"
    # "Maybe we can use X for it?" (not "Maybe we can see the totals somewhere?")
    r"|\b(?:maybe|perhaps) (?:we|you|the team) (?:can|could|should) (?:also |just |simply )?" + _PROPOSED_BUILD + r"\b",
    re.IGNORECASE,
)
# The reporter's side, not the team's plan: the burden today ("Currently, we have to ...",
# "Right now, to do this I need to ...") and a wish for what they could do ("It would really
# help if we could ...", "it would be nice if I could ...").
_USERS_SIDE_RE = lazy(
    r"\b(?:currently|right now|at the moment|as of now|at present)\b,?\s*+(?:(?:in order )?to [^,.;]{1,60}?,?\s*+)?"
    r"\b(?:we|i)\s++(?:(?:still|always|often|usually)\s++)?(?:have to|need to|must)\b"  # not "we will have to": a plan
    # the writer's own situation: "When I want to build with Maven 3, I have to choose ..." (not
    # "If we want X, we need to use Redis", the team's plan; nor one between the two clauses: "If
    # I understand it, we should use Redis and I need to ...", whose plan this span would hide)
    r"|\b(?:when|whenever|if|every time|each time)\s++i\s++"
    r"(?:(?!\b(?:we|us|let'?s|should|shall|must|will|ought|propose|suggest|recommend)\b|'ll\b)[^.;!?\n]){1,80}?,?\s*+\bi\s++"
    r"(?:(?:still|always|often|usually|then|first)\s++)?(?:have to|need to|must)\b"
    r"|\b(?:it|that|this)(?:'d|\s+would)\s++(?:\w+\s++)?(?:help|be\s++(?:\w+\s++)?(?:nice|great|useful|helpful|awesome|cool|handy|"
    r"convenient))\s++(?:\w+\s++)?if\s++(?:we|i)\s++(?:could|can|were able to)\b",
    re.IGNORECASE,
)
# The writer's own need: "I have to iterate over the whole dataset", "I must use 2 columns"
_OWN_NEED = r"\bi\s++(?:(?:still|always|often|usually|then|first|just|really|also|now|currently)\s++)?(?:have\s++to|need\s++to|must)\b"
_OWN_NEED_RE = lazy(_OWN_NEED, re.IGNORECASE)
# ... and, for its modals, what follows from it in a "so" clause, the same burden ("I have to pass
# a pointer, so many headers need to include it"), not a strong order put there ("so X must be
# rewritten", "so we should ..."). A plan put there is one whatever its words ("so I'll add a
# task", "so it would be better to ..."): plans are exempted within `_OWN_NEED_RE` only
_OWN_BURDEN_RE = lazy(
    _OWN_NEED + r"(?:[^.;!?\n]{0,200}?\bso\s++(?:(?!\b(?:we|us|let'?s|should|shall|must|will|ought|propose|suggest|recommend)\b|'ll\b)[^.;!?\n]){1,200}+)?",
    re.IGNORECASE,
)
_OWN_NEED_WORDS = frozenset({"have", "need", "must"})
# A plan whose object is what someone can then do: "we should make it simple for the other
# services to enable TLS", "we would like to enable the ability of querying X", "we need to
# provide a way to ...": the capability wanted, as the imperative "Add the ability to ..." is
# (`_GIVES_CAPABILITY`); not where the sentence gives the means as well ("by moving X to Y",
# "if we move X to Y, we should make it easier to ...")
_CAPABILITY_PLAN_RE = lazy(
    r"\b(?:we|i)\s++(?:(?:really|also|just|still|all|now)\s++)?(?:need\s++to|have\s++to|must|should|would\s++like\s++to|"
    r"'d\s++like\s++to|want\s++to|will)\s++(?:(?:also|just|simply|really)\s++)?(?:make|give|provide|add|enable|offer)"
    r"(?:\s++(?!it\b|an?\b|the\b|some\b)(?P<who>\w++))?"  # "give users the ability", "provide simple way"
    r"(?:\s++(?:(?:an?|the|some)\s++)?(?:(?:new|basic|optional|simple)\s++)?(?:ability|abilities|option|options|possibility|way)\s++(?:to|for|of)"
    r"|\s++it\s++(?:(?:also|much|far|a\s++lot|way|more)\s++)?(?:easier|simpler|simple|easy|possible|clearer)\s++(?:to|for))\b",
    re.IGNORECASE,
)
_CAPABILITY_WORDS = frozenset({"ability", "abilities", "option", "options", "possibility", "way", "easier", "simpler",
                               "simple", "easy", "possible", "clearer"})  # fmt: skip
_MEANS_RE = lazy(r"\bby\s++[a-z]+ing\b|\b(?:if|once|when|after)\s++we\b", re.IGNORECASE)
# The means given to the capability's own verb: "make it easier to scale the workers using
# Kafka", "provide a way to store the sessions in Redis"; "in" only where nobody is named who
# exercises it (then the verb is the system's: "store X in Redis"), as "for the gateways to
# enable TLS in Nginx" is theirs. A participle on the people ("for teams using Helm to ...")
# comes before their "to" and is skipped.
_CAPABILITY_MEANS_RE = lazy(r"\b(?:using|with|via|through)\s", re.IGNORECASE)
_CAPABILITY_PLACE_RE = lazy(r"\b(?:in|into)\s", re.IGNORECASE)
_CAPABILITY_FOR_TO_RE = lazy(r"\bto\s", re.IGNORECASE)
_NOT_WHO = frozenset({"new", "basic", "optional", "simple", "easy", "easier", "better", "more", "clear", "clean"})


def _capability_means(text: str) -> bool:
    """The capability's verb is given its means ("... to scale X using Kafka", "... a way to
    store X in Redis"): an order to build that way, not only what someone can then do."""
    for m in _CAPABILITY_PLAN_RE.finditer(text):
        rest = text[m.end() :].split(";", 1)[0]
        who = m.group("who")
        named = who is not None and who.lower() not in _NOT_WHO
        if m.group(0).lower().endswith("for"):  # "for the other gateways to enable ...": theirs
            to = _CAPABILITY_FOR_TO_RE.search(rest)
            if to is None:
                continue
            rest, named = rest[to.end() :], True
        if _CAPABILITY_MEANS_RE.search(rest) or (not named and _CAPABILITY_PLACE_RE.search(rest)):
            return True
    return False
# An ability denied ("we can no longer access X", "we can't select them", "we could not load
# it"): the state of things, which a plan's "we can" / "we could" must not be read into.
_CANNOT_RE = lazy(
    r"\bwe\s++(?:can|could)(?:\s++(?:still\s++|simply\s++|just\s++)?(?:not|no\s++longer|never)\b|n?['\u2019]t\b)",
    re.IGNORECASE,
)
# The writer's view of the fix: "I think the following lines should be wrapped in an #ifdef",
# "It appears to me that ACL_X should be granted to Y", "I think a similar change is needed for
# `rename_table`", "I think it would be nice to avoid `Browser#preload` when ...": the fix, stated
# as an opinion (`_opinion_fix` checks the verb: one that changes the build, not "show" or "work").
_OPINION_FIX_RE = lazy(
    r"(?:\b(?:i|we)\s++(?:(?:still|really|do|would)\s++)?(?:think|believe|feel|suppose|guess)|\bit\s++(?:seems|appears)(?:\s++to\s++me)?"
    r"|\bin\s++my\s++opinion|\bimo)\b,?\s*+(?:that\s++)?(?:[^.;!?\n]{0,100}?\s)??"
    r"(?:(?:should|must|needs?\s++to|ha(?:s|ve)\s++to|would\s++(?:also\s++)?need\s++to)\s++(?:also\s++|just\s++|simply\s++|probably\s++)?"
    r"(?:be\s++(?P<done>[a-z]+ed|rewritten|split|made|written|built)|(?P<verb>[a-z]+))"
    r"|(?:a|the|this|some|similar|an?\s++\w+)\s++(?:change|fix|patch|check|guard)s?\b[^.;!?\n]{0,60}?\b(?:is|are)\s++(?:needed|required)"
    r"|it\s++would\s++be\s++(?:nice|good|better|best|cleaner|simpler|easier|great|wise)\s++to\s++(?P<wish>[a-z]+))\b",
    re.IGNORECASE,
)
_OPINION_WORDS = frozenset({"think", "believe", "feel", "suppose", "guess", "seems", "appears", "opinion", "imo"})
#: a participle after "should be" that states what is seen or said, not a change to the build
_NOT_BUILT = frozenset({"fixed", "resolved", "solved", "addressed", "allowed", "expected", "supported", "needed",
                        "required", "considered", "documented", "mentioned", "noted", "discussed", "reported",
                        "displayed", "showed", "listed", "returned", "accepted", "rejected", "enabled", "disabled",
                        "sorted", "filtered", "notified", "preserved", "based", "called", "named", "used"})  # fmt: skip


#: ... and a verb after the modal that states what is observed ("`parse` should return X", as
#: `_BEHAVIOUR_MODAL_RE` reads it)
_OBSERVED_VERBS = frozenset({"return", "show", "display", "allow", "let", "support", "provide", "give", "behave", "work",
                             "accept", "reject", "appear", "contain", "list", "respond", "succeed", "warn", "notify",
                             "open", "redirect", "remain", "stay", "see", "get", "receive", "look", "read", "match",
                             "honor", "honour", "respect", "reflect", "continue", "stop", "start", "finish",
                             "complete", "take", "load"})  # fmt: skip


def _opinion_fix(text: str, g: Grammar) -> bool:
    """The writer's view of the fix, whose verb changes the build (see `_OPINION_FIX_RE`)."""
    for m in _OPINION_FIX_RE.finditer(text):
        verb = (m.group("verb") or m.group("wish") or "").lower()
        done = (m.group("done") or "").lower()
        if done:
            if done not in _NOT_BUILT:
                return True
        elif not verb or (verb in g.imperatives and verb not in g.behaviour_verbs and verb not in _OBSERVED_VERBS):
            return True
    return False


_USERS_SIDE_WORDS = frozenset({"currently", "now", "moment", "present", "if"})
#: ... and the writer's own situation ("when I ..., I have to"), which needs "i" besides
_OWN_SITUATION_WORDS = frozenset({"when", "whenever", "time"})
# "X should return Y", "it must be visible": a modal whose object is what the user
# observes states required behaviour; only a modal that orders construction directs it.
_BEHAVIOUR_MODAL_RE = lazy(
    r"\b(?:should|must|shall|needs? to|has to|have to)\s+(?:(?:not|also|only|always|never|still|now)\s+)*"
    r"(?:be\s+(?:able|visible|possible|available|consistent|compatible|configurable|the same|similar|shown|displayed|"
    r"accepted|rejected|listed|sorted|filtered|enabled|disabled|allowed|readable|editable|searchable|reported|"
    r"notified|preserved|clear|obvious|easy|fast|faster|quick|responsive|accessible|identical|equal|correct|valid)|"
    r"return|show|display|allow|let|support|provide|give|behave|work|accept|reject|appear|contain|list|respond|"
    r"succeed|warn|notify|open|redirect|remain|stay|see|get|receive|look|read|match|honou?r|respect|reflect|"
    r"continue|stop|start|finish|complete|take|load)\b",
    re.IGNORECASE,
)


def behaviour_modal(text: str) -> bool:
    """A modal about what the user observes ("should return", "must be visible")."""
    return found(_BEHAVIOUR_MODAL_RE, text)


# Work whose product is documentation: the code names in it are what to write about.
DOCS_WORK_RE = lazy(
    r"\b(?:wiki|documentation|docs|readme|(?:user|developer|admin|installation|getting started|upgrade|upgrading|migration|"
    r"contributing|contributor|quick ?start|how-to|setup|deployment|operator|integration) guides?|"
    r"tutorial|release notes|(?:upgrade|migration|deprecation) notes?|changelog|javadocs?|docstrings?|help page|reference page)\b"
    r"|(?:^|\b(?:need to|needs to|should|must|will|to|please|let's|also))\s*(?:document|describe|explain)\b"
    r"|\bwrit(?:e|ing) (?:\w+ ){0,2}?about\b",  # "Write more specifically about the API endpoints"
    re.IGNORECASE,
)


_MODAL_WORDS = frozenset({"should", "must", "shall", "need", "needs", "has", "have", "ought", "be"})
#: fillers that open a body's step ("First, add ...") but in a title qualify its noun ("Second run
#: overwrites the export")
_SEQUENCE_WORDS = frozenset({"first", "second", "third", "next", "then", "finally", "lastly"})
# A title that opens as a question is one, mark or not ("Is there a way to X when using Y",
# "How to X", "Why does X"): an opener, and for the words that also open statements or orders
# ("Can't save", "Do not cache", "Does not start", "What's New dialog") the word after it that
# only a question puts there. None: any word may follow.
_SUBJECTS = frozenset({"i", "we", "you", "one", "someone", "somebody", "anyone", "anybody", "it", "this", "that",
                       "there", "the", "a", "an", "my", "our", "your", "they", "users", "people"})  # fmt: skip
_AUXILIARIES = frozenset({"is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would", "will", "s"})
_TITLE_QUESTIONS: dict[str, frozenset[str] | None] = {
    "how": _AUXILIARIES | {"to", "much", "many", "come"},
    "why": None,
    "what": _AUXILIARIES | {"happens", "happened", "if"},
    "where": _AUXILIARIES,
    "which": None,
    "is": None,
    "are": None,
    "does": None,
    "did": None,
    "do": _SUBJECTS - {"a", "an", "it", "this", "that", "the", "there"},  # "Do the export nightly": an order
    "can": _SUBJECTS,
    "could": _SUBJECTS,
    "should": _SUBJECTS,
    "would": _SUBJECTS,
    "will": _SUBJECTS,
    "has": frozenset({"anyone", "anybody", "someone", "somebody"}),
    "any": frozenset({"way", "plans", "plan", "chance", "reason", "idea", "ideas", "option", "options", "news", "update", "updates"}),
}
#: what may follow an opener that takes any word, but makes it a statement ("Does not start")
_NOT_AFTER_OPENER = frozenset({"not", "t", "nt"})


def _opens_question(info: SentenceInfo, full: str, k: int) -> bool:
    """The title's words from `k` (after its tags and label) open a question: the opener a
    word of its own ("is-true validator throws" is a name) and the right word after it."""
    lowered = info.lowered
    if k + 1 >= len(lowered):
        return False
    after = _TITLE_QUESTIONS.get(lowered[k], frozenset())
    nxt = lowered[k + 1]
    if not (nxt not in _NOT_AFTER_OPENER if after is None else nxt in after):
        return False
    end = info.word_start(k) + len(lowered[k])
    return full[end : end + 1] in (" ", "\t")

_PLAN_WORDS = frozenset({"we", "i", "another", "let", "lets", "us", "fix", "solution", "approach", "plan", "idea", "proposal",
                         "suggestion", "suggest", "propose", "workaround", "remedy", "solve", "resolve", "address",
                         "better", "nicer", "cleaner", "preferable", "patch", "pr", "changeset", "commit", "merge",
                         "pull", "about", "why", "option", "way", "alternative"})  # fmt: skip
# "Add the ability to configure X in the Helm chart": what the order builds is a capability
# for the user, and what it names is where the user exercises it.
_GIVES_CAPABILITY = lazy(
    r"\s++(?:(?:an?|the|some)\s++)?(?:(?:new|basic|optional|simple)\s++)?(?:ability|abilities|option|options|possibility|way)\s++(?:to|for)\b"
    # "Make it easier to debug ...", "Make it possible for users to ...": what someone can then do
    r"|\s++it\s++(?:(?:much|far|a\s++lot|way)\s++)?(?:easier|simpler|possible|clearer|(?:more|less)\s++\w+)\s++(?:to|for)\b",
    re.IGNORECASE,
)
_PROPOSE_WORDS = frozenset({"propose", "suggest", "recommend"})
# A verb joined by a hyphen to a word other than a particle starts a compound name
# ("Parse-tika", "Import-Package", "Install-redis script"), not an order ("Clean-up X").
_NAME_COMPOUND = lazy(r"-(?!(?:up|out|off|in|down|over|back)\b)[A-Za-z]")
_VERB_PREFIXES = frozenset({"re", "un", "de", "pre"})  # "Re-use", "Un-pin", "De-duplicate", "Pre-compute"
_NEGATIONS = frozenset({"not", "shouldn", "mustn", "t"})
# The fix, stated: "The fix is probably to do the cast after Math.min", "A simple fix would be
# increasing the interval", "We should fix this by making the scheduler use X".
_FIX_STATED_RE = lazy(
    r"\b(?:fix|solution|remedy)\s++(?:here\s++)?(?:(?:is|will\s++be|should\s++be)\s++(?:probably\s++|simply\s++|just\s++)?to\b"
    r"|(?:would|could|might)\s++be\s++(?:probably\s++|simply\s++|just\s++)?(?:to\b|[a-z]+ing\b))"
    # not what was tried: "I tried fixing it by using X, to no avail"
    r"|(?<!tried )(?<!tried to )\b(?:fix|fixed|fixing|solve|solved|resolve|resolved)\s++(?:this|it|(?:the\s++)?(?:problem|issue|bug))"
    r"\s++by\s++[a-z]+ing\b"
    # ... or in the passive: "This can maybe be fixed by adding buttons", "it could be solved by caching"
    # ("it can only be resolved by restarting the brokers" is a workaround, part of the symptom)
    r"|\b(?:can|could|might|would|should|may)\s++(?:(?!only\b)\w+ly\s++|maybe\s++|just\s++)?be\s++(?:fixed|solved|resolved|addressed)\s++by\s++[a-z]+ing\b",
    re.IGNORECASE,
)
# A proposal in the writer's own voice: "I suggest ...", "the solution is ...", "an idea
# would be to ..." (not "the fix is not in 4.5", "the general idea is that ...": a report's own)
_PUTS_FORWARD_RE = lazy(
    r"\b(?:i|we)(?:'d|\s++would)?\s++(?:suggest|propose)\b"
    r"|\b(?:solution|fix|remedy)(?:\s++(?:here|then|now|for this),?)?\s++(?:is|would be|will be|could be|might be)\s++"
    r"(?!not\b|in\b|available\b|already\b|merged\b|released\b)"
    r"|\b(?:idea|approach|proposal|suggestion|option)(?:\s++(?:here|then|now|for this),?)?\s++"
    r"(?:is|would be|will be|could be|might be)\s++to\b",
    re.IGNORECASE,
)
# ... but not a stopgap: "For now we fix it by restarting the server" is part of the symptom
_WORKAROUND_RE = lazy(r"\b(?:for now|for the time being|in the meantime|temporarily|as a workaround)\b", re.IGNORECASE)
_FIX_WORDS = frozenset({"fix", "fixed", "fixing", "solution", "remedy", "solve", "solved", "resolve", "resolved", "addressed"})
_CODE_LIKE = lazy(r"\w(?:_\w|\.\w|\()|[a-z][A-Z]|[A-Z][a-z0-9]+[A-Z]|::|->")  # (the \w branches as one: faster)
CODE_LIKE_KEY = (_CODE_LIKE.pattern, False)
DOCS_WORK_KEY = (DOCS_WORK_RE.pattern, True)
#: what every story's one scan is asked for the sentence analysis itself (see `prefiltered`)
ANALYSIS_KEYS = (CODE_LIKE_KEY, DOCS_WORK_KEY)

# On ASCII text an RE2 set says "no match" several times faster than `re`; a match is
# still `re`'s own (storylint.fastre). Most sentences match none of these.
_CODE_LIKE, _MODAL_RE, _PLAN_RE, DOCS_WORK_RE, _NOT_AN_ORDER_RE, _PROHIBITION_RE, _SYSTEM_WANT_RE, _BEHAVIOUR_MODAL_RE = (
    fast(rx) for rx in (_CODE_LIKE, _MODAL_RE, _PLAN_RE, DOCS_WORK_RE, _NOT_AN_ORDER_RE, _PROHIBITION_RE,
                        _SYSTEM_WANT_RE, _BEHAVIOUR_MODAL_RE)
)  # fmt: skip


def analyse(parsed: ParsedStory, accepted: frozenset[str] = frozenset()) -> Analysis:
    out = Analysis(parsed, accepted=accepted)
    # (each sentence made here, not by a function a sentence: the call cost as much as the rest)
    title, body = parsed.masked_title, parsed.masked_body
    append = out.sentences.append
    for s in parsed.sentences:
        text = (title if s.field == "title" else body)[s.start : s.end]
        low = text.lower()
        words: list[str] | None = None
        if len(low) == len(text):
            lowered = tokenize(low)
        else:  # a rare letter whose lower case changes length: lower each word instead
            words = TOKEN_RE.findall(text)
            lowered = [w.lower() for w in words]
        block = s.block
        append(SentenceInfo(s.field, s.start, s.end, text, block.kind, block.section, words, block.start, block.heading,
                            _src=(parsed, s), lowered=lowered, vocab=frozenset(lowered)))  # fmt: skip
    return out


#: -ing forms that start reports of what a user did ("Using X crashes", "Running the
#: job hangs") more often than they name work
_USER_ACTIONS = frozenset({"use", "run"})
#: A to-do item's modal with no subject before it ("Need to use X", "Must add Y"), and those of
#: them that take "to" before their verb.
_TODO_NEEDS_TO = frozenset({"need", "needs", "have", "has"})
_TODO_MODALS = _TODO_NEEDS_TO | {"must", "should"}


#: Finite verbs that make an -ing start the subject of a report, not the work named
_FINITE = frozenset({"is", "are", "was", "were", "isn", "aren", "wasn", "weren", "has", "have", "had", "hasn", "does",
                     "do", "did", "doesn", "don", "didn", "takes", "took", "fails", "failed", "loses", "lost", "causes",
                     "caused", "breaks", "broke", "crashes", "crashed", "hangs", "hung", "returns", "returned", "throws",
                     "threw", "shows", "showed", "gives", "gave", "makes", "made", "seems", "seemed", "looks", "leads",
                     "results", "produces", "produced", "creates", "freezes", "froze", "stops", "stopped", "needs",
                     "requires", "uses", "can", "cannot", "could", "should", "will", "would", "may", "might", "must",
                     "slows", "blocks", "leaks", "times", "overwrites", "deletes", "ignores", "skips", "triggers"})  # fmt: skip


#: Finite verbs that, right after a word that can be an imperative or a noun, make that word
#: the subject of a report ("Build fails on Windows", "Export is slow", "Update doesn't
#: apply", "Cache should expire"): an order is never followed by one. Not the participles,
#: as often adjectives ("Skip failed jobs", "Remove broken links"), nor the -s forms as often
#: a plural object ("Cache results", "Add triggers", "Remove uses of X").
_REPORTED_BY = frozenset({"is", "are", "was", "were", "isn", "aren", "wasn", "weren", "has", "hasn", "had", "hadn",
                          "does", "doesn", "did", "didn", "can", "cannot", "could", "couldn", "should", "shouldn",
                          "will", "won", "would", "wouldn", "must", "might", "fails", "takes", "loses", "seems",
                          "works", "happens", "occurs", "appears", "gets", "goes", "keeps", "produces", "creates",
                          "deletes", "overwrites", "requires", "needs", "generates", "leaves", "misses", "says",
                          "sends", "crashes", "hangs", "freezes", "breaks", "stops", "throws", "returns", "shows",
                          "causes"})  # fmt: skip
#: ... of which these are as often nouns, the object of a verb that acts on failures or
#: events ("Investigate crashes on startup", "Log hangs", "Handle returns"): only a word
#: that is not such a verb makes them its report ("Install crashes on macOS")
_REPORT_NOUNS = frozenset({"crashes", "hangs", "freezes", "breaks", "stops", "throws", "returns", "shows", "causes"})
_ACTS_ON_EVENTS = frozenset({"fix", "investigate", "handle", "avoid", "catch", "track", "log", "record", "debug"})
#: ... and the adverbs a report puts between the two ("Build still fails", "Sync sometimes hangs")
_REPORT_ADVERBS = frozenset({"still", "always", "never", "sometimes", "randomly", "often", "occasionally", "also",
                             "now", "intermittently", "suddenly", "just"})  # fmt: skip
#: ... and, after a short noun phrase ("Build output is wrong", "Run Configurations are greyed
#: out"), the finite verbs that no object could be (not a modal: "Use Redis would be faster"
#: still proposes Redis), past words that a noun phrase does not hold
_AFTER_NOUN = _REPORTED_BY - _REPORT_NOUNS - {"can", "cannot", "could", "couldn", "should", "shouldn", "will", "won",
                                              "would", "wouldn", "must", "might"}  # fmt: skip
_NOT_IN_NOUN = frozenset({"the", "a", "an", "that", "which", "who", "if", "when", "so", "because", "as", "since", "and",
                          "or", "but", "to", "it", "this", "these", "those", "they", "we", "you", "i", "he", "she",
                          "there", "where", "what", "how", "why", "whether", "until", "unless", "once", "in", "on",
                          "for", "with", "from", "by", "at", "into", "my", "our", "your", "its", "their", "all", "each",
                          "every", "any", "some", "no", "not", "then", "only", "sure", "out", "up", "down", "off",
                          "of"})  # fmt: skip
#: words a noun phrase may hold between the two ("Build output is wrong"): a control's name
#: runs to three or four ("Change font size button is missing", "Add dark mode toggle button
#: is missing"); a determiner, a preposition or a conjunction (`_NOT_IN_NOUN`) ends it sooner
_NOUN_WORDS = 4


def _subject_of_report(info: SentenceInfo, i: int, n: int, full: str, at: int, g: Grammar) -> bool:
    """Whether the imperative at word `i` (at `at` in `full`) is the subject of a report: a
    finite verb follows it ("Build fails on Windows", "Sync still hangs") or follows the short
    noun phrase it opens ("Build output is wrong"). An order is never followed by one: read as
    an order, a bug report's title dictated how to build its feature."""
    lowered = info.lowered
    word, j = lowered[i], i + 1
    if j < n - 1 and lowered[j] in _REPORT_ADVERBS:
        j += 1
    if j >= n:
        return False
    if lowered[j] not in _REPORTED_BY and word not in g.behaviour_verbs and word not in ("set", "make"):
        # (not "Ensure the flag is set", "Verify X is shown", "Set X is Y", "Make X is Y":
        # what those verbs take is a clause with its own verb)
        for k in range(j, min(j + _NOUN_WORDS, n - 1)):
            if lowered[k] in _NOT_IN_NOUN:  # (not in `_REPORTED_BY`: `j` is not, nor any `k + 1` gone past)
                break
            if lowered[k + 1] in _REPORTED_BY:
                j = k + 1 if lowered[k + 1] in _AFTER_NOUN else j
                break
    if lowered[j] not in _REPORTED_BY or (lowered[j] in _REPORT_NOUNS and word in _ACTS_ON_EVENTS):
        return False
    # only words and single spaces between: not "Update: is the flag set?", "Add tests, docs are
    # missing", "enable - causes X to ..."
    between = full[at + len(word) : info.word_start(j)]
    return between[:1] == " " and (
        between == " " or all(w[:1].isalpha() and w.replace("-", "").isalpha() for w in between[1:-1].split(" "))
    )


def _base_verb(gerund: str, g: Grammar) -> str:
    """The imperative an -ing form comes from ("upgrading" -> "upgrade"), or ""."""
    if not gerund.endswith("ing"):
        return ""
    stem = gerund[:-3]
    for verb in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if verb in g.imperatives:
            return verb
    return ""


def can_order(term: str) -> bool:
    """Whether `term` can start where the analysis finds the verb that orders the work
    (`SentenceInfo.verb_at`): an imperative, the -ing form of one, a prefixed verb ("re-use"),
    "get rid of", another language's work noun or closing verb. A terms rule's `verb-only`
    term that cannot would silently never count."""
    g = grammar()
    words = [w.lower() for w in TOKEN_RE.findall(term)]
    if not words:
        return False
    first = words[0]
    if first in g.imperatives or _base_verb(first, g) or first in g.other.work_nouns or first in g.other.final_imperatives:
        return True
    if words[:3] == ["get", "rid", "of"]:
        return True
    # as `_compute_flags` reads "Re-use X", "Un-pin Y": the joined verb, or any verb after "re-"
    nxt = words[1] if len(words) > 1 else ""
    return first in _VERB_PREFIXES and bool(nxt) and (first + nxt in g.imperatives or (first == "re" and nxt in g.imperatives))


def _only_within(rx: re.Pattern[str], side: re.Pattern[str], text: str) -> bool:
    """Every match of `rx` lies in what `side` matches: with those spans blanked, none is left."""
    return found(side, text) and not found(rx, side.sub(" ", text))


_QUOTES = frozenset("\"'`\u201c\u2018")
#: words a leading clause may hold before its comma ("When the user clicks Approve, ...")
CLAUSE_MAX_WORDS = 12


def _after_clause(info: SentenceInfo, text: str, i: int, n: int, g: Grammar) -> int:
    """The first word after a leading clause that word `i` opens and a comma closes (past
    fillers), where a sentence's order stands; `i` when no comma ends such a clause."""
    opener = info.word_start(i) - info.start
    comma = text.find(",", opener)  # (a filler before the opener may have its own: "Instead, to X, ...")
    if comma < 0 or text.count("(", opener, comma) > text.count(")", opener, comma):
        return i  # no clause closes; or the comma is a parenthesis's ("(Studio, build: 3.2)")
    j = len(TOKEN_RE.findall(text, 0, comma))  # the first word after the comma (no word holds one)
    if j >= n - 1 or j - i > CLAUSE_MAX_WORDS:
        return i
    while j < n - 1 and info.lowered[j] in g.fillers:
        j += 1
    start = info.word_start(j) - info.start
    if text[start - 1 : start] in _QUOTES:
        return i  # a quoted word opens a clause of its own ('When X, "reserve" ACLs are checked')
    return j


_DETERMINERS = frozenset({"the", "our", "a", "an", "this", "that", "each", "every"})


def _part_will_build(lowered: list[str], i: int, n: int, g: Grammar) -> bool:
    """"The backend will add a column ...", "Each worker shall write ...": a part of the system
    (or the team) as the subject of what will be built: the team's plan, as "we will" is."""
    j = i + (i < n and lowered[i] in _DETERMINERS)
    if j + 2 >= n or lowered[j] not in g.team_subjects or lowered[j + 1] not in ("will", "shall"):
        return False
    verb = lowered[j + 2]
    return verb in g.imperatives and verb not in g.behaviour_verbs


def _verb(f: _Flags, verb: str, at: int, g: Grammar) -> None:
    """The sentence's verb, at `at`: behaviour where it is one ("Show the total"), else an order."""
    f.verb, f.verb_at = verb, at
    if verb in g.behaviour_verbs:
        f.behaviour = True
    else:
        f.imperative = True


_CLOSING_QUOTE = {'"': '"', "\u201c": "\u201d"}
_QUOTE_END_PUNCT = frozenset(".!?,;:")


def _quoted_name(full: str, at: int, end: int) -> bool:
    """Whether the word at `at` opens a quotation that the sentence goes on after: a button's,
    a command's or an issue's name used as a noun ('"import numpy" fails with:', '"Enable Cloud
    Services" button stays enabled'), which mentions the verb and orders nothing. A sentence
    quoted whole still reads as what it says."""
    close = _CLOSING_QUOTE.get(full[at - 1 : at])
    if close is None:
        return False
    shut = full.find(close, at, end)
    if shut < 0:
        return False
    # a menu item's ellipsis ('"Save As..." does nothing') ends no sentence
    if full[shut - 1 : shut] in _QUOTE_END_PUNCT and not full.endswith(("...", "\u2026"), at, shut):
        return False  # a sentence quoted whole ('"Add a cache." he wrote')
    after = full[shut + 1 : end]
    opens = after.lstrip(" ")[:1]
    if opens == "(" and (aside := after.find(")")) > 0:
        after = after[aside + 1 :]  # an aside on the name ('"Import" (the menu item) is greyed out')
    elif opens == "," and after.lstrip(" ,")[:1] in ('"', "\u201c"):
        # a list of names ('"Add", "Edit" and "Delete" buttons do nothing'): the last one decides
        last = max(full.rfind('"', shut + 1, end), full.rfind("\u201d", shut + 1, end))
        after = full[last + 1 : end] if last > shut else ""
    # the name goes on into the sentence ('" button', '" fails'); a comma or a bracket after it
    # closes a quoted order ('"Add a Redis cache", as the lead asked', '"Add a cache" (the review).')
    rest = after.lstrip(" ")
    return rest[:1].isalnum() and len(rest) < len(after)


def _compute_flags(info: SentenceInfo, p: ParsedStory, s: Sentence) -> _Flags:
    g = grammar()
    f = _Flags()
    if not info.text.isascii():
        _ = info.words  # first: it may correct `lowered` (ASCII words and their lower case align)
    lowered, vocab, text = info.lowered, info.vocab, info.text
    full = p.masked(s.field)
    n = len(lowered)
    if not n:
        return f
    lead = len(text) - len(text.lstrip())  # (the space after the sentence before)
    colon = text.find(":")
    if text[lead : lead + 1].isalpha() and (colon < 0 or text.count(" ", lead, colon) > 4):
        # nothing for `_PREFIX_RE` to take but that white space: a letter opens no marker,
        # box or number, and a label (four words at most) needs its colon (most sentences;
        # the pattern's attempt cost 15,000 instructions)
        rest_start, k = s.start + lead, 0
        first = rest_start  # where word 0 starts (no word character before it)
    else:
        first = -1
        prefix = _PREFIX_RE.match(full, s.start, s.end)
        rest_start = prefix.end() if prefix else s.start
        k = len(TOKEN_RE.findall(full, s.start, rest_start)) if rest_start > s.start else 0
    i = k
    while i < n - 1 and lowered[i] in g.fillers:
        i += 1
    opens = i  # where the verb stands when only fillers come before it ("Please add ...")
    if i < n - 1 and lowered[i] in g.clause_openers:
        i = _after_clause(info, text, i, n, g)
    if i < n:
        lower = lowered[i]
        # where the word stands in `full` (word 0 after a letter's lead: no search for it)
        degree = lower in g.degree_verbs
        at = (first if i == 0 <= first else info.word_start(i)) if lower in g.imperatives or degree else 0
        # "Add ...", "add ...", "Please add ..." but not "Adds", not a capitalised word mid-title
        # like "Update Center", nor a lower-case one after a title's clause or an ordinal ("First
        # build after the upgrade fails": "first" is the noun's, not a step's)
        if (
            (lower in g.imperatives or degree)
            and (full[at].isupper() or s.block.kind != TITLE or (i == opens and _SEQUENCE_WORDS.isdisjoint(lowered[k:i])))
            and full[at - 1 : at] != "`"  # `build` is code, not a verb
            and not _quoted_name(full, at, s.end)  # '"Enable sync" button is grey': a name
            and _NAME_COMPOUND.match(full, at + len(lower)) is None  # "Parse-tika uses ...": a name
        ):
            if degree:
                # "Reduce the padding": an order only of what a rule builds to measure (its
                # `degree-objects`); "Increase font size button is missing" reports a control
                if _REPORTED_BY.isdisjoint(vocab) or not _subject_of_report(info, i, n, full, at, g):
                    f.degree_at = at
            # "make sure X" ("Stelle sicher, dass X") states an outcome; "Drop down menu ..." names a widget
            elif (lower, lowered[i + 1] if i + 1 < n else "") not in g.not_orders and (
                _REPORTED_BY.isdisjoint(vocab) or not _subject_of_report(info, i, n, full, at, g)
            ):
                f.verb, f.verb_at = lower, at
                if lower in g.behaviour_verbs or _GIVES_CAPABILITY.match(text, at - info.start + len(lower)):
                    f.behaviour = True
                else:
                    f.imperative = True
        elif lower in _VERB_PREFIXES and i + 1 < n and full[info.word_start(i) + len(lower) : info.word_start(i) + len(lower) + 1] == "-":
            # "Re-use X", "Un-pin Y", "De-duplicate Z": a prefixed verb, not a compound name
            joined, nxt = lower + lowered[i + 1], lowered[i + 1]
            # "Un-pin" (unpin is a verb), "Re-enable" (re- before any verb); not "Pre-build
            # hooks" or "Un-read badge" (no such verb), nor "Re-use of the settings" (a noun)
            verb = joined if joined in g.imperatives else nxt if lower == "re" and nxt in g.imperatives else ""
            if verb and lowered[i + 2 : i + 3] != ["of"]:
                _verb(f, verb, info.word_start(i), g)
        elif s.block.kind == TITLE and lower in g.other.work_nouns and i + 1 < n:
            # "Implementación de login con JWT", "Erstellung der Eingabemaske": the work, named
            f.imperative, f.verb, f.verb_at = True, lower, info.word_start(i)
        elif lower in _TODO_MODALS and i + 2 < n and (lowered[i + 1] == "to") == (lower in _TODO_NEEDS_TO):
            # "Need to use CXF", "Should add a flag": a to-do item with no subject orders its
            # verb as the imperative does (with a subject it is a plan or a behaviour)
            j = i + 2 if lower in _TODO_NEEDS_TO else i + 1
            j += lowered[j] in g.fillers and j + 1 < n
            verb = lowered[j]
            if verb in g.imperatives and (verb, lowered[j + 1] if j + 1 < n else "") not in g.not_orders:
                _verb(f, verb, info.word_start(j), g)
        elif lower == "get" and lowered[i + 1 : i + 3] == ["rid", "of"]:
            f.imperative, f.verb, f.verb_at = True, "remove", info.word_start(i)  # "Get rid of X": remove it
        elif lower in g.component_subjects and i + 2 < n and lowered[i + 1] == "to":
            # "Backend to emit metric updates": a build task assigned to a part of the system
            f.imperative = True
            f.verb, f.verb_at = lowered[i + 2], info.word_start(i + 2)
        else:
            # "Upgrading to Java 17" (a title or a task list's item naming the work), "Consider
            # switching to X": the work in its -ing form orders it as much as the imperative does
            word = i  # the word the verb comes from
            if lower == "consider" and i + 1 < n:
                verb, word = _base_verb(lowered[i + 1], g), i + 1
            elif s.block.kind in (TITLE, LIST_ITEM) and _FINITE.isdisjoint(lowered[i + 1 :]):
                # not the subject of a report: "Deploying with Docker takes ten minutes"
                verb = _base_verb(lower, g)
                verb = "" if verb in _USER_ACTIONS else verb
            else:
                verb = ""
            if verb and verb not in g.behaviour_verbs:
                f.imperative, f.verb, f.verb_at = True, verb, info.word_start(word)
    last = lowered[-1]
    if (
        not (f.imperative or f.behaviour)
        and n > 1
        and last in g.other.final_imperatives
        and s.block.kind in (TITLE, LIST_ITEM)
        and full[info.word_start(n - 1)].islower()  # "beim Speichern", "für jeden Laden": nouns
        and vocab.isdisjoint(g.other.finite_words)  # "Der Kunde kann seine Adresse ändern": behaviour
    ):
        # "Datenbanktabellen anlegen", "Rechnungen anzeigen": German's order closes its title or item
        _verb(f, last, info.word_start(n - 1), g)
    # "X should not cause Y" constrains behaviour; it does not direct the build.
    if not vocab.isdisjoint(_MODAL_WORDS) and found(_MODAL_RE, text):
        f.modal = vocab.isdisjoint(_NEGATIONS) or not found(_PROHIBITION_RE, text)
        if f.modal and _only_within(_MODAL_RE, _NOT_AN_ORDER_RE, text):
            # "today one has to copy it by hand" (the user's burden), "so that you don't need
            # to ..." (the benefit): a modal that orders nobody to build anything
            f.modal = False
    if not vocab.isdisjoint(_PLAN_WORDS):
        f.plan = found(_PLAN_RE, text)
        if f.plan and "we" in vocab and _only_within(_PLAN_RE, _CANNOT_RE, text):
            # "we can no longer access the features", "we can't select them": what the team or
            # the reporter cannot do is the symptom, not a plan ("we can use X" still is one)
            f.plan = False
    if not f.plan and ("will" in vocab or "shall" in vocab):
        f.plan = _part_will_build(lowered, i, n, g)
    other = g.other
    cued = not vocab.isdisjoint(other.words)  # most sentences (every English one) have no such cue
    if cued and not f.modal and other.modal is not None and not vocab.isdisjoint(other.modal_words):
        # "El backend debe usar Redis", not "no debe", "ne doit pas", "soll nicht"
        f.modal = any(m["neg"] is None and m["after"] is None for m in other.modal.compiled().finditer(text))
    if cued and not f.plan and other.plan is not None and not vocab.isdisjoint(other.plan_words):
        f.plan = other.plan.compiled().search(text) is not None  # "Vamos a usar Redis"
    if (f.modal or f.plan) and (
        not vocab.isdisjoint(_USERS_SIDE_WORDS) or ("i" in vocab and not vocab.isdisjoint(_OWN_SITUATION_WORDS))
    ):
        # "Currently we have to use a workaround", "it would help if we could ...": what it
        # takes today, or what the reporter wishes they could do; not what to build
        f.modal = f.modal and not _only_within(_MODAL_RE, _USERS_SIDE_RE, text)
        f.plan = f.plan and not _only_within(_PLAN_RE, _USERS_SIDE_RE, text)
    if (f.modal or f.plan) and "i" in vocab and not vocab.isdisjoint(_OWN_NEED_WORDS):
        # "since X cannot be copied, I have to pass a pointer around", "I need to run cmake
        # first": what the writer has to do, their burden; the team's plan is "we", or "I will"
        f.modal = f.modal and not _only_within(_MODAL_RE, _OWN_BURDEN_RE, text)
        f.plan = f.plan and not _only_within(_PLAN_RE, _OWN_NEED_RE, text)
    if (
        (f.modal or f.plan) and not vocab.isdisjoint(_CAPABILITY_WORDS) and not _MEANS_RE.search(text)
        and not _capability_means(text)
    ):
        # "we should make it simple for X to enable TLS": what someone can then do, the
        # capability wanted; what it names is where they exercise it, not how to build it
        f.modal = f.modal and not _only_within(_MODAL_RE, _CAPABILITY_PLAN_RE, text)
        f.plan = f.plan and not _only_within(_PLAN_RE, _CAPABILITY_PLAN_RE, text)
    if not vocab.isdisjoint(_FIX_WORDS) and _FIX_STATED_RE.search(text) and not _WORKAROUND_RE.search(text):
        f.fix = f.plan = True  # the fix, stated: the reporter's plan for the build
    elif not f.plan and not vocab.isdisjoint(_OPINION_WORDS) and _opinion_fix(text, g) and not _WORKAROUND_RE.search(text):
        # "I think X should be wrapped in Y": the writer's fix, given as their view (the team's
        # own "I think we should use X" stays the plan it was, a suggestion when said once)
        f.fix = f.plan = True
    if "as" in vocab:
        m = _USER_CLAUSE_RE.match(text)
        if m:
            f.user_clause = True
            f.role_end = info.start + m.end(1)
            role_words = {w.lower() for w in TOKEN_RE.findall(m.group(1))}
            f.technical_role = bool(role_words & g.technical_roles)
            # "As a developer I want to use X": the wanted action is itself a build verb
            want = _WANT_VERB_RE.search(text, m.end() - 3)
            if want and want.group(1).lower() in g.imperatives and want.group(1).lower() not in g.behaviour_verbs:
                # "... to use the connector in my jobs": the developer's own work with the product
                f.imperative = f.technical_role and not _OWN_WORK_RE.search(text, want.end())
    if cued and not f.user_clause and other.user_clause is not None and not vocab.isdisjoint(other.role_words):
        m = other.user_clause.compiled().match(text)
        if m:  # "Como usuario, quiero ...": the user's want, in another language
            f.user_clause = True
            f.role_end = info.start + m.end(1)
            f.technical_role = not g.technical_roles.isdisjoint(w.lower() for w in TOKEN_RE.findall(m.group(1)))
            wanted = TOKEN_RE.search(text, m.end())
            verb = wanted.group(0).lower() if wanted else ""
            if last in g.other.final_imperatives:
                verb = last  # "Als Entwickler möchte ich den Cache mit Redis implementieren"
            # "Como desarrollador, quiero implementar la caché con Redis": the want is a build step
            f.imperative = f.technical_role and verb in g.imperatives and verb not in g.behaviour_verbs
    subject = lowered[k] if k < n else ""
    if subject in _CAPABILITY_SUBJECTS or subject in g.user_roles:
        # "I would like to propose ...": a proposal to the team, not the user's own want
        f.capability = bool(_capability_re().match(full, rest_start, s.end)) and not (f.plan and not _PROPOSE_WORDS.isdisjoint(vocab))
    if f.capability and not f.user_clause and subject in _CAPABILITY_SUBJECTS:
        # "Users can ...": the user's want, whose words are no order. A named role's ability
        # ("Admins can ...") is an observable behaviour (criteria count it) but not a want:
        # read as one, it hid the HOW a story put there (1 of 18 prescribing stories on a set
        # never looked at, none gained on the tuning sets).
        f.user_clause = True
    if f.user_clause:
        # "As a ... I want ... so that I can ...": the user's want, not a plan for the team
        f.plan = f.modal = f.fix = False
        want = _SYSTEM_WANT_RE.search(text)
        if want:
            verb = want.group(1).lower()
            if verb in _BUILT_PARTICIPLES or (verb in g.imperatives and verb not in g.behaviour_verbs):
                f.imperative = f.system_want = True  # the want dictates how the system is built
    f.docs_work = info._docs_possible and found(DOCS_WORK_RE, text)
    if (
        text.endswith(("?", "\uff1f"))  # (the full-width mark of CJK keyboards too)
        # (a field's first sentence, and its opener looked up, before anything else is asked:
        # this runs for every sentence whose flags are read)
        or (s.start == 0 and k + 1 < n and lowered[k] in _TITLE_QUESTIONS and s.block.kind == TITLE and _opens_question(info, full, k))
    ) and not _PROPOSING_QUESTION_RE.search(text):
        # "what do I need to do to ...?", "Migrate database when update schema?": a
        # question about the product asks the team nothing; so does a title that opens as
        # one without its mark ("Is there a way to X when using Y", "How to X")
        f.imperative = f.modal = f.plan = f.fix = f.behaviour = False
        f.asks = True
    if lowered[0] in _OPTIONAL_OPENERS and _OPTIONAL_RE.match(text):
        f.optional = True
    if f.verb == "fix" and not vocab.isdisjoint(g.fix_names):
        # "Fix crash when ..." names the bug to remove, not how to remove it
        f.imperative = False
    return f
