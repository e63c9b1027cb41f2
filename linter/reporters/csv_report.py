"""The CSV report: one row per current finding, for spreadsheets.

Cells come from story text, so a cell that a spreadsheet would read as a formula
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe
(OWASP "CSV injection"). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS: tuple[str, ...] = (
    "source",
    "story",
    "rule",
    "name",
    "category",
    "severity",
    "confidence",
    "message",
    "excerpt",
    "suggestion",
    "field",
    "line",
    "column",
    "url",
    "author",
    "project",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would evaluate neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(findings: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in findings:
        writer.writerow([safe_cell(f.get(col)) for col in COLUMNS])
    return buf.getvalue()


__all__ = ["COLUMNS", "render", "safe_cell"]
