"""Tokens and the subprocess environment shared by the GitHub suites.

A module of its own (not conftest) so `from github_helpers import ...` cannot pick up another
test folder's conftest when suites of several folders run in one pytest call."""

from __future__ import annotations

import os

ACTION_TOKEN = "ghs_action_token_SECRET123"
PERSONAL_TOKEN = "ghp_personal_token_SECRET456"
#: another GitHub App's installation token (its comments are written by storylint-app[bot])
APP_TOKEN = "ghs_app_token_SECRET789"
#: an installation token in the format before 2021 (no ghs_ prefix)
LEGACY_INSTALLATION_TOKEN = "v1.0123456789abcdef0123456789abcdef01234567"


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
