"""Assertions shared by the reliability tests."""

from __future__ import annotations

from storylint.model import Story, StoryResult
from storylint.parse import parse


def normalised(story: Story, field: str) -> str:
    """The field text as the parser reads it, which positions index into: line breaks
    normalised and, for a body in HTML or with its breaks kept as the two characters `\\n`,
    the text it stands for (the README: "the lines and columns of findings then count in the
    text as read")."""
    return parse(story).text(field)


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
        if not f.rule.startswith("SL"):  # suppression findings span the directive's excerpt
            assert 1 <= f.end_column <= len(field_lines[f.end_line - 1]) + 1, (f.rule, f.end_column)
        assert 0 <= f.offset <= sizes[f.field]
        assert f.length >= 0
