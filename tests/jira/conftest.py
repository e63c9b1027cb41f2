"""Fixtures for tests/jira (defined in jira_helpers)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from jira_helpers import (  # noqa: F401
    _close_connectors,
    cloud,
    fake,
    server,
    sleeps,
    store_url,
    stub_linter,
)
