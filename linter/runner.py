"""Run the engine over a stream of stories, feeding the store and building a Report.

Stories are streamed: memory grows with the findings, not with the input. Input
problems become `Problem` records in the report; they never stop the other stories.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .engine import Linter
from .model import Problem, Report, Story, StoryResult
from .store import Store

log = logging.getLogger("storylint.runner")


def content_hash(story: Story, fingerprint: str) -> str:
    """What decides whether a story must be linted again: its text, scope fields and the rules."""
    h = hashlib.sha256()
    author = story.author
    for part in (
        fingerprint,
        story.title,
        story.body,
        story.body_format.value,
        story.type or "",
        "\x1f".join(story.labels),
        story.project or "",
        (author.id or author.login or author.email or "") if author else "",
        ",".join(author.groups) if author else "",
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass(slots=True)
class RunStats:
    read: int = 0
    unchanged: int = 0


def check_stories(
    items: Iterable[Story | Problem],
    linter: Linter,
    *,
    store: Store | None = None,
    source: str = "files",
    command: str = "check",
    skip_unchanged: bool = False,
    complete: bool = False,
    on_result: Callable[[StoryResult], None] | None = None,
    report: Report | None = None,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Report, RunStats]:
    """Lint every story; with a store, record each result as it is made and the run at the end.

    With `skip_unchanged`, a story whose content hash matches the store is not linted
    again (nightly incremental runs). A run that dies half way has saved every story it
    finished; its run row stays 'running' (then 'failed' if we saw the exception).
    `complete` says the items are the whole source (not only what changed): the store
    then stops counting the source's stories this run did not see (see `Store.finish_run`).
    `jobs`: worker processes that lint (see `storylint.parallel`; None: by input size);
    reading, the store and the report stay here, in input order. `progress(read, linted)`
    is called as stories are read and linted.
    """
    from .parallel import Task, lint_in_order

    report = report or Report()
    stats = RunStats()
    known: dict[str, str] = store.content_hashes(source) if (store and skip_unchanged) else {}
    run_id = store.begin_run(source, command) if store else 0
    # the domain vocabulary is the engine's; a stand-in with only `lint` and `fingerprint` has none
    domain = store is not None and isinstance(linter, Linter)
    if domain and store is not None and linter.config.vocabulary.learn and not linter.domain:
        from .domain import learned_terms, rejected_terms

        linter.use_domain(learned_terms(store, rejected_terms(linter.config.vocabulary.reject)))

    def tasks() -> Iterator[Task[tuple[Story | Problem, str, bool]]]:
        """Each item, its content hash, and whether it is unchanged; stories to lint go out."""
        for item in items:
            if isinstance(item, Problem):
                yield Task((item, "", False), None)
                continue
            stats.read += 1
            fingerprint = linter.fingerprint + linter.domain_key(item.project) if domain else linter.fingerprint
            digest = content_hash(item, fingerprint) if store else ""
            unchanged = skip_unchanged and known.get(item.ref) == digest
            yield Task((item, digest, unchanged), None if unchanged else item)
            if progress is not None:
                progress(stats.read, linted)

    linted = 0
    try:
        for (item, digest, unchanged), outcome in lint_in_order(tasks(), linter, record=domain, jobs=jobs):
            if isinstance(item, Problem):
                report.errors.append(item)
                continue
            if unchanged:
                stats.unchanged += 1
                if complete and store is not None:
                    store.mark_seen(run_id, source, item.ref)
                continue
            assert outcome is not None
            linted += 1
            if outcome.error is not None:
                report.errors.append(Problem(item.ref, outcome.error))
                continue
            result = StoryResult(item, findings=outcome.findings, skipped=outcome.skipped)
            report.add(result)
            if store is not None:
                if domain and item.project:  # first: a run killed in between re-lints the story next time
                    store.save_domain_evidence(item.project, item.ref, outcome.evidence or set())
                store.save_result(run_id, source, result, digest)
            if on_result is not None:
                on_result(result)
        if progress is not None:
            progress(stats.read, linted)
    except BaseException:
        if store is not None:
            store.finish_run(run_id, source, report, stories_read=stats.read, status="failed")
        raise
    if store is not None:
        store.finish_run(
            run_id, source, report, stories_read=stats.read, status="ok", complete=complete
        )
    return report, stats


def files_source(paths: Iterable[str]) -> str:
    """The store's source name for `storylint check` over `paths`: `files:` and the inputs.

    Different inputs are different sources, so a run over one file never counts another
    file's stories as removed; the same files, in any order or spelling, are the same one.
    """
    names = sorted({p if p == "-" else os.path.realpath(p) for p in paths} or {"-"})
    joined = ",".join(names)
    if len(joined) > 400:  # a long glob: keep the name readable, and still unique
        digest = hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        joined = f"{names[0]} and {len(names) - 1} more ({digest})"
    return f"files:{joined}"
