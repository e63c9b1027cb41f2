"""Secrets taken out of any text a connector lets out (messages, logs, reports, the store).

A tracker may echo a request back in its error body (a proxy's page, a server that quotes the
`Authorization` header), so every text that carries a server's words passes through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Redactor:
    """Removes secrets (and their base64 basic-auth form, where added) from a text."""

    secrets: list[str] = field(default_factory=list)

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= 4 and value not in self.secrets:
                self.secrets.append(value)
        self.secrets.sort(key=len, reverse=True)  # a longer secret first: it may hold a shorter one

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text
