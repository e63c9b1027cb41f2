"""Calibrated confidence: what a finding's evidence has been worth on labelled stories.

A finding's confidence is the precision its kind of evidence showed on labelled
stories: the category of the rule and where the term stands (a title that orders a
build, a proposal section, a plan, a modal, an acceptance criterion, a plain
statement, a bug's symptom). `rules/calibration.toml` keeps the counts, measured by
`scripts/calibrate.py` on projects the rules were not tuned on; the precision is
smoothed toward the evidence class as a whole, and that toward all findings, so a
class seen a few times cannot claim certainty. Only bundled rules are calibrated: a
team's own rules and rejected terms keep the confidence the team gave them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from .analysis import DOCS_WORK_RE, Analysis, SentenceInfo, behaviour_modal, grammar
from .fastre import fast, found
from .languages import bundled as bundled_languages
from .languages import every, lenient, phrases, words
from .lazyre import lazy
from .parse import REPRO_VERBS, SEC_AC, SEC_PROPOSAL
from .recache import compile as compile_re

#: Pseudo-counts pulling a thin cell toward its parent's precision.
SMOOTHING = 4.0
MAX_CONFIDENCE = 0.99

# A sentence that reports what goes wrong (a bug's symptom) mentions the technology it
# saw failing; unless it also proposes a fix, that is evidence of a bug, not of HOW.
@cache
def _symptom_re() -> re.Pattern[str]:
    """Built on first use from the shared symptom words (rules/grammar.toml). Asked of each
    sentence that carries HOW evidence, most of which name no symptom: RE2 first (`found`),
    where `re` tried each of its thirty words, case-folded, at every character (1,800
    instructions a character)."""
    rx = compile_re(
        # not the quality a change is for: "error-prone", "crash-free", "fail-safe"; nor a
        # numbered bug ("went away in Bug 619355", "see bug #42"): a tracker item referred to
        r"\b(?:" + "|".join(map(re.escape, grammar().symptoms)) + r")\b"
        r"(?![- ](?:prone|free|safe|proof|tolerant|resistant)\b|(?<=bug) #?\d|(?<=bugs) #?\d)|"
        r"\b(?:does(?:n'?t| not) work|not working|stack ?trace|timed out|[45]\d\d (?:response|error|status)|"
        r"(?:i|we|it|you|user) (?:get|got|gets|see|saw|sees) (?:an?|the))\b",
        re.IGNORECASE,
    )
    return fast(rx)

# A bug report: its title names a symptom, or its body carries a trace or reproduction.
# There an imperative is a reproduction step and a statement an observation; only a
# plan or a proposal ("the fix is to ...", a "Proposed solution" section) directs the fix.
_BUG_TITLE = (
    # "error handling", "crash reporting", "exception tracking": a feature about failures, no failure
    r"\b(?:(?:errors?|exceptions?|failures?|crash(?:es)?|bugs?)(?! (?:handling|management|reporting|reports|tracking|tracker|"
    r"monitoring|logging|messages|pages?|notifications?|alerts?|codes?|boundar(?:y|ies)|recovery)\b)|fails?|failed|failing|crashed|crashing|broken|broke|breaks|"
    r"does(?:n'?t| not)|do(?:n'?t| not) work|(?:does|did) nothing\b|nothing happens|(?<=[a-z0-9] )(?<!that )(?<!which )(?<!who )(?<!please )do(?:n'?t| not)(?! (?:need|want|have|allow|let|show|display|use|add|send|require)\b)|"
    r"not (?:working|correct|shown|displayed|saved|found)|can(?:'?t|not| not)|unable|"
    r"wrong(?:ly)?|incorrect(?:ly)?|flaky|hangs?|freezes?|regressions?|mis-?behaviou?r|npe|nullpointer\w*|"
    r"seg-?faults?|seg-?faulted|seg-?faulting|segmentation faults?|"
    r"problems?|issues? (?:with|when|in)|no longer|missing|invalid|stuck|leaks?|"
    r"(?:is|are|was|were|does|do|did)?n'?t [a-z]+ing|not [a-z]+ing|"  # "X not shutting down Y": a failure reported
    # a state the product is left in, negated: "X is not populated on failover", "Split order is
    # not preserved", "It is not possible to define two keystores" (`_reports_state`)
    r"(?:is|are|was|were|gets?|got)(?:n'?t| not)(?: [a-z]+ly)? (?:[a-z]+(?:ed|en)|possible|available|visible)"
    r"{other})\b"
)
#: what follows the other languages' word for an error when it names a feature about failures
#: ("Fehler-Tracking", "gestion des erreurs" is "error handling"), besides languages.toml's own
_ERROR_FEATURES = ["tracking", "handling", "monitoring", "logging", "reporting", "page"]
_BUG_BODY = (
    rf"steps to (?:{REPRO_VERBS}|duplicate)|describe the bug|^[^\w\n]*+to (?:{REPRO_VERBS})\b|stack ?trace|traceback \(most recent|exception in thread|^[ \t]*+at [\w$.]++\([\w$]+\.java:\d+\)|"
    # (a form's "Actual outcome" too: its "Expected outcome" alone may head a plan's aim)
    r"\b(?:actual|observed) (?:result|behaviou?r|outcome)|\bexpected (?:result|behaviou?r)\b|"
    # an error as a program printed it, named, on a line of its own ("RuntimeError: dictionary
    # changed size", "java.lang.IllegalStateException: ..."; not a bare "Error:" label)
    r"^[ \t]*+[\w$.]+?(?:error|exception)(?: \[[\w.-]++\])?:[ \t]++\S|"
    # "the issue was reproduced using ...", "repro steps", "how to reproduce" (not "a reproducible build")
    r"\b(?:(?:was|were|is|are|can be|could be|been) reproduced|reproduc(?:e|ed|ing) (?:it|this|the (?:issue|problem|bug|error|crash))\b|"
    r"(?:repro|reproduction|replication) steps|steps (?:to|for) repro\b|how to (?:" + REPRO_VERBS + "))"
)


@cache
def _bug_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a title's symptom, a body's trace or reproduction), with the other languages' words of
    rules/languages.toml; searched in lower-cased text (no IGNORECASE: faster), RE2 first
    (fastre): most titles and bodies carry none."""
    langs = bundled_languages()
    other = [words("symptoms")]
    errors = every(langs, "errors")
    if errors:
        features = phrases(_ERROR_FEATURES + every(langs, "error-features"))
        other.append(rf"(?:{lenient(phrases(errors))})(?![- ]?(?:{features}))")
    title = _BUG_TITLE.replace("{other}", "".join(f"|{o}" for o in other))
    body = f"{_BUG_BODY}|{words('report-phrases')}"
    return fast(compile_re(title)), fast(compile_re(body, re.MULTILINE))


_STEPS_HEADING_RE = lazy(
    r"\A[\W_]*+(?:(?:test )?steps?(?: (?:performed|taken|followed|done|tried|executed|used))?|what i did)\b[\W_]*+\Z", re.IGNORECASE
)
_EXPECTED_HEADING_RE = lazy(r"\A[\W_]*+expected\b", re.IGNORECASE)
# A plan whose verb is what the user is shown ("we should display the table of versions")
_SHOWS_RE = lazy(r"\b(?:should|must|need to|needs to|have to|has to)\s+(?:also\s+|only\s+|always\s+)?(?:show|display|list)\b", re.IGNORECASE)
# ... unless it also says how it is built: "show the map using Leaflet", "list them via boto3 and cache them"
_BUILT_HOW_RE = lazy(r"\b(?:using|with|via|through|instead of|rather than|powered by|built on|based on|and (?:cache|store|save|persist|use|call|fetch|write|load|send))\b", re.IGNORECASE)
#: Evidence that never counts: what goes wrong, and the steps and notes of a bug report.
NEVER = frozenset({"symptom", "bug-report"})
_WEAK_IN_BUGS = frozenset({"title-imperative", "imperative", "modal", "title", "statement"})


def never_counts(category: str, evidence: str, holds_in_behaviour: bool = False) -> bool:
    """A symptom never counts; in a bug report only a plan, a proposal, a criterion or a
    list of build steps (the fix written out as a to-do list) directs the build. A modal
    about what the user observes ("X should be shown when ...") states behaviour: the
    words it uses are no order to build, though a name from the code or a place on the
    screen in it still is (`Check.holds_in_behaviour`)."""
    if evidence == "modal-behaviour":
        return not (holds_in_behaviour or category == "api_contract")
    return evidence in NEVER and not (evidence == "bug-report" and category == "implementation_steps")


def is_docs_work(title: str) -> bool:
    """The item's work is documentation: the code, endpoints and technologies it names
    are what the pages are to explain, not what the team is to build."""
    return found(DOCS_WORK_RE, title)


# A title that says it is a user story ("User story: failed payment handling", "[US-010] ...",
# "As a guest I ...") is no bug report, whatever failure it is about
_STORY_TITLE_RE = lazy(
    r"\A[^\w\[]*+(?:\[\s*+(?:user\s*+stor(?:y|ies)|story|us[-\s]?\d+)\s*+\]|"
    r"user\s*+stor(?:y|ies)\s*+(?:[:#|\-\u2013\u2014]|\d)|story\s*+:|us[-\s]?\d+\b|"
    r"as\s++an?\s++[^,.;:\n]{1,60}?,?\s++(?:i|we)\b)"
)
# ... and one that orders something built ("Add retries for uploads", "feat(db): add timeouts",
# "[CI] Add the cache action") is a task, whatever bug template its body follows ("Current
# behavior", "Expected behavior"); a title that reports a failure still does ("Add to cart
# fails on Safari")
_BUILD_TITLE_RE = lazy(
    r"(?:feat(?:ure)?(?:\([^)]*+\))?\s*+:\s*+)?(?:add|implement|create|support|allow|introduce|provide|enable|expose|make)\b"
)
# The tags a title starts with ("[Java inspection]", "[C++][Parquet]", "[CI]"): the area the item
# is filed under; what follows them is the title proper
_TITLE_TAGS_RE = lazy(r"[^\w\[]*+(?:\[[^\]\n]{1,60}\]\s*+)*")


def title_tags_end(title: str) -> int:
    """Where a title's leading tags end (0 without tags)."""
    m = _TITLE_TAGS_RE.match(title)
    return m.end() if m else 0


# The area a title is filed under, named before a colon or a spaced dash ("UI - Retry failed
# jobs", "Windows: Add retries for failed uploads", "Data grid | ..."): up to four words
_TITLE_AREA_RE = lazy(r"([a-z0-9][\w/&+.#'-]*+)(?: [a-z0-9][\w/&+.#'-]*+){0,3}?(?:[ \t]*+:|[ \t]++[-|\u2013\u2014])[ \t]++")


def _order_start(lowered: str, start: int) -> int:
    """Where the order of a (lower-cased) title would open: past its tags (which end at `start`)
    and the area it is filed under; not past a verb's words ("Export fails - large files" is no area)."""
    m = _TITLE_AREA_RE.match(lowered, start)
    if m is None:
        return start
    g = grammar()
    return start if m.group(1) in g.imperatives or m.group(1) in g.request_verbs else m.end()


#: failure words that, in a title ordering a build, describe the thing to build
_DESCRIBING = frozenset({"missing", "failed", "failing", "failure", "failures", "invalid", "incorrect", "wrong"})
#: ... as a negated state does ("Add a column with a message when a pattern isn't validated")
_NEGATED_STATE_RE = lazy(r"(?:is|are|was|were|gets?|got)(?:n'?t| not)\b")
# ... and one after a clause's opening word, in any title: the condition or the thing an order
# is about ("Remind customers when a payment is not received", "Notify owners whose builds were
# not started", "Remove the jobs that are not scheduled"), not what the product does now
_CLAUSE_OPENER_RE = lazy(r"\b(?:when|whenever|if|unless|until|once|while|whose|where|that|which|who)\b")


def _reports_state(lowered: str, m: re.Match[str]) -> bool:
    """A title's symptom, unless it is a negated state inside a clause (`_CLAUSE_OPENER_RE`)."""
    return not _NEGATED_STATE_RE.match(m.group(0)) or _CLAUSE_OPENER_RE.search(lowered, 0, m.start()) is None


#: what a change ordered in a title is for, when that is to mend a failure ("... to fix X")
_FIX_PURPOSE_RE = lazy(r"\b(?:to|so as to|in order to)\s++(?:fix|prevent|avoid|solve|resolve|address|stop|work around)\b")
# ... which runs to the end of its clause: "Upgrade Jetty to fix the CVE; now the server crashes"
# reports a failure after it
_CLAUSE_END_RE = lazy(r"[;:!?|]|\.(?:\s|$)|\s[-\u2013\u2014]\s")


# the title's first word, past a conventional-commit type ("feat(broker): ", "chore: ")
_FIRST_WORD_RE = lazy(r"(?:[a-z]++(?:\([^)\n]{0,40}+\))?+!?+[ \t]*+:[ \t]*+)?+([a-z]++)")


#: verbs that name the mending: their object is the bug ("Fix failing tests", "Investigate missing endpoints")
_MENDING = frozenset({"fix", "investigate", "debug", "test"})


@cache
def _fix_order_verbs() -> frozenset[str]:
    """Verbs that, opening a title, order a change to the build ("patch", "upgrade", "replace");
    not "fix", "check" or "show", which name the mending or a behaviour, not a means."""
    g = grammar()
    return frozenset(g.imperatives - g.behaviour_verbs - _MENDING - {"handle"})


#: failure words that, between the verb of an order opening a title and its noun, describe what
#: the order acts on: "Retry failed jobs", "Clean up crashed workers", "Handle broken links"
_ATTRIBUTIVE = frozenset({"failed", "failing", "crashed", "crashing", "missing", "stuck", "flaky", "broken", "invalid"})
#: ... of which these judge a thing's quality: after a verb that shows or makes something they
#: are the product's faulty output, a report in a title's short style ("Display broken images")
_QUALITY = frozenset({"broken", "invalid"})
_MAKES = frozenset({"return", "render", "generate", "produce", "print", "emit", "send", "write"})
# what stands between the order's verb and the failure word: a particle ("clean up", "notify
# about"), determiners, an adverb ("Retry all the previously failed jobs")
_OBJECT_LEAD_RE = lazy(
    r"(?:[ \t]++(?:up|out|about|on))?+(?:[ \t]++(?:all|any|the|every|each|these|those|our|my|your|their|its|some|a|an|[a-z]+ly)\b)*+[ \t]++"
)
# ... and what after the failure word makes it a predicate, not its noun's modifier: the title's
# end, punctuation, a preposition, a conjunction or an adverb ("Export failed for large files",
# "Sync failed silently", "Import broken since 2.0", "Upload failed: 413")
_PREDICATE_AFTER_RE = lazy(
    r"[ \t]*+(?:$|[^\w \t`'\"\u2018\u201c]|\d|(?:on|in|at|of|off|for|with|without|from|to|about|after|before|since|during|under|"
    r"over|by|via|per|against|through|across|around|between|within|inside|outside|despite|"
    r"into|upon|when|whenever|while|if|unless|until|once|because|due|as|like|and|or|but|so|then|again|twice|sometimes|"
    r"always|now|still|anymore|here|there|even|too|[a-z]+ly)\b)"
)


@cache
def _object_verbs(quality: bool) -> frozenset[str]:
    """The verbs of an order whose object a failure word may describe (`_ATTRIBUTIVE`); for a
    word of quality, not those that show or make what it judges."""
    g = grammar()
    verbs = (g.imperatives | g.request_verbs) - _MENDING
    return verbs - g.behaviour_verbs - _MAKES if quality else verbs


def _describes_object(lowered: str, verb: re.Match[str] | None, m: re.Match[str]) -> bool:
    """A failure word that describes the object of the order opening the title ("Retry failed
    jobs", "Show failed payments to the admin"), not the predicate of a subject ("Export failed
    for large files", "Jobs failed after upgrade", "Search returns wrong results")."""
    word = m.group(0)
    if word not in _ATTRIBUTIVE:
        return False
    if verb is None or verb.group(1) not in _object_verbs(word in _QUALITY):
        return False
    lead = _OBJECT_LEAD_RE.match(lowered, verb.end())
    return lead is not None and lead.end() == m.start() and not _PREDICATE_AFTER_RE.match(lowered, m.end())


#: verbs of an order that makes the product give a message: "Show an error when ...", "Log an
#: error for ...", "Throw an exception if ..."; not those that act on one that happens ("Hide the error")
_GIVES = frozenset({"show", "display", "log", "throw", "raise", "return", "emit", "print", "add", "surface", "give", "send",
                    "provide", "write", "render", "flag", "present", "output"})  # fmt: skip
# ... whose object is an error or exception: after a determiner or a word of its kind ("Show an
# error", "Display a clear error"), or named as a message ("Show error message ..."); not a bare
# noun after a word that may be one ("Display error on the chart", "Log error in the export")
_GIVEN_MESSAGE_RE = lazy(
    r"[ \t]++(?:(?:(?:a|an|the|some|any|one|proper|clear|clearer|meaningful|helpful|useful|friendly|user-friendly|better|"
    r"specific|descriptive|explicit|informative|appropriate|validation|inline|visible)[ \t]++){1,3}(?:errors?|exceptions?)"
    r"|errors?[ \t]++(?:message|dialog|popup|toast|notification|banner|hint|text))\b"
)


def _asks_message(lowered: str, verb: re.Match[str] | None, m: re.Match[str]) -> bool:
    """An error the order opening the title (its `verb`, `_FIRST_WORD_RE`) asks the product to give (`_GIVES`,
    `_GIVEN_MESSAGE_RE`): what is wanted when something goes wrong, not a failure that happened."""
    if not m.group(0).startswith(("error", "exception")):
        return False
    if verb is None or verb.group(1) not in _GIVES:
        return False
    obj = _GIVEN_MESSAGE_RE.match(lowered, verb.end())
    return obj is not None and obj.start() < m.start() < obj.end()


# The condition an order opening a title sets ("Show a hint when the upload fails", "Warn if the
# sync failed"): a failure word in it is the case the wanted behaviour is for, not a failure
# that happened; nor is one the order asks kept in a case ("Ensure Save does nothing when the
# form is unchanged"). Not after a verb that names the mending ("Fix the dialog when export fails"),
# nor a negation: that is as often the setup a reported failure shows in ("Import wizard
# disappears when pom.xml doesn't compile", "... when not using a config file") as a case to handle
_NEGATION_RE = lazy(r"(?:[a-z]*n'?t|(?:[a-z]+ )?not|cannot|unable|no longer)\b")
_CONDITION = r"(?:when|whenever|if|once|after)\b"
_CONDITION_RE = lazy(r"\b" + _CONDITION)
_KEEPING_RE = lazy(r"(?:ensure|verify|make sure)\b")
_CONDITION_AFTER_RE = lazy(r"[ \t]++" + _CONDITION)


def _in_condition(lowered: str, verb: re.Match[str] | None, m: re.Match[str]) -> bool:
    """A failure word in the condition of the order opening the title (its `verb`), or in the
    behaviour it asks kept under a condition (`_CONDITION_RE`), within the order's clause and
    the condition's comma; a failure event ("fails", "does nothing"), not a negation."""
    if _NEGATION_RE.match(m.group(0)):
        return False
    if verb is None or verb.group(1) not in _object_verbs(False):
        return False
    if _CLAUSE_END_RE.search(lowered, verb.end(), m.start()) is not None:
        return False
    # (at the verb itself, group 1: the match opens at a conventional-commit type, "fix: ensure ...")
    if _KEEPING_RE.match(lowered, verb.start(1)) and _CONDITION_AFTER_RE.match(lowered, m.end()):
        return True
    # the condition runs to its comma: past it stands the clause it opens, where a title written
    # as steps reports ("Import a file, when deleting its source, get error")
    return any("," not in lowered[c.end() : m.start()] for c in _CONDITION_RE.finditer(lowered, verb.end(), m.start()))


# An exception or error class named in a title ("... may cause java.lang.OutOfMemoryError",
# "NullPointerException when saving", "KeyError in the loader"): the failure a program reported.
# The symptom words miss it: its "error" stands inside the name, where their \b does not find it.
# (CamelCase with a word before the suffix: not "Error", "ERROR" nor "terror")
_EXCEPTION_CLASS_RE = lazy(r"\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\b")


def _names_exception(title: str, lowered: str, start: int) -> bool:
    """The title names an exception class (`_EXCEPTION_CLASS_RE`), not as the object of the order
    opening it ("Throw a ValidationError for empty names", "Replace the RuntimeException in X")."""
    m = _EXCEPTION_CLASS_RE.search(title)
    if m is None:
        return False
    verb = _FIRST_WORD_RE.match(lowered, start)
    if verb is None or verb.group(1) not in _object_verbs(False) or len(lowered) != len(title):
        return True
    lead = _OBJECT_LEAD_RE.match(lowered, verb.end())
    return lead is None or lead.end() != m.start()


def is_bug_report(title: str, body: str) -> bool:
    lowered = title.lower()
    if _STORY_TITLE_RE.match(lowered):
        return False
    bug_title, bug_body = _bug_patterns()
    start = title_tags_end(lowered)
    build = _BUILD_TITLE_RE.match(lowered, start) is not None
    purpose = _FIX_PURPOSE_RE.search(lowered)
    if purpose and not build:
        # "Patch the broker to fix hanging agents": the title orders a change to mend a failure
        verb = _FIRST_WORD_RE.match(lowered, start)
        build = verb is not None and verb.group(1) in _fix_order_verbs()
    if build:
        # "Add retries for failed uploads", "Implement missing dial tones": a failure word that
        # only describes what is to be built; "Add to cart fails on Safari" still reports one.
        # Nor does the failure the ordered change is for ("... to fix hanging agents"), to the end
        # of its clause: "Upgrade Jetty to fix the CVE; now the server crashes" still reports one
        if purpose is None:
            spans = [(0, len(lowered))]
        else:
            end = _CLAUSE_END_RE.search(lowered, purpose.end())
            spans = [(0, purpose.start()), (end.start(), len(lowered))] if end else [(0, purpose.start())]
        verb = _FIRST_WORD_RE.match(lowered, start)
        return any(
            m.group(0).strip() not in _DESCRIBING
            and not _NEGATED_STATE_RE.match(m.group(0))
            and not _in_condition(lowered, verb, m)
            and not _asks_message(lowered, verb, m)
            for lo, hi in spans
            for m in bug_title.finditer(lowered, lo, hi)
        )
    # (RE2 answers "none" for most titles: `search` first, `re`'s finditer only from there)
    # a failure word the order opening the title acts on ("Retry failed jobs") reports none, nor
    # one that describes what an order builds, past the area the title is filed under ("UI -
    # Retry failed jobs", "Windows: Add retries for failed uploads"); that title's body may still
    # be a report (a build order opening the title proper is not one whatever its body says)
    m = bug_title.search(lowered)
    if m is not None:
        area = _order_start(lowered, start)
        verb = _FIRST_WORD_RE.match(lowered, area)
        builds = area > start and _BUILD_TITLE_RE.match(lowered, area) is not None
        if any(
            _reports_state(lowered, n)
            and not _describes_object(lowered, verb, n)
            and not _in_condition(lowered, verb, n)
            and not _asks_message(lowered, verb, n)
            and not (builds and n.group(0).strip() in _DESCRIBING)
            for n in bug_title.finditer(lowered, m.start())
        ):
            return True
    if ("Exception" in title or "Error" in title) and _names_exception(title, lowered, start):
        return True  # (most titles name neither: no search)
    return bug_body.search(body.lower()) is not None


def reports_bug(a: Analysis) -> bool:
    """`is_bug_report` of the analysed story, worked out once however many rules ask."""
    p = a.parsed
    return a.shared(id(is_bug_report), lambda: is_bug_report(p.masked_title, p.masked_body))


# A feature request in a user's words: GitHub's issue template, the headings of the issue
# forms projects give their users, and the label writers put in the title. There the HOW
# words are mostly the product's own surface the asker works with (its API, its settings, a
# tool it should support: "Support Playwright", "Add expect.toBeGreaterThan"), not an order.
_FEATURE_REQUEST_RE = fast(
    lazy(
        r"feature request|is your (?:feature|enhancement) request related|describe the solution you(?:'|\u2019)?d like|"
        r"describe alternatives you(?:'|\u2019)?ve considered|"
        # the headings of the issue forms projects give their users for a request
        r"^[#* \t]*+(?:suggested solution|clear and concise description of the problem|feature description|"
        r"describe the feature(?: you(?:'|\u2019)?d like| you want| or problem)?|describe your feature request)\b",
        re.MULTILINE,  # searched in lower-cased text
    )
)


# ... and the type tag an issue form puts before a user's title ("[Feature]: ...", "[FR] ...",
# "Feature: ..."); not a conventional commit's "feat:", which a team writes for its own work
_REQUEST_TAG_RE = lazy(
    r"\A[^\w\[]*+(?:\[\s*+(?:feature|feature request|feature-request|fr|rfe|enhancement|request|idea|suggestion)s?\s*+\]|"
    r"(?:feature|fr|rfe)\s*+:)"
)


# An option a template offers and the writer left unticked ("- [ ] Feature Request" above a
# ticked "- [x] Chore") says what the item is not; numbered or quoted too ("1. [ ] ...",
# "> - [ ] ...").
_UNTICKED_RE = lazy(r"^(?:[ \t]*+>)*+[ \t]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++)?\[ \][^\n]*+", re.MULTILINE)


def is_feature_request(title: str, body: str) -> bool:
    lowered = title.lower()
    if _REQUEST_TAG_RE.match(lowered) or _FEATURE_REQUEST_RE.search(lowered):
        return True
    body = body.lower()
    if "[ ]" in body:
        body = _UNTICKED_RE.sub("", body)
    return _FEATURE_REQUEST_RE.search(body) is not None


# The asker's own code uses the product: a line that imports it by its own name, as its users'
# code does ("import matplotlib.pyplot as plt", "from datasets import load_dataset", "import {
# Worker } from '@temporalio/worker'", "require 'rails'"). The writer is a developer working with
# the product as a library, and the calls, options and keywords they name are its public surface
# (what they want to call), not its internals. The product's name is the import's first segment:
# a Java "import org.apache.kafka..." is the project's own source as often as a user's, and a
# private segment ("from matplotlib.axes._base import ...") is the code's inside, not its surface.
_IMPORT_RE = lazy(
    r"^[ \t>]*+(?:from[ \t]++(?P<py>[\w.]++)[ \t]++import\b|import[ \t]++(?P<mod>[\w.]++)(?:[ \t]++as\b|[ \t]*+(?:,|$))|"
    r"(?:import|export)\b[^\n'\"]{0,200}?\bfrom[ \t]++['\"](?P<js>[@\w./-]++)['\"]|"
    r"(?:.*?\b)?require(?:\([ \t]*+|[ \t]++)['\"](?P<req>[@\w./-]++)['\"])",
    re.MULTILINE,
)
_SEGMENT_RE = lazy(r"[./]")


def _project_names(project: str | None) -> frozenset[str]:
    """The names a project's tracker gives it (`gh:matplotlib/matplotlib` -> matplotlib,
    `gh:temporalio/sdk-typescript` -> temporalio, sdk-typescript; `jira:KAFKA` -> kafka)."""
    if not project:
        return frozenset()
    parts = project.lower().replace(":", "/").split("/")[1:] if ":" in project else project.lower().split("/")
    return frozenset(p for p in parts if len(p) >= 3)


def imports_product(project: str | None, body: str) -> bool:
    """The body's code imports the product by its own name (`_IMPORT_RE`), through no private
    segment: the asker writes code against the product, a user of it."""
    if "import" not in body and "require" not in body:
        return False
    names = _project_names(project)
    if not names:
        return False
    for m in _IMPORT_RE.finditer(body):
        module = next(g for g in m.groups() if g is not None)
        segments = [s for s in _SEGMENT_RE.split(module.lstrip("@")) if s]
        if segments and segments[0] in names and not any(s.startswith("_") and not s.startswith("__") for s in segments):
            return True
    return False


# A name the code keeps to itself, by the leading underscore of Python, Ruby and JavaScript: in a
# code span (`_radius = ...`), a call (`_reset()`), a dotted path's segment (`matplotlib._enums`)
# or a snake-cased name (`_process_plot_var_args`); not an "_emphasis_" in Markdown.
_PRIVATE_NAME_RE = lazy(
    r"`[^`\n]*?(?<![\w$])_[A-Za-z][^`\n]*`|(?<![\w$])_[A-Za-z][A-Za-z0-9]*_\w*[A-Za-z0-9](?!\w)|"
    r"(?<![\w$])_[A-Za-z]\w*(?=\()|\._[A-Za-z]"
)


def names_private(s: SentenceInfo) -> bool:
    """The sentence names code the product keeps private: what it asks is about the inside."""
    return "_" in s.text and _PRIVATE_NAME_RE.search(s.text) is not None


def uses_product(analysis: Analysis) -> bool:
    """`imports_product` of the analysed story, outside a bug report (whose code reproduces
    the failure and whose proposal is the fix), worked out once however many rules ask."""
    p = analysis.parsed
    return analysis.shared(
        id(imports_product), lambda: imports_product(p.story.project, p.body) and not reports_bug(analysis)
    )


# A bug's to-do item that orders the fix: "Need to rename X to Y", "We have to use X", "We also
# need to add X" (an adverb between its subject and the modal)
_FIX_TODO_RE = lazy(
    r"\A\W*+(?:(?:we|you|i)\s++(?:also\s++|still\s++|first\s++|then\s++|just\s++)?)?(?:(?:will\s++)?(?:need|needs|have|has)\s++to|must|should)\s++(?:also\s++)?([a-z]++)",
    re.IGNORECASE,
)


# ... or the part to change, named in the passive: "Master::recover in master.cpp should be
# changed to process X", "the '\\n' must be replaced by a space"; its participle changes the code
# (`code_change_verbs`, and "changed"), not "should be checked / shown / created by the user"
_FIX_PASSIVE_RE = lazy(
    r"\b(?:should|must|needs?\s++to|ha(?:s|ve)\s++to)\s++(?:also\s++|probably\s++|just\s++|simply\s++)?be\s++([a-z]++)\b",
    re.IGNORECASE,
)
_IRREGULAR = {"rewrite": "rewritten", "split": "split"}


@cache
def _code_changed() -> frozenset[str]:
    """The participles of the verbs that change the code ("removed", "renamed", "rewritten"), and "changed"."""
    return frozenset(
        {"changed"} | {_IRREGULAR.get(v) or (v + "d" if v.endswith("e") else v + "ed") for v in grammar().code_change_verbs}
    )


def _orders_fix(text: str) -> bool:
    """A bug's sentence that orders the fix (a to-do item, or the part to change), not what was seen."""
    m = _FIX_TODO_RE.match(text)
    if m is None:
        return any(p.group(1).lower() in _code_changed() for p in _FIX_PASSIVE_RE.finditer(text))
    return _builds(m.group(1).lower())


def _builds(verb: str) -> bool:
    """The verb of a to-do item or a plan orders work done ("add", "reset", "rename"), not
    behaviour the product is to show ("return", "display"): so the sentence is the fix."""
    g = grammar()
    return verb in g.imperatives and verb not in g.behaviour_verbs


# A modal whose subject is a name from the code: "`Cache.evict` should run after the write",
# "TopicPartitionStateManager's init must happen once the node is ready". The code is told how
# to act: an order to build, in a bug report as anywhere ("X should return Y" states what is
# observed: `behaviour_modal`; "X should not crash" the symptom it must lose: not counted).
# The name is shaped as only code spells one: a member of a class (`Type.camelMember`,
# `Type#member`, a call `f()`), lowerCamel past a two-letter first hump ("iPhone" is a
# brand), or a CamelCase name of three humps or more ("PowerPoint", "JavaScript" have two);
# not a lower-case dotted key ("log.retention.ms" is a setting the user sets).
_CODE_NAME = (
    r"(?:[A-Z]\w*+(?:\.[a-z]++[A-Z]\w*+|#\w++)|[A-Za-z_]\w*+(?:\.\w++)*+\(\)|[a-z]{2,}+\d*+[A-Z]\w*+|"
    r"[A-Z][a-z\d]++(?:[A-Z][a-z\d]++){2,}+(?![\w.]))"
)
#: the adverbs that may stand between the modal and its verb ("should also reset", "must now run")
_MODAL_ADVERBS = "also|always|only|now|first|rather|instead|explicitly"
_CODE_ACTS_RE = lazy(
    r"\A[^\w`]*+(?:the\s++)?`?" + _CODE_NAME + r"`?(?:'s\s++[a-z]++)?\s++(?:(?:class|method|function)\s++)?"
    r"(?:should|must|needs\s++to|has\s++to)\s++(?:(?:" + _MODAL_ADVERBS + r")\s++)*+"
    r"(?!not\b|never\b|default\b)[a-z]"  # "fooBar should default to false": a setting's default, the user's
)
#: the classes such a sentence is read as before its subject is looked at
_CODE_ACTS_FROM = frozenset({"modal", "symptom"})
# ... or the team's plan, opening the sentence, whose verb changes the code at a place named
# as code: "We should explicitly reset the cursor in `seekToEnd`", "we need to clear the
# flag in rebuildIndex()" (a name before the plan, "When parsing in FooParser, we should ...",
# is where it happens, not what is changed)
_PLAN_AT_CODE_RE = lazy(
    r"\A[^\w`]*+(?:[Ww]e|I)\s++(?:should|must|need\s++to|have\s++to)\s++(?:(?:" + _MODAL_ADVERBS + r"|just)\s++)*+"
    r"([a-z]++)\b[^.;:,!?]*?(?<![\w.])`?" + _CODE_NAME
)


def _code_told_to_act(s: SentenceInfo) -> bool:
    """The sentence tells a name from the code how to act (`_CODE_ACTS_RE`), not what is observed."""
    return _CODE_ACTS_RE.match(s.text) is not None and not behaviour_modal(s.text)


def _plan_at_code(s: SentenceInfo) -> bool:
    """The team's plan changes the code at a place named as code (`_PLAN_AT_CODE_RE`)."""
    m = _PLAN_AT_CODE_RE.match(s.text)
    return m is not None and _builds(m.group(1).lower())


# An order whose verb reshapes the code and whose object is the code itself, named as code:
# "Change the signature of `Env.run`", "Override `toJSON()` methods", "Unify these errors into
# one Error class", "Make `fetchAll()` return an iterator", "Rename `fooBar`". A feature
# request in the asker's words names what they want; this names the code to change and how,
# and so orders the build as a task's to-do item does. The verbs change what exists
# (`code_change_verbs`, and "change", "override", "unify", "make" ...). A verb that adds
# ("add", "extend") counts only where what it adds goes into a name the code keeps private
# ("add `x` to `_KEPT_FIELDS`"): added to a named public class or call ("Add `__add__()` to
# the `Dataset` class", "Add a status to the DescribeRun API") it is the surface a developer
# product's users asked for. Not "expose" or "support": the product's surface offered.
_RESHAPE_VERBS = frozenset({"change", "modify", "override", "overload", "unify", "make", "wrap", "subclass"})
#: verbs that add to the code: only into a private name
_ADDING_VERBS = frozenset({"add", "introduce", "implement", "extend"})
_INTO_PRIVATE_RE = lazy(r"\b(?:to|into|in)\s++(?:the\s++|its\s++)?`?_[A-Za-z]\w*+")
#: the parts of code an order may reshape: a named one among them is the code's own structure
_CODE_PART_RE = lazy(
    r"\b(?:signatures?|parameters?|params?|arguments?|args?|callbacks?|methods?|constructors?|overloads?|"
    r"return\s++(?:types?|values?)|subclass(?:es)?|superclass|base\s++class|class(?:es)?|interfaces?|"
    r"attributes?|members?|enums?|structs?|functions?|decorators?|generics?|type\s++parameters?)\b"
)
#: a name shaped as only code spells one (`_CODE_NAME`, snake_case, UPPER_SNAKE)
_RESHAPE_NAME = r"(?:" + _CODE_NAME + r"|_*+[A-Za-z][A-Za-z\d]*+_\w++)"
_RESHAPE_NAME_RE = lazy(r"(?<![\w.])`?" + _RESHAPE_NAME)
#: the name as what the change acts on, right after the verb ("Rename `fooBar`", "Make
#: `fetchAll()` return ..."; not a name that qualifies the noun after it, "Make fooBar users
#: aware ...": they are the object), or where it goes ("to `X`", "of X", "in X", "from `X`")
_RESHAPE_OBJ_RE = lazy(
    r"\s*+(?:the\s++)?`?" + _RESHAPE_NAME + r"`?(?=\s*+(?:$|[^\w\s`]|(?:and|or|to|into|with|from|in|on|by|as|for|so|"
    r"instead|at|returns?|accepts?|takes?|throws?|be|async|optional|generic)\b))"
)
_RESHAPE_INTO_RE = lazy(r"\b(?:to|into|of|in|from|on)\s++(?:the\s++|its\s++)?`?" + _RESHAPE_NAME)
#: any name in a code span, or a capitalised word before the part ("a single Error class")
_PART_NAMED_RE = lazy(r"`[A-Za-z_][^`]*+`|\b[A-Z]\w*+\s++(?:class|interface|type|enum|struct)\b")
_RESHAPE_END_RE = lazy(r"[;!?]|[.:](?:\s|$)")


def reshapes_code(s: SentenceInfo) -> bool:
    """The sentence orders the code itself reshaped, named as code (`_RESHAPE_VERBS`): its
    verb's object is a part of code with a name from the code, or a name the change goes into."""
    if not s.imperative or s.docs_work or s.asks:
        return False
    verb = s.verb
    adding = verb in _ADDING_VERBS
    if not adding and verb not in _RESHAPE_VERBS and verb not in grammar().code_change_verbs:
        return False
    at = s.verb_at - s.start
    if at < 0 or s.text[at : at + len(verb)].lower() != verb:
        return False  # a want's verb ("I want to add ...") or a "get rid of": read no further
    clause = s.text[at + len(verb) :]
    end = _RESHAPE_END_RE.search(clause)
    if end is not None:
        clause = clause[: end.start()]
    if adding:
        return _INTO_PRIVATE_RE.search(clause) is not None
    if _CODE_PART_RE.search(clause):
        return _RESHAPE_NAME_RE.search(clause) is not None or _PART_NAMED_RE.search(clause) is not None
    return _RESHAPE_INTO_RE.search(clause) is not None or _RESHAPE_OBJ_RE.match(clause) is not None


def evidence_class(s: SentenceInfo | None, bug_report: bool = False) -> str:
    """Where a term stands, from the strongest sign that the sentence directs the build."""
    found = _evidence_class(s)
    if found in _CODE_ACTS_FROM and s is not None and _code_told_to_act(s):
        return "title-imperative" if s.field == "title" else "imperative"  # the code is ordered, as by "make X do Y"
    if found == "plan" and s is not None and _plan_at_code(s):
        return "imperative"  # "we should reset X in fooBar": the team's to-do item, as "Reset X in fooBar"
    if bug_report and found == "proposal" and s is not None and _STEPS_HEADING_RE.match(s.heading):
        return "bug-report"  # a bug's bare "Steps" heading lists what was done, not what to build
    if bug_report and found == "acceptance" and s is not None and _EXPECTED_HEADING_RE.match(s.heading):
        return "bug-report"  # a bug's "Expected result" is the behaviour it misses, not an order to build
    if bug_report and found in ("modal", "imperative") and s is not None and _orders_fix(s.text):
        return found  # "Need to rename X": the fix as a to-do item, not what was observed
    return "bug-report" if bug_report and found in _WEAK_IN_BUGS else found


def _evidence_class(s: SentenceInfo | None) -> str:
    if s is None:
        return "statement"
    if s.section == SEC_AC:
        return "acceptance"
    if s.section == SEC_PROPOSAL or s.states_fix:
        return "proposal"
    if s.plan:
        # "we should display the versions", "we need to provide API access": the team's
        # plan is what the user will observe; the words it uses are no order to build
        shows = s.modal and _SHOWS_RE.search(s.text) and not _BUILT_HOW_RE.search(s.text)
        return "modal-behaviour" if shows else "plan"
    if s.imperative:
        return "title-imperative" if s.field == "title" else "imperative"
    if found(_symptom_re(), s.text):
        return "symptom"
    if s.modal:
        return "modal-behaviour" if behaviour_modal(s.text) else "modal"
    return "title" if s.field == "title" else "statement"


def sentence_key(s: SentenceInfo | None, field_name: str, offset: int) -> str:
    """What one piece of evidence says: a title repeated as the body's first line is one."""
    return " ".join(s.lowered) if s is not None and s.lowered else f"{field_name}:{offset}"


#: The `[stories]` rows, by how many sentences carry a story's HOW evidence: one sentence
#: is often a mention read as an order; two agree more often; three or more almost always.
STORY_ROWS = ("single", "two", "several")
#: ... and a row of its own for a feature request (see `is_feature_request`) whose HOW
#: evidence all stands outside acceptance criteria: what the asker wants from the product;
#: one sentence of it is as often a name the asker uses for what they want as a means.
REQUEST_ROW = "feature-request"
#: ... split off where two or more of the asker's sentences carry it: a request that names
#: the file to change and then the check to add in it proposes the build. (Counted from the
#: corpora labelled after the first row was: where a file has no such row, the first answers.)
REQUEST_TWO_ROW = "feature-request-two"
#: ... and one for a single occurrence of a HOW term in a single sentence that only suggests
#: or states it (a modal, a plan, a statement; any class but `ORDERING`) where no imperative,
#: title, proposal or criterion orders it: as often a writer thinking aloud about a tool or
#: a name as a decision.
SUGGESTED_ROW = "single-suggested"
#: ... split by what the item is: a lone suggestion in an item whose title orders work ("Add
#: X", "Support Y") is the team's task, where a suggested means is more often the plan.
SUGGESTED_TASK_ROW = "single-suggested-task"
#: Evidence classes whose sentence orders the build, or names it as the item itself.
ORDERING = frozenset({"imperative", "title-imperative", "title", "proposal", "acceptance"})
#: Categories whose evidence is never one term a writer thinks aloud about: a place on the
#: screen, a size or a colour, said once, is the layout (a technology or a name from the code
#: said once is as often the product's own). A list of build steps was tried here too: one
#: story more on the sets tuned on, one false alarm more on the sets never looked at.
NEVER_LONE = frozenset({"ui_spec"})


def story_row(sentences: int, request: bool = False, suggested: bool = False, task: bool = False) -> str:
    """The `[stories]` row of a story whose HOW evidence stands in that many sentences
    (`suggested`: it is one term that is only suggested, see `lone_suggestion`; `task`: its
    title orders work, see `titled_as_work`)."""
    if request:
        return REQUEST_TWO_ROW if sentences >= 2 else REQUEST_ROW
    if suggested:
        return SUGGESTED_TASK_ROW if task else SUGGESTED_ROW
    return STORY_ROWS[min(max(sentences, 1), len(STORY_ROWS)) - 1]


def lone_suggestion(evidence: Iterable[tuple[str, str]], sentences: int, terms: int) -> bool:
    """The HOW evidence, as (category, evidence class), is one occurrence of a term (`terms`:
    the places terms start) in one sentence, and no imperative, title, proposal or
    criterion orders it; never for the categories of `NEVER_LONE`."""
    return (
        sentences <= 1
        and terms <= 1
        and not any(e in ORDERING or c in NEVER_LONE for c, e in evidence)
    )


def titled_as_work(analysis: Analysis) -> bool:
    """The item's title orders work ("Add export to PDF", "Support SSO"): a task for the team."""
    return any(s.imperative for s in analysis.sentences if s.field == "title")


def outside_criteria(evidence: Iterable[tuple[str, str]]) -> bool:
    """HOW evidence, as (category, evidence class), none of which is an acceptance criterion:
    in a feature request, the asker's own words (a criterion still orders the build)."""
    seen = list(evidence)
    return bool(seen) and all(e != "acceptance" for _, e in seen)


def story_signals(
    evidence: list[tuple[str, str]],
    sentences: int,
    terms: int,
    analysis: Analysis,
    carriers: Iterable[SentenceInfo] = (),
) -> tuple[bool, bool, bool]:
    """What picks a story's `[stories]` row besides its sentence count: (a feature request in
    the asker's words, a lone suggestion, a lone suggestion in an item titled as work), from
    all its HOW evidence as (category, evidence class) and the sentences and term places that
    carry it (`carriers`: those sentences; one that orders the code reshaped, `reshapes_code`,
    is no asker's words). The engine and `scripts/calibrate.py` ask this one question."""
    p = analysis.parsed
    request = (
        outside_criteria(evidence)
        and (
            is_feature_request(p.masked_title, p.masked_body)
            # (a user of the product asks about its surface; about private names, its inside)
            or (uses_product(analysis) and not any(names_private(s) for s in carriers))
        )
        and not any(reshapes_code(s) for s in carriers)
    )
    suggested = lone_suggestion(evidence, sentences, terms)
    return request, suggested, suggested and titled_as_work(analysis)


@dataclass(frozen=True)
class Calibration:
    """Smoothed precision per (category, evidence class) from counts of findings, and per
    story by how many sentences carry the evidence (one, two, or three and more)."""

    cells: dict[tuple[str, str], tuple[int, int]]  # (category, class) -> (findings, in prescribing stories)
    stories: dict[str, tuple[int, int]] = field(default_factory=dict)  # story_row(n) -> (stories, prescribing)
    _memo: dict[tuple[str, str], float] = field(default_factory=dict, compare=False, repr=False)

    def confidence(self, category: str, evidence: str) -> float | None:
        if not self.cells:
            return None
        known = self._memo.get((category, evidence))
        if known is None:
            known = self._memo[(category, evidence)] = self._measure(category, evidence)
        return known

    def story_cap(self, sentences: int, request: bool = False, suggested: bool = False, task: bool = False) -> float | None:
        """The precision of stories whose HOW evidence stands in that many sentences (or the
        row of a feature request, or of a lone suggestion: `story_row`): a cap on their
        findings' confidence, so that a high threshold keeps the well corroborated ones."""
        if not self.stories:
            return None
        overall = _ratio(_sum(self.stories.values()), 0.0, 0.0, fallback=0.8)
        # a row counted before a finer one existed answers for it, and so it does where the
        # finer row counted no story (scripts/calibrate.py writes every row, [0, 0] included)
        rows = (
            story_row(sentences, request, suggested, task),
            story_row(sentences, request, suggested),
            *((REQUEST_ROW,) if request else ()),
            story_row(sentences),
        )
        cell = next((self.stories[row] for row in rows if self.stories.get(row, (0, 0))[0]), (0, 0))
        return min(round(_ratio(cell, overall, SMOOTHING, fallback=overall), 2), MAX_CONFIDENCE)

    def _measure(self, category: str, evidence: str) -> float:
        total = _sum(self.cells.values())
        overall = _ratio(total, 0.0, 0.0, fallback=0.8)
        by_class = _sum(v for (_, e), v in self.cells.items() if e == evidence)
        class_p = _ratio(by_class, overall, SMOOTHING, fallback=overall)
        cell = self.cells.get((category, evidence), (0, 0))
        # never certainty: a measured share is an estimate, and 1.0 would read as a guarantee
        return min(round(_ratio(cell, class_p, SMOOTHING, fallback=class_p), 2), MAX_CONFIDENCE)


def _sum(values: object) -> tuple[int, int]:
    n = ok = 0
    for a, b in values:  # type: ignore[attr-defined]
        n, ok = n + a, ok + b
    return n, ok


def _ratio(counts: tuple[int, int], prior: float, weight: float, *, fallback: float) -> float:
    n, ok = counts
    if n + weight == 0:
        return fallback
    return (ok + prior * weight) / (n + weight)


@cache
def bundled() -> Calibration:
    from .rulepack import pack_data, rules_dir

    if not (rules_dir() / "calibration.toml").is_file():
        return Calibration({})
    data = pack_data("calibration.toml")
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for category, classes in data.get("counts", {}).items():
        for evidence, pair in classes.items():
            cells[(category, evidence)] = (int(pair[0]), int(pair[1]))
    stories = {name: (int(pair[0]), int(pair[1])) for name, pair in data.get("stories", {}).items()}
    return Calibration(cells, stories)
