"""History: what was checked, when, with what result.

`open_store(url)` takes a file path or `sqlite:///path` (embedded default) or
`postgresql://...` (for nightly runs on ephemeral CI runners). The store keeps, per
source, the last successful sync point, each story's content hash and latest findings,
and one row per run with its counts and the totals after it (for trend reports).
Every write that belongs together is one transaction: a killed run leaves whole
stories behind, never half of one.
"""

from __future__ import annotations

from .base import RunInfo, Store, open_store

__all__ = ["RunInfo", "Store", "open_store"]
