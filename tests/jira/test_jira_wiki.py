"""Jira wiki markup (Server/Data Center descriptions) to Markdown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylint.formats.wiki import wiki_to_markdown


@pytest.mark.parametrize(
    ("wiki", "markdown"),
    [
        ("h1. Title", "# Title"),
        ("h3. Acceptance criteria", "### Acceptance criteria"),
        ("Use {{users.email}} here", "Use `users.email` here"),
        ("*Creating Quick Filters*", "**Creating Quick Filters**"),
        ("go to *Board > Configure* now", "go to **Board > Configure** now"),
        ("_italic_ stays", "_italic_ stays"),
        ("a -gone- word, re-use and 3 - 2", "a ~~gone~~ word, re-use and 3 - 2"),
        ("+under+ and ??cite??", "under and _cite_"),
        ("see [the docs|https://example.com/x?a=1]", "see [the docs](https://example.com/x?a=1)"),
        ("[https://example.com]", "<https://example.com>"),
        ("ask [~jsmith] or [~accountid:5b10ac]", "ask @jsmith or @5b10ac"),
        ("{color:red}warning{color}", "warning"),
        ("----", "---"),
        ("bq. quoted", "> quoted"),
        ("\\{not code\\} \\*x\\*", "{not code} *x*"),
        ("* a\n** b\n*** c\n* d", "- a\n  - b\n    - c\n- d"),
        ("# one\n## two\n# three", "1. one\n   1. two\n1. three"),
        ("*# mixed", "  1. mixed"),
        ("- dash", "- dash"),
    ],
)
def test_inline_and_line_markup(wiki: str, markdown: str) -> None:
    assert wiki_to_markdown(wiki) == markdown


def test_code_and_noformat_blocks() -> None:
    wiki = "Run:\n{code:sql}\nALTER TABLE users ADD email text;\n{code}\n{noformat}\n*raw* {{x}}\n{noformat}\nafter"
    assert wiki_to_markdown(wiki) == (
        "Run:\n\n```sql\nALTER TABLE users ADD email text;\n```\n\n```\n*raw* {{x}}\n```\n\nafter"
    )


def test_code_parameters_and_inline_code_block() -> None:
    assert wiki_to_markdown("{code:title=Foo.java|borderStyle=solid}class Foo {}{code}") == "```\nclass Foo {}\n```"
    assert wiki_to_markdown("{code:language=python|title=x}\npass\n{code}") == "```python\npass\n```"
    assert wiki_to_markdown("{code:java}\nx\n{code}") == "```java\nx\n```"


def test_tables() -> None:
    wiki = "Intro\n||Field||Rule [a|http://z]||\n|email|{{a|b}}|\n|x|y|\nafter"
    assert wiki_to_markdown(wiki) == (
        "Intro\n\n| Field | Rule [a](http://z) |\n| --- | --- |\n| email | `a\\|b` |\n| x | y |\n\nafter"
    )


def test_quote_and_panel() -> None:
    wiki = "{quote}first *q*\nsecond{quote}\n{panel:title=Dev notes|borderStyle=dashed}\nUse {{Redis}}\n{code}x{code}\n{panel}"
    assert wiki_to_markdown(wiki) == (
        "> first **q**\n> second\n\n> **Dev notes**\n>\n> Use `Redis`\n>\n> ```\n> x\n> ```"
    )


def test_real_server_description_shapes() -> None:
    # shapes from Jira Server webhooks: bold lines, _italic_ and [text|url] links
    wiki = "*Creating Quick Filters*\r\n\r\nYou can add your own Quick Filters in the board configuration (select *Board > Configure*)\r\n_see_ [Atlassian|https://www.atlassian.com]"
    assert wiki_to_markdown(wiki) == (
        "**Creating Quick Filters**\n\nYou can add your own Quick Filters in the board configuration"
        " (select **Board > Configure**)\n_see_ [Atlassian](https://www.atlassian.com)"
    )


def test_empty() -> None:
    assert wiki_to_markdown(None) == "" and wiki_to_markdown("") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab *#-_{}[]|h1.\n:code", max_size=120))
def test_any_text_converts(text: str) -> None:
    out = wiki_to_markdown(text)
    assert "\x00" not in out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="{}\na ", max_size=60))
def test_monospace_is_what_the_pattern_gave(text: str) -> None:
    # `{{x}}` was converted by re.sub(r"\{\{(.+?)\}\}"), whose time grew with the square of a
    # line of unclosed `{{`; the linear scan must give the same text
    import re

    from storylint.formats.wiki import _code_span, _monospace, _put

    stash_pattern: list[str] = []
    expected = re.sub(r"\{\{(.+?)\}\}", lambda m: _put(stash_pattern, _code_span(m.group(1))), text)
    stash: list[str] = []
    assert _monospace(text, stash) == expected
    assert stash == stash_pattern


def test_a_line_of_unclosed_monospace_is_linear() -> None:
    import time

    # 32,000 `{{` (a body at the 65,536-character cap) took about half a minute
    started = time.perf_counter()
    out = wiki_to_markdown("Intro.\n" + "{{" * 32_000 + "\nUse {{users.email}} here")
    assert time.perf_counter() - started < 2.0
    assert out.endswith("Use `users.email` here")
