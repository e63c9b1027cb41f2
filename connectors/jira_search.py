"""Page through a JQL search on either Jira flavour, one retried call per page.

* Cloud: ``GET /rest/api/3/search/jql`` with ``nextPageToken`` (no ``total``; ``fields``
  defaults to ``id`` only, so we name exactly the fields we read), through the library's
  ``enhanced_search_issues``. The old ``/search`` answers 410 on Cloud.
* Server/Data Center: ``GET /rest/api/2/search`` with ``startAt``/``total`` through
  ``search_issues``.

Pages hold up to 100 issues (the server may send fewer; we follow what it sends), so
10,000 issues take 100 search calls. Loops are bounded: a repeated page token or a page
that does not advance ends the search with an error instead of spinning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storylint.errors import TransientConnectorError

from .jira_http import JiraCaller, MalformedResponse, ensure_json_dict

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

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

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def split_order_by(jql: str) -> tuple[str, str]:
    """`project = X ORDER BY rank` -> ("project = X", "ORDER BY rank"), outside quotes only."""
    in_quote: str | None = None
    for index, char in enumerate(jql):
        if in_quote:
            if char == "\\":
                continue
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
    return f"{text} {order or 'ORDER BY created ASC, key ASC'}".strip()


@dataclass(slots=True)
class SearchStats:
    calls: int = 0
    issues: int = 0


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


def _server_pages(client: JIRA, caller: JiraCaller, jql: str, stats: SearchStats,
                  page_size: int) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    start = 0
    for _ in range(MAX_PAGES):

        def page(start: int = start) -> dict[str, Any]:
            stats.calls += 1
            return _search_page(client.search_issues(
                jql, startAt=start, maxResults=page_size, fields=list(FIELDS), json_result=True
            ))  # fmt: skip

        data = caller.call("search", page)
        issues = [i for i in data["issues"] if isinstance(i, dict)]
        stats.issues += len(issues)
        if issues:
            yield issues
        total = data.get("total")
        start += len(data["issues"])
        if not data["issues"] or not isinstance(total, int) or start >= total:
            return
