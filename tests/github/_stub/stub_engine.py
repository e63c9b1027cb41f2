"""A stand-in rule engine for these tests, used ONLY while `storylint.engine` has no `Linter`.

The lead's engine replaces the placeholder on main; once it is merged this module is never
installed. It flags a few unmistakable HOW terms so write-back can be tested end to end.
"""

from __future__ import annotations

import re
from typing import Any

from storylint.model import Finding, Skipped, Story, StoryResult

_TERMS = re.compile(
    r"\b(PostgreSQL|Redis|React|Kafka|column|endpoint|microservice|GET /\S+|POST /\S+)\b",
    re.IGNORECASE,
)
_CATEGORY = {
    "postgresql": "technology",
    "redis": "technology",
    "react": "technology",
    "kafka": "technology",
    "column": "data_model",
    "endpoint": "api_contract",
    "microservice": "code_structure",
}


class Linter:
    fingerprint = "stub"

    def __init__(self, config: Any) -> None:
        self.config = config

    def rule_metadata(self) -> dict[str, dict[str, Any]]:
        return {}

    def lint(self, story: Story) -> StoryResult:
        if story.author is not None and story.author.is_bot and self.config.roles.skip_bots:
            return StoryResult(story, [], Skipped(story.ref, "bot author", story.url))
        findings = []
        for fld, text in (("title", story.title), ("body", story.body)):
            for m in _TERMS.finditer(text):
                word = m.group(1)
                cat = _CATEGORY.get(word.lower(), "api_contract")
                line = text.count("\n", 0, m.start()) + 1
                findings.append(
                    Finding(
                        story=story.ref,
                        rule="TS01",
                        name="stub-how-term",
                        category=cat,
                        severity="warning",
                        message=f"Names {word}.",
                        excerpt=text[max(0, m.start() - 20) : m.end() + 20],
                        suggestion="Describe the outcome instead.",
                        field=fld,
                        line=line,
                        offset=m.start(),
                        length=len(word),
                        url=story.url,
                    )
                )
        return StoryResult(story, findings)


def install() -> None:
    from storylint import engine

    if not hasattr(engine, "Linter"):
        engine.Linter = Linter  # type: ignore[attr-defined]
