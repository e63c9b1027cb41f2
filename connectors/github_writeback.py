"""Write-back to GitHub: one sticky comment, a label, the job summary and step outputs.

A sink at the end of the flow: it reads `StoryResult` and `Finding` records and never
the engine.

**Sticky comment.** Exactly one storylint comment per issue, found again by a hidden
HTML marker in the body (written at its start) *and* an author that is the token's own
identity: the login `GET /user` names (a personal token), or for an installation token,
which `GET /user` answers with 403, the bot GraphQL's `viewer` names (`APP-SLUG[bot]`), a
configured bot login, or `github-actions[bot]` where neither says. Neither a person who pastes the marker nor another app's bot can get its
comment edited or deleted. Created when there are findings, updated in place on every
edit, and rewritten as "resolved" when the story becomes clean; extra copies of our own
(a race before `concurrency` was configured) are deleted.

**Hostile text.** Excerpts come from issue text that anyone can write. They are shown
as inline code spans (no HTML, no Markdown, no working @-mention), with ``@`` followed
by a zero-width space in every other place, and cut to a bounded length. The comment
stays under GitHub's 65,536-character limit: findings that do not fit are counted in a
closing note. Nothing from the issue is ever written to stdout here, so no workflow
command (``::set-output``, ``::add-mask::``, ``::stop-commands::``) can be smuggled in;
step outputs use the multi-line delimiter syntax with a random delimiter.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from storylint.errors import ConnectorError, PermanentConnectorError
from storylint.model import HOW_CATEGORIES, SEVERITY_RANK, Finding, Report, StoryResult
from storylint.reporters.markdown import md_code, md_escape

from .github_api import COMMENT_LIMIT, ApiCaller

if TYPE_CHECKING:  # pragma: no cover
    from github import Github

log = logging.getLogger("storylint.github")

MARKER = "<!-- storylint:sticky-comment -->"
#: who writes comments with an Action's GITHUB_TOKEN (user id 41898282)
DEFAULT_BOT_LOGIN = "github-actions[bot]"
#: who the token is, as GraphQL answers an installation token too (`GET /user` refuses one)
VIEWER_QUERY = "query { viewer { login databaseId } }"
#: where we stop adding findings to a comment (the rest is counted in a note)
COMMENT_BUDGET = 60_000
#: GitHub's limit for one step's job summary is 1 MiB (1,048,576 bytes); this is in UTF-8 bytes too
SUMMARY_BUDGET = 900_000
#: errors and actions listed in a summary at most (each line is bounded too)
_LISTED = 100
#: bytes kept for the "...and N more" notes
_NOTES = 200
EXCERPT_CHARS = 160
#: the footer line's start; the line holds the run's link, which changes every run
_FOOTER_START = "<sub>storylint"
_ICON = {"error": "\u274c", "warning": "\u26a0\ufe0f", "info": "\u2139\ufe0f"}


# -- rendering -------------------------------------------------------------------------------
def safe_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """An excerpt as an inline code span: bounded, one line, inert."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return md_code(text)


def safe_text(text: str, limit: int = 500) -> str:
    """Rule text (messages, suggestions, names) as escaped Markdown, bounded.

    Backslashes are escaped first, so that no ``\\`` in the text can undo the escape of
    the character after it (a live backtick would pair with an excerpt's code fence and
    let the excerpt out of its code span).
    """
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return md_escape(text.replace("\\", "\\\\"))


def _finding_lines(f: Finding) -> list[str]:
    where = "title" if f.field == "title" else f"line {f.line}"
    return [
        (
            f"- {_ICON.get(f.severity, '')} **{safe_text(f.rule, 40)}** {safe_text(f.name, 80)} "
            f"({safe_text(f.category, 40)}, {where}): {safe_text(f.message)}"
        ),
        f"  - found: {safe_excerpt(f.excerpt)}",
        f"  - try: {safe_text(f.suggestion)}",
    ]


def render_comment(result: StoryResult, *, run_url: str | None = None) -> str:
    """The sticky comment for a story with findings (always under the comment limit)."""
    findings = sorted(
        result.findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.line, f.column)
    )
    n = len(findings)
    how = sum(1 for f in findings if f.category in HOW_CATEGORIES)
    parts = []
    if how:
        parts.append(
            f"{how} passage{'s' if how != 1 else ''} that prescribe{'' if how != 1 else 's'} implementation"
        )
    if n - how:
        parts.append(f"{n - how} gap{'s' if n - how != 1 else ''} in what the story says")
    title = (
        "this story describes HOW, not only WHAT" if how else "this story could say more about WHAT"
    )
    head = [
        MARKER,
        f"### storylint: {title}",
        "",
        (
            f"storylint found {' and '.join(parts)}. Stories work best when they say who needs what "
            "and why, and how we will know it is done; the engineering team decides how to build it. "
            "Edit the issue and this comment updates itself."
        ),
        "",
        "",
    ]
    body = "\n".join(head)
    shown = 0
    for f in findings:
        block = "\n".join(_finding_lines(f)) + "\n"
        if len(body) + len(block) > COMMENT_BUDGET:
            break
        body += block
        shown += 1
    if shown < n:
        body += (
            f"\n_\u2026and {n - shown} more finding{'s' if n - shown != 1 else ''} not shown: GitHub limits a "
            "comment to 65,536 characters. The job summary of the workflow run lists them._\n"
        )
    body += "\n" + _footer(run_url)
    assert len(body) <= COMMENT_LIMIT
    return body


def render_resolved(*, reason: str | None = None, run_url: str | None = None) -> str:
    """What the sticky comment becomes when the story is clean (or out of scope)."""
    text = (
        f"storylint no longer checks this issue ({safe_text(reason, 200)})."
        if reason
        else "Thanks: the story no longer prescribes implementation. Nothing left to fix."
    )
    return "\n".join([MARKER, "### storylint: resolved \u2705", "", text, "", _footer(run_url)])


def _footer(run_url: str | None) -> str:
    link = (
        f" ([run]({quote(run_url, safe=':/?=&%#')}))"
        if run_url and run_url.startswith("https://")
        else ""
    )
    return f"{_FOOTER_START}{link} \u00b7 a coaching note, not a gate</sub>\n"


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _fitting(lines: list[str], budget: int) -> tuple[str, int]:
    """As many of `lines` (each ending in a newline) as fit in `budget` UTF-8 bytes."""
    kept, used = [], 0
    for line in lines:
        size = _nbytes(line)
        if used + size > budget:
            break
        kept.append(line)
        used += size
    return "".join(kept), len(kept)


def render_summary(report: Report, *, actions: list[str] | None = None) -> str:
    """Job-summary Markdown: counts, then each finding with a safe excerpt.

    GitHub drops a step's whole summary past 1 MiB, counted in bytes: every part is
    measured in UTF-8 bytes (an excerpt in Chinese takes three a character), errors and
    actions first, then the skipped issues and the findings in what is left.
    """
    s = report.summary
    head = (
        "## storylint\n\n"
        f"**{s.stories_checked}** checked, **{s.stories_with_findings}** with findings, "
        f"**{s.findings}** findings, {s.stories_skipped} skipped.\n\n"
    )
    tail = ""
    if report.errors:
        errors = [f"- {safe_text(str(e), 300)}\n" for e in report.errors[:_LISTED]]
        more = len(report.errors) - len(errors)
        tail += "\n**Errors**\n\n" + "".join(errors) + (f"- \u2026and {more} more errors\n" if more else "")
    if actions:
        tail += "\n" + "".join(f"- {safe_text(a, 300)}\n" for a in actions[:_LISTED])
    budget = SUMMARY_BUDGET - _nbytes(head) - _nbytes(tail) - _NOTES
    skipped, n_skipped = _fitting(
        [f"- {safe_text(x.story, 200)} skipped: {safe_text(x.reason, 200)}\n" for x in report.skipped], budget // 4
    )
    text = head + skipped
    if n_skipped < len(report.skipped):
        text += f"- \u2026and {len(report.skipped) - n_skipped} more skipped (summary size limit)\n"
    if report.skipped:
        text += "\n"
    if report.findings:
        text += "| story | rule | severity | excerpt | suggestion |\n| --- | --- | --- | --- | --- |\n"
    rows = [
        f"| {safe_text(f.story, 200)} | `{safe_text(f.rule, 40)}` {safe_text(f.name, 80)} | {f.severity} | "
        f"{safe_excerpt(f.excerpt)} | {safe_text(f.suggestion, 300)} |\n"
        for f in report.findings
    ]
    shown_rows, shown = _fitting(rows, budget - _nbytes(skipped))
    text += shown_rows
    if shown < len(report.findings):
        text += (
            f"\n_\u2026and {len(report.findings) - shown} more findings (summary size limit)._\n"
        )
    return text + tail


# -- runner files ----------------------------------------------------------------------------
def append_summary(path: str | None, markdown: str) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(markdown if markdown.endswith("\n") else markdown + "\n")


def set_outputs(path: str | None, values: dict[str, str]) -> None:
    """Append step outputs with the multi-line syntax and a random delimiter."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            while delimiter in value:  # pragma: no cover - 128 random bits
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def outputs_for(report: Report) -> dict[str, str]:
    categories = sorted(report.summary.by_category)
    return {
        "findings": str(report.summary.findings),
        "categories": ",".join(categories),
        "clean": "true" if report.summary.findings == 0 else "false",
    }


def run_url_from_env(env: dict[str, str] | None = None) -> str | None:
    env = dict(os.environ) if env is None else env
    server, repo, run = (
        env.get("GITHUB_SERVER_URL"),
        env.get("GITHUB_REPOSITORY"),
        env.get("GITHUB_RUN_ID"),
    )
    if server and repo and run and run.isdigit():
        return f"{server.rstrip('/')}/{repo}/actions/runs/{run}"
    return None


# -- the API side ----------------------------------------------------------------------------
@dataclass(slots=True)
class WriteBack:
    """What was done to one issue."""

    story: str
    comment: str = "none"  # created | updated | unchanged | resolved | none
    label: str = "none"  # added | removed | present | absent | none
    deleted_duplicates: int = 0
    comment_url: str | None = None
    #: something the workflow's owner should fix (the token writes as another account)
    warning: str | None = None

    def describe(self) -> str:
        parts = [f"comment {self.comment}", f"label {self.label}"]
        if self.deleted_duplicates:
            parts.append(f"{self.deleted_duplicates} duplicate comment(s) deleted")
        return f"{self.story}: " + ", ".join(parts)


def _graphql_url(rest_base: str) -> str:
    """GitHub's GraphQL endpoint beside a REST base: `https://api.github.com/graphql`, or a
    GitHub Enterprise Server's `/api/graphql` beside its `/api/v3`."""
    return rest_base.rstrip("/").removesuffix("/v3") + "/graphql"


def is_installation_token(token: str | None) -> bool:
    """A GitHub App installation token (the Action's GITHUB_TOKEN is one): prefix ``ghs_``.

    GitHub documents the prefixes of its token formats; such a token has no user, so
    ``GET /user`` would only answer 403.
    """
    return bool(token and token.startswith("ghs_"))


@dataclass
class IssueWriter:
    """Comment and label write-back for issues of one repository.

    ``bot_login`` is the identity of an installation token (``installation_token``, or a
    token for which ``GET /user`` answers 403): the bot account its comments are written
    by, ``github-actions[bot]`` for an Action's GITHUB_TOKEN, ``APP-SLUG[bot]`` for a
    GitHub App's token.
    """

    gh: Github
    call: ApiCaller
    repo: str
    run_url: str | None = None
    bot_login: str = DEFAULT_BOT_LOGIN
    installation_token: bool = False
    _identity: tuple[str, int | None] | None = field(default=None, init=False)
    _viewer_asked: bool = field(default=False, init=False)
    _warned: bool = field(default=False, init=False)

    def apply(
        self,
        result: StoryResult,
        number: int,
        *,
        comment: bool,
        label: str | None,
        current_labels: frozenset[str] | None,
    ) -> WriteBack:
        done = WriteBack(f"{self.repo}#{number}")
        has_findings = bool(result.findings) and result.skipped is None
        if comment:
            self._sync_comment(result, number, has_findings, done)
        if label:
            if done.comment == "resolved" and _label_on(label, current_labels) is None:
                # findings until now, read fresh from the comments: a payload's labels may
                # predate the run that added ours (an edit seconds after opening), so ask
                current_labels = None
            self._sync_label(number, label, has_findings, current_labels, done)
        return done

    # -- comment
    def _issue_path(self, number: int) -> str:
        return f"/repos/{self.repo}/issues/{number}"

    def _marked_comments(self, number: int) -> list[dict[str, Any]]:
        """Every comment on the issue that bears the marker (`_marked`), whoever wrote it.

        Not only at its start: someone with write access may edit our comment and put a note
        above it. Whose comment it is, the author decides (`_own`).
        """
        from .github import _pages

        path = f"{self._issue_path(number)}/comments"
        found: list[dict[str, Any]] = []
        for page in _pages(self.gh, self.call, path, {"per_page": 100}):
            for c in page:
                if isinstance(c, dict) and _marked(str(c.get("body") or "")):
                    found.append(c)
        return found

    def _own(self, marked: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Our own marked comments, oldest first (identity asked only when a marker exists)."""
        if not marked:
            return []
        login, uid = self._whoami()
        mine = [c for c in marked if _written_by(c, login, uid)]
        if not mine and self._viewer_may_say() and any(map(_by_bot, marked)):
            # marked comments, none by the default bot but one by a bot: a GitHub App's token's
            # may be ours (a person's never is: an installation token writes as a bot)
            login, uid = self._identity = self._viewer()
            mine = [c for c in marked if _written_by(c, login, uid)]
        return sorted(mine, key=lambda c: int(c.get("id") or 0))

    def _whoami(self) -> tuple[str, int | None]:
        """The token's identity: (login, user id or None), asked at most once per run."""
        if self._identity is None:
            self._identity = (self.bot_login, None) if self.installation_token else self._ask()
        return self._identity

    def _ask(self) -> tuple[str, int | None]:
        """``GET /user``; its 403 means an installation token, whose identity is the bot."""
        try:
            _, data = self.call(
                "GET /user", lambda: self.gh.requester.requestJsonAndCheck("GET", "/user")
            )
        except PermanentConnectorError as exc:
            if "HTTP 403" in exc.message:
                self.installation_token = True
                return (self.bot_login, None)
            raise  # 401, 404: nothing to fall back on, and guessing could adopt a stranger's comment
        login = data.get("login") if isinstance(data, dict) else None
        if not isinstance(login, str) or not login:
            raise PermanentConnectorError("GitHub API GET /user: the answer names no login")
        uid = data.get("id")
        return (login, uid if isinstance(uid, int) and not isinstance(uid, bool) else None)

    def _viewer_may_say(self) -> bool:
        """Whether GraphQL's `viewer` is still to be asked: an installation token under the
        default `bot-login` (a team's own `bot-login` is its word), once per run."""
        return (
            self.installation_token
            and not self._viewer_asked
            and self.bot_login.casefold() == DEFAULT_BOT_LOGIN.casefold()
        )

    def _viewer(self) -> tuple[str, int | None]:
        """The installation token's bot as GraphQL's `viewer` names it (`APP-SLUG[bot]` for a
        GitHub App's token, which `GET /user` refuses: without it such a token found no comment
        of its own and wrote a new one on every run); the default bot where it names none.
        Asked only when the default does not explain what the run sees, so an Action's
        GITHUB_TOKEN costs no call unless another app's marked comment is on the issue."""
        self._viewer_asked = True
        requester = self.gh.requester
        url = _graphql_url(requester.base_url)
        try:
            _, data = self.call(
                "POST /graphql",
                lambda: requester.requestJsonAndCheck("POST", url, input={"query": VIEWER_QUERY}),
                attempts=2,  # the default bot stands in when it fails: one retry, not five
            )
        except ConnectorError as exc:
            log.debug("GitHub GraphQL viewer: %s; taking %s", exc, self.bot_login)
            return (self.bot_login, None)
        viewer = (data.get("data") or {}).get("viewer") if isinstance(data, dict) else None
        login = viewer.get("login") if isinstance(viewer, dict) else None
        if not isinstance(login, str) or not login.endswith("[bot]"):
            return (self.bot_login, None)
        assert isinstance(viewer, dict)
        uid = viewer.get("databaseId")
        return (login, uid if isinstance(uid, int) and not isinstance(uid, bool) else None)

    def _sync_comment(
        self, result: StoryResult, number: int, has_findings: bool, done: WriteBack
    ) -> None:
        marked = self._marked_comments(number)
        stickies = self._own(marked)
        if has_findings:
            body = render_comment(result, run_url=self.run_url)
        elif stickies:
            reason = result.skipped.reason if result.skipped is not None else None
            body = render_resolved(reason=reason, run_url=self.run_url)
        else:
            return
        requester = self.gh.requester
        if not stickies:
            path = f"{self._issue_path(number)}/comments"
            _, data = self.call(
                f"POST {path}",
                lambda: requester.requestJsonAndCheck("POST", path, input={"body": body}),
            )
            done.comment = "created"
            done.comment_url = data.get("html_url") if isinstance(data, dict) else None
            self._check_author(data, marked, done)
            return
        keep, *extra = stickies
        done.comment_url = keep.get("html_url")
        if _same_body(keep.get("body"), body):
            done.comment = "unchanged"
        else:
            path = f"/repos/{self.repo}/issues/comments/{keep['id']}"
            self.call(
                f"PATCH {path}",
                lambda: requester.requestJsonAndCheck("PATCH", path, input={"body": body}),
            )
            done.comment = "updated" if has_findings else "resolved"
        for c in extra:
            self._delete(c, done)

    def _delete(self, comment: dict[str, Any], done: WriteBack) -> None:
        """Delete a duplicate of our comment (one gone already is fine)."""
        path = f"/repos/{self.repo}/issues/comments/{comment['id']}"
        try:
            self.call(
                f"DELETE {path}",
                functools.partial(self.gh.requester.requestJsonAndCheck, "DELETE", path),
            )
            done.deleted_duplicates += 1
        except PermanentConnectorError as exc:
            if "HTTP 404" not in exc.message:
                raise

    def _check_author(self, created: Any, marked: list[dict[str, Any]], done: WriteBack) -> None:
        """The comment just created names who the token writes as. When that is not the
        identity we looked for (a GitHub App's token without ``bot_login``), each run would
        add one more comment: say what to set, and delete our older marked comments by that
        same account (proven ours by this answer), so that one comment stays."""
        author = created.get("user") if isinstance(created, dict) else None
        login = author.get("login") if isinstance(author, dict) else None
        if not isinstance(login, str) or not (self.installation_token or self._identity):
            return  # identity not asked yet: no GET /user only for this check
        expected, _ = self._whoami()
        if login.casefold() != expected.casefold() and self._viewer_may_say():
            expected, _ = self._identity = self._viewer()  # a GitHub App's token: its bot
        if login.casefold() == expected.casefold():
            return
        assert isinstance(author, dict)
        uid = author.get("id") if isinstance(author.get("id"), int) else None
        done.warning = (
            f"the token writes comments as {login}, not {expected}: set the bot-login input "
            f"(--bot-login, $STORYLINT_BOT_LOGIN) to {login}, or storylint cannot find its comment"
        )
        if not self._warned:
            self._warned = True
            log.warning("%s", done.warning)
        for c in marked:
            if _written_by(c, login, uid) and c.get("id") != created.get("id"):
                self._delete(c, done)

    # -- label
    def _sync_label(
        self,
        number: int,
        label: str,
        has_findings: bool,
        current: frozenset[str] | None,
        done: WriteBack,
    ) -> None:
        requester = self.gh.requester
        path = f"{self._issue_path(number)}/labels"
        # GitHub compares label names without case: `storylint` adds an existing `StoryLint`
        on_issue = _label_on(label, current)
        if has_findings:
            if on_issue is not None:
                done.label = "present"
                return
            self.call(
                f"POST {path}",
                lambda: requester.requestJsonAndCheck("POST", path, input={"labels": [label]}),
            )
            done.label = "added"
            return
        if current is not None and on_issue is None:
            done.label = "absent"
            return
        target = f"{path}/{quote(on_issue or label, safe='')}"
        try:
            self.call(
                f"DELETE {path}/{{name}}", lambda: requester.requestJsonAndCheck("DELETE", target)
            )
            done.label = "removed"
        except PermanentConnectorError as exc:
            if "HTTP 404" not in exc.message:  # "Label does not exist": nothing to remove
                raise
            done.label = "absent"


def _label_on(label: str, current: frozenset[str] | None) -> str | None:
    """The issue's own spelling of `label`, compared without case as GitHub does; None if absent."""
    folded = label.casefold()
    return next((name for name in current or () if name.casefold() == folded), None)


def _marked(body: str) -> bool:
    """A body storylint wrote: the marker at its start, or, below a note someone put above
    it, at the start of a line of a body that still ends with storylint's footer.

    The token's account writes other comments too (a person's own token; every workflow's
    GITHUB_TOKEN): one that only quotes or mentions the marker is not ours, and must be
    neither overwritten nor deleted as a duplicate.
    """
    if body.startswith(MARKER):
        return True
    text = body.replace("\r\n", "\n").rstrip()
    return f"\n{MARKER}" in text and text.rpartition("\n")[2].startswith(_FOOTER_START)


def _written_by(comment: dict[str, Any], login: str, uid: int | None) -> bool:
    """The comment's author is exactly this identity (logins compare case-insensitively)."""
    author = comment.get("user")
    if not isinstance(author, dict) or not isinstance(author.get("login"), str):
        return False
    if author["login"].casefold() != login.casefold():
        return False
    return uid is None or author.get("id") == uid


def _by_bot(comment: dict[str, Any]) -> bool:
    """The comment's author is a bot account (`APP-SLUG[bot]`), as an installation token's is."""
    author = comment.get("user")
    login = author.get("login") if isinstance(author, dict) else None
    return isinstance(login, str) and login.casefold().endswith("[bot]")


def _same_body(old: Any, new: str) -> bool:
    """The same coaching, whichever run wrote it: the footer's run link is left out.

    Each workflow run has its own link; editing the comment only for it would change the
    comment on every run, and with a token whose edits start workflows (a GitHub App's),
    a workflow on `issue_comment` would run again and again.
    """
    return isinstance(old, str) and _coaching(old) == _coaching(new)


def _coaching(body: str) -> str:
    """A comment body without its footer line, line endings as GitHub's editor leaves them."""
    text = body.replace("\r\n", "\n").rstrip()
    head, _, last = text.rpartition("\n")
    return head.rstrip() if last.startswith(_FOOTER_START) else text
