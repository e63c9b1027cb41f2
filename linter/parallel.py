"""Lint a stream of stories in worker processes, results in input order (`--jobs`).

The parent reads the stories and keeps every side effect (report, store, output); the
workers only lint. Stories go out in chunks, at most a few chunks per worker in flight,
so memory stays flat however long the input, and results come back in the order the
stories were read: the output is byte for byte the one of a single process.

Workers are forked from the parent, so they share its linter (rules compiled, domain
vocabulary learned) without pickling it; where `fork` is unavailable, stories are
linted in the parent.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from .engine import Linter
from .model import Finding, Skipped, Story

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

log = logging.getLogger("storylint.runner")

#: with `--jobs` unset, stories past this many are linted by one worker per core
AUTO_AFTER = 2000
CHUNK = 64  # stories per task sent to a worker
IN_FLIGHT = 2  # chunks in flight per worker

T = TypeVar("T")


@dataclass(slots=True)
class Outcome:
    """What linting one story gave: its findings (or why it was skipped), the domain
    evidence when asked for, or the internal error that cost this one story."""

    findings: list[Finding]
    skipped: Skipped | None = None
    evidence: set[str] | None = None
    error: str | None = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def lint_one(linter: Linter, story: Story, record: bool) -> Outcome:
    try:
        if record:
            result, evidence = linter.lint_recording(story)
            return Outcome(result.findings, result.skipped, evidence)
        result = linter.lint(story)
    except Exception as exc:  # a bug must cost one story, not the run
        log.exception("internal error while linting %s", story.ref)
        return Outcome([], error=f"internal error while linting: {type(exc).__name__}")
    return Outcome(result.findings, result.skipped)


_WORKER_LINTER: Linter | None = None


def _lint_chunk(stories: list[Story], record: bool) -> list[Outcome]:
    assert _WORKER_LINTER is not None  # set in the parent before the fork
    return [lint_one(_WORKER_LINTER, s, record) for s in stories]


@dataclass(slots=True)
class Task(Generic[T]):
    """One item of the input; `story` is what to lint (None: nothing, e.g. an input error)."""

    item: T
    story: Story | None


def lint_in_order(
    tasks: Iterable[Task[T]], linter: Linter, *, record: bool = False, jobs: int | None = 1
) -> Iterator[tuple[T, Outcome | None]]:
    """Each task's item with its outcome, in input order.

    `jobs` 1: in this process; N > 1: N worker processes; None: this process for the
    first `AUTO_AFTER` stories, then one worker per core (when there is more than one).
    """
    workers = cores() if jobs is None else max(1, jobs)
    serial = 0 if jobs is not None and workers > 1 else AUTO_AFTER
    it = iter(tasks)
    linted = 0
    if workers <= 1 or serial:
        for task in it:
            if task.story is None:
                yield task.item, None
                continue
            yield task.item, lint_one(linter, task.story, record)
            linted += 1
            if workers > 1 and linted >= serial:
                break
        else:
            return
    yield from _pooled(it, linter, record, workers)


def _pooled(it: Iterator[Task[T]], linter: Linter, record: bool, workers: int) -> Iterator[tuple[T, Outcome | None]]:
    global _WORKER_LINTER
    if isinstance(linter, Linter):
        _ = linter.prefilter  # compiled once, in the parent, and inherited
    _WORKER_LINTER = linter
    pending: deque[tuple[list[Task[T]], AsyncResult[list[Outcome]] | None]] = deque()

    def drain() -> Iterator[tuple[T, Outcome | None]]:
        chunk, future = pending.popleft()
        outcomes = iter(future.get() if future is not None else ())
        for task in chunk:
            yield task.item, (next(outcomes) if task.story is not None else None)

    import multiprocessing  # only runs that fork pay for loading it

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux/macOS
        for task in it:
            yield task.item, (lint_one(linter, task.story, record) if task.story is not None else None)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        chunk: list[Task[T]] = []
        for task in it:
            chunk.append(task)
            if len(chunk) < CHUNK:
                continue
            stories = [t.story for t in chunk if t.story is not None]
            pending.append((chunk, pool.apply_async(_lint_chunk, (stories, record)) if stories else None))
            chunk = []
            while len(pending) > IN_FLIGHT * workers:
                yield from drain()
        if chunk:
            stories = [t.story for t in chunk if t.story is not None]
            pending.append((chunk, pool.apply_async(_lint_chunk, (stories, record)) if stories else None))
        while pending:
            yield from drain()
    _WORKER_LINTER = None
