"""Jira Cloud and Server/Data Center as a source of stories.

Uses the real `jira` library (3.10.x), created with ``max_retries=0`` (our tenacity layer in
:mod:`.jira_http` is the only one), a request timeout and ``get_server_info=True``, whose
``deploymentType`` picks the flavour: Cloud searches ``/rest/api/3/search/jql`` (ADF
descriptions), Server/Data Center ``/rest/api/2/search`` (wiki markup); see
:mod:`.jira_search`. Each issue becomes a :class:`~storylint.model.Story` through the same
mapping the file connector uses, with the reporter's groups added (cached per user per
run) so the role configuration (``[tool.storylint.roles] groups``) applies.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from storylint.errors import ConfigError, ConnectorError, PermanentConnectorError
from storylint.model import Problem, Story

from .jira_http import (
    DEFAULT_TIMEOUT,
    JiraCaller,
    RetryPolicy,
    ensure_json_dict,
    make_client,
)
from .jira_search import FIELDS, SearchStats, search_pages, windowed_jql
from .mapping import story_from_jira_issue
from .redact import Redactor

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

log = logging.getLogger("storylint.jira")

#: how far before the last sync point the next window starts (clock skew, index lag)
DEFAULT_MARGIN = timedelta(minutes=15)
#: widest UTC offset: the extra overlap when the user's time zone is unknown
_UNKNOWN_TZ_MARGIN = timedelta(hours=14)
#: an issue key as Jira writes it (project key, dash, number); nothing else reaches a URL path
ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-[1-9][0-9]{0,17}$")


def issue_keys(values: Iterable[str]) -> list[str]:
    """The keys upper-cased (Jira's own spelling), each once, in the order given."""
    return list(dict.fromkeys(v.strip().upper() for v in values))


@dataclass(frozen=True, slots=True)
class JiraAuth:
    """Credentials from the environment. `repr` never shows a secret."""

    email: str | None = None
    api_token: str | None = None
    pat: str | None = None

    def __repr__(self) -> str:
        kind = "pat" if self.pat else ("basic" if self.api_token else "none")
        return f"JiraAuth(kind={kind!r}, email={self.email!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JiraAuth:
        env = os.environ if env is None else env
        pat = env.get("JIRA_PAT") or None
        email = env.get("JIRA_EMAIL") or None
        token = env.get("JIRA_API_TOKEN") or None
        if pat:
            return cls(pat=pat)
        if email and token:
            return cls(email=email, api_token=token)
        if token and not email:
            raise ConfigError("JIRA_API_TOKEN is set but JIRA_EMAIL is not", file="environment")
        raise ConfigError(
            "no Jira credentials: set JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Server/Data Center)",
            file="environment",
        )

    @property
    def hint(self) -> str:
        if self.pat:
            return "JIRA_PAT (a personal access token of a user who can browse the projects)"
        return "JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)"


def check_server_url(server: str) -> str:
    parsed = urlparse(server)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"not an http(s) URL: {server!r}", file="--server")
    if parsed.username or parsed.password:
        raise ConfigError("put credentials in JIRA_EMAIL/JIRA_API_TOKEN or JIRA_PAT, not in the URL", file="--server")
    return server.rstrip("/")


def clear_text_warning(server: str) -> str | None:
    """The one-line warning for a server reached without TLS (credentials readable on the wire)."""
    if urlparse(server).scheme == "https":
        return None
    return f"Warning: https is not used for {server}: the Jira credentials are sent in clear text"


def parse_jira_time(value: Any) -> datetime | None:
    """A Jira date-time (with or without fraction, or ISO) as an aware datetime; None if not one."""
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class JiraConnector:
    """Stories matching a JQL query on one Jira server."""

    def __init__(
        self,
        server: str,
        jql: str,
        auth: JiraAuth,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        policy: RetryPolicy | None = None,
        fetch_groups: bool = False,
        page_size: int = 100,
    ) -> None:
        self.server = check_server_url(server)
        self.jql = jql.strip()
        self.auth = auth
        self.timeout = timeout
        # without a query (`--issue` runs, `serve`), the server's event-driven history
        self.name = f"jira:{self.server}|{self.jql}" if self.jql else f"jira:{self.server}"
        redactor = Redactor()
        redactor.add(auth.pat, auth.api_token)
        self.caller = JiraCaller(self.server, policy=policy, redactor=redactor, auth_hint=auth.hint)
        self.fetch_groups = fetch_groups
        self.page_size = page_size
        self.stats = SearchStats()
        self.since: str | None = None  # JQL window start, "yyyy/MM/dd HH:mm" in the user's zone
        self.cloud: bool | None = None
        self._client: JIRA | None = None
        self._groups: dict[str, tuple[str, ...]] = {}
        self.group_calls = 0
        self._myself: dict[str, Any] | None = None
        self._myself_error: str | None = None
        self._myself_read = False

    # -- connection -------------------------------------------------------------------
    @property
    def client(self) -> JIRA:
        if self._client is None:
            self.connect()
        assert self._client is not None
        return self._client

    def connect(self) -> None:
        """Open the client; each connection (each run) reads /myself again, once."""
        self._myself_read = False
        self._myself = self._myself_error = None
        client = make_client(
            self.server, email=self.auth.email, api_token=self.auth.api_token, pat=self.auth.pat,
            timeout=self.timeout, caller=self.caller,
        )  # fmt: skip
        self.cloud = client.deploymentType == "Cloud"
        if self.cloud:
            # search/jql, ADF descriptions and ADF comments live in REST v3 on Cloud
            client._options["rest_api_version"] = "3"
        self._client = client
        log.info("Jira at %s: %s", self.server, "Cloud" if self.cloud else "Server/Data Center")

    def close(self) -> None:
        """Close the HTTP connections (idempotent)."""
        if self._client is not None:
            self._client.close()  # type: ignore[no-untyped-call]
            self._client = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def server_time(self) -> datetime:
        """The server's clock now (the next sync point), else ours."""
        info = self.caller.call("reading server time", self.client.server_info)
        parsed = parse_jira_time(info.get("serverTime") if isinstance(info, dict) else None)
        return (parsed or datetime.now(UTC)).astimezone(UTC)

    def myself(self) -> dict[str, Any] | None:
        """The account we run as (``/myself``), read once per run; None if Jira would not say.

        It gives the time zone of our JQL dates and tells our own comments from the others'.
        """
        if not self._myself_read:
            try:
                me = self.caller.call("reading the user profile (/myself)", self.client.myself)
            except PermanentConnectorError as exc:
                self._myself_error = exc.message
                me = None
            self._myself = me if isinstance(me, dict) else None
            self._myself_read = True
        return self._myself

    @property
    def myself_error(self) -> str | None:
        """Why :meth:`myself` is None (a message safe to print), once it was read."""
        if self._myself_read and self._myself is None:
            return self._myself_error or f"Jira at {self.server} sent no user profile"
        return None

    def user_zone(self) -> ZoneInfo | None:
        """The time zone Jira reads our JQL dates in (the user's profile), if it says."""
        me = self.myself()
        if me is None:
            log.warning("%s; assuming the widest time zone overlap", self.myself_error)
            return None
        name = me.get("timeZone")
        if not isinstance(name, str):
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r in the Jira profile; assuming the widest overlap", name)
            return None

    def set_window(self, sync_point: str | None, margin: timedelta = DEFAULT_MARGIN) -> None:
        """Read only issues updated since `sync_point` (ISO, UTC) minus `margin`."""
        if not sync_point:
            self.since = None
            return
        self.since = window_start(sync_point, self.user_zone(), margin)

    # -- reading ----------------------------------------------------------------------
    @property
    def search_jql(self) -> str:
        return windowed_jql(self.jql, self.since)

    def stories(self) -> Iterator[Story | Problem]:
        client = self.client
        jql = self.search_jql
        log.info("searching %s", jql)
        for page in search_pages(client, self.caller, jql, cloud=bool(self.cloud), stats=self.stats,
                                 page_size=self.page_size):  # fmt: skip
            for raw in page:
                yield self._story(raw)

    def issue_stories(
        self, keys: Iterable[str], *, failures: dict[str, ConnectorError] | None = None,
        found: dict[str, str] | None = None,
    ) -> Iterator[Story | Problem]:
        """Exactly these issues, one retried ``GET issue/{key}`` each with the fields we read.

        An issue that does not exist or cannot be read (after the retries) is one Problem and
        the others are still read; `failures` (when given) gets why, per key, so that a
        caller can tell a transient failure (retry later) from a permanent one. Jira answers a
        moved issue's old key (or a key in the wrong case) with the issue under its current
        key, and the story carries that one; `found` (when given) gets, per key asked for,
        the key Jira answered with.
        """  # fmt: skip
        client = self.client
        for key in keys:
            if not ISSUE_KEY.match(key):
                yield Problem(f"--issue {key[:40]!r}", "not a Jira issue key (e.g. PAY-123)")
                continue

            def read(key: str = key) -> dict[str, Any]:
                self.stats.calls += 1
                data = client._get_json(f"issue/{key}", params={"fields": ",".join(FIELDS)})
                return ensure_json_dict(data, needs=("key",))

            try:
                raw = self.caller.call(f"reading issue {key}", read)
            except ConnectorError as exc:  # this issue only
                if failures is not None:
                    failures[key] = exc
                yield Problem(f"{self.server}/browse/{key}", exc.message)
                continue
            self.stats.issues += 1
            if found is not None:
                found[key] = str(raw.get("key") or key)
            yield self._story(raw)

    def _story(self, raw: dict[str, Any]) -> Story | Problem:
        key = raw.get("key") or raw.get("id") or "?"
        try:
            story = story_from_jira_issue(raw, server=self.server, source=self.name)
        except (ValidationError, TypeError, AttributeError, RecursionError) as exc:  # this issue only
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "unexpected issue shape"
            return Problem(f"{self.server}/browse/{key}", f"cannot read issue: {reason}")
        if self.fetch_groups and story.author is not None:
            fields = raw.get("fields") or {}
            person = fields.get("reporter") or fields.get("creator") or {}
            groups = self.groups_of(person)
            if groups:
                story = story.model_copy(update={"author": story.author.model_copy(update={"groups": groups})})
        return story

    def groups_of(self, person: dict[str, Any]) -> tuple[str, ...]:
        """The user's group names, read once per user per run."""
        if not isinstance(person, dict):
            return ()
        account = person.get("accountId")
        name = person.get("name") or person.get("key")
        ident = account or name
        if not ident:
            return ()
        if ident in self._groups:
            return self._groups[ident]
        groups: tuple[str, ...] = ()
        try:
            if self.cloud and account:
                data = self.caller.call("reading user groups", self._get_json, "user/groups", {"accountId": account})
                if isinstance(data, list):
                    groups = tuple(str(g["name"]) for g in data if isinstance(g, dict) and g.get("name"))
            elif name:
                data = self.caller.call(
                    "reading user groups", self._get_json, "user", {"username": name, "expand": "groups"}
                )
                items = ((data.get("groups") or {}).get("items") or []) if isinstance(data, dict) else []
                groups = tuple(str(g["name"]) for g in items if isinstance(g, dict) and g.get("name"))
        except PermanentConnectorError as exc:
            log.warning("%s; treating the user as in no group", exc.message)
        self._groups[ident] = tuple(sorted(groups))
        return self._groups[ident]

    def _get_json(self, path: str, params: dict[str, Any]) -> Any:
        self.group_calls += 1
        return self.client._get_json(path, params=params)


def window_start(sync_point: str, zone: ZoneInfo | None, margin: timedelta = DEFAULT_MARGIN) -> str:
    """The JQL `updated >=` value: minute precision, in the zone Jira reads it in, overlapped."""
    point = datetime.fromisoformat(sync_point)
    if point.tzinfo is None:
        point = point.replace(tzinfo=UTC)
    start = point - margin
    if zone is None:
        start = start - _UNKNOWN_TZ_MARGIN
        local = start.astimezone(UTC)
    else:
        local = start.astimezone(zone)
    return local.strftime("%Y/%m/%d %H:%M")  # seconds dropped: rounds down, never later
