"""Fixtures for the GitHub connector, write-back and Action tests (fake API on 127.0.0.1)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fake_github import FakeGitHub

ACTION_TOKEN = "ghs_action_token_SECRET123"
PERSONAL_TOKEN = "ghp_personal_token_SECRET456"
#: another GitHub App's installation token (its comments are written by storylint-app[bot])
APP_TOKEN = "ghs_app_token_SECRET789"
#: an installation token in the format before 2021 (no ghs_ prefix)
LEGACY_INSTALLATION_TOKEN = "v1.0123456789abcdef0123456789abcdef01234567"


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


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a storylint subprocess: no inherited GitHub or runner variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "GH_", "INPUT_", "RUNNER_"))
    }
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env
