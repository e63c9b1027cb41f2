"""Which webhook deliveries are worth a lint, decided from the payload alone.

Queued: ``jira:issue_created``, and ``jira:issue_updated`` whose changelog touches the
summary, the description, the issue type or the labels. Everything else is acknowledged
and dropped, in particular storylint's own writes, so that a comment or a label it sets
never triggers another lint: an update made by the account storylint runs as (the
``/myself`` the worker read), or one whose only change is storylint's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from storylint.connectors.jira import ISSUE_KEY, parse_jira_time
from storylint.connectors.jira_writeback import same_account

CREATED = "jira:issue_created"
UPDATED = "jira:issue_updated"
#: changelog fields (``field`` or ``fieldId``) whose change can change the findings
LINTED_FIELDS = frozenset({"summary", "description", "issuetype", "labels"})


class BadEvent(ValueError):
    """A signed JSON body that is not a Jira issue event we can act on (400)."""


@dataclass(frozen=True, slots=True)
class Accepted:
    key: str
    event: str
    #: the issue's ``updated`` in the payload, UTC ISO with milliseconds (None: not sent)
    updated: str | None


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str


def normalise_time(value: Any) -> str | None:
    """A Jira date-time (``2026-12-01T10:00:00.000+0000``) as UTC ISO, comparable as text.

    A time that has no UTC form (``0001-01-01T00:00:00+0100``, ``9999-12-31T23:59-0100``: a
    year outside 1..9999 once in UTC) is the event's fault: `BadEvent`, a 400, not a 500
    that Jira would send again and again."""
    parsed = parse_jira_time(value)
    if parsed is None:
        return None
    try:
        return parsed.astimezone(UTC).isoformat(timespec="milliseconds")
    except OverflowError:
        raise BadEvent(f"issue.fields.updated {str(value)[:40]!r} is out of range") from None


def _field(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    for name in ("fieldId", "field"):
        value = item.get(name)
        if isinstance(value, str) and value:
            return value.lower().replace(" ", "")
    return ""


def _labels(text: Any) -> set[str]:
    return set(text.split()) if isinstance(text, str) else set()


def _only_our_label(items: list[Any], label: str | None) -> bool:
    """Whether every change is to the labels and adds or removes only storylint's label."""
    if label is None or not items:
        return False
    for item in items:
        if _field(item) != "labels":
            return False
        changed = _labels(item.get("fromString")) ^ _labels(item.get("toString"))
        if changed - {label}:
            return False
    return True


def classify(payload: dict[str, Any], *, me: dict[str, Any] | None, cloud: bool | None,
             label: str | None) -> Accepted | Ignored:  # fmt: skip
    """Accepted (queue a lint of the issue) or Ignored (acknowledge, do nothing); BadEvent
    for an issue event without a usable issue key."""
    event = payload.get("webhookEvent")
    if event not in (CREATED, UPDATED):
        return Ignored(f"event {str(event)[:60]!r} is not linted")
    issue = payload.get("issue")
    key = issue.get("key") if isinstance(issue, dict) else None
    if not isinstance(key, str) or not ISSUE_KEY.match(key.strip().upper()):
        raise BadEvent("the event names no Jira issue key (issue.key)")
    key = key.strip().upper()
    if me is not None and cloud is not None and same_account(payload.get("user"), me, cloud=cloud):
        return Ignored("a change made by storylint's own account")
    if event == UPDATED:
        changelog = payload.get("changelog")
        items = changelog.get("items") if isinstance(changelog, dict) else None
        items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        touched = [i for i in items if _field(i) in LINTED_FIELDS]
        if not touched:
            return Ignored("no change to the summary, description, issue type or labels")
        if _only_our_label(touched, label) and len(touched) == len(items):
            return Ignored("only storylint's own label changed")
    fields = issue.get("fields") if isinstance(issue, dict) else None
    updated = normalise_time(fields.get("updated")) if isinstance(fields, dict) else None
    return Accepted(key, str(event), updated)
