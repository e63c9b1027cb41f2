"""Lint a stream of stories in worker processes, results in input order (`--jobs`).

The parent reads the stories and keeps every side effect (report, store, output); the
workers lint. Stories go out in chunks, at most a few chunks per worker in flight, so
memory stays flat however long the input, and results come back in the order the
stories were read: the output is byte for byte the one of a single process.

What crosses the process boundary is kept small, since the parent's share of the work
is what bounds the speed-up: records the parent has not decoded (`Deferred`, a block of
JSON Lines lines) go out as their bytes and are decoded by the worker, and findings come
back as plain tuples, not pickled objects.

Workers are forked from the parent, so they share its linter (rules compiled, domain
vocabulary learned) and the module-level patterns, compiled before the fork, without
pickling them; where `fork` is unavailable, stories are linted in the parent.

A worker that dies (the OOM killer, `kill -9`) takes its chunk with it: the pool is a
`ProcessPoolExecutor`, which says so (`multiprocessing.Pool` waits for ever), and the
chunks not given back yet, then the rest of the input, are linted in the parent.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from . import recache
from .engine import Linter
from .lazyre import compile_all
from .model import Deferred, Finding, Problem, Skipped, Story

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger("storylint.runner")

#: with `--jobs` unset, stories past this many are linted by one worker per core
AUTO_AFTER = 2000
CHUNK = 256  # stories (or JSON Lines lines) per task sent to a worker (fewer, larger tasks: less of each worker's time on the pipe)
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
    ref: str = ""  # the story's ref: names a story the parent never decoded
    encoded: bytes | None = None  # the findings' JSON (`json_format.encode_records`), when a worker was asked for it
    #: instead of `findings`, when only their JSON was asked for: each one's (category, severity, rule)
    tally: list[tuple[str, str, str]] | None = None


@dataclass(slots=True)
class Summed:
    """A deferred record's outcomes summed up by the worker that linted them (`lean`): what a
    JSON report needs of its stories, so that the reading process handles a block of lines,
    not each story (`Report.add_summed`). Problems and skipped stories keep their order."""

    linted: int  # stories with an outcome (findings, skipped, or an internal error)
    checked: int  # of those, linted and not skipped
    with_findings: int
    tally: dict[tuple[str, str, str], int]  # (category, severity, rule): findings
    encoded: bytes  # every finding's JSON, in order (`json_format.encode_records`)
    spooled: int  # findings in `encoded`
    skipped: list[Skipped]
    errors: list[Problem]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def lint_one(linter: Linter, story: Story, record: bool) -> Outcome:
    try:
        if record:
            result, evidence = linter.lint_recording(story)
            return Outcome(result.findings, result.skipped, evidence, ref=story.ref)
        result = linter.lint(story)
    except Exception as exc:  # a bug must cost one story, not the run
        log.exception("internal error while linting %s", story.ref)
        return Outcome([], error=f"internal error while linting: {type(exc).__name__}", ref=story.ref)
    return Outcome(result.findings, result.skipped, ref=story.ref)


def lint_task(linter: Linter, story: Story | Deferred, record: bool) -> list[Outcome | Problem]:
    """One task's results: one outcome for a story, or what a deferred record holds."""
    if not isinstance(story, Deferred):
        return [lint_one(linter, story, record)]
    return [lint_one(linter, s, record) if isinstance(s, Story) else s for s in story.resolve()]


# -- the wire format: tuples pickle several times faster than slotted dataclasses -------
_FINDING = attrgetter(*(f.name for f in fields(Finding)))
_Packed = tuple[
    list[tuple[Any, ...]], tuple[str, str, str | None] | None, set[str] | None, str | None, str, bytes | None
]


def _pack(result: Outcome | Problem, encode: bool, lean: bool) -> _Packed | Problem:
    """`lean` (with `encode`): each finding goes as its JSON and (category, severity, rule) only."""
    if isinstance(result, Problem):
        return result
    s = result.skipped
    skipped = (s.story, s.reason, s.url) if s is not None else None
    encoded = None
    if encode and result.findings:
        # the parent then only writes them: its share is what bounds the speed-up
        from .reporters.json_format import encode_records

        encoded = encode_records(result.findings)
    findings = [(f.category, f.severity, f.rule) if lean else _FINDING(f) for f in result.findings]
    return findings, skipped, result.evidence, result.error, result.ref, encoded


_Summed = tuple[int, int, int, dict[tuple[str, str, str], int], bytes, int, list[tuple[str, str, str | None]], list[Problem]]


def _sum_up(results: list[Outcome | Problem]) -> _Summed:
    """One deferred record's results as `Summed` (as a tuple: it pickles faster), counted as
    `runner.check_stories` and `Report.add_spooled` count them one by one."""
    from .reporters.json_format import encode_records

    linted = checked = with_findings = spooled = 0
    tally: dict[tuple[str, str, str], int] = {}
    encoded: list[bytes] = []
    skipped: list[tuple[str, str, str | None]] = []
    errors: list[Problem] = []
    for r in results:
        if isinstance(r, Problem):
            errors.append(r)
            continue
        linted += 1
        if r.error is not None:
            errors.append(Problem(r.ref, r.error))
            continue
        if r.findings:
            encoded.append(encode_records(r.findings))
            spooled += len(r.findings)
        if r.skipped is not None:
            skipped.append((r.skipped.story, r.skipped.reason, r.skipped.url))
            continue
        checked += 1
        if r.findings:
            with_findings += 1
            for f in r.findings:
                key = (f.category, f.severity, f.rule)
                tally[key] = tally.get(key, 0) + 1
    return linted, checked, with_findings, tally, b", ".join(encoded), spooled, skipped, errors


def _unpack(packed: _Packed | Problem, lean: bool) -> Outcome | Problem:
    if isinstance(packed, Problem):
        return packed
    findings, skipped, evidence, error, ref, encoded = packed
    back = Skipped(*skipped) if skipped else None
    if lean:
        return Outcome([], back, evidence, error, ref, encoded, tally=findings)
    return Outcome([Finding(*f) for f in findings], back, evidence, error, ref, encoded)


_WORKER_LINTER: Linter | None = None


def _worker_start(parent: int) -> None:
    """Each worker leaves interrupts to the parent, and ends with it.

    Ctrl-C reaches the whole process group: a worker that took it would print its own
    traceback; the parent stops the run and the pool instead. SIGTERM keeps its default
    (the parent's handler is inherited with the fork). A parent killed outright (SIGKILL)
    would leave its workers waiting on the queue for ever: on Linux they get SIGKILL too.
    The worker is born with the parent's handler, which only notes an interrupt (`_Interrupts`):
    one that came before it ignores Ctrl-C is dropped.
    """
    import signal  # a worker's alone: no run in one process loads it

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from . import fastre

    # A worker lints its share of a long run, so its RE2 engines are built on first need: the
    # threshold that waits for a few hundred searches is for a run of a few stories, and
    # counted anew in each worker, it had each one search with `re` alone until then (MO01's
    # outcome phrases: about a millisecond a story, over the whole text).
    fastre.COMPILE_AFTER = 1
    recache.learned()  # the parent's own, compiled before the fork: it saves them
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent ended before prctl
        os._exit(1)


class _Interrupts:
    """Ctrl-C and SIGTERM during a pooled run, taken where the run can stop cleanly (`check`).

    Raised by the signal's own handler, an interrupt lands wherever the parent is: in the
    pool's at-fork handlers (it exited 1 with "Exception ignored in _releaseLock", or hung
    the run with the pool's locks held), in a worker not yet set to ignore it (its traceback),
    or in a finalizer, which swallows it (the run went on to its end). Here the handler only
    notes it; the run asks between stories and chunks, where the original handler then takes
    it as it would have. A second one is taken at once, wherever that is.
    """

    def __init__(self) -> None:
        self.caught: list[int] = []
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> Self:
        import signal

        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(sig) is not signal.SIG_IGN:  # (ignored, as in a shell's background job, it stays so)
                    self.previous[sig] = signal.signal(sig, self._note)
        except ValueError:  # not the main thread (an embedding): its signals are not ours to hold
            pass
        return self

    def _note(self, signum: int, _: object) -> None:
        if self.caught:
            self.caught.clear()  # (taken here, not again as the block ends)
            raise KeyboardInterrupt
        self.caught.append(signum)

    def check(self) -> None:
        if self.caught:
            self._restore()

    def _restore(self) -> None:
        import signal

        for sig, handler in self.previous.items():
            if handler is not None:  # (None: set outside Python, and left so)
                signal.signal(sig, handler)
        self.previous = {}
        if self.caught:
            signal.raise_signal(self.caught.pop())  # to the handler it was meant for, now

    def __exit__(self, *_: object) -> None:
        self._restore()


_Chunk = tuple[list[list[_Packed | Problem] | _Summed], dict[str, list[Any]]]


def _lint_chunk(stories: list[Story | Deferred], record: bool, encode: bool, lean: bool) -> _Chunk:
    """The chunk's results (with `lean`, a deferred record's summed up), and the patterns the
    worker compiled for it (`recache.learned`): the reading process saves them for the next
    run, whose workers then read them instead of compiling them again (each one, every run:
    a rule's pattern is compiled on first use)."""
    assert _WORKER_LINTER is not None  # set in the parent before the fork
    results: list[list[_Packed | Problem] | _Summed] = []
    for s in stories:
        done = lint_task(_WORKER_LINTER, s, record)
        results.append(_sum_up(done) if lean and isinstance(s, Deferred) else [_pack(r, encode, lean) for r in done])
    return results, recache.learned()


@dataclass(slots=True)
class Task(Generic[T]):
    """One item of the input; `story` is what to lint (None: nothing, e.g. an input error).

    A `Deferred` story yields one result per record it holds: an `Outcome` for each
    story, the `Problem` for each part that could not be read.
    """

    item: T
    story: Story | Deferred | None


def lint_in_order(
    tasks: Iterable[Task[T]], linter: Linter, *, record: bool = False, jobs: int | None = 1, encode: bool = False,
    lean: bool = False,
) -> Iterator[tuple[T, Outcome | Problem | Summed | None]]:
    """Each task's item with its outcome, in input order.

    `jobs` 1: in this process; N > 1: N worker processes; None: this process for the
    first `AUTO_AFTER` stories, then one worker per core (when there is more than one).
    `encode`: workers also encode each finding as JSON (`Outcome.encoded`); `lean` with it: a
    worker's findings come back as that JSON and their `Outcome.tally` only, not as `Finding`s,
    and a deferred record's outcomes as one `Summed` (the reading process then builds no
    object per finding, nor per story: its share bounds the speed-up).
    """
    workers = cores() if jobs is None else max(1, jobs)
    serial = 0 if jobs is not None and workers > 1 else AUTO_AFTER
    it = iter(tasks)
    linted = 0
    if workers <= 1 or serial:
        # The linter's objects (rules, term indexes, patterns) live for the whole run: frozen,
        # the collector stops walking them at every full collection (a whole run over 1,000
        # history stories: -0.6% of its instructions)
        gc.freeze()
        try:
            for task in it:
                for pair in _here(linter, task, record):
                    yield pair
                    linted += pair[1] is not None
                if workers > 1 and linted >= serial:
                    break
            else:
                return
        finally:
            gc.unfreeze()
    yield from _pooled(it, linter, record, workers, encode, encode and lean)


def _here(linter: Linter, task: Task[T], record: bool) -> Iterator[tuple[T, Outcome | Problem | None]]:
    """One task linted in this process: its item with each result (None: nothing to lint)."""
    if task.story is None:
        yield task.item, None
        return
    for result in lint_task(linter, task.story, record):
        yield task.item, result


def _pooled(
    it: Iterator[Task[T]], linter: Linter, record: bool, workers: int, encode: bool, lean: bool
) -> Iterator[tuple[T, Outcome | Problem | Summed | None]]:
    global _WORKER_LINTER
    if isinstance(linter, Linter):
        _ = linter.prefilter  # compiled once, in the parent, and inherited
    _WORKER_LINTER = linter
    pending: deque[tuple[list[Task[T]], Future[_Chunk] | None]] = deque()

    interrupts = _Interrupts()

    def drain() -> Iterator[tuple[T, Outcome | Problem | Summed | None]]:
        chunk, future = pending[0]
        done, learned = future.result() if future is not None else ([], {})
        interrupts.check()
        results = iter(done)
        recache.adopt(learned)
        pending.popleft()  # only once its results are in: a dead worker's chunk stays to be linted here
        for task in chunk:
            if task.story is None:
                yield task.item, None
                continue
            got = next(results)
            if isinstance(got, tuple):  # a deferred record's, summed up (`lean`)
                linted, checked, with_findings, tally, encoded, spooled, skipped, errors = got
                summed = [Skipped(*k) for k in skipped]
                yield task.item, Summed(linted, checked, with_findings, tally, encoded, spooled, summed, errors)
                continue
            for packed in got:
                yield task.item, _unpack(packed, lean)

    def here(tasks: Iterable[Task[T]]) -> Iterator[tuple[T, Outcome | Problem | Summed | None]]:
        for task in tasks:
            yield from _here(linter, task, record)

    import multiprocessing  # only runs that fork pay for loading it
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux/macOS
        yield from here(it)
        return

    def send(chunk: list[Task[T]]) -> None:
        stories = [t.story for t in chunk if t.story is not None]
        pending.append((chunk, pool.submit(_lint_chunk, stories, record, encode, lean) if stories else None))

    compile_all()  # the module-level patterns too (storylint.lazyre): each worker would compile its own
    # The workers inherit the linter's objects copy-on-write; a collection in a worker would
    # touch (and so copy) every page that holds them. Frozen, they are left alone.
    gc.freeze()
    chunk: list[Task[T]] = []
    weight = 0  # stories in the chunk, a deferred record counting those it may hold
    try:
        with interrupts, ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_worker_start, initargs=(os.getpid(),)) as pool:  # fmt: skip
            try:
                for task in it:
                    interrupts.check()
                    chunk.append(task)
                    weight += task.story.count if isinstance(task.story, Deferred) else 1
                    if weight < CHUNK:
                        continue
                    send(chunk)
                    chunk, weight = [], 0
                    while len(pending) > IN_FLIGHT * workers:
                        yield from drain()
                if chunk:
                    send(chunk)
                    chunk = []
                while pending:
                    yield from drain()
            except (Exception, GeneratorExit, KeyboardInterrupt):
                # the run stops (an interrupt, a store error): the chunks queued are not linted;
                # leaving the block waits only for those the workers hold
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except BrokenProcessPool:
        log.warning("a worker process died (killed, or out of memory?); linting the rest in this process")
        lost = [task for sent, _ in pending for task in sent]
        pending.clear()
        yield from here([*lost, *chunk])
        yield from here(it)
    finally:
        gc.unfreeze()
    _WORKER_LINTER = None
