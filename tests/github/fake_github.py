"""A small fake of the GitHub REST API on 127.0.0.1, for the real PyGithub client.

It follows the public contract for the endpoints storylint uses: issues (with `Link`
pagination and pull-request items), issue comments (create, edit, delete), issue labels,
`/user`, GraphQL's `viewer`, team members and memberships; label names compared without case, as GitHub does
(one repository label per name in any case); rate-limit headers on every answer; ETag and
`If-None-Match` (304) on lists; GitHub's error bodies (`message`, `documentation_url`,
`errors`). Faults can be queued: any status and body, HTML pages, truncated JSON,
connection resets, slow answers. `on_request` hooks run before each answer, to change the
state while a client reads (someone editing an issue between two page reads).

Tokens: `ghs_action...` behaves like an Action's GITHUB_TOKEN (comments by
`github-actions[bot]`, id 41898282; `GET /user` answers 403 "Resource not accessible by
integration"; no teams); `ghs_app...` like another GitHub App's installation token
(comments by `storylint-app[bot]`, `/user` 403); `v1.` + 40 hex like an installation
token in the format before 2021 (as `ghs_action`); `ghp_...` like a personal token
(comments and `/user` as `storylint-user`). Comments carry `user.login`, `user.type` and
`user.id` as GitHub returns them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlparse

DOCS = "https://docs.github.com/rest"
BOT = "github-actions[bot]"
BOT_ID = 41898282
APP_BOT = "storylint-app[bot]"
APP_BOT_ID = 5001


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(login: str, uid: int, kind: str = "User") -> dict[str, Any]:
    api = "https://api.github.com"
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": f"{api}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{api}/users/{login}/followers",
        "following_url": f"{api}/users/{login}/following{{/other_user}}",
        "gists_url": f"{api}/users/{login}/gists{{/gist_id}}",
        "starred_url": f"{api}/users/{login}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/users/{login}/subscriptions",
        "organizations_url": f"{api}/users/{login}/orgs",
        "repos_url": f"{api}/users/{login}/repos",
        "events_url": f"{api}/users/{login}/events{{/privacy}}",
        "received_events_url": f"{api}/users/{login}/received_events",
        "type": kind,
        "site_admin": False,
    }


def label(repo: str, name: str, lid: int) -> dict[str, Any]:
    return {
        "id": lid,
        "node_id": f"MDU6TGFiZWw{lid}",
        "url": f"https://api.github.com/repos/{repo}/labels/{name}",
        "name": name,
        "color": "d73a4a",
        "default": False,
        "description": None,
    }


def reactions(url: str) -> dict[str, Any]:
    return {"url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0,
            "confused": 0, "heart": 0, "rocket": 0, "eyes": 0}  # fmt: skip


def issue(
    repo: str,
    number: int,
    title: str,
    body: str | None,
    *,
    login: str = "pm-alice",
    uid: int = 1001,
    user_type: str = "User",
    association: str = "MEMBER",
    labels: list[str] | None = None,
    state: str = "open",
    updated: float | None = None,
    pull_request: bool = False,
    issue_type: str | None = None,
) -> dict[str, Any]:
    """A REST issue object with the fields GitHub returns (list item and webhook `issue`)."""
    api = f"https://api.github.com/repos/{repo}/issues/{number}"
    ts = updated if updated is not None else 1_700_000_000.0 + number
    item: dict[str, Any] = {
        "url": api,
        "repository_url": f"https://api.github.com/repos/{repo}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"https://github.com/{repo}/{'pull' if pull_request else 'issues'}/{number}",
        "id": 900_000 + number,
        "node_id": f"I_kwDOFake{number}",
        "number": number,
        "title": title,
        "user": user(login, uid, user_type),
        "labels": [label(repo, n, 5000 + i) for i, n in enumerate(labels or [])],
        "state": state,
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": 0,
        "created_at": iso(ts - 60),
        "updated_at": iso(ts),
        "closed_at": None,
        "author_association": association,
        "active_lock_reason": None,
        "body": body,
        "reactions": reactions(api),
        "timeline_url": f"{api}/timeline",
        "performed_via_github_app": None,
        "state_reason": None,
    }
    if issue_type is not None:
        item["type"] = {"id": 1, "node_id": "IT_kwDOFake", "name": issue_type, "description": None,
                        "color": "blue", "created_at": iso(ts), "updated_at": iso(ts), "is_enabled": True}  # fmt: skip
    if pull_request:
        item["draft"] = False
        item["pull_request"] = {
            "url": f"https://api.github.com/repos/{repo}/pulls/{number}",
            "html_url": f"https://github.com/{repo}/pull/{number}",
            "diff_url": f"https://github.com/{repo}/pull/{number}.diff",
            "patch_url": f"https://github.com/{repo}/pull/{number}.patch",
            "merged_at": None,
        }
    return item


def repository(repo: str, owner_id: int = 2001) -> dict[str, Any]:
    """The webhook `repository` object (fields as in GitHub's example deliveries)."""
    owner, name = repo.split("/")
    api = f"https://api.github.com/repos/{repo}"
    urls = {k: f"{api}/{v}" for k, v in {
        "forks_url": "forks", "keys_url": "keys{/key_id}", "collaborators_url": "collaborators{/collaborator}",
        "teams_url": "teams", "hooks_url": "hooks", "issue_events_url": "issues/events{/number}",
        "events_url": "events", "assignees_url": "assignees{/user}", "branches_url": "branches{/branch}",
        "tags_url": "tags", "blobs_url": "git/blobs{/sha}", "git_tags_url": "git/tags{/sha}",
        "git_refs_url": "git/refs{/sha}", "trees_url": "git/trees{/sha}", "statuses_url": "statuses/{sha}",
        "languages_url": "languages", "stargazers_url": "stargazers", "contributors_url": "contributors",
        "subscribers_url": "subscribers", "subscription_url": "subscription", "commits_url": "commits{/sha}",
        "git_commits_url": "git/commits{/sha}", "comments_url": "comments{/number}",
        "issue_comment_url": "issues/comments{/number}", "contents_url": "contents/{+path}",
        "compare_url": "compare/{base}...{head}", "merges_url": "merges", "archive_url": "{archive_format}{/ref}",
        "downloads_url": "downloads", "issues_url": "issues{/number}", "pulls_url": "pulls{/number}",
        "milestones_url": "milestones{/number}", "notifications_url": "notifications{?since,all,participating}",
        "labels_url": "labels{/name}", "releases_url": "releases{/id}", "deployments_url": "deployments",
    }.items()}  # fmt: skip
    return {
        "id": 186853002, "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=", "name": name, "full_name": repo,
        "private": False, "owner": user(owner, owner_id, "Organization"), "html_url": f"https://github.com/{repo}",
        "description": None, "fork": False, "url": api, **urls,
        "created_at": "2019-05-15T15:19:25Z", "updated_at": "2019-05-15T15:19:27Z", "pushed_at": "2019-05-15T15:20:13Z",
        "git_url": f"git://github.com/{repo}.git", "ssh_url": f"git@github.com:{repo}.git",
        "clone_url": f"https://github.com/{repo}.git", "svn_url": f"https://github.com/{repo}", "homepage": None,
        "size": 0, "stargazers_count": 0, "watchers_count": 0, "language": None, "has_issues": True,
        "has_projects": True, "has_downloads": True, "has_wiki": True, "has_pages": True, "forks_count": 0,
        "mirror_url": None, "archived": False, "disabled": False, "open_issues_count": 1, "license": None,
        "forks": 0, "open_issues": 1, "watchers": 0, "default_branch": "main", "is_template": False, "topics": [],
        "visibility": "public", "web_commit_signoff_required": False, "custom_properties": {},
    }  # fmt: skip


def issues_event(
    action: str, item: dict[str, Any], repo: str, *, changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An `issues` webhook payload: action, issue, (changes), repository, sender, (installation)."""
    payload: dict[str, Any] = {"action": action, "issue": copy.deepcopy(item)}
    if action == "edited":
        payload["changes"] = changes or {}
    payload["repository"] = repository(repo)
    payload["sender"] = copy.deepcopy(item["user"])
    if action == "reopened":
        payload["installation"] = {"id": 1, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ=="}
    return payload


@dataclass
class Fault:
    """One injected failure for the next matching request."""

    status: int = 500
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str | None = None
    path: str | None = None  # substring of the path
    kind: str = "response"  # response | reset | slow
    delay: float = 0.0


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 0


class FakeGitHub:
    """State and behaviour of the fake; `start()` serves it on 127.0.0.1."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens = {
            "ghs_action_token_SECRET123": "action",
            "ghp_personal_token_SECRET456": "personal",
            "ghs_app_token_SECRET789": "app",
            "v1.0123456789abcdef0123456789abcdef01234567": "action",
        }
        self.personal_login = "storylint-user"
        self.issues: dict[str, dict[int, dict[str, Any]]] = {}
        self.comments: dict[int, dict[str, Any]] = {}  # id -> comment (with "_repo", "_number")
        self.teams: dict[str, set[str]] = {}  # "org/slug" -> logins
        #: each repository's labels by case-folded name: GitHub compares label names without
        #: case, so adding `StoryLint` to an issue when `storylint` exists adds `storylint`
        self.repo_labels: dict[str, dict[str, dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.calls: list[Call] = []
        #: called with the fake (lock held) and each request before it is answered
        self.on_request: list[Callable[[FakeGitHub, Call], None]] = []
        self.next_comment_id = 1_254_853_505
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset = int(time.time()) + 3600
        self.clock = 1_750_000_000.0
        self.prefix = ""  # "/api/v3" to behave like GitHub Enterprise Server
        #: GitHub's docs said `since` lists issues updated "at or after" it, and now say "after":
        #: True answers the second way, so a client can be held to both
        self.since_exclusive = False
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- life cycle
    def start(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # -- state helpers
    def add_issue(self, repo: str, item: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.issues.setdefault(repo, {})[item["number"]] = copy.deepcopy(item)
            for lb in item.get("labels") or []:
                self.repo_labels.setdefault(repo, {}).setdefault(lb["name"].casefold(), copy.deepcopy(lb))
        return item

    def create_label(self, repo: str, name: str) -> dict[str, Any]:
        """A repository label someone made in the web UI (`POST /repos/{repo}/labels`)."""
        with self.lock:
            return self._repo_label(repo, name)

    def _repo_label(self, repo: str, name: str) -> dict[str, Any]:
        """The repository's label of this name in any case; made with this spelling if none."""
        labels = self.repo_labels.setdefault(repo, {})
        if name.casefold() not in labels:
            labels[name.casefold()] = label(repo, name, 6000 + len(labels))
        return labels[name.casefold()]

    def add_comment(
        self, repo: str, number: int, body: str, author: dict[str, Any]
    ) -> dict[str, Any]:
        """A comment someone else wrote (a person, another app's bot) on an issue."""
        with self.lock:
            cid = self.next_comment_id
            self.next_comment_id += 1
            now = self._tick()
            self.comments[cid] = {
                "url": f"https://api.github.com/repos/{repo}/issues/comments/{cid}",
                "html_url": f"https://github.com/{repo}/issues/{number}#issuecomment-{cid}",
                "issue_url": f"https://api.github.com/repos/{repo}/issues/{number}",
                "id": cid, "node_id": f"IC_kwDOFake{cid}", "user": copy.deepcopy(author),
                "created_at": now, "updated_at": now, "author_association": "NONE", "body": body,
                "reactions": reactions(f"https://api.github.com/repos/{repo}/issues/comments/{cid}"),
                "performed_via_github_app": None, "_repo": repo, "_number": number,
            }  # fmt: skip
            return self.comments[cid]

    def author_for(self, kind: str) -> dict[str, Any]:
        """Who a comment posted with a token of this kind is written by."""
        if kind == "action":
            return user(BOT, BOT_ID, "Bot")
        if kind == "app":
            return user(APP_BOT, APP_BOT_ID, "Bot")
        return user(self.personal_login, 3001)

    def comments_on(self, repo: str, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["_repo"] == repo and c["_number"] == number]

    def labels_on(self, repo: str, number: int) -> list[str]:
        return [lb["name"] for lb in self.issues[repo][number]["labels"]]

    def fail(self, *faults: Fault) -> None:
        with self.lock:
            self.faults.extend(faults)

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return sum(
            1
            for c in self.calls
            if (method is None or c.method == method) and (path is None or path in c.path)
        )

    def _tick(self) -> str:
        self.clock += 1
        return iso(self.clock)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # -- plumbing
    def _handle(self, method: str) -> None:
        fake = self.fake
        parsed = urlparse(self.path)
        if fake.prefix.endswith("/v3") and parsed.path == fake.prefix[:-3] + "/graphql":
            # GitHub Enterprise Server answers GraphQL beside its REST base: /api/graphql
            parsed = parsed._replace(path="/graphql")
        elif fake.prefix:
            if not parsed.path.startswith(fake.prefix + "/"):
                self._send(404, {"message": "Not Found", "documentation_url": DOCS})
                return
            parsed = parsed._replace(path=parsed.path[len(fake.prefix) :])
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        call = Call(
            method,
            parsed.path,
            parse_qs(parsed.query),
            {k.lower(): v for k, v in self.headers.items()},
        )
        with fake.lock:
            fake.calls.append(call)
            for hook in fake.on_request:
                hook(fake, call)
            fault = next(
                (
                    f
                    for f in fake.faults
                    if (f.method in (None, method)) and (f.path is None or f.path in parsed.path)
                ),
                None,
            )
            if fault is not None:
                fake.faults.remove(fault)
        if fault is not None:
            if fault.kind == "reset":
                call.status = -1
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault.kind == "slow":
                time.sleep(fault.delay)
            else:
                call.status = fault.status
                self._send(
                    fault.status,
                    fault.body if fault.body is not None else b"",
                    fault.headers,
                    raw_body=True,
                )
                return
        auth = self.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        kind = fake.tokens.get(token) if token else "anonymous"
        if kind is None:
            call.status = 401
            self._error(401, "Bad credentials")
            return
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            call.status = 400
            self._error(400, "Problems parsing JSON")
            return
        with fake.lock:
            status, body, headers = self._route(
                method, parsed.path, parse_qs(parsed.query), data, kind, call
            )
        call.status = status
        self._send(status, body, headers)

    def _graphql(self, data: Any, kind: str) -> tuple[int, Any, dict[str, str]]:
        """Only the `viewer` query: the token's own account, which GitHub names for an
        installation token too (its bot, `APP-SLUG[bot]`); an error in the body with 200
        for any other query, as GitHub answers one it cannot run."""
        if kind == "anonymous":
            return 401, {"message": "This endpoint requires you to be authenticated.", "documentation_url": DOCS}, {}
        query = (data or {}).get("query") if isinstance(data, dict) else None
        if not isinstance(query, str) or not re.fullmatch(r"\s*(?:query\s*)?\{\s*viewer\s*\{\s*login\s+databaseId\s*\}\s*\}\s*", query):
            return 200, {"errors": [{"message": "the fake answers only { viewer { login databaseId } }"}]}, {}
        login, uid = {"action": (BOT, BOT_ID), "app": (APP_BOT, APP_BOT_ID)}.get(kind, (self.fake.personal_login, 3001))
        return 200, {"data": {"viewer": {"login": login, "databaseId": uid}}}, {}

    def _send(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        *,
        raw_body: bool = False,
    ) -> None:
        fake = self.fake
        if raw_body:
            payload = body if isinstance(body, bytes) else str(body).encode()
        elif status in (204, 304) or body is None:
            payload = b""
        else:
            payload = json.dumps(body).encode()
        self.send_response(status)
        sent = {k.lower() for k in (headers or {})}
        if "content-type" not in sent and payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        if status != 304:
            fake.rate_remaining = max(fake.rate_remaining - 1, 0)
        defaults = {
            "x-ratelimit-limit": str(fake.rate_limit),
            "x-ratelimit-remaining": str(fake.rate_remaining),
            "x-ratelimit-reset": str(fake.rate_reset),
            "x-ratelimit-used": str(fake.rate_limit - fake.rate_remaining),
            "x-ratelimit-resource": "core",
            "x-github-media-type": "github.v3; format=json",
            "date": self.date_time_string(),
        }
        for k, v in defaults.items():
            if k not in sent:
                self.send_header(k, v)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, message: str, **extra: Any) -> None:
        self._send(status, {"message": message, **extra, "documentation_url": DOCS})

    # -- the API
    def _route(
        self, method: str, path: str, query: dict[str, list[str]], data: Any, kind: str, call: Call
    ) -> tuple[int, Any, dict[str, str]]:
        fake = self.fake
        path = unquote(path)
        not_found = (404, {"message": "Not Found", "documentation_url": DOCS}, {})
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path):
            repo = m.group(1)
            if method != "GET" or repo not in fake.issues:
                return not_found
            items = list(fake.issues[repo].values())
            state = (query.get("state") or ["open"])[0]
            if state != "all":
                items = [i for i in items if i["state"] == state]
            if since := (query.get("since") or [None])[0]:
                items = [i for i in items if i["updated_at"] > since or (i["updated_at"] == since and not fake.since_exclusive)]
            desc = (query.get("direction") or ["desc"])[0] == "desc"
            key = (
                "updated_at" if (query.get("sort") or ["created"])[0] == "updated" else "created_at"
            )
            items.sort(key=lambda i: (i[key], i["number"]), reverse=desc)
            return self._page(path, query, items, call)
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", path):
            repo, number = m.group(1), int(m.group(2))
            if repo not in fake.issues or number not in fake.issues[repo]:
                return not_found
            if method == "GET":
                items = sorted(fake.comments_on(repo, number), key=lambda c: c["id"])
                return self._page(path, query, [self._public(c) for c in items], call)
            if method == "POST":
                body = (data or {}).get("body")
                if not isinstance(body, str) or not body:
                    return self._invalid("IssueComment", "body", "missing_field")
                if len(body) > 65_536:
                    return self._invalid(
                        "IssueComment",
                        "body",
                        "custom",
                        "body is too long (maximum is 65536 characters)",
                    )
                cid = fake.next_comment_id
                fake.next_comment_id += 1
                author = fake.author_for(kind)
                now = fake._tick()
                comment = {
                    "url": f"https://api.github.com/repos/{repo}/issues/comments/{cid}",
                    "html_url": f"https://github.com/{repo}/issues/{number}#issuecomment-{cid}",
                    "issue_url": f"https://api.github.com/repos/{repo}/issues/{number}",
                    "id": cid, "node_id": f"IC_kwDOFake{cid}", "user": author, "created_at": now, "updated_at": now,
                    "author_association": "NONE" if author["type"] == "Bot" else "MEMBER", "body": body,
                    "reactions": reactions(f"https://api.github.com/repos/{repo}/issues/comments/{cid}"),
                    "performed_via_github_app": None, "_repo": repo, "_number": number,
                }  # fmt: skip
                fake.comments[cid] = comment
                fake.issues[repo][number]["updated_at"] = now
                fake.issues[repo][number]["comments"] += 1
                return 201, self._public(comment), {"Location": comment["url"]}
            return not_found
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", path):
            repo, cid = m.group(1), int(m.group(2))
            comment = fake.comments.get(cid)
            if comment is None or comment["_repo"] != repo:
                return not_found
            if method == "PATCH":
                body = (data or {}).get("body")
                if not isinstance(body, str) or len(body) > 65_536:
                    return self._invalid(
                        "IssueComment",
                        "body",
                        "custom",
                        "body is too long (maximum is 65536 characters)",
                    )
                comment["body"] = body
                comment["updated_at"] = fake._tick()
                return 200, self._public(comment), {}
            if method == "DELETE":
                del fake.comments[cid]
                return 204, None, {}
            if method == "GET":
                return 200, self._public(comment), {}
            return not_found
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/labels(?:/(.+))?", path):
            repo, number, name = m.group(1), int(m.group(2)), m.group(3)
            if repo not in fake.issues or number not in fake.issues[repo]:
                return not_found
            item = fake.issues[repo][number]
            if method == "POST" and name is None:
                names = (data or {}).get("labels")
                if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                    return self._invalid("Label", "labels", "invalid")
                if any(n != n.strip() for n in names):  # GitHub: 422 "invalid" for " kt-ea"
                    return self._invalid("Label", "name", "invalid")
                for n in names:  # the repository's label, whatever case the request spells it in
                    existing = fake._repo_label(repo, n)
                    if existing["name"].casefold() not in [lb["name"].casefold() for lb in item["labels"]]:
                        item["labels"].append(copy.deepcopy(existing))
                item["updated_at"] = fake._tick()
                return 200, item["labels"], {}
            if method == "DELETE" and name is not None:
                if name.casefold() not in [lb["name"].casefold() for lb in item["labels"]]:
                    return 404, {"message": "Label does not exist",
                                 "documentation_url": "https://docs.github.com/rest/reference/issues#remove-a-label-from-an-issue"}, {}  # fmt: skip
                item["labels"] = [lb for lb in item["labels"] if lb["name"].casefold() != name.casefold()]
                item["updated_at"] = fake._tick()
                return 200, item["labels"], {}
            if method == "GET":
                return 200, item["labels"], {}
            return not_found
        if path == "/graphql" and method == "POST":
            return self._graphql(data, kind)
        if path == "/user" and method == "GET":
            if kind in ("action", "app"):  # installation tokens have no user
                return (
                    403,
                    {
                        "message": "Resource not accessible by integration",
                        "documentation_url": DOCS,
                    },
                    {},
                )
            if kind == "anonymous":
                return 401, {"message": "Requires authentication", "documentation_url": DOCS}, {}
            return 200, user(fake.personal_login, 3001), {}
        if m := re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)/(members|memberships/([^/]+))", path):
            team = f"{m.group(1)}/{m.group(2)}"
            if kind != "personal":
                return (
                    403,
                    {
                        "message": "Resource not accessible by integration",
                        "documentation_url": DOCS,
                    },
                    {},
                )
            if team not in fake.teams:
                return not_found
            if m.group(3) == "members":
                members = [
                    user(login, 4000 + i) for i, login in enumerate(sorted(fake.teams[team]))
                ]
                return self._page(path, query, members, call)
            login = m.group(4)
            if login.lower() not in {x.lower() for x in fake.teams[team]}:
                return not_found
            return (
                200,
                {
                    "url": f"https://api.github.com/teams/1/memberships/{login}",
                    "role": "member",
                    "state": "active",
                },
                {},
            )
        return not_found

    def _invalid(
        self, resource: str, fld: str, code: str, message: str | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        error: dict[str, Any] = {"resource": resource, "code": code, "field": fld}
        if message:
            error["message"] = message
        return (
            422,
            {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS},
            {},
        )

    @staticmethod
    def _public(comment: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in comment.items() if not k.startswith("_")}

    def _page(
        self, path: str, query: dict[str, list[str]], items: list[Any], call: Call
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int((query.get("per_page") or ["30"])[0]), 100)
        page = int((query.get("page") or ["1"])[0])
        last = max((len(items) + per_page - 1) // per_page, 1)
        body = items[(page - 1) * per_page : page * per_page]
        encoded = json.dumps(body).encode()
        etag = '"' + hashlib.sha256(encoded).hexdigest() + '"'
        headers = {
            "ETag": etag,
            "Cache-Control": "private, max-age=60, s-maxage=60",
            "Vary": "Accept, Authorization",
        }
        links = []
        flat = {k: v[0] for k, v in query.items() if k != "page"}
        base = f"{self.fake.url}{self.fake.prefix}{path}"
        if page < last:
            links.append(f'<{base}?{urlencode({**flat, "page": page + 1})}>; rel="next"')
            links.append(f'<{base}?{urlencode({**flat, "page": last})}>; rel="last"')
        if page > 1:
            links.append(f'<{base}?{urlencode({**flat, "page": 1})}>; rel="first"')
            links.append(f'<{base}?{urlencode({**flat, "page": page - 1})}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        if call.headers.get("if-none-match") == etag:
            return 304, None, headers
        return 200, body, headers
