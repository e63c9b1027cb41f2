"""The HTML report: one self-contained file (inline CSS, JS and SVG; no network).

Reads only the dataset of `storylint.report_data.build_dataset`. The headline, the
category breakdown, the trend charts and the worst stories are rendered here, so they
print and read without JavaScript; the big tables (authors, projects, rules, every
finding) are drawn by the inline script from the embedded JSON, 25 or 100 rows a page.

Story text is attacker-controlled: every string goes through `html.escape` here or
through `textContent` in the script; links are emitted only for http/https URLs; the
JSON block escapes `<`, `>` and `&`; a Content-Security-Policy allows no network and only
this file's own two scripts (by hash), so even a missed escape could not run a script.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any
from urllib.parse import urlsplit

from ._report_assets import CSS, ERROR_CATCHER, MAIN_JS

DOT = " \u00b7 "
SEVERITY_LABEL = {"error": "\u2716 error", "warning": "\u25b2 warning", "info": "\u25cf info"}


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript:, data:, ...)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def num(n: Any) -> str:
    return "n/a" if n is None else f"{n:,}"


def pct(x: Any) -> str:
    return "n/a" if x is None else f"{x * 100:.1f}%"


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def _category_label(cat: str) -> str:
    return cat.replace("_", " ")


def _delta_text(
    value: float | None, *, lower_is_better: bool, unit: str = "", share: bool = False
) -> str:
    """A change as words and an arrow, so colour is never the only signal."""
    if value is None:
        return ""
    if value == 0:
        return '<span class="delta same">= no change</span>'
    up = value > 0
    better = (not up) if lower_is_better else up
    amount = f"{abs(value) * 100:.1f} points" if share else f"{abs(value):,}{unit}"
    arrow = "\u25b2" if up else "\u25bc"
    word = "up" if up else "down"
    cls = "better" if better else "worse"
    verdict = "better" if better else "worse"
    return (
        f'<span class="delta {cls}"><span aria-hidden="true">{arrow}</span> {word} {amount}'
        f" ({verdict})</span>"
    )


# -- charts -------------------------------------------------------------------------------


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10.0 ** (len(str(int(value))) - 1)
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _chart(
    trend: list[dict[str, Any]],
    series: list[tuple[str, str]],
    *,
    chart_id: str,
    title: str,
    as_percent: bool = False,
    zoom: bool = False,
) -> str:
    """A line chart over runs as inline SVG: solid line + circles, dashed line + squares.

    `zoom`: a percent axis ends just above the highest value, not at 100 %,
    so that a rate of a few percent still shows its slope.
    """
    points = [p for p in trend if any(p.get(key) is not None for key, _ in series)]
    width, height = 560, 240
    left, right, top, bottom = 52, 14, 12, 40
    pw, ph = width - left - right, height - top - bottom
    values = [p[key] for p in points for key, _ in series if p.get(key) is not None]
    ymax = 1.0 if as_percent else _nice_max(max(values, default=0))
    if as_percent and zoom and values:
        peak = max(values)  # four gridlines at whole percents
        ymax = next(m for m in (0.04, 0.08, 0.12, 0.2, 0.4, 0.6, 0.8, 1.0) if m >= peak)
    n = len(points)

    def x(i: int) -> float:
        return left + (pw / 2 if n == 1 else pw * i / (n - 1))

    def y(v: float) -> float:
        return top + ph - ph * (v / ymax if ymax else 0)

    def label(v: float) -> str:
        return f"{v * 100:.0f}%" if as_percent else f"{v:,.0f}"

    out = []
    desc_parts = []
    for key, name in series:
        vals = [
            (p["label"], p["started_at"][:10], p[key]) for p in points if p.get(key) is not None
        ]
        if vals:
            first, last = vals[0], vals[-1]
            desc_parts.append(
                f"{name}: {label(first[2])} at run {first[0]} ({first[1]}), {label(last[2])} at run {last[0]} ({last[1]})"
            )
    desc = f"{n} run(s). " + "; ".join(desc_parts) + "." if n else "No runs recorded yet."
    out.append(
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-t">{e(title)}</title><desc id="{chart_id}-d">{e(desc)}</desc>'
    )
    for i in range(5):
        v = ymax * i / 4
        yy = y(v)
        out.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
        )
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{e(label(v))}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}"/>')
    if n:
        ticks = (
            sorted({0, n - 1, *(round(k * (n - 1) / 5) for k in range(1, 5))})
            if n > 6
            else list(range(n))
        )
        for i in ticks:
            p = points[i]
            out.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="middle">{e(p["started_at"][5:10])}</text>'
            )
            out.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 30}" text-anchor="middle">{e(p["label"][:14])}</text>'
            )
    else:
        out.append(
            f'<text x="{left + pw / 2}" y="{top + ph / 2}" text-anchor="middle">No runs recorded yet.</text>'
        )
    marker_every = max(1, n // 60)
    for s, (key, name) in enumerate(series, 1):
        coords = [(x(i), y(p[key]), p) for i, p in enumerate(points) if p.get(key) is not None]
        if not coords:
            continue
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _ in coords)
        out.append(f'<polyline class="s{s}" points="{path}"/>')
        for i, (cx, cy, p) in enumerate(coords):
            if i % marker_every and i != len(coords) - 1:
                continue
            tip = f"{name}: {label(p[key])} after run {p['label']} ({p['started_at'][:16].replace('T', ' ')})"
            shape = (
                f'<circle class="m{s}" cx="{cx:.1f}" cy="{cy:.1f}" r="4">'
                if s == 1
                else f'<rect class="m{s}" x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8">'
            )
            close = "</circle>" if s == 1 else "</rect>"
            out.append(f"{shape}<title>{e(tip)}</title>{close}")
    out.append("</svg>")
    legend = ['<ul class="legend">']
    for s, (_, name) in enumerate(series, 1):
        marker = (
            '<circle class="m1" cx="14" cy="6" r="4"/>'
            if s == 1
            else '<rect class="m2" x="10" y="2" width="8" height="8"/>'
        )
        legend.append(
            f'<li><svg width="28" height="12" aria-hidden="true"><line class="s{s}" x1="0" x2="28" y1="6" y2="6"/>'
            f"{marker}</svg>{e(name)}</li>"
        )
    legend.append("</ul>")
    return f"<figure>{''.join(out)}<figcaption>{''.join(legend)}</figcaption></figure>"


# -- sections -----------------------------------------------------------------------------


def _figures(d: dict[str, Any]) -> str:
    h = d["headline"]
    delta = h["delta"] or {}
    since = f" since run {e(delta['previous'])}" if delta else ""
    cards = [
        (
            "checked",
            "Stories checked",
            num(h["checked"]),
            "",
        ),  # more stories is neither better nor worse
        (
            "clean_share",
            "Share clean",
            pct(h["clean_share"]),
            _delta_text(delta.get("clean_share"), lower_is_better=False, share=True),
        ),
        (
            "with_findings",
            "Stories with findings",
            num(h["with_findings"]),
            _delta_text(delta.get("with_findings"), lower_is_better=True),
        ),
        (
            "findings",
            "Findings",
            num(h["findings"]),
            _delta_text(delta.get("findings"), lower_is_better=True),
        ),
        ("authors", "Authors with findings", num(h["authors"]), ""),
    ]
    out = ['<dl class="figures">']
    for key, label, value, change in cards:
        out.append(
            f'<div class="figure"><dt>{label}</dt><dd><span data-figure="{key}">{value}</span>{change}</dd></div>'
        )
    out.append("</dl>")
    if delta:
        out.append(
            f'<p class="note">Changes are{since} ({e(delta["previous_at"][:16].replace("T", " "))} UTC).</p>'
        )
    elif len(d["trend"]) < 2:
        out.append(
            '<p class="note">The change since the previous run appears once there are two runs.</p>'
        )
    sev = h["by_severity"]
    if sev:
        parts = ", ".join(
            f'<span class="sev sev-{e(s)}">{e(SEVERITY_LABEL.get(s, s))}</span> {num(n)}'
            for s, n in sev.items()
        )
        out.append(f'<p data-figure="by_severity">By severity: {parts}.</p>')
    return "".join(out)


def _categories(d: dict[str, Any]) -> str:
    h = d["headline"]
    by_cat = h["by_category"]
    if not by_cat:
        return "<p>No findings.</p>"
    total = sum(by_cat.values()) or 1
    peak = max(by_cat.values())
    delta = (h["delta"] or {}).get("by_category")
    rows = []
    for i, cat in enumerate(d["categories"]):
        n = by_cat.get(cat, 0)
        if not n and not (delta and delta.get(cat)):
            continue
        width = 100 * n / peak if peak else 0
        change = _delta_text(delta.get(cat, 0), lower_is_better=True) if delta is not None else ""
        rows.append(
            f'<tr data-category="{e(cat)}"><th scope="row">{e(_category_label(cat))}</th>'
            f'<td class="num" data-figure="category:{e(cat)}">{num(n)}</td><td class="num">{n / total * 100:.1f}%</td>'
            f'<td><span class="bar c{i % 9}" style="width:{width:.1f}%" aria-hidden="true"></span></td>'
            f"<td>{change}</td></tr>"
        )
    return (
        '<div class="scroll"><table id="categories"><caption>Findings by category</caption><thead><tr>'
        '<th scope="col">Category</th><th scope="col" class="num">Findings</th><th scope="col" class="num">Share</th>'
        '<th scope="col">Bar</th><th scope="col">Change since previous run</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _trend(d: dict[str, Any]) -> str:
    trend = d["trend"]
    if not trend:
        return "<p>No runs recorded yet: run <code>storylint check --store …</code> to start the history.</p>"
    counts = _chart(
        trend,
        [("findings", "Findings"), ("with_findings", "Stories with findings")],
        chart_id="trend-findings",
        title="Findings and stories with findings after each run",
    )
    share = _chart(
        trend,
        [("clean_share", "Share of stories clean")],
        chart_id="trend-clean",
        title="Share of checked stories without findings after each run",
        as_percent=True,
    )
    rows = "".join(
        f'<tr><th scope="row">{e(p["label"])}</th><td>{e(p["started_at"][:16].replace("T", " "))}</td>'
        f'<td>{e(p["source"])}</td><td>{e(p["status"])}</td><td class="num">{num(p["checked"])}</td>'
        f'<td class="num">{pct(p["clean_share"])}</td><td class="num">{num(p["with_findings"])}</td>'
        f'<td class="num">{num(p["findings"])}</td></tr>'
        for p in reversed(trend)
    )
    one = (
        '<p class="note">Only one run so far; the lines appear after the next run.</p>'
        if len(trend) == 1
        else ""
    )
    return (
        f'{one}<div class="charts">{counts}{share}</div>'
        f"<details><summary>The trend as a table ({len(trend)} runs, newest first)</summary>"
        '<div class="scroll"><table id="trend-table"><caption>State after each run</caption><thead><tr>'
        '<th scope="col">Run</th><th scope="col">Started (UTC)</th><th scope="col">Source</th>'
        '<th scope="col">Status</th><th scope="col" class="num">Stories checked</th>'
        '<th scope="col" class="num">Clean</th><th scope="col" class="num">Stories with findings</th>'
        f'<th scope="col" class="num">Findings</th></tr></thead><tbody>{rows}</tbody></table></div></details>'
    )


def _story_link(ref: str, url: Any) -> str:
    href = safe_url(url)
    if href:
        return f'<a href="{e(href)}" rel="noopener noreferrer">{e(ref)}</a>'
    return e(ref)


def _worst(d: dict[str, Any]) -> str:
    if not d["worst"]:
        return "<p>No story has findings.</p>"
    out = ['<div class="stories">']
    for s in d["worst"]:
        sev = ", ".join(f"{num(n)} {e(k)}" for k, n in s["by_severity"].items())
        who = DOT.join(e(v) for v in (s["author"], s["project"]) if v)
        who = who + DOT if who else ""
        title = f' <span class="meta">{e(s["title"])}</span>' if s["title"] else ""
        items = []
        for f in s["top"]:
            where = f"{e(f['field'])}, line {num(f['line'])}" if f["line"] else e(f["field"])
            items.append(
                f'<li><p><span class="sev sev-{e(f["severity"])}">{e(SEVERITY_LABEL.get(f["severity"], f["severity"]))}</span> '
                f"<code>{e(f['rule'])}</code> {e(f['name'])} \u2014 {e(f['message'])}</p>"
                + (
                    f'<blockquote aria-label="Excerpt from the {where}"><mark>{e(f["excerpt"])}</mark></blockquote>'
                    if f["excerpt"]
                    else '<p class="note">Nothing to quote: the story lacks something.</p>'
                )
                + f'<p class="suggestion"><strong>Try instead:</strong> {e(f["suggestion"])}</p></li>'
            )
        more = s["findings"] - len(s["top"])
        more_note = (
            f'<p class="note">{num(more)} more finding(s) in the table below.</p>'
            if more > 0
            else ""
        )
        out.append(
            f'<article class="story" data-story="{e(s["story"])}"><h3>{_story_link(s["story"], s["url"])}{title}</h3>'
            f'<p class="meta">{who}{num(s["findings"])} finding(s): {sev}</p>'
            f"<ol>{''.join(items)}</ol>{more_note}</article>"
        )
    out.append("</div>")
    return "".join(out)


def _fixed(d: dict[str, Any]) -> str:
    fixed = d.get("fixed")
    if fixed is None:
        return '<p class="note">Fixed stories need a history store (results files list only findings).</p>'
    if not fixed:
        return "<p>No story fixed yet: none went from findings to clean.</p>"
    total = d["headline"]["fixed"]
    rows = "".join(
        f'<tr data-story="{e(s["story"])}"><th scope="row">{_story_link(s["story"], s["url"])}'
        + (f' <span class="meta">{e(s["title"])}</span>' if s["title"] else "")
        + f"</th><td>{e(s['author'] or '')}</td><td>{e(s['project'] or '')}</td>"
        f'<td class="num">{num(s["findings_before"])}</td>'
        f"<td>{e(s['fixed_run'])} ({e((s['fixed_at'] or '')[:10])})</td></tr>"
        for s in fixed
    )
    more = (
        f'<p class="note">The {num(len(fixed))} most recently fixed of {num(total)}.</p>'
        if total > len(fixed)
        else ""
    )
    return (
        f'<div class="scroll"><table id="fixed-table" data-rows="{total}"><caption>Stories that had findings'
        " and are clean now</caption><thead><tr>"
        '<th scope="col">Story</th><th scope="col">Author</th><th scope="col">Project</th>'
        '<th scope="col" class="num">Findings before</th><th scope="col">Fixed in run</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>{more}"
    )


def _spark(values: list[Any], name: str) -> str:
    """A small inline trend of shares: the line, a dot on the latest value, and words."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return '<span class="meta">—</span>'
    w, h, pad = 90, 22, 3
    top = max(v for _, v in pts) or 1
    n = max(1, len(values) - 1)
    xy = [(pad + (w - 2 * pad) * i / n, h - pad - (h - 2 * pad) * v / top) for i, v in pts]
    words = ", ".join(pct(v) for _, v in pts)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    lx, ly = xy[-1]
    return (
        f'<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">'
        f"<title>{e(name)}: HOW rate over the last {len(pts)} runs: {e(words)}</title>"
        f'<polyline points="{path}"/><circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5"/></svg>'
    )


def _how(d: dict[str, Any]) -> str:
    """The role-boundary rate: the sentence, its change, the threshold, its trend."""
    how = d["how"]
    ch = how["change"]
    change = ""
    if ch:
        count = f"{ch['count']:+,} stories" if ch["count"] else "no change in stories"
        change = (
            f'<p data-figure="how-change">Since run {e(ch["previous"])}: '
            f"{_delta_text(ch['share'], lower_is_better=True, share=True)} ({e(count)}).</p>"
        )
    elif len(how["trend"]) < 2:
        change = '<p class="note">The change appears once there are two runs.</p>'
    series = [
        {"label": p["label"], "started_at": p["started_at"], "share": p["share"]}
        for p in how["trend"]
    ]
    chart = (
        _chart(
            series,
            [("share", "Share of checked stories prescribing HOW")],
            chart_id="trend-how",
            title="Share of checked stories prescribing HOW after each run",
            as_percent=True,
            zoom=True,
        )
        if any(p["share"] is not None for p in series)
        else '<p class="note">No run records this rate yet (runs before store schema 4).</p>'
    )
    return (
        f'<div class="lead"><div><p class="headline" data-figure="how">{e(how["sentence"])}</p>'
        f"{change}"
        '<p class="note">A story prescribes HOW when it has a finding on data model, UI spec,'
        " code structure, API contract, technology or implementation steps. "
        f'<span data-figure="threshold">{e(d["threshold"]["text"])}</span> Missing outcome or'
        " acceptance criteria is story hygiene, counted apart below.</p></div>"
        f"{chart}</div>"
    )


def _coach_table(rows: list[dict[str, Any]], label: str, ident: str, grouped: Any = None) -> str:
    body = []
    for r in rows:
        picks = "".join(f"<li>{_story_link(s['story'], s['url'])}</li>" for s in r["stories"])
        cats = ", ".join(e(_category_label(c)) for c in r["top_categories"])
        change = (
            _delta_text(r["change"], lower_is_better=True, share=True)
            if r["change"] is not None
            else ""
        )
        body.append(
            f'<tr data-name="{e(r["name"])}"><th scope="row">{e(r["name"])}</th>'
            f'<td class="num">{num(r["how"])} / {num(r["checked"])}</td>'
            f'<td class="num">{pct(r["share"])}</td><td>{_spark(r["trend"], r["name"])}</td>'
            f"<td>{change}</td><td>{cats}</td><td><ul>{picks}</ul></td></tr>"
        )
    if grouped:
        body.append(
            f'<tr data-name="(grouped)"><th scope="row">{num(grouped["authors"])} author{"" if grouped["authors"] == 1 else "s"} with fewer than '
            f'{num(grouped["min"])} stories (not ranked)</th><td class="num">{num(grouped["how"])} / '
            f'{num(grouped["checked"])}</td><td class="num">{pct(grouped["share"])}</td>'
            '<td colspan="4"></td></tr>'
        )
    if not body:
        return f"<p>No {e(label.lower())} yet.</p>"
    return (
        f'<div class="scroll"><table class="coach" id="{ident}"><caption>{e(label)}</caption><thead><tr>'
        f'<th scope="col">{e(label.removesuffix("s"))}</th>'
        '<th scope="col" class="num">HOW / checked</th><th scope="col" class="num">Rate</th>'
        '<th scope="col">Last runs</th><th scope="col">Change</th><th scope="col">Most hit</th>'
        '<th scope="col">Stories to talk about</th></tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table></div>"
    )


def _coaching(d: dict[str, Any]) -> str:
    c = d["coaching"]
    grouped = dict(c["authors_grouped"], min=c["min_stories"]) if c["authors_grouped"] else None
    more = (
        f'<p class="note">The {num(len(c["authors"]))} authors with the highest rate of '
        f"{num(c['authors_total'])}.</p>"
        if c["authors_total"] > len(c["authors"])
        else ""
    )
    return (
        '<div class="coaching">'
        f"<div>{_coach_table(c['authors'], 'Authors', 'coach-authors', grouped)}{more}</div>"
        f"<div>{_coach_table(c['projects'], 'Projects', 'coach-projects')}</div></div>"
    )


def _hygiene(d: dict[str, Any]) -> str:
    cards = []
    for cat, label in (
        ("missing_outcome", "Stories missing an outcome"),
        ("missing_acceptance_criteria", "Stories missing acceptance criteria"),
    ):
        r = d["hygiene"].get(cat)
        if not r:
            continue
        change = (
            _delta_text(r["change"]["share"], lower_is_better=True, share=True)
            if r["change"]
            else ""
        )
        spark = _spark([p["share"] for p in r["trend"][-8:]], label)
        cards.append(
            f'<div class="figure"><dt>{label}</dt><dd><span data-figure="hygiene:{e(cat)}">'
            f"{num(r['count'])} of {num(r['checked'])} ({pct(r['share'])})</span>{change}"
            f"{spark}</dd></div>"
        )
    return (
        '<p class="note">These do not count toward the HOW rate: a story can lack acceptance'
        " criteria without prescribing implementation.</p>"
        f'<dl class="figures">{"".join(cards)}</dl>'
    )


def _changes(d: dict[str, Any]) -> str:
    c = d.get("changes")
    if c is None:
        return '<p class="note">What changed appears once there are two runs with per-story records.</p>'

    def listing(key: str, title: str) -> str:
        rows = c[key]
        if not rows:
            return f"<h3>{title}: none</h3>"
        items = "".join(
            f'<li data-story="{e(s["story"])}">{_story_link(s["story"], s["url"])}'
            + (f' <span class="meta">{e(s["title"])}</span>' if s["title"] else "")
            + (f' <span class="meta">{DOT}{e(s["author"])}</span>' if s["author"] else "")
            + "</li>"
            for s in rows
        )
        more = (
            f'<p class="note">{num(len(rows))} of {num(c[key + "_total"])} listed.</p>'
            if c[key + "_total"] > len(rows)
            else ""
        )
        return (
            f'<h3>{title}: {num(c[key + "_total"])}</h3><ul id="changes-{key}">{items}</ul>{more}'
        )

    return (
        f'<p class="note">Compared with the state after run {e(c["previous"])}, at the same threshold.</p>'
        + listing("stopped", "Stopped prescribing HOW")
        + listing("began", "Began to prescribe HOW")
    )


_FILTERS = """
<form class="filters" id="finding-filters" role="search" aria-label="Filter the findings">
<label>Search<input type="search" name="q" placeholder="story, title, excerpt"></label>
<label>Project<select name="project"><option value="">All projects</option></select></label>
<label>Author<select name="author"><option value="">All authors</option></select></label>
<label>Category<select name="category"><option value="">All categories</option></select></label>
<label>Severity<select name="severity"><option value="">All severities</option></select></label>
<label>Rule<select name="rule"><option value="">All rules</option></select></label>
<button type="reset">Clear filters</button>
</form>
"""


def render(dataset: dict[str, Any]) -> str:
    d = dataset
    f = d["filters"]
    scope = []
    if f["project"]:
        scope.append(f"project {e(f['project'])}")
    if f["since"]:
        scope.append(f"runs since {e(f['since'][:10])}")
    if f["pseudonymized"]:
        scope.append("author names replaced by stable aliases")
    scope_text = f" Scope: {'; '.join(scope)}." if scope else ""
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in d["notes"])
    title = "storylint report" + (f" \u2014 {f['project']}" if f["project"] else "")
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {_csp_hash(ERROR_CATCHER)} {_csp_hash(MAIN_JS)}; base-uri 'none'; form-action 'none'"
    )
    return f"""<!DOCTYPE html>
<html lang="en" data-state="loading" data-errors="0">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{e(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="storylint {e(d["tool_version"])}">
<title>{e(title)}</title>
<style>{CSS}</style>
<script>{ERROR_CATCHER}</script>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>
<h1>{e(title)}</h1>
<p class="meta">Generated {e(d["generated_at"].replace("T", " ")[:16])} UTC from {e(d["source"]["kind"])}
<code>{e(d["source"]["label"])}</code>.{scope_text}</p>
{notes}
</header>
<pre id="script-errors" role="alert" hidden></pre>
<main id="main">
<section aria-labelledby="h-how"><h2 id="h-how">Role boundary: stories that prescribe HOW</h2>{_how(d)}</section>
<section aria-labelledby="h-coaching"><h2 id="h-coaching">Coaching: who prescribes HOW, and is it going down</h2>
{_coaching(d)}</section>
<section aria-labelledby="h-changes"><h2 id="h-changes">What changed since the previous run</h2>{_changes(d)}</section>
<section aria-labelledby="h-hygiene"><h2 id="h-hygiene">Story hygiene</h2>{_hygiene(d)}</section>
<section aria-labelledby="h-glance"><h2 id="h-glance">All findings at a glance</h2>{_figures(d)}</section>
<section aria-labelledby="h-categories"><h2 id="h-categories">Findings by category</h2>{_categories(d)}</section>
<section aria-labelledby="h-trend"><h2 id="h-trend">Trend over runs</h2>{_trend(d)}</section>
<section aria-labelledby="h-worst"><h2 id="h-worst">Stories that need attention first</h2>
<p class="note">Ranked by severity (error 3, warning 2, info 1 per finding); up to three findings each.</p>
{_worst(d)}</section>
<section aria-labelledby="h-fixed"><h2 id="h-fixed">Stories fixed</h2>{_fixed(d)}</section>
<noscript><p><strong>The tables below need JavaScript.</strong> Everything above works without it;
the CSV export (<code>storylint report --format csv</code>) has every finding.</p></noscript>
<section aria-labelledby="h-authors"><h2 id="h-authors">By author</h2>
<p class="note">Who may want coaching: select a name to see that author's findings.</p>
<div id="by-author" class="table-mount"></div></section>
<section aria-labelledby="h-projects"><h2 id="h-projects">By team / project</h2>
<div id="by-project" class="table-mount"></div></section>
<section aria-labelledby="h-rules"><h2 id="h-rules">By rule</h2><div id="by-rule" class="table-mount"></div></section>
<section aria-labelledby="h-findings"><h2 id="h-findings">All findings</h2>{_FILTERS}
<div id="findings" class="table-mount"></div></section>
</main>
<footer><p>storylint {e(d["tool_version"])} \u00b7 dataset v{e(d["dataset_version"])} \u00b7
<span id="self-check">This file works offline; it loads nothing from the network.</span></p></footer>
<script type="application/json" id="report-data">{json_for_script(d)}</script>
<script>{MAIN_JS}</script>
</body>
</html>
"""


__all__ = ["json_for_script", "render", "safe_url"]
