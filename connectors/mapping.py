"""Map tracker records (GitHub issue objects, Jira issue objects) to `Story`.

Shared by the file connector (exported JSON) and the live connectors, so a story looks
the same whether it was read from a file or from the API.
"""

from __future__ import annotations

from typing import Any

from storylint.model import BodyFormat, Story

_BOT_SUFFIX = "[bot]"


def is_pull_request(item: dict[str, Any]) -> bool:
    return "pull_request" in item


def story_from_github_issue(item: dict[str, Any], *, repo: str | None = None, source: str = "github") -> Story:
    """A GitHub REST issue object (list item or webhook `issue`) as a Story."""
    user = item.get("user") or {}
    login = user.get("login")
    if repo is None:
        repo = _repo_from_url(item.get("repository_url") or item.get("url") or "")
    number = item.get("number")
    ref = f"{repo}#{number}" if repo and number is not None else str(item.get("id", number))
    issue_type = item.get("type")
    if isinstance(issue_type, dict):
        issue_type = issue_type.get("name")
    return Story.model_validate(
        {
            "id": str(item.get("id", ref)),
            "key": ref,
            "url": item.get("html_url"),
            "title": item.get("title") or "",
            "body": item.get("body") or "",
            "body_format": BodyFormat.MARKDOWN,
            "author": {
                "id": str(user["id"]) if user.get("id") is not None else None,
                "login": login,
                "name": user.get("name") or login,
                "is_bot": user.get("type") == "Bot" or bool(login and login.endswith(_BOT_SUFFIX)),
                "association": item.get("author_association"),
            },
            "type": issue_type,
            "labels": item.get("labels") or [],
            "project": repo,
            "created": item.get("created_at"),
            "updated": item.get("updated_at"),
            "source": source,
        }
    )


def _repo_from_url(url: str) -> str | None:
    marker = "/repos/"
    if marker not in url:
        return None
    parts = url.split(marker, 1)[1].split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else None


def story_from_jira_issue(issue: dict[str, Any], *, server: str | None = None, source: str = "jira") -> Story:
    """A Jira REST issue object (v2 wiki or v3 ADF description) as a Story."""
    from storylint.formats.adf import adf_to_markdown  # small, pure Python

    fields = issue.get("fields") or {}
    description = fields.get("description")
    if isinstance(description, dict):
        body, body_format = adf_to_markdown(description), BodyFormat.ADF
    else:
        body, body_format = description or "", BodyFormat.JIRA_WIKI
    person = fields.get("reporter") or fields.get("creator") or {}
    key = issue.get("key") or str(issue.get("id"))
    base = server.rstrip("/") if server else _server_from_self(issue.get("self", ""))
    return Story.model_validate(
        {
            "id": str(issue.get("id", key)),
            "key": key,
            "url": f"{base}/browse/{key}" if base else None,
            "title": fields.get("summary") or "",
            "body": body,
            "body_format": body_format,
            "author": {
                "id": person.get("accountId") or person.get("key") or person.get("name"),
                "login": person.get("name") or person.get("accountId"),
                "name": person.get("displayName"),
                "email": person.get("emailAddress"),
            }
            if person
            else None,
            "type": (fields.get("issuetype") or {}).get("name"),
            "labels": fields.get("labels") or [],
            "project": (fields.get("project") or {}).get("key") or key.rsplit("-", 1)[0],
            "created": fields.get("created"),
            "updated": fields.get("updated"),
            "source": source,
        }
    )


def _server_from_self(self_url: str) -> str | None:
    marker = "/rest/api/"
    return self_url.split(marker, 1)[0] if marker in self_url else None
