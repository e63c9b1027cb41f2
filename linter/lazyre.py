"""Module-level patterns compiled when first used.

A one-story run (the GitHub Action's, a hook's) imports about 150 module-level patterns, of
which a typical story needs about 60; compiling the rest at import was some 7% of its cold start.
A lazy pattern compiles on its first use and then holds the compiled pattern's methods as its
own, so every later call costs what a plain `re.Pattern`'s does.
"""

from __future__ import annotations

import re
from typing import Any, cast

# what a compiled pattern offers that the checks use; held by the lazy one once compiled
_ATTRS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner", "flags",
          "groups", "groupindex")  # fmt: skip

#: every lazy pattern made, so that a test can compile them all (a typo fails there, not in a run)
MADE: list[Any] = []


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        MADE.append(self)

    def __getattr__(self, name: str) -> Any:
        # reached only for what the instance does not hold yet: the first use
        if name.startswith("__"):
            raise AttributeError(name)
        rx = re.compile(self.pattern, self._flags)
        for attr in _ATTRS:
            setattr(self, attr, getattr(rx, attr))
        return getattr(rx, name)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return lazy, (self.pattern, self._flags)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done on first use."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
