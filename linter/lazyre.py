"""Module-level patterns compiled when first used.

A one-story run (the GitHub Action's, a hook's) imports about 150 module-level patterns, of
which a typical story needs about 60; compiling the rest at import was some 7% of its cold start.
A lazy pattern compiles on its first use and then holds the compiled pattern's methods as its
own, so every later call costs what a plain `re.Pattern`'s does.

It is typed as `re.Pattern` for the checks that call its methods, but it is not one: `re.sub(rx,
...)`, `re.compile(rx)` and `isinstance(rx, re.Pattern)` do not take it (a test keeps the
package from doing so).
"""

from __future__ import annotations

import re
import weakref
from typing import Any, cast

# what a compiled pattern offers that the checks use; held by the lazy one once compiled
_ATTRS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner", "flags",
          "groups", "groupindex")  # fmt: skip

_made: weakref.WeakSet[Any] = weakref.WeakSet()


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        _made.add(self)

    def __getattr__(self, name: str) -> Any:
        # reached only for what the instance does not hold yet: the first use
        if name.startswith("__"):
            raise AttributeError(name)
        from .recache import compile as compile_re  # here: a bare `--help` needs no cache

        rx = compile_re(self.pattern, self._flags)
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


def made() -> list[Any]:
    """Every lazy pattern alive (the modules' own, once imported)."""
    return list(_made)


def compile_all() -> None:
    """Compile every lazy pattern now: before worker processes fork, so that they share the
    compiled patterns instead of each compiling (and so copying) its own."""
    for rx in made():
        _ = rx.search
