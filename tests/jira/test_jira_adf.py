"""ADF (Jira Cloud v3 descriptions) to Markdown, on hand-written documents shaped like real ones."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storylint.formats.adf import adf_to_markdown
from storylint.model import Story
from storylint.parse import CODE, parse


def t(text: str, *marks: str, **link: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    m = [{"type": x} for x in marks]
    if link:
        m.append({"type": "link", "attrs": {"href": link["href"]}})
    if m:
        node["marks"] = m
    return node


def p(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "type": "doc", "content": list(content)}


def li(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "listItem", "content": list(content)}


def test_headings_paragraphs_and_marks() -> None:
    md = adf_to_markdown(doc(
        {"type": "heading", "attrs": {"level": 3}, "content": [t("Acceptance "), t("criteria", "strong")]},
        p(t("Use "), t("users.email", "code"), t(" and "), t("docs", href="https://example.com/d"), t(" "), t("old", "strike")),
    ))  # fmt: skip
    assert md == "### Acceptance **criteria**\n\nUse `users.email` and [docs](https://example.com/d) ~~old~~"


def test_code_block_keeps_language_and_is_code_for_the_parser() -> None:
    md = adf_to_markdown(doc(p(t("Run this:")), {"type": "codeBlock", "attrs": {"language": "sql"},
                                                 "content": [t("ALTER TABLE users\nADD COLUMN email text;\n")]}))  # fmt: skip
    assert md == "Run this:\n\n```sql\nALTER TABLE users\nADD COLUMN email text;\n```"
    parsed = parse(Story(id="1", title="x", body=md))
    code = [b for b in parsed.blocks if b.kind == CODE]
    assert len(code) == 1 and code[0].lang == "sql"


def test_nested_bullet_and_ordered_lists() -> None:
    md = adf_to_markdown(doc(
        {"type": "bulletList", "content": [
            li(p(t("one")), {"type": "orderedList", "attrs": {"order": 3}, "content": [li(p(t("three"))), li(p(t("four")))]}),
            li(p(t("two"))),
        ]},
    ))  # fmt: skip
    assert md == "- one\n  3. three\n  4. four\n- two"


def test_task_list_with_nested_task_list() -> None:
    md = adf_to_markdown(doc({"type": "taskList", "attrs": {"localId": "a"}, "content": [
        {"type": "taskItem", "attrs": {"localId": "b", "state": "DONE"}, "content": [t("Export works")]},
        {"type": "taskList", "attrs": {"localId": "c"}, "content": [
            {"type": "taskItem", "attrs": {"localId": "d", "state": "TODO"}, "content": [t("as "), t("CSV", "code")]},
        ]},
        {"type": "taskItem", "attrs": {"localId": "e", "state": "TODO"}, "content": [t("Import works")]},
    ]}))  # fmt: skip
    assert md == "- [x] Export works\n  - [ ] as `CSV`\n- [ ] Import works"


def test_panel_blockquote_mention_inline_card() -> None:
    md = adf_to_markdown(doc(
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [p(t("Heads up"))]},
        {"type": "blockquote", "content": [p(t("quoted"))]},
        p(t("Ask "), {"type": "mention", "attrs": {"id": "5b10ac8d82e05b22cc7d4ef5", "text": "@Jo Smith", "accessLevel": ""}},
          t(" see"), {"type": "inlineCard", "attrs": {"url": "https://example.atlassian.net/browse/PAY-2"}}),
        p({"type": "mention", "attrs": {"id": "x", "text": "Ann"}}),
    ))  # fmt: skip
    assert md == (
        "> Heads up\n\n> quoted\n\nAsk @Jo Smith see <https://example.atlassian.net/browse/PAY-2>\n\n@Ann"
    )


def test_table_cells_keep_marks_and_code_and_escape_pipes() -> None:
    cell = lambda *c: {"type": "tableCell", "attrs": {}, "content": list(c)}
    head = lambda *c: {"type": "tableHeader", "attrs": {}, "content": list(c)}
    md = adf_to_markdown(doc({"type": "table", "attrs": {"isNumberColumnEnabled": False, "layout": "default"}, "content": [
        {"type": "tableRow", "content": [head(p(t("Field", "strong"))), head(p(t("Rule")))]},
        {"type": "tableRow", "content": [cell(p(t("a|b"))), cell(p(t("first")), {"type": "codeBlock", "attrs": {}, "content": [t("x = 1\ny = 2")]})]},
    ]}))  # fmt: skip
    assert md == "| **Field** | Rule |\n| --- | --- |\n| a\\|b | first `x = 1 y = 2` |"


def test_hard_break_and_rule_and_unknown_nodes() -> None:
    md = adf_to_markdown(doc(
        p(t("line one"), {"type": "hardBreak"}, t("line two")),
        {"type": "rule"},
        {"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [{"type": "media", "attrs": {"id": "m", "type": "file", "collection": ""}}]},
        {"type": "someFutureNode", "content": [p(t("kept"))]},
    ))  # fmt: skip
    assert md == "line one\nline two\n\n---\n\nkept"


def test_not_a_document() -> None:
    assert adf_to_markdown(None) == ""
    assert adf_to_markdown("plain") == "plain"
    assert adf_to_markdown({"type": "doc"}) == ""


def test_deep_nesting_is_bounded() -> None:
    node: dict[str, Any] = p(t("deep"))
    for _ in range(3000):
        node = {"type": "blockquote", "content": [node]}
    assert "deep" in adf_to_markdown(doc(node))


_inline = st.one_of(
    st.builds(lambda s: t(s), st.text(max_size=20)),
    st.builds(lambda s: t(s, "code"), st.text(min_size=1, max_size=10)),
    st.just({"type": "hardBreak"}),
    st.builds(lambda s: {"type": "mention", "attrs": {"id": "1", "text": s}}, st.text(max_size=8)),
)
_block = st.recursive(
    st.builds(lambda xs: p(*xs), st.lists(_inline, max_size=4)),
    lambda children: st.one_of(
        st.builds(lambda xs: {"type": "bulletList", "content": [li(x) for x in xs]}, st.lists(children, max_size=3)),
        st.builds(lambda xs: {"type": "blockquote", "content": xs}, st.lists(children, max_size=3)),
        st.builds(lambda xs: {"type": "panel", "attrs": {"panelType": "note"}, "content": xs}, st.lists(children, max_size=3)),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_block, max_size=5))
def test_any_document_renders_and_keeps_its_words(blocks: list[dict[str, Any]]) -> None:
    md = adf_to_markdown(doc(*blocks))
    assert isinstance(md, str)
    parse(Story(id="1", title="t", body=md))  # the parser accepts whatever we render
