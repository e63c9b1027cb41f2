"""One retry layer for every Jira call, and errors that never carry a secret.

The `jira` library's own retries are switched off (``max_retries=0``) and every call goes
through :func:`JiraCaller.call`, which retries with tenacity:

* 429 and 5xx answers, honouring ``Retry-After`` (seconds or an HTTP date);
* connection errors, resets and timeouts (a request timeout is always set);
* answers that are not the JSON we asked for: HTML error pages from proxies, truncated
  or empty bodies (:class:`MalformedResponse`).

Waits are capped exponential backoff with full jitter; the sleep function and the random
source are injectable so tests run in milliseconds. 401/403 are never retried: they
become one :class:`~storylint.errors.PermanentConnectorError` line that names the server
and what to check. Messages are built from status codes and Jira's own ``errorMessages``
only — never from ``str(JIRAError)``, whose text includes the request headers (and so the
``Authorization`` header) — and pass through :class:`Redactor` as a last guard.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

from storylint.errors import ConnectorError, PermanentConnectorError, TransientConnectorError

from .redact import Redactor

if TYPE_CHECKING:  # pragma: no cover
    from jira import JIRA

log = logging.getLogger("storylint.jira")

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0


class LoginRejected(Exception):
    """Jira Server said no in a header (``X-Seraph-LoginReason``), possibly with a 200 answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def seraph_hook(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A requests response hook: Jira Server answers bad credentials with 200 + this header."""
    reason = str(response.headers.get("X-Seraph-LoginReason", ""))
    if "AUTHENTICATED_FAILED" in reason or "AUTHENTICATION_DENIED" in reason:
        response.close()  # hooks run before the body is read: give the connection back
        raise LoginRejected(reason)
    return response


def deep_json_hook(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A requests response hook: `response.json()` that parses any nesting depth and any
    integer.

    The `jira` library parses every answer with ``response.json()``, which raises
    `RecursionError` on ADF a few hundred lists deep (a description or a comment), and a
    ValueError on an integer of more than 4,300 digits (in a field or an ADF attribute):
    either cost a whole search page, every issue on it. This one falls back to
    :func:`storylint.formats.deepjson.loads`, which keeps such an integer as its digits.
    """
    plain = response.json

    def parse_json(**kw: Any) -> Any:
        try:
            return plain(**kw)
        except (RecursionError, ValueError) as exc:
            from storylint.formats import deepjson

            if isinstance(exc, ValueError) and not deepjson.too_long_integer(exc):
                raise
            return deepjson.loads(response.text, long_ints=True)

    response.json = parse_json
    return response


class MalformedResponse(ValueError):
    """Jira answered 2xx but not with the JSON shape we asked for (HTML page, truncated body)."""


@dataclass(slots=True)
class RetryPolicy:
    """How hard to try. `sleep` and `rng` are injectable for tests."""

    attempts: int = 8
    base_wait: float = 1.0
    max_wait: float = 60.0
    #: a Retry-After longer than this is not waited for: the run stops with a clear error
    max_retry_after: float = 600.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)


@dataclass(slots=True)
class Failure:
    """What went wrong with one attempt, in words safe to print."""

    transient: bool
    message: str
    status: int | None = None
    retry_after: float | None = None


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _jira_messages(response: Any) -> str:
    """Jira's own error text ({"errorMessages": [...], "errors": {...}}), or ''."""
    if response is None:
        return ""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts: list[str] = []
    messages = data.get("errorMessages")
    if isinstance(messages, list):
        parts.extend(str(m) for m in messages if m)
    errors = data.get("errors")
    if isinstance(errors, dict):
        parts.extend(f"{k}: {v}" for k, v in errors.items())
    for key in ("message", "errorMessage"):
        if isinstance(data.get(key), str) and data[key]:
            parts.append(data[key])
    text = "; ".join(parts)
    return text[:300] + ("…" if len(text) > 300 else "")


def classify(exc: BaseException, server: str, auth_hint: str) -> Failure | None:
    """Map an exception from the jira library or requests to a Failure (None: not ours)."""
    import requests
    from jira.exceptions import JIRAError

    if isinstance(exc, LoginRejected):
        if "AUTHENTICATION_DENIED" in exc.reason:
            return Failure(False, f"Jira at {server} wants a CAPTCHA after failed logins (X-Seraph-LoginReason:"
                                  f" AUTHENTICATION_DENIED); log in once in a browser, then check {auth_hint}", 401)  # fmt: skip
        return Failure(False, f"Jira at {server} rejected the credentials (X-Seraph-LoginReason:"
                              f" AUTHENTICATED_FAILED); check {auth_hint}", 401)  # fmt: skip
    if isinstance(exc, JIRAError):
        status = exc.status_code
        response = exc.response
        details = _jira_messages(response)
        suffix = f": {details}" if details else ""
        if status in (401, 403):
            what = "rejected the credentials" if status == 401 else "refused access"
            return Failure(False, f"Jira at {server} {what} (HTTP {status}); check {auth_hint}{suffix}", status)
        if status == 429 or (status is not None and 500 <= status <= 599):
            headers = getattr(response, "headers", None)
            return Failure(True, f"Jira at {server} answered HTTP {status}{suffix}", status, _retry_after(headers))
        if status is None:
            return Failure(True, f"Jira at {server} sent no answer", None)
        if status == 410:
            return Failure(False, f"Jira at {server} answered HTTP 410 Gone: the endpoint was removed{suffix}", status)
        return Failure(False, f"Jira at {server} answered HTTP {status}{suffix}", status)
    if isinstance(exc, requests.exceptions.Timeout):
        return Failure(True, f"Jira at {server} did not answer in time")
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return Failure(True, f"connection to Jira at {server} failed ({type(exc).__name__})")
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return Failure(True, f"Jira at {server} sent a body that could not be decoded")
    if isinstance(exc, ValueError):  # JSONDecodeError, MalformedResponse: HTML page, truncated body
        return Failure(True, f"Jira at {server} sent an answer that is not the JSON asked for (an HTML page, a"
                             " truncated or empty body)")  # fmt: skip
    if isinstance(exc, requests.exceptions.RequestException):
        return Failure(False, f"request to Jira at {server} failed ({type(exc).__name__})")
    return None


class JiraCaller:
    """Runs calls against one Jira server with retries, counting what it does."""

    def __init__(self, server: str, *, policy: RetryPolicy | None = None, redactor: Redactor | None = None,
                 auth_hint: str = "the credentials") -> None:  # fmt: skip
        self.server = server
        self.policy = policy or RetryPolicy()
        self.redact = redactor or Redactor()
        self.auth_hint = auth_hint
        self.retries = 0
        self.waited = 0.0

    def _wait(self, attempt: int, failure: Failure) -> float:
        p = self.policy
        backoff = min(p.max_wait, p.base_wait * (2.0 ** (attempt - 1))) * p.rng.uniform(0.5, 1.0)
        if failure.retry_after is not None:
            if failure.retry_after > p.max_retry_after:
                raise TransientConnectorError(self.redact(
                    f"{failure.message}; it asks to wait {failure.retry_after:.0f} s, longer than"
                    f" {p.max_retry_after:.0f} s: try again later"))  # fmt: skip
            # do as told, never sooner; a little jitter on top so many runners do not align
            return failure.retry_after + p.rng.uniform(0.0, min(1.0, p.base_wait))
        return backoff

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call `fn(*args, **kwargs)`; retry transient failures; raise ConnectorError otherwise."""
        from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

        failures: dict[int, Failure] = {}

        def transient(exc: BaseException) -> bool:
            failure = classify(exc, self.server, self.auth_hint)
            if failure is None:
                return False
            failures[id(exc)] = failure
            return failure.transient

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            failure = failures.get(id(exc)) if exc is not None else None
            seconds = self._wait(state.attempt_number, failure or Failure(True, ""))
            return seconds

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            failure = failures.get(id(exc)) if exc is not None else None
            seconds = state.next_action.sleep if state.next_action else 0.0
            self.retries += 1
            self.waited += seconds
            log.warning("%s", self.redact(
                f"{failure.message if failure else 'call failed'} during {what}; retry"
                f" {state.attempt_number}/{self.policy.attempts - 1} in {seconds:.1f} s"))  # fmt: skip

        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.policy.attempts)),
            wait=wait,
            retry=retry_if_exception(transient),
            sleep=self.policy.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(fn, *args, **kwargs)
        except ConnectorError:
            raise
        except Exception as exc:  # translate; never chain (the JIRAError holds request headers)
            failure = failures.get(id(exc)) or classify(exc, self.server, self.auth_hint)
            if failure is None:
                raise
            message = self.redact(f"{failure.message} during {what}")
            if failure.transient:
                message += f" (gave up after {self.policy.attempts} attempts)"
                error: ConnectorError = TransientConnectorError(message)
            else:
                error = PermanentConnectorError(message)
            raise error from None


def make_client(
    server: str,
    *,
    email: str | None = None,
    api_token: str | None = None,
    pat: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    caller: JiraCaller,
) -> JIRA:
    """The real `jira` client: no library retries, a timeout, server info read (flavour)."""
    import base64

    from jira import JIRA

    jira_log = logging.getLogger("jira")
    if not any(isinstance(h, logging.NullHandler) for h in jira_log.handlers):
        jira_log.addHandler(logging.NullHandler())
    jira_log.propagate = False  # it logs whole response bodies on JSON errors
    options = {"server": server, "check_update": False}
    kwargs: dict[str, Any] = {}
    if pat:
        kwargs["token_auth"] = pat
        caller.redact.add(pat)
    elif email and api_token:
        kwargs["basic_auth"] = (email, api_token)
        caller.redact.add(api_token, base64.b64encode(f"{email}:{api_token}".encode()).decode())

    class ClosingJIRA(JIRA):
        """The library's client; closes its connection pool when construction fails."""

        def __init__(self, *args: Any, **kw: Any) -> None:
            try:
                super().__init__(*args, **kw)
            except BaseException:
                session = getattr(self, "_session", None)
                if session is not None:
                    session.close()
                raise

    def construct() -> JIRA:
        try:
            client = ClosingJIRA(options=options, max_retries=0, timeout=timeout, get_server_info=True, **kwargs)
        except (KeyError, TypeError) as exc:  # server info without versionNumbers: not Jira's JSON
            raise MalformedResponse("server info lacks versionNumbers") from exc
        client._session.hooks["response"].extend([seraph_hook, deep_json_hook])
        return client

    return caller.call("connecting (server info)", construct)


def ensure_json_dict(data: Any, *, needs: Iterable[str] = ()) -> dict[str, Any]:
    """Raise MalformedResponse (retried) unless `data` is a dict with the keys we need."""
    if not isinstance(data, dict):
        raise MalformedResponse(f"expected a JSON object, got {type(data).__name__}")
    missing = [k for k in needs if k not in data]
    if missing:
        raise MalformedResponse(f"answer lacks {', '.join(missing)}")
    return data
