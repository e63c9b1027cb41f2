"""Fixtures for the GitHub connector, write-back and Action tests (fake API on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_github import FakeGitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def caller():
    from storylint.connectors.github_api import ApiCaller

    sleeps: list[float] = []
    c = ApiCaller(sleep=sleeps.append, max_wait=3600)
    c.sleeps = sleeps  # type: ignore[attr-defined]
    return c
