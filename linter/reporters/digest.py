"""The Markdown digest: a short summary of the report for Slack, e-mail or a GitHub summary.

Reads the dataset of `storylint.report_data.build_dataset`. Story text goes through
`md_escape` / `md_code` / `md_link`, so the digest can neither inject markup nor @-mention
anyone; links are emitted only for clean http/https URLs (no whitespace or control chars).
"""

from __future__ import annotations

from typing import Any

from .markdown import md_code, md_escape, md_link

TOP = 10


def _num(n: Any) -> str:
    return "n/a" if n is None else f"{n:,}"


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x * 100:.1f}%"


def _signed(n: Any, *, share: bool = False) -> str:
    if n is None:
        return "n/a"
    if share:
        return f"{n * 100:+.1f} pts"
    return f"{n:+,}" if n else "±0"


def _link(text: str, url: Any) -> str:
    return md_link(str(text), url)


def _pts(x: Any) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f} pts" if x else "±0 pts"


def _spark(values: list[Any]) -> str:
    """A text sparkline of shares (▁ lowest … █ highest of the series; · unknown)."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    bars = "▁▂▃▄▅▆▇█"
    return "".join(
        "·" if v is None else bars[0 if high == low else round((v - low) / (high - low) * 7)]
        for v in values
    )


def _headline(d: dict[str, Any]) -> list[str]:
    """The role-boundary rate first (its sentence is the first non-heading line), then
    its change, the threshold, hygiene, what changed and the top movers."""
    how = d["how"]
    out = [how["sentence"]]
    ch = how["change"]
    if ch:
        out.append(
            f"Since run {md_escape(str(ch['previous']))}: {_signed(ch['count'])} stories, "
            f"{_pts(ch['share'])}."
        )
    spark = _spark([p["share"] for p in how["trend"][-TOP:]])
    if len([p for p in how["trend"] if p["share"] is not None]) >= 2:
        out.append(f"Trend over the last {min(TOP, len(how['trend']))} runs: {spark}")
    out.append(f"_{md_escape(d['threshold']['text'])}_")
    out.append("")
    hy = d["hygiene"]
    parts = []
    for cat, label in (
        ("missing_outcome", "missing outcome"),
        ("missing_acceptance_criteria", "missing acceptance criteria"),
    ):
        r = hy.get(cat)
        if r:
            change = f", {_pts(r['change']['share'])}" if r["change"] else ""
            parts.append(f"{label} {_num(r['count'])} ({_pct(r['share'])}{change})")
    if parts:
        out.append("Story hygiene (apart from the headline): " + "; ".join(parts) + ".")
    c = d.get("changes")
    if c:
        began = c["began_total"]
        out.append(
            f"Since run {md_escape(str(c['previous']))}: {_num(began)} "
            f"{'story' if began == 1 else 'stories'} began to prescribe HOW, "
            f"{_num(c['stopped_total'])} stopped."
        )
        for title, key in (("Began", "began"), ("Stopped", "stopped")):
            if c[key]:
                out.append(
                    f"- {title}: "
                    + ", ".join(_link(s["story"], s["url"]) for s in c[key][:TOP])
                    + (" …" if c[f"{key}_total"] > TOP else "")
                )
    movers = [
        r
        for r in d["coaching"]["authors"] + d["coaching"]["projects"]
        if r["change"] is not None and r["change"] != 0
    ]
    movers.sort(key=lambda r: (-abs(r["change"]), r["name"]))
    if movers:
        out.append(
            "Top movers: "
            + "; ".join(
                f"{md_escape(r['name'])} {_pct(r['share'])} ({_pts(r['change'])})"
                for r in movers[:5]
            )
            + "."
        )
    return out


def render(d: dict[str, Any]) -> str:
    h = d["headline"]
    f = d["filters"]
    delta = h["delta"]
    scope = []
    if f["project"]:
        scope.append(f"project {md_escape(f['project'])}")
    if f["since"]:
        scope.append(f"runs since {md_escape(str(f['since'])[:10])}")
    if f["pseudonymized"]:
        scope.append("authors pseudonymized")
    out = ["## storylint report" + (f" — {md_escape(f['project'])}" if f["project"] else ""), ""]
    out += _headline(d)
    out.append("")
    out.append(
        f"**{_num(h['checked'])}** stories checked, **{_pct(h['clean_share'])}** clean, "
        f"**{_num(h['with_findings'])}** with findings, **{_num(h['findings'])}** findings"
        + (f" ({'; '.join(scope)})" if scope else "")
        + "."
    )
    if delta:
        out.append(
            f"Since run {md_escape(str(delta['previous']))}: findings {_signed(delta['findings'])}, "
            f"stories with findings {_signed(delta['with_findings'])}, "
            f"share clean {_signed(delta['clean_share'], share=True)}."
        )
    for note in d["notes"]:
        out.append(f"_{md_escape(note)}_")
    out.append("")
    if h["by_category"]:
        out += ["| category | findings | change |", "| --- | ---: | ---: |"]
        dc = (delta or {}).get("by_category", {})
        for cat, n in sorted(h["by_category"].items(), key=lambda kv: -kv[1]):
            change = _signed(dc.get(cat, 0)) if delta else ""
            out.append(f"| {md_escape(cat.replace('_', ' '))} | {_num(n)} | {change} |")
        out.append("")
    trend = d["trend"][-TOP:]
    if len(trend) >= 2:
        out += [
            "**Trend** (latest runs)",
            "",
            "| run | date | checked | clean | findings |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for p in trend:
            out.append(
                f"| {md_escape(str(p['label']))} | {md_escape(str(p['started_at'])[:10])} | {_num(p['checked'])} | "
                f"{_pct(p['clean_share'])} | {_num(p['findings'])} |"
            )
        out.append("")
    for title, rows, key in (
        ("Authors", d["by_author"], "author"),
        ("Projects", d["by_project"], "project"),
    ):
        if not rows:
            continue
        out += [
            f"**{title} with most findings**",
            "",
            f"| {key} | stories with findings | findings |",
            "| --- | ---: | ---: |",
        ]
        out += [
            f"| {md_escape(r['name'])} | {_num(r['with_findings'])} | {_num(r['findings'])} |"
            for r in rows[:TOP]
        ]
        if len(rows) > TOP:
            out.append(f"| … {len(rows) - TOP:,} more | | |")
        out.append("")
    if d["by_rule"]:
        out += ["**Top rules**", "", "| rule | category | findings |", "| --- | --- | ---: |"]
        out += [
            f"| {md_code(r['rule'])} {md_escape(r['name'])} | {md_escape(r['category'].replace('_', ' '))} | {_num(r['findings'])} |"
            for r in d["by_rule"][:TOP]
        ]
        out.append("")
    if d["worst"]:
        out += ["**Stories to look at first**", ""]
        for s in d["worst"][:TOP]:
            top = s["top"][0]
            who = f" by {md_escape(s['author'])}" if s["author"] else ""
            out.append(
                f"- {_link(s['story'], s['url'])}{who}: {_num(s['findings'])} finding(s); "
                f"{md_code(top['rule'])} {md_code(top['excerpt'])} → {md_escape(top['suggestion'])}"
            )
        out.append("")
    if d.get("fixed"):
        out += [f"**Stories fixed** ({_num(d['headline']['fixed'])}: had findings, clean now)", ""]
        for s in d["fixed"][:TOP]:
            who = f" by {md_escape(s['author'])}" if s["author"] else ""
            out.append(
                f"- {_link(s['story'], s['url'])}{who}: {_num(s['findings_before'])} finding(s) "
                f"fixed in run {md_escape(s['fixed_run'])}"
            )
        out.append("")
    out.append(
        f"_storylint {md_escape(d['tool_version'])}, generated {md_escape(str(d['generated_at'])[:16].replace('T', ' '))} UTC._"
    )
    return "\n".join(out) + "\n"


__all__ = ["render"]
