"""The story model every connector produces and the finding records every reporter reads.

Connectors turn tracker data into :class:`Story`; the engine turns a story into
:class:`Finding` records; reporters and write-back sinks read only the records'
``to_dict()`` form, which is the stable JSON contract (see ``docs/json-output.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .lazyre import lazy

if TYPE_CHECKING:
    from .reporters.json_format import FindingSpool

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}

#: The six kinds of HOW (LABELING.md); a story "prescribes implementation" when any
#: finding has one of these categories.
HOW_CATEGORIES: tuple[str, ...] = (
    "data_model",
    "ui_spec",
    "code_structure",
    "api_contract",
    "technology",
    "implementation_steps",
)
STRUCTURE_CATEGORIES: tuple[str, ...] = ("missing_outcome", "missing_acceptance_criteria")
META_CATEGORIES: tuple[str, ...] = ("meta",)
CATEGORIES: tuple[str, ...] = HOW_CATEGORIES + STRUCTURE_CATEGORIES + META_CATEGORIES

Severity = Literal["error", "warning", "info"]


class BodyFormat(str, Enum):
    """How the story body is written; picks the parser."""

    MARKDOWN = "markdown"
    JIRA_WIKI = "jira_wiki"
    ADF = "adf"  # body holds the Markdown rendering of the ADF document
    PLAIN = "plain"
    HTML = "html"  # a Jira XML or RSS export, rendered fields: read as the Markdown it stands for


_SURROGATE = lazy("[\ud800-\udfff]")


def _has_surrogates(value: Any, depth: int = 0) -> bool:
    """Whether `_replace_surrogates` would change anything (most input: no; ASCII is quick).

    Every story read goes through here: a container's strings are looked at in its loop (an
    ASCII one costs no call, no generator), only nested containers recurse."""
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if depth > 20:
        return False
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return False
    for v in value:
        if isinstance(v, str):
            if not v.isascii() and _SURROGATE.search(v) is not None:
                return True
        elif isinstance(v, dict | list | tuple) and _has_surrogates(v, depth + 1):
            return True
    return False


def _replace_surrogates(value: Any, depth: int = 0) -> Any:
    """`value` with every lone surrogate in its strings (nested up to 20 levels) replaced."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if depth > 20:
        return value
    if isinstance(value, dict):
        return {k: _replace_surrogates(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_replace_surrogates(v, depth + 1) for v in value)
    return value


class Author(BaseModel):
    """Who wrote the story, as far as the tracker tells."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str | None = None
    name: str | None = None
    email: str | None = None
    login: str | None = None
    groups: tuple[str, ...] = ()
    is_bot: bool = False
    association: str | None = None  # GitHub author_association: a hint only


#: an ADF body given as JSON text deeper than this is linted as the text it is
_MAX_ADF_NESTING = 10_000


class Story(BaseModel):
    """One story, issue or ticket, independent of the tracker it came from."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    key: str | None = None
    url: str | None = None
    body: str = ""
    body_format: BodyFormat = BodyFormat.MARKDOWN
    author: Author | None = None
    type: str | None = None
    labels: tuple[str, ...] = ()
    project: str | None = None
    created: datetime | None = None
    updated: datetime | None = None
    source: str | None = None

    @field_validator("id", "key", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # GitHub numbers and Jira numeric ids arrive as integers.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("id", mode="after")
    @classmethod
    def _id_names_the_story(cls, value: str) -> str:
        # the id names the story in every output, SARIF's artifact and the store: blank ones
        # were all one story ("story/" in SARIF, findings of story "", one row in the store)
        if not value.strip():
            raise PydanticCustomError("blank_id", "empty; every story needs an id that names it")
        return value

    @field_validator("key", mode="after")
    @classmethod
    def _blank_key_as_absent(cls, value: str | None) -> str | None:
        # a blank key names nothing: the story is called by its id, as with no key
        return value if value is None or value.strip() else None

    @field_validator("body", mode="before")
    @classmethod
    def _none_body(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("created", "updated", "body_format", "labels", mode="before")
    @classmethod
    def _empty_as_absent(cls, value: Any, info: ValidationInfo) -> Any:
        # a spreadsheet's empty cell, as CSV-to-JSON converters write it ("created": "",
        # "labels": ""), is no value: the story is linted, not refused for what it does not have
        if isinstance(value, str) and not value.strip() and info.field_name is not None:
            return cls.model_fields[info.field_name].default
        return value

    @model_validator(mode="before")
    @classmethod
    def _body_as_read(cls, data: Any) -> Any:
        """The body where trackers put it: GitLab and Jira call it "description" (a record
        with one and no "body" would be linted on its title alone, without a word said), and
        an Atlassian document (Jira Cloud's description; `body_format: adf` with the document
        itself, an object or its JSON text) is read as the Markdown it stands for, as the
        Jira connector reads it. Text that only starts like JSON is linted as it is."""
        if not isinstance(data, dict):
            return data
        body = data.get("body")
        if body is None and isinstance(data.get("description"), str | dict):
            body = data["description"]
            data = {**data, "body": body}
        if isinstance(body, str) and data.get("body_format") == "adf" and body.lstrip().startswith("{"):
            from .formats import deepjson

            try:
                body = deepjson.loads(body, limit=_MAX_ADF_NESTING)
            except (ValueError, RecursionError):
                return data
        if isinstance(body, dict) and body.get("type") == "doc":
            from .formats.adf import adf_to_markdown  # small, pure Python

            return {**data, "body": adf_to_markdown(body), "body_format": BodyFormat.ADF}
        return data

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        # JSON may carry "\\ud800" alone; such a str cannot be written as UTF-8 and
        # would crash every reporter. Each becomes U+FFFD: same length, offsets kept.
        return _replace_surrogates(data) if _has_surrogates(data) else data

    @field_validator("author", mode="before")
    @classmethod
    def _author_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"name": value, "email": value} if "@" in value else {"name": value, "login": value}
        return value

    @field_validator("labels", mode="before")
    @classmethod
    def _label_names(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return tuple(v.get("name", "") if isinstance(v, dict) else v for v in value)
        return value

    @property
    def ref(self) -> str:
        """What findings call this story: the tracker key when there is one."""
        return self.key or self.id


class Deferred:
    """A record read but not decoded yet (JSON Lines lines): with `--jobs`, the worker that
    lints it decodes it, so the reading process does not pay for it (`runner`)."""

    __slots__ = ()

    @property
    def count(self) -> int:
        """How many records it holds at most (lines of JSON Lines): its weight in a chunk of
        work, and how many stories it counts as until it is decoded."""
        return 1

    def resolve(self) -> list[Story | Problem]:
        """The stories (or input problems) the record holds, as reading it at once would give."""
        raise NotImplementedError


@dataclass(slots=True)
class Finding:
    """One piece of HOW (or a missing WHAT) found in one story."""

    story: str
    rule: str
    name: str
    category: str
    severity: str
    message: str
    excerpt: str
    suggestion: str
    field: str = "body"  # "title" or "body"
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
    offset: int = 0  # character offset of the excerpt in `field`
    length: int = 0
    confidence: float = 1.0
    url: str | None = None
    author: str | None = None
    project: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "confidence": round(self.confidence, 2),
            "message": self.message,
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "excerpt": self.excerpt,
            "suggestion": self.suggestion,
            "url": self.url,
            "author": self.author,
            "project": self.project,
        }


@dataclass(slots=True)
class Skipped:
    """A story that was read but is outside the role boundary (or suppressed whole)."""

    story: str
    reason: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"story": self.story, "reason": self.reason, "url": self.url}


@dataclass(slots=True)
class Problem:
    """An input, configuration or connection error that did not stop the run."""

    source: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class StoryResult:
    """What the engine concluded about one story."""

    story: Story
    findings: list[Finding] = field(default_factory=list)
    skipped: Skipped | None = None


@dataclass(slots=True)
class Summary:
    stories_checked: int = 0
    stories_skipped: int = 0
    stories_with_findings: int = 0
    findings: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stories_checked": self.stories_checked,
            "stories_skipped": self.stories_skipped,
            "stories_with_findings": self.stories_with_findings,
            "findings": self.findings,
            "by_category": dict(sorted(self.by_category.items())),
            "by_severity": dict(sorted(self.by_severity.items())),
            "by_rule": dict(sorted(self.by_rule.items())),
        }


@dataclass(slots=True)
class Report:
    """Everything one run produced; reporters render it, the store records it."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    #: with `--format json` and `--jobs`: every finding's JSON, in order, kept on disk as it
    #: comes (`reporters.json_format.FindingSpool`), so the end only copies it
    spool: FindingSpool | None = field(default=None, repr=False, compare=False)
    #: findings counted in `summary` and kept in `spool` only, not in `findings` (`add_spooled`)
    spooled_only: int = 0
    _worst_spooled: int = field(default=0, init=False, repr=False, compare=False)

    def add(self, result: StoryResult) -> None:
        self.add_findings(result.findings, result.skipped)

    def add_findings(
        self, findings: list[Finding], skipped: Skipped | None = None, encoded: bytes | None = None
    ) -> None:
        """One story's result, when only its findings are at hand (a story linted elsewhere),
        with the findings' JSON when it was encoded there (see `spool`)."""
        if self.spool is not None and findings:
            self.spool.add(findings, encoded)
        if self._story(skipped, len(findings)):
            for f in findings:
                self.findings.append(f)
                self._count(f.category, f.severity, f.rule)

    def add_spooled(self, tally: list[tuple[str, str, str]], skipped: Skipped | None, encoded: bytes | None) -> None:
        """One story's result whose findings are only their JSON (`encoded`) and, for each, its
        (category, severity, rule): what a JSON report needs of them, without the objects (a
        `--jobs` worker's, when nothing else reads them: see `runner.check_stories`)."""
        assert self.spool is not None
        if encoded is not None:
            self.spool.add_encoded(len(tally), encoded)
        if self._story(skipped, len(tally)):
            self.spooled_only += len(tally)
            for category, severity, rule in tally:
                self._count(category, severity, rule)
                self._worst_spooled = max(self._worst_spooled, SEVERITY_RANK[severity])

    def add_summed(
        self, checked: int, with_findings: int, tally: dict[tuple[str, str, str], int], skipped: list[Skipped],
        encoded: bytes, spooled: int,
    ) -> None:
        """Several stories' results summed up where they were linted (a `--jobs` worker's, as
        `add_spooled` would count them one by one): `checked` stories not skipped, of which
        `with_findings` had findings, `tally` their findings by (category, severity, rule), all
        of them in `encoded`, which holds `spooled` findings (a skipped story's too)."""
        assert self.spool is not None
        self.spool.add_encoded(spooled, encoded)
        self.skipped.extend(skipped)
        s = self.summary
        s.stories_skipped += len(skipped)
        s.stories_checked += checked
        s.stories_with_findings += with_findings
        for (category, severity, rule), n in tally.items():
            self.spooled_only += n
            s.findings += n
            s.by_category[category] = s.by_category.get(category, 0) + n
            s.by_severity[severity] = s.by_severity.get(severity, 0) + n
            s.by_rule[rule] = s.by_rule.get(rule, 0) + n
            self._worst_spooled = max(self._worst_spooled, SEVERITY_RANK[severity])

    def _story(self, skipped: Skipped | None, findings: int) -> bool:
        """Count one story; False when it was skipped (it has no findings to count)."""
        s = self.summary
        if skipped is not None:
            self.skipped.append(skipped)
            s.stories_skipped += 1
            return False
        s.stories_checked += 1
        if findings:
            s.stories_with_findings += 1
        return True

    def _count(self, category: str, severity: str, rule: str) -> None:
        s = self.summary
        s.findings += 1
        s.by_category[category] = s.by_category.get(category, 0) + 1
        s.by_severity[severity] = s.by_severity.get(severity, 0) + 1
        s.by_rule[rule] = s.by_rule.get(rule, 0) + 1

    def worst_severity(self) -> int:
        return max(self._worst_spooled, max((SEVERITY_RANK[f.severity] for f in self.findings), default=0))


__all__ = [
    "CATEGORIES",
    "HOW_CATEGORIES",
    "SEVERITIES",
    "SEVERITY_RANK",
    "STRUCTURE_CATEGORIES",
    "Author",
    "BodyFormat",
    "Deferred",
    "Finding",
    "Problem",
    "Report",
    "Skipped",
    "Story",
    "StoryResult",
    "Summary",
]
