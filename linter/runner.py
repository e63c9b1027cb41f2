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
from .errors import StoreError
from .model import Deferred, Problem, Report, Story, StoryResult
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
    items: Iterable[Story | Problem | Deferred],
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
    encode_json: bool = False,
    keep_findings: bool = True,
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

    A `Deferred` item (JSON Lines lines not decoded yet) is decoded where it is linted
    when nothing here needs the story itself (no store, no `on_result`); then `read`
    counts each of its lines as a story until its results are in. `encode_json`: the output is JSON, so
    workers encode each finding for it (see `Report.spool`). `keep_findings` False (with
    `encode_json`, no store and no `on_result`): the caller only writes the report as JSON,
    so a finding a worker made is kept as its JSON and counted, not in `report.findings`
    (`Report.add_spooled`).
    """
    from .parallel import Outcome, Summed, Task, lint_in_order

    report = report or Report()
    encode_json = encode_json and jobs != 1
    if encode_json and report.spool is None and not report.findings:
        from .reporters.json_format import FindingSpool

        try:
            report.spool = FindingSpool()
        except OSError as exc:  # no usable temporary folder: the findings are encoded at the end
            log.warning("cannot spool the JSON findings (%s); encoding them at the end", exc)
    stats = RunStats()
    known: dict[str, str] = store.content_hashes(source) if (store and skip_unchanged) else {}
    run_id = store.begin_run(source, command) if store else 0
    # the domain vocabulary is the engine's; a stand-in with only `lint` and `fingerprint` has none
    domain = store is not None and isinstance(linter, Linter)
    if domain and store is not None and linter.config.vocabulary.learn and not linter.domain:
        from .domain import learned_terms, rejected_terms

        linter.use_domain(learned_terms(store, rejected_terms(linter.config.vocabulary.reject)))

    need_story = store is not None or on_result is not None
    lean = encode_json and not keep_findings and not need_story and report.spool is not None

    def add(outcome: Outcome) -> None:
        if outcome.tally is not None:
            report.add_spooled(outcome.tally, outcome.skipped, outcome.encoded)
        else:
            report.add_findings(outcome.findings, outcome.skipped, outcome.encoded)
    deferred = 0  # deferred records sent out whose results are not in yet
    # the store keeps one row per story: a ref read twice in a run (two README.md stories in
    # two folders, a page that an export repeated) keeps the last, which is worth a word
    stored: set[str] = set()
    repeated: set[str] = set()

    def once_in_store(story: Story) -> None:
        if story.ref in stored:
            if story.ref not in repeated:
                repeated.add(story.ref)
                where = f" ({story.source.removeprefix('file:')})" if story.source else ""
                log.warning(
                    "story %s appears more than once in this run%s; the store keeps the last one read "
                    "(give each story its own id)", story.ref, where,
                )
        else:
            stored.add(story.ref)

    def tasks() -> Iterator[Task[tuple[Story | Problem | Deferred, str, bool]]]:
        """Each item, its content hash, and whether it is unchanged; stories to lint go out."""
        nonlocal deferred
        for record in items:
            for item in record.resolve() if need_story and isinstance(record, Deferred) else (record,):
                if isinstance(item, Problem):
                    yield Task((item, "", False), None)
                    continue
                if isinstance(item, Deferred):
                    deferred += item.count
                    yield Task((item, "", False), item)
                else:
                    stats.read += 1
                    digest = ""
                    if store:  # the fingerprint reads every rule and the code: only a store needs it
                        domain_part = linter.domain_key(item.project) if domain else ""
                        digest = content_hash(item, linter.fingerprint + domain_part)
                    unchanged = skip_unchanged and known.get(item.ref) == digest
                    yield Task((item, digest, unchanged), None if unchanged else item)
                if progress is not None:
                    progress(stats.read + deferred, linted)

    linted = 0
    last: Deferred | None = None
    try:
        for (item, digest, unchanged), outcome in lint_in_order(tasks(), linter, record=domain, jobs=jobs, encode=encode_json, lean=lean):
            if isinstance(item, Problem):
                report.errors.append(item)
                continue
            if isinstance(item, Deferred):  # decoded and linted by a worker: no story here
                if item is not last:
                    last = item
                    deferred -= item.count
                if isinstance(outcome, Problem):
                    report.errors.append(outcome)
                    continue
                if isinstance(outcome, Summed):  # all of the record's stories at once (`lean`)
                    stats.read += outcome.linted
                    linted += outcome.linted
                    report.errors.extend(outcome.errors)
                    report.add_summed(outcome.checked, outcome.with_findings, outcome.tally, outcome.skipped,
                                      outcome.encoded, outcome.spooled)  # fmt: skip
                    continue
                assert outcome is not None
                stats.read += 1
                linted += 1
                if outcome.error is not None:
                    report.errors.append(Problem(outcome.ref, outcome.error))
                else:
                    add(outcome)
                continue
            assert not isinstance(outcome, Problem | Summed)
            if unchanged:
                stats.unchanged += 1
                if complete and store is not None:
                    store.mark_seen(run_id, source, item.ref)
                if store is not None:
                    once_in_store(item)
                continue
            assert outcome is not None
            linted += 1
            if outcome.error is not None:
                report.errors.append(Problem(item.ref, outcome.error))
                continue
            result = StoryResult(item, findings=outcome.findings, skipped=outcome.skipped)
            add(outcome)
            if store is not None:
                if domain and item.project:  # first: a run killed in between re-lints the story next time
                    store.save_domain_evidence(item.project, item.ref, outcome.evidence or set())
                store.save_result(run_id, source, result, digest)
                once_in_store(item)
            if on_result is not None:
                on_result(result)
        if progress is not None:
            progress(stats.read, linted)
    except BaseException:
        if store is not None:
            try:
                store.finish_run(run_id, source, report, stories_read=stats.read, status="failed")
            except StoreError as exc:  # the store that failed the run fails this too: say the first
                log.debug("marking the run failed: %s", exc.message)
        raise
    if store is not None:
        store.finish_run(
            run_id, source, report, stories_read=stats.read, status="ok", complete=complete
        )
    return report, stats


def files_source(paths: Iterable[str], name: str | None = None) -> str:
    """The store's source name for `storylint check` over `paths`: `files:` and the inputs,
    or `files:` and the `--source` name a user gave.

    Different inputs are different sources, so a run over one file never counts another
    file's stories as removed; the same files, in any order or spelling, are the same one.
    Stdin is always `-`: two jobs that pipe different stories into one store, or a nightly
    whose list of files changes, say which history they continue with `--source`.
    """
    if name is not None:
        return f"files:{name.strip()}"
    names = sorted({p if p == "-" else os.path.realpath(p) for p in paths} or {"-"})
    joined = ",".join(names)
    if len(joined) > 400:  # a long glob: keep the name readable, and still unique
        digest = hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        joined = f"{names[0]} and {len(names) - 1} more ({digest})"
    return f"files:{joined}"
