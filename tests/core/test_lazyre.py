"""Module-level patterns compiled on first use (storylint.lazyre)."""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
import re
from pathlib import Path

import storylint
from storylint import lazyre
from storylint.fastre import fast
from storylint.lazyre import lazy

_TEXT = "Add a Column, two columns and a colour"


def test_not_compiled_until_used_then_answers_as_re() -> None:
    rx = lazy(r"\bcol(?:umn)?s?\b", re.IGNORECASE)
    assert "search" not in vars(rx)  # nothing compiled yet
    assert rx.pattern == r"\bcol(?:umn)?s?\b"
    plain = re.compile(r"\bcol(?:umn)?s?\b", re.IGNORECASE)
    m, expected = rx.search(_TEXT), plain.search(_TEXT)
    assert m is not None and expected is not None and m.span() == expected.span()
    assert "search" in vars(rx)  # the compiled pattern's method, held from now on
    assert [x.span() for x in rx.finditer(_TEXT)] == [x.span() for x in plain.finditer(_TEXT)]
    assert rx.sub("#", _TEXT) == plain.sub("#", _TEXT)
    assert rx.flags == plain.flags and rx.groups == plain.groups


def test_pickles_as_its_pattern_before_and_after_use() -> None:
    rx = lazy(r"a(b)c", re.MULTILINE)
    for _ in range(2):  # unused, then used
        back = pickle.loads(pickle.dumps(rx))
        assert back.pattern == "a(b)c"
        assert back.flags == re.compile("a(b)c", re.MULTILINE).flags
        found = back.match("abc")
        assert found is not None and found.group(1) == "b"
        rx.search("abc")


def test_behind_the_re2_wrapper() -> None:
    wrapped = fast(lazy(r"\bcolumns?\b"))
    found = wrapped.search(_TEXT.lower())
    assert found is not None and found.group(0) == "column"
    assert wrapped.search("nothing here") is None


def _package_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(storylint.__path__, "storylint."):
        if module.name.endswith("__main__") or module.name.startswith(("storylint.serve", "storylint.reporters.html")):
            continue  # the command line itself; optional extras, absent from a light install
        names.append(module.name)
    return names


def test_every_module_level_pattern_compiles() -> None:
    """A typo in a module-level pattern fails here, not in the first run that needs it."""
    for name in _package_modules():
        importlib.import_module(name)
    patterns = lazyre.made()
    assert len(patterns) > 100
    lazyre.compile_all()
    for rx in patterns:
        assert "search" in vars(rx), rx.pattern  # compiled, by the package's own `re`


def _lazy_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "lazy":
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _misuses(source: str) -> list[int]:
    """Lines that hand a module-level lazy pattern to `re.*(...)` or `isinstance(...)`."""
    tree = ast.parse(source)
    names = _lazy_names(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Name) and first.id in names):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re") or (
            isinstance(func, ast.Name) and func.id == "isinstance"
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_hands_a_lazy_pattern_to_what_needs_a_real_one() -> None:
    """`re.sub(rx, ...)`, `re.compile(rx)` and `isinstance(rx, re.Pattern)` take only a real
    pattern; a lazy one is typed as one for the checks, so only this test can catch it."""
    sample = "X = lazy('a')\nY = re.compile('b')\nre.sub(X, '', s)\nisinstance(X, re.Pattern)\nre.sub(Y, '', s)\nX.sub('', s)\n"
    assert _misuses(sample) == [3, 4]  # the lazy one only, and not its own methods
    root = Path(storylint.__file__).parent
    found = {path.name: _misuses(path.read_text(encoding="utf-8")) for path in sorted(root.rglob("*.py"))}
    assert {name: lines for name, lines in found.items() if lines} == {}
