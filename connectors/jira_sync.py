"""The nightly run: read what changed since the last successful sync, lint it, remember it.

Per source (``jira:<server>|<jql>``) the store keeps the last successful sync point (the
server's clock when that run started). The next run searches only
``updated >= <sync point - margin>`` in the user's time zone (Jira compares at minute
precision in that zone), so the window overlaps the previous one; content hashes then
decide what is linted again, so nothing is missed and nothing is linted twice. With no
change the run makes exactly one search call and lints nothing.

Every finished story is saved as it is made, so a run that dies half way keeps them; the
sync point moves only when the whole run succeeded (and read every issue without error),
so the next run covers the rest; nor does it move when paging could not check that no issue
was skipped (see :mod:`.jira_search`). A story whose comment or label could not be written
holds the sync point back: it moves no further than that issue's `updated` time, and the
story's hash is forgotten, so the next run reads, lints and writes it again (the others in
the window are unchanged and cost nothing). ``full`` ignores the sync point and the hashes,
and reads the whole query: stories it no longer finds stop counting in the store.

A dry run (``--dry-run``) previews the next real run without changing what it will do: it
is recorded (a run row ``jira --dry-run``, each linted story's findings, for reports), but
the sync point does not move and the hashes of the stories it linted are forgotten, so the
next real run reads the same window, lints them again and writes their comments and labels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from storylint.errors import ConnectorError
from storylint.model import Problem, Report, Story, StoryResult

from .jira import DEFAULT_MARGIN, JiraConnector

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Iterator

    from storylint.runner import RunStats
    from storylint.store import Store

    from .jira_writeback import JiraWriteBack

log = logging.getLogger("storylint.jira")


@dataclass(slots=True)
class SyncOutcome:
    report: Report
    read: int
    unchanged: int
    search_calls: int
    jql: str
    sync_point: str | None
    advanced: bool
    #: write-back failures (also in ``report.errors``); each holds the sync point back
    write_errors: int = 0


def is_baseline(store: Store | None, connector: JiraConnector) -> bool:
    """Whether this run is the query's first against the store (no successful run before).

    ``storylint jira --comment`` makes such a run a baseline: it lints and records every story
    but writes nothing to Jira, so adopting storylint does not comment on every old story.
    A first run that failed half way leaves no sync point, so the retry is a baseline too.
    """
    return store is not None and store.sync_point(connector.name) is None


def _lint(
    connector: JiraConnector,
    linter: Any,
    stories: Iterable[Story | Problem],
    *,
    store: Store | None,
    full: bool,
    writeback: JiraWriteBack | None,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    complete: bool = False,
    dry_run: bool = False,
) -> tuple[Report, RunStats]:
    """Lint and record the stories of an open connector, writing back as each is done.

    `complete`: the stories are the whole query (``--full``), so the store stops counting
    the ones it no longer finds (deleted, moved out of the query). `dry_run`: each linted
    story's hash is forgotten, so that the next real run lints it again and writes back.
    """
    from storylint.runner import check_stories

    report = Report()

    def write_back(result: StoryResult) -> None:
        failed = False
        if writeback is not None:
            before, failures = len(writeback.errors), len(writeback.failed)
            writeback(result)
            report.errors.extend(writeback.errors[before:])  # in the report (and the run row) at once
            failed = len(writeback.failed) > failures
        if store is not None and (failed or dry_run):  # at once: a run that dies still retries it
            store.forget_content_hash(connector.name, result.story.ref)

    return check_stories(
        stories,
        linter,
        store=store,
        source=connector.name,
        command="jira --dry-run" if dry_run else "jira",
        skip_unchanged=store is not None and not full,
        complete=complete,
        on_result=write_back if writeback is not None or (dry_run and store is not None) else None,
        report=report,
        jobs=jobs,
        progress=progress,
    )


def run_jira(
    connector: JiraConnector,
    linter: Any,
    *,
    store: Store | None = None,
    full: bool = False,
    writeback: JiraWriteBack | None = None,
    margin: timedelta = DEFAULT_MARGIN,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> SyncOutcome:
    """Lint the connector's stories; with a store, incrementally.

    `dry_run`: the sync point stays where it was and the linted stories' hashes are
    forgotten (the run and the findings are still recorded), so the next real run does
    exactly what it would have done without this one.
    """
    try:
        connector.connect()
        started = connector.server_time()
        if store is not None and not full:
            connector.set_window(store.sync_point(connector.name), margin)
        report, stats = _lint(connector, linter, _read(connector), store=store, full=full,
                              writeback=writeback, jobs=jobs, progress=progress, complete=full,
                              dry_run=dry_run)  # fmt: skip
    finally:
        connector.close()
    advanced = False
    write_errors = len(writeback.errors) if writeback is not None else 0
    read_errors = len(report.errors) - write_errors
    failed = writeback.failed if writeback is not None else []
    held = _held_point(started, failed)
    point = held.isoformat(timespec="seconds") if held is not None else None
    unverified = connector.stats.unverified
    if store is not None and dry_run:
        log.info("dry run: the sync point stays where it was")
    elif store is not None:
        if read_errors:
            log.warning("%d issue(s) could not be read; the sync point stays where it was", read_errors)
        elif unverified:
            # Jira sent one issue a page, so no page overlapped the one before: an issue that
            # left the query meanwhile may have shifted another past a page edge unseen.
            log.warning("Jira sent %d page(s) of one issue, so paging could not check that no issue was"
                        " skipped; the sync point stays where it was and the next run reads the same"
                        " window again", unverified)  # fmt: skip
        elif point is None:
            log.warning("not written to %s (no updated time): the sync point stays where it was; the next"
                        " run retries", _keys(failed))  # fmt: skip
        else:
            if failed:
                log.warning("not written to %s: the sync point moves only to %s; the next run retries",
                            _keys(failed), point)  # fmt: skip
            store.set_sync_point(connector.name, point)
            advanced = True
    _log_stats(connector, stats)
    return SyncOutcome(report, stats.read, stats.unchanged, connector.stats.calls, connector.search_jql,
                       point if advanced else None, advanced, write_errors)  # fmt: skip


def _read(connector: JiraConnector) -> Iterator[Story | Problem]:
    """The query's stories; a search that fails part way ends the read as one error, so the
    report still holds every story read before it (and the sync point stays where it was)."""
    try:
        yield from connector.stories()
    except ConnectorError as exc:
        yield Problem(connector.name, exc.message)


def _held_point(started: datetime, failed: list[Story]) -> datetime | None:
    """The sync point this run may set: when it started, but no later than the oldest
    `updated` of a story whose write-back failed (so the next window holds it again);
    None when such a story has no `updated` (the sync point must not move at all)."""
    point = started
    for story in failed:
        if story.updated is None:
            return None
        updated = story.updated if story.updated.tzinfo else story.updated.replace(tzinfo=UTC)
        point = min(point, updated.astimezone(UTC))
    return point


def _keys(stories: list[Story]) -> str:
    keys = [s.key or s.id for s in stories]
    return ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")


def run_jira_issues(
    connector: JiraConnector,
    linter: Any,
    keys: list[str],
    *,
    store: Store | None = None,
    full: bool = False,
    writeback: JiraWriteBack | None = None,
    dry_run: bool = False,
) -> SyncOutcome:
    """Lint exactly these issues (``storylint jira --issue``), one GET each.

    Recorded in the store like a nightly run (a run row, each story's hash and findings;
    unchanged stories are not linted again unless `full`), but the nightly sync point never
    moves: these issues say nothing about the rest of the query. `dry_run` as for
    :func:`run_jira`.
    """
    try:
        connector.connect()
        report, stats = _lint(connector, linter, connector.issue_stories(keys), store=store, full=full,
                              writeback=writeback, dry_run=dry_run)  # fmt: skip
    finally:
        connector.close()
    _log_stats(connector, stats)
    write_errors = len(writeback.errors) if writeback is not None else 0
    return SyncOutcome(report, stats.read, stats.unchanged, connector.stats.calls, "", None, False, write_errors)


def _log_stats(connector: JiraConnector, stats: RunStats) -> None:
    log.info(
        "read %d issue(s) in %d call(s); %d unchanged; %d retr%s",
        stats.read, connector.stats.calls, stats.unchanged, connector.caller.retries,
        "y" if connector.caller.retries == 1 else "ies",
    )  # fmt: skip
