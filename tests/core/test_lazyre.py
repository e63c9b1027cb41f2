"""Module-level patterns compiled on first use (storylint.lazyre)."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import re

import storylint
from storylint import lazyre
from storylint.lazyre import lazy


def test_not_compiled_until_used_then_answers_as_re() -> None:
    rx = lazy(r"\bcol(?:umn)?s?\b", re.IGNORECASE)
    assert "search" not in vars(rx)  # nothing compiled yet
    assert rx.pattern == r"\bcol(?:umn)?s?\b"
    plain = re.compile(r"\bcol(?:umn)?s?\b", re.IGNORECASE)
    text = "Add a Column, two columns and a colour"
    m = rx.search(text)
    assert m is not None and m.span() == plain.search(text).span()  # type: ignore[union-attr]
    assert "search" in vars(rx)  # the compiled pattern's method, held from now on
    assert [x.span() for x in rx.finditer(text)] == [x.span() for x in plain.finditer(text)]
    assert rx.sub("#", text) == plain.sub("#", text)
    assert rx.flags == plain.flags and rx.groups == plain.groups


def test_pickles_as_its_pattern() -> None:
    rx = pickle.loads(pickle.dumps(lazy(r"a(b)c", re.MULTILINE)))
    assert rx.pattern == "a(b)c"
    assert rx.flags == re.compile("a(b)c", re.MULTILINE).flags
    assert rx.match("abc").group(1) == "b"  # type: ignore[union-attr]


def test_every_bundled_lazy_pattern_compiles() -> None:
    """A typo in a module-level pattern fails here, not in the first run that needs it."""
    for module in pkgutil.walk_packages(storylint.__path__, "storylint."):
        if module.name.endswith("__main__") or module.name.startswith(("storylint.serve", "storylint.reporters.html")):
            continue  # the command line itself; optional extras, absent from a light install
        importlib.import_module(module.name)
    assert len(lazyre.MADE) > 100
    for rx in lazyre.MADE:
        compiled = re.compile(rx.pattern, rx._flags)
        assert rx.flags == compiled.flags, rx.pattern
