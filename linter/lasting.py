"""Objects made for the whole run, kept out of the cyclic collector's way.

A command's start makes tens of thousands of objects that live as long as the process: its
imports (pydantic, the configuration, the model) and the linter's rules with their indexes.
Collected as they came, the collector walked them again at each of its passes over the
stories, to free nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def lasting() -> Iterator[None]:
    """Made with the collector off, then frozen (as `parallel` freezes the linter's before
    the first story); the collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
