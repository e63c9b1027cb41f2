"""Drive a real headless Chromium: dump the DOM after scripts ran, take screenshots.

No third-party driver: Chromium's own `--dump-dom`, `--screenshot` and
`--print-to-pdf` switches, in a throwaway profile, with networking features off.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)
TIMEOUT = 90


def run_chromium(binary: str, url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="storylint-chromium-") as profile:
        cmd = [binary, *BASE_FLAGS, f"--user-data-dir={profile}", *flags, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def dump_dom(binary: str, path: Path, fragment: str = "", *, width: int = 1280) -> str:
    proc = run_chromium(
        binary, path.resolve().as_uri() + fragment, "--dump-dom", f"--window-size={width},900"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<html" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


def screenshot(
    binary: str, path: Path, out: Path, *, width: int = 1280, height: int = 3000, dark: bool = False
) -> None:
    flags = [f"--screenshot={out}", f"--window-size={width},{height}"]
    if dark:
        flags += ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]
    proc = run_chromium(binary, path.resolve().as_uri(), *flags)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.is_file() and out.stat().st_size > 1000, proc.stderr[-2000:]


def print_pdf(binary: str, path: Path, out: Path) -> None:
    proc = run_chromium(
        binary, path.resolve().as_uri(), f"--print-to-pdf={out}", "--no-pdf-header-footer"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.is_file() and out.read_bytes()[:5] == b"%PDF-", proc.stderr[-2000:]


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Dom:
    """What the tests read from a dumped DOM."""

    root: dict[str, str] = field(default_factory=dict)  # attributes of <html>
    title: str = ""
    nodes: list[Node] = field(default_factory=list)  # elements with an id or data-figure
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def by_id(self, ident: str) -> Node:
        for n in self.nodes:
            if n.attrs.get("id") == ident:
                return n
        raise KeyError(ident)

    def figures(self) -> dict[str, str]:
        return {n.attrs["data-figure"]: n.text for n in self.nodes if "data-figure" in n.attrs}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dom = Dom()
        self.stack: list[tuple[str, Node | None]] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        self.dom.tags.append((tag, attrs))
        if tag == "html":
            self.dom.root = attrs
        if tag == "title" and not self.stack_has("svg"):
            self.in_title = True
        node = Node(tag, attrs) if ("id" in attrs or "data-figure" in attrs) else None
        if node is not None:
            self.dom.nodes.append(node)
        if tag not in VOID:
            self.stack.append((tag, node))

    def stack_has(self, tag: str) -> bool:
        return any(t == tag for t, _ in self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.dom.title += data
        for _, node in self.stack:
            if node is not None:
                node.text += data


def parse_dom(html: str) -> Dom:
    p = _Parser()
    p.feed(html)
    p.close()
    return p.dom
