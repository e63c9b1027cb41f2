"""A generated tracker of a fictional developer-facing product: Relaybus, a message broker
whose users build routes from partners' WSDL documents and drop `rbRouteConsumer` steps
into them. Its users speak of WSDL and `rbRouteConsumer` in their wants and acceptance
criteria: that is Relaybus's domain, not a prescription."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.pg import postgres_url as _postgres_url

PROJECT = "RELAY"

_PARTNERS = ["Acme Freight", "Northwind", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Retail",
             "Tyrell Energy", "Cyberdyne", "Soylent Foods", "Hooli", "Vandelay Imports"]  # fmt: skip
_GOALS = ["call the partner's order service", "see every operation the partner offers", "test a route before it goes live",
          "hand the route to operations", "replay a failed exchange", "compare two versions of a contract"]  # fmt: skip

# Where a WSDL user speaks: a want, a criterion, what the product works with.
_WSDL = [
    "As an integration developer I want to import the WSDL of {partner} into a route so that I can {goal}.",
    (
        "As a route designer I want a route built from a WSDL to list its operations so that I can {goal}.\n\n"
        "## Acceptance criteria\n- A route made from the WSDL of {partner} shows each operation\n- Renamed operations are marked"
    ),
    "Relaybus adds support for WSDL documents that {partner} publishes behind a login, so that developers can {goal}.",
    (
        "As an integration developer I want to {goal} for {partner}.\n\n"
        "## Acceptance criteria\n- The WSDL of {partner} can be opened from the route editor"
    ),
]
_CONSUMER = [
    "As a route designer I want to drop an `rbRouteConsumer` step after {partner}'s queue so that I can {goal}.",
    (
        "As an operator I want to pause {partner}'s deliveries so that I can {goal}.\n\n"
        "## Acceptance criteria\n- A paused `rbRouteConsumer` keeps its messages"
    ),
]
_PLAIN = [
    "As an operator I want to see how many messages wait for {partner} so that I can {goal}.",
    "As an account owner I want to invite a colleague from {partner} so that we can {goal} together.",
    "As an operator I want a daily summary of failed deliveries to {partner} so that I can {goal}.",
    "As a support engineer I want to search deliveries to {partner} by date so that I can {goal}.",
]


def story(number: int, body: str, *, title: str | None = None, project: str | None = PROJECT) -> dict[str, Any]:
    row: dict[str, Any] = {"id": f"{project or 'X'}-{number}", "title": title or f"Relaybus improvement {number}",
                           "body": body, "type": "Story"}  # fmt: skip
    if project is not None:
        row["project"] = project
    return row


def tracker(*, wsdl: int, total: int, consumer: int = 0, project: str | None = PROJECT, start: int = 1) -> list[dict[str, Any]]:
    """`total` stories: `wsdl` with WSDL where users speak, `consumer` with `rbRouteConsumer`, the rest plain."""
    assert wsdl + consumer <= total
    rows = []
    for i in range(total):
        n = start + i
        templates = _WSDL if i < wsdl else _CONSUMER if i < wsdl + consumer else _PLAIN
        text = templates[i % len(templates)].format(partner=_PARTNERS[i % len(_PARTNERS)], goal=_GOALS[i % len(_GOALS)])
        rows.append(story(n, text, project=project))
    return rows


#: Later stories: a weak mention (a modal; the term twice, so that one sentence's single
#: suggestion is not what keeps it quiet) and an order (an imperative) of each learned term.
WEAK_WSDL = story(9001, "The WSDL must be re-read when the partner publishes a new WSDL version.", title="Partner contract updates")
PLAN_WSDL = story(9002, "Build it with a WSDL-first code generator.", title="Partner contract updates")
WEAK_CONSUMER = story(9003, "The `rbRouteConsumer` must retry three times before the `rbRouteConsumer` gives up.", title="Partner retries")
PLAN_CONSUMER = story(9004, "Call `rbRouteConsumer` from the retry loop.", title="Partner retries")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def postgres_url() -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards."""
    yield from _postgres_url("vocab")