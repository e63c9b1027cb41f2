"""The small interface every connector implements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from storylint.model import Problem, Story

StoryOrProblem = Story | Problem


class Connector(Protocol):
    """A source of stories. `name` is the store's source key (e.g. 'jira:https://x')."""

    name: str

    def stories(self) -> Iterator[StoryOrProblem]:
        """Yield every story in scope of this read, or a Problem for one that failed."""
        ...
