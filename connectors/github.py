"""GitHub issues as stories: one issue from a webhook payload, or a repository's issues.

Event mode (the Action) reads the ``issues`` webhook payload the runner saved at
``$GITHUB_EVENT_PATH``: the issue is in the payload, so reading it costs no API call.
Batch mode lists a repository's issues through PyGithub, 100 a page, oldest update first,
with ``since`` in UTC; each next page is asked for by the last update read (see
``GitHubConnector.pages``), not by page number. Pull requests (items with a
``pull_request`` key on the issues endpoint) are never stories. Bots are marked
(``Author.is_bot``) and the engine skips them.

Issue forms: GitHub renders each form field as a ``### Label`` heading followed by the
answer, and an empty optional field as ``_No response_``. We drop those empty fields
(heading and placeholder) before linting, so an empty "Acceptance criteria" field does
not count as an acceptance-criteria section; the other ``###`` headings stay as they
are and the parser reads them as sections.

Role boundary: GitHub teams named in ``roles.groups`` as ``org/team-slug`` are resolved
through the API and put in ``Author.groups``. That needs a token that can read the
organisation (``read:org``); the Action's ``GITHUB_TOKEN`` cannot see teams, so with it
team rules fall back to logins and ``author_association`` (a hint only: private members
show as CONTRIBUTOR or NONE).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storylint.errors import ConnectorError, InputError, PermanentConnectorError
from storylint.model import Problem, Story

from .github_api import ApiCaller, BadPayload
from .mapping import is_pull_request, story_from_github_issue

if TYPE_CHECKING:  # pragma: no cover
    from github import Github

log = logging.getLogger("storylint.github")

#: pages per listing at most (100 issues a page): a bound, not a limit anyone should hit
MAX_PAGES = 5_000

_FORM_HEADING = re.compile(r"^###[ \t]+\S")
_NO_RESPONSE = "_No response_"
_LINK_NEXT = re.compile(r'<([^<>\s]+)>\s*;\s*rel="?next"?')


# -- issue forms ---------------------------------------------------------------------------
def strip_empty_form_fields(body: str) -> str:
    """Drop issue-form fields answered with ``_No response_`` (heading and placeholder)."""
    if _NO_RESPONSE not in body:
        return body
    lines = body.splitlines(keepends=True)
    out: list[str] = []
    section: list[str] = []
    in_code = False

    def flush() -> None:
        content = "".join(section[1:]).strip()
        if not (section and _FORM_HEADING.match(section[0]) and content == _NO_RESPONSE):
            out.extend(section)
        section.clear()

    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        if not in_code and _FORM_HEADING.match(line):
            flush()
        section.append(line)
    flush()
    return "".join(out).rstrip("\n") + ("\n" if body.endswith("\n") and out else "")


def issue_story(item: dict[str, Any], repo: str) -> Story:
    """Map one REST/webhook issue object, issue forms cleaned."""
    story = story_from_github_issue(item, repo=repo, source="github")
    cleaned = strip_empty_form_fields(story.body)
    return story if cleaned == story.body else story.model_copy(update={"body": cleaned})


# -- scope -------------------------------------------------------------------------------------
#: GitHub's `author_association` values (REST and webhooks)
ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR",
                "FIRST_TIMER", "MANNEQUIN", "NONE")  # fmt: skip
#: who writes stories by default: people with a role in the repository, not outside reporters
DEFAULT_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
#: issue kinds that are not stories by default (labels and GitHub issue types)
DEFAULT_SKIP_LABELS = ("bug",)
_KIND_SEPARATOR = re.compile(r"[:/]")


def label_kind(name: str) -> str:
    """A label's kind for `--skip-label`: its last ``:`` or ``/`` part (``type: bug`` is bug)."""
    return _KIND_SEPARATOR.split(name)[-1].strip().casefold()


@dataclass(frozen=True, slots=True)
class IssueScope:
    """Which issues `storylint github` lints: what insiders write, and not bug reports.

    Applied before anything else and without an API call, so an issue out of scope costs
    nothing and its comment and label stay as they are. ``associations`` None lints every
    author; an empty ``skip`` skips no kind. When the configuration names product managers
    (``roles``), the roles decide who is in scope instead of `author_association`, which
    GitHub reports as CONTRIBUTOR or NONE for private organisation members.
    """

    associations: tuple[str, ...] | None = DEFAULT_ASSOCIATIONS
    skip: tuple[str, ...] = DEFAULT_SKIP_LABELS

    def reason(self, story: Story, *, roles_decide: bool = False) -> str | None:
        """Why the issue is not linted, or None when it is."""
        kinds = {k.strip().casefold() for k in self.skip if k.strip()}
        named = f"--skip-label {','.join(self.skip)}"
        for name in story.labels:
            if name.strip().casefold() in kinds or label_kind(name) in kinds:
                return f"labelled '{name}' ({named})"
        if story.type and (
            story.type.strip().casefold() in kinds or label_kind(story.type) in kinds
        ):
            return f"issue type '{story.type}' ({named})"
        if self.associations is not None and not roles_decide:
            association = (story.author.association if story.author else None) or "unknown"
            if association.upper() not in self.associations:
                return (
                    f"author association {association} is not in --author-association "
                    f"({', '.join(self.associations)})"
                )
        return None


# -- event mode ----------------------------------------------------------------------------
@dataclass(slots=True)
class EventIssue:
    """The issue a webhook delivered, and what write-back needs to know about it."""

    repo: str
    number: int
    action: str | None
    state: str | None
    labels: frozenset[str]
    item: dict[str, Any]
    story: Story | None  # None for pull requests
    ignore_reason: str | None = None


class NoIssueInEvent(Exception):
    """The workflow ran on an event that names no issue (``pull_request``,
    ``workflow_dispatch``, ...): nothing to lint, and no error either, since a workflow may
    listen to more than ``issues``. The message says which event."""


#: events whose payload carries the ``issue`` object storylint lints
ISSUE_EVENTS = ("issues", "issue_comment")


def read_event(
    path: str | Path, *, repo: str | None = None, event_name: str | None = None
) -> EventIssue:
    """Read an ``issues`` webhook payload file (no API call).

    Raises NoIssueInEvent for another event's payload (``event_name`` is the runner's
    ``$GITHUB_EVENT_NAME``; a payload with a ``pull_request`` is one too), and InputError
    for a file that is not a JSON object with an ``issue``.
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the event payload: {exc.strerror}", source=source) from None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"the event payload is not valid JSON ({type(exc).__name__})", source=source
        ) from None
    if isinstance(payload, dict) and not isinstance(payload.get("issue"), dict):
        name = event_name if event_name and event_name not in ISSUE_EVENTS else None
        if name is None and isinstance(payload.get("pull_request"), dict):
            name = "pull_request"
        if name is not None:
            raise NoIssueInEvent(
                f"a {name} event names no issue: nothing to lint (storylint lints issues events)"
            )
    if not isinstance(payload, dict) or not isinstance(payload.get("issue"), dict):
        raise InputError("not an issues event payload (no `issue` object)", source=source)
    item: dict[str, Any] = payload["issue"]
    repository: dict[str, Any] = (
        payload["repository"] if isinstance(payload.get("repository"), dict) else {}
    )
    full_name = (
        repository.get("full_name") if isinstance(repository.get("full_name"), str) else None
    )
    repo = full_name or repo
    number = item.get("number")
    if not repo or "/" not in repo:
        raise InputError(
            "the payload names no repository and GITHUB_REPOSITORY is not set", source=source
        )
    if not isinstance(number, int) or isinstance(number, bool):
        raise InputError("the payload's issue has no number", source=source)
    labels = frozenset(
        str(label.get("name") if isinstance(label, dict) else label)
        for label in item.get("labels") or []
    )
    action = payload.get("action") if isinstance(payload.get("action"), str) else None
    event = EventIssue(repo, number, action, item.get("state"), labels, item, None)
    if is_pull_request(item):
        event.ignore_reason = "pull request"
        return event
    comment = payload.get("comment")
    if event_name == "issue_comment" and isinstance(comment, dict):
        from .github_writeback import _marked

        if _marked(str(comment.get("body") or "")):
            # storylint's own comment was written (or edited above its marker): the issue did
            # not change. With a token whose comments start workflows (a GitHub App's), linting
            # here ran again on every comment storylint wrote: without bot-login, each run
            # posted a new comment, which started the next run, for good
            event.ignore_reason = "a storylint comment changed (the issue did not)"
            return event
    if event_name == "issue_comment" and action == "deleted":
        # a comment is gone, the issue is not; and linting would write again the storylint
        # comment someone may just have deleted on purpose
        event.ignore_reason = "a comment was deleted (the issue did not change)"
        return event
    if action in ("deleted", "transferred"):
        event.ignore_reason = f"issue {action}"
        return event
    try:
        event.story = issue_story(item, repo)
    except (
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
    ) as exc:  # ValidationError, wrong shapes
        raise InputError(
            f"the payload's issue cannot be read: {_first_line(exc)}", source=source
        ) from None
    return event


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


# -- teams -------------------------------------------------------------------------------------
class TeamResolver:
    """Which of the configured ``org/team-slug`` teams an author belongs to.

    ``preload()`` lists each team's members once (batch runs); without it each lookup asks
    GitHub for one membership per team (the Action: one issue, one author). A team the
    token cannot see is reported once on stderr and then treated as empty.
    """

    def __init__(self, gh: Github, call: ApiCaller, teams: Iterable[str]) -> None:
        self.gh = gh
        self.call = call
        self.teams = [t for t in dict.fromkeys(teams) if t.count("/") == 1 and all(t.split("/"))]
        self.members: dict[str, set[str]] | None = None
        self.unavailable: set[str] = set()
        self._cache: dict[str, tuple[str, ...]] = {}

    def preload(self) -> None:
        self.members = {}
        for team in self.teams:
            org, slug = team.split("/")
            logins: set[str] = set()
            try:
                for page in _pages(
                    self.gh, self.call, f"/orgs/{org}/teams/{slug}/members", {"per_page": 100}
                ):
                    logins.update(
                        str(m.get("login", "")).lower() for m in page if isinstance(m, dict)
                    )
            except PermanentConnectorError as exc:
                self._unavailable(team, exc)
            self.members[team] = logins

    def groups_for(self, login: str | None) -> tuple[str, ...]:
        if not login or not self.teams:
            return ()
        key = login.lower()
        if key in self._cache:
            return self._cache[key]
        found: list[str] = []
        for team in self.teams:
            if team in self.unavailable:
                continue
            if self.members is not None:
                if key in self.members.get(team, set()):
                    found.append(team)
                continue
            org, slug = team.split("/")
            path = f"/orgs/{org}/teams/{slug}/memberships/{login}"
            try:
                _, data = self.call(
                    f"GET {path}",
                    functools.partial(self.gh.requester.requestJsonAndCheck, "GET", path),
                )
            except PermanentConnectorError as exc:
                if "HTTP 404" in exc.message:  # not a member (or a team this token cannot see)
                    continue
                self._unavailable(team, exc)
                continue
            if isinstance(data, dict) and data.get("state") == "active":
                found.append(team)
        self._cache[key] = tuple(found)
        return self._cache[key]

    def _unavailable(self, team: str, exc: ConnectorError) -> None:
        self.unavailable.add(team)
        log.warning(
            "cannot read team %s (%s): team membership needs a token with read:org; the Action's "
            "GITHUB_TOKEN cannot see teams. Falling back to logins and author_association.",
            team,
            exc.message,
        )

    def apply(self, story: Story) -> Story:
        author = story.author
        if author is None or not self.teams:
            return story
        groups = self.groups_for(author.login)
        if not groups:
            return story
        merged = tuple(dict.fromkeys((*author.groups, *groups)))
        return story.model_copy(update={"author": author.model_copy(update={"groups": merged})})


def _get_array(
    gh: Github, call: ApiCaller, what: str, path: str, query: Any, headers: dict[str, str] | None = None,
    *, not_modified: bool = False,
) -> tuple[dict[str, Any], Any]:
    """One GET of a list endpoint through `call` (its retries): the response headers and the JSON
    array. A body that is no array is `BadPayload` (retried), except the empty body of a 304
    where `not_modified` allows it (then None)."""

    def fetch() -> tuple[dict[str, Any], Any]:
        answer, data = gh.requester.requestJsonAndCheck("GET", path, query, headers)
        if not isinstance(data, list) and not (data is None and not_modified):
            raise BadPayload("expected a JSON array, got " + type(data).__name__)
        return answer, data

    return call(what, fetch)


# -- batch mode -----------------------------------------------------------------------------
def _pages(
    gh: Github,
    call: ApiCaller,
    path: str,
    params: dict[str, Any] | None,
) -> Iterator[list[Any]]:
    """GET ``path`` and every next page named by the ``Link`` header; yields JSON arrays.

    For lists nothing reorders while they are read (team members, an issue's comments).
    The issue list moves under an update, so it is read by ``GitHubConnector.pages``.
    """
    url: str | None = path
    for page in range(1, MAX_PAGES + 1):
        assert url is not None
        query = params if page == 1 else None
        headers, data = _get_array(gh, call, f"GET {_path_only(url)} (page {page})", url, query)
        yield data
        url = _next_link(headers)
        if url is None:
            return
    raise ConnectorError(f"GitHub API GET {path}: more than {MAX_PAGES} pages")


def _next_link(headers: dict[str, Any]) -> str | None:
    """The ``Link`` header's next page, or None on the last page."""
    match = _LINK_NEXT.search(str(headers.get("link", "")))
    return match.group(1) if match else None


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time from the API (naive taken as UTC), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _updated_at(item: Any) -> datetime | None:
    """An issue's ``updated_at``, the list's sort key."""
    return _time(item.get("updated_at")) if isinstance(item, dict) else None


def _last_update(page: list[Any]) -> datetime | None:
    """The latest ``updated_at`` on a page (its last item's, as the list is sorted)."""
    times = [t for t in map(_updated_at, page) if t is not None]
    return max(times) if times else None


def _path_only(url: str) -> str:
    if "://" in url:
        url = "/" + url.split("://", 1)[1].split("/", 1)[-1]
    return url.split("?", 1)[0]


def utc_since(value: str | datetime) -> str:
    """``since`` as GitHub wants it: ISO 8601 in UTC with a Z (naive times are taken as UTC)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise InputError(f"--since {value!r} is not an ISO 8601 date or time") from None
    else:
        when = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubConnector:
    """A repository's issues (not pull requests), as stories, in order of last update.

    With ``probe`` (runs that keep a store), a one-item request sorted by last update comes
    first; its ETag is saved, and the next run sends it back as ``If-None-Match`` (``etag``):
    a 304 answer, which does not count against the rate limit, means no issue changed and
    ends the read. After a read, ``probe_etag`` holds the value to save and
    ``server_time`` the server's clock at the start (the next ``since``).
    """

    def __init__(
        self,
        gh: Github,
        call: ApiCaller,
        repo: str,
        *,
        since: str | None = None,
        state: str = "open",
        etag: str | None = None,
        probe: bool = False,
        teams: TeamResolver | None = None,
    ) -> None:
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise InputError(f"--repo must be OWNER/NAME, not {repo!r}")
        self.gh = gh
        self.call = call
        self.repo = repo
        self.name = f"github:{repo}"
        self.since = since
        self.state = state
        self.etag = etag
        self.use_probe = probe or etag is not None
        self.teams = teams
        self.probe_etag: str | None = None
        self.not_modified = False
        self.server_time: str | None = None
        self.pull_requests = 0
        self._pull_request_numbers: set[Any] = set()  # a page read again counts none twice
        self.items: dict[int, dict[str, Any]] = {}  # number -> raw item, for write-back

    def probe(self) -> bool:
        """True when nothing changed since the saved ETag (a 304, free of quota)."""
        path = f"/repos/{self.repo}/issues"
        params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 1}
        extra = {"If-None-Match": self.etag} if self.etag else {}
        headers, data = _get_array(self.gh, self.call, f"GET {path} (conditional probe)", path, params, extra,
                                   not_modified=True)  # fmt: skip
        self._note_time(headers)
        self.probe_etag = headers.get("etag") or self.etag
        self.not_modified = data is None and bool(self.etag)  # 304 Not Modified has no body
        return self.not_modified

    def stories(self) -> Iterator[Story | Problem]:
        if self.use_probe and self.probe():
            log.info("%s: no issue changed since the last run (304)", self.repo)
            return
        if self.teams is not None and self.teams.teams:
            self.teams.preload()
        for page in self.pages():
            for item in page:
                if not isinstance(item, dict):
                    yield Problem(self.name, "an item of the issues list is not an object")
                    continue
                number = item.get("number")
                if is_pull_request(item):
                    if number not in self._pull_request_numbers:
                        self._pull_request_numbers.add(number)
                        self.pull_requests += 1
                    continue
                if not isinstance(number, int) or number in self.items:
                    continue  # read already: pages overlap, and an updated issue comes again
                self.items[number] = item
                try:
                    story = issue_story(item, self.repo)
                except (
                    ValueError,
                    TypeError,
                    AttributeError,
                    KeyError,
                ) as exc:  # a malformed item costs itself only
                    yield Problem(
                        f"{self.repo}#{number}", f"cannot read the issue: {_first_line(exc)}"
                    )
                    continue
                yield self.teams.apply(story) if self.teams is not None else story

    def pages(self) -> Iterator[list[Any]]:
        """The issue list, oldest update first, every issue at least once; pages may overlap.

        Each comment or label storylint writes, and any edit by anyone while the run reads,
        moves that issue to the end of the list, so the next page by number would start
        further on and skip as many issues. So each page is asked for anew with ``since``
        = the last ``updated_at`` read (GitHub's ``since`` is inclusive, "at or after"): an
        issue updated meanwhile comes again later (the caller skips numbers it has read),
        and one updated after it was passed is in the next run's ``since`` anyway.

        When a whole page shares the cursor's ``updated_at`` (a bulk edit), ``since`` cannot
        move on. Then the pages of that same query are read by number forward until one ends
        later than the cursor (page K), and then K-1 back to 1 again: an issue only ever moves
        to a lower position while others leave the group, so reading backwards cannot pass
        over it, and the group is read at most twice. ``MAX_PAGES`` bounds the requests.
        """
        path = f"/repos/{self.repo}/issues"
        base: dict[str, Any] = {
            "state": self.state,
            "sort": "updated",
            "direction": "asc",
            "per_page": 100,
        }
        requests = 0

        def get(since: datetime | None, page: int) -> tuple[dict[str, Any], list[Any]]:
            nonlocal requests
            requests += 1
            if requests > MAX_PAGES:
                raise ConnectorError(f"GitHub API GET {path}: more than {MAX_PAGES} pages")
            query = dict(base)
            if since is not None:
                # a second early after a page: the issues of its last second that did not fit
                # on it come again whether `since` means "at or after" (GitHub's docs once) or
                # "after" (its docs now); the ones already read are skipped by number
                query["since"] = utc_since(since if since == first else since - timedelta(seconds=1))
            if page > 1:
                query["page"] = page
            headers, data = _get_array(self.gh, self.call, f"GET {path} (page {requests})", path, query)
            if requests == 1:
                self._note_time(headers)
            return headers, data

        def later(when: datetime | None, than: datetime | None) -> bool:
            return when is not None and (than is None or when > than)

        first = cursor = _time(utc_since(self.since)) if self.since else None
        while True:
            headers, page = get(cursor, 1)
            yield page
            more, last = _next_link(headers) is not None, _last_update(page)
            if more and later(last, cursor):
                cursor = last
                continue
            number = 1
            while more and not later(last, cursor):  # the whole page shares the cursor's time
                number += 1
                headers, page = get(cursor, number)
                yield page
                more, last = _next_link(headers) is not None, _last_update(page)
            for back in range(number - 1, 0, -1):
                yield get(cursor, back)[1]
            if not more:
                return
            cursor = last

    def _note_time(self, headers: dict[str, Any]) -> None:
        if self.server_time is None:
            date = headers.get("date")
            when = None
            if date:
                import email.utils

                try:
                    when = email.utils.parsedate_to_datetime(str(date))
                except (TypeError, ValueError):
                    when = None
            self.server_time = utc_since(when or datetime.now(UTC))
