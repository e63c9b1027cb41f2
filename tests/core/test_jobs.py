"""`--jobs`: worker processes lint, the output is byte for byte one process's; the
progress line shows only at a terminal (tests/stories.py: the repository's own stories)."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylint import parallel
from storylint.engine import Linter
from storylint.model import Problem, Story, StoryResult
from tests.core.spies import count_calls
from tests.stories import case_stories, write_jsonl


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "storylint", *args], capture_output=True, check=False, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def stories_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = case_stories(copies=2)
    path = write_jsonl(tmp_path_factory.mktemp("jobs") / "stories.jsonl", rows)
    jira = {"issues": [{"id": str(i), "key": f"PRJ-{i}", "fields": {
        "summary": "Refactor the billing module", "description": "h2. Notes\n{code:sql}SELECT id FROM orders{code}",
        "issuetype": {"name": "Story"}, "labels": []}} for i in (1, 2)] + [{"key": "PRJ-3", "fields": None}]}  # fmt: skip
    with path.open("a", encoding="utf-8") as fh:  # input errors keep their place among the results
        fh.write("{not json\n")
        fh.write('{"id": "X-1", "title": "Add a Redis cache", "body": "We should cache it."}\n')
        fh.write("[1, 2]\n")
        fh.write(json.dumps(jira) + "\n")  # one line, several stories and a broken one
    with path.open("ab") as raw:
        raw.write(b'{"id": "X-2", "title": "Bad \xff byte"}\n')
        raw.write(b'{"id": "X-3", "title": "Use a modal for the \\ud800 lone surrogate"}\n')
    assert len(rows) > 300
    return path


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_jobs_2_gives_the_same_bytes_as_jobs_1(stories_file: Path, tmp_path: Path, fmt: str) -> None:
    one = run("check", str(stories_file), "--format", fmt, "--jobs", "1", cwd=tmp_path)
    two = run("check", str(stories_file), "--format", fmt, "--jobs", "2", cwd=tmp_path)
    assert one.returncode == two.returncode == 2  # the input errors
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert b"Error: " in one.stderr


def test_jobs_with_a_store_records_the_same(stories_file: Path, tmp_path: Path) -> None:
    outs = []
    for jobs in ("1", "2"):
        db = tmp_path / f"runs{jobs}.db"
        res = run("check", str(stories_file), "--format", "json", "--jobs", jobs, "--store", str(db), cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        again = run("check", str(stories_file), "--format", "json", "--jobs", jobs, "--store", str(db), cwd=tmp_path)
        outs.append((res.stdout, again.stdout))
    assert outs[0] == outs[1]


def test_with_jobs_the_workers_decode_the_lines(stories_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What crosses to a worker is the line as read: the parent decodes no story."""
    from storylint.connectors import files
    from storylint.runner import check_stories

    decoded: list[object] = []
    real = files._record

    def counting(*args: Any, **kw: Any) -> Any:
        decoded.append(1)  # in a forked worker, this list is the worker's own copy
        return real(*args, **kw)

    monkeypatch.setattr(files, "_record", counting)
    reports = {}
    for jobs in (1, 2):
        decoded.clear()
        connector = files.FileConnector([str(stories_file)], defer=True)
        reports[jobs], stats = check_stories(connector.stories(), Linter(), jobs=jobs, encode_json=True)
        assert stats.read == reports[jobs].summary.stories_checked + reports[jobs].summary.stories_skipped
        assert (len(decoded) >= stats.read) if jobs == 1 else not decoded
    one, two = reports[1], reports[2]
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert [e.to_dict() for e in one.errors] == [e.to_dict() for e in two.errors]
    assert len(one.errors) == 3 and one.spool is None  # one process: nothing to spool
    # the workers encoded each finding as the JSON reporter would, kept on disk in order
    assert two.spool is not None and two.spool.count == len(two.findings)
    spooled = io.StringIO()
    two.spool.copy_to(spooled)
    assert json.loads(f"[{spooled.getvalue()}]") == [f.to_dict() for f in two.findings]


def test_auto_jobs_over_deferred_lines_switches_mid_file(stories_file: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The first stories linted here, the rest by workers: the same report, and the JSON
    document the same bytes (findings encoded here and there alike)."""
    from storylint.connectors.files import FileConnector
    from storylint.output import emit
    from storylint.runner import check_stories

    monkeypatch.setattr(parallel, "AUTO_AFTER", 40)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    docs = []
    for jobs in (1, None):
        connector = FileConnector([str(stories_file)], defer=True)
        report, _ = check_stories(connector.stories(), Linter(), jobs=jobs, encode_json=True)
        out = tmp_path / f"out-{jobs}.json"
        with out.open("w", encoding="utf-8") as fh:
            emit(report, "json", Linter(), stream=fh)
        docs.append(out.read_bytes())
        if jobs is None:  # encoded here for the first stories, by the workers for the rest
            assert report.spool is not None and report.spool.count == len(report.findings)
    assert docs[0] == docs[1]


def _tasks(n: int) -> list[parallel.Task[int]]:
    rows = case_stories(copies=1)
    return [parallel.Task(i, Story.model_validate(rows[i % len(rows)]) if i % 7 else None) for i in range(n)]


def test_results_come_back_in_input_order_with_few_chunks_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    linter = Linter()
    tasks = _tasks(parallel.CHUNK * 9 + 5)
    serial = list(parallel.lint_in_order(tasks, linter, jobs=1))
    read = 0

    def reading() -> object:
        nonlocal read
        for task in tasks:
            read += 1
            yield task

    pooled = []
    for item, outcome in parallel.lint_in_order(reading(), linter, jobs=2):
        pooled.append((item, outcome))
        # streaming: the reader is never more than the in-flight chunks ahead
        assert read - len(pooled) <= parallel.CHUNK * (parallel.IN_FLIGHT * 2 + 2)
    assert [i for i, _ in pooled] == list(range(len(tasks)))
    assert [(i, o and [f.to_dict() for f in o.findings]) for i, o in pooled] == [
        (i, o and [f.to_dict() for f in o.findings]) for i, o in serial
    ]


def test_auto_jobs_switches_to_workers_past_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "AUTO_AFTER", 10)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    started = count_calls(monkeypatch, parallel, "_pooled")
    tasks = _tasks(200)
    out = list(parallel.lint_in_order(tasks, Linter(), jobs=None))
    assert started and [i for i, _ in out] == list(range(200))
    started.clear()
    list(parallel.lint_in_order(tasks[:9], Linter(), jobs=None))
    assert not started  # a small input stays in one process


class Failing:
    """A linter stand-in whose `lint` breaks on one story: the bug costs that story only."""

    def lint(self, story: Story) -> StoryResult:
        if story.id == "C0-3":
            raise RuntimeError("boom")
        return StoryResult(story)


def test_an_internal_error_in_a_worker_costs_one_story() -> None:
    tasks = [t for t in _tasks(100) if t.story is not None]
    out = list(parallel.lint_in_order(tasks, Failing(), jobs=2))  # type: ignore[arg-type]
    errors = [(i, o.error) for i, o in out if o is not None and o.error]
    assert len(errors) == 1 and errors[0][1] == "internal error while linting: RuntimeError"
    assert len(out) == len(tasks)


# -- progress ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("long") / "long.jsonl", case_stories(copies=6))


@pytest.fixture(scope="module")
def longer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Some 25,000 stories: a run that takes seconds even on an idle machine, so that a signal
    sent half a second after its workers start finds it still linting (the ~5,000 of
    `long_file` were sometimes all linted by then, and the run ended with its findings)."""
    return write_jsonl(tmp_path_factory.mktemp("longer") / "longer.jsonl", case_stories(copies=30))


def test_no_progress_when_stderr_is_not_a_terminal(long_file: Path, tmp_path: Path) -> None:
    res = run("check", str(long_file), "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert res.returncode == 0
    assert res.stderr == b""
    assert res.stdout.startswith(b"{")


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    primary, secondary = pty.openpty()
    out_path = cwd / f"stdout-{time.monotonic_ns()}.json"
    with out_path.open("wb") as stdout:  # a file: a full pipe nobody reads would block the run
        proc = subprocess.Popen([sys.executable, "-m", "storylint", *args], stdout=stdout,
                                stderr=secondary, stdin=subprocess.DEVNULL, cwd=cwd)  # fmt: skip
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the other side closed
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        status = proc.wait(timeout=60)
        return status, out_path.read_bytes(), seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)


def test_progress_on_a_terminal_and_not_with_quiet(long_file: Path, tmp_path: Path) -> None:
    args = ["check", str(long_file), "--format", "json", "--fail-on", "never"]
    status, out, err = _stderr_on_a_terminal(args, tmp_path)
    assert status == 0 and out.startswith(b"{")  # stdout untouched
    assert b"Linting" in err and b"linted" in err
    status, out_quiet, err = _stderr_on_a_terminal([*args, "-q"], tmp_path)
    assert status == 0 and err == b""
    assert out_quiet == out


# -- a worker that dies ---------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    """The processes `pid` started (its pool's workers), from /proc."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def test_a_worker_killed_mid_run_costs_no_story_and_no_hang(long_file: Path, tmp_path: Path) -> None:
    """The OOM killer or `kill -9` ends one worker: `multiprocessing.Pool` waited for ever for
    the chunk it held. The run now says so and lints what was lost in this process."""
    args = ["check", str(long_file), "--format", "json", "--fail-on", "never"]
    expected = run(*args, "--jobs", "1", cwd=tmp_path)
    assert expected.returncode == 0, expected.stderr
    out = tmp_path / "out.json"
    with out.open("wb") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "storylint", *args, "--jobs", "2"], stdout=stdout,
                                stderr=subprocess.PIPE, cwd=tmp_path)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (workers := _children(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert workers, "no worker started"
        os.kill(workers[0], 9)
        _, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert b"a worker process died (killed, or out of memory?); linting the rest in this process" in err
    assert out.read_bytes() == expected.stdout


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt here, and a program started from here gets its default, as at
    a terminal: a shell's background job (as a test run may be) starts with Ctrl-C ignored."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "ctrl-c at the fork"])
def test_an_interrupted_pooled_run_stops_cleanly(longer_file: Path, tmp_path: Path, how: str, ctrl_c_raises: None) -> None:
    """Ctrl-C (SIGINT to the whole process group) or SIGTERM (to storylint alone: a CI job
    cancelled, `timeout`) in the middle of a `--jobs 2` run: one `Error: interrupted` line,
    exit 2, no worker's traceback, no worker left behind, the store's run marked failed.
    "At the fork": Ctrl-C the moment the workers exist, before they could ignore it (a loaded
    machine's timing) — it printed a worker's traceback, exited 1 or hung."""
    import signal
    import sqlite3

    db = tmp_path / "history.db"
    out = tmp_path / "out.txt"
    with out.open("wb") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "storylint", "check", str(longer_file), "--jobs", "2",
                                 "--store", str(db)], stdout=stdout, stderr=subprocess.PIPE, cwd=tmp_path,
                                start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) == 2, "no workers started"
        if how != "ctrl-c at the fork":
            time.sleep(0.5)  # the workers are linting
        if how.startswith("ctrl-c"):
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 2, err
    assert err == b"Error: interrupted\n"
    assert out.read_bytes() == b""
    deadline = time.monotonic() + 10
    while (left := [w for w in workers if _alive(w)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, "workers left behind"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie that no one reaped yet has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_json_with_jobs_and_a_full_temporary_folder_still_writes_the_report(long_file: Path, tmp_path: Path) -> None:
    """With `--jobs` (or past 2,000 stories), JSON findings go to a temporary file first; a
    full temporary folder stopped the run with "internal error: OSError" and no report at all.
    What the file could not take is then kept in memory: the same bytes. A file size limit
    stands in for the full folder (stdout is a pipe, which the limit does not touch)."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    args = ["check", str(long_file), "--format", "json", "--fail-on", "never"]
    expected = run(*args, "--jobs", "1", cwd=tmp_path)
    proc = subprocess.run([sys.executable, "-m", "storylint", *args, "--jobs", "2"], capture_output=True, cwd=tmp_path,
                          preexec_fn=small_files, check=False, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"storylint: WARNING: cannot spool the JSON findings (File too large); keeping them in memory\n"
    assert proc.stdout == expected.stdout


def test_the_progress_line_is_erased_at_the_end(long_file: Path, tmp_path: Path) -> None:
    """At a terminal the line is gone when the run ends: the report (stdout, often the same
    terminal) or the prompt starts on a clean line, not under the last count."""
    status, out, err = _stderr_on_a_terminal(["check", str(long_file), "--format", "json", "--fail-on", "never"],
                                             tmp_path)  # fmt: skip
    assert status == 0 and out.startswith(b"{")
    assert b"linted" in err
    assert err.endswith(b"\r\x1b[2K\x1b[?25h")  # back to the line's start, erased, cursor shown

@pytest.mark.parametrize(("encoding", "errors"), [("utf-8", "strict"), ("utf-8", "surrogatepass"), ("latin-1", "replace")])
def test_the_spool_writes_what_the_stream_would_write_for_the_text(tmp_path: Path, encoding: str, errors: str) -> None:
    """The spool keeps the workers' bytes; a UTF-8 output gets them as they are, any other
    (or a lone surrogate, which only the stream's error handler may decide about) gets the
    text, encoded by the stream: the same bytes as writing each record's JSON there."""
    from storylint.model import Finding
    from storylint.reporters.json_format import FindingSpool, encode_record, encode_records

    def finding(excerpt: str) -> Finding:
        return Finding(story="S-1", rule="DM01", name="n", category="data_model", severity="warning",
                       message="m", excerpt=excerpt, suggestion="s")  # fmt: skip

    stories = [[finding("naïve “quoted” café"), finding("한국어 €")], [finding("plain")]]
    if errors != "strict":
        stories.append([finding("lone \ud800 surrogate")])
    spool = FindingSpool()
    for i, findings in enumerate(stories):  # a worker's bytes, and records encoded here
        spool.add(findings, encode_records(findings) if i % 2 == 0 else None)
    expected = "head " + ", ".join(encode_record(f.to_dict()) for fs in stories for f in fs) + " tail"
    written = tmp_path / "out.json"
    with written.open("w", encoding=encoding, errors=errors) as stream:
        stream.write("head ")
        spool.copy_to(stream)
        stream.write(" tail")
    assert written.read_bytes() == expected.encode(encoding, errors)
    assert spool.count == 3 + (errors != "strict")
    text = io.StringIO()  # no bytes under it
    spool.copy_to(text)
    assert text.getvalue() == expected[5:-5]


def test_a_json_report_keeps_a_workers_findings_as_their_json_only(stories_file: Path, tmp_path: Path) -> None:
    """`keep_findings=False` (what `check --format json` asks): the reading process builds no
    `Finding` for what a worker linted, yet the document, the counts and the worst severity
    (the exit status) are one process's."""
    from storylint.connectors.files import FileConnector
    from storylint.output import emit
    from storylint.runner import check_stories

    docs, reports = [], []
    for jobs, keep in ((1, True), (2, False)):
        connector = FileConnector([str(stories_file)], defer=True)
        report, _ = check_stories(connector.stories(), Linter(), jobs=jobs, encode_json=True, keep_findings=keep)
        out = tmp_path / f"out-{jobs}.json"
        with out.open("w", encoding="utf-8") as fh:
            emit(report, "json", Linter(), stream=fh)
        docs.append(out.read_bytes())
        reports.append(report)
    one, two = reports
    assert docs[0] == docs[1]
    assert two.findings == [] and two.spooled_only == one.summary.findings > 0
    assert two.summary == one.summary and two.worst_severity() == one.worst_severity() > 0


def test_workers_build_their_re2_engines_on_first_need() -> None:
    """Counted anew in each worker, fastre's threshold (a few hundred searches before RE2 is
    built, for a run of a few stories) had every worker search with `re` alone until then;
    a worker lints part of a long run, so it builds them at once. The parent keeps it."""
    from storylint import fastre
    from storylint.model import Finding

    class Reporting:  # a stand-in linter: each story's finding says the worker's threshold
        def lint(self, story: Story) -> StoryResult:
            seen = Finding(story=story.ref, rule="X", name="x", category="c", severity="info",
                           message=str(fastre.COMPILE_AFTER), excerpt="", suggestion="")  # fmt: skip
            return StoryResult(story, findings=[seen])

    tasks = [parallel.Task(i, Story(id=str(i), title="t", body="b")) for i in range(6)]
    out = list(parallel.lint_in_order(tasks, Reporting(), jobs=2))  # type: ignore[arg-type]
    assert [o.findings[0].message for _, o in out if isinstance(o, parallel.Outcome)] == ["1"] * 6
    assert fastre.COMPILE_AFTER > 1


def test_the_patterns_workers_compile_are_kept_for_the_next_run(stories_file: Path, tmp_path: Path) -> None:
    """A rule's pattern is compiled on first use, in the worker that needs it; only the reading
    process saves the compiled-pattern cache (`storylint.recache`), so every `--jobs` run had
    each worker compile those patterns anew with `re` (some 35 long alternations a worker).
    The workers hand them back: the cache then holds what a `--jobs 1` run's holds."""
    kept = []
    for jobs in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if k != "STORYLINT_NO_CACHE"}
        env["XDG_CACHE_HOME"] = str(tmp_path / f"cache{jobs}")
        res = subprocess.run([sys.executable, "-m", "storylint", "check", str(stories_file), "--format", "json",
                              "--jobs", jobs], capture_output=True, check=False, cwd=tmp_path, env=env, timeout=120)  # fmt: skip
        assert res.returncode == 2, res.stderr  # the file's input errors
        (cache,) = (tmp_path / f"cache{jobs}" / "storylint").glob("re-*.json")
        kept.append(set(json.loads(cache.read_bytes())))
    one, two = kept
    assert len(one) > 20
    assert one - two == set()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_json_lines_go_to_the_workers_in_blocks_and_read_as_line_by_line(tmp_path: Path, newline: bytes) -> None:
    """With `--jobs`, the reading process handled every line (an object, a task, its pickling:
    its share bounds the speed-up); it now sends blocks of lines as read, and the workers
    decode them into what reading line by line gives: the same stories, the same problems on
    the same line numbers, blank lines passed over, an input of blank lines still an error."""
    from storylint.connectors import files
    from storylint.model import Deferred

    rows = [json.dumps({"id": f"S-{i}", "title": f"Story {i}", "body": "As a user I want it."}).encode() for i in range(150)]
    rows[3], rows[70], rows[71] = b"{not json", b"   ", b""
    rows[100] = json.dumps({"issues": [{"key": "P-1", "fields": {"summary": "One"}}, {"key": "P-2", "fields": None}]}).encode()
    path = tmp_path / "s.jsonl"
    path.write_bytes(newline.join(rows) + newline)
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(newline * 200)
    for source in (path, blank):
        read = list(files.FileConnector([str(source)]).stories())
        deferred = list(files.FileConnector([str(source)], defer=True).stories())
        assert len(deferred) < 10  # blocks, not lines
        resolved = [r for d in deferred for r in (d.resolve() if isinstance(d, Deferred) else [d])]
        assert resolved == read
    assert read == [files.Problem(str(blank), "empty input: no stories")]


def test_a_lean_worker_sums_up_a_blocks_stories_as_one_process_counts_them(stories_file: Path) -> None:
    """For a JSON report (`lean`), the reading process took each story's outcome from the
    workers and counted it (its share bounds the speed-up); a worker now hands back one
    `Summed` per block of lines: the same stories, findings by rule, JSON, skipped stories
    and problems, in order, as the outcomes of one process."""
    from storylint.connectors.files import FileConnector
    from storylint.model import Deferred
    from storylint.reporters.json_format import encode_records

    records = list(FileConnector([str(stories_file)], defer=True).stories())
    tasks = [parallel.Task(i, r if isinstance(r, Deferred) else None) for i, r in enumerate(records)]
    summed = [o for _, o in parallel.lint_in_order(tasks, Linter(), jobs=2, encode=True, lean=True)]
    assert len(summed) == len(tasks) and all(isinstance(s, parallel.Summed) for s in summed if s is not None)
    one = [o for _, o in parallel.lint_in_order(tasks, Linter(), jobs=1)]
    outcomes = [o for o in one if isinstance(o, parallel.Outcome)]
    counted = [o for o in outcomes if o.error is None and o.skipped is None]
    tally: dict[tuple[str, str, str], int] = {}
    for f in (f for o in counted for f in o.findings):
        tally[(f.category, f.severity, f.rule)] = tally.get((f.category, f.severity, f.rule), 0) + 1
    errors = [o if not isinstance(o, parallel.Outcome) else Problem(o.ref, o.error) for o in one
              if o is not None and (not isinstance(o, parallel.Outcome) or o.error is not None)]  # fmt: skip
    got = [s for s in summed if isinstance(s, parallel.Summed)]
    assert sum(s.linted for s in got) == len(outcomes) > 300
    assert sum(s.checked for s in got) == len(counted)
    assert sum(s.with_findings for s in got) == sum(1 for o in counted if o.findings)
    merged: dict[tuple[str, str, str], int] = {}
    for s in got:
        for key, n in s.tally.items():
            merged[key] = merged.get(key, 0) + n
    assert merged == tally
    assert b", ".join(s.encoded for s in got if s.encoded) == b", ".join(encode_records(o.findings) for o in outcomes if o.findings)
    assert [k for s in got for k in s.skipped] == [o.skipped for o in outcomes if o.skipped is not None]
    assert [e for s in got for e in s.errors] == errors and len(errors) >= 3


def test_a_serial_run_freezes_the_collector_while_it_lints_and_unfreezes_after() -> None:
    """The linter's long-lived objects are frozen for the run (the collector stops walking
    them); the freeze must not outlive the run, nor be lost when the caller stops early."""
    import gc

    linter = Linter()
    tasks = [parallel.Task(i, Story(id=str(i), title="Store the drafts in Redis")) for i in range(3)]
    assert gc.get_freeze_count() == 0
    run = parallel.lint_in_order(tasks, linter, jobs=1)
    next(run)
    assert gc.get_freeze_count() > 0  # frozen while the run is under way
    rest = list(run)
    assert len(rest) == 2 and gc.get_freeze_count() == 0  # and no longer once it is over
    early = parallel.lint_in_order(tasks, linter, jobs=1)
    next(early)
    early.close()  # the caller stops after the first story (an error, --max-stories)
    assert gc.get_freeze_count() == 0


def test_a_pooled_runs_interrupt_is_taken_where_the_run_asks(ctrl_c_raises: None) -> None:
    """Noted when it comes (a finalizer or the pool's at-fork handlers would swallow it or break
    on it), raised by the original handler where the run checks, or as the block ends; a second
    one is taken at once; the handlers are the run's own again afterwards."""
    import signal

    from storylint.parallel import _Interrupts

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with _Interrupts() as interrupts:
        os.kill(os.getpid(), signal.SIGINT)
        assert interrupts.caught == [signal.SIGINT]
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    with pytest.raises(KeyboardInterrupt), _Interrupts() as held:
        os.kill(os.getpid(), signal.SIGINT)
        noted = held.caught == [signal.SIGINT]
    assert noted  # noted, and raised as the block ends
    second_let_by = False
    with pytest.raises(KeyboardInterrupt), _Interrupts():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)  # the second: at once
        second_let_by = True
    assert not second_let_by  # (the block's end raises the first as well: not enough)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_an_ignored_interrupt_stays_ignored_in_a_pooled_run(ctrl_c_raises: None) -> None:
    """Started with Ctrl-C ignored (`nohup`, a shell's background job), a pooled run neither notes
    it nor takes a second one as an order to stop."""
    import signal

    from storylint.parallel import _Interrupts

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with _Interrupts() as interrupts:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        assert interrupts.caught == []
        interrupts.check()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
