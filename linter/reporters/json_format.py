"""`--format json`: one object, the stable machine contract (docs/json-output.md)."""

from __future__ import annotations

import json
from typing import Any

from storylint.model import Report

from . import RenderContext

SCHEMA_VERSION = 1


def as_dict(report: Report, ctx: RenderContext) -> dict[str, Any]:
    return {
        "version": ctx.version,
        "schema_version": SCHEMA_VERSION,
        "summary": report.summary.to_dict(),
        "findings": [f.to_dict() for f in report.findings],
        "skipped": [s.to_dict() for s in report.skipped],
        "errors": [e.to_dict() for e in report.errors],
    }


def render(report: Report, ctx: RenderContext) -> str:
    # compact: the C encoder is an order of magnitude faster than the indenting one
    return json.dumps(as_dict(report, ctx), ensure_ascii=False) + "\n"
