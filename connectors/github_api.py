"""The GitHub REST client storylint uses: PyGithub for transport, tenacity for retries.

PyGithub's own retry (a urllib3 ``GithubRetry`` with ten attempts that sleeps through
secondary rate limits) is switched off on purpose (``retry=None``), so that exactly one
retry layer exists: :class:`ApiCaller`. It retries what a later attempt may not see

- 403/429 secondary rate limits: waits ``retry-after`` seconds (at least a minute when
  GitHub does not say, as GitHub's guidance asks);
- primary rate limit (``x-ratelimit-remaining: 0``): waits until ``x-ratelimit-reset``;
- 5xx, HTML error pages, truncated JSON, connection resets and timeouts: exponential
  backoff with jitter;

and gives up at once on 401, 403 (permission), 404 and 422. Waits longer than
``max_wait`` are not slept: the call fails with a message naming the reset time (backoff
waits are capped at ``max_wait``, so ``--max-wait 0`` retries without sleeping). The
sleep function is injectable so tests run without waiting.

Error messages name the method, path and status, never the token: GitHub's own words in
them (an error body may quote the request) pass through the connector's `Redactor`.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from storylint.errors import ConnectorError, PermanentConnectorError, TransientConnectorError

from .redact import Redactor

if TYPE_CHECKING:  # pragma: no cover
    from github import Github

log = logging.getLogger("storylint.github")

T = TypeVar("T")

DEFAULT_API_URL = "https://api.github.com"
#: GitHub documents 65,536 characters as the limit of an issue comment body.
COMMENT_LIMIT = 65_536
#: GitHub asks clients to wait at least a minute after a secondary limit without retry-after.
SECONDARY_LIMIT_WAIT = 60.0


def make_client(
    token: str | None,
    api_url: str | None = None,
    *,
    timeout: int = 15,
    seconds_between_writes: float | None = None,
) -> Github:
    """A PyGithub client with 100 items a page and its own retry layer switched off.

    ``api_url`` is ``$GITHUB_API_URL`` (``https://HOST/api/v3`` on GitHub Enterprise
    Server). Nothing is requested here: the client is lazy, so objects built from it
    cost no API call until they are read.
    """
    import github
    from github import Auth

    return github.Github(
        auth=Auth.Token(token) if token else None,
        base_url=(api_url or DEFAULT_API_URL).rstrip("/"),
        per_page=100,
        timeout=timeout,
        retry=None,  # one retry layer only: ApiCaller (tenacity)
        seconds_between_requests=None,
        seconds_between_writes=seconds_between_writes,
        lazy=True,
        user_agent="storylint",
    )


@dataclass(slots=True)
class CallStats:
    """What the API cost: requests sent (retries included), retries, waits."""

    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


class _Retry(Exception):
    """Internal: a transient failure, with how long GitHub asks us to wait."""

    def __init__(self, error: ConnectorError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


class ApiCaller:
    """Run one GitHub API call with retries, translating failures to storylint errors."""

    def __init__(
        self,
        *,
        attempts: int = 5,
        max_wait: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        backoff: float = 1.0,
        secrets: tuple[str | None, ...] = (),
    ) -> None:
        self.attempts = attempts
        # a server or proxy may quote the request (its token) in an error body
        self.redact = Redactor()
        self.redact.add(*secrets)
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.backoff = backoff
        self.stats = CallStats()

    def __call__(self, what: str, fn: Callable[[], T], *, attempts: int | None = None) -> T:
        """Call ``fn`` (one request) until it succeeds, fails for good or attempts run out.

        ``attempts`` lowers the limit for a call whose caller has a fallback: sitting through
        five attempts and their backoff for an answer the run can do without only slows it."""
        attempts = self.attempts if attempts is None else min(attempts, self.attempts)
        from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            asked = exc.wait if isinstance(exc, _Retry) else None
            if asked is not None:
                delay = asked
            else:
                delay = min(self.backoff * 2 ** (state.attempt_number - 1), 30.0)
                delay = min(delay + random.uniform(0, delay / 4), self.max_wait)
            self.stats.retries += 1
            self.stats.waited += delay
            log.warning("%s: %s; retrying in %.0f s", what, exc, delay)
            return delay

        def too_long(exc: BaseException) -> bool:
            return isinstance(exc, _Retry) and exc.wait is not None and exc.wait > self.max_wait

        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait,
            retry=retry_if_exception(lambda exc: isinstance(exc, _Retry) and not too_long(exc)),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.stats.requests += 1
                    kind = what.split(" ", 1)[0]
                    self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
                    try:
                        return fn()
                    except Exception as exc:  # noqa: BLE001 - classified below
                        raise self._classify(what, exc) from None
        except _Retry as exc:
            if exc.wait is not None and exc.wait > self.max_wait:
                raise TransientConnectorError(
                    f"{exc.error.message}; GitHub asks to wait {exc.wait:.0f} s, more than --max-wait "
                    f"{self.max_wait:.0f} s"
                ) from None
            raise TransientConnectorError(
                f"{exc.error.message} (gave up after {attempts} attempts)"
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- classification ---------------------------------------------------------------
    def _classify(self, what: str, exc: Exception) -> Exception:
        import requests
        from github import GithubException

        if isinstance(exc, ConnectorError):
            return exc
        if isinstance(exc, GithubException):
            return self._classify_status(what, exc.status, exc.headers or {}, exc.data)
        if isinstance(exc, requests.exceptions.Timeout):
            return _Retry(TransientConnectorError(f"GitHub API {what}: timed out"), None)
        if isinstance(
            exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError
        ):
            return _Retry(TransientConnectorError(f"GitHub API {what}: connection failed"), None)
        if isinstance(exc, json.JSONDecodeError):
            return _Retry(
                TransientConnectorError(f"GitHub API {what}: truncated or invalid JSON"), None
            )
        if isinstance(exc, BadPayload):
            return _Retry(TransientConnectorError(f"GitHub API {what}: {exc}"), None)
        return PermanentConnectorError(f"GitHub API {what}: {type(exc).__name__}")

    def _classify_status(
        self, what: str, status: int, headers: dict[str, Any], data: Any
    ) -> Exception:
        headers = {str(k).lower(): v for k, v in headers.items()}
        message = api_message(data)
        if message:
            message = self.redact(message)
        text = f"GitHub API {what}: HTTP {status}" + (f" {message}" if message else "")
        lowered = (message or "").lower()
        retry_after = _seconds(headers.get("retry-after"), self.clock)
        if status in (403, 429):
            if retry_after is not None:
                return _Retry(TransientConnectorError(text), retry_after)
            if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
                try:
                    reset = float(headers["x-ratelimit-reset"])
                except ValueError:
                    reset = self.clock() + SECONDARY_LIMIT_WAIT
                wait = max(reset - self.clock(), 0.0) + 1.0
                at = datetime.fromtimestamp(reset, UTC).strftime("%H:%M:%S UTC")
                return _Retry(TransientConnectorError(f"{text} (rate limit resets at {at})"), wait)
            if (
                status == 429
                or "secondary rate limit" in lowered
                or "abuse" in lowered
                or lowered.endswith(
                    (
                        "please retry your request again later.",
                        "please wait a few minutes before you try again.",
                    )
                )
            ):
                return _Retry(TransientConnectorError(text), SECONDARY_LIMIT_WAIT)
            if status == 403:
                hint = ""
                if "not accessible by integration" in lowered:
                    hint = " (the token lacks a permission: the workflow needs `permissions: issues: write`)"
                return PermanentConnectorError(text + hint)
        if status >= 500 or status == 408:
            return _Retry(TransientConnectorError(text), retry_after)
        if status == 401:
            return PermanentConnectorError(text + " (check the token)")
        return PermanentConnectorError(text)


class BadPayload(Exception):
    """A 2xx response whose body is not the JSON shape the endpoint documents."""


def api_message(data: Any) -> str | None:
    """GitHub's error ``message`` (one line, bounded), or a note that the body was not JSON."""
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, str):
            return " ".join(message.split())[:300]
        if "data" in data:  # PyGithub wraps non-JSON bodies (HTML error pages) like this
            return "(non-JSON error page)"
    return None


def _seconds(value: Any, clock: Callable[[], float]) -> float | None:
    """A ``retry-after`` value: delta seconds or an HTTP date."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - clock(), 0.0)
