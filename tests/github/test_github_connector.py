"""The GitHub connector against the fake REST API, through the real PyGithub client."""

from __future__ import annotations

import json

import pytest
from fake_github import Call, FakeGitHub, Fault, iso, issue, issues_event
from github_helpers import ACTION_TOKEN, PERSONAL_TOKEN

from storylint.connectors.github import (
    GitHubConnector,
    NoIssueInEvent,
    TeamResolver,
    read_event,
    strip_empty_form_fields,
    utc_since,
)
from storylint.connectors.github_api import make_client
from storylint.errors import InputError, PermanentConnectorError, TransientConnectorError
from storylint.model import Problem, Story

REPO = "acme/shop"


def _stories(items):
    out = list(items)
    assert not [i for i in out if isinstance(i, Problem)], out
    return [i for i in out if isinstance(i, Story)]


def test_lists_every_page_by_last_update_and_skips_pull_requests(fake, caller):
    for n in range(1, 251):
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "body", pull_request=(n % 10 == 0)))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    conn = GitHubConnector(gh, caller, REPO)
    stories = _stories(conn.stories())
    assert len(stories) == 225 and conn.pull_requests == 25
    assert {s.key for s in stories} == {f"{REPO}#{n}" for n in range(1, 251) if n % 10}
    lists = [c for c in fake.calls if c.path == f"/repos/{REPO}/issues"]
    assert len(lists) == 3  # 250 items, 100 a page; each next page from the last update read
    assert lists[0].query["per_page"] == ["100"] and lists[0].query["state"] == ["open"]
    assert "since" not in lists[0].query and all("page" not in c.query for c in lists)
    # a second before the last update read (see GitHubConnector.pages)
    assert [c.query["since"] for c in lists[1:]] == [[iso(1_700_000_099)], [iso(1_700_000_197)]]
    assert all(c.headers["authorization"] == f"token {PERSONAL_TOKEN}" for c in lists)


@pytest.mark.parametrize("exclusive", [False, True])
def test_issues_of_a_page_edge_second_are_read_whatever_since_means(fake, caller, exclusive):
    # #100-#110 share the second that ends page 1; GitHub's docs said `since` is "at or after",
    # they now say "after": read either way, #101-#110 must not fall between the two pages
    fake.since_exclusive = exclusive
    for n in range(1, 151):
        at = 1_700_000_000 + min(n, 100) if n <= 110 else 1_700_000_000 + n
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "body", updated=at))
    conn = GitHubConnector(make_client(PERSONAL_TOKEN, fake.url), caller, REPO)
    numbers = [int(s.key.rsplit("#", 1)[1]) for s in _stories(conn.stories())]
    assert sorted(numbers) == list(range(1, 151))


def _listing(call: Call) -> bool:
    return call.method == "GET" and call.path == f"/repos/{REPO}/issues"


def _edit_before_listing(fake: FakeGitHub, nth: int, *numbers: int) -> None:
    """Someone edits these issues just before the nth request for the issue list is answered."""

    def hook(fake: FakeGitHub, call: Call) -> None:
        if _listing(call) and sum(map(_listing, fake.calls)) == nth:
            for n in numbers:
                fake.issues[REPO][n]["updated_at"] = fake._tick()

    fake.on_request.append(hook)


def _read_writing_back(fake: FakeGitHub, conn: GitHubConnector) -> list[int]:
    """Read every story, and as write-back does, update each issue right after reading it."""
    numbers: list[int] = []
    for story in conn.stories():
        assert isinstance(story, Story), story
        numbers.append(int(story.key.rsplit("#", 1)[1]))
        with fake.lock:
            fake.issues[REPO][numbers[-1]]["updated_at"] = fake._tick()
    return numbers


def test_an_issue_someone_updates_between_page_reads_skips_none(fake, caller):
    for n in range(1, 251):
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "body"))
    # before page 2: an issue already read (#3) and one not yet read (#150) are edited; with
    # pages by number, #3 moving to the end slid #101 back onto page 1, and it was never read
    _edit_before_listing(fake, 2, 3, 150)
    conn = GitHubConnector(make_client(PERSONAL_TOKEN, fake.url), caller, REPO)
    numbers = [int(s.key.rsplit("#", 1)[1]) for s in _stories(conn.stories())]
    assert sorted(numbers) == list(range(1, 251))  # each once


def test_a_page_sharing_one_updated_at_while_write_back_updates_each_issue(fake, caller):
    # a bulk edit gave #1-#250 one updated_at; #251-#300 came later; every issue read is then
    # updated (a label or comment): pages by number skipped #101-#200
    for n in range(1, 301):
        at = 1_700_000_000 if n <= 250 else 1_700_000_000 + n
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "body", updated=at))
    conn = GitHubConnector(make_client(PERSONAL_TOKEN, fake.url), caller, REPO)
    assert sorted(_read_writing_back(fake, conn)) == list(range(1, 301))  # each once
    asked = [(c.query.get("since"), c.query.get("page")) for c in fake.calls if _listing(c)]
    shared = [iso(1_700_000_000 - 1)]  # a second before the shared time
    # page 1; since= the shared time: pages 1 and 2 (which ends later), page 1 again; then on
    assert asked[:4] == [(None, None), (shared, None), (shared, ["2"]), (shared, None)]
    assert len(asked) == 7


def test_a_page_sharing_one_updated_at_while_someone_edits_one_already_read(fake, caller):
    # since= that time cannot move on, so the same query is read by number: #5 edited before
    # page 3 slides #201 back onto page 2, which is read again, backwards from the last page
    for n in range(1, 251):
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "body", updated=1_700_000_000))
    _edit_before_listing(fake, 3, 5)
    conn = GitHubConnector(
        make_client(PERSONAL_TOKEN, fake.url), caller, REPO, since="2023-11-14T22:13:20Z"
    )
    numbers = [int(s.key.rsplit("#", 1)[1]) for s in _stories(conn.stories())]
    assert sorted(numbers) == list(range(1, 251))
    pages = [c.query.get("page", ["1"])[0] for c in fake.calls if _listing(c)]
    assert pages == ["1", "2", "3", "2", "1"]  # forward to the end of the group, then back


def test_since_is_sent_as_utc(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "Old", "b", updated=1_600_000_000))
    fake.add_issue(REPO, issue(REPO, 2, "New", "b", updated=1_800_000_000))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    stories = _stories(
        GitHubConnector(gh, caller, REPO, since="2025-01-01T02:00:00+02:00").stories()
    )
    assert [s.key for s in stories] == [f"{REPO}#2"]
    assert fake.calls[-1].query["since"] == ["2025-01-01T00:00:00Z"]


@pytest.mark.parametrize(
    ("given", "sent"),
    [("2024-03-01", "2024-03-01T00:00:00Z"), ("2024-03-01T10:00:00-05:00", "2024-03-01T15:00:00Z"),
     ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z")],
)  # fmt: skip
def test_utc_since(given, sent):
    assert utc_since(given) == sent


def test_bad_since_is_an_input_error():
    with pytest.raises(InputError):
        utc_since("last tuesday")


def test_conditional_probe_saves_quota_when_nothing_changed(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    first = GitHubConnector(gh, caller, REPO, probe=True)
    assert len(_stories(first.stories())) == 1 and first.probe_etag
    remaining = fake.rate_remaining
    second = GitHubConnector(gh, caller, REPO, since=first.server_time, etag=first.probe_etag)
    assert _stories(second.stories()) == [] and second.not_modified
    assert (
        fake.calls[-1].status == 304 and fake.calls[-1].headers["if-none-match"] == first.probe_etag
    )
    assert fake.rate_remaining == remaining  # a 304 costs no quota
    fake.issues[REPO][1]["updated_at"] = "2030-01-01T00:00:00Z"
    third = GitHubConnector(gh, caller, REPO, since=first.server_time, etag=first.probe_etag)
    assert [s.key for s in _stories(third.stories())] == [f"{REPO}#1"] and not third.not_modified


def test_issue_form_empty_fields_are_dropped_and_headings_kept():
    body = (
        "### Problem\n\nShoppers lose their cart.\n\n### Acceptance criteria\n\n_No response_\n\n"
        "### Notes\n\n```\n### not a heading\n_No response_\n```\n"
    )
    out = strip_empty_form_fields(body)
    assert "Acceptance criteria" not in out and "_No response_" in out  # the one in code stays
    assert out.startswith("### Problem\n\nShoppers lose their cart.") and "### Notes" in out


def test_event_payload_maps_without_api_calls(tmp_path, fake):
    item = issue(REPO, 7, "Checkout", "### What\n\nPay faster\n\n### Details\n\n_No response_\n", labels=["story"],
                 issue_type="Feature")  # fmt: skip
    path = tmp_path / "event.json"
    path.write_text(json.dumps(issues_event("opened", item, REPO)))
    event = read_event(path)
    assert event.story is not None and event.story.ref == f"{REPO}#7" and event.number == 7
    assert event.story.type == "Feature" and event.labels == {"story"}
    assert "Details" not in event.story.body and event.story.author.login == "pm-alice"
    assert event.story.author.association == "MEMBER"
    assert fake.calls == []


def test_event_pull_request_is_ignored(tmp_path):
    item = issue(REPO, 8, "PR", "body", pull_request=True)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(issues_event("opened", item, REPO)))
    event = read_event(path)
    assert event.story is None and event.ignore_reason == "pull request"


def test_a_deleted_comment_is_not_a_deleted_issue(tmp_path):
    from fake_github import user

    item = issue(REPO, 8, "Carts", "body")
    payload = {**issues_event("opened", item, REPO), "action": "deleted",
               "comment": {"id": 1, "body": "thanks", "user": user("bob", 7)}}  # fmt: skip
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    event = read_event(path, event_name="issue_comment")
    assert event.story is None and event.ignore_reason == "a comment was deleted (the issue did not change)"
    assert read_event(path, event_name="issues").ignore_reason == "issue deleted"


def test_event_bot_author_is_marked(tmp_path):
    item = issue(REPO, 9, "Bump", "body", login="dependabot[bot]", user_type="Bot")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(issues_event("opened", item, REPO)))
    assert read_event(path).story.author.is_bot


@pytest.mark.parametrize(
    ("content", "event_name"),
    [(b'{"action": "opened", "number": 5, "pull_request": {"number": 5}}', None),
     (b'{"inputs": {}, "ref": "refs/heads/main"}', "workflow_dispatch")],
)  # fmt: skip
def test_an_event_without_an_issue_is_no_error(tmp_path, content, event_name):
    path = tmp_path / "event.json"
    path.write_bytes(content)
    with pytest.raises(NoIssueInEvent, match="event names no issue"):
        read_event(path, repo=REPO, event_name=event_name)


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b"[]", b'{"action": "opened"}', b"\xff\xfe"]
)
def test_bad_event_files_are_input_errors(tmp_path, content):
    path = tmp_path / "event.json"
    path.write_bytes(content)
    with pytest.raises(InputError):
        read_event(path)


def test_teams_resolved_with_a_personal_token(fake, caller):
    fake.teams["acme/product"] = {"pm-alice"}
    fake.teams["acme/eng"] = {"dev-bob"}
    gh = make_client(PERSONAL_TOKEN, fake.url)
    resolver = TeamResolver(gh, caller, ["acme/product", "acme/eng"])
    assert resolver.groups_for("pm-alice") == ("acme/product",)
    assert resolver.groups_for("PM-Alice") == ("acme/product",)  # cached, case-insensitive
    assert fake.count("GET", "/memberships/") == 2
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    batch = TeamResolver(gh, caller, ["acme/product"])
    stories = _stories(GitHubConnector(gh, caller, REPO, teams=batch).stories())
    assert stories[0].author.groups == ("acme/product",)


def test_teams_unavailable_with_the_action_token(fake, caller, caplog):
    fake.teams["acme/product"] = {"pm-alice"}
    gh = make_client(ACTION_TOKEN, fake.url)
    resolver = TeamResolver(gh, caller, ["acme/product"])
    assert resolver.groups_for("pm-alice") == ()
    assert "read:org" in caplog.text and "GITHUB_TOKEN cannot see teams" in caplog.text


# -- retries and faults ---------------------------------------------------------------------------
def test_secondary_limit_403_waits_retry_after(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    body = json.dumps({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                       "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}).encode()  # fmt: skip
    fake.fail(Fault(403, body, {"retry-after": "7", "Content-Type": "application/json"}))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    assert len(_stories(GitHubConnector(gh, caller, REPO).stories())) == 1
    assert caller.sleeps == [7.0]  # exactly retry-after; PyGithub did not retry on its own
    assert fake.count("GET", "/issues") == 2


def test_secondary_limit_without_retry_after_waits_a_minute(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    body = json.dumps(
        {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        }
    ).encode()
    fake.fail(Fault(403, body))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    assert len(_stories(GitHubConnector(gh, caller, REPO).stories())) == 1
    assert caller.sleeps == [60.0]


def test_primary_limit_waits_until_reset(fake):
    from storylint.connectors.github_api import ApiCaller

    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    body = json.dumps(
        {"message": "API rate limit exceeded for user ID 1.", "documentation_url": "x"}
    ).encode()
    fake.fail(Fault(403, body, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000120"}))
    sleeps: list[float] = []
    call = ApiCaller(sleep=sleeps.append, clock=lambda: 1_000_000.0)
    gh = make_client(PERSONAL_TOKEN, fake.url)
    assert len(_stories(GitHubConnector(gh, call, REPO).stories())) == 1
    assert sleeps == [121.0]


def test_wait_longer_than_max_wait_fails_clearly(fake):
    from storylint.connectors.github_api import ApiCaller

    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    fake.fail(Fault(429, b'{"message": "slow down"}', {"retry-after": "5000"}))
    sleeps: list[float] = []
    gh = make_client(PERSONAL_TOKEN, fake.url)
    with pytest.raises(TransientConnectorError, match="5000 s"):
        list(GitHubConnector(gh, ApiCaller(sleep=sleeps.append, max_wait=60), REPO).stories())
    assert sleeps == []


def test_storm_of_429_and_5xx_html_and_truncated_json_then_success(fake, caller):
    for n in range(1, 151):
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "b"))
    fake.fail(
        Fault(429, b'{"message": "too many"}', {"retry-after": "1"}, path="/issues"),
        Fault(
            502,
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            {"Content-Type": "text/html"},
        ),
        Fault(
            200, b'[{"url": "https://api.github.com/repos/acme/shop/issues/1", "tit', path="/issues"
        ),
        Fault(kind="reset", path="/issues"),
    )
    gh = make_client(PERSONAL_TOKEN, fake.url)
    stories = _stories(GitHubConnector(gh, caller, REPO).stories())
    assert sorted(int(s.key.split("#")[1]) for s in stories) == list(
        range(1, 151)
    )  # each exactly once
    assert len(caller.sleeps) == 4


def test_html_200_page_is_retried_not_parsed(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    fake.fail(Fault(200, b"<!DOCTYPE html><html>Unicorn!</html>", {"Content-Type": "text/html"}))
    gh = make_client(PERSONAL_TOKEN, fake.url)
    assert len(_stories(GitHubConnector(gh, caller, REPO).stories())) == 1


def test_slow_response_times_out_and_is_retried(fake, caller):
    from storylint.connectors.github_api import make_client as mk

    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    fake.fail(Fault(kind="slow", delay=2.5))
    gh = mk(PERSONAL_TOKEN, fake.url, timeout=1)
    assert len(_stories(GitHubConnector(gh, caller, REPO).stories())) == 1
    assert len(caller.sleeps) == 1


def test_persistent_5xx_gives_up_after_attempts(fake, caller):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    fake.fail(*[Fault(503, b'{"message": "Service Unavailable"}') for _ in range(5)])
    gh = make_client(PERSONAL_TOKEN, fake.url)
    with pytest.raises(TransientConnectorError, match="gave up after 5 attempts"):
        list(GitHubConnector(gh, caller, REPO).stories())


@pytest.mark.parametrize(
    ("token", "repo", "status", "text"),
    [
        ("ghp_wrong_SECRET999", REPO, 401, "Bad credentials"),
        (PERSONAL_TOKEN, "acme/missing", 404, "Not Found"),
    ],
)
def test_permanent_errors_are_not_retried_and_hide_the_token(
    fake, caller, token, repo, status, text
):
    fake.add_issue(REPO, issue(REPO, 1, "One", "b"))
    gh = make_client(token, fake.url)
    with pytest.raises(PermanentConnectorError) as info:
        list(GitHubConnector(gh, caller, repo).stories())
    assert f"HTTP {status} {text}" in info.value.message and caller.sleeps == []
    assert "SECRET" not in str(info.value) and "SECRET" not in repr(info.value.__cause__)
    assert len(fake.calls) == 1


def test_github_enterprise_server_api_root(fake, caller):
    fake.prefix = "/api/v3"
    for n in range(1, 121):
        fake.add_issue(REPO, issue(REPO, n, f"Issue {n}", "b"))
    gh = make_client(PERSONAL_TOKEN, fake.url + "/api/v3/")
    assert len(_stories(GitHubConnector(gh, caller, REPO).stories())) == 120
    # the fake answers 404 to any path outside /api/v3, so both pages were asked under the prefix
    assert [c.path for c in fake.calls] == ["/repos/acme/shop/issues"] * 2


def _form(ac: str) -> str:
    return (
        "### Who is this for and what do they gain?\n\nAs a shopper I want to keep my cart so that I can "
        f"finish buying later.\n\n### Acceptance criteria\n\n{ac}\n\n### Anything else?\n\n_No response_\n"
    )


@pytest.mark.parametrize(
    ("ac", "missing"),
    [
        ("_No response_", True),
        ("- [ ] A cart I left yesterday is still there when I come back.", False),
    ],
)
def test_issue_form_sections_reach_the_engine(tmp_path, ac, missing):
    from storylint.config import Config
    from storylint.engine import Linter

    path = tmp_path / "event.json"
    path.write_text(
        json.dumps(issues_event("opened", issue(REPO, 4, "Keep carts", _form(ac)), REPO))
    )
    story = read_event(path).story
    assert "_No response_" not in story.body
    categories = {f.category for f in Linter(Config()).lint(story).findings}
    assert ("missing_acceptance_criteria" in categories) is missing
