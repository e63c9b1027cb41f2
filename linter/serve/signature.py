"""Webhook authenticity: ``X-Hub-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body.

Jira (Cloud admin webhooks and Data Center 10+) signs each delivery with the secret set when
the webhook was registered, in the WebSub form. The digest is compared in constant time,
and the raw bytes are verified before anything parses them. A Jira Automation rule cannot
compute an HMAC; only when an Automation token is configured (its own secret, never the
webhook secret) does ``Authorization: Bearer <token>`` stand in for the signature.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature"
_PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value Jira sends for `body` (tests and the benchmark sign with it)."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of `body` under `secret`; False when it is missing."""
    if not header or not header.lower().startswith(_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    given = header[len(_PREFIX) :].strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("ascii", "replace"))


def bearer_matches(token: str | None, header: str | None) -> bool:
    """Whether ``Authorization: Bearer <token>`` carries `token` (constant time); False when
    no token is configured. For Jira Automation's "Send web request", which cannot sign."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(token.encode(), header[len("Bearer ") :].strip().encode("utf-8", "replace"))
