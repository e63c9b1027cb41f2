"""The HTML report: one self-contained file (inline CSS, JS and SVG; no network).

Reads only the dataset of `storylint.report_data.build_dataset`. The headline, the
category breakdown, the trend charts and the worst stories are rendered server-side, so
they print and read without JavaScript; the big tables (authors, projects, rules, every
finding) are drawn by the inline script from the embedded JSON, 25 or 100 rows a page.

The markup is the Jinja2 template `templates/report.html.j2`, the style and scripts are
`templates/report.css`, `report-errors.js` and `report.js`, inlined into the page: each is
a real file that can be read and linted as what it is. This module only prepares data:
numbers, changes, chart coordinates.

Story text is attacker-controlled: the template autoescapes every string and the script
writes through `textContent`; links are emitted only for http/https URLs (`safe_url`);
the JSON block escapes `<`, `>` and `&`; a Content-Security-Policy allows no network and
only this file's own two scripts (by the hash of the files' contents), so even a missed
escape could not run a script.

Jinja2 is imported on first render only, so `storylint check` never pays for it, and it
is an optional dependency (`storylint[report]`): without it this report is an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from storylint.errors import StorylintError

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).with_name("templates")
NEEDS_JINJA = "the HTML report needs Jinja2: pip install 'storylint[report]'"
DOT = " \u00b7 "
SEVERITY_LABEL = {"error": "\u2716 error", "warning": "\u25b2 warning", "info": "\u25cf info"}
#: the asset files inlined into the page, by the name the template uses
ASSETS = {"css": "report.css", "errors_js": "report-errors.js", "main_js": "report.js"}


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


def minute(iso: str | None) -> str:
    """2026-01-31T12:34:56+00:00 -> 2026-01-31 12:34."""
    return (iso or "")[:16].replace("T", " ")


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def csp_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def category_label(cat: str) -> str:
    return cat.replace("_", " ")


def delta(
    value: float | None, *, lower_is_better: bool, unit: str = "", share: bool = False
) -> dict[str, str] | None:
    """A change as words and an arrow (the `delta` macro), so colour is never the only signal."""
    if value is None:
        return None
    if value == 0:
        return {"cls": "same"}
    up = value > 0
    better = (not up) if lower_is_better else up
    return {
        "cls": "better" if better else "worse",
        "arrow": "\u25b2" if up else "\u25bc",
        "word": "up" if up else "down",
        "amount": f"{abs(value) * 100:.1f} points" if share else f"{abs(value):,}{unit}",
        "verdict": "better" if better else "worse",
    }


# -- assets and environment -----------------------------------------------------------------


@lru_cache(maxsize=1)
def assets() -> dict[str, str]:
    """The inline stylesheet and scripts, read from the package files.

    Inlined raw into <style>/<script>, so none may contain the closing tag.
    """
    out = {}
    for key, name in ASSETS.items():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        if re.search(r"</(style|script)", text, re.IGNORECASE):
            raise RuntimeError(f"{name} must not contain a closing </style> or </script> tag")
        out[key] = text
    return out


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescaping, strict about undefined names; Jinja2 is imported here, not at startup."""
    try:
        import jinja2
    except ImportError:
        raise StorylintError(NEEDS_JINJA) from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=num, pct=pct, minute=minute, category_label=category_label)
    env.globals.update(safe_url=safe_url, DOT=DOT, SEVERITY_LABEL=SEVERITY_LABEL)
    return env


# -- charts -------------------------------------------------------------------------------


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10.0 ** (len(str(int(value))) - 1)
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def chart(
    trend: list[dict[str, Any]],
    series: list[tuple[str, str]],
    *,
    chart_id: str,
    title: str,
    as_percent: bool = False,
    zoom: bool = False,
) -> dict[str, Any]:
    """The geometry of a line chart over runs, for the `chart` macro (inline SVG).

    Series 1 is a solid line with circles, series 2 a dashed line with squares.
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

    desc_parts = []
    for key, name in series:
        vals = [
            (p["label"], p["started_at"][:10], p[key]) for p in points if p.get(key) is not None
        ]
        if vals:
            (run0, day0, v0), (run1, day1, v1) = vals[0], vals[-1]
            desc_parts.append(
                f"{name}: {label(v0)} at run {run0} ({day0}), {label(v1)} at run {run1} ({day1})"
            )
    desc = f"{n} run(s). " + "; ".join(desc_parts) + "." if n else "No runs recorded yet."
    grid = []
    for i in range(5):
        v = ymax * i / 4
        grid.append({"y": f"{y(v):.1f}", "text_y": f"{y(v) + 4:.1f}", "label": label(v)})
    ticks = []
    if n:
        shown = (
            sorted({0, n - 1, *(round(k * (n - 1) / 5) for k in range(1, 5))})
            if n > 6
            else list(range(n))
        )
        for i in shown:
            p = points[i]
            ticks.append({"x": f"{x(i):.1f}", "day": p["started_at"][5:10], "run": p["label"][:14]})
    lines = []
    marker_every = max(1, n // 60)
    for s, (key, name) in enumerate(series, 1):
        coords = [(x(i), y(p[key]), p) for i, p in enumerate(points) if p.get(key) is not None]
        if not coords:
            continue
        markers = []
        for i, (cx, cy, p) in enumerate(coords):
            if i % marker_every and i != len(coords) - 1:
                continue
            when = minute(p["started_at"])
            markers.append(
                {
                    "cx": f"{cx:.1f}",
                    "cy": f"{cy:.1f}",
                    "x": f"{cx - 4:.1f}",
                    "y": f"{cy - 4:.1f}",
                    "tip": f"{name}: {label(p[key])} after run {p['label']} ({when})",
                }
            )
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _ in coords)
        lines.append({"n": s, "points": path, "markers": markers})
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + ph,
        "empty_x": left + pw / 2,
        "empty_y": top + ph / 2,
        "grid": grid,
        "ticks": ticks,
        "lines": lines,
        "legend": [name for _, name in series],
    }


def spark(values: list[Any], name: str, measure: str = "HOW rate") -> dict[str, Any] | None:
    """A small inline trend of shares (the `spark` macro): the line, a dot on the latest value;
    its title (what a screen reader says) names the series and what it measures."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return None
    w, h, pad = 90, 22, 3
    top = max(v for _, v in pts) or 1
    n = max(1, len(values) - 1)
    xy = [(pad + (w - 2 * pad) * i / n, h - pad - (h - 2 * pad) * v / top) for i, v in pts]
    words = ", ".join(pct(v) for _, v in pts)
    lx, ly = xy[-1]
    return {
        "w": w,
        "h": h,
        "title": f"{name}: {measure} over the last {len(pts)} runs: {words}",
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in xy),
        "lx": f"{lx:.1f}",
        "ly": f"{ly:.1f}",
    }


# -- sections -----------------------------------------------------------------------------


def _figures(d: dict[str, Any]) -> list[dict[str, Any]]:
    h = d["headline"]
    change = h["delta"] or {}
    return [
        # more stories is neither better nor worse
        {"key": "checked", "label": "Stories checked", "value": num(h["checked"]), "delta": None},
        {
            "key": "clean_share",
            "label": "Share clean",
            "value": pct(h["clean_share"]),
            "delta": delta(change.get("clean_share"), lower_is_better=False, share=True),
        },
        {
            "key": "with_findings",
            "label": "Stories with findings",
            "value": num(h["with_findings"]),
            "delta": delta(change.get("with_findings"), lower_is_better=True),
        },
        {
            "key": "findings",
            "label": "Findings",
            "value": num(h["findings"]),
            "delta": delta(change.get("findings"), lower_is_better=True),
        },
        {
            "key": "authors",
            "label": "Authors with findings",
            "value": num(h["authors"]),
            "delta": None,
        },
    ]


def _categories(d: dict[str, Any]) -> list[dict[str, Any]]:
    h = d["headline"]
    by_cat = h["by_category"]
    if not by_cat:
        return []
    total = sum(by_cat.values()) or 1
    peak = max(by_cat.values())
    change = (h["delta"] or {}).get("by_category")
    rows = []
    for i, cat in enumerate(d["categories"]):
        n = by_cat.get(cat, 0)
        if not n and not (change and change.get(cat)):
            continue
        rows.append(
            {
                "category": cat,
                "count": n,
                "share": f"{n / total * 100:.1f}",
                "color": i % 9,
                "width": f"{100 * n / peak if peak else 0:.1f}",
                "delta": delta(change.get(cat, 0), lower_is_better=True)
                if change is not None
                else None,
            }
        )
    return rows


def _trend(d: dict[str, Any]) -> dict[str, Any]:
    trend = d["trend"]
    if not trend:
        return {}
    return {
        "counts": chart(
            trend,
            [("findings", "Findings"), ("with_findings", "Stories with findings")],
            chart_id="trend-findings",
            title="Findings and stories with findings after each run",
        ),
        "share": chart(
            trend,
            [("clean_share", "Share of stories clean")],
            chart_id="trend-clean",
            title="Share of checked stories without findings after each run",
            as_percent=True,
        ),
    }


def _how(d: dict[str, Any]) -> dict[str, Any]:
    """The role-boundary rate's change and trend chart."""
    how = d["how"]
    ch = how["change"]
    series = [
        {"label": p["label"], "started_at": p["started_at"], "share": p["share"]}
        for p in how["trend"]
    ]
    return {
        "delta": delta(ch["share"], lower_is_better=True, share=True) if ch else None,
        "count": (f"{ch['count']:+,} stories" if ch["count"] else "no change in stories")
        if ch
        else "",
        "chart": chart(
            series,
            [("share", "Share of checked stories prescribing HOW")],
            chart_id="trend-how",
            title="Share of checked stories prescribing HOW after each run",
            as_percent=True,
            zoom=True,
        )
        if any(p["share"] is not None for p in series)
        else None,
    }


def _coach_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "spark": spark(r["trend"], r["name"]),
            "delta": delta(r["change"], lower_is_better=True, share=True)
            if r["change"] is not None
            else None,
        }
        for r in rows
    ]


def _coaching(d: dict[str, Any]) -> dict[str, Any]:
    c = d["coaching"]
    return {
        "authors": _coach_rows(c["authors"]),
        "projects": _coach_rows(c["projects"]),
        "grouped": dict(c["authors_grouped"], min=c["min_stories"])
        if c["authors_grouped"]
        else None,
    }


def _hygiene(d: dict[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for cat, label in (
        ("missing_outcome", "Stories missing an outcome"),
        ("missing_acceptance_criteria", "Stories missing acceptance criteria"),
    ):
        r = d["hygiene"].get(cat)
        if not r:
            continue
        cards.append(
            {
                "category": cat,
                "label": label,
                "count": r["count"],
                "checked": r["checked"],
                "share": r["share"],
                "delta": delta(r["change"]["share"], lower_is_better=True, share=True)
                if r["change"]
                else None,
                "spark": spark([p["share"] for p in r["trend"][-8:]], label, "share of stories"),
            }
        )
    return cards


def _scope(filters: dict[str, Any]) -> list[str]:
    scope = []
    if filters["project"]:
        scope.append(f"project {filters['project']}")
    if filters["since"]:
        scope.append(f"runs since {filters['since'][:10]}")
    if filters["pseudonymized"]:
        scope.append("author names replaced by stable aliases")
    return scope


def render(dataset: dict[str, Any]) -> str:
    d = dataset
    project = d["filters"]["project"]
    a = assets()
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {csp_hash(a['errors_js'])} {csp_hash(a['main_js'])}; "
        "base-uri 'none'; form-action 'none'"
    )
    view = {
        "title": "storylint report" + (f" \u2014 {project}" if project else ""),
        "scope": _scope(d["filters"]),
        "csp": csp,
        "how": _how(d),
        "coaching": _coaching(d),
        "figures": _figures(d),
        "categories": _categories(d),
        "trend": _trend(d),
        "hygiene": _hygiene(d),
        "data_json": json_for_script(d),
        **a,
    }
    return environment().get_template("report.html.j2").render(d=d, v=view)


__all__ = ["csp_hash", "json_for_script", "render", "safe_url"]
