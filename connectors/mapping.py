"""Map tracker records (GitHub, GitLab and Jira issue objects, the GitHub CLI's) to `Story`.

Shared by the file connector (exported JSON) and the live connectors, so a story looks
the same whether it was read from a file or from the API.
"""

from __future__ import annotations

from typing import Any

from storylint.lazyre import lazy
from storylint.model import BodyFormat, Story

_BOT_SUFFIX = "[bot]"
#: a GitHub web address of an issue or pull request: (owner/name, "issues" | "pull", number)
_GH_WEB_ITEM = lazy(r"https?://[^/]+/([^/\s]+/[^/\s]+)/(issues|pull)/(\d+)/?$")


class ShapeError(TypeError):
    """A tracker record holds a JSON value of the wrong type where an object or text belongs.

    Exported JSON is user input: a wrong-typed field must name itself and cost one story,
    not surface as an AttributeError from deep inside the mapping. A TypeError, so the live
    connectors' per-item handlers (which catch TypeError) keep costing one item only.
    """

    def __init__(self, field: str, value: Any, expected: str) -> None:
        super().__init__(f"{field}: expected {expected}, got {json_type(value)}")
        self.field = field


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def obj_field(record: dict[str, Any], key: str, where: str = "") -> dict[str, Any]:
    """`record[key]` when it is an object; {} when absent or null; else a ShapeError."""
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ShapeError(f"{where}{key}", value, "an object")
    return value


def _text_field(record: dict[str, Any], key: str, where: str = "") -> str | None:
    """`record[key]` as text (numbers become text); None when absent; else a ShapeError."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ShapeError(f"{where}{key}", value, "a string")


def _person(record: dict[str, Any], login: str | None, is_bot: bool) -> dict[str, Any]:
    """A tracker's user as `Story.author`: the id as text, the login, the name (else the login)."""
    return {
        "id": None if record.get("id") is None else str(record["id"]),
        "login": login,
        "name": record.get("name") or login,
        "is_bot": is_bot,
    }


def is_pull_request(item: dict[str, Any]) -> bool:
    return "pull_request" in item


def story_from_github_issue(item: dict[str, Any], *, repo: str | None = None, source: str = "github") -> Story:
    """A GitHub REST issue object (list item or webhook `issue`) as a Story."""
    user = obj_field(item, "user")
    login = _text_field(user, "login", "user.")
    if repo is None:
        repo = _repo_from_url(_text_field(item, "repository_url") or _text_field(item, "url") or "")
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
                **_person(user, login, user.get("type") == "Bot" or bool(login and login.endswith(_BOT_SUFFIX))),
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


def is_gh_cli_issue(item: dict[str, Any]) -> bool:
    """An item of `gh issue list --json number,title,body,url,...`: the GitHub CLI's own shape
    (camelCase fields, `url` the web page, no `id` unless asked for)."""
    url = item.get("url")
    return (
        "number" in item and "title" in item and "user" not in item and isinstance(url, str)
        and _GH_WEB_ITEM.match(url) is not None
    )  # fmt: skip


def is_gh_cli_pull_request(item: dict[str, Any]) -> bool:
    match = _GH_WEB_ITEM.match(str(item.get("url")))
    return match is not None and match.group(2) == "pull"


def story_from_gh_cli_issue(item: dict[str, Any], *, source: str = "github") -> Story:
    """An item of `gh issue list --json ...` (or `gh issue view --json ...`) as a Story."""
    match = _GH_WEB_ITEM.match(str(item.get("url")))
    repo = match.group(1) if match else None
    number = item.get("number")
    key = f"{repo}#{number}" if repo and number is not None else str(number)
    author = obj_field(item, "author")
    login = _text_field(author, "login", "author.")
    return Story.model_validate(
        {
            "id": str(item.get("id") or key),
            "key": key,
            "url": item.get("url"),
            "title": item.get("title") or "",
            "body": item.get("body") or "",
            "body_format": BodyFormat.MARKDOWN,
            "author": _person(author, login, bool(author.get("is_bot"))) if author else None,
            "labels": item.get("labels") or [],
            "project": repo,
            "created": item.get("createdAt"),
            "updated": item.get("updatedAt"),
            "source": source,
        }
    )


def _repo_from_url(url: str) -> str | None:
    marker = "/repos/"
    if marker not in url:
        return None
    parts = url.split(marker, 1)[1].split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else None


def is_gitlab_issue(item: dict[str, Any]) -> bool:
    """A GitLab REST issue (or merge request) object: GitLab names its body `description` and
    numbers items per project (`iid`); read as a plain story it would lose its body."""
    return "iid" in item and "project_id" in item and "title" in item


def is_merge_request(item: dict[str, Any]) -> bool:
    return "source_branch" in item or "merge_status" in item


def story_from_gitlab_issue(item: dict[str, Any], *, source: str = "gitlab") -> Story:
    """A GitLab REST issue object (`GET /projects/:id/issues`) as a Story."""
    iid = item.get("iid")
    project = _gitlab_project(item)
    key = f"{project}#{iid}" if project and iid is not None else str(item.get("id", iid))
    author = obj_field(item, "author")
    login = _text_field(author, "username", "author.")
    description = item.get("description")
    if description is not None and not isinstance(description, str):
        raise ShapeError("description", description, "a string")
    return Story.model_validate(
        {
            "id": str(item.get("id", key)),
            "key": key,
            "url": _text_field(item, "web_url"),
            "title": item.get("title") or "",
            "body": description or "",
            "body_format": BodyFormat.MARKDOWN,
            "author": _person(author, login, bool(author.get("bot"))) if author else None,
            "type": item.get("issue_type") or item.get("type"),
            "labels": item.get("labels") or [],
            "project": project,
            "created": item.get("created_at"),
            "updated": item.get("updated_at"),
            "source": source,
        }
    )


def _gitlab_project(item: dict[str, Any]) -> str | None:
    """The project's path ("group/sub/project"): from `references.full` ("group/project#6"),
    else from `web_url` (".../group/project/-/issues/6"), else the numeric `project_id`."""
    references = item.get("references")
    full = references.get("full") if isinstance(references, dict) else None
    if isinstance(full, str) and "#" in full:
        return full.rsplit("#", 1)[0]
    url = _text_field(item, "web_url")
    if url and "://" in url:
        path = url.split("://", 1)[1].partition("/")[2]
        path = path.split("/-/", 1)[0] if "/-/" in path else path.rsplit("/issues/", 1)[0]
        if path and "/" in path:
            return path
    project_id = item.get("project_id")
    return str(project_id) if project_id is not None else None


def story_from_jira_issue(issue: dict[str, Any], *, server: str | None = None, source: str = "jira") -> Story:
    """A Jira REST issue object (v2 wiki or v3 ADF description) as a Story."""
    from storylint.formats.adf import adf_to_markdown  # small, pure Python

    fields = obj_field(issue, "fields")
    description = fields.get("description")
    if isinstance(description, dict):
        body, body_format = adf_to_markdown(description), BodyFormat.ADF
    else:
        body, body_format = description or "", BodyFormat.JIRA_WIKI
    person = obj_field(fields, "reporter", "fields.") or obj_field(fields, "creator", "fields.")
    key = _text_field(issue, "key") or str(issue.get("id"))
    base = server.rstrip("/") if server else _server_from_self(_text_field(issue, "self") or "")
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
            "type": obj_field(fields, "issuetype", "fields.").get("name"),
            "labels": fields.get("labels") or [],
            "project": obj_field(fields, "project", "fields.").get("key") or key.rsplit("-", 1)[0],
            "created": fields.get("created"),
            "updated": fields.get("updated"),
            "source": source,
        }
    )


def _server_from_self(self_url: str) -> str | None:
    marker = "/rest/api/"
    return self_url.split(marker, 1)[0] if marker in self_url else None
