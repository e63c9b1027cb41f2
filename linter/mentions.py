"""HOW evidence that the story merely mentions: what the product is or works with.

A rule finds a term; whether the story *chooses* it depends on where the term stands in
the story and in its tracker, which no single rule sees. Each exemption here is kept
only where the labelled stories said such findings were false alarms:

* the object of support or of a connection ("support for Kafka", "JUnit 5 support", "add
  support for largeIcon in the notification API"): a capability the product's users ask for,
  or a name of the product's own surface they want it to accept, not a part of how it is
  built;
* a title's leading tags ("[Java inspection] Add a quick fix") or label ("cSetHeader: Add
  a table", "iOS8: ...", "rpc/wallet: ...", "feat(lsp): ..."; not "Refactor: ...", which
  names the work): they name the area;
* the product's own name in its own tracker (`jira:kafka`, `pnpm/pnpm`): what it is; and a
  dotted name under it ("React.createRef()" in React's tracker): its public API, unless its
  spelling keeps it private ("react._internal.x");
* what the wanted thing is likened to, a thing that exists already ("a help system like we
  have in GWT", "the north arrow like the GWT viewer has", "all one colour, like how you would
  see `10px`"): a reference the reader knows, not a choice of how to build;
* a segment of a file-system path ("under src/main/scala/gen", "move /var/lib/docker"): a
  place on disk the sentence names, not the technology chosen; alternatives written with
  slashes ("classes/tests/results", "React/flux") are no path (`in_path`);
* the subject of a study the sentence opens with ("Investigate configuration management for
  Jenkins", "Benchmark the Swift client for large objects", "We need to evaluate Kafka"): what
  is to be found out about, not what is to be built, up to an order joined after it
  ("Investigate the Boost warnings and update Boost to 1.60" still orders the update);
* a name in a sentence that asks for the product's own surface, what its users observe and
  set ("Expose the store's entry count as a metric", "log a warning when ...", "an allowed
  value for the linger setting"; `storylint.surface`), unless it names the construction too;
* a term of the project's learned domain vocabulary (`storylint.domain`) where the
  sentence only states it, unless the sentence chooses it ("we need to use CXF").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .analysis import grammar
from .calibration import title_tags_end
from .checks.base import beside
from .domain import WEAK_EVIDENCE, chosen, normalise, supported
from .lazyre import lazy

if TYPE_CHECKING:  # annotations only
    from .analysis import SentenceInfo
    from .checks.base import Hit
    from .rulepack import Rule

_ALNUM = lazy(r"[^a-z0-9]+")
# A title's leading label, one word and a colon ("cSetHeader: Add a table", "iOS8: ..."):
# the area the item is filed under, as a tag in brackets is; also the area paths and scopes
# many projects prefix ("rpc/wallet: ...", "CI, tracing: ...", "feat(lsp): ...")
_TITLE_LABEL = lazy(
    r"[^\w\[]*+(?:\[[^\]\n]{1,60}\]\s*+)*(?P<word>[\w.$#-]++)(?:(?:/|,[ \t]?+)[\w.$#-]++){0,3}+"
    r"(?:\([\w.$#/, -]{1,40}\))?+[ \t]*+:[ \t]++(?=\S)"
)

# "like we have in GWT", "like how you would see `10px`": the term is where the wanted thing
# already exists, what it is likened to (not "like we should use X", nor "like we do in Redis",
# which may be the way to build it again, nor "similar to X", which models a design on X)
_LIKE_BEFORE = lazy(
    r"\blike\s++(?:how\s++)?(?:we|you|they|it|one|users?|people)\s++(?:would\s++|can\s++|could\s++|already\s++)?"
    r"(?:have|has|had|see|saw)\s++(?:(?:in|with|on|for|from)\s++)?(?:the\s++|an?\s++)?[`'\"]?\Z",
    re.IGNORECASE,
)
# "like the GWT viewer has", "like Redis has": the same likeness with the verb after the term
# (not "like the old viewer has to", "like the queue has a limit": a statement about it)
_LIKE_THE = lazy(r"\blike\s++(?:the\s++)?[`'\"]?\Z", re.IGNORECASE)
_HAS_AFTER = lazy(
    r"[`'\"]?(?:\s++[\w-]++)?\s++(?:has|have|had)\b(?!\s++(?:to|a|an|the|not|no|been|some|any|it)\b)",
    re.IGNORECASE,
)


def likened(text: str, start: int, end: int) -> bool:
    """The term at `start:end` is what the wanted thing is likened to, where it exists already."""
    return beside(text, start, end, before=_LIKE_BEFORE, window=70) or (
        beside(text, start, end, before=_LIKE_THE) and beside(text, start, end, after=_HAS_AFTER)
    )


# What ends the run of characters around a term that a path can hold, besides white space:
# quotes, brackets, backticks, "=", "," ... (`"css/x.h"`, `{{/var/lib/docker}}`, `resource="a/b.xml"`)
_NOT_IN_PATH = frozenset("\"'`()[]<>{}=,;|*")
# where only a path starts: "/", "~/", "./", "../", "$HOME/", a drive ("C:\\", "D:/"); a
# backslash alone is no root (Jira wiki escapes with it: "{{\-Wno\-unused}}")
_PATH_START = lazy(r"/|~[/\\]|\.\.?[/\\]|\$\{?\w+\}?[/\\]|[A-Za-z]:[/\\]|\\\\\w")
# the directories a path opens with (one of them before a slash is no list of alternatives)
_PATH_ROOTS = frozenset(
    {"src", "lib", "lib64", "var", "usr", "opt", "home", "etc", "bin", "sbin", "tmp", "proc", "sys", "dev", "mnt",
     "srv", "build", "target", "dist", "node_modules", "vendor"}
)  # fmt: skip
# a file name's extension ("config/cxf.xml", "util/stringUtil.h"); not a product's dotted name
# ("ACS/Node.js", "React/socket.io"), which alternatives list
_FILE_NAME = lazy(r"(?![A-Za-z]+\.(?:js|io)\Z)[\w.-]*\w\.[A-Za-z][A-Za-z0-9]{0,5}\Z")


def _path_edge(text: str, at: int, step: int, limit: int) -> int:
    """Where the run of path characters from `at` ends, going `step` (-1: back) up to `limit`."""
    while at != limit:
        c = text[at - 1] if step < 0 else text[at]
        if c.isspace() or c in _NOT_IN_PATH:
            break
        at += step
    return at


def in_path(text: str, start: int, end: int) -> bool:
    """The term at `start:end` is part of a file-system path: one from a root ("/var/lib/docker",
    "~/x", "./zookeeper/data", "C:\\tools"), one from a known top directory ("src/main/scala/gen",
    "target/classes"), one to a file the term is not the name of ("META-INF/cxf/cxf.xml"), or of
    four segments or more. Two or three words between slashes without any of these
    ("classes/tests/results", "PHP/DB/Moodle", "Kerberos/LDAP") are alternatives, each meant."""
    lo = _path_edge(text, start, -1, max(0, start - 200))
    hi = _path_edge(text, end, 1, min(len(text), end + 200))
    while hi > end and text[hi - 1] in ".:!?":  # the sentence's end, not the path's
        hi -= 1
    token = text[lo:hi]
    if "/" not in token and "\\" not in token:
        return False  # (a backslash only with a root: "C:\\tools\\python", "..\\bin")
    colon = text.rfind(":", lo, start)
    if colon > lo + 1:  # "classpath:META-INF/cxf/cxf.xml": the path after the scheme's name
        lo = colon + 1
        token = text[lo:hi]
    if _PATH_START.match(token):
        return True
    segments = [part for part in token.split("/") if part]
    if len(segments) < 2:
        return False
    last = token.rfind("/")  # where the last segment starts, less one
    return (
        segments[0].lower() in _PATH_ROOTS
        or len(segments) >= 4
        or last == len(token) - 1  # "lib/docker/": a directory
        or (end - lo <= last and _FILE_NAME.search(token, last + 1) is not None)
    )


# A sentence that opens with a study: its verb (after a list's marker, a filler, or a to-do's
# modal, "we need to ..."), in the forms that are no noun at a sentence's start ("Research
# notes", "Study plan", "Benchmark results", "Explore tab", "Compare editor" are things, so
# those verbs are left out)
_STUDY_OPENING_RE = lazy(
    r"[^\w]*+(?:(?:please|also|first|then|maybe|just|further|more)\s++)*+"
    r"(?:(?:(?:we|i|you|team)\s++)?(?:need|needs|should|must|have|has|want|will|would like)\s++(?:to\s++)?)?+"
    r"(?:investigat(?:e|ing)|evaluat(?:e|ing)|exploring|assess(?:ing)?|comparing|benchmarking|"
    r"analy[sz](?:e|ing)|experiment(?:ing)?\s++with|look(?:ing)?\s++into|find\s++out)\b",
    re.IGNORECASE,
)
# ... unless the sentence orders more than the study: an order joined after it ("and update
# Boost", "/ Deploy the exporter", ": replace X with Y", ", and fix them"), the word after the
# joint read as a verb
_STUDY_JOINT_RE = lazy(
    r"(?:[/&;:,]\s*+(?:and\s++)?|\b(?:and|then)\s++)(?:(?:then|also|later|finally)\s++)?([a-z]++)\b", re.IGNORECASE
)
# ... or the study weighs a means of building it: "investigate moving the class variables to
# instances", "evaluate using Redis", "investigate if Master::deactivate() can be used or
# modified", "how we can refactor the workspace": the means it names is the one proposed
_STUDIED_MEANS_RE = lazy(
    r"\b(?:use[sd]?|using|adopt(?:s|ed|ing)?|switch(?:es|ed|ing)?|migrat(?:e|es|ed|ing)|mov(?:e|es|ed|ing)|"
    r"replac(?:e|es|ed|ing)|port(?:s|ed|ing)? to|rewrit(?:e|es|ing|ten)|refactor(?:s|ed|ing)?|convert(?:s|ed|ing)?|"
    r"modif(?:y|ies|ied|ying)|rel(?:y|ies|ied|ying) on|based on|built (?:on|with)|on top of)\b",
    re.IGNORECASE,
)
#: studies that are nouns as often as verbs ("Benchmark results"), read as verbs only where the
#: sentence analysis reads them as its order (`SentenceInfo.verb`)
_STUDY_ORDERS = frozenset({"benchmark"})


def studied(text: str, opening: int, end: int, verb: str = "", verb_at: int = -1) -> bool:
    """The sentence at `opening:end` (of `text`) is a study and no more: it opens with one
    ("Investigate github oauth integration for Jenkins"; `verb`, the order the analysis read
    at `verb_at`), it joins no order to it ("... and update Boost to 1.60") and weighs no
    means of building ("investigate moving X to Y"). What it names is what is to be found out
    about."""
    m = _STUDY_OPENING_RE.match(text, opening, end)
    if m is not None:
        rest = m.end()
    elif verb in _STUDY_ORDERS and opening <= verb_at < end:
        rest = verb_at + len(verb)
    else:
        return False
    if _STUDIED_MEANS_RE.search(text, rest, end):
        return False
    g = grammar()
    return not any(
        j.group(1).lower() in g.imperatives and _STUDY_OPENING_RE.match(text, j.start(1), end) is None
        for j in _STUDY_JOINT_RE.finditer(text, rest, end)
    )


def _label_end(title: str) -> int:
    """Where a title's one-word label ends (0 without one); "Refactor: X" names the work, no area."""
    m = _TITLE_LABEL.match(title)
    if m is None or m["word"].lower() in grammar().imperatives:
        return 0
    return m.end()


def product_name(project: str | None) -> str:
    """The product's name as its tracker spells it (`jira:kafka` -> kafka, `pnpm/pnpm` -> pnpm)."""
    if not project:
        return ""
    name = _ALNUM.sub("", project.replace(":", "/").rsplit("/", 1)[-1].lower())
    return name if len(name) >= 3 else ""


#: a namespace's segment that keeps what is under it out of the public API
_PRIVATE_SEGMENTS = frozenset({"internal", "internals", "private", "impl"})


def _private(segment: str) -> bool:
    """A dotted name's segment that says "not the public API": `_flush_batch` (not a dunder,
    `__version__`), `internal`, `impl`."""
    name = segment.split("(", 1)[0]
    dunder = name.startswith("__") and name.endswith("__") and len(name) > 4
    return (name.startswith("_") and not dunder) or name.lower() in _PRIVATE_SEGMENTS


@dataclass(frozen=True, slots=True)
class Mentions:
    """What the exemptions need to know of one story, worked out once for all its hits."""

    own_name: str
    tags_end: int  # where the title's leading tags end
    learned: frozenset[str] | None  # the project's learned domain terms, if any

    @classmethod
    def of(cls, project: str | None, parsed_title: str, learned: frozenset[str] | None) -> Mentions:
        """`parsed_title`: the title as parsed, whose offsets the hits carry (not the raw one)."""
        return cls(product_name(project), max(title_tags_end(parsed_title), _label_end(parsed_title)), learned)

    def merely_mentioned(
        self, rule: Rule, hit: Hit, evidence: str, text: str, sentence: SentenceInfo | None = None
    ) -> bool:
        """The hit (in `text`, its field's text; `evidence`, its sentence's evidence class;
        `sentence`, the sentence it stands in) names what the product is or works with, or
        what a study is to find out about, not a choice of how to build it."""
        if rule.check.kind in ("terms", "identifiers") and supported(text, hit.start, hit.end):
            return True
        if rule.check.kind in ("terms", "identifiers", "pattern") and likened(text, hit.start, hit.end):
            return True
        if hit.field == "title" and hit.end <= self.tags_end:
            return True
        if rule.check.kind == "terms" and in_path(text, hit.start, hit.end):
            return True
        if sentence is not None:
            opening = max(sentence.start, self.tags_end) if hit.field == "title" else sentence.start
            if opening < hit.start and studied(text, opening, sentence.end, sentence.verb, sentence.verb_at):
                return True
            if rule.check.kind in ("terms", "identifiers") and sentence.asks_surface:
                return True
        if (
            self.own_name
            and (rule.category == "technology" or rule.check.kind == "identifiers")
            and _ALNUM.sub("", hit.term.lower()) == self.own_name
        ):
            return True
        if self.own_name and rule.check.kind == "identifiers" and "." in hit.term:
            # "Add React.createRef()", "Implement Titanium.UI.AttributedString": a name under the
            # product's own namespace is its public API, what its users call (not a C++
            # "mesos::Authorizer", a part of its code; nor a name its own spelling keeps out of
            # the API: "quarry.rows._flush_batch()", "quarry.internal.Scheduler")
            head, *rest = hit.term.strip("`'\"").split(".")
            if _ALNUM.sub("", head.lower()) == self.own_name and not any(map(_private, rest)):
                return True
        return (
            self.learned is not None
            and evidence in WEAK_EVIDENCE
            and normalise(hit.term) in self.learned
            and not chosen(text, hit.start)
        )
