"""Webhook authenticity: ``X-Hub-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body.

Jira (Cloud admin webhooks and Data Center 10+) signs each delivery with the secret set when
the webhook was registered, in the WebSub form. The digest is compared in constant time,
and the raw bytes are verified before anything parses them.
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
