"""Rule cases: the examples every rule keeps beside it in `<CODE>.cases.toml`.

A case is a story and what the rule must make of it: `fail` (the rule flags it, with
`excerpt` in a finding when given) or `pass` (no finding of the rule, at any confidence).
The bundled rules' cases are the test suite's; a team runs its own rules' cases with
`storylint rule --test`, by the same code, so a team rule is held to the same standard.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import config_from_dict
from .engine import Linter
from .errors import ConfigError
from .model import BodyFormat, Finding, Story
from .rulepack import Rule

_KEYS = frozenset({"id", "result", "title", "body", "body_format", "type", "excerpt", "select", "config"})


@dataclass(frozen=True, slots=True)
class Case:
    code: str
    id: str
    result: str  # "fail": the rule must flag the story; "pass": it must not
    title: str
    body: str = ""
    body_format: str = "markdown"
    type: str | None = None  # the tracker's type for the item ("Bug", "enhancement")
    excerpt: str | None = None
    select: tuple[str, ...] = ()  # rules enabled besides `code` (one rule's finding may hide another's)
    config: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    number: int = 0  # its place in the file, for messages (case[N])


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    passed: bool
    why: str  # what went wrong; "" when the case passed
    findings: tuple[Finding, ...]


def load_cases(path: Path, code: str) -> list[Case]:
    """The cases of rule `code` in `path`; a malformed file is one ConfigError naming it."""
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))  # past a byte-order mark, as the rule file
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read rule cases: {exc}", file=str(path)) from None
    unknown_tables = sorted(set(data) - {"case"})
    if unknown_tables:
        # "[[cases]]" or "[[flag]]" for "[[case]]" would otherwise be a file of no cases that passes
        raise ConfigError(f"unknown table {unknown_tables[0]!r} (cases are [[case]] tables)", file=str(path))
    cases = data.get("case", [])
    if not isinstance(cases, list):
        raise ConfigError("expected [[case]] tables", file=str(path), key="case")
    out: list[Case] = []
    ids: set[str] = set()
    for number, raw in enumerate(cases, start=1):
        where = f"case[{number}]"
        if not isinstance(raw, dict):
            raise ConfigError("expected a table", file=str(path), key=where)
        unknown = sorted(set(raw) - _KEYS)
        if unknown:
            raise ConfigError(f"unknown key {unknown[0]!r}", file=str(path), key=where)
        for key in ("id", "title"):
            if not isinstance(raw.get(key), str):
                raise ConfigError(f"{key} must be a string", file=str(path), key=where)
        for key in ("body", "type", "excerpt"):
            if key in raw and not isinstance(raw[key], str):
                raise ConfigError(f"{key} must be a string", file=str(path), key=where)
        if raw["id"] in ids:
            raise ConfigError(f"duplicate id {raw['id']!r}", file=str(path), key=where)
        ids.add(raw["id"])
        if raw.get("result") not in ("fail", "pass"):
            raise ConfigError('result must be "fail" or "pass"', file=str(path), key=where)
        if raw.get("body_format", "markdown") not in {f.value for f in BodyFormat}:
            raise ConfigError(f"body_format must be one of {', '.join(f.value for f in BodyFormat)}", file=str(path), key=where)
        select = raw.get("select", [])
        config = raw.get("config", {})
        if not isinstance(select, list) or not all(isinstance(c, str) for c in select) or not isinstance(config, dict):
            raise ConfigError("select must be a list of codes and config a table", file=str(path), key=where)
        out.append(
            Case(
                code=code, id=raw["id"], result=raw["result"], title=raw["title"], body=raw.get("body", ""),
                body_format=str(raw.get("body_format", "markdown")), type=raw.get("type"), excerpt=raw.get("excerpt"),
                # the case's own rule always runs: without it every "pass" case would pass
                select=tuple(dict.fromkeys([code, *select])), config=config, path=str(path), number=number,
            )
        )  # fmt: skip
    return out


def rule_cases(rules: Iterable[Rule]) -> list[Case]:
    """Every case of `rules`, in rule order."""
    return [case for rule in rules if rule.cases_path for case in load_cases(Path(rule.cases_path), rule.code)]


def run_case(case: Case, extend_rules: list[Path] | None = None) -> Outcome:
    """Lint the case's story with its rule alone, at any confidence: a case pins what the
    rule detects, not what calibration makes of it."""
    settings: dict[str, Any] = {"min-confidence": 0.0, **case.config}
    more = settings.get("select", [])
    # a `select = "TC"` of the case's config is the configuration's error to report: spread,
    # it was the prefixes "T" and "C" (every TC and CS rule)
    settings["select"] = list(dict.fromkeys([*case.select, *more])) if isinstance(more, list) else more
    if extend_rules:
        settings.setdefault("extend-rules", [str(d.resolve()) for d in extend_rules])
    try:
        linter = Linter(config_from_dict(settings, source=case.path or "rule case"))
    except ConfigError as exc:  # name the case, not only the file
        message = exc.message.removeprefix(f"{case.path}: ")
        raise ConfigError(message, file=case.path or None, key=f"case[{case.number}]") from None
    story = Story(id="case", title=case.title, body=case.body, body_format=BodyFormat(case.body_format), type=case.type)
    findings = tuple(f for f in linter.lint(story).findings if f.rule == case.code)
    why = ""
    if case.result == "fail":
        if not findings:
            why = "expected a finding, got none"
        elif case.excerpt is not None and not any(case.excerpt in f.excerpt for f in findings):
            why = f"no finding's excerpt holds {case.excerpt!r}: {[f.excerpt for f in findings]}"
    elif findings:
        why = f"expected no finding, got: {[f.excerpt for f in findings]}"
    return Outcome(case, not why, why, findings)
