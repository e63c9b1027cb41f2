"""Reading stories through the real `jira` client from a fake Jira of either flavour."""

from __future__ import annotations

from fakejira import FakeJira, adf_doc
from jira_helpers import Sleeps, connector_for

from storylint.model import BodyFormat, Story


def _stories(conn) -> list[Story]:
    items = list(conn.stories())
    assert all(isinstance(i, Story) for i in items), items
    return items  # type: ignore[return-value]


def test_flavour_is_detected_from_server_info(fake: FakeJira) -> None:
    conn = connector_for(fake)
    conn.connect()
    assert conn.cloud is fake.cloud


def test_reads_every_page_with_explicit_fields(fake: FakeJira) -> None:
    for n in range(1, 251):
        fake.add_issue(f"PAY-{n}", f"Story {n}", adf_doc("text") if fake.cloud else "text", reporter="u1")
    conn = connector_for(fake)
    stories = _stories(conn)
    assert [s.key for s in stories] == [f"PAY-{n}" for n in range(1, 251)]
    assert conn.stats.calls == fake.calls["search"] == 3
    for params in fake.search_params:
        requested = {f for v in params["fields"] for f in v.split(",")}
        assert {"summary", "description", "reporter", "labels", "issuetype", "updated"} <= requested
        assert params["maxResults"] == ["100"]
    if fake.cloud:
        assert all("/rest/api/3/search/jql" in path for m, path in fake.requests if "search" in path)
        assert "nextPageToken" in fake.search_params[1]
    else:
        assert all("/rest/api/2/search?" in path for m, path in fake.requests if "search" in path)
        # each page after the first starts on the last issue already read (a shift shows)
        assert [p["startAt"] for p in fake.search_params] == [["0"], ["99"], ["198"]]


def test_server_page_smaller_than_asked_is_followed() -> None:
    fake = FakeJira("server", server_page_cap=30).serve()
    try:
        for n in range(1, 71):
            fake.add_issue(f"OPS-{n}", f"S{n}", "x", reporter="u")
        from storylint.connectors.jira import JiraAuth, JiraConnector
        from storylint.connectors.jira_http import RetryPolicy

        with JiraConnector(fake.url, "project = OPS", JiraAuth(pat=fake.pat), policy=RetryPolicy(sleep=Sleeps())) as conn:
            assert len(_stories(conn)) == 70
            assert conn.stats.calls == 3
    finally:
        fake.close()


def test_cloud_adf_and_server_wiki_become_markdown(fake: FakeJira) -> None:
    if fake.cloud:
        description = {
            "version": 1, "type": "doc",
            "content": [
                {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Notes"}]},
                {"type": "codeBlock", "attrs": {"language": "sql"}, "content": [{"type": "text", "text": "ALTER TABLE t;"}]},
                {"type": "paragraph", "content": [{"type": "text", "text": "call "},
                                                  {"type": "text", "text": "users.email", "marks": [{"type": "code"}]}]},
            ],
        }  # fmt: skip
    else:
        description = "h2. Notes\n{code:sql}\nALTER TABLE t;\n{code}\ncall {{users.email}}"
    fake.add_issue("PAY-1", "Export", description, reporter="u1")
    (story,) = _stories(connector_for(fake))
    if fake.cloud:  # ADF is rendered to Markdown
        assert story.body_format is BodyFormat.ADF
        assert "## Notes" in story.body
        assert "```sql\nALTER TABLE t;\n```" in story.body
        assert "`users.email`" in story.body
    else:  # wiki markup is kept as written; the parser reads it (positions in the author's text)
        assert story.body_format is BodyFormat.JIRA_WIKI
        assert story.body == description
    assert story.url == f"{fake.url}/browse/PAY-1"
    assert story.key == "PAY-1" and story.title == "Export" and story.type == "Story"


def test_author_identity_and_groups_cached_per_user(fake: FakeJira) -> None:
    ident = "5b10ac8d82e05b22cc7d4ef5" if fake.cloud else "jsmith"
    fake.add_user(ident, "Jo Smith", "jo@example.com", groups=("product-managers", "jira-users"))
    fake.add_user("dev1", "Dev One", None, groups=("developers",))
    for n in range(1, 6):
        fake.add_issue(f"PAY-{n}", f"S{n}", "x" if not fake.cloud else adf_doc("x"), reporter=ident if n % 2 else "dev1")
    conn = connector_for(fake, fetch_groups=True)
    stories = _stories(conn)
    pm = stories[0].author
    assert pm is not None
    assert pm.id == ident and pm.email == "jo@example.com" and pm.name == "Jo Smith"
    assert pm.groups == ("jira-users", "product-managers")
    assert stories[1].author is not None and stories[1].author.groups == ("developers",)
    assert fake.calls["groups"] == 2  # once per user per run
    if fake.cloud:
        assert any("/rest/api/3/user/groups?accountId=" + ident in p for _, p in fake.requests)
    else:
        assert any("/rest/api/2/user?username=jsmith&expand=groups" in p for _, p in fake.requests)


def test_groups_not_read_unless_asked(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "S", "x", reporter="u1")
    _stories(connector_for(fake))
    assert fake.calls["groups"] == 0


def test_unknown_user_has_no_groups(fake: FakeJira) -> None:
    fake.add_issue("PAY-1", "S", "x", reporter="ghost")
    (story,) = _stories(connector_for(fake, fetch_groups=True))
    assert story.author is not None and story.author.groups == ()


def test_cloud_old_search_endpoint_answers_410(cloud: FakeJira) -> None:
    import requests

    r = requests.get(f"{cloud.url}/rest/api/2/search", auth=(cloud.email, cloud.token), timeout=5)
    assert r.status_code == 410
