"""Option types several commands share, in a module light enough for any of them."""

from __future__ import annotations

import math
from typing import Any

import click


class RealRange(click.FloatRange):
    """click's FloatRange without NaN, which compares false with both bounds and so passed
    every range (`--min-confidence nan` dropped nothing, as 0 would; a NaN timeout fails
    later, far from its option). Infinity stays where the range allows it (`--max-wait inf`)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        rv = super().convert(value, param, ctx)
        if math.isnan(rv):
            self.fail(f"{value!r} is not a number.", param, ctx)
        return rv
