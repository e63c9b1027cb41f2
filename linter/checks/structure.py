"""`kind = "outcome"` and `kind = "acceptance-criteria"`: what a story must have.

A story states an outcome when it says who benefits and what they can then do or why
it matters ("As a ... I want ... so that ...", "in order to", a Goal/Problem section
with content). It carries acceptance criteria when it has a criteria section with
content, Given/When/Then, or a checklist of observable behaviours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

from ..analysis import PEOPLE, Analysis, LazyRegex, SentenceInfo, behaviour_modal, grammar
from ..calibration import reports_bug
from ..fastre import fast, found, leftmost, plain
from ..languages import words
from ..lazyre import lazy
from ..parse import AIM_QUESTION, HEADING, LIST_ITEM, PARAGRAPH, SEC_AC, SEC_REPRO, within
from ..recache import compile as compile_re
from ._regex import (
    LazyPatterns,
    Regex,
    compile_patterns,
    join_patterns,
)
from .base import Check, Hit, PhraseIndex, count, str_list

_PLACEHOLDER = lazy(r"^\W*(?:tbd|tba|todo|n/?a|none|-|\?|docs\??|\.\.\.|_?no response_?|see above|same as above)\W*$", re.IGNORECASE)
_WHY_HEADING = (
    r"\b(?:goals?|objectives?|purpose|why|motivation|value|benefits?|business case|impact|reasoning|rationale|"
    r"problems?(?: to solve| statement)?|outcomes?|background|intent|user story)\b"
)


# A form's heading that asks for the why ("Is your feature request related to a problem? Please
# describe.", "Describe the feature and motivation", "Who will benefit with this feature?"): a
# sentence under it, of a few words and no order, is the asker's problem or motivation in their
# own terms. A heading that is "Motivation" alone asks the same (the feature-request form's "###
# Motivation", or a writer's own): it names no plan, as "Goals" does. So does a form's question
# that opens with "why" ("### Why should this be added?", "Why is this needed?", "Why do you want
# this?"): the answer is the reason. A bare "Problem", "Goal" or "Why" heading a team writes
# itself still needs people or value.
_ASKS_WHY_RE = lazy(
    r"^\W*motivation\W*$|related to a problem|\band motivation\b|\bmotivation (?:/|and|or|for)|what is the motivation|who will benefit"
    r"|^\W*why (?:should|would|do|does|is|are)\b[^\n]*\?",
    re.IGNORECASE,
)
_ANSWER_WORDS = 6
# A request form's pair of headings: "Problem" over the asker's trouble, then "Proposed solution"
# (or "Suggested solution", "Possible solution") over the change. Beside the solution's heading a
# bare "Problem" asks for the why as "Is your feature request related to a problem?" does; alone
# it is as often a team's technical note ("## Problem" over "The cache is not invalidated").
_BARE_PROBLEM = lazy(r"\W*+problems?\W*+\Z", re.IGNORECASE)
# (The solution's heading is looked for in the text: left unanswered, it heads no sentence.)
_SOLUTION_HEADING = lazy(
    r"^[ \t>]*+(?:#{1,6}[ \t]*+|h[1-6]\.[ \t]*+|\*\*|__)?(?:proposed|suggested|possible|desired)[ \t]++solutions?[ \t*_:]*+$",
    re.IGNORECASE | re.MULTILINE,
)


def _offers_solution(a: Analysis) -> bool:
    """The body has a heading of the change proposed ("### Proposed Solution")."""
    return _SOLUTION_HEADING.search(a.parsed.masked_body) is not None


# The writer in the first person (tokens split at apostrophes: "i'm" is "i", "m"): "because I have
# to reopen the panel" is their reason, "because the flag was set" the code's.
_WRITER = frozenset({"i", "me", "my", "myself"})


@cache
def _why_heading_re() -> re.Pattern[str]:
    """English's why-headings and the other languages' (rules/languages.toml), on first need."""
    return compile_re(rf"{_WHY_HEADING}|\b{words('why-headings')}\b", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a story's sentences share their heading, and trackers their headings
def _why_heading(heading: str) -> bool:
    return _why_heading_re().search(heading) is not None


# A form's question for the writer's own aim ("### What are you really trying to do?", "What are you
# trying to accomplish?"): its answer is the aim, and a bare verb phrase answers it ("Debug workflow
# failures.", "Ensure workflows exit"), not an order to the team as under a Problem heading. An
# answer of a few words counts (not one of two: "List workflows", the call the writer was making).
_ASKS_AIM_RE = lazy(AIM_QUESTION, re.IGNORECASE)
_AIM_WORDS = 3


@lru_cache(maxsize=4096)
def _asks_aim(heading: str) -> bool:
    return _ASKS_AIM_RE.search(heading) is not None


# A heading of the steps that bring a failure back ("Steps to Reproduce the Problem", "How to
# replicate the problem", "Problem reproduction"): its "problem" is the failure to reproduce, and
# what stands under it are the steps, logs and output, not why the work matters.
_REPRO_HEADING = lazy(r"\b(?:reproduc(?:e|es|ed|ing|tion|ible)|repro|replicat(?:e|es|ing|ion)|recreat(?:e|es|ing|ion))\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _repro_heading(heading: str) -> bool:
    return _REPRO_HEADING.search(heading) is not None


# A bug form's heading of what happened or should have ("Expected outcome", "Actual outcome",
# "Observed outcome"): its "outcome" is the program's result, not what anyone gains.
_RESULT_HEADING = lazy(r"\b(?:expected|actual|observed|current)\s++outcomes?\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _result_heading(heading: str) -> bool:
    return _RESULT_HEADING.search(heading) is not None


# People affected, by their role ("dispatchers", "an editor"), not parts of the system.
_ROLE_NOUN = lazy(r"[a-z]{3,}(?:ers?|ors?|ists?|ians?|ees?)")
_ROLE_PLURAL = lazy(r"[a-z]{3,}(?:ers|ors|ists|ians|ees)")
_ERRORS = ("error", "errors")
_ARTICLES = frozenset({"a", "an", "each", "every", "any"})


# A need or a want said as a possibility (see _NEED_RE). Plain spaces: with `\s++` the one
# scan's engine built some 30 M instructions more states over 1,000 stories.
_MAYBE = r"(?:may|might) (?:need|want) to [a-z]"
_MAYBE_NEED = lazy(_MAYBE)
_ANYONE = frozenset({"one", "someone", "somebody", "anyone", "anybody"})  # a person, whoever
# ... not a thing ("this one may need to be reworked", "the other one") nor nobody ("no one")
_NOT_ANYONE = frozenset({"this", "that", "the", "each", "every", "which", "other", "no", "new", "old", "last", "first"})

# A need in plain words, found by its rare anchor first ("... need to see", "... must be
# able to find") and then checked for a person just before it: "Dispatchers need to see
# where each van is" states an outcome, "The server needs to poll the feed" does not.
_NEED_RE = lazy(
    r"\b(?:needs?|wants?|must be able|should be able|would like|ha(?:s|ve))\s++to\s++(?:see|know|find|track|check|"
    r"view|read|understand|plan|decide|compare|share|choose|pick|get|pay|book|reach|contact|export|print|download|"
    r"access|open|review|approve|edit|change|avoid|stop|trust|tell|notice|report|order|reorder|switch|save|keep|"
    r"search|follow|learn|call|ask|spot|prove|rely|reply|respond|send|sign|log|recover|cancel|return|schedule|"
    r"assign|filter|sort|answer|confirm|prepare|finish|start|use|work|manage|be able)\b"
    # a person's capability, whatever its verb: "an administrator should be able to provide a mask"
    r"|\b(?:must|should|shall|will|would|could|can) be able\s++to\s++[a-z]|"
    r"\b(?:needs?|wants?|ha(?:s|ve)|should have|would like) the (?:ability|option|possibility|choice) to\b"
    # a need for a thing, and a demand: "Drivers need a quicker way to ...", "Users have asked for a dark mode"
    r"|\b(?:needs?|wants?|lacks?|expects?)\s++(?:a|an|some|more|better|clearer|quicker|faster|easier|simpler)\s"
    r"|\b(?:(?:ha(?:s|ve)|had|keep|are|were)\s++)?(?:asked|requested|been asking|asking)\s++(?:for|about)\b"
    # a need or a want said as a possibility, whatever its verb: "some administrators may need to upload
    # a licence", "some authorizers may want to decide on more attributes" (a use case, not a step: the
    # person is checked as above, and must be several: "the agent may want to force a shorter grace
    # period" is as often a machine; not "will need to": what someone is told to do)
    rf"|\b{_MAYBE}"
)
_NEED_KEY = (_NEED_RE.pattern, True)  # searched in lower-cased text
# What a change lets a person do: "Allow administrators to deactivate a restaurant", "let
# the teacher view every report", "to help farmers plan irrigation" (the person is checked as
# for a need: not "allow the server to retry", "help parsers find").
_ALLOW_RE = lazy(
    r"\b(?:allow|allows|allowing|let|lets|letting|enable|enables|enabling|help|helps|helping)\s++(?:the\s++|all\s++|our\s++|any\s++|each\s++|an?\s++)?"
    r"([a-z]++)\s++(?:to\s++)?[a-z]"
)
_ALLOW_KEY = (_ALLOW_RE.pattern, True)
_ADVERBS = frozenset({"also", "really", "often", "still", "now", "all", "just", "then"})




# A template's prompt is not an outcome: "**Outcome**: *So we can ...*", "so that <benefit>".
_PROMPT_AFTER = lazy(r"[\s*_:\xa0]*+(?:\.\.\.|…|<[a-z][^<>\n]{0,40}+>)")
_PROMPT_IN = lazy(r"<[a-z][^<>\n]{0,40}+>|\.\.\.|…")


# A form's question as its heading or bold line ("**Who will benefit with this feature?**",
# "### What is the motivation / use case for changing the behavior?"): the form asks it of
# every writer, whether or not they answer.
_QUESTION_LINE = lazy(r"[ \t>]*+(?:#{1,6}[ \t]++|\*\*|__)[^\n]{0,200}?\?[ \t*_:]*+(?:\n|\Z)")


def _in_question_line(text: str, at: int) -> bool:
    start = text.rfind("\n", 0, at) + 1
    return _QUESTION_LINE.match(text, start) is not None


# A "so" (perhaps "so that") as `_result_so` reads it; not one for people ("..., so that one doesn't
# have to pass it", "..., so people know to add the keys"): a purpose for someone whatever the comma
_RESULT_SO = lazy(r"so[\s*_]++(that\s++)?+(?!(?:people|users?|customers?|one|everyone|anyone)\b)", re.IGNORECASE)
# ... and a bare "so" that is a purpose all the same: "so as to", and "so" before someone who then
# can ("logging this ticket so we can investigate", "re-open the dialog so they can try again"; not
# "so I can't code anything", "So you will see the window": what follows)
_PURPOSE_SO = lazy(
    r"so[\s*_]++(?:as\s++to\b|(?:i|we|you|they|he|she)\s++(?:can|could|will be able|would be able)\b(?!\s*+not\b|['\u2019]t\b))",
    re.IGNORECASE,
)


def _result_so(text: str, at: int, m: re.Match[str]) -> bool:
    """The "so" `m` (`_RESULT_SO`'s match at `at`) gives a result. After a comma, what follows
    from the state just described (", so the process is still running", ", so I have no idea
    why", ", so that the process is not stopped"), not what anyone gains: in a bug report, where
    the state is the failure, no outcome. So is a bare "so" (no "that") wherever it stands, but
    before someone who then can (`_PURPOSE_SO`): opening a sentence ("So I can not scroll."), or
    joining a clause of what the code does ("it closes the tasks if close fails so we don't leak
    any"), or a step's set-up ("clear it so the field is empty")."""
    if text[max(0, at - 4) : at].rstrip(" \t").endswith(","):
        return True
    return m.group(1) is None and _PURPOSE_SO.match(text, at) is None


def _stated(
    pattern: Regex, text: str, bug: Callable[[], bool] | None = None, step: Callable[[int], bool] | None = None
) -> bool:
    """An outcome phrase that someone filled in, not a template's prompt left as it was, nor,
    in a bug report (`bug`, asked only when it matters), a "so" that gives a result, or one in a
    step of the reproduction (`step`: the offset's sentence is one), which gives its set-up."""
    m = pattern.search(text)  # the first match settles nearly every story; finditer costs more
    rest = plain(pattern)  # after it, `re` alone: RE2 would read the whole text again per match
    while m is not None:
        if (
            _PROMPT_AFTER.match(text, m.end()) is None
            and _PROMPT_IN.search(m.group(0)) is None
            and not _in_question_line(text, m.start())
            and not (bug is not None and _discounted_so(text, m.start(), bug, step))
        ):
            return True
        m = rest.search(text, max(m.end(), m.start() + 1))
    return False


def _discounted_so(text: str, at: int, bug: Callable[[], bool], step: Callable[[int], bool] | None) -> bool:
    """In a bug report, a "so" at `at` that gives a result (`_result_so`), or any "so" not for
    people in a step of the reproduction: "Create some commits so that you have outgoing changes"."""
    m = _RESULT_SO.match(text, at)
    if m is None:
        return False
    if _result_so(text, at, m):
        return bug()
    return step is not None and bug() and step(at)


def _in_step(a: Analysis, shift: int = 0) -> Callable[[int], bool]:
    """Whether the body's sentence at an offset (less `shift`: none before it) is a step: one
    that opens with its verb, or one in a reproduction's section."""

    def step(at: int) -> bool:
        s = a.sentence_at("body", at - shift) if at >= shift else None
        return s is not None and (s.section == SEC_REPRO or s.imperative)

    return step


# The tracker's own type for a bug report: Jira's issue type "Bug" or "Defect", a GitHub or
# GitLab label of kind bug ("bug", "type: bug", "kind/bug", "type::bug", "potential-bug"); not
# one that says it is none ("not a bug", "not-a-bug", "non-bug").
_BUG_TYPE = lazy(r"(?<!not )(?<!not-)(?<!non-)(?<!not a )(?<!not-a-)\b(?:bug|defect)\b", re.IGNORECASE)


def _bug(a: Analysis) -> bool:
    """A bug report by its text (`reports_bug`), or by the type the tracker gives it: a report
    whose text reads as a test-plan note or a question ("Right click on the scrollbar pastes")
    is still one where the asker's "might be nice" or "I need to press Ctrl+Space to see them"
    describes the failure, not an outcome."""
    kind = a.parsed.story.type
    return (kind is not None and _BUG_TYPE.search(kind) is not None) or reports_bug(a)


def _states(phrases: LazyPatterns, a: Analysis) -> bool:
    """The story states one of `phrases`: in its lower-cased text where they are searched so,
    else in its title or body."""
    rx = phrases.regex()
    bug = lambda: _bug(a)  # (asked only of a result's "so")
    if phrases.on_lower:
        # (the title, a line break, the body: an offset past the title's is the body's)
        body_at = len(a.parsed.masked_title) + 1
        return _stated(rx, a.all_text(lower=True), bug, _in_step(a, body_at))
    return _stated(rx, a.parsed.masked_title, bug) or _stated(rx, a.parsed.masked_body, bug, _in_step(a))


_GIVEN = fast(lazy(r"\bgiven\b", re.IGNORECASE))  # most bodies have none: RE2 says so quicker
_WHEN = lazy(r"\bwhen\b", re.IGNORECASE)
_THEN = lazy(r"\bthen\b", re.IGNORECASE)
# Gherkin's own keyword: a "Scenario:" line, then lines that start with When and Then, whatever
# stands for the Given ("As an eligibility worker viewing an application")
_SCENARIO = fast(lazy(r"^[ \t*_#>-]*+scenario(?: outline)?\b", re.IGNORECASE | re.MULTILINE))
_WHEN_LINE = lazy(r"^[ \t*_>-]*+when\b", re.IGNORECASE | re.MULTILINE)
_THEN_LINE = lazy(r"^[ \t*_>-]*+then\b", re.IGNORECASE | re.MULTILINE)


# (start, when, then): Gherkin's own keywords; the other languages' are rules/languages.toml's
_GHERKIN = ((_GIVEN, _WHEN, _THEN), (_SCENARIO, _WHEN_LINE, _THEN_LINE))


def _other_gherkin() -> tuple[tuple[LazyRegex, LazyRegex, LazyRegex], ...]:
    g = grammar().other.gherkin
    return ((g.given, g.when, g.then), (g.scenario, g.when, g.result))


#: what the story's one scan is asked about Gherkin's own starts (most stories hold neither)
_GHERKIN_KEYS = tuple((start.pattern, True) for start, _, _ in _GHERKIN)


def _given_when_then(text: str, a: Analysis | None = None) -> bool:
    """Given ... when ... then, or a Gherkin scenario's When and Then lines, within 300
    characters of each other; each start tried once. (`a`: the story's one scan rules
    out the keywords, Gherkin's own and the other languages', as for nearly every story.)"""
    for (given, when_rx, then_rx), key in zip(_GHERKIN, _GHERKIN_KEYS, strict=True):
        if (a is None or a.may_match(key)) and _started(text, given, when_rx, then_rx):
            return True
    for start, when, then in _other_gherkin():
        if (a is None or a.may_match((start.source, True))) and _started(
            text, start.compiled(), when.compiled(), then.compiled()
        ):
            return True
    return False


def _started(text: str, start: re.Pattern[str], when: re.Pattern[str], then: re.Pattern[str]) -> bool:
    if start.search(text) is None:
        return False
    for g in start.finditer(text):
        w = when.search(text, g.end(), g.end() + 300)
        if w and then.search(text, w.end(), w.end() + 300):
            return True
    return False


# A purpose that opens a sentence whose clause then says what the writer or the team means to
# do: "To get the crash reports, we need to sign the installer", "In order to authorize the
# endpoints, we will add an ACL": why the work is done. Not where the purpose is the work itself,
# its mending or a means ("To fix this, I will add a prop", "To use the new interop, we need to
# migrate", "To be more specific, ..."), nor before what is done or told ("To mock up a zone,
# we set up a server", "To add content, you can copy files": a means described), nor in a bug
# report (a workaround: "To get it back, we have to reopen the editor").
_MEANS = frozenset({
    "fix", "resolve", "solve", "address", "try", "test", "debug", "reproduce", "use", "implement", "do", "check",
    "verify", "see", "illustrate", "clarify", "explain", "be", "make", "build", "run", "install", "start", "begin",
    "achieve", "accomplish", "handle", "work", "workaround", "dump", "summarize", "summarise", "recap", "sum",
    "demonstrate", "show", "answer", "elaborate", "put",
})  # fmt: skip
_OPENERS = frozenset({"to", "in", "so"})
# ... and where "to" opens no verb at all: "To me, we should ...", "To date, we could not ...",
# "To my knowledge, ...", "To this end, ..." (no purpose of its own)
_NO_VERB = frozenset({
    "me", "us", "you", "him", "her", "them", "my", "our", "your", "his", "their", "its", "date", "the", "a", "an",
    "this", "that", "these", "those", "some", "all", "each", "every", "what", "which", "whom", "no", "most",
})  # fmt: skip
# (the contraction is the modal: "we'll sign" as "we will sign", "we'd like" as "we would like")
_FRONTED_ACTOR = lazy(
    r",\s*+(?:we|i)(?:['\u2019](?:ll|d)\b|\s++(?:[a-z]+ly\s++|now\s++|also\s++|then\s++)?"
    r"(?:will|would|should|shall|must|need|want|like|plan|propose|intend|can|could|may|might)\b)",
    re.IGNORECASE,
)


# A purpose that averts the failure the report is about, named only as "this" or "such" ("to prevent
# this scenario in the future", "to avoid this happening again", "would prevent such errors"): the
# fix's purpose, which is the failure's mending, not what anyone gains by it. (Not someone's want of
# it: "the customer wants to prevent that" is theirs.)
_AVERTS_FAILURE = lazy(
    r"(?<!want )(?<!wants )(?<!like )(?<!need )(?<!needs )\b(?:to|will|would|could|should|and) (?:greatly |significantly )?(?:prevent|avoid)\s++(?:this|that|it|these|those|such)\b"
    r"(?:\s++[a-z]++)?(?!\s++(?:for|to|from)\s++(?:users?|customers?|people|everyone|anyone)\b)",
    re.IGNORECASE,
)


def _fronted_purpose(a: Analysis) -> bool:
    """A sentence that opens with its purpose ("To ...", "In order to ...") and goes on to what
    the writer or the team means to do: the why before the plan."""
    for s in a.sentences:
        w = s.lowered
        if not w or w[0] not in _OPENERS:  # nearly every sentence: one look-up
            continue
        at = 1 if w[0] == "to" else 3 if w[1:3] == ["order", "to"] or w[1:3] == ["as", "to"] else 0
        if at and len(w) > at and w[at] not in _MEANS and w[at] not in _NO_VERB and _FRONTED_ACTOR.search(s.text):
            return True
    return False


class OutcomeCheck(Check):
    kind = "outcome"
    allowed = frozenset({"patterns", "other-patterns", "value-patterns", "outside-bug-reports", "reasons", "confidence", "value-words",
                         "people-words", "not-people", "context"})  # fmt: skip

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({**detect, "context": "any"} if "context" not in detect else detect, **kw)
        patterns = str_list(detect, "patterns")
        if not patterns:
            raise ValueError("patterns must list at least one outcome phrase pattern")
        # lower-case only: searched case-sensitively in the story's lower-cased text (faster);
        # compiled when a story first may hold a phrase (these patterns are large: a one-story
        # run whose story holds none would compile them for nothing)
        self.phrases = LazyPatterns(patterns, ignore_case=True, trusted=self.trusted, lower=True)
        # the same phrases in the other languages (rules/languages.toml): asked of the one scan
        # on their own, so that an English story pays nothing for them
        others = str_list(detect, "other-patterns")
        self.others = LazyPatterns(others, ignore_case=True, trusted=self.trusted, lower=True) if others else None
        outside = str_list(detect, "outside-bug-reports")
        outside_bugs = compile_patterns(outside, ignore_case=True, trusted=self.trusted) if outside else None
        # searched in every story the scan lets through (`key` is the phrases' too): the bundled
        # ones behind RE2, which finds where `re` may first match in one pass (`fastre.leftmost`)
        self.outside_bugs: Regex | None = leftmost(outside_bugs) if isinstance(outside_bugs, re.Pattern) else outside_bugs
        # The story's one scan is asked once for the phrases and the phrases outside bug reports
        # together (either may match where this key may): asked apart, the outside ones (the
        # asker's "would be nice", "I need ... to", "Can we add ...?") shared an RE2 set with
        # other rules' patterns, whose DFA then built a good third more states over a run's
        # stories (+1.5% of the instructions of a check); joined to the phrases, whose parts
        # each have a set of their own, they cost what they did when they were phrases.
        self.key = (join_patterns([*patterns, *outside]), True) if outside else self.phrases.key
        self.value_words = PhraseIndex(str_list(detect, "value-words"))
        self.people_words = frozenset(str_list(detect, "people-words"))
        self.not_people = frozenset(str_list(detect, "not-people"))
        # purposes that are an outcome only for someone ("to reduce email fatigue for users"), not
        # for the code ("to reduce duplication", "in order to support NIO")
        purposes = str_list(detect, "value-patterns")
        purpose = compile_patterns(purposes, ignore_case=True, trusted=self.trusted) if purposes else None
        # asked of each sentence of a story the one scan lets through, most of which hold none: the
        # bundled ones (`re`) behind an RE2 set that says so first (`found`), where `re` tried
        # their five alternations, case-folded, at every character
        self.purpose: Regex | None = fast(purpose) if isinstance(purpose, re.Pattern) else purpose
        self.purpose_key = (join_patterns(purposes), True)
        reasons = str_list(detect, "reasons")
        self.reasons = compile_patterns(reasons, ignore_case=True, trusted=self.trusted) if reasons else None
        self.reasons_key = (join_patterns(reasons), True)

    def _role(self, word: str) -> bool:
        """A role noun ("dispatchers", "editor") that is not a part of the system."""
        # (nor an exception's name run together: "typeerror", "valueerror")
        return _ROLE_NOUN.fullmatch(word) is not None and word not in self.not_people and not word.endswith(_ERRORS)

    def _people(self, words: list[str]) -> bool:
        return any(self._role(w) for w in words)

    def _plain_need(self, lowered: str) -> bool:
        for m in _NEED_RE.finditer(lowered):
            words = lowered[max(0, m.start() - 40) : m.start()].split()[-2:]
            if words and words[-1] in _ADVERBS:
                words = words[:-1]
            who = words[-1] if words else ""
            if _MAYBE_NEED.match(m.group(0)):
                if who in _ANYONE and not (len(words) == 2 and words[0] in _NOT_ANYONE):
                    return True  # "one might want to be asked first": anyone using it
                if not (who.endswith("s") or who == "people"):
                    continue  # a possible need is a use case only of people in the plural
            if who.isalpha() and self._person(who):
                return True
        return False

    def _purpose_for_someone(self, a: Analysis) -> bool:
        """A purpose phrase in a sentence that names a person or a value word; in a bug report, not
        one that only averts the failure itself (`_AVERTS_FAILURE`)."""
        assert self.purpose is not None
        for s in a.sentences:
            if not s.lowered or not found(self.purpose, s.text):
                continue
            if _AVERTS_FAILURE.search(s.text) and self._only_averts(s.text) and _bug(a):
                continue  # "we should validate the value to prevent this scenario in the future"
            if s.user_clause or self._names_people(s.lowered) or self.value_words.occurs(s):
                return True  # "As a requester, in order to file a request, I need ..."
        return False

    def _only_averts(self, text: str) -> bool:
        """Each purpose phrase of `text` is one that averts the failure (`_AVERTS_FAILURE`)."""
        assert self.purpose is not None
        return all(_AVERTS_FAILURE.match(text, m.start()) for m in self.purpose.finditer(text))

    def _reason_for_someone(self, a: Analysis) -> bool:
        """A reason ("because ...") in a sentence that names a person, a value word or the writer:
        "because editors finish a piece after the weekend", "I reopen the panel because it forgets my filter";
        a cause in the code's terms ("because the flag is set in open") is no outcome."""
        assert self.reasons is not None
        for s in a.sentences:
            if not s.lowered or self.reasons.search(s.text) is None:
                continue
            if not _WRITER.isdisjoint(s.vocab) or s.user_clause or self._names_people(s.lowered):
                return True
            if self.value_words.occurs(s):
                return True
        return False

    def _names_people(self, words: list[str]) -> bool:
        """A people word, a plural role noun, or a singular one after an article ("a
        requester"): a bare "-er" is as often a comparative ("smaller files")."""
        if not self.people_words.isdisjoint(words):
            return True
        return any(
            self._role(w) and (_ROLE_PLURAL.fullmatch(w) or (i and words[i - 1] in _ARTICLES)) for i, w in enumerate(words)
        )

    def _allowed_person(self, lowered: str) -> bool:
        return any(self._person(m.group(1)) for m in _ALLOW_RE.finditer(lowered))

    def _person(self, word: str) -> bool:
        return word in self.people_words or self._role(word)

    def scanned(self) -> list[tuple[str, bool]]:
        purpose = [self.purpose_key] if self.purpose is not None else []
        others = [self.others.key] if self.others is not None else []
        reasons = [self.reasons_key] if self.reasons is not None else []
        return [*super().scanned(), self.key, *others, _NEED_KEY, _ALLOW_KEY, *purpose, *reasons]

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        if a.may_match(self.key) and _states(self.phrases, a):  # (where the story's one scan may find them)
            return
        if self.others is not None and a.may_match(self.others.key) and _states(self.others, a):
            return
        if a.may_match(_NEED_KEY) and self._plain_need(a.all_text(lower=True)):
            return
        if a.may_match(_ALLOW_KEY) and self._allowed_person(a.all_text(lower=True)):
            return
        if self.purpose is not None and a.may_match(self.purpose_key) and self._purpose_for_someone(a):
            return
        if (
            self.outside_bugs is not None
            and a.may_match(self.key)  # the outside phrases ride in it
            and self.outside_bugs.search(a.all_text(lower=True))
            and not _bug(a)
        ):
            return
        if (
            self.reasons is not None
            and a.may_match(self.reasons_key)
            and self._reason_for_someone(a)
            and not _bug(a)
        ):
            return
        if _fronted_purpose(a) and not _bug(a):
            return
        # A Goal / Problem / Why / Outcome / Background section states the outcome when it says
        # something that is not a build step: "Goal: fewer calls to dispatch" or "Goal: increase
        # reach for subscribers" does, "Goal: implement X" does not.
        # A Goal / Problem / Why / Background section states the outcome when it names who is
        # affected (a role: "dispatchers", "an editor") or what it is worth (value words); an
        # engineering goal ("Debug and isolate the failing pushes") does not.
        solution: bool | None = None  # (asked once, of a bare "Problem" heading's answer)
        for s in a.sentences:
            if s.field != "body" or s.kind == HEADING or not s.heading:
                continue
            if _asks_aim(s.heading):
                if len(s.lowered) >= _AIM_WORDS and not _PLACEHOLDER.match(s.text):
                    return  # the form asked what the writer is trying to do, and got an answer
                continue
            if not _why_heading(s.heading):
                continue
            if _repro_heading(s.heading):  # "Steps to Reproduce the Problem": the steps, not the why
                continue
            if _result_heading(s.heading) and _bug(a):  # "Expected outcome": what should have happened
                continue
            if s.imperative:  # flags last: they cost a sentence analysis
                continue
            if self.value_words and self.value_words.occurs(s):
                return
            if len(s.lowered) >= 3 and self._people(s.lowered):
                return
            if len(s.lowered) >= _ANSWER_WORDS and _ASKS_WHY_RE.search(s.heading):
                return  # the form asked for the problem or the motivation, and got an answer
            if len(s.lowered) >= _ANSWER_WORDS and _BARE_PROBLEM.match(s.heading):
                if solution is None:
                    solution = _offers_solution(a)
                if solution:
                    return  # ... as a request's "Problem" does beside its "Proposed solution"
        yield Hit("title", 0, len(p.title), self.confidence, "", 0, len(p.title))


# A line that announces the checks, with the checks on the lines after it ("In every case we need
# to make sure that:", "Verification steps:", "To verify:", "Demonstrate:"). The label words open a
# label only at a line's start ("when running gpg verification:" is a command's context); "make
# sure / ensure / verify (that):" ends the sentence that announces them. "To test:" is left out:
# in reports it heads the reproduction as often as the checks. The one scan is asked only for
# `_LEAD_IN_WORDS` (the whole pattern's line starts and white space cost every story's scan more
# states than the few stories with it repay), and the pattern is tried around each of them.
_CHECKS_LEAD_IN = lazy(
    r"(?:(?:^|\n)[ \t*_#>-]*+(?:verification(?: steps)?|demonstrate|to verify|how to (?:test|verify))"
    r"|\b(?:make sure|ensure|verify)(?: that)*)[ \t*_]*+:[ \t*_]*+\r?\n\s*+\S",
    re.IGNORECASE,
)
_LEAD_IN_WORDS = ("verif", "make sure", "ensure", "demonstrate", "how to test")
#: what the story's one scan is asked: a literal alternation adds few states to it
_LEAD_IN_KEY = ("|".join(_LEAD_IN_WORDS), True)


def _announces_checks(body: str, code: list[tuple[int, int, str]]) -> bool:
    """`_CHECKS_LEAD_IN` tried only around each of `_LEAD_IN_WORDS` (a search over the whole body
    tried its line starts and word boundaries at every character of the stories that hold one);
    not in one of the `code` blocks (a CI config's "verify:" job is no check)."""

    bounds = [at for start, end, _ in sorted(code) for at in (start, end)]

    def shown(m: re.Match[str]) -> bool:
        return not within(bounds, m.start() + (body[m.start()] == "\n"))  # (the lead-in's line, not the break before it)

    lowered = body.lower()
    if len(lowered) != len(body):  # (a letter whose lower case is longer: offsets would not line up)
        return any(shown(m) for m in _CHECKS_LEAD_IN.finditer(body))
    for w in _LEAD_IN_WORDS:
        i = lowered.find(w)
        while i >= 0:
            # (from the line's start, as far as the first item after the colon; `^`, `\b` still
            # see the whole body)
            if any(shown(m) for m in _CHECKS_LEAD_IN.finditer(body, max(0, i - 40), i + 120)):
                return True
            i = lowered.find(w, i + 1)
    return False


# The card's back: a tracker's convention puts the user story in the title ("As a <role>, I want
# <x>, so that <y>") and under it only what the user can do or see when it is done, as a bare list
# ("1. a button to start the round 2. players see a countdown") or one sentence that states the
# result ("Saved searches appear on the start page."). Such a body is the story's criteria; not
# a build plan (most items order the team), a question, code, the writer's own plan ("we want to
# provide a library"), nor a developer's story (a technical role's bare body is as often its plan).
#: the writer or the team, whose sentence is their plan or their account, not the result
_WRITERS = frozenset({"we", "i", "us", "our", "my", "let"})
#: a subject that points back (to the want, the context): "This is needed for the launch"
_POINTERS = frozenset({"this", "it", "that", "these", "those", "there", "here", "see"})
_ARTICLES_OR_OWNER = _ARTICLES | {"the", "all", "their", "his", "her", "its"}
# a present result a tester sees: "X is shown", "X are saved and displayed", "X shows Y" (the
# verbs of what appears, changes or arrives; not "is blocked", "is attached", "is based on")
_RESULT_RE = lazy(
    r"\b(?:is|are)\s++(?:(?:not|also|then|now|successfully|immediately|automatically|correctly|only|still)\s++)*"
    r"(?:shown|displayed|listed|visible|saved|stored|removed|deleted|added|updated|created|sent|emailed|notified|"
    r"redirected|logged|signed|sorted|filtered|highlighted|marked|hidden|disabled|enabled|generated|returned|"
    r"refreshed|cleared|reset|shared|published|archived|restored|accepted|rejected|confirmed|reflected|moved|"
    r"opened|closed|copied|downloaded|uploaded|printed|exported|imported|replaced|changed|kept)\b"
    r"|\b(?:shows?|displays?|returns?|lists?|appears?|disappears?|contains?|opens?|redirects?|receives?|sees?|"
    r"highlights?|updates?|reflects?)\b",
    re.IGNORECASE,
)


# what is wrong today, not what is true when it is done: "Users can't find the export",
# "Currently members have to mail the office" (the problem, told under the story)
_PROBLEM_RE = lazy(
    r"\b(?:can(?:no|['\u2019])t|can not|unable|currently|at the moment|at present|right now|ha(?:ve|s|d) to)\b", re.IGNORECASE
)


def _no_check(s: SentenceInfo) -> bool:
    """A list item or a lone sentence that is no check: an order to the team or its plan, a
    question, code, another user story ("As an editor, I want ..."), today's problem, or a word
    alone. A list of such items is a build plan or a discussion, not the card's back."""
    return (
        len(s.lowered) < 2
        or s.imperative
        or s.plan
        or s.code_like
        or s.role_end >= 0
        or s.text.rstrip().endswith("?")
        or found(_PROBLEM_RE, s.text)
    )


def _person(word: str) -> bool:
    """`word` names people the product is for ("users", "guests"): their "should" is their part."""
    return word in PEOPLE or word in grammar().user_roles


def _subject(w: list[str]) -> str:
    """The sentence's first noun past an article or an owner ("the guests", "their timer"): a
    rough subject, enough to tell people from parts of the product."""
    return w[1] if w[0] in _ARTICLES_OR_OWNER and len(w) > 1 else w[0]


def _states_check(s: SentenceInfo) -> bool:
    """An item that is not `_no_check` states a check, but a modal one only where it states
    behaviour ("the timer should be visible"), someone's part ("guests should fill in their
    name") or what is there to see ("there should be three buttons"): "the worker should retry"
    orders the build."""
    return not s.modal or behaviour_modal(s.text) or s.lowered[0] == "there" or _person(_subject(s.lowered))


def _states_result(s: SentenceInfo) -> bool:
    """A lone sentence that states what the user can do or sees: "Admins can restore an archived
    post", "The receipt is emailed to the buyer", "Search results list every match" (a person as
    its subject is not enough: "Members often forget their password" is the problem)."""
    w = s.lowered
    if not _WRITERS.isdisjoint(w) or w[0] in _POINTERS:
        return False
    return s.capability or s.behaviour or found(_RESULT_RE, s.text)


def _card_back(a: Analysis) -> bool:
    """The body is the card's back (see above). Asked in order of cost: the title's first word
    (a user clause opens with "as"; another language's has a role word), the body's blocks and
    sentences, and only then any sentence's flags."""
    title = a.sentences[0] if a.sentences and a.sentences[0].field == "title" else None
    if title is None or not title.lowered:
        return False
    if title.lowered[0] != "as" and title.vocab.isdisjoint(grammar().other.role_words):
        return False
    blocks = [b for b in a.parsed.blocks if b.field == "body"]
    if not blocks:
        return False
    if all(b.kind == LIST_ITEM for b in blocks):
        statement = False
    elif len(blocks) == 1 and blocks[0].kind == PARAGRAPH:
        statement = True
    else:
        return False
    said = [s for s in a.sentences if s.field == "body" and s.lowered]
    if not said or (statement and len(said) != 1):
        return False
    if title.role_end < 0 or title.imperative or title.technical_role:
        return False
    if statement:
        if _no_check(said[0]) or not _states_check(said[0]) or not _states_result(said[0]):
            return False
    else:
        checks = [s for s in said if not _no_check(s)]  # each item asked once
        if (len(said) - len(checks)) * 2 >= len(said) or not any(_states_check(s) for s in checks):
            return False
    return not reports_bug(a)


class AcceptanceCriteriaCheck(Check):
    kind = "acceptance-criteria"
    allowed = frozenset({"confidence", "checklist-min", "patterns", "context"})

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__({**detect, "context": "any"} if "context" not in detect else detect, **kw)
        self.checklist_min = count(detect, "checklist-min", 2)
        patterns = str_list(detect, "patterns")
        self.pattern = compile_patterns(patterns, ignore_case=True, trusted=self.trusted) if patterns else None
        self.key = (join_patterns(patterns), True)

    def scanned(self) -> list[tuple[str, bool]]:
        keys = [*super().scanned(), *_GHERKIN_KEYS, *((start.source, True) for start, _, _ in _other_gherkin()), _LEAD_IN_KEY]
        return [*keys, self.key] if self.pattern is not None else keys

    def run(self, a: Analysis) -> Iterator[Hit]:
        p = a.parsed
        if self._has_criteria(a):
            return
        yield Hit("title", 0, len(p.title), self.confidence, "", 0, len(p.title))

    def _has_criteria(self, a: Analysis) -> bool:
        p = a.parsed
        content = 0
        for b in p.blocks:
            if b.section == SEC_AC and b.kind != HEADING and b.field == "body":
                text = p.masked_body[b.start : b.end].strip()
                if text and not _PLACEHOLDER.match(text) and len(text.split()) >= 3:
                    content += 1
        if content:
            return True
        body = p.masked_body
        if _given_when_then(body, a):
            return True
        if self.pattern is not None and a.may_match(self.key) and self.pattern.search(body):
            return True
        if a.may_match(_LEAD_IN_KEY) and _announces_checks(body, a.code_blocks()):
            return True
        if _card_back(a):
            return True
        # A checklist of observable behaviours (not build steps). The sentence flags cost an
        # analysis each: asked last, no further than the count needs, and not once the items
        # left could no longer make it up (a lone item, a list's last item when none before it
        # counted: most lists are steps, and their last item asked nothing that could change it).
        items = [s for s in a.sentences if s.kind == LIST_ITEM and s.field == "body" and len(body[s.start : s.end].split()) >= 3]
        behaviours = 0
        other = grammar().other
        for i, s in enumerate(items):
            if behaviours + len(items) - i < self.checklist_min:
                return False  # even if this item and every one after it counted
            if s.imperative:
                continue
            # a modal item counts only when it states behaviour ("should return X"), not
            # when it orders construction ("we might need to use the Advanced tab")
            if (
                s.capability
                or s.behaviour
                or (s.modal and behaviour_modal(s.text))
                or (
                    other.criterion is not None
                    and not s.vocab.isdisjoint(other.criterion_words)
                    and other.criterion.compiled().search(s.text) is not None
                )
            ):
                behaviours += 1
                if behaviours >= self.checklist_min:
                    return True
        return behaviours >= self.checklist_min
