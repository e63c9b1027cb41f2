"""Read what a report needs: from a history store or from `check --format json` files.

`load_store` and `load_results` return a `ReportInput`; `storylint.report_data.build_dataset`
aggregates it. Also here: `--since` parsing and the pseudonym key and aliases.

The trend: each run row in the store records the totals of *its source* after the run.
A store fed by several sources (a Jira project and a GitHub repository) therefore
reaches its overall state after run *k* by adding up, per source, the latest totals
recorded up to run *k*. Results files are runs in the order given.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from storylint.errors import ConfigError, InputError
from storylint.formats.encoding import UTF8_BOM, Undecodable, from_wide
from storylint.store import Store
from storylint.store.base import rollup, story_frontiers

#: Where a store keeps its pseudonym salt: a reserved row of the `sources` table.
SALT_SOURCE = "storylint:pseudonym-salt"
#: Environment variable with a fixed pseudonym key (overrides the store's salt).
KEY_ENV = "STORYLINT_PSEUDONYM_KEY"

Aliaser = Callable[[str | None], str | None]


@dataclass(slots=True)
class ReportInput:
    """Everything a report needs, read from a store or from results files."""

    kind: str  # "store" | "results"
    label: str  # where the data came from (store URL without password, file names)
    runs: list[dict[str, Any]]  # trend points in order: started_at, label, totals
    findings: list[dict[str, Any]]  # current findings (store rows or JSON `to_dict()` records)
    stories: list[dict[str, Any]] | None  # current story states; None for results files
    summary: dict[str, Any] | None = None  # results files: summary of the latest run
    project: str | None = None
    since: str | None = None
    trend_scoped: bool = True  # False when the trend ignores the --project filter
    notes: list[str] = field(default_factory=list)
    fixed: list[dict[str, Any]] | None = None  # stories clean now that had findings; None: unknown
    scoped_trend: bool = False  # the runs carry per-scope totals ("scopes"; store schema 4)
    # a run newer than the last trend point has not finished (running, or killed): the current
    # state holds what it saved, so it is compared with the last finished run, not the one before
    pending: bool = False


# -- options ------------------------------------------------------------------------------


def parse_since(value: str | None) -> str | None:
    """A date or date-time as the store writes it (UTC ISO seconds), for comparisons."""
    if not value:
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise ConfigError(
            "expected a date like 2026-01-31 or 2026-01-31T08:00:00Z", key="--since"
        ) from None
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def make_aliaser(key: bytes) -> Aliaser:
    """Stable author aliases: 'Author ' + 6 hex digits of HMAC-SHA256(key, name).

    The same name (case and spacing ignored) always gets the same alias under the same
    key, so aliases stay comparable across runs and reports of one store; without the
    key, an alias cannot be checked against a list of guessed names.
    """
    cache: dict[str, str] = {}

    def alias(name: str | None) -> str | None:
        if not name:
            return name
        norm = " ".join(name.split()).casefold()
        if norm not in cache:
            digest = hmac.new(
                key, norm.encode("utf-8", "surrogatepass"), hashlib.sha256
            ).hexdigest()
            cache[norm] = f"Author {digest[:6]}"
        return cache[norm]

    return alias


def pseudonym_key(store: Store | None) -> tuple[bytes, str]:
    """The key for `make_aliaser` and where it came from.

    `STORYLINT_PSEUDONYM_KEY` wins (share it to get the same aliases across stores);
    else the store's own random salt, created on first use; else (results files, no
    key) a random key for this report only.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8"), "env"
    if store is not None:
        salt = store.sync_point(SALT_SOURCE)
        if not salt:
            salt = secrets.token_hex(32)
            try:
                store.set_sync_point(SALT_SOURCE, salt)
            except Exception as exc:  # noqa: BLE001 - any driver's error: a read-only user, for one
                raise ConfigError(
                    f"cannot save the pseudonym salt in the store ({type(exc).__name__}); set {KEY_ENV}",
                    key="--pseudonymize",
                ) from None
        return bytes.fromhex(salt), "store"
    return secrets.token_bytes(32), "random"


# -- loaders ------------------------------------------------------------------------------


def _blank_totals() -> dict[str, Any]:
    return {
        "stories": 0,
        "clean": 0,
        "with_findings": 0,
        "skipped": 0,
        "findings": 0,
        "by_category": {},
    }


def _add_totals(acc: dict[str, Any], t: dict[str, Any]) -> None:
    for k in ("stories", "clean", "with_findings", "skipped", "findings"):
        acc[k] += int(t.get(k) or 0)
    for cat, n in (t.get("by_category") or {}).items():
        acc["by_category"][cat] = acc["by_category"].get(cat, 0) + int(n)


def merge_scopes(per_source: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Add up per-source scope totals ({"author:Ann": totals}) into one state."""
    out: dict[str, dict[str, Any]] = {}
    for scopes in per_source.values():
        for key, t in scopes.items():
            acc = out.setdefault(key, {"stories": 0, "checked": 0, "groups": {}})
            acc["stories"] += int(t.get("stories") or 0)
            acc["checked"] += int(t.get("checked") or 0)
            for group, hist in (t.get("groups") or {}).items():
                g = acc["groups"].setdefault(group, {"1": {}, "2": {}, "3": {}})
                for rank, counts in hist.items():
                    for conf, n in counts.items():
                        g[rank][conf] = g[rank].get(conf, 0) + int(n)
    return out


def load_store(
    store: Store, *, since: str | None = None, project: str | None = None
) -> ReportInput:
    """Read the trend and the current state from a store."""
    points: list[dict[str, Any]] = []
    latest: dict[str, dict[str, Any]] = {}
    incomplete = 0
    scoped: dict[int, dict[str, dict[str, Any]]] = {}
    how_lists: dict[int, list[Any]] = {}
    for run_id, _source, scope, name, totals in store.run_totals():
        if scope == "all":
            how_lists[run_id] = totals.pop("how_stories", [])
        scoped.setdefault(run_id, {})[f"{scope}:{name}"] = totals
    latest_scopes: dict[str, dict[str, dict[str, Any]] | None] = {}
    latest_how: dict[str, list[Any]] = {}
    last_incomplete = 0
    for run in store.runs():
        if run.source == SALT_SOURCE:
            continue
        if not run.totals or run.status == "running":
            incomplete += 1
            last_incomplete = run.id
            continue
        latest[run.source] = run.totals
        latest_scopes[run.source] = scoped.get(run.id)
        latest_how[run.source] = how_lists.get(run.id, [])
        overall = _blank_totals()
        for totals in latest.values():
            _add_totals(overall, totals)
        known = all(v is not None for v in latest_scopes.values())
        points.append(
            {
                "id": run.id,
                "label": f"#{run.id}",
                "started_at": run.started_at,
                "source": run.source,
                "command": run.command,
                "status": run.status,
                "run_findings": run.findings,
                "totals": overall,
                # None: a source's latest run predates per-scope totals (store schema < 4)
                "scopes": merge_scopes({k: v for k, v in latest_scopes.items() if v})
                if known
                else None,
                "how_stories": {src: list(v) for src, v in latest_how.items()} if known else None,
            }
        )
    started = {p["id"]: p["started_at"] for p in points}
    pending = last_incomplete > (points[-1]["id"] if points else 0)
    if since:
        points = [p for p in points if p["started_at"] >= since]
    stories = [s for s in store.stories() if s["source"] != SALT_SOURCE]
    findings = store.current_findings()
    if project:
        stories = [s for s in stories if s.get("project") == project]
        findings = [f for f in findings if f.get("project") == project]
    fixed = [
        {
            "source": s["source"],
            "story": s["story"],
            "fixed_run": f"#{s['fixed_run_id']}",
            "fixed_at": started.get(s["fixed_run_id"]),
            "findings_before": int(s.get("fixed_findings") or 0),
        }
        for s in stories
        if s.get("fixed_run_id") is not None and s["status"] == "clean"
    ]
    notes = []
    if incomplete:
        notes.append(
            f"{incomplete} run(s) without recorded totals (still running or killed) are left out of the trend."
        )
    if pending:
        notes.append(
            f"Run #{last_incomplete} has not finished: the current figures include the stories it saved,"
            " and changes are counted from the last finished run."
        )
    scoped_trend = bool(points) and points[-1]["scopes"] is not None
    if project:
        notes.append(
            "The findings counts in the trend table count every project in the store; the"
            " rates over runs and all other figures are for the project alone."
        )
    return ReportInput(
        kind="store",
        label=store.safe_url,
        runs=points,
        findings=findings,
        stories=stories,
        project=project,
        since=since,
        trend_scoped=not project,
        notes=notes,
        fixed=fixed,
        scoped_trend=scoped_trend,
        pending=pending,
    )


def _read_result(path: str) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(exc.strerror or "cannot read file", source=path) from None
    # as `check` reads its inputs: Windows PowerShell's `>` writes UTF-16, `Out-File -Encoding
    # utf8` a UTF-8 byte-order mark (it was "internal error: UnicodeDecodeError", or "not JSON:
    # Unexpected UTF-8 BOM (decode using utf-8-sig)")
    try:
        raw = from_wide(raw).removeprefix(UTF8_BOM)
        text = raw.decode("utf-8")
    except Undecodable as exc:
        raise InputError(str(exc), source=path, line=exc.line) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"invalid UTF-8 at byte {exc.start}", source=path, line=line) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=path, line=exc.lineno) from None
    except (RecursionError, ValueError) as exc:  # JSON, but nothing `check` writes (it was an internal error)
        what = "nested too deeply" if isinstance(exc, RecursionError) else "an integer of more than 4,300 digits"
        raise InputError(f"not the output of `storylint check --format json`: {what}", source=path) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("findings"), list)
        or not isinstance(data.get("summary"), dict)
    ):
        raise InputError("not the output of `storylint check --format json`", source=path)
    summary = data["summary"]
    for key in ("stories_checked", "stories_skipped", "stories_with_findings", "findings"):
        value = summary.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise InputError(f"summary.{key}: expected a count, got {json.dumps(value)[:40]}", source=path)
    for index, finding in enumerate(data["findings"]):
        if not isinstance(finding, dict):
            continue  # skipped, as before
        for key, kind, ok in (("story", "a string", str), ("category", "a string", str), ("rule", "a string", str),
                              ("confidence", "a number", (int, float)), ("line", "a number", int)):  # fmt: skip
            value = finding.get(key)
            if value is not None and (not isinstance(value, ok) or isinstance(value, bool)):
                raise InputError(f"findings[{index}].{key}: expected {kind}, got {json.dumps(value)[:40]}", source=path)
    return data


def load_results(
    paths: Sequence[str], *, since: str | None = None, project: str | None = None
) -> ReportInput:
    """Read `check --format json` outputs; each file is one run, in the order given.

    A file's run time is its modification time (the JSON carries none).
    """
    points: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    last_findings: list[dict[str, Any]] = []
    for i, path in enumerate(paths, 1):
        data = _read_result(path)
        findings = [f for f in data["findings"] if isinstance(f, dict)]
        if project:
            findings = [f for f in findings if f.get("project") == project]
        s = data["summary"]
        by_cat = Counter(str(f.get("category")) for f in findings)
        with_findings = len({f.get("story") for f in findings})
        if project:
            checked: int | None = None
            clean: int | None = None
            skipped: int | None = None
        else:
            checked = int(s.get("stories_checked") or 0)
            skipped = int(s.get("stories_skipped") or 0)
            with_findings = int(s.get("stories_with_findings") or with_findings)
            clean = max(checked - with_findings, 0)
        fronts = story_frontiers(findings)
        scopes: dict[str, dict[str, Any]] = {}
        members: dict[str, list[dict[str, Any]]] = {"all:": []}
        owner = {str(f.get("story")): f for f in findings}
        for ref in fronts:
            st = {"story": ref, "status": "findings"}
            members["all:"].append(st)
            members.setdefault(f"author:{owner[ref].get('author') or '(none)'}", []).append(st)
            members.setdefault(f"project:{owner[ref].get('project') or '(none)'}", []).append(st)
        for key, group in members.items():
            scopes[key] = rollup(group, fronts)
            scopes[key]["checked"] = None  # results files do not list clean stories
        if checked is not None:
            scopes["all:"]["checked"] = checked
            scopes["all:"]["stories"] = checked + (skipped or 0)
        started = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC).isoformat(
            timespec="seconds"
        )
        points.append(
            {
                "id": i,
                "label": Path(path).name,
                "started_at": started,
                "source": "files",
                "command": "check",
                "status": "ok",
                "run_findings": len(findings),
                "totals": {
                    "stories": None if checked is None else checked + (skipped or 0),
                    "clean": clean,
                    "with_findings": with_findings,
                    "skipped": skipped,
                    "findings": len(findings),
                    "by_category": dict(by_cat),
                },
                "scopes": scopes,
                "how_stories": {
                    "files": sorted([ref, *g["how"]] for ref, g in fronts.items() if "how" in g)
                },
            }
        )
        last, last_findings = s, findings
    notes = []
    if project:
        notes.append(
            "Results files do not list clean stories, so per-project story counts are unknown."
        )
    if since:
        points = [p for p in points if p["started_at"] >= since]
    return ReportInput(
        kind="results",
        label=", ".join(Path(p).name for p in paths),
        runs=points,
        findings=last_findings,
        stories=None,
        summary=None if project else last,
        project=project,
        since=since,
        notes=notes,
        scoped_trend=True,
    )


__all__ = [
    "KEY_ENV",
    "SALT_SOURCE",
    "Aliaser",
    "ReportInput",
    "load_results",
    "load_store",
    "make_aliaser",
    "parse_since",
    "pseudonym_key",
]
