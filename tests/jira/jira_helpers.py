"""Helpers and fixtures for the Jira connector tests: a fake Jira per flavour, a small linter, stores.

A module of its own (not conftest) so `from jira_helpers import ...` cannot pick up another
test folder's conftest."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakejira import FakeJira

from storylint.connectors.jira import JiraAuth, JiraConnector
from storylint.connectors.jira_http import RetryPolicy
from storylint.model import Finding, Skipped, Story, StoryResult
from tests.pg import postgres_url as _postgres_url

TOKEN = "tok-SECRET-123"
PAT = "pat-SECRET-456"
EMAIL = "pm@example.com"


class StubLinter:
    """Stands in for storylint.engine.Linter in connector tests: flags a few HOW phrases.

    Same interface (`lint(story) -> StoryResult`, `fingerprint`); the connector does not
    depend on what the rules are, only on this contract. It counts what it linted.
    """

    TERMS = ("ALTER TABLE", "PostgreSQL", "endpoint", "React")

    def __init__(self, *, groups: tuple[str, ...] = ()) -> None:
        self.fingerprint = hashlib.sha256(b"stub-rules-v1").hexdigest()
        self.linted: list[str] = []
        self.groups = groups

    def lint(self, story: Story) -> StoryResult:
        self.linted.append(story.ref)
        if self.groups and not (story.author and set(story.author.groups) & set(self.groups)):
            return StoryResult(story, [], Skipped(story.ref, "author is not a product manager", story.url))
        findings = []
        for term in self.TERMS:
            where = story.body.find(term)
            if where >= 0:
                line = story.body.count("\n", 0, where) + 1
                findings.append(Finding(
                    story=story.ref, rule="TE01", name="technology-named", category="technology",
                    severity="warning", message=f"names {term}", excerpt=term,
                    suggestion="Say what the user needs.", line=line, url=story.url,
                    project=story.project,
                ))  # fmt: skip
        return StoryResult(story, findings)


@pytest.fixture
def stub_linter() -> StubLinter:
    return StubLinter()


@pytest.fixture
def cloud() -> Iterator[FakeJira]:
    fake = FakeJira("cloud", email=EMAIL, token=TOKEN, pat=PAT).serve()
    yield fake
    fake.close()


@pytest.fixture
def server() -> Iterator[FakeJira]:
    fake = FakeJira("server", email=EMAIL, token=TOKEN, pat=PAT).serve()
    yield fake
    fake.close()


@pytest.fixture(params=["cloud", "server"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    fake = FakeJira(request.param, email=EMAIL, token=TOKEN, pat=PAT).serve()
    yield fake
    fake.close()


def auth_for(fake: FakeJira) -> JiraAuth:
    return JiraAuth(email=EMAIL, api_token=TOKEN) if fake.cloud else JiraAuth(pat=PAT)


def env_for(fake: FakeJira) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("JIRA_")}
    if fake.cloud:
        base.update(JIRA_EMAIL=EMAIL, JIRA_API_TOKEN=TOKEN)
    else:
        base["JIRA_PAT"] = PAT
    return base


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


_OPEN: list[JiraConnector] = []


@pytest.fixture(autouse=True)
def _close_connectors() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def connector_for(fake: FakeJira, sleeps: Any = None, *, jql: str = "project = PAY", timeout: float = 5.0,
                  attempts: int = 8, **kwargs: Any) -> JiraConnector:  # fmt: skip
    policy = RetryPolicy(attempts=attempts, sleep=sleeps if sleeps is not None else Sleeps())
    conn = JiraConnector(fake.url, jql, auth_for(fake), timeout=timeout, policy=policy, **kwargs)
    _OPEN.append(conn)
    return conn


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "history.db")
        return
    yield from postgres_url()


def postgres_url() -> Iterator[str]:
    yield from _postgres_url("t")