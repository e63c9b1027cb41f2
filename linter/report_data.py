"""Aggregate a report's input into one small dataset that every renderer reads.

Data flows one way: a loader (`load_store`, `load_results` in `storylint.report_inputs`,
re-exported here) reads the history into a `ReportInput`; the pure function
`build_dataset` turns it into a JSON-serialisable dict for the HTML dashboard and the
Markdown digest. Reports aggregate here, on the server side, so a 50,000-finding history
becomes a few hundred kilobytes of figures plus one compact row per finding (interned
strings, capped excerpts), within a size budget that keeps the HTML under 5 MB.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from storylint.model import CATEGORIES, HOW_CATEGORIES, SEVERITY_RANK, STRUCTURE_CATEGORIES
from storylint.report_inputs import (
    KEY_ENV,
    SALT_SOURCE,
    Aliaser,
    ReportInput,
    load_results,
    load_store,
    make_aliaser,
    parse_since,
    pseudonym_key,
)
from storylint.store.base import SCOPE_SEP, story_frontiers

#: Bump when the dataset's shape changes (the HTML reads it).
DATASET_VERSION = 3

EXCERPT_CAP = 120  # characters of excerpt per row of the findings table, at most
EXCERPT_FLOOR = 40  # ... and at least, however many rows
EXCERPT_BUDGET = 2_000_000  # characters of excerpt in the whole findings table
TITLE_CAP = 80  # characters of story title in the findings table, at most
TITLE_FLOOR = 30
TITLE_BUDGET = 1_000_000  # characters of titles in the whole findings table
MIN_CAP = 16  # excerpts and titles are never cut shorter than this
PAGE_BUDGET = 4_600_000  # bytes of embedded JSON: with ~0.2 MB of page around it, under 5 MB
TEXT_CAP = 300  # characters of message/suggestion/title
WORST_STORIES = 12
WORST_FINDINGS_PER_STORY = 3
WORST_TITLE_CAP = 140
FIXED_ROWS = 50  # most recently fixed stories listed
MAX_TREND_POINTS = 400
MAX_FINDING_ROWS = 100_000

COACH_RUNS = 8  # runs in a coaching row's inline trend
COACH_MIN_STORIES = 5  # authors with fewer checked stories are grouped, not ranked
COACH_ROWS = 30  # authors / projects listed in the coaching view, at most (the CSV has all)
COACH_STORIES = 3  # stories to talk about per author / project
CHANGED_ROWS = 50  # stories listed as began / stopped prescribing HOW
HOW_GROUP = "how"

# -- the role-boundary rate ---------------------------------------------------------------


def threshold(min_severity: str = "info", min_confidence: float = 0.0) -> dict[str, Any]:
    """Which findings count toward the rates, and the sentence that says so."""
    rank = SEVERITY_RANK[min_severity]
    conf = round(float(min_confidence), 2)
    parts = [
        "every finding" if rank == 1 and conf <= 0 else "findings",
        *([f"of severity {min_severity} or above"] if rank > 1 else []),
        *([f"with confidence {conf:.2f} or more"] if conf > 0 else []),
    ]
    return {
        "min_severity": min_severity,
        "min_confidence": conf,
        "rank": rank,
        "text": "Counted: " + " ".join(parts) + ".",
    }


def counts(front: list[float] | None, th: dict[str, Any]) -> bool:
    """Whether a story's frontier (see `story_frontiers`) meets the threshold."""
    return front is not None and front[th["rank"] - 1] >= th["min_confidence"] - 1e-9


def _scope_count(totals: dict[str, Any] | None, group: str, th: dict[str, Any]) -> int | None:
    if totals is None:
        return None
    hist = (totals.get("groups") or {}).get(group, {}).get(str(th["rank"]), {})
    return sum(int(n) for conf, n in hist.items() if float(conf) >= th["min_confidence"] - 1e-9)


def _rate(count: int | None, checked: int | None) -> dict[str, Any]:
    return {"count": count, "checked": checked, "share": _share(count, checked)}


def sentence(count: int | None, checked: int | None) -> str:
    """The headline, word for word the same in the HTML and the digest."""
    if count is None or checked is None:
        return "Stories prescribing HOW: n/a"
    share = f"{count / checked * 100:.1f} %" if checked else "n/a"
    return f"Stories prescribing HOW: {count:,} of {checked:,} ({share})"


# -- the pure aggregation -----------------------------------------------------------------


def _cap(text: Any, limit: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"


def _categories(seen: Iterable[str]) -> list[str]:
    extra = sorted(set(seen) - set(CATEGORIES))
    return [c for c in CATEGORIES if c in set(seen)] + extra


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def _point(p: dict[str, Any]) -> dict[str, Any]:
    t = p["totals"]
    checked = None if t.get("stories") is None else t["stories"] - (t.get("skipped") or 0)
    return {
        "id": p["id"],
        "label": p["label"],
        "started_at": p["started_at"],
        "source": p["source"],
        "status": p["status"],
        "run_findings": p["run_findings"],
        "checked": checked,
        "clean": t.get("clean"),
        "with_findings": t.get("with_findings"),
        "findings": t.get("findings"),
        "clean_share": _share(t.get("clean"), checked),
        "by_category": dict(sorted((t.get("by_category") or {}).items())),
    }


def _confidence(value: Any) -> float | None:
    """Confidence as every output prints it: 2 decimals (the store keeps the raw float)."""
    return None if value is None else round(float(value), 2)


def filtered_findings(inp: ReportInput, alias: Aliaser | None = None) -> list[dict[str, Any]]:
    """The current findings as flat records (the CSV rows), authors aliased if asked."""
    out = []
    for f in inp.findings:
        row = {
            "source": f.get("source", "files"),
            "story": f.get("story"),
            "rule": f.get("rule"),
            "name": f.get("name"),
            "category": f.get("category"),
            "severity": f.get("severity"),
            "confidence": _confidence(f.get("confidence")),
            "message": f.get("message"),
            "excerpt": f.get("excerpt"),
            "suggestion": f.get("suggestion"),
            "field": f.get("field"),
            "line": f.get("line"),
            "column": f.get("column", f.get("col")),
            "url": f.get("url"),
            "author": alias(f.get("author")) if alias else f.get("author"),
            "project": f.get("project"),
        }
        out.append(row)
    return out


SEVERITY_ORDER = ["error", "warning", "info"]


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _table(
    findings: list[dict[str, Any]],
    story_meta: dict[tuple[str, str], dict[str, Any]],
    rule_ids: dict[str, int],
    excerpt_cap: int,
    title_cap: int,
) -> dict[str, Any]:
    """One compact row per finding; repeated strings stored once in `texts`.

    rows: [story, rule (index in by_rule), severity (index), line, excerpt, suggestion (text)]
    stories: [ref, title (text), url prefix (text or -1), url rest (0: the ref; or the whole
    URL, or null), author (text), project (text)]
    """
    texts: list[str] = []
    text_ids: dict[str, int] = {}

    def intern(value: Any, limit: int = TEXT_CAP) -> int:
        s = _cap(value, limit)
        if s not in text_ids:
            text_ids[s] = len(texts)
            texts.append(s)
        return text_ids[s]

    story_rows: list[list[Any]] = []
    story_ids: dict[tuple[str, str], int] = {}
    rows: list[list[Any]] = []
    for f in findings:
        skey = (f["source"], f["story"])
        if skey not in story_ids:
            meta = story_meta.get(skey, {})
            story_ids[skey] = len(story_rows)
            url = meta.get("url") or f["url"]
            # URLs share their prefix within a tracker: keep it once, as a text
            cut = url.rfind("/") + 1 if isinstance(url, str) else 0
            story_rows.append(
                [
                    skey[1],
                    intern(meta.get("title") or "", title_cap),
                    intern(url[:cut]) if cut else -1,
                    0 if cut and url[cut:] == skey[1] else (url[cut:] if cut else url),
                    intern((meta.get("author") if meta else f["author"]) or ""),
                    intern((meta.get("project") if meta else f["project"]) or ""),
                ]
            )
        sev = SEVERITY_ORDER.index(f["severity"]) if f["severity"] in SEVERITY_ORDER else 2
        rows.append(
            [
                story_ids[skey],
                rule_ids[str(f["rule"])],
                sev,
                f["line"] or 0,
                _cap(f["excerpt"], excerpt_cap),
                intern(f["suggestion"]),
            ]
        )
    return {
        "texts": texts,
        "stories": story_rows,
        "severities": SEVERITY_ORDER,
        "rows": rows,
        "excerpt_cap": excerpt_cap,
        "title_cap": title_cap,
    }


def _fit(
    table: dict[str, Any],
    findings: list[dict[str, Any]],
    story_meta: dict[tuple[str, str], dict[str, Any]],
    budget: int,
    excerpt_cap: int,
    title_cap: int,
) -> tuple[int, int, int]:
    """Caps (and, if need be, a row count) that bring `table` within `budget` bytes.

    Estimated from the text lengths, so the table is built once more, not once per guess:
    a cut text costs `cap + 2` bytes (the ellipsis is 3 bytes of UTF-8).
    """
    excerpts = [len(f["excerpt"] or "") for f in findings]
    story_of: list[bool] = []  # does this row bring a new story?
    titles: list[int] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        skey = (f["source"], f["story"])
        story_of.append(skey not in seen)
        if skey not in seen:
            seen.add(skey)
            titles.append(len(story_meta.get(skey, {}).get("title") or ""))

    def cut(n: int, cap: int) -> int:
        return n if n <= cap else cap + 2

    def cost(lengths: list[int], cap: int) -> int:
        return sum(cut(n, cap) for n in lengths)

    size = _json_size(table)
    fixed = size - cost(excerpts, excerpt_cap) - cost(titles, title_cap)
    target = int(budget * 0.97)

    def estimate(cap: int) -> int:
        return fixed + cost(excerpts, min(cap, excerpt_cap)) + cost(titles, min(cap, title_cap))

    low, high = MIN_CAP, max(excerpt_cap, title_cap)
    if estimate(low) <= target:
        while low < high:  # the largest cap that fits
            mid = (low + high + 1) // 2
            if estimate(mid) <= target:
                low = mid
            else:
                high = mid - 1
        return min(low, excerpt_cap), min(low, title_cap), len(findings)
    # even the shortest excerpts do not fit: keep the first rows (the most severe) that do
    ecap, tcap = min(MIN_CAP, excerpt_cap), min(MIN_CAP, title_cap)
    rows_bytes = _json_size(table["rows"]) - cost(excerpts, excerpt_cap)
    per_row = rows_bytes / max(1, len(findings))
    per_story = (size - _json_size(table["rows"]) - cost(titles, title_cap)) / max(1, len(titles))
    total, keep, t = 0.0, 0, 0
    for i, n in enumerate(excerpts):
        total += per_row + cut(n, ecap)
        if story_of[i]:
            total += per_story + cut(titles[t], tcap)
            t += 1
        if total > target:
            break
        keep = i + 1
    return ecap, tcap, keep


def build_dataset(
    inp: ReportInput,
    *,
    alias: Aliaser | None = None,
    generated_at: str | None = None,
    version: str = "",
    rules: dict[str, dict[str, Any]] | None = None,
    min_severity: str = "info",
    min_confidence: float = 0.0,
) -> dict[str, Any]:
    """The report's dataset: headline, trend, breakdowns, worst stories, compact findings.

    `rules` is rule metadata by code (`Linter.rule_metadata()`): the "by rule" table
    describes each rule by its summary, not by one finding's message. Pure: the same
    input gives the same output (pass `generated_at` to pin the time).
    """
    rules = rules or {}
    findings = filtered_findings(inp, alias)
    story_meta: dict[tuple[str, str], dict[str, Any]] = {}
    if inp.stories is not None:
        for s in inp.stories:
            story_meta[(s["source"], s["story"])] = {
                "title": s.get("title"),
                "url": s.get("url"),
                "author": alias(s.get("author")) if alias else s.get("author"),
                "project": s.get("project"),
                "status": s.get("status"),
            }

    # headline (current state)
    by_category = Counter(str(f["category"]) for f in findings)
    by_severity = Counter(str(f["severity"]) for f in findings)
    stories_with = {(f["source"], f["story"]) for f in findings}
    if inp.stories is not None:
        status = Counter(s["status"] for s in story_meta.values())
        checked: int | None = status.get("clean", 0) + status.get("findings", 0)
        clean: int | None = status.get("clean", 0)
        skipped: int | None = status.get("skipped", 0)
        with_findings = status.get("findings", 0)
    elif inp.summary is not None:
        checked = int(inp.summary.get("stories_checked") or 0)
        skipped = int(inp.summary.get("stories_skipped") or 0)
        with_findings = int(inp.summary.get("stories_with_findings") or len(stories_with))
        clean = max(checked - with_findings, 0)
    else:
        checked = clean = skipped = None
        with_findings = len(stories_with)

    trend = [_point(p) for p in inp.runs][-MAX_TREND_POINTS:]
    delta = None
    # run over run; not while a newer run is unfinished, as the current state is then neither
    if inp.trend_scoped and len(trend) >= 2 and not inp.pending:
        a, b = trend[-2], trend[-1]

        def diff(key: str) -> Any:
            if a[key] is None or b[key] is None:
                return None
            return round(b[key] - a[key], 4)

        delta = {
            "previous": a["label"],
            "previous_at": a["started_at"],
            "findings": diff("findings"),
            "with_findings": diff("with_findings"),
            "checked": diff("checked"),
            "clean_share": diff("clean_share"),
            "by_category": {
                c: b["by_category"].get(c, 0) - a["by_category"].get(c, 0)
                for c in sorted(set(a["by_category"]) | set(b["by_category"]))
            },
        }

    categories = _categories([*by_category, *(c for p in trend for c in p["by_category"])])

    # breakdowns
    def group(key: str) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}

        def row(name: str) -> dict[str, Any]:
            if name not in rows:
                rows[name] = {
                    "name": name,
                    "checked": 0 if inp.stories is not None else None,
                    "clean": 0 if inp.stories is not None else None,
                    "with_findings": 0,
                    "findings": 0,
                    "errors": 0,
                    "by_category": {},
                }
            return rows[name]

        if inp.stories is not None:
            for meta in story_meta.values():
                if meta["status"] == "skipped":
                    continue
                r = row(meta[key] or "(none)")
                r["checked"] += 1
                if meta["status"] == "clean":
                    r["clean"] += 1
        seen_story: set[tuple[str, str, str]] = set()
        for f in findings:
            found = story_meta.get((f["source"], f["story"]))
            name = (found[key] if found else f[key]) or "(none)"
            r = row(name)
            r["findings"] += 1
            if f["severity"] == "error":
                r["errors"] += 1
            r["by_category"][f["category"]] = r["by_category"].get(f["category"], 0) + 1
            if (name, f["source"], f["story"]) not in seen_story:
                seen_story.add((name, f["source"], f["story"]))
                r["with_findings"] += 1
        for r in rows.values():
            r["clean_share"] = _share(r["clean"], r["checked"])
            cats = r.pop("by_category")
            top = min(cats.items(), key=lambda kv: (-kv[1], kv[0])) if cats else (None, 0)
            r["top_category"], r["top_category_findings"] = top
        return sorted(rows.values(), key=lambda r: (-r["findings"], -r["with_findings"], r["name"]))

    by_author = group("author")
    by_project = group("project")

    rule_rows: dict[str, dict[str, Any]] = {}
    rule_stories: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in findings:
        code = str(f["rule"])
        r = rule_rows.setdefault(
            code,
            {
                "rule": code,
                "name": f["name"],
                "category": f["category"],
                "severity": f["severity"],
                "findings": 0,
                "stories": 0,
                "description": _cap((rules.get(code) or {}).get("summary") or f["name"], TEXT_CAP),
            },
        )
        r["findings"] += 1
        rule_stories[code].add((f["source"], f["story"]))
    for code, r in rule_rows.items():
        r["stories"] = len(rule_stories[code])
    by_rule = sorted(rule_rows.values(), key=lambda r: (-r["findings"], r["rule"]))

    # worst stories: most severe weight, then most findings
    per_story: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        per_story[(f["source"], f["story"])].append(f)
    scored = sorted(
        per_story.items(),
        key=lambda kv: (
            -sum(SEVERITY_RANK.get(f["severity"], 0) for f in kv[1]),
            -len(kv[1]),
            str(kv[0]),
        ),
    )
    worst = []
    for skey, items in scored[:WORST_STORIES]:
        meta = story_meta.get(skey, {})
        first = items[0]
        items = sorted(
            items, key=lambda f: (-SEVERITY_RANK.get(f["severity"], 0), -(f["confidence"] or 0))
        )
        worst.append(
            {
                "story": skey[1],
                "title": _cap(meta.get("title"), WORST_TITLE_CAP) or None,
                "url": meta.get("url") or first["url"],
                "author": meta.get("author") if meta else first["author"],
                "project": meta.get("project") if meta else first["project"],
                "findings": len(items),
                "score": sum(SEVERITY_RANK.get(f["severity"], 0) for f in items),
                "by_severity": dict(Counter(f["severity"] for f in items)),
                "top": [
                    {
                        "rule": f["rule"],
                        "name": f["name"],
                        "category": f["category"],
                        "severity": f["severity"],
                        "message": _cap(f["message"], TEXT_CAP),
                        "excerpt": _cap(f["excerpt"], TEXT_CAP),
                        "suggestion": _cap(f["suggestion"], TEXT_CAP),
                        "field": f["field"],
                        "line": f["line"],
                    }
                    for f in items[:WORST_FINDINGS_PER_STORY]
                ],
            }
        )

    # stories fixed: had findings, clean now (stores only; results files cannot tell)
    fixed = None
    if inp.fixed is not None:
        fixed = []
        for item in sorted(
            inp.fixed, key=lambda x: (x["fixed_at"] or "", x["story"]), reverse=True
        )[:FIXED_ROWS]:
            meta = story_meta.get((item["source"], item["story"]), {})
            fixed.append(
                {
                    "story": item["story"],
                    "title": _cap(meta.get("title"), WORST_TITLE_CAP) or None,
                    "url": meta.get("url"),
                    "author": meta.get("author"),
                    "project": meta.get("project"),
                    "findings_before": item["findings_before"],
                    "fixed_run": item["fixed_run"],
                    "fixed_at": item["fixed_at"],
                }
            )

    # the compact findings table, within the page's size budget
    # the most severe first, so that a cut keeps what matters
    table_findings = sorted(findings, key=lambda f: -SEVERITY_RANK.get(f["severity"], 0))[
        :MAX_FINDING_ROWS
    ]
    rule_ids = {r["rule"]: i for i, r in enumerate(by_rule)}
    excerpt_cap = max(
        EXCERPT_FLOOR, min(EXCERPT_CAP, EXCERPT_BUDGET // max(1, len(table_findings)))
    )
    n_stories = len({(f["source"], f["story"]) for f in table_findings})
    title_cap = max(TITLE_FLOOR, min(TITLE_CAP, TITLE_BUDGET // max(1, n_stories)))
    table = _table(table_findings, story_meta, rule_ids, excerpt_cap, title_cap)
    size = _json_size(table)
    rates = _rates(
        inp, findings, story_meta, checked, alias, threshold(min_severity, min_confidence)
    )
    rest = _json_size([trend, by_author, by_project, by_rule, worst, rates])
    table_budget = max(PAGE_BUDGET - 2 * rest, 1_000_000)  # the rest is also drawn as HTML
    for _ in range(4):  # long excerpts and titles everywhere: cut harder, then drop rows
        if size <= table_budget:
            break
        excerpt_cap, title_cap, keep = _fit(
            table, table_findings, story_meta, table_budget, excerpt_cap, title_cap
        )
        table_findings = table_findings[:keep]
        table = _table(table_findings, story_meta, rule_ids, excerpt_cap, title_cap)
        size = _json_size(table)
    notes = list(inp.notes)
    if len(table_findings) < len(findings):
        notes.append(
            f"The findings table lists the {len(table_findings):,} most severe of {len(findings):,} findings;"
            " the CSV has all."
        )
    if excerpt_cap < EXCERPT_CAP:
        notes.append(
            f"Excerpts in the findings table are cut at {excerpt_cap} characters to keep this file small."
        )

    return {
        **rates,
        "dataset_version": DATASET_VERSION,
        "tool_version": version,
        "generated_at": generated_at or datetime.now(UTC).isoformat(timespec="seconds"),
        "source": {"kind": inp.kind, "label": inp.label},
        "filters": {"project": inp.project, "since": inp.since, "pseudonymized": alias is not None},
        "notes": notes,
        "categories": categories,
        "headline": {
            "checked": checked,
            "clean": clean,
            "skipped": skipped,
            "with_findings": with_findings,
            "clean_share": _share(clean, checked),
            "findings": len(findings),
            "by_category": {c: by_category.get(c, 0) for c in categories if by_category.get(c)},
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITY_ORDER if by_severity.get(s)},
            "authors": len({f["author"] for f in findings if f["author"]}),
            "fixed": None if inp.fixed is None else len(inp.fixed),
            "delta": delta,
        },
        "fixed": fixed,
        "trend": trend,
        "by_author": by_author,
        "by_project": by_project,
        "by_rule": by_rule,
        "worst": worst,
        "table": table,
    }


def _rates(
    inp: ReportInput,
    findings: list[dict[str, Any]],
    story_meta: dict[tuple[str, str], dict[str, Any]],
    checked: int | None,
    alias: Aliaser | None,
    th: dict[str, Any],
) -> dict[str, Any]:
    """The role-boundary rate, hygiene rates, what changed and the coaching view."""
    fronts = story_frontiers({**f, "story": f"{f['source']}\x00{f['story']}"} for f in findings)
    live = (
        {(src, ref) for (src, ref), m in story_meta.items() if m.get("status") != "skipped"}
        if inp.stories is not None
        else None
    )

    def qualifying(group: str) -> set[tuple[str, str]]:
        out = set()
        for key, g in fronts.items():
            src, _, ref = key.partition("\x00")
            if counts(g.get(group), th) and (live is None or (src, ref) in live):
                out.add((src, ref))
        return out

    how_now = qualifying(HOW_GROUP)
    trend = inp.runs[-MAX_TREND_POINTS:]
    own = f"project:{inp.project}" if inp.project and inp.kind == "store" else "all:"

    def scope_trend(key: str, group: str) -> list[dict[str, Any]]:
        out = []
        for p in trend:
            n: int | None = None
            c: int | None = None
            if p.get("scopes") is not None:
                t = p["scopes"].get(key)
                n = 0 if t is None else _scope_count(t, group, th)
                c = 0 if t is None else t.get("checked")
            out.append({"label": p["label"], "started_at": p["started_at"], **_rate(n, c)})
        return out

    # the run "now" is compared with: the one before the last, whose state the current one is,
    # or the last finished one while a newer run is unfinished (the state holds its writes)
    back = 1 if inp.pending else 2

    def change(now: dict[str, Any], series: list[dict[str, Any]]) -> dict[str, Any] | None:
        if len(series) < back or series[-back]["share"] is None or now["share"] is None:
            return None
        prev = series[-back]
        return {
            "previous": prev["label"],
            "previous_at": prev["started_at"],
            "count": None
            if now["count"] is None or prev["count"] is None
            else now["count"] - prev["count"],
            "share": round(now["share"] - prev["share"], 4),
        }

    how = _rate(len(how_now), checked)
    how_series = scope_trend(own, HOW_GROUP)
    how["sentence"] = sentence(how["count"], how["checked"])
    how["trend"] = how_series
    how["change"] = change(how, how_series)

    hygiene = {}
    for cat in STRUCTURE_CATEGORIES:
        r = _rate(len(qualifying(cat)), checked)
        series = scope_trend(own, cat)
        hygiene[cat] = {**r, "trend": series, "change": change(r, series)}

    # what changed: HOW stories now that did not prescribe after the previous run, and back
    changes = None
    if len(trend) >= back and trend[-back].get("how_stories") is not None:
        before = {
            (src, item[0])
            for src, items in trend[-back]["how_stories"].items()
            for item in items
            if counts(list(item[1:4]), th)
        }
        if inp.project:
            before = {k for k in before if k in story_meta or k in how_now}

        def rows(keys: set[tuple[str, str]]) -> list[dict[str, Any]]:
            out = []
            for src, ref in sorted(keys)[:CHANGED_ROWS]:
                m = story_meta.get((src, ref), {})
                out.append(
                    {
                        "story": ref,
                        "title": _cap(m.get("title"), WORST_TITLE_CAP) or None,
                        "url": m.get("url"),
                        "author": m.get("author"),
                        "project": m.get("project"),
                    }
                )
            return out

        began = how_now - before
        stopped = {k for k in before - how_now if live is None or k in live}
        changes = {
            "previous": trend[-back]["label"],
            "began_total": len(began),
            "stopped_total": len(stopped),
            "began": rows(began),
            "stopped": rows(stopped),
        }

    coaching = _coaching(
        findings,
        story_meta,
        fronts,
        how_now,
        trend,
        alias,
        th,
        live,
        inp.project if inp.kind == "store" else None,
        back=back,
    )
    return {
        "threshold": th,
        "how": how,
        "hygiene": hygiene,
        "changes": changes,
        "coaching": coaching,
    }


def _coaching(
    findings: list[dict[str, Any]],
    story_meta: dict[tuple[str, str], dict[str, Any]],
    fronts: dict[str, dict[str, list[float]]],
    how_now: set[tuple[str, str]],
    trend: list[dict[str, Any]],
    alias: Aliaser | None,
    th: dict[str, Any],
    live: set[tuple[str, str]] | None,
    project: str | None = None,
    back: int = 2,
) -> dict[str, Any]:
    """Per author and per project: HOW rate now and over the last runs, top categories,
    the stories to talk about; authors with too few stories grouped. `back`: which run from
    the end "now" is compared with (see `build_dataset`)."""
    recent = trend[-COACH_RUNS:]
    first_of: dict[tuple[str, str], dict[str, Any]] = {}
    for f in findings:
        first_of.setdefault((f["source"], f["story"]), f)

    def series(scope: str, name: str) -> list[float | None]:
        out: list[float | None] = []
        for p in recent:
            scopes = p.get("scopes")
            if scopes is None:
                out.append(None)
                continue
            n = c = 0
            for key, t in scopes.items():
                kind, _, raw = key.partition(":")
                if project and kind == "project_author":  # the author within --project
                    in_project, _, raw = raw.partition(SCOPE_SEP)
                    kind = "author" if in_project == project else ""
                elif project and kind == "author":
                    continue
                shown = alias(raw) if alias and kind == "author" and raw != "(none)" else raw
                if kind == scope and shown == name:
                    n += _scope_count(t, HOW_GROUP, th) or 0
                    c += int(t.get("checked") or 0)
            out.append(_share(n, c))
        return out

    def build(key: str) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        if live is not None:
            for skey in live:
                name = story_meta[skey].get(key) or "(none)"
                rows.setdefault(
                    name, {"name": name, "checked": 0, "how": 0, "cats": Counter(), "stories": []}
                )
                rows[name]["checked"] += 1
        for f in findings:
            skey = (f["source"], f["story"])
            if skey not in how_now or f["category"] not in HOW_CATEGORIES:
                continue
            if SEVERITY_RANK.get(f["severity"], 0) < th["rank"]:
                continue
            if (f["confidence"] or 0) < th["min_confidence"] - 1e-9:
                continue
            m = story_meta.get(skey)
            name = (m[key] if m else f[key]) or "(none)"
            r = rows.setdefault(
                name, {"name": name, "checked": None, "how": 0, "cats": Counter(), "stories": []}
            )
            r["cats"][f["category"]] += 1
        for skey in how_now:
            m = story_meta.get(skey)
            name = (m if m else first_of.get(skey, {})).get(key) or "(none)"
            r = rows.setdefault(
                name, {"name": name, "checked": None, "how": 0, "cats": Counter(), "stories": []}
            )
            r["how"] += 1
            front = fronts.get(f"{skey[0]}\x00{skey[1]}", {}).get(HOW_GROUP) or [0, 0, 0]
            r["stories"].append((-max(front), skey))
        out = []
        for r in rows.values():
            share = _share(r["how"], r["checked"])
            spark = series(key, r["name"])
            prev = spark[-back] if len(spark) >= back else None
            picks = []
            for _, skey in sorted(r["stories"])[:COACH_STORIES]:
                m = story_meta.get(skey, {})
                picks.append(
                    {
                        "story": skey[1],
                        "url": m.get("url"),
                        "title": _cap(m.get("title"), 48) or None,
                    }
                )
            out.append(
                {
                    "name": r["name"],
                    "checked": r["checked"],
                    "how": r["how"],
                    "share": share,
                    "trend": spark,
                    "change": None if share is None or prev is None else round(share - prev, 4),
                    "top_categories": [
                        c for c, _ in sorted(r["cats"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
                    ],
                    "stories": picks,
                }
            )
        return sorted(out, key=lambda r: (-(r["share"] or 0), -r["how"], r["name"]))

    authors = build("author")
    ranked = [r for r in authors if r["checked"] is None or r["checked"] >= COACH_MIN_STORIES]
    small = [r for r in authors if r["checked"] is not None and r["checked"] < COACH_MIN_STORIES]
    grouped = None
    if small:
        n = sum(r["how"] for r in small)
        c = sum(r["checked"] or 0 for r in small)
        grouped = {
            "authors": len(small),
            "how": n,
            "checked": c,
            "share": _share(n, c),
            "names": sorted(r["name"] for r in small)[:COACH_ROWS],
        }
    return {
        "min_stories": COACH_MIN_STORIES,
        "authors": ranked[:COACH_ROWS],
        "authors_total": len(ranked),
        "authors_grouped": grouped,
        "projects": build("project")[:COACH_ROWS],
    }


__all__ = [
    "DATASET_VERSION",
    "KEY_ENV",
    "SALT_SOURCE",
    "Aliaser",
    "ReportInput",
    "build_dataset",
    "filtered_findings",
    "load_results",
    "load_store",
    "make_aliaser",
    "parse_since",
    "pseudonym_key",
    "sentence",
    "threshold",
]
