"""Load rules from data: the bundled `rules/` folder plus the user's own folders.

A rule is a TOML file `rules/<category>/<CODE>.toml` naming a check kind in
`[detect] kind = ...`; its test cases sit beside it in `<CODE>.cases.toml`. Errors in
rule files name the file and the key. Codes are unique and never reused; renamed rules
keep their old codes in `aliases`.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .checks import CHECK_KINDS, ENGINE_KINDS, Check
from .checks._regex import UnsupportedPattern
from .errors import ConfigError
from .lazyre import lazy
from .model import CATEGORIES, SEVERITIES
from .recache import cache_dir

CODE_RE = lazy(r"^[A-Z]{2,4}[0-9]{2,3}$")
NAME_RE = lazy(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
STATUSES = ("stable", "preview", "deprecated", "removed")
DOC_SECTIONS = ("what", "why", "example", "better")


@dataclass(slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    status: str
    summary: str
    message: str
    suggestion: str
    docs: dict[str, str]
    check: Check
    path: str
    aliases: tuple[str, ...] = ()
    cases_path: str | None = None
    builtin: bool = True

    def metadata(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "status": self.status,
            "summary": self.summary,
            "message": self.message,
            "suggestion": self.suggestion,
            "docs": dict(self.docs),
            "aliases": list(self.aliases),
            "check": self.check.kind,
        }


@dataclass(slots=True)
class RulePack:
    rules: dict[str, Rule] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, rule: Rule) -> None:
        for code in (rule.code, *rule.aliases):
            if code in self.rules or code in self.aliases:
                other = self.rules.get(code) or self.rules[self.aliases[code]]
                raise ConfigError(f"rule code {code} is already used by {other.path}", file=rule.path, key="code")
        self.rules[rule.code] = rule
        for alias in rule.aliases:
            self.aliases[alias] = rule.code

    def resolve(self, code: str) -> str:
        return self.aliases.get(code, code)


#: Files of the bundled pack that hold how sentences are read (every rule's grammar) ...
GRAMMAR_DATA = ("grammar.toml", "languages.toml")
#: ... and all the files that hold data for every rule, not a rule.
_PACK_DATA = frozenset({*GRAMMAR_DATA, "calibration.toml"})


def rules_dir() -> Path:
    """The bundled rule pack: `storylint/rules` in a wheel, `rules/` beside `linter/` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "grammar.toml").is_file():
            return candidate
    raise ConfigError("the bundled rule pack is missing; reinstall storylint", file=str(here / "rules"))


def builtin_rule_files() -> list[Path]:
    return sorted(p for p in rules_dir().rglob("*.toml") if not p.name.endswith(".cases.toml") and p.name not in _PACK_DATA)


def _parsed_rule_files(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """The TOML of the bundled rules, from a JSON cache keyed by the files' size and mtime.

    Parsing ~40 TOML files is most of the start-up time of a one-story check; the C JSON
    parser reads the same data in a fraction of it. Any change to a rule file changes the key.
    """
    key = hashlib.sha256(__version__.encode())
    for path in paths:
        st = path.stat()
        key.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    folder = cache_dir()
    cache = folder / f"rules-{key.hexdigest()[:20]}.json" if folder else None
    if cache is not None:
        try:
            data: dict[str, dict[str, Any]] = json.loads(cache.read_text("utf-8"))
            if isinstance(data, dict):
                return data
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested past the stack
            pass
    data = {}
    for path in paths:
        try:
            data[str(path)] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            return {}  # let load_rule_file report it with file and key
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            from .outfile import atomic_write  # only on a cache miss: tempfile costs import time

            atomic_write(cache, json.dumps(data).encode("utf-8"))
        except OSError:
            pass
    return data


@cache
def _bundled(root: Path) -> tuple[list[Path], dict[str, dict[str, Any]]]:
    """The bundled pack's rule files, and every TOML file of it (rules and data) parsed through
    one JSON cache: read once per process, however many linters and data files ask."""
    rules = builtin_rule_files()
    data = [path for path in (root / name for name in sorted(_PACK_DATA)) if path.is_file()]
    return rules, _parsed_rule_files(rules + data)


def pack_data(name: str) -> dict[str, Any]:
    """A data file of the bundled pack (`grammar.toml`, `languages.toml`, `calibration.toml`),
    read through the rules' JSON cache: parsing their TOML was about 6 ms of every start."""
    path = rules_dir() / name
    data = _bundled(rules_dir())[1].get(str(path))
    if data is not None:
        return data
    try:  # (not in the cache: this file, or another of the pack, did not parse)
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(exc), file=str(path)) from None


def load_rulepack(extra_dirs: list[Path] | None = None, vocabulary: dict[str, Any] | None = None) -> RulePack:
    pack = RulePack()
    paths, parsed = _bundled(rules_dir())
    for path in paths:
        pack.add(load_rule_file(path, vocabulary=vocabulary, builtin=True, data=parsed.get(str(path))))
    for folder in extra_dirs or []:
        if not folder.is_dir():
            raise ConfigError(f"rule folder {folder} does not exist", key="extend-rules")
        for path in sorted(p for p in folder.rglob("*.toml") if not p.name.endswith(".cases.toml")):
            pack.add(load_rule_file(path, vocabulary=vocabulary, builtin=False))
    return pack


def _req(data: dict[str, Any], key: str, path: str, kind: type = str) -> Any:
    if key not in data:
        raise ConfigError("missing required key", file=path, key=key)
    return _opt(data, key, path, None, kind)


def _opt(data: dict[str, Any], key: str, path: str, default: Any, kind: type = str) -> Any:
    """An optional key, of the type every later use of it expects (checked here, once: a
    wrong one failed each story the rule flagged, with a traceback)."""
    value = data.get(key, default)
    if not isinstance(value, kind):
        raise ConfigError(f"must be a {kind.__name__}", file=path, key=key)
    return value


def load_rule_file(
    path: Path, *, vocabulary: dict[str, Any] | None = None, builtin: bool = False, data: dict[str, Any] | None = None
) -> Rule:
    name = str(path)
    try:
        if data is None:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # past a byte-order mark, as the config
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read rule file: {exc}", file=name) from None
    allowed = {"code", "name", "category", "severity", "status", "summary", "message", "suggestion", "docs", "detect", "aliases"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError("unknown key", file=name, key=unknown[0])
    code = _req(data, "code", name)
    if not CODE_RE.match(code):
        raise ConfigError(f"code {code!r} must be 2-4 capital letters and 2-3 digits (e.g. DM01)", file=name, key="code")
    rule_name = _req(data, "name", name)
    if not NAME_RE.match(rule_name):
        raise ConfigError(f"name {rule_name!r} must be kebab-case", file=name, key="name")
    category = _req(data, "category", name)
    if category not in CATEGORIES:
        raise ConfigError(f"category {category!r} is not one of {', '.join(CATEGORIES)}", file=name, key="category")
    severity = data.get("severity", "warning")
    if severity not in SEVERITIES:
        raise ConfigError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}", file=name, key="severity")
    status = data.get("status", "stable")
    if status not in STATUSES:
        raise ConfigError(f"status {status!r} is not one of {', '.join(STATUSES)}", file=name, key="status")
    docs = data.get("docs", {})
    if not isinstance(docs, dict):
        raise ConfigError("must be a table", file=name, key="docs")
    if builtin:
        for section in DOC_SECTIONS:
            if not isinstance(docs.get(section), str) or not docs[section].strip():
                raise ConfigError("every bundled rule documents what, why, example and better", file=name, key=f"docs.{section}")
    detect = _req(data, "detect", name, dict)
    kind = _req(detect, "kind", name)
    factory = CHECK_KINDS.get(kind) if builtin or kind not in ENGINE_KINDS else None
    if factory is None:
        # `engine` is the suppression rules' own: in a team's rule it loaded and never found anything
        known = sorted(k for k in CHECK_KINDS if builtin or k not in ENGINE_KINDS)
        raise ConfigError(f"unknown check kind {kind!r} (known: {', '.join(known)})", file=name, key="detect.kind")
    try:
        check = factory(detect, category=category, vocabulary=vocabulary or {}, trusted=builtin)
    except UnsupportedPattern as exc:  # "FILE: rule X: pattern '...' not supported (...)"
        raise ConfigError(f"rule {code}: {exc}", file=name) from None
    except (ValueError, TypeError, re.error) as exc:
        raise ConfigError(str(exc), file=name, key="detect") from None
    cases = path.with_name(f"{code}.cases.toml")
    aliases = _opt(data, "aliases", name, [], list)
    for alias in aliases:
        # a code a rule had before it was renamed: "A", "C", "M" ... were the letters of `aliases = "ACME9"`
        if not isinstance(alias, str) or not CODE_RE.match(alias.upper()):
            raise ConfigError(f"alias {alias!r} must be a rule code (2-4 capital letters and 2-3 digits)", file=name, key="aliases")
    return Rule(
        code=code,
        name=rule_name,
        category=category,
        severity=severity,
        status=status,
        summary=_opt(data, "summary", name, rule_name),
        message=_req(data, "message", name),
        suggestion=_opt(data, "suggestion", name, ""),
        docs={k: str(v) for k, v in docs.items()},
        check=check,
        path=name,
        aliases=tuple(a.upper() for a in aliases),
        cases_path=str(cases) if cases.is_file() else None,
        builtin=builtin,
    )
