"""Page through a JQL search on either Jira flavour, one retried call per page.

* Cloud: ``GET /rest/api/3/search/jql`` with ``nextPageToken`` (no ``total``; ``fields``
  defaults to ``id`` only, so we name exactly the fields we read), through the library's
  ``enhanced_search_issues``. The old ``/search`` answers 410 on Cloud.
* Server/Data Center: ``GET /rest/api/2/search`` with ``startAt``/``total`` through
  ``search_issues``. ``startAt`` is a position in the result list *as it is now*: an issue
  that leaves the query between two pages (done, retyped, moved) shifts every later issue
  one place up, and a plain ``startAt += len(page)`` would skip the issue that slid across
  the page edge. So each page after the first starts one issue early, on the last issue
  already read: if that issue is not the first one returned, issues left ahead of it, and
  the page is asked again further back until it starts on an issue already read (at worst
  from 0). Issues are de-duplicated by id (a joiner, or the step back, repeats some).

Pages hold up to 100 issues (the server may send fewer; we follow what it sends), so
10,000 issues take 100 search calls on Cloud and 101 on Server/Data Center (the one-issue
overlap). Loops are bounded: a repeated page token, a page that does not advance or more
than ``MAX_PAGES`` calls end the search with an error instead of spinning.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storylint.errors import TransientConnectorError

from .jira_http import JiraCaller, MalformedResponse, ensure_json_dict

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

log = logging.getLogger("storylint.jira")

PAGE_SIZE = 100
#: every field the mapping and the role boundary read
FIELDS: tuple[str, ...] = (
    "summary",
    "description",
    "reporter",
    "creator",
    "issuetype",
    "labels",
    "project",
    "created",
    "updated",
)
MAX_PAGES = 100_000

#: the order used when the JQL has none: one no edit changes (`created` never changes and
#: `key` breaks ties), so an issue read keeps its place before the ones not read yet
DEFAULT_ORDER = "ORDER BY created ASC, key ASC"

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def split_order_by(jql: str) -> tuple[str, str]:
    """`project = X ORDER BY rank` -> ("project = X", "ORDER BY rank"), outside quotes only.

    A backslash escapes the next character in JQL, in quotes and out (`"say \\"order by\\""`),
    so that character neither ends nor starts a quoted string: else an `ORDER BY` inside
    one is taken for the real one and the windowed JQL comes out malformed.
    """
    in_quote: str | None = None
    escaped = False
    for index, char in enumerate(jql):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_quote:
            if char == in_quote:
                in_quote = None
        elif char in "\"'":
            in_quote = char
        elif char in "oO" and _ORDER_BY.match(jql, index) and (index == 0 or not jql[index - 1].isalnum()):
            return jql[:index].strip(), jql[index:].strip()
    return jql.strip(), ""


def windowed_jql(jql: str, since: str | None) -> str:
    """Add `updated >= "yyyy/MM/dd HH:mm"` to the user's JQL, keeping its ORDER BY (else a stable one)."""
    where, order = split_order_by(jql)
    clauses = []
    if where:
        clauses.append(f"({where})")
    if since:
        clauses.append(f'updated >= "{since}"')
    text = " AND ".join(clauses)
    # An order that an edit during the run cannot change: with startAt paging, ordering by
    # `updated` would move an edited issue to the end and shift the next one past a page edge.
    return f"{text} {order or DEFAULT_ORDER}".strip()


@dataclass(slots=True)
class SearchStats:
    calls: int = 0
    issues: int = 0
    #: Server/DC: pages asked again further back because issues left the query ahead of them
    rewinds: int = 0
    #: Server/DC: pages that could not be checked for a shift (the server sent one issue a
    #: page, so there was no overlap): an issue may have been skipped, the sync point must hold
    unverified: int = 0


def search_pages(client: JIRA, caller: JiraCaller, jql: str, *, cloud: bool,
                 stats: SearchStats, page_size: int = PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    """Yield each page's raw issue objects (``issue.raw`` form)."""
    if cloud:
        yield from _cloud_pages(client, caller, jql, stats, page_size)
    else:
        yield from _server_pages(client, caller, jql, stats, page_size)


def _search_page(data: Any) -> dict[str, Any]:
    """A search answer with an `issues` list, or MalformedResponse (which is retried)."""
    page = ensure_json_dict(data, needs=("issues",))
    if not isinstance(page["issues"], list):
        raise MalformedResponse("issues is not a list")
    return page


def _cloud_pages(client: JIRA, caller: JiraCaller, jql: str, stats: SearchStats,
                 page_size: int) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    token: str | None = None
    seen_tokens: set[str] = set()
    for _ in range(MAX_PAGES):

        def page(token: str | None = token) -> dict[str, Any]:
            stats.calls += 1
            return _search_page(client.enhanced_search_issues(
                jql, nextPageToken=token, maxResults=page_size, fields=list(FIELDS), json_result=True
            ))  # fmt: skip

        data = caller.call("search", page)
        issues = [i for i in data["issues"] if isinstance(i, dict)]
        stats.issues += len(issues)
        yield issues
        token = data.get("nextPageToken")
        if not token or data.get("isLast") is True:
            return
        if token in seen_tokens:
            raise TransientConnectorError(f"Jira at {caller.server} repeated a page token; search stopped")
        seen_tokens.add(token)
    raise TransientConnectorError(f"Jira at {caller.server}: the search did not end within {MAX_PAGES} pages")


def _identity(issue: dict[str, Any]) -> str:
    """What tells two search hits apart: the id (a moved issue keeps it, its key changes)."""
    ident = issue.get("id") or issue.get("key")
    return str(ident) if ident else json.dumps(issue, sort_keys=True, default=str)


def _updated(issue: dict[str, Any]) -> Any:
    fields = issue.get("fields")
    return fields.get("updated") if isinstance(fields, dict) else None


def _anchors(issue: dict[str, Any], seen: dict[str, Any], stable: bool) -> bool:
    """Whether `issue`, first on a page, proves that no issue not yet read is before it."""
    ident = _identity(issue)
    return ident in seen and (stable or seen[ident] == _updated(issue))


def _server_pages(client: JIRA, caller: JiraCaller, jql: str, stats: SearchStats,
                  page_size: int) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    """``startAt`` paging that re-anchors each page on the last issue already read.

    In an order where an issue read keeps its place before the ones not read yet, every
    issue not yet read sits after an issue already read, so a page that starts on one
    cannot have skipped any. The default order is such an order. In an order of the
    user's, an edited issue may have moved (``ORDER BY updated``, our own comment moves
    it), so there only an issue read and not changed since (same ``updated``) anchors a
    page; an issue that moved because it was edited is read by the next run anyway.
    """
    stable = split_order_by(jql)[1] == DEFAULT_ORDER
    seen: dict[str, Any] = {}  # identity -> `updated` when read
    start = 0  # where the next page is asked for
    anchor = 0  # the position of the last issue read, as of the last page taken
    back = 0  # how far before the anchor this attempt starts (0: on it)
    anchored = False  # whether the page asked for must start on an issue already read
    for _ in range(MAX_PAGES):

        def page(start: int = start) -> dict[str, Any]:
            stats.calls += 1
            return _search_page(client.search_issues(
                jql, startAt=start, maxResults=page_size, fields=list(FIELDS), json_result=True
            ))  # fmt: skip

        data = caller.call("search", page)
        raw = data["issues"]
        issues = [i for i in raw if isinstance(i, dict)]
        if anchored and start > 0 and not (issues and _anchors(issues[0], seen, stable)):
            # Issues left the query ahead of this page, so the one we stopped on slid to
            # an earlier position (or left, or moved): ask again from further back, doubling.
            back = max(1, 2 * back)
            start = max(0, anchor - back)
            stats.rewinds += 1
            log.info("issues left the query while it was read: page asked again from %d", start)
            continue
        fresh = [i for i in issues if _identity(i) not in seen]
        seen.update((_identity(i), _updated(i)) for i in issues)
        stats.issues += len(fresh)
        if fresh:
            yield fresh
        total = data.get("total")
        end = start + len(raw)
        if not raw or not isinstance(total, int) or end >= total:
            return
        anchored = len(raw) > 1  # one issue a page leaves no overlap to check a shift against
        anchor = end - 1 if anchored else end  # the next page starts on the last issue of this one
        stats.unverified += not anchored
        start, back = anchor, 0
    raise TransientConnectorError(f"Jira at {caller.server}: the search did not end within {MAX_PAGES} pages")
