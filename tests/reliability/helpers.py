"""Assertions shared by the reliability tests."""

from __future__ import annotations

from storylint.model import BodyFormat, Story, StoryResult
from storylint.parse import looks_like_html, parse


def normalised(story: Story, field: str) -> str:
    """The field text positions index into, worked out apart from the parser (so that a
    mistake in its line handling shows): line breaks normalised. Only where the body is read
    as other text (HTML, or line breaks an export kept as the two characters `\\n`; the
    README: "the lines and columns of findings then count in the text as read") is the
    parser's own text taken."""
    if field == "title":
        return story.title.replace("\r", " ")
    body = story.body.replace("\r\n", "\n").replace("\r", "\n")
    converted = story.body_format == BodyFormat.HTML or (
        story.body_format != BodyFormat.JIRA_WIKI and looks_like_html(body)
    ) or ("\\n" in body and body.count("\n") <= 1)
    return parse(story).text(field) if converted else body


def assert_positions_inside(story: Story, result: StoryResult) -> None:
    """Every finding points at a real line and column of its field."""
    lines = {name: normalised(story, name).split("\n") for name in ("title", "body")}
    sizes = {name: len(normalised(story, name)) for name in ("title", "body")}
    for f in result.findings:
        assert f.field in ("title", "body"), f
        field_lines = lines[f.field]
        assert 1 <= f.line <= len(field_lines), (f.rule, f.line, len(field_lines))
        assert 1 <= f.column <= len(field_lines[f.line - 1]) + 1, (f.rule, f.line, f.column)
        assert f.line <= f.end_line <= len(field_lines), (f.rule, f.end_line)
        assert 1 <= f.end_column <= len(field_lines[f.end_line - 1]) + 1, (f.rule, f.end_column)
        assert 0 <= f.offset <= sizes[f.field]
        assert f.length >= 0
