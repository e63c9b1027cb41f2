"""Output formats. Each is a sibling module with `render(report, context) -> str`.

Reporters read only `Report` and the findings' `to_dict()` records, never the engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storylint.model import Report

FORMATS: dict[str, str] = {
    "text": "storylint.reporters.text",
    "json": "storylint.reporters.json_format",
    "sarif": "storylint.reporters.sarif",
    "github": "storylint.reporters.github",
    "markdown": "storylint.reporters.markdown",
}


@dataclass(slots=True)
class RenderContext:
    """What a reporter may need besides the report itself."""

    version: str
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> rule metadata
    color: bool = False
    statistics: bool = False
    tool_name: str = "storylint"


def renderer(fmt: str) -> Callable[[Report, RenderContext], str]:
    module = importlib.import_module(FORMATS[fmt])
    fn: Callable[[Report, RenderContext], str] = module.render
    return fn


__all__ = ["FORMATS", "RenderContext", "renderer"]
