"""Store URLs as they may be shown: without a password, wherever it was written.

A PostgreSQL URL can carry a password in its user info (``postgresql://u:pw@host/db``,
percent-encoded or, as people type them, raw with an ``@`` inside) and in its query
(``?password=pw``, ``sslpassword=pw``). Every message, log line and report header shows
`redact_url(url)`; driver messages go through `scrub(text, url)` in case they echo a
secret. Both parse the URL the same way, here, so they cannot disagree.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, unquote_plus

#: Query parameters (lower case) whose value is a secret.
SECRET_PARAMS = frozenset({"password", "sslpassword"})
MASK = "***"


def _split(url: str) -> tuple[str, str | None, str, str]:
    """(scheme://, user info or None, host and path, ?query#fragment) of `url`.

    The user info ends at the *last* ``@`` before the query, so that a raw ``@`` (or
    ``/``) in a password stays inside it.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "", None, url, ""
    qpos = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    head, tail = rest[:qpos], rest[qpos:]
    at = head.rfind("@")
    if at < 0:
        return scheme + sep, None, head, tail
    return scheme + sep, head[:at], head[at + 1 :], tail


def _query_secrets(tail: str) -> list[tuple[int, int]]:
    """Spans (in `tail`) of the values of secret query parameters."""
    spans = []
    pos = 1 if tail.startswith("?") else len(tail)
    end_query = tail.find("#") if "#" in tail else len(tail)
    while pos < end_query:
        amp = tail.find("&", pos, end_query)
        stop = end_query if amp < 0 else amp
        key, eq, _ = tail[pos:stop].partition("=")
        if eq and unquote_plus(key).strip().lower() in SECRET_PARAMS:
            spans.append((pos + len(key) + 1, stop))
        pos = stop + 1
    return spans


def redact_url(url: str) -> str:
    """`url` with every password replaced by ``***`` (the user name stays)."""
    scheme, userinfo, host, tail = _split(url)
    if userinfo is not None:
        user, colon, _ = userinfo.partition(":")
        host = f"{user}:{MASK}@{host}" if colon else f"{userinfo}@{host}"
    for start, stop in reversed(_query_secrets(tail)):
        tail = tail[:start] + MASK + tail[stop:]
    return scheme + host + tail


def connect_url(url: str) -> str:
    """`url` with its user info percent-encoded, so that the driver splits it where we do,
    and its scheme in lower case.

    libpq would cut ``u:p@ss@host`` at the first ``@`` (and echo the rest of the password
    as a host name in its error); encoded, the password is whole again.
    """
    scheme, userinfo, host, tail = _split(url)
    scheme = scheme.lower()  # libpq takes "PostgreSQL://..." for a key=value string
    if userinfo is None:
        return scheme + host + tail
    parts = userinfo.split(":", 1)
    encoded = ":".join(quote(unquote(part), safe="") for part in parts)
    return f"{scheme}{encoded}@{host}{tail}"


def url_secrets(url: str) -> list[str]:
    """Every password in `url`, as written and decoded, longest first."""
    _, userinfo, _, tail = _split(url)
    raw = []
    if userinfo is not None and ":" in userinfo:
        raw.append(userinfo.partition(":")[2])
    raw.extend(tail[a:b] for a, b in _query_secrets(tail))
    found = {form for value in raw for form in (value, unquote(value), unquote_plus(value)) if form}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """`text` (a driver's message, say) with any password of `url` masked."""
    for secret in url_secrets(url):
        text = text.replace(secret, MASK)
    return text


def driver_reason(exc: Exception, url: str) -> str:
    """A driver's error as one line for an `Error:` line: its first line (or its type), with
    any password of `url` masked."""
    text = str(exc).strip()
    return scrub(text.splitlines()[0], url) if text else type(exc).__name__


__all__ = ["connect_url", "driver_reason", "redact_url", "scrub", "url_secrets"]
