"""Opt-in write-back to Jira: one storylint comment per issue, and a label.

A sink at the end of the pipeline (rules never call it). The comment is found again by
its author (the account ``/myself`` names, read once per run: ``accountId`` on Cloud,
``key``/``name`` on Server) *and* the marker text :data:`MARKER`, and updated in place,
never duplicated; anybody else's comment is never touched, whatever it says. When the story
becomes clean it is rewritten to say so ("resolved"), and no comment is created for a story
that was clean all along. Comment bodies are ADF on Cloud (REST v3) and wiki markup on
Server/Data Center. ``--label`` adds the label while a story has findings and removes it
when clean. With ``dry_run`` nothing is written; each intended write is reported through
`echo` (stderr in the CLI). With `since` (``--comment-since``) only issues created at or
after it are written to; older ones are linted and recorded, never touched. Each write step is retried as a whole (look up, then create or
update), so a retried timeout cannot leave two comments. A write Jira refuses (403, 404,
any other error after the retries) costs that issue only: it becomes one
:class:`~storylint.model.Problem` in :attr:`JiraWriteBack.errors` and one log line, the
issue goes to :attr:`JiraWriteBack.failed` (the nightly run retries it: see
:mod:`.jira_sync`), and the run goes on.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from storylint.errors import ConfigError, ConnectorError
from storylint.formats.adf import adf_to_markdown
from storylint.model import Finding, Problem, Story, StoryResult

from .jira import JiraConnector
from .jira_http import JiraCaller

#: what a refused write asks the user to check (the credentials did work for reading)
WRITE_HINT = "the account's permissions in that project (Add comments and Edit own comments; Edit issues for --label)"

log = logging.getLogger("storylint.jira")

MARKER = "storylint-report"
_MAX_FINDINGS = 20
_MAX_COMMENT_PAGES = 50
_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|*_^~])")


def check_label(name: str | None) -> str | None:
    if name is None:
        return None
    if not name or any(ch.isspace() for ch in name):
        raise ConfigError(f"label {name!r}: Jira labels cannot contain spaces", file="--label")
    return name


def parse_since(value: str) -> datetime:
    """`--comment-since`: an ISO date (midnight UTC) or date-time (UTC unless it says)."""
    text = value.strip()
    try:
        if len(text) == 10:
            when = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{value!r} is not an ISO date or date-time (e.g. 2026-03-01)",
                          file="--comment-since") from None  # fmt: skip
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _wiki_escape(text: str) -> str:
    return _WIKI_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(f: Finding) -> str:
    return "in the title" if f.field == "title" else "in the description"


def comment_wiki(findings: list[Finding]) -> str:
    if not findings:
        return f"*storylint*: this story no longer prescribes implementation. Thank you!\n\n_{MARKER}_"
    lines = [f"*storylint* has {len(findings)} suggestion(s) for this story:", ""]
    for f in findings[:_MAX_FINDINGS]:
        lines.append(
            f"* {f.rule} ({_wiki_escape(f.name)}), {_where(f)}: {_wiki_escape(_clip(f.message))}"
            f" — \u201c{_wiki_escape(_clip(f.excerpt, 80))}\u201d. {_wiki_escape(_clip(f.suggestion))}"
        )
    if len(findings) > _MAX_FINDINGS:
        lines.append(f"* … and {len(findings) - _MAX_FINDINGS} more")
    lines += ["", f"_{MARKER}: updated on every run; it goes away when the story is clean_"]
    return "\n".join(lines)


def _text(text: str, *marks: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = [{"type": m} for m in marks]
    return node


def _para(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(nodes)}


def comment_adf(findings: list[Finding]) -> dict[str, Any]:
    if not findings:
        content = [
            _para(_text("storylint", "strong"), _text(": this story no longer prescribes implementation. Thank you!")),
            _para(_text(MARKER, "em")),
        ]
        return {"version": 1, "type": "doc", "content": content}
    items = []
    for f in findings[:_MAX_FINDINGS]:
        items.append({"type": "listItem", "content": [_para(
            _text(f.rule, "code"), _text(f" ({f.name}), {_where(f)}: {_clip(f.message)} — "),
            _text(_clip(f.excerpt, 80), "code"), _text(f". {_clip(f.suggestion)}"),
        )]})  # fmt: skip
    if len(findings) > _MAX_FINDINGS:
        items.append({"type": "listItem", "content": [_para(_text(f"… and {len(findings) - _MAX_FINDINGS} more"))]})
    content = [
        _para(_text("storylint", "strong"), _text(f" has {len(findings)} suggestion(s) for this story:")),
        {"type": "bulletList", "content": items},
        _para(_text(f"{MARKER}: updated on every run; it goes away when the story is clean", "em")),
    ]
    return {"version": 1, "type": "doc", "content": content}


def _has_marker(body: Any) -> bool:
    """Whether any string in the body holds the marker (iterative: a comment may nest deep)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if MARKER in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def same_account(person: Any, me: dict[str, Any], *, cloud: bool) -> bool:
    """Whether a comment's `author` is the account we run as: accountId on Cloud, key or name on Server."""
    if not isinstance(person, dict):
        return False
    if cloud:
        mine = me.get("accountId")
        return isinstance(mine, str) and bool(mine) and person.get("accountId") == mine
    for field in ("key", "name"):  # the key survives renames; the name is all some versions send
        mine, theirs = me.get(field), person.get(field)
        if isinstance(mine, str) and mine and isinstance(theirs, str) and theirs:
            return theirs == mine
    return False


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new.strip()
    return bool(old == new)


class JiraWriteBack:
    """Called with each linted story's result (the runner's `on_result`)."""

    def __init__(self, connector: JiraConnector, *, comment: bool = False, label: str | None = None,
                 dry_run: bool = False, echo: Callable[[str], None] | None = None,
                 since: datetime | None = None) -> None:  # fmt: skip
        self.connector = connector
        #: only issues created at or after this get comments and labels (adoption without a flood)
        self.since = since
        self.older = 0  # linted issues left alone because they are older than `since`
        self.comment = comment
        self.label = check_label(label)
        self.dry_run = dry_run
        self.echo = echo or (lambda line: log.warning("%s", line))
        self.writes = 0
        base = connector.caller
        self.caller = JiraCaller(base.server, policy=base.policy, redactor=base.redact, auth_hint=WRITE_HINT)
        #: writes that failed this run, one per issue (the caller adds them to the report)
        self.errors: list[Problem] = []
        #: the stories whose comment or label could not be written this run (to retry them)
        self.failed: list[Story] = []
        self._no_identity = False

    def __call__(self, result: StoryResult) -> None:
        if result.skipped is not None:
            return
        key = result.story.key or result.story.id
        if self.since is not None and not self._new_enough(result.story.created):
            self.older += 1
            log.info("%s was created before --comment-since: nothing written", key)
            return
        try:
            unwritten = self.comment and self._me() is None  # already one error for the run
            if self.comment and not unwritten:
                self._comment(key, result.findings)
            if self.label:
                self._label(key, bool(result.findings), result.story.labels)
        except ConnectorError as exc:  # this issue only; the run goes on
            self._fail(result.story.url or key, f"write-back failed: {exc.message}")
            unwritten = True
        if unwritten:
            self.failed.append(result.story)

    def _new_enough(self, created: datetime | None) -> bool:
        assert self.since is not None
        if created is None:  # unknown age: treat as old rather than risk the flood
            return False
        return (created if created.tzinfo else created.replace(tzinfo=UTC)) >= self.since

    def _fail(self, where: str, message: str) -> None:
        problem = Problem(where, message)
        self.errors.append(problem)
        log.warning("%s", problem)

    def _me(self) -> dict[str, Any] | None:
        """The account we run as. Without it no comment can be told ours: none is written
        this run (one error for the run, not one per issue)."""
        me = self.connector.myself()
        if me is None and not self._no_identity:
            self._no_identity = True
            self._fail(self.connector.server, "comments not written: cannot tell storylint's comments from"
                                              f" others' ({self.connector.myself_error})")  # fmt: skip
        return me

    # -- comments -----------------------------------------------------------------------
    def _find_comment(self, key: str) -> dict[str, Any] | None:
        """Our comment on the issue: written by our account and carrying the marker."""
        me = self.connector.myself()
        assert me is not None  # checked before any comment step
        cloud = bool(self.connector.cloud)
        client = self.connector.client
        start = 0
        for _ in range(_MAX_COMMENT_PAGES):
            page = client._get_json(f"issue/{key}/comment", params={"startAt": start, "maxResults": 100})
            comments = page.get("comments") if isinstance(page, dict) else None
            if not isinstance(comments, list):
                from .jira_http import MalformedResponse

                raise MalformedResponse("comment list lacks comments")
            for c in comments:
                if isinstance(c, dict) and same_account(c.get("author"), me, cloud=cloud) and _has_marker(c.get("body")):
                    return c
            start += len(comments)
            total = page.get("total")
            if not comments or not isinstance(total, int) or start >= total:
                return None
        return None

    def _comment(self, key: str, findings: list[Finding]) -> None:
        body: Any = comment_adf(findings) if self.connector.cloud else comment_wiki(findings)

        def step() -> None:
            client = self.connector.client
            existing = self._find_comment(key)
            if existing is None and not findings:
                return  # clean all along: nothing to say
            if existing is not None and _same(existing.get("body"), body):
                return  # unchanged: no edit, no notification
            verb = "add" if existing is None else "update"
            state = "resolved" if not findings else f"{len(findings)} finding(s)"
            if self.dry_run:
                self.echo(f"dry-run: would {verb} the storylint comment on {key} ({state}):")
                text = body if isinstance(body, str) else adf_to_markdown(body)
                for line in text.splitlines():
                    self.echo(f"    {line}".rstrip())
                return
            if existing is None:
                client.add_comment(key, body)  # ADF is a dict on v3; the library sends it as JSON
            else:
                url = client._get_url(f"issue/{key}/comment/{existing['id']}")
                client._session.put(url, data=json.dumps({"body": body}))
            self.writes += 1
            log.info("%sed the storylint comment on %s (%s)", verb.rstrip("e"), key, state)

        self.caller.call(f"writing the comment on {key}", step)

    # -- labels -------------------------------------------------------------------------
    def _label(self, key: str, has_findings: bool, labels: tuple[str, ...]) -> None:
        assert self.label is not None
        present = self.label in labels
        if has_findings == present:
            return
        op = "add" if has_findings else "remove"
        if self.dry_run:
            self.echo(f"dry-run: would {op} label {self.label} on {key}")
            return

        def step() -> None:
            client = self.connector.client
            url = client._get_url(f"issue/{key}")
            client._session.put(url, data=json.dumps({"update": {"labels": [{op: self.label}]}}))

        self.caller.call(f"{op}ing label {self.label} on {key}", step)
        self.writes += 1
