"""The renderers on their own: escaping, links, CSV injection, Markdown safety, size."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

from storylint import report_data as rd
from storylint.reporters import csv_report, digest, html_report
from tests.report.report_fixtures import (
    FORMULA_EXCERPT,
    XSS_AUTHOR,
    XSS_EXCERPT,
    History,
    worst_case_input,
)


def build(history: History) -> tuple[rd.ReportInput, dict]:
    store = history.open()
    try:
        inp = rd.load_store(store)
    finally:
        store.close()
    return inp, rd.build_dataset(inp, version="test", generated_at="2026-01-01T00:00:00+00:00")


def test_html_escapes_story_text(history: History) -> None:
    _, d = build(history)
    page = html_report.render(d)
    assert XSS_EXCERPT not in page and XSS_AUTHOR not in page
    assert "<img id=pwned" not in page and "<script>document.title" not in page
    assert "&lt;/script&gt;&lt;img id=pwned" in page  # shown, as text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;title&lt;/i&gt;" in page
    # exactly the three scripts we put there, and nothing else closes them
    assert page.count("<script") == 3 and page.count("</script>") == 3


def test_embedded_json_cannot_break_out(history: History) -> None:
    _, d = build(history)
    page = html_report.render(d)
    block = page.split('<script type="application/json" id="report-data">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "</" not in block and "<!--" not in block and "<" not in block
    assert json.loads(block) == json.loads(json.dumps(d))


def test_only_http_links_and_no_network(history: History) -> None:
    _, d = build(history)
    page = html_report.render(d)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h == "#main" or h.startswith(("https://", "http://")) for h in hrefs), (
        hrefs
    )
    assert "javascript:" not in page.split('<script type="application/json"', 1)[0].lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"<[a-z][^>]*\ssrc=", page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp
    policy = html.unescape(csp.group(1))
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1]


def test_safe_url() -> None:
    assert html_report.safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "//x.example",
        "https://",
        None,
        3,
    ):
        assert html_report.safe_url(bad) is None, bad


def test_html_accessibility_structure(history: History) -> None:
    _, d = build(history)
    page = html_report.render(d)
    assert '<html lang="en"' in page and "<h1>" in page and page.count("<h2") >= 7
    assert 'role="img"' in page and 'aria-labelledby="trend-findings-t trend-findings-d"' in page
    assert '<th scope="col">' in page and '<th scope="row">' in page
    assert "@media print" in page and "prefers-color-scheme: dark" in page
    # severity and change carry words and glyphs, not colour alone
    assert "\u2716 error" in page and "(better)" in page and "(worse)" in page


def test_csv_neutralises_formulas(history: History) -> None:
    inp, _ = build(history)
    text = csv_report.render(rd.filtered_findings(inp))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7
    by_story = {r["story"]: r for r in rows}
    assert by_story["ACME-6"]["excerpt"] == "'" + FORMULA_EXCERPT
    assert by_story["ACME-6"]["suggestion"].startswith("'@here")
    assert by_story["ACME-5"]["excerpt"] == XSS_EXCERPT  # CSV is data: kept verbatim
    assert csv_report.safe_cell("-2+3") == "'-2+3" and csv_report.safe_cell("\tx") == "'\tx"
    assert csv_report.safe_cell(-3) == -3 and csv_report.safe_cell(None) == ""
    assert list(rows[0]) == list(csv_report.COLUMNS)


def test_digest_is_safe_markdown(history: History) -> None:
    _, d = build(history)
    md = digest.render(d)
    assert md.startswith("## storylint report")
    assert "**9** stories checked, **33.3%** clean, **6** with findings, **7** findings." in md
    assert "Since run \\#2: findings -1, stories with findings ±0, share clean +8.3 pts." in md
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "<" not in outside_code  # story text with markup only appears in code spans
    assert "@here" not in md  # mentions are broken up
    assert "javascript:" not in md
    assert "[acme/web\\#1](https://github.com/acme/web/issues/1)" in md


def test_pseudonymized_outputs_have_no_names(history: History) -> None:
    store = history.open()
    try:
        key, _ = rd.pseudonym_key(store)
        inp = rd.load_store(store)
    finally:
        store.close()
    alias = rd.make_aliaser(key)
    d = rd.build_dataset(inp, alias=alias)
    outputs = [
        html_report.render(d),
        digest.render(d),
        csv_report.render(rd.filtered_findings(inp, alias)),
    ]
    for out in outputs:
        for name in ("Dana Scully", "Fox Mulder", "octocat", "Walter Skinner"):
            assert name not in out
        assert alias("Dana Scully") in out


def test_worst_case_50k_findings_stay_under_5_mb(worst_case_dataset: dict[str, Any]) -> None:
    """Long excerpts and titles everywhere: the caps keep 50,000 findings under 5 MB."""
    d = worst_case_dataset
    page = html_report.render(d)
    assert len(page.encode("utf-8")) < 5_000_000
    assert len(d["table"]["rows"]) == 50_000  # shorter excerpts, but every finding
    assert any("cut at" in n for n in d["notes"])


def test_twice_as_many_keep_the_most_severe() -> None:
    """100,000 long findings: excerpts at the floor and still too big, so rows are dropped."""
    inp = worst_case_input(100_000)
    d = rd.build_dataset(inp)
    assert len(html_report.render(d).encode("utf-8")) < 5_000_000
    assert d["table"]["excerpt_cap"] == rd.MIN_CAP
    assert len(d["table"]["rows"]) < 100_000 and any("the CSV has all" in n for n in d["notes"])
    assert d["headline"]["findings"] == 100_000  # the figures still count everything
    kept = {d["table"]["severities"][r[2]] for r in d["table"]["rows"]}
    assert "error" in kept and "info" not in kept


def test_a_sparklines_title_names_what_it_measures() -> None:
    # what a screen reader says: a hygiene card's line is a share of stories, not the HOW rate
    assert html_report.spark([0.5, 0.25], "Shopper")["title"] == "Shopper: HOW rate over the last 2 runs: 50.0%, 25.0%"
    missing = html_report.spark([0.5, 0.25], "Stories missing an outcome", "share of stories")
    assert missing is not None and missing["title"].startswith("Stories missing an outcome: share of stories over")
