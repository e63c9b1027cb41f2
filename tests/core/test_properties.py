"""Property tests: no text crashes the parser or the engine; positions stay inside the text."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storylint.analysis import TOKEN_RE, SentenceInfo, tokenize
from storylint.engine import Linter
from storylint.formats.adf import adf_to_markdown
from storylint.model import BodyFormat, Story
from storylint.parse import parse

LINTER = Linter()
ALPHABET = st.sampled_from(list("ab_Z `#*->|[](){}:.,/\n\t\r 1#x<!-") + ["```", "{code}", "h2. ", "- [ ] ", "As a ", " so that ", "Add ", "Redis", "12px", "GET /api/v1/x", "\u202e", "\x00", "é"])
TEXT = st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=300)
# what joins or ends a word for TOKEN_RE ("v1.2", "C++", "C#"), and what does not ("x.", "é")
WORDY = st.lists(st.sampled_from(["ab", "a_b", "Z9", " ", "  ", ".", "v1.2", "c++", "C#", "x.", ".y", "\u00e9", ",", "\n", "-", "__", "1.5", "+", "#"]), max_size=40).map("".join) | st.text(max_size=200)  # fmt: skip


def _check(story: Story) -> None:
    result = LINTER.lint(story)
    for f in result.findings:
        text = story.title if f.field == "title" else story.body
        if f.field == "body":
            text = parse(story).body  # positions count in the text as read (HTML, escaped line breaks: README, Input)
        norm = text.replace("\r\n", "\n").replace("\r", "\n") if f.field == "body" else text.replace("\r", " ")
        lines = norm.split("\n")
        assert 1 <= f.line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
        assert f.end_line >= f.line
        assert 0 <= f.offset <= len(norm)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, body=TEXT, fmt=st.sampled_from(list(BodyFormat)))
@example(title="`", body="```\n" * 3, fmt=BodyFormat.MARKDOWN)
@example(title="Add `a", body="{code}\nx", fmt=BodyFormat.JIRA_WIKI)
@example(title="", body="<!-- storylint-disable DM01", fmt=BodyFormat.MARKDOWN)
@example(title="Add ", body="a\n12px", fmt=BodyFormat.HTML)  # read as "a 12px": column 3 of line 1
def test_engine_never_crashes_and_positions_are_inside(title: str, body: str, fmt: BodyFormat) -> None:
    _check(Story(id="p", title=title, body=body, body_format=fmt))


ADF_NODE = st.recursive(
    st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=20)}),
    lambda kids: st.fixed_dictionaries(
        {"type": st.sampled_from(["paragraph", "bulletList", "listItem", "codeBlock", "table", "tableRow", "tableCell", "blockquote", "panel", "heading", "unknown"]),
         "content": st.lists(kids, max_size=4)}
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(doc=st.fixed_dictionaries({"type": st.just("doc"), "content": st.lists(ADF_NODE, max_size=5)}))
def test_adf_renderer_never_crashes(doc: dict) -> None:
    text = adf_to_markdown(doc)
    _check(Story(id="a", title="t", body=text, body_format=BodyFormat.ADF))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400) | st.lists(st.sampled_from([b"{", b"}", b"[", b"]", b'"id"', b'"title"', b":", b",", b"\n", b"\xff", b"1", b'"x"', b"null", b'"issues"', b'"fields"']), max_size=60).map(b"".join))
@example(data=b"[" * 5000)
@example(data=b'{"issues": [{"key": 1, "fields": null}]}')
def test_file_reader_never_raises(data: bytes) -> None:
    """Any bytes on stdin give stories or Problem records, never an exception."""
    import io

    from storylint.connectors.files import read_stream
    from storylint.model import Problem

    for item in read_stream(io.BytesIO(data), "<fuzz>"):
        if isinstance(item, Problem):
            assert item.message and "\n" not in item.message
        else:
            LINTER.lint(item)


@settings(max_examples=300, deadline=None)
@given(text=WORDY)
def test_words_and_their_positions_are_the_token_pattern_s(text: str) -> None:
    """`tokenize` and `SentenceInfo.tokens` take C string methods' short cut where they can:
    the words and offsets must stay `TOKEN_RE`'s."""
    assert tokenize(text) == TOKEN_RE.findall(text)
    info = SentenceInfo("body", 5, 5 + len(text), text, "paragraph", "none", None)
    assert info.tokens == [(5 + m.start(), 5 + m.end(), m.group(0)) for m in TOKEN_RE.finditer(text)]
