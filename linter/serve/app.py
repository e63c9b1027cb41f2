"""The ASGI app (Starlette): ``POST /webhooks/jira`` and ``GET /healthz``.

A delivery is answered only after it is decided and, when accepted, committed to the
store's queue, so that a 202 means "will be linted" even if the process dies next:

* body over :data:`MAX_BODY` → 413 (read no further); bad or missing signature (or, when
  configured, Automation token) → 401;
  not a JSON object → 400; an issue event without an issue key → 400;
* an event that is not worth a lint (see :mod:`.events`) → 202, nothing stored;
* the queue at its bound → 503 with ``Retry-After`` (Jira retries); the store failing → 503;
* otherwise queued (a redelivery or an already linted version: not queued again) → 202.

The store connection of the request side lives on the event loop's thread; its writes are
one short transaction each.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .events import Accepted, BadEvent, classify
from .signature import HEADER, bearer_matches, verify

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


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    """The body, at most MAX_BODY bytes kept. A larger one is read on and dropped up to
    DRAIN_LIMIT, so that the sender can read the 413 (closing on a client still writing
    resets its connection, which Jira would retry); beyond that the connection is cut."""
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
    state: dict[str, Store] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["store"] = open_store(settings.store_url)
        worker.start()
        log.info("listening for Jira webhooks", extra={"fields": {"queued": state["store"].queue_depth()}})
        try:
            yield
        finally:
            # the current issue is finished (or abandoned after STOP_GRACE); the claims are
            # given back either way, and unfinished work stays queued for the next start
            worker.stop_and_release(state["store"], STOP_GRACE)
            state["store"].close()
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
            body = await _read_body(request)
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
        store = state["store"]
        try:
            if store.queue_depth() >= settings.max_queue:
                return answer(503, "queue full", started, {"Retry-After": str(settings.retry_after)},
                              issue=decision.key)  # fmt: skip
            queued = store.enqueue_event(settings.source, decision.key, decision.event, delivery=delivery,
                                         issue_updated=decision.updated)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 (the store driver failed: sqlite3 or psycopg); Jira retries
            log.error("queue write failed (%s)", type(exc).__name__)
            return answer(503, "queue unavailable", started, {"Retry-After": str(settings.retry_after)})
        if queued:
            worker.wake.set()
        return answer(202, "queued" if queued else "duplicate", started, issue=decision.key, event=event)

    async def healthz(request: Request) -> JSONResponse:
        try:
            depth = state["store"].queue_depth()
        except Exception as exc:  # noqa: BLE001 (a store that went away: unhealthy, say which kind)
            return JSONResponse({"status": "store unavailable", "error": type(exc).__name__}, status_code=503)
        alive = worker.is_alive() and not worker.failed
        body = {"status": "ok" if alive else "worker stopped", "queued": depth, "linted": worker.linted,
                "jira": worker.me is not None}  # fmt: skip
        return JSONResponse(body, status_code=200 if alive else 503)

    routes = [Route("/webhooks/jira", webhook, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)
