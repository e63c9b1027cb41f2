"""The HTML report's template and assets: package files, escaping, CSP hashes, Jinja2 optional."""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

from storylint import report_data as rd
from storylint.model import StoryResult
from storylint.reporters import html_report
from storylint.store import open_store
from tests.report.report_fixtures import History, finding, jira_story, record_run

TEMPLATE_FILES = (
    "report.html.j2",
    "_macros.html.j2",
    "report.css",
    "report.js",
    "report-errors.js",
)
HOSTILE_TITLE = "T \"quoted\" <script>document.title='t'</script> & more"
HOSTILE_AUTHOR = 'Ann "the <script>x</script>" & co'
HOSTILE_KEY = 'ACME-1" onclick="alert(1)'
HOSTILE_EXCERPT = '<script>alert("x")</script> & "q"'
ROOT = Path(__file__).resolve().parents[2]


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of the body."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_template_css_and_js_are_package_files() -> None:
    folder = files("storylint.reporters") / "templates"
    for name in TEMPLATE_FILES:
        assert (folder / name).is_file(), name
        assert (folder / name).read_text(encoding="utf-8").strip(), name
    # the Python module prepares data only: no markup, style or script in its strings
    tree = ast.parse(Path(html_report.__file__).read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef)) and ast.get_docstring(node)
    }
    strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]
    markup = re.compile(r"<(div|table|tr|td|th|span|svg|p|a|style|script|section)\b")
    assert strings and not [s for s in strings if markup.search(s)]


def hostile_page(tmp_path: Path) -> str:
    store = open_store(str(tmp_path / "h.db"))
    try:
        s = jira_story(1, HOSTILE_AUTHOR, title=HOSTILE_TITLE)
        s = s.model_copy(update={"key": HOSTILE_KEY})
        f = finding(s, "DM01", "data_model", "error", HOSTILE_EXCERPT, suggestion='Say "why" & <b>')
        results = [StoryResult(s, [f])]
        results += [StoryResult(jira_story(n, HOSTILE_AUTHOR), []) for n in range(2, 8)]
        for _ in range(2):  # two runs: the coaching, changes and trend sections show too
            record_run(store, "jira:ACME", results)
        dataset = rd.build_dataset(rd.load_store(store), version="test")
    finally:
        store.close()
    return html_report.render(dataset)


def test_story_strings_with_script_quote_and_ampersand_are_escaped(tmp_path: Path) -> None:
    page = hostile_page(tmp_path)
    parsed = Page(page)
    # nothing the story says became markup: only the page's own three scripts, no handlers
    assert [t for t, _ in parsed.tags if t == "script"] == ["script"] * 3
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    # ... and everything it says is shown, as text and as attribute values, intact
    body = "".join(parsed.text)
    for text in (HOSTILE_TITLE, HOSTILE_AUTHOR, HOSTILE_KEY, HOSTILE_EXCERPT, 'Say "why" & <b>'):
        assert text in body, text
    stories = {a.get("data-story") for _, a in parsed.tags if "data-story" in a}
    assert stories == {HOSTILE_KEY}  # the only story with findings
    assert HOSTILE_AUTHOR in {a.get("data-name") for _, a in parsed.tags}
    assert HOSTILE_EXCERPT not in page and HOSTILE_TITLE not in page and HOSTILE_KEY not in page


def test_csp_hashes_are_those_of_the_inline_files(history: History) -> None:
    store = history.open()
    try:
        page = html_report.render(rd.build_dataset(rd.load_store(store)))
    finally:
        store.close()
    folder = files("storylint.reporters") / "templates"
    css, errors_js, main_js = (
        (folder / n).read_text(encoding="utf-8")
        for n in ("report.css", "report-errors.js", "report.js")
    )
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert styles == [css] and scripts == [errors_js, main_js]
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    )
    allowed = re.search(r"script-src ([^;]+);", policy).group(1).split()  # type: ignore[union-attr]

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert allowed == [sha(errors_js), sha(main_js)]


def without_jinja2(*args: str) -> subprocess.CompletedProcess[str]:
    """`storylint ...` in a process where `import jinja2` fails, as when it is not installed."""
    code = (
        "import runpy, sys; sys.modules['jinja2'] = None; sys.argv = ['storylint', *sys.argv[1:]];"
        " runpy.run_module('storylint', run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def test_html_report_without_jinja2_is_one_error_line(history: History, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = without_jinja2("report", "--store", history.url, "-o", str(out))
    assert proc.returncode == 2
    assert proc.stderr == "Error: the HTML report needs Jinja2: pip install 'storylint[report]'\n"
    assert not out.exists()
    # the other formats do not need it
    md = tmp_path / "digest.md"
    proc = without_jinja2("report", "--store", history.url, "-o", str(md))
    assert proc.returncode == 0, proc.stderr
    assert md.read_text(encoding="utf-8").startswith("## storylint report")


def test_check_does_not_import_jinja2(tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text("# Export\n\nAs a user I want to export my orders.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "storylint", "check", str(story)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()]
    assert "storylint.cli" in imported  # the import log is there
    assert not [m for m in imported if m.split(".")[0] in ("jinja2", "markupsafe")]
