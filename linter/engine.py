"""The rule engine: scope a story, run the enabled rules, apply suppressions.

    Story -> role scope -> parse -> analyse -> rules -> findings -> suppressions

The engine never reads trackers and never writes anywhere; it turns one `Story` into
one `StoryResult`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .analysis import ANALYSIS_KEYS, Analysis, SentenceInfo, analyse, grammar
from .calibration import (
    Calibration,
    evidence_class,
    is_docs_work,
    never_counts,
    reports_bug,
    sentence_key,
    story_signals,
)
from .calibration import bundled as bundled_calibration
from .checks._prefilter import Prefilter
from .checks.base import Check, Hit
from .config import Config
from .domain import Candidates, evidence_in, normalise, variants
from .errors import ConfigError, NoRuleError
from .lazyre import lazy
from .mentions import Mentions
from .model import HOW_CATEGORIES, BodyFormat, Finding, Skipped, Story, StoryResult
from .parse import CODE, WIKI_MACRO_RE, parse
from .rulepack import GRAMMAR_DATA, Rule, RulePack, load_rulepack, rules_dir
from .scope import out_of_scope
from .suppressions import find_suppressions

if TYPE_CHECKING:
    from .checks.term_scan import TermScan

log = logging.getLogger("storylint.engine")

UNUSED_SUPPRESSION = "SL01"
SUPPRESSION_WITHOUT_REASON = "SL02"
NO_CODE_MESSAGE = ("The suppression names no rule code, so it suppresses nothing; name the rules it is for "
                   "(storylint-disable DM01, TC -- why) or remove it.")  # fmt: skip
MAX_EXCERPT = 160
#: Stories linted before the one RE2 scan of each story (`prefilter`) is compiled and used.
SCAN_AFTER = 20
#: Findings whose calibrated confidence is below this are reported at `info`.
INFO_BELOW = 0.7
#: A sentence counts toward a story's amount of evidence (its `[stories]` row, the cap on its
#: findings) when its calibrated confidence reaches this, at whatever `min-confidence` the run
#: reports: a finding's confidence must not change with the filter (it once did, so that
#: `min-confidence = 0.9` dropped stories whose three sentences were each under 0.9).
EVIDENCE_AT = 0.7
_WS = lazy(r"\s+")
_WIKI_MONO = lazy(r"\{\{([^{}\n]{1,2000})\}\}")  # Jira wiki monospace, as in parse.py
_MARKERS = lazy(r"^(?:(?:[-*+>|#]|\d{1,3}[.)])[ ]*|\[[ xX]\][ ]*)+")
#: the quote markers opening each further line of an excerpt ("... table\n> 2. Create ..."): the
#: first line's go with `_MARKERS`
_QUOTED_LINES = lazy(r"\n[ \t]*+>(?:[ \t]*+>)*+")
#: ... and Jira wiki's: "bq. " opening a further line, and the macros that frame or colour text
#: ("{quote}", "{color:red}", "{panel:title=Note}"), which parse.py masks as no words of it
_WIKI_FRAMES = lazy(r"(?<=\n)[ \t]*+bq\. |" + WIKI_MACRO_RE.pattern)


@cache
def _code_revision() -> str:
    """The linter's own code and the grammar it reads (grammar.toml, languages.toml): a change
    to how a rule decides (not only to its TOML) must also make a store re-lint what it
    remembered, version bump or not."""
    h = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    for name in GRAMMAR_DATA:
        h.update(name.encode())
        h.update((rules_dir() / name).read_bytes())
    return h.hexdigest()


#: the one scan's RE2 set of a bundled rule's case-insensitive patterns, by the rule's category
#: (`Prefilter`): the categories of long alternations a set each, the others' short ones in one
_SCAN_GROUP = {"missing_outcome": "outcome", "code_structure": "code", "data_model": "data", "technology": "technology"}


class Linter:
    """Lints stories with the rules the configuration enables."""

    def __init__(
        self,
        config: Config | None = None,
        rulepack: RulePack | None = None,
        *,
        calibrate: bool = True,
        domain: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.config = config or Config()
        self.calibration = bundled_calibration() if calibrate else Calibration({})
        extra = self.config.rule_folders()
        vocab = self.config.vocabulary.model_dump()
        try:
            self.pack = rulepack or load_rulepack(extra, vocabulary=vocab)
        except ConfigError as exc:
            if exc.file is None and self.config.source:  # name the config file that asked for it
                prefix = "configuration: " + (f"{exc.key}: " if exc.key else "")
                raise ConfigError(exc.message.removeprefix(prefix), file=self.config.source, key=exc.key) from None
            raise
        try:
            grammar()  # read (and a broken one refused) here, not at the first story
        except ValueError as exc:
            raise ConfigError(str(exc), file=str(rules_dir())) from None
        self.accepted = frozenset(t.lower() for t in self.config.vocabulary.accept)
        self.rules: list[Rule] = self._select()
        if not self.rules:
            # `select = []` (or `ignore = ["ALL"]`) linted nothing and passed every story, as the
            # command line's empty `--select` would have: refused there, so here too
            raise NoRuleError("enables no rule (with extend-select and ignore): every story would pass",
                              file=self.config.source, key="select")  # fmt: skip
        self._rule_order = {rule.code: i for i, rule in enumerate(self.rules)}
        self._enabled_codes = {r.code for r in self.rules}
        self._term_scan, by_words = self._share_term_scan()
        # each rule that can find anything, and whether its findings take the confidence their
        # evidence measured (a rule with nothing to look for costs a call per story for nothing)
        self._calibrated = [
            (r, r.builtin and r.category in HOW_CATEGORIES and r.check.kind != "vocabulary")
            for r in self.rules
            if not r.check.idle
        ]
        # How a story wakes each such rule (`_awake`): a term rule by a word that starts one of
        # its terms (the term scan's slot -> its position), a pattern rule by a scan key that may
        # match (key -> positions); the others are asked their `Check.quiet`, or always run.
        self._by_slot: dict[int, int] = {}
        self._by_key: dict[tuple[str, bool], list[int]] = {}
        self._asked: list[tuple[int, Callable[[Analysis], bool]]] = []
        self._always: list[int] = []
        for i, (rule, _) in enumerate(self._calibrated):
            check, keys = rule.check, rule.check.wake_keys()
            if id(check) in by_words:
                self._by_slot[by_words[id(check)]] = i
            elif keys is not None:
                for key in keys:
                    self._by_key.setdefault(key, []).append(i)
            elif type(check).quiet is not Check.quiet:
                self._asked.append((i, check.quiet))
            else:
                self._always.append(i)
        self._wake_keys = frozenset(self._by_key)
        self._severity = self._severity_overrides()
        roles = self.config.roles
        # whether a story with no labels and no author can be out of scope: only when the roles
        # name the product managers or the story types (most runs: every such story is linted,
        # and `out_of_scope` is not asked)
        self._roles_scope = roles.has_people or bool(roles.story_types or roles.story_labels)
        self.domain: dict[str, frozenset[str]] = {}
        self.use_domain(domain or {})
        self._linted = 0

    def _share_term_scan(self) -> tuple[TermScan, dict[int, int]]:
        """Term rules share one pass over each story's words (see checks/term_scan). Returns the
        scan, and the slot of each term rule that only a word of its terms wakes (by the id of
        its check: one that also reads headings runs whatever the words)."""
        from .checks.term_scan import TermScan
        from .checks.terms import TermCheck

        terms = [r.check for r in self.rules if isinstance(r.check, TermCheck)]
        scan = TermScan([c.terms for c in terms])
        for slot, check in enumerate(terms):
            check.scan, check.slot = scan, slot
        return scan, {id(check): slot for slot, check in enumerate(terms) if not check.headings}

    def _awake(self, analysis: Analysis) -> list[tuple[Rule, bool]]:
        """The rules that may find something in the story, in rule order: each rule's `quiet`
        answer, looked up for the term rules (`TermScan.woken`) and the pattern rules
        (`Analysis.may_match_of`) at once; asking each of them cost a call or three a rule,
        some thirty rules a story, where a story wakes few."""
        on = [*self._always]
        if self._by_slot:
            by_slot = self._by_slot
            on += [by_slot[slot] for slot in self._term_scan.woken(analysis) if slot in by_slot]
        by_key = self._by_key
        for key in analysis.may_match_of(self._wake_keys):
            on += by_key[key]
        on += [i for i, quiet in self._asked if not quiet(analysis)]
        calibrated = self._calibrated
        return [calibrated[i] for i in sorted(set(on))]

    def use_domain(self, domain: Mapping[str, Iterable[str]]) -> None:
        """Learned domain vocabulary (project -> terms, see `storylint.domain`); a weak
        finding on one of a project's terms is dropped. Off with `vocabulary.learn = false`."""
        self.domain = {}
        if not self.config.vocabulary.learn:
            return
        for project, terms in domain.items():
            expanded = {v for t in terms if t for v in variants(normalise(t))}
            if expanded:
                self.domain[project] = frozenset(expanded)

    def domain_key(self, project: str | None) -> str:
        """Part of a story's content hash: its project's learned terms change its result."""
        terms = self.domain.get(project) if project and self.domain else None
        return hashlib.sha256("\x1f".join(sorted(terms)).encode()).hexdigest()[:16] if terms else ""

    @cached_property
    def prefilter(self) -> Prefilter:
        """One RE2 set of every enabled rule's patterns: a story is scanned for them once."""
        keys = [key for rule in self.rules for key in rule.check.scanned()]
        # a bundled rule's patterns share the set of its category's group (the first rule to ask
        # for a pattern names it), the story analysis's the others'; a team's are packed by text
        groups: dict[tuple[str, bool], str] = {}
        for rule in self.rules:
            if rule.builtin:
                for key in rule.check.scanned():
                    groups.setdefault(key, _SCAN_GROUP.get(rule.category, "other"))
        for key in ANALYSIS_KEYS:
            groups.setdefault(key, "other")
        return Prefilter([*keys, *ANALYSIS_KEYS], groups)

    @cached_property
    def candidates(self) -> Candidates:
        return Candidates.from_pack(self.pack)

    # -- configuration --------------------------------------------------------------
    def _check_codes(self, codes: list[str], key: str) -> None:
        known = set(self.pack.rules) | set(self.pack.aliases)
        for code in codes:
            if code == "ALL" or any(k.startswith(code) for k in known):
                continue
            close = sorted(k for k in known if k[:2] == code[:2])[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ConfigError(f"unknown rule code or prefix {code!r}{hint}", file=self.config.source, key=key)

    def _select(self) -> list[Rule]:
        c = self.config
        resolve = self.pack.resolve
        select = [resolve(x) for x in c.select] if c.select is not None else None
        extend = [resolve(x) for x in c.extend_select]
        ignore = [resolve(x) for x in c.ignore]
        self._check_codes(select or [], "select")
        self._check_codes(extend, "extend-select")
        self._check_codes(ignore, "ignore")
        for key, codes in (("per-project-ignores", c.per_project_ignores), ("per-type-ignores", c.per_type_ignores)):
            for name, values in codes.items():
                self._check_codes([v.upper() for v in values], f"{key}.{name}")
        self._check_codes(list(c.severity), "severity")

        def matches(code: str, prefixes: list[str]) -> int:
            return max((_specificity(code, p) for p in prefixes), default=-1)

        chosen: list[Rule] = []
        for rule in self.pack.rules.values():
            if rule.status == "removed":
                continue
            if select is None:
                on = rule.status == "stable"
            else:
                on = matches(rule.code, select) >= 0 and (rule.status == "stable" or rule.code in select)
            if matches(rule.code, extend) >= 0:
                on = True
            if matches(rule.code, ignore) > max(matches(rule.code, select or []), matches(rule.code, extend)):
                on = False
            if on:
                chosen.append(rule)
        return sorted(chosen, key=lambda r: r.code)

    def _severity_overrides(self) -> dict[str, str]:
        out: dict[str, str] = {}
        # a renamed rule's old code names it here too, as in select and ignore
        overrides = [(self.pack.resolve(prefix), sev) for prefix, sev in self.config.severity.items()]
        for rule in self.rules:
            best = -1
            for prefix, sev in overrides:
                if _specificity(rule.code, prefix) > best:
                    best, out[rule.code] = _specificity(rule.code, prefix), sev
        return out

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever the rules or the configuration would change a result."""
        h = hashlib.sha256(__version__.encode())
        h.update(_code_revision().encode())
        for rule in self.rules:
            h.update(rule.code.encode())
            h.update(Path(rule.path).read_bytes())
        h.update(repr(sorted(self.calibration.cells.items())).encode())
        h.update(repr(sorted(self.calibration.stories.items())).encode())
        h.update(json.dumps(self.config.model_dump(mode="json"), sort_keys=True).encode())
        return h.hexdigest()[:16]

    def rule_metadata(self) -> dict[str, dict[str, Any]]:
        return {code: rule.metadata() for code, rule in self.pack.rules.items()}

    # -- linting ------------------------------------------------------------------
    def lint(self, story: Story) -> StoryResult:
        return self._lint(story, False)[0]

    def lint_recording(self, story: Story) -> tuple[StoryResult, set[str]]:
        """Lint, and return the story's domain evidence (none when it is out of scope)."""
        result, evidence = self._lint(story, True)
        return result, evidence or set()

    def _lint(self, story: Story, record: bool) -> tuple[StoryResult, set[str] | None]:
        if self._roles_scope or story.labels or story.author is not None:
            reason = out_of_scope(story, self.config)
            if reason is not None:
                return StoryResult(story, skipped=Skipped(story.ref, reason, story.url)), None
        original = story
        story = self.bounded(story)
        ignored = self._ignored_for(story)
        parsed = parse(story)
        analysis = analyse(parsed, self.accepted)
        self._linted += 1
        if self._linted > SCAN_AFTER:  # a run of a few stories does not pay for compiling it
            prefilter = self.prefilter
            if prefilter:
                analysis.prefiltered(prefilter.known, prefilter.scan(analysis.all_text(), analysis.all_text(True)))
        learned = self.domain.get(story.project) if self.domain and story.project else None
        mentions: Mentions | None = None  # worked out on the first calibrated hit (most stories have none)
        findings: list[Finding] = []
        bug_report: bool | None = None  # decided on the first finding that needs it
        docs_work: bool | None = None
        excerpts: dict[tuple[str, int, int], str] = {}  # several terms of a sentence share one
        calibrated_hits: list[tuple[Rule, Hit]] = []
        said: set[str] = set()  # the sentences that carry calibrated HOW evidence (EVIDENCE_AT)
        # all the calibrated evidence, whatever its confidence: (category, evidence class),
        # where its terms start, and the sentences that carry it
        weighed: list[tuple[str, str]] = []
        classes: dict[int, tuple[str, str]] = {}  # id(sentence) -> (its evidence class, its key)
        spots: set[tuple[str, int]] = set()
        places: set[str] = set()
        carriers: dict[int, SentenceInfo] = {}  # the sentences that carry it, by id
        for rule, calibrated in self._awake(analysis):
            if ignored and rule.code in ignored:
                continue
            for hit in rule.check.run(analysis):
                if calibrated:
                    if bug_report is None:
                        bug_report = reports_bug(analysis)
                    if docs_work is None:
                        docs_work = is_docs_work(parsed.masked_title)
                    if docs_work:
                        continue
                    sentence = analysis.sentence_at(hit.field, hit.start)
                    # one class and one key per sentence: a sentence of thousands of terms
                    # ("12px 12px ...") must not be read again for each of them
                    known = classes.get(id(sentence)) if sentence is not None else None
                    if known is None:
                        known = (evidence_class(sentence, bug_report), sentence_key(sentence, hit.field, hit.start))
                        if sentence is not None:
                            classes[id(sentence)] = known
                    evidence, key = known
                    if never_counts(rule.category, evidence, rule.check.holds_in_behaviour):
                        continue
                    if mentions is None:
                        mentions = Mentions.of(story.project, parsed.title, learned)
                    if mentions.merely_mentioned(rule, hit, evidence, parsed.text(hit.field), sentence):
                        continue
                    measured = self.calibration.confidence(rule.category, evidence)
                    hit.confidence = hit.confidence if measured is None else measured
                    weighed.append((rule.category, evidence))
                    spots.add((hit.field, hit.start))
                    places.add(key)
                    if sentence is not None:
                        carriers[id(sentence)] = sentence
                    if hit.confidence >= EVIDENCE_AT:
                        said.add(key)
                    calibrated_hits.append((rule, hit))
                    continue
                if hit.confidence < self.config.min_confidence:
                    continue
                ex_start = hit.ex_start if hit.ex_start >= 0 else hit.start
                findings.append(self._finding(story, parsed, rule, hit, ex_start, excerpts))
        if calibrated_hits:
            # One sentence of HOW is worth less than several that say it independently: no
            # finding is more reliable than the stories with its amount of evidence were.
            # all the evidence, whatever its own cell says: a title that orders it, a second term
            # or a criterion counts even where that cell is low (as scripts/calibrate.py counts)
            request, suggested, task = story_signals(weighed, len(places), len(spots), analysis, carriers.values())
            cap = self.calibration.story_cap(len(said), request, suggested, task)
            for rule, hit in calibrated_hits:
                if cap is not None:
                    hit.confidence = min(hit.confidence, cap)
                if hit.confidence < self.config.min_confidence:
                    continue
                ex_start = hit.ex_start if hit.ex_start >= 0 else hit.start
                findings.append(self._finding(story, parsed, rule, hit, ex_start, excerpts))
            findings.sort(key=lambda f: self._rule_order[f.rule])  # rule order, as _distinct expects
        # Suppressions first: a suppressed rule must not take another rule's finding with it.
        findings, meta = self._apply_suppressions(story, parsed, findings, ignored)
        findings = _distinct(findings) + meta
        findings.sort(key=lambda f: (f.field != "title", f.line, f.column, f.rule))
        return StoryResult(original, findings=findings), (evidence_in(analysis, self.candidates) if record else None)

    def bounded(self, story: Story) -> Story:
        """The story cut to `max-chars` per field (at a line break where one is near): what
        `lint` reads, and what a benchmark of its stages must read too."""
        limit = self.config.max_chars
        if not limit or (len(story.title) <= limit and len(story.body) <= limit):
            return story
        update: dict[str, str] = {}
        for name in ("title", "body"):
            text: str = getattr(story, name)
            if len(text) > limit:
                cut = text.rfind("\n", limit // 2, limit)
                update[name] = text[: cut if cut > 0 else limit]
                log.warning("%s: %s has %d characters; linting the first %d (max-chars)", story.ref, name, len(text), len(update[name]))
        return story.model_copy(update=update)

    def _ignored_for(self, story: Story) -> set[str]:
        c = self.config
        if not (story.labels or (story.project and c.per_project_ignores) or (story.type and c.per_type_ignores)):
            return set()  # nothing names a rule to ignore (most stories, most configurations)
        prefixes: list[str] = []
        if story.project:
            for name, codes in c.per_project_ignores.items():
                if name.lower() == story.project.lower():
                    prefixes += codes
        if story.type:
            for name, codes in c.per_type_ignores.items():
                if name.lower() == story.type.lower():
                    prefixes += codes
        label = c.suppressions.label.lower() + ":"
        for lab in story.labels:
            if lab.lower().startswith(label):
                prefixes.append(lab[len(label):])
        if not prefixes:
            return set()
        prefixes = [self.pack.resolve(p.strip().upper()) for p in prefixes if p.strip()]
        return {code for code in self._enabled_codes if any(_specificity(code, p) >= 0 for p in prefixes)}

    def _finding(
        self, story: Story, parsed: Any, rule: Rule, hit: Any, ex_start: int, excerpts: dict[tuple[str, int, int], str]
    ) -> Finding:
        text = parsed.text(hit.field)
        ex_end = hit.ex_end if hit.ex_end >= 0 else hit.end
        wiki = story.body_format == BodyFormat.JIRA_WIKI
        key = (hit.field, ex_start, ex_end)
        excerpt = excerpts.get(key)
        if excerpt is None:
            excerpt, whole = _excerpt(text, ex_start, ex_end, hit.start, hit.end, wiki=wiki)
            if whole:  # the same for every term of the sentence
                excerpts[key] = excerpt
        line, column = parsed.position(hit.field, hit.start)  # offsets into the raw text
        end_line, end_column = parsed.position(hit.field, max(hit.start, hit.end))
        term = (_WIKI_MONO.sub(r"\1", hit.term) if wiki and "{{" in hit.term else hit.term) or excerpt
        # positional, in the order of Finding's fields: a class called with keywords builds a
        # dict of them for every finding (about a third of what making one cost)
        return Finding(
            story.ref, rule.code, rule.name, rule.category,
            _weak(self._severity.get(rule.code, rule.severity), hit.confidence),  # severity
            rule.message.replace("{term}", term), excerpt, rule.suggestion.replace("{term}", term),
            hit.field, line, column, end_line, end_column, hit.start, max(0, hit.end - hit.start),  # offset, length
            hit.confidence, story.url, _author_name(story), story.project,
        )  # fmt: skip

    def _apply_suppressions(
        self, story: Story, parsed: Any, findings: list[Finding], ignored: set[str]
    ) -> tuple[list[Finding], list[Finding]]:
        """The findings no suppression covers, and the suppression findings (SL01, SL02)."""
        sups = find_suppressions(parsed.title, parsed.body)  # the text positions refer to
        if sups:
            # a directive in a code block (``` or ~~~, Jira's {code} and {noformat}) is quoted
            # code, as its words are for every rule: a pasted config or a script's comment
            # turned rules off for the whole story
            blocks = [(b.start, b.end) for b in parsed.blocks if b.kind == CODE and b.field == "body"]
            sups = [s for s in sups if s.field != "body" or not any(a <= s.start < z for a, z in blocks)]
        if not sups:
            return findings, []
        if self.pack.aliases:
            # a renamed rule keeps its old code for the directives written with it, as the
            # configuration and the labels do (`storylint-disable ACME01` of ACME02)
            for s in sups:
                s.codes = tuple(self.pack.resolve(code) for code in s.codes)
        kept: list[Finding] = []
        meta_findings: list[Finding] = []
        for f in findings:
            covered = False
            for s in sups:
                code = s.covers(f.rule, f.field, f.line)
                if code is not None:
                    s.used.add(code)
                    covered = True
            if not covered:
                kept.append(f)
        meta = {r.code: r for r in self.rules if r.code in (UNUSED_SUPPRESSION, SUPPRESSION_WITHOUT_REASON)}
        for s in sups:
            line, column = parsed.position(s.field, s.start)
            text = parsed.text(s.field)
            written = text[s.start : s.end].rstrip().removesuffix("-->").rstrip()
            directive = _WS.sub(" ", written).strip()
            # where the directive ends as written: its excerpt's length is not its span (blanks
            # folded, a reason cut at MAX_EXCERPT)
            end = parsed.position(s.field, s.start + len(written))
            unused = [c for c in s.codes if c not in s.used]
            rule = meta.get(UNUSED_SUPPRESSION)
            if not s.codes and rule is not None and UNUSED_SUPPRESSION not in ignored:
                # read as "every rule" by whoever wrote it, it covers none: say so, not nothing
                meta_findings.append(self._meta(story, rule, s.field, (line, column), end, directive, "",
                                                message=NO_CODE_MESSAGE))  # fmt: skip
                continue
            if unused and rule is not None and UNUSED_SUPPRESSION not in ignored:
                meta_findings.append(self._meta(story, rule, s.field, (line, column), end, directive, ", ".join(unused)))
            rule = meta.get(SUPPRESSION_WITHOUT_REASON)
            if s.codes and not s.reason and self.config.suppressions.require_reason and rule is not None:
                meta_findings.append(self._meta(story, rule, s.field, (line, column), end, directive, ", ".join(s.codes)))
        return kept, meta_findings

    def _meta(
        self, story: Story, rule: Rule, field: str, start: tuple[int, int], end: tuple[int, int], excerpt: str, term: str,
        message: str | None = None,
    ) -> Finding:  # fmt: skip
        (line, column), (end_line, end_column) = start, end
        if len(excerpt) > MAX_EXCERPT:  # a long reason: cut as any excerpt is, its "…" within the limit
            excerpt = excerpt[: MAX_EXCERPT - 1].rstrip() + "\u2026"
        return Finding(
            story=story.ref, rule=rule.code, name=rule.name, category=rule.category,
            severity=self._severity.get(rule.code, rule.severity), message=message or rule.message.replace("{term}", term),
            excerpt=excerpt, suggestion=rule.suggestion.replace("{term}", term), field=field,
            line=line, column=column, end_line=end_line, end_column=end_column, url=story.url,
            author=_author_name(story), project=story.project,
        )  # fmt: skip


def _author_name(story: Story) -> str | None:
    """Who a finding names as the author: the same for every rule of a story, so that reports
    group a story's suppression findings (SL01, SL02) with its others, also when the tracker
    gives only an e-mail or an account id."""
    author = story.author
    return (author.name or author.login or author.email or author.id) if author else None


def _specificity(code: str, prefix: str) -> int:
    """How closely a configured code or prefix names `code`: its length, 0 for `ALL` (every
    rule, so that any prefix says more: `select = ["ALL"]` with `ignore = ["TC"]` leaves TC
    out, as in ruff), -1 when it does not name it."""
    if prefix == "ALL":
        return 0
    return len(prefix) if code.startswith(prefix) else -1


def _weak(severity: str, confidence: float) -> str:
    """Weak evidence is worth a note, not a failed check."""
    return "info" if confidence < INFO_BELOW and severity != "info" else severity


def _distinct(findings: list[Finding]) -> list[Finding]:
    """Every distinct term: only the same span of a field found twice in one category (TC01
    and the team's TC90 both on "Redis") is reported once, by the rule with the lower code."""
    seen: set[tuple[str, str, int, int]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.category, f.field, f.offset, f.length)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _unquoted(chunk: str, wiki: bool) -> str:
    """The chunk without the marks of a quote around it (`_QUOTED_LINES`, `_WIKI_FRAMES`): they
    are markup, not the writer's words, which the excerpt shows as the same words unquoted."""
    if ">" in chunk and "\n" in chunk:
        chunk = _QUOTED_LINES.sub("\n", chunk)
    if wiki and ("{" in chunk or "bq. " in chunk):
        chunk = _WIKI_FRAMES.sub("", chunk)
    return chunk


def _excerpt(text: str, ex_start: int, ex_end: int, start: int, end: int, *, wiki: bool = False) -> tuple[str, bool]:
    """The sentence around the HOW, whitespace folded, at most MAX_EXCERPT characters, and
    whether it is the whole sentence (else it is clipped around the term at start:end).

    Jira wiki `{{monospace}}` shows as its text: the excerpt is for people; positions are
    computed from the raw text, not from the excerpt.
    """
    ex_start, ex_end = max(0, ex_start), min(len(text), max(ex_end, ex_start))
    whole = ex_end - ex_start <= MAX_EXCERPT * 3
    if not whole:
        ex_start, ex_end = max(ex_start, start - MAX_EXCERPT), min(ex_end, end + MAX_EXCERPT)
    # white space folded: `" ".join(x.split())` is `_WS.sub(" ", x).strip()` (both read white
    # space as `str.isspace` does), without a regex pass over the sentence
    raw = _MARKERS.sub("", " ".join(_unquoted(text[ex_start:ex_end], wiki).split())).strip()
    if wiki and "{{" in raw:
        raw = _WIKI_MONO.sub(r"\1", raw)
    if len(raw) <= MAX_EXCERPT:
        return raw, whole
    term = " ".join(_unquoted(text[start:end], wiki).split())
    if wiki:
        term = _WIKI_MONO.sub(r"\1", term)
    at = raw.find(term) if term else 0
    at = max(at, 0)
    # the marks of what was cut count toward the limit (the JSON contract's "at most 160
    # characters"): one at least, since `raw` is longer; a second when both ends are cut
    room = MAX_EXCERPT - 1
    lo = max(0, min(at - 40, len(raw) - room))
    if lo > 0 and lo + room < len(raw):
        room -= 1
    clipped = raw[lo : lo + room].strip()
    return ("\u2026" if lo > 0 else "") + clipped + ("\u2026" if lo + room < len(raw) else ""), False
