"""A fake Jira on 127.0.0.1 that follows the public REST contract closely enough for the
real `jira` client: Cloud (REST v3, ``/search/jql`` + ``nextPageToken``, ADF) or
Server/Data Center (REST v2, ``/search`` + ``startAt``/``total``, wiki markup).

Faults are queued per endpoint kind and consumed one per request, so a test can say
"the next two searches answer 429 with Retry-After: 1, then a truncated body".
Used by tests/jira and benchmarks/jira_nightly.py. Loopback only; every loop bounded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

JIRA_TIME = "%Y-%m-%dT%H:%M:%S.000%z"


def jira_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime(JIRA_TIME)


@dataclass
class Fault:
    kind: str  # status | html | truncated | cut | reset | slow | empty | notjson
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0


def status(code: int, body: Any = None, **headers: str) -> Fault:
    return Fault("status", code, {k.replace("_", "-"): v for k, v in headers.items()}, body)


def adf_doc(*paragraphs: str) -> dict[str, Any]:
    return {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs],
    }


@dataclass(frozen=True)
class RawJSON:
    """JSON text sent as is (nesting too deep for json.dumps, as a hostile client could store)."""

    text: str


def deep_adf(depth: int, text: str) -> RawJSON:
    """An ADF document whose paragraph sits `depth` bullet lists deep (4 JSON levels each)."""
    head = '{"type": "bulletList", "content": [{"type": "listItem", "content": [' * depth
    tail = "]}]}" * depth
    para = json.dumps({"type": "paragraph", "content": [{"type": "text", "text": text}]})
    return RawJSON(f'{{"version": 1, "type": "doc", "content": [{head}{para}{tail}]}}')


@dataclass
class FakeUser:
    ident: str  # accountId (Cloud) or name (Server)
    display: str
    email: str | None = None
    groups: tuple[str, ...] = ()


class FakeJira:
    """State and behaviour; `serve()` starts it on a free loopback port."""

    def __init__(self, flavour: str = "cloud", *, email: str = "pm@example.com", token: str = "tok-SECRET-123",
                 pat: str = "pat-SECRET-456", time_zone: str = "Europe/Berlin",
                 server_page_cap: int = 100) -> None:  # fmt: skip
        assert flavour in ("cloud", "server")
        self.flavour = flavour
        self.email, self.token, self.pat = email, token, pat
        self.time_zone = time_zone
        self.server_page_cap = server_page_cap
        self.issues: dict[str, dict[str, Any]] = {}
        self.users: dict[str, FakeUser] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[str, deque[Fault]] = {}
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []
        self.search_params: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        self._next_id = 10000
        self._comment_id = 50000
        #: the account the credentials belong to (what /myself answers)
        self.bot = "bot-1" if flavour == "cloud" else "storylint"
        #: issue keys where the account may not add/edit comments or edit the issue (403)
        self.refuse_writes: set[str] = set()
        #: issue keys whose comment and issue writes fail with 500 on every attempt
        self.broken_writes: set[str] = set()
        #: old key -> new key of moved issues (GET issue/OLD answers the issue under its new key)
        self.moved: dict[str, str] = {}
        #: an administrator may edit anybody's comment; a normal account only its own
        self.admin = False
        self.url = ""
        self._server: ThreadingHTTPServer | None = None
        #: registered webhooks (url, secret): the fake sends what Jira sends on its own writes
        self.webhooks: list[tuple[str, str]] = []
        self._outbox: queue.Queue[tuple[str, str, dict[str, Any]] | None] = queue.Queue()
        self._sender: threading.Thread | None = None
        #: (event, key, HTTP status) of every webhook the fake delivered
        self.delivered: list[tuple[str, str, int]] = []
        #: when each comment was created, per issue key (monotonic clock), for latency figures
        self.comment_times: dict[str, list[float]] = {}
        #: called with the search's number (1, 2, ...) before each search is answered, so a
        #: test can change the issues between two pages as users do during a run
        self.on_search: Callable[[int], None] | None = None

    # -- data ---------------------------------------------------------------------------
    @property
    def cloud(self) -> bool:
        return self.flavour == "cloud"

    def add_user(self, ident: str, display: str, email: str | None = None, groups: tuple[str, ...] = ()) -> FakeUser:
        user = FakeUser(ident, display, email, groups)
        self.users[ident] = user
        return user

    def add_issue(self, key: str, summary: str, description: Any = None, *, reporter: str | None = None,
                  issue_type: str = "Story", labels: tuple[str, ...] = (),
                  updated: datetime | None = None) -> dict[str, Any]:  # fmt: skip
        with self.lock:
            self._next_id += 1
            updated = updated or datetime.now(UTC) - timedelta(days=1)
            issue = {
                "id": str(self._next_id),
                "key": key,
                "summary": summary,
                "description": description,
                "reporter": reporter,
                "type": issue_type,
                "labels": list(labels),
                "created": updated - timedelta(hours=1),
                "updated": updated,
                "status_category": "To Do",
            }
            self.issues[key] = issue
            return issue

    def touch(self, key: str, **changes: Any) -> None:
        with self.lock:
            issue = self.issues[key]
            issue.update(changes)
            issue["updated"] = datetime.now(UTC)

    def finish(self, key: str) -> None:
        """Move an issue to a Done status, as a workflow transition does (it is updated)."""
        self.touch(key, status_category="Done")

    def move(self, key: str, new_key: str) -> None:
        """Move an issue to another project (or renumber it), as Jira does: it gets `new_key`,
        keeps its id and comments, and the old key still finds it."""
        with self.lock:
            issue = self.issues.pop(key)
            issue["key"] = new_key
            issue["updated"] = datetime.now(UTC)
            self.issues[new_key] = issue
            if key in self.comments:
                self.comments[new_key] = self.comments.pop(key)
            self.moved[key] = new_key

    def add_comment(self, key: str, body: Any, *, author: str | None) -> dict[str, Any]:
        """A comment written by `author` (None: no author, as for a deleted user)."""
        with self.lock:
            self._comment_id += 1
            api = "3" if self.cloud else "2"
            issue = self.issues[key]
            comment: dict[str, Any] = {
                "self": f"{self.url}/rest/api/{api}/issue/{issue['id']}/comment/{self._comment_id}",
                "id": str(self._comment_id), "body": body, "created": jira_time(datetime.now(UTC)),
                "updated": jira_time(datetime.now(UTC)),
            }  # fmt: skip
            if author is not None:
                comment["author"] = comment["updateAuthor"] = self._person(author)
            self.comments.setdefault(key, []).append(comment)
            return comment

    def fail(self, endpoint: str, *faults: Fault) -> None:
        """Queue faults for an endpoint kind: search, serverInfo, myself, field, groups, comment, issue, any.

        A kind with a method (``comment:POST``, ``issue:PUT``) takes only those requests."""
        with self.lock:
            self.faults.setdefault(endpoint, deque()).extend(faults)

    # -- webhooks (Jira's admin webhooks with a secret: X-Hub-Signature: sha256=<hex>) -----
    def subscribe(self, url: str, secret: str) -> None:
        """Register a webhook: the fake then reports the writes made through its REST API."""
        self.webhooks.append((url, secret))
        if self._sender is None:
            self._sender = threading.Thread(target=self._send_loop, name="fake-jira-webhooks", daemon=True)
            self._sender.start()

    def webhook_payload(self, event: str, key: str, *, user: str | None,
                        items: list[dict[str, Any]] | None = None,
                        type_name: str | None = None) -> dict[str, Any]:  # fmt: skip
        """A webhook body in the shape Jira sends (issue, user, changelog)."""
        issue = self.issues[key]
        payload: dict[str, Any] = {
            "timestamp": int(time.time() * 1000),
            "webhookEvent": event,
            "issue_event_type_name": type_name or ("issue_created" if event == "jira:issue_created" else "issue_generic"),
            "user": self._person(user),
            "issue": self._render(issue, ["*all"]),
        }
        if items is not None:
            payload["changelog"] = {"id": str(int(time.time() * 1000)), "items": items}
        return payload

    @staticmethod
    def change(field: str, old: str | None, new: str | None) -> dict[str, Any]:
        """One changelog item."""
        return {"field": field, "fieldtype": "jira", "fieldId": field, "from": None, "fromString": old,
                "to": None, "toString": new}  # fmt: skip

    @staticmethod
    def sign(secret: str, body: bytes) -> str:
        return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    @staticmethod
    def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
        """One HTTP POST: (status, headers with lower-case names, body), error statuses included."""
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    def deliver(self, url: str, secret: str | None, payload: dict[str, Any], *,
                identifier: str | None = None) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        """Send one webhook now, signed when `secret` is given, as Jira does."""
        body = json.dumps(payload).encode()
        headers = {"X-Atlassian-Webhook-Identifier": identifier or uuid.uuid4().hex, "X-Atlassian-Webhook-Flow": "Primary"}
        if secret is not None:
            headers["X-Hub-Signature"] = self.sign(secret, body)
        return self.post(url, body, headers)

    def _emit(self, event: str, key: str, items: list[dict[str, Any]] | None, type_name: str | None = None) -> None:
        """Queue the webhook for a write the account made (called with the lock held)."""
        if not self.webhooks:
            return
        payload = self.webhook_payload(event, key, user=self.bot, items=items, type_name=type_name)
        for url, secret in self.webhooks:
            self._outbox.put((url, secret, payload))

    def _send_loop(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                self._outbox.task_done()
                return
            url, secret, payload = item
            try:
                code = self.deliver(url, secret, payload)[0]
            except OSError:
                code = 0
            self.delivered.append((payload["webhookEvent"], payload["issue"]["key"], code))
            self._outbox.task_done()

    def drain_webhooks(self, timeout: float = 10.0) -> None:
        """Wait until every queued webhook was delivered (bounded)."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    # -- rendering ----------------------------------------------------------------------
    def _person(self, ident: str | None) -> dict[str, Any] | None:
        if ident is None:
            return None
        user = self.users.get(ident) or FakeUser(ident, ident)
        api = "3" if self.cloud else "2"
        if self.cloud:
            person = {"self": f"{self.url}/rest/api/3/user?accountId={user.ident}", "accountId": user.ident,
                      "displayName": user.display, "active": True, "timeZone": self.time_zone,
                      "accountType": "atlassian"}  # fmt: skip
        else:
            person = {"self": f"{self.url}/rest/api/{api}/user?username={user.ident}", "name": user.ident,
                      "key": user.ident.lower(), "displayName": user.display, "active": True,
                      "timeZone": self.time_zone}  # fmt: skip
        if user.email:
            person["emailAddress"] = user.email
        return person

    def _render(self, issue: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        api = "3" if self.cloud else "2"
        project = issue["key"].rsplit("-", 1)[0]
        every = {
            "summary": issue["summary"],
            "description": issue["description"],
            "reporter": self._person(issue["reporter"]),
            "creator": self._person(issue["reporter"]),
            "issuetype": {"self": f"{self.url}/rest/api/{api}/issuetype/10001", "id": "10001",
                          "name": issue["type"], "subtask": False},
            "labels": list(issue["labels"]),
            "project": {"self": f"{self.url}/rest/api/{api}/project/10000", "id": "10000", "key": project,
                        "name": project.title()},
            "created": jira_time(issue["created"]),
            "updated": jira_time(issue["updated"]),
        }
        wanted = set(every) if ("*all" in fields or "*navigable" in fields) else set(fields)
        out: dict[str, Any] = {
            "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            "id": issue["id"],
            "self": f"{self.url}/rest/api/{api}/issue/{issue['id']}",
            "key": issue["key"],
        }
        selected = {k: v for k, v in every.items() if k in wanted}
        if selected or not self.cloud:
            out["fields"] = selected
        return out

    def _matching(self, jql: str) -> list[dict[str, Any]]:
        since = None
        m = re.search(r'updated\s*>=\s*"(\d{4}/\d{2}/\d{2} \d{2}:\d{2})"', jql)
        if m:
            local = datetime.strptime(m.group(1), "%Y/%m/%d %H:%M").replace(tzinfo=ZoneInfo(self.time_zone))
            since = local.astimezone(UTC)
        issues = [i for i in self.issues.values() if since is None or i["updated"] >= since]
        if re.search(r"statusCategory\s*!=\s*Done\b", jql, re.IGNORECASE):
            issues = [i for i in issues if i["status_category"] != "Done"]
        order = re.search(r"order\s+by\s+(\w+)", jql, re.IGNORECASE)
        by = order.group(1).lower() if order else "created"
        if by in ("created", "updated"):
            issues.sort(key=lambda i: (i[by], int(i["id"])))
        else:  # key / id / rank: creation order
            issues.sort(key=lambda i: int(i["id"]))
        return issues

    # -- serving ------------------------------------------------------------------------
    def serve(self) -> FakeJira:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-jira", daemon=True).start()
        return self

    def close(self) -> None:
        if self._sender is not None:
            self._outbox.put(None)
            self._sender.join(timeout=10)
            self._sender = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if self.cloud:
            expected = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        else:
            expected = f"Bearer {self.pat}"
        return header == expected

    def _kind(self, path: str, method: str) -> str:
        if path.endswith("/serverInfo"):
            return "serverInfo"
        if path.endswith("/myself"):
            return "myself"
        if path.endswith("/field"):
            return "field"
        if path.endswith(("/search", "/search/jql")):
            return "search"
        if path.endswith(("/user/groups", "/user")):
            return "groups"
        if "/comment" in path:
            return "comment"
        if "/issue/" in path:
            return "issue"
        return "other"

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(h.path)
        path, query = parsed.path, parse_qs(parsed.query)
        length = int(h.headers.get("Content-Length") or 0)
        raw_body = h.rfile.read(length) if length else b""
        kind = self._kind(path, method)
        with self.lock:
            self.calls[kind] += 1
            self.requests.append((method, h.path))
            if kind == "search":
                self.search_params.append(query)
            fault = None
            for name in (f"{kind}:{method}", kind, "any"):
                queue = self.faults.get(name)
                if queue:
                    fault = queue.popleft()
                    break
            searches = self.calls["search"]
        if kind == "search" and self.on_search is not None:
            self.on_search(searches)
        if fault is not None and self._inject(h, fault):
            return
        if not self._authorised(h):
            self._json(h, 401, {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."], "errors": {}})
            return
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            self._json(h, 400, {"errorMessages": ["Unexpected character in request body"], "errors": {}})
            return
        with self.lock:
            code, payload = self._route(method, path, query, body)
        self._json(h, code, payload)

    def _inject(self, h: BaseHTTPRequestHandler, fault: Fault) -> bool:
        """Answer with the fault; False means 'answer normally after it' (slow)."""
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        if fault.kind == "status":
            self._json(h, fault.status, fault.body if fault.body is not None else {"errorMessages": [f"fault {fault.status}"], "errors": {}}, fault.headers)
            return True
        if fault.kind == "html":
            page = b"<!DOCTYPE html><html><head><title>Atlassian</title></head><body><h1>Something went wrong</h1></body></html>"
            self._raw(h, fault.status, page, "text/html;charset=UTF-8")
            return True
        if fault.kind == "empty":
            self._raw(h, 200, b"", "application/json")
            return True
        if fault.kind == "notjson":
            self._raw(h, 200, b'{"issues": [ {"key": "X-1", "fields": ', "application/json")
            return True
        if fault.kind == "truncated":  # promise more bytes than sent, then hang up
            data = b'{"issues": [{"id": "1", "key": "X-1", "fields": {"summary": "cut'
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data) + 500))
            h.end_headers()
            h.wfile.write(data)
            h.wfile.flush()
            h.close_connection = True
            _hang_up(h)
            return True
        if fault.kind == "reset":
            h.close_connection = True
            _hang_up(h)
            return True
        raise AssertionError(f"unknown fault {fault.kind}")

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        m = re.match(r"^/rest/api/(2|3|latest)/(.*)$", path)
        if not m:
            return 404, {"errorMessages": ["Not found"], "errors": {}}
        api, rest = m.group(1), m.group(2)
        if api == "3" and not self.cloud:
            return 404, {"errorMessages": ["null for uri: " + path], "errors": {}}
        now = datetime.now(UTC)
        if rest == "serverInfo":
            info = {
                "baseUrl": self.url, "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.4",
                "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 4],
                "deploymentType": "Cloud" if self.cloud else "Server", "buildNumber": 100276 if self.cloud else 9120004,
                "buildDate": "2025-01-01T00:00:00.000+0000", "serverTime": jira_time(now),
                "scmInfo": "abc", "serverTitle": "Fake Jira",
            }  # fmt: skip
            return 200, info
        if rest == "myself":
            me = self._person(self.bot) or {}
            me.update({"displayName": "Storylint Bot", "locale": "en_US"})
            return 200, me
        if rest == "field":
            names = ["summary", "description", "reporter", "creator", "issuetype", "labels", "project", "created", "updated"]
            return 200, [{"id": n, "key": n, "name": n.title(), "custom": False, "clauseNames": [n]} for n in names]
        if rest == "search/jql":
            if not self.cloud:
                return 404, {"errorMessages": ["null for uri: " + path], "errors": {}}
            return self._search_cloud(query)
        if rest == "search":
            if self.cloud:
                return 410, {"errorMessages": ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."], "errors": {}}
            return self._search_server(query)
        if rest == "user/groups" and self.cloud:
            user = self.users.get((query.get("accountId") or [""])[0])
            if user is None:
                return 404, {"errorMessages": ["User does not exist"], "errors": {}}
            return 200, [{"name": g, "groupId": f"g-{g}", "self": f"{self.url}/rest/api/3/group?groupId=g-{g}"} for g in user.groups]
        if rest == "user" and not self.cloud:
            user = self.users.get((query.get("username") or [""])[0])
            if user is None:
                return 404, {"errorMessages": ["The user named '?' does not exist"], "errors": {}}
            expand = "groups" in (query.get("expand") or [""])[0]
            data: dict[str, Any] = {"name": user.ident, "key": user.ident.lower(), "displayName": user.display}
            if expand:
                data["groups"] = {"size": len(user.groups), "items": [{"name": g} for g in user.groups]}
            return 200, data
        cm = re.match(r"^issue/([^/]+)/comment(?:/(\d+))?$", rest)
        if cm:
            return self._comment(method, cm.group(1), cm.group(2), query, body)
        im = re.match(r"^issue/([^/]+)$", rest)
        if im and method == "GET":
            issue = self._issue(im.group(1))
            if issue is None:
                return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
            fields: list[str] = []
            for value in query.get("fields") or ["*all"]:
                fields.extend(value.split(","))
            rendered = self._render(issue, fields)
            rendered.setdefault("fields", {})  # GET issue always has `fields`, even on Cloud
            return 200, rendered
        if im and method == "PUT":
            issue = self._issue(im.group(1))
            if issue is None:
                return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
            if issue["key"] in self.refuse_writes:
                return 403, {"errorMessages": ["You do not have permission to edit issues in this project."], "errors": {}}
            if issue["key"] in self.broken_writes:
                return 500, {"errorMessages": ["Internal server error"], "errors": {}}
            old_labels = " ".join(issue["labels"])
            for op in ((body or {}).get("update") or {}).get("labels") or []:
                for verb, label in op.items():
                    if " " in label:
                        return 400, {"errorMessages": [], "errors": {"labels": "The label 'x y' contains spaces which is invalid."}}
                    if verb == "add" and label not in issue["labels"]:
                        issue["labels"].append(label)
                    if verb == "remove" and label in issue["labels"]:
                        issue["labels"].remove(label)
            issue["updated"] = datetime.now(UTC)
            if " ".join(issue["labels"]) != old_labels:
                self._emit("jira:issue_updated", issue["key"], [self.change("labels", old_labels, " ".join(issue["labels"]))])
            return 204, None
        return 404, {"errorMessages": [f"no fake route for {method} {path}"], "errors": {}}

    def _issue(self, ref: str) -> dict[str, Any] | None:
        """By key or id; else, as Jira Cloud's GET issue/{issueIdOrKey} does, a case-insensitive
        key and the keys of moved issues: the answer carries the key of the issue found
        (no redirect)."""
        found = self.issues.get(ref) or next((i for i in self.issues.values() if i["id"] == ref), None)
        if found is None:
            found = next((i for k, i in self.issues.items() if k.upper() == ref.upper()), None)
        for _ in range(len(self.moved)):  # an issue moved twice: follow the chain, bounded
            if found is not None or ref not in self.moved:
                break
            ref = self.moved[ref]
            found = self.issues.get(ref)
        return found

    def _search_cloud(self, q: dict[str, list[str]]) -> tuple[int, Any]:
        jql = (q.get("jql") or [""])[0]
        fields: list[str] = []
        for value in q.get("fields") or ["id"]:
            fields.extend(value.split(","))
        size = min(int((q.get("maxResults") or ["50"])[0]), 5000 if fields == ["id"] else 100)
        start = int(base64.urlsafe_b64decode((q.get("nextPageToken") or ["MA=="])[0]).decode())
        issues = self._matching(jql)
        page = issues[start : start + size]
        payload: dict[str, Any] = {"issues": [self._render(i, fields) for i in page]}
        if start + size < len(issues):
            payload["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            payload["isLast"] = False
        else:
            payload["isLast"] = True
        return 200, payload

    def _search_server(self, q: dict[str, list[str]]) -> tuple[int, Any]:
        jql = (q.get("jql") or [""])[0]
        fields: list[str] = []
        for value in q.get("fields") or ["*navigable"]:
            fields.extend(value.split(","))
        size = min(int((q.get("maxResults") or ["50"])[0]), self.server_page_cap)
        start = int((q.get("startAt") or ["0"])[0])
        issues = self._matching(jql)
        page = issues[start : start + size]
        return 200, {"expand": "schema,names", "startAt": start, "maxResults": size, "total": len(issues),
                     "issues": [self._render(i, fields) for i in page]}  # fmt: skip

    def _comment(self, method: str, key: str, cid: str | None, q: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        issue = self._issue(key)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
        comments = self.comments.setdefault(issue["key"], [])
        api = "3" if self.cloud else "2"
        if method == "GET" and cid is None:
            start = int((q.get("startAt") or ["0"])[0])
            size = min(int((q.get("maxResults") or ["50"])[0]), 100)
            return 200, {"startAt": start, "maxResults": size, "total": len(comments), "comments": comments[start : start + size]}
        if not isinstance(body, dict) or "body" not in body:
            return 400, {"errorMessages": ["Comment body can not be empty!"], "errors": {}}
        if self.cloud and not isinstance(body["body"], dict):
            return 400, {"errorMessages": [], "errors": {"comment": "Comment body is not valid!"}}
        if not self.cloud and not isinstance(body["body"], str):
            return 400, {"errorMessages": ["Can not deserialize instance of java.lang.String out of START_OBJECT token"], "errors": {}}
        if issue["key"] in self.refuse_writes:
            return 403, {"errorMessages": ["You do not have the permission to comment on this issue."], "errors": {}}
        if issue["key"] in self.broken_writes:
            return 500, {"errorMessages": ["Internal server error"], "errors": {}}
        if method == "POST" and cid is None:
            self._comment_id += 1
            me = self._person(self.bot)
            comment = {"self": f"{self.url}/rest/api/{api}/issue/{issue['id']}/comment/{self._comment_id}",
                       "id": str(self._comment_id), "author": me, "updateAuthor": me, "body": body["body"],
                       "created": jira_time(datetime.now(UTC)), "updated": jira_time(datetime.now(UTC))}  # fmt: skip
            comments.append(comment)
            self.comment_times.setdefault(issue["key"], []).append(time.monotonic())
            self._emit("jira:issue_updated", issue["key"], None, "issue_commented")
            self._emit("comment_created", issue["key"], None)
            return 201, comment
        if method == "PUT" and cid is not None:
            for comment in comments:
                if comment["id"] == cid:
                    author = comment.get("author") or {}
                    ident = author.get("accountId") if self.cloud else author.get("name")
                    if ident != self.bot and not self.admin:
                        return 403, {"errorMessages": ["You do not have the permission to edit this comment."], "errors": {}}
                    comment["updateAuthor"] = self._person(self.bot)
                    comment["body"] = body["body"]
                    comment["updated"] = jira_time(datetime.now(UTC))
                    self._emit("jira:issue_updated", issue["key"], None, "issue_comment_edited")
                    self._emit("comment_updated", issue["key"], None)
                    return 200, comment
            return 404, {"errorMessages": ["Can not find a comment for the id: " + cid], "errors": {}}
        return 405, {"errorMessages": ["Method not allowed"], "errors": {}}

    def _json(self, h: BaseHTTPRequestHandler, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        raws: dict[str, str] = {}

        def raw(value: Any) -> str:
            if not isinstance(value, RawJSON):
                raise TypeError(type(value).__name__)
            raws[f"@raw{len(raws)}@"] = value.text
            return f"@raw{len(raws) - 1}@"

        text = "" if payload is None else json.dumps(payload, default=raw)
        for name, value in raws.items():
            text = text.replace(f'"{name}"', value)
        data = text.encode()
        self._raw(h, code, data, "application/json;charset=UTF-8", headers)

    def _raw(self, h: BaseHTTPRequestHandler, code: int, data: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        try:
            h.send_response(code)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _hang_up(h: BaseHTTPRequestHandler) -> None:
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
