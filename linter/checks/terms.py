"""`kind = "terms"`: category words used in a sentence that directs the team.

Mention is not prescription: the term only counts in a directive context (an
imperative, a modal or a first-person plan, or a proposal section), not in a user's
own want, and, where `requires-any` is given, only next to a companion word that
turns a mention into a prescription ("column" next to "table", "add", "migration").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..analysis import TOKEN_RE, Analysis, SentenceInfo, can_order
from ..lazyre import lazy
from ..parse import HEADING, SEC_AC
from .base import Check, Hit, PhraseIndex, beside, count, flag, str_list
from .term_scan import TermScan

#: A name only code spells (get_user, getUser, parse(), user.getName), for `code-sense-only`:
#: not "e.g.", a version (2.1) or a brand's casing (iPhone)
_CODE_NAME = lazy(r"[a-z]{2,}[A-Z][a-z]|[A-Za-z0-9]_[A-Za-z0-9]|\w\(\)|[a-z]\.[a-z]+[A-Z(]")


def _code_in_spans(a: Analysis, s: SentenceInfo) -> bool:
    """Inline code in the sentence that is code, not what the user types: a command with its
    arguments (`gh variable set`), a flag (`--var`) or a dot-file (`.env`) is the product's
    interface; a name (`hasChanges`, `HANDLE`), a path or code punctuation is code."""
    text = a.parsed.text(s.field)
    for span in a.spans_in(s):
        inner = text[span.start : span.end].strip()
        if not inner or _TYPED.match(inner):
            continue
        if not any(c.isspace() for c in inner) or _CODE_PUNCTUATION.search(inner):
            return True
    return False


#: from the ordering verb to where its object's code span opens (past a determiner)
_OBJECT_SPAN = lazy(r"[ \t]++(?:(?:the|an?)[ \t]++)?(?:`|\{\{)", re.IGNORECASE)


#: a name spelt as only code spells it: a type's capital (`RetryPolicy`, `Audio`), a member or
#: module path (`torch.nested_tensor`, `a/b`), snake case, a call or a scope (`f()`, `ns::T`);
#: not a bare lower-case word (`ruff`, `pnpm`), as a tool or package is written
_CODE_SHAPED = lazy(r"[A-Z]|\w[._/]\w|\(|::")


def _code_object(a: Analysis, s: SentenceInfo, verb_end: int) -> bool:
    """The verb ending at `verb_end` takes as its object a code span that holds a name spelt as
    code (one word, `_CODE_SHAPED`), not a tool's bare name nor a phrase a user types."""
    text = a.parsed.text(s.field)
    m = _OBJECT_SPAN.match(text, verb_end)
    if m is None:
        return False
    for span in a.spans_in(s):
        if span.start == m.end():
            inner = text[span.start : span.end].strip()
            return bool(inner) and not any(c.isspace() for c in inner) and _CODE_SHAPED.search(inner) is not None
    return False


#: A section left empty: a template's placeholder is no content
_PLACEHOLDER = lazy(r"^\W*(?:tbd|tba|todo|n/?a|none|-|\?|\.\.\.|_?no response_?)\W*$", re.IGNORECASE)
_TYPED = lazy(r"-{1,2}[A-Za-z][\w-]*(?:[= ]\S*)?$|\.[A-Za-z]\w*$")
_CODE_PUNCTUATION = lazy(r"[(){};]|\w\s+=\s+\w|==|=>|->|::")


# "via Stripe", "using mongodump", "through FCM", "built with React", "hosted on Heroku";
# "Sentry installed", "Kafka set up in staging" (the participle as the criterion's predicate,
# not "Kafka configured as a source", "the PWA used by drivers"); see `beside`.
_MEANS_BEFORE = lazy(
    r"(?:\b(?:via|using|through)|\b(?:built|implemented|integrated|handled|processed|hosted|deployed|managed|"
    r"authenticated|paid)\s++(?:with|by|in|on|using|via|through))"
    r"\s++(?:an?\s++|the\s++)?\Z",
    re.IGNORECASE,
)
# "Disable the in-app popup that ...", "Remove current dialog popup", "turn off the pop-ups": the
# term is what the sentence takes away, up to four words after the verb, in the same clause (not
# "Remove the page and add a modal", "hide the list in a drawer", where the term is put in)
_REMOVED_BEFORE = lazy(
    r"\b(?:disabl(?:e|es|ed|ing)|remov(?:e|es|ed|ing)|hid(?:e|es|ing)|turn(?:s|ed|ing)?\s++off|"
    r"get(?:ting)?\s++rid\s++of|suppress(?:es|ed|ing)?|eliminat(?:e|es|ed|ing))\s++"
    r"(?:(?!(?:and|or|but|with|by|using|via|into|in|on|to|then|instead|as|for|add|show|use|replace)\s)[\w'\"\u201c\u201d-]++\s++){0,4}?[`'\"]?\Z",
    re.IGNORECASE,
)
_MEANS_AFTER = lazy(
    r"\s++(?:(?:is|are|be|gets?)\s++)?(?:installed|integrated|configured|set\s+up|deployed|enabled|added|used|in\s+place)"
    r"(?=[ \t]*+(?:$|[\n\r.,;:)]|(?:and|in|on|for|across|at|to|within)\b))",
    re.IGNORECASE,
)


# "Reduce the padding", "Increase the font size of the labels": from a degree verb (where
# `SentenceInfo.flags.degree_at` puts it) to the term, up to four words of one noun phrase,
# no preposition or conjunction among them ("Increase in padding since 2.3" reports a change;
# in "Reduce load time and the padding" and "Reduce the size of the padding" the term is not
# what the verb acts on first)
_DEGREE_OBJECT = lazy(
    r"[A-Za-z]++\s++(?:(?!(?:in|of|on|at|to|from|by|for|with|and|or|than|when|if|so|but)\s)[\w'-]++\s++){0,4}",
    re.IGNORECASE,
)


class TermCheck(Check):
    kind = "terms"
    allowed = frozenset(
        {"terms", "cased-terms", "requires-any", "unless-any", "boost-any", "context", "skip-sections",
         "user-clause", "confidence", "requires-code", "max-per-story", "title-only", "exclude-titles",
         "code-sense-only", "criteria-means-only", "headings", "verb-only", "unless-removed", "title-unless-body",
         "degree-objects", "unless-code-object"}
    )  # fmt: skip

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__(detect, **kw)
        self.terms = PhraseIndex(str_list(detect, "terms"), cased=str_list(detect, "cased-terms"))
        if not self.terms:
            raise ValueError("terms or cased-terms must list at least one term")
        self.requires = PhraseIndex(str_list(detect, "requires-any"))
        self.unless = PhraseIndex(str_list(detect, "unless-any"))
        self.boost = PhraseIndex(str_list(detect, "boost-any"))
        self.requires_code = flag(detect, "requires-code")
        # in an acceptance criterion that orders nothing, a term counts only as the means the
        # criterion names ("paid via Stripe", "Sentry installed"), not as where its outcome
        # shows ("no duplicate lines reach Elasticsearch")
        self.criteria_means_only = flag(detect, "criteria-means-only")
        if self.criteria_means_only and self.context not in ("requirement", "any"):
            # elsewhere a criterion never reaches the test: the option would silently do nothing
            raise ValueError('criteria-means-only needs context = "requirement" (or "any")')
        # words with an everyday sense too ("a search function", "payment methods"): they
        # count only beside code (a name from code, inline code, or another of the terms)
        self.code_sense_only = frozenset(t.lower() for t in str_list(detect, "code-sense-only"))
        listed = {t.lower() for t in (*str_list(detect, "terms"), *str_list(detect, "cased-terms"))}
        unlisted = sorted(self.code_sense_only - listed)
        if unlisted:
            raise ValueError(f"code-sense-only: {unlisted[0]!r} is not one of the rule's terms")
        self.max_per_story = count(detect, "max-per-story", 3)
        self.title_only = flag(detect, "title-only")
        # the term counts only as the verb that orders the work ("Rework the scheduler"), not as
        # a word of its object or a mention ("Add a flag to skip the rewrite", "since the rewrite")
        self.verb_only = flag(detect, "verb-only")
        self.exclude_titles = flag(detect, "exclude-titles")
        # the verb's object opens with code in a code span ("Use `torch.nested_tensor` for ...",
        # "Use the {{Connection}} abstraction"): the thing ordered is a name from the code, which
        # the code-structure rules weigh, not a tool or library picked
        self.unless_code_object = flag(detect, "unless-code-object")
        if self.unless_code_object and not self.verb_only:
            raise ValueError("unless-code-object needs verb-only: the object is the ordering verb's")
        # a term the sentence takes away (removes, disables, hides, turns off) names what is
        # there now, not a choice of what to build: "Disable the popup that opens at the end"
        self.unless_removed = flag(detect, "unless-removed")
        # a degree verb ("Reduce the padding", "Increase the font size") orders the change of its
        # object when the object is one of the terms, which are built to measure; it orders
        # nothing else ("Reduce memory use" is a goal)
        self.degree_objects = flag(detect, "degree-objects")
        # the title names the work in a few words ("Add Kafka sink"); where the body says, in a
        # sentence that orders nothing, that the same technology is the user's ("I'd like a Kafka
        # sink so that I can publish ...", "this adds support for the new compiler"), the
        # title's mention is that want, not a choice made for the team
        self.title_unless_body = flag(detect, "title-unless-body")
        if self.title_unless_body and not self.unless:
            raise ValueError("title-unless-body needs unless-any: it is what excuses the body's sentence")
        # the terms also name a section by its heading ("### Technical solution"): a heading
        # is no sentence, so the sentences alone never showed one
        self.headings = flag(detect, "headings")
        if self.verb_only:
            # either would make the option say what the rule does not do: a heading counts
            # without a verb; a term that is no verb never counts at all
            if self.headings:
                raise ValueError("verb-only and headings exclude each other: a heading has no verb that orders")
            never = [t for t in (*str_list(detect, "terms"), *str_list(detect, "cased-terms")) if not can_order(t)]
            if never:
                raise ValueError(
                    f"verb-only: {never[0]!r} can never be the verb that orders (not one of the imperatives "
                    "in rules/grammar.toml, nor their -ing form)"
                )
        # the run's one pass over every term rule's words (set by the engine; see term_scan)
        self.scan: TermScan | None = None
        self.slot = 0

    def _may_hold(self, s: SentenceInfo) -> bool:
        return not (self.title_only and s.field != "title") and not (self.exclude_titles and s.field == "title")

    def quiet(self, a: Analysis) -> bool:
        # no heading to read, and none of the story's words starts one of the terms (`run`)
        return not self.headings and self.terms.first_words.isdisjoint(a.vocab if self.scan is None else self.scan.starts(a))

    def run(self, a: Analysis) -> Iterator[Hit]:
        found = 0
        # the body spans of the sections reported by their heading: a term in one of their
        # sentences ("### Technical solution" over "The technical solution is ...") is the
        # same section, not a second finding
        reported: list[tuple[int, int]] = []
        if self.headings:
            for hit, section in self._sections(a):
                reported.append(section)
                yield hit
                found += 1
                if found >= self.max_per_story:
                    return
        # (the scan's universe holds every first word of this rule's terms: the same answer)
        if self.terms.first_words.isdisjoint(a.vocab if self.scan is None else self.scan.starts(a)):
            return
        shared = self.scan.matches(a) if self.scan is not None else None
        titled = True  # the title may hold a term (`_title_excused`)
        if shared is None:  # no shared pass (non-ASCII text, or outside an engine): look here
            candidates: Iterable[tuple[SentenceInfo, list[tuple[int, int, str]]]] = (
                (s, self.terms.find(s) if self._may_hold(s) else []) for s in a.sentences
            )
        else:
            sentences = a.sentences
            listed = [(sentences[i], m) for i, m in sorted(shared[self.slot].items()) if self._may_hold(sentences[i])]
            # (the sentences with a match, in order, the title's first: a story whose title has
            # none, most, has no title term to excuse and no list to copy for `_title_excused`)
            titled = bool(listed) and listed[0][0].field == "title"
            candidates = listed
        if self.title_unless_body and titled:
            candidates = self._title_excused(list(candidates))
        for s, matches in candidates:
            if not matches:
                continue
            if not self.sentence_applies(s):
                degree_at = s.flags.degree_at if self.degree_objects else -1
                if degree_at < 0 or not self.sentence_applies(s, ordered=True):
                    continue
                field_text = a.parsed.text(s.field)
                matches = [m for m in matches if m[0] > degree_at and _DEGREE_OBJECT.fullmatch(field_text, degree_at, m[0])]
                if not matches:
                    continue
            if reported and s.field == "body" and any(start <= s.start < end for start, end in reported):
                continue
            # "As a developer using the GraphQL API I want ...": the role says who the user
            # is; its words neither name the solution nor tie one to the work
            role_end = s.role_end if s.user_clause else -1
            matches = [m for m in matches if m[2].lower() not in a.accepted and m[0] >= role_end]
            if self.verb_only:
                matches = [m for m in matches if s.verb and m[0] == s.verb_at]
                if self.unless_code_object and matches:
                    matches = [m for m in matches if not _code_object(a, s, m[1])]
            if self.unless_removed:
                field_text = a.parsed.text(s.field)
                # (from the sentence's start: "- Disable autosave\n- Display a modal" takes
                # away nothing the second item names; `\s` would cross the line break)
                matches = [
                    m for m in matches
                    if not beside(field_text, m[0], m[1], before=_REMOVED_BEFORE, window=60, floor=s.start)
                ]  # fmt: skip
            if not matches:
                continue
            if self.requires:
                # a companion word other than the term itself
                companions = {r[0] for r in self.requires.find(s) if r[0] >= role_end}
                matches = [m for m in matches if companions - {m[0]}]
                if not matches:
                    continue
            if self.unless and self.unless.occurs(s):
                continue
            if (
                self.code_sense_only
                and all(m[2].lower() in self.code_sense_only for m in matches)
                and not (_code_in_spans(a, s) or (s.code_like and _CODE_NAME.search(s.text)))
            ):
                continue
            if self.requires_code and not a.spans_in(s):
                continue
            if self.criteria_means_only and s.section == SEC_AC and not s.directive:
                field_text = a.parsed.text(s.field)
                matches = [m for m in matches if beside(field_text, m[0], m[1], before=_MEANS_BEFORE, after=_MEANS_AFTER)]
                if not matches:
                    continue
            conf = min(self.confidence + (0.1 if self.boost and self.boost.occurs(s) else 0.0), 1.0)
            text = a.parsed.text(s.field)
            for start, end, _phrase in matches:  # every term of the sentence, left to right
                yield Hit(s.field, start, end, conf, text[start:end], s.start, s.end)
            found += 1
            if found >= self.max_per_story:
                return

    def _title_excused(
        self, candidates: list[tuple[SentenceInfo, list[tuple[int, int, str]]]]
    ) -> list[tuple[SentenceInfo, list[tuple[int, int, str]]]]:
        """`title-unless-body`: the candidates without the title's terms that a body sentence
        names beside one of `unless-any` while ordering nothing (a statement or a user's want:
        an order's "deploy to" or "support for" may still choose the technology)."""
        if not any(matches and s.field == "title" for s, matches in candidates):
            return candidates
        excused = {
            m[2].lower()
            for s, matches in candidates
            if matches and s.field != "title" and not s.directive and self.unless.occurs(s)
            for m in matches
        }
        if not excused:
            return candidates
        return [
            (s, [m for m in matches if m[2].lower() not in excused] if s.field == "title" else matches)
            for s, matches in candidates
        ]

    def _sections(self, a: Analysis) -> Iterator[tuple[Hit, tuple[int, int]]]:
        """A body heading that holds a term, over a section with content: the hit stands on
        the section's first sentence (what the heading makes a plan, and where its evidence
        is weighed), with the heading's term as `{term}`; and the section's span (after its
        heading, to the next one)."""
        if self.title_only:
            return
        p = a.parsed
        text = p.text("body")
        heads = [b for b in p.blocks if b.kind == HEADING and b.field == "body"]
        for n, block in enumerate(heads):
            if block.section in self.skip_sections:
                continue
            tokens = list(TOKEN_RE.finditer(text, block.start, block.end))
            match = self.terms.first_in([m.group(0) for m in tokens])
            if match is None:
                continue
            i, k, phrase = match
            if phrase.lower() in a.accepted:
                continue
            # the section runs to the next heading; its first sentence that says something (not
            # an empty bullet, a heading's `===` underline or a template's placeholder)
            ends = heads[n + 1].start if n + 1 < len(heads) else len(text)
            content = next(
                (s for s in a.sentences
                 if s.field == "body" and block.end <= s.start < ends and any(c.isalnum() for c in s.text)
                 and not _PLACEHOLDER.match(s.text)),
                None,
            )  # fmt: skip
            if content is None or not self.sentence_applies(content):
                continue
            term = text[tokens[i].start() : tokens[i + k - 1].end()]
            yield Hit("body", content.start, content.end, self.confidence, term), (block.end, ends)
