"""Option types several commands share, in a module light enough for any of them."""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloat(click.FloatRange):
    """click's FloatRange without "nan" and "inf": NaN compares false with both bounds, so
    FloatRange lets it through (`--min-confidence nan` then dropped nothing, as 0 would)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv
