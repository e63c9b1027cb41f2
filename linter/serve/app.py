"""The ASGI app (Starlette): ``POST /webhooks/jira`` and ``GET /healthz``.

A delivery is answered only after it is decided and, when accepted, committed to the
store's queue, so that a 202 means "will be linted" even if the process dies next:

* body not all sent within `body_timeout` seconds → 408 (a client holding a connection open
  with a trickle of bytes would hold it, and its file descriptor, for ever);
* body over :data:`MAX_BODY` → 413 (read no further); bad or missing signature (or, when
  configured, Automation token) → 401;
  not a JSON object → 400; an issue event without an issue key → 400;
* an event that is not worth a lint (see :mod:`.events`) → 202, nothing stored;
* the queue at its bound → 503 with ``Retry-After`` (Jira retries); the store failing → 503;
* otherwise queued (a redelivery or an already linted version: not queued again) → 202.

The request side's store calls never run on the event loop: each of its two connections
(one for webhooks, one for ``/healthz``, so that a health check is not queued behind a write
waiting for a lock) lives on a thread of its own, and an answer waits for a call at most
:data:`STORE_WAIT` (webhooks: then 503 with ``Retry-After``) or :data:`HEALTH_WAIT` seconds.
A connection found broken (a PostgreSQL restart) is reopened, and a webhook's call tried
once more on the new one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from storylint.store.base import drop_if_broken

from .events import Accepted, BadEvent, classify
from .signature import HEADER, bearer_matches, verify
from .worker import error_kind

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from storylint.store import Store

    from .worker import Worker

log = logging.getLogger("storylint.serve")

MAX_BODY = 1024 * 1024
DRAIN_LIMIT = 8 * MAX_BODY
#: seconds a stop waits for the worker to finish its current issue (docker stop gives 10 s
#: in all before SIGKILL; uvicorn's own graceful shutdown comes first)
STOP_GRACE = 5.0
#: seconds a webhook waits for its store call (a SQLite write lock held by the nightly run;
#: a store gone) before it is answered 503 with Retry-After (Jira retries)
STORE_WAIT = 5.0
#: seconds /healthz waits for the queue depth (under the health checks' usual 3 s timeout)
HEALTH_WAIT = 2.0

T = TypeVar("T")


class StoreThread:
    """One store connection used from one thread of its own (a SQLite connection belongs to
    the thread that opened it), so that the event loop never blocks on the store."""

    def __init__(self, open_store: Callable[[str], Store], url: str, name: str) -> None:
        self._open_store = open_store
        self._url = url
        self._store: Store | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def _call(self, fn: Callable[[Store], T], retry: bool) -> T:
        if self._store is None:
            self._store = self._open_store(self._url)
        try:
            return fn(self._store)
        except Exception:
            self._store = drop_if_broken(self._store)
            if self._store is not None or not retry:
                raise
        log.info("store connection lost; reconnected")
        return self._call(fn, retry=False)

    def _close(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception as exc:  # noqa: BLE001 (stopping: a broken connection is gone anyway)
                log.debug("closing the store failed (%s)", type(exc).__name__)

    async def run(self, fn: Callable[[Store], T], timeout: float | None, *, retry: bool = False) -> T:
        """`fn(store)` on this connection's thread; TimeoutError after `timeout` seconds (the
        call, if it started, still ends on its thread; one not started yet never runs).
        `retry`: once more on a new connection when this one turned out broken."""
        future = asyncio.get_running_loop().run_in_executor(self._pool, self._call, fn, retry)
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        """Close the connection on its own thread (opening none to do so)."""
        await asyncio.get_running_loop().run_in_executor(self._pool, self._close)
        self._pool.shutdown(wait=False)
IDENTIFIER = "X-Atlassian-Webhook-Identifier"


@dataclass(slots=True)
class AppSettings:
    secret: str
    store_url: str
    source: str
    label: str | None = None
    #: accepted in ``Authorization: Bearer`` instead of a signature (Jira Automation); None: off
    automation_token: str | None = None
    max_queue: int = 10_000
    retry_after: int = 30
    #: seconds a request's whole body may take to arrive (Jira sends it at once)
    body_timeout: float = 10.0


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, deadline: float) -> bytes:
    """The body, at most MAX_BODY bytes kept. A larger one is read on and dropped up to
    DRAIN_LIMIT, so that the sender can read the 413 (closing on a client still writing
    resets its connection, which Jira would retry); beyond that the connection is cut.
    TimeoutError when it has not all arrived within `deadline` seconds."""
    async with asyncio.timeout(deadline):
        return await _read_all(request)


async def _read_all(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > DRAIN_LIMIT:
        raise _TooLarge
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > DRAIN_LIMIT:
            raise _TooLarge
        if seen <= MAX_BODY:
            body += chunk
    if seen > MAX_BODY:
        raise _TooLarge
    return bytes(body)


def create_app(settings: AppSettings, worker: Worker, open_store: Callable[[str], Store]) -> Starlette:
    """The app; its lifespan opens the request side's store and runs `worker`."""
    writer = StoreThread(open_store, settings.store_url, "storylint-http-store")
    reader = StoreThread(open_store, settings.store_url, "storylint-health-store")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        queued = await writer.run(lambda store: store.queue_depth(), None)
        await reader.run(lambda store: store.queue_depth(), None)  # opened now, while nothing holds a lock
        worker.start()
        log.info("listening for Jira webhooks", extra={"fields": {"queued": queued}})
        try:
            yield
        finally:
            # the current issue is finished (or abandoned after STOP_GRACE); the claims are
            # given back either way, and unfinished work stays queued for the next start
            await writer.run(lambda store: worker.stop_and_release(store, STOP_GRACE), None, retry=True)
            await writer.close()
            await reader.close()
            log.info("stopped")

    def answer(code: int, status: str, started: float, headers: dict[str, str] | None = None,
               **fields: Any) -> JSONResponse:  # fmt: skip
        level = logging.INFO if code < 400 else logging.WARNING
        ms = round((time.perf_counter() - started) * 1000, 1)
        log.log(level, "webhook %s", status, extra={"fields": {"http_status": code, "ms": ms, **fields}})
        return JSONResponse({"status": status, **fields}, status_code=code, headers=headers)

    async def webhook(request: Request) -> JSONResponse:
        started = time.perf_counter()
        try:
            body = await _read_body(request, settings.body_timeout)
        except TimeoutError:  # a trickle of bytes, or headers promising more than is sent
            return answer(408, "body not received in time", started, limit_s=settings.body_timeout)
        except _TooLarge:
            return answer(413, "body too large", started, limit=MAX_BODY)
        except ClientDisconnect:
            # anyone who can reach the port can hang up mid-body: not an error of ours, and
            # not worth more than an info line (nobody is there to read an answer)
            ms = round((time.perf_counter() - started) * 1000, 1)
            log.info("webhook client hung up before sending its body", extra={"fields": {"ms": ms}})
            return JSONResponse({"status": "client disconnected"}, status_code=400)
        if not verify(settings.secret, body, request.headers.get(HEADER)) and not bearer_matches(
            settings.automation_token, request.headers.get("authorization")
        ):
            return answer(401, "bad or missing signature", started)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return answer(400, "body is not JSON", started)
        if not isinstance(payload, dict):
            return answer(400, "body is not a JSON object", started)
        try:
            decision = classify(payload, me=worker.me, cloud=worker.cloud, label=settings.label)
        except BadEvent as exc:
            return answer(400, str(exc), started)
        event = str(payload.get("webhookEvent"))[:60]
        if not isinstance(decision, Accepted):
            return answer(202, "ignored", started, reason=decision.reason, event=event)
        delivery = request.headers.get(IDENTIFIER)
        delivery = delivery[:200] if delivery else None

        def enqueue(store: Store) -> bool | None:
            if store.queue_depth() >= settings.max_queue:
                return None
            return store.enqueue_event(settings.source, decision.key, decision.event, delivery=delivery,
                                       issue_updated=decision.updated)  # fmt: skip

        try:
            queued = await writer.run(enqueue, STORE_WAIT, retry=True)
        except TimeoutError:  # a write lock held elsewhere (SQLite's busy timeout is 30 s); Jira retries
            log.warning("queue write waited over %.0f s", STORE_WAIT)
            return answer(503, "queue busy", started, {"Retry-After": str(settings.retry_after)})
        except Exception as exc:  # noqa: BLE001 (the store driver failed: sqlite3 or psycopg); Jira retries
            log.error("queue write failed (%s)", type(exc).__name__)
            return answer(503, "queue unavailable", started, {"Retry-After": str(settings.retry_after)})
        if queued is None:
            return answer(503, "queue full", started, {"Retry-After": str(settings.retry_after)},
                          issue=decision.key)  # fmt: skip
        if queued:
            worker.wake.set()
        return answer(202, "queued" if queued else "duplicate", started, issue=decision.key, event=event)

    async def healthz(request: Request) -> JSONResponse:
        try:
            depth = await reader.run(lambda store: store.queue_depth(), HEALTH_WAIT, retry=True)
        except Exception as exc:  # noqa: BLE001 (a store that went away or hangs: unhealthy, say which kind)
            return JSONResponse({"status": "store unavailable", "error": error_kind(exc)}, status_code=503)
        if worker.store_error is not None and not worker.failed:  # the worker is retrying the store
            body = {"status": "store unavailable", "error": worker.store_error_kind, "queued": depth}
            return JSONResponse(body, status_code=503)
        alive = worker.is_alive() and not worker.failed
        body = {"status": "ok" if alive else "worker stopped", "queued": depth, "linted": worker.linted,
                "jira": worker.me is not None}  # fmt: skip
        return JSONResponse(body, status_code=200 if alive else 503)

    routes = [Route("/webhooks/jira", webhook, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)
