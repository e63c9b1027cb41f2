"""Configuration: `[tool.storylint]` in pyproject.toml or a storylint.toml.

Every option, its default and its meaning live here, in one model; the docs and the JSON
schema are generated from it. Unknown keys are errors that name the file and the key.
"""

from __future__ import annotations

import difflib
import logging
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .errors import ConfigError
from .model import HOW_CATEGORIES

CONFIG_FILES = ("storylint.toml", ".storylint.toml", "pyproject.toml")

log = logging.getLogger("storylint.config")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True)


class RoleConfig(_Section):
    """Who counts as a product manager, and which items count as stories."""

    ids: list[str] = Field(default_factory=list, description="Tracker account ids of product managers.")
    emails: list[str] = Field(default_factory=list, description="E-mail addresses of product managers.")
    logins: list[str] = Field(default_factory=list, description="Logins / user names of product managers.")
    groups: list[str] = Field(default_factory=list, description="Jira groups or GitHub teams (org/team) whose members are product managers.")
    story_types: list[str] = Field(default_factory=list, description="Issue types that are stories (e.g. Story, Feature). Empty: every type.")
    story_labels: list[str] = Field(default_factory=list, description="Labels that mark an item as a story. With story-types, either one is enough.")
    skip_labels: list[str] = Field(default_factory=list, description="Labels that take an item out of scope.")
    skip_bots: bool = Field(True, description="Skip items written by bots.")

    @property
    def has_people(self) -> bool:
        return bool(self.ids or self.emails or self.logins or self.groups)


class Vocabulary(_Section):
    """Team vocabulary, as in Vale: accepted terms are never flagged, rejected ones always."""

    accept: list[str] = Field(default_factory=list, description="Terms this team may use in stories (e.g. 'endpoint' for an API product).")
    reject: dict[str, list[str]] = Field(default_factory=dict, description="Terms to always flag, by category (e.g. technology = ['Oracle']).")
    learn: bool = Field(True, description="With a history store: drop weak findings on terms the project's own stories use where users speak (its domain vocabulary, see `storylint vocabulary`).")

    @field_validator("reject")
    @classmethod
    def _known_categories(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        # "tech = [...]" for "technology = [...]" would reject nothing without a word
        unknown = [key for key in value if key not in HOW_CATEGORIES]
        if unknown:
            raise ValueError(f"unknown category {unknown[0]!r} (known: {', '.join(HOW_CATEGORIES)})")
        for category, terms in value.items():
            # a term the rules cannot match ("", "(") was reported against a bundled rule file
            empty = next((t for t in terms if not any(c.isalnum() for c in t)), None)
            if empty is not None:
                raise ValueError(f"{category}: term {empty!r} has no words")
        return value

    @field_validator("reject")
    @classmethod
    def _not_also_accepted(cls, value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        # one term in both lists was silently rejected: say which list must give way
        accepted = {t.lower() for t in info.data.get("accept", ())}
        for category, terms in value.items():
            both = next((t for t in terms if t.lower() in accepted), None)
            if both is not None:
                raise ValueError(f"{category}: term {both!r} is also in vocabulary.accept; keep it in one list")
        return value


class SuppressionConfig(_Section):
    label: str = Field("storylint-ignore", description="A label that skips the whole story; '<label>:<CODE>' ignores one rule or prefix.")
    require_reason: bool = Field(True, description="Report inline suppressions without a reason (SL02).")


Level = Literal["error", "warning", "info", "never"]


class Config(_Section):
    """The whole `[tool.storylint]` table."""

    select: list[str] | None = Field(None, description="Rule codes or prefixes to enable (default: every stable rule).")
    extend_select: list[str] = Field(default_factory=list, description="Codes or prefixes to enable on top of `select` (e.g. preview rules).")
    ignore: list[str] = Field(default_factory=list, description="Codes or prefixes to disable.")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict, description="Severity overrides by code or prefix.")
    per_project_ignores: dict[str, list[str]] = Field(default_factory=dict, description="Codes to ignore in a project (Jira key or owner/name).")
    per_type_ignores: dict[str, list[str]] = Field(default_factory=dict, description="Codes to ignore for an issue type (e.g. Bug).")
    fail_on: Level = Field("warning", description="Lowest severity that makes the exit status 1.")
    min_confidence: float = Field(0.7, ge=0.0, le=1.0, description="Drop findings below this confidence (calibrated: about the share of such findings that are right).")
    max_chars: int = Field(
        65_536, ge=0,
        description="Lint at most this many characters of a title or a body (0: no limit); the rest is skipped with a "
        "warning. Trackers cap bodies well below this (GitHub 65,536, Jira 32,767), so only hostile or pasted-log "
        "text is cut, and linting time per story stays bounded.",
    )
    extend_rules: list[str] = Field(default_factory=list, description="Folders of your own rule files (TOML), relative to the config file.")
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    roles: RoleConfig = Field(default_factory=RoleConfig)
    suppressions: SuppressionConfig = Field(default_factory=SuppressionConfig)

    # where the config came from, for messages and relative paths; not a user key
    source: str | None = Field(None, exclude=True)

    def rule_folders(self) -> list[Path]:
        """The `extend-rules` folders, relative to the configuration file (else the cwd)."""
        base = Path(self.source).parent if self.source else Path.cwd()
        return [base / d for d in self.extend_rules]

    @field_validator("select", "extend_select", "ignore")
    @classmethod
    def _upper(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [v.strip().upper() for v in value]

    @field_validator("severity")
    @classmethod
    def _upper_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.strip().upper(): v for k, v in value.items()}


def find_config(start: Path | None = None) -> Path | None:
    """The nearest storylint.toml, or pyproject.toml with a [tool.storylint] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or "storylint" in _tool(_read_toml(candidate), candidate):
                return candidate
    return None


def _tool(data: dict[str, Any], file: Path) -> dict[str, Any]:
    """The file's `[tool]` table (empty without one); a `tool` that is no table is an error
    naming the file, not a TypeError from the lookups."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError("must be a table", file=str(file), key="tool")
    return tool


def _storylint_table(data: dict[str, Any], file: Path) -> dict[str, Any]:
    """The file's `[tool.storylint]` table (empty without one)."""
    table = _tool(data, file).get("storylint", {})
    if not isinstance(table, dict):
        raise ConfigError("must be a table", file=str(file), key="tool.storylint")
    return table


_BOM = b"\xef\xbb\xbf"


def _read_toml(path: Path) -> dict[str, Any]:
    skipped = 0
    try:
        raw = path.read_bytes()
        # a byte-order mark (Windows editors save one) is no statement: read past it, as the
        # story files and corpora are
        skipped = len(_BOM) if raw.startswith(_BOM) else 0
        return tomllib.loads(raw[skipped:].decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1 if isinstance(exc.object, bytes) else None
        where = f" (line {line})" if line else ""
        raise ConfigError(f"invalid TOML: not UTF-8 at byte {exc.start + skipped}{where}", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=str(path)) from None


def load_config(path: str | Path | None = None, *, discover: bool = True) -> Config:
    """Load and validate configuration; with no path, discover it from the working folder."""
    file = Path(path) if path is not None else (find_config() if discover else None)
    if file is None:
        if discover:
            log.info(
                "no configuration file found (storylint.toml, .storylint.toml or pyproject.toml with "
                "[tool.storylint] in %s or a parent folder): using the defaults",
                Path.cwd(),
            )
        return Config()
    log.info("configuration: %s", file.resolve() if path is None else file)
    data = _read_toml(file)
    if file.name == "pyproject.toml" or ("tool" in data and not set(data) & set(_known_keys(("",)))):
        # a pyproject.toml, or a file laid out as one under another name ([project],
        # [tool.storylint]): only its [tool.storylint] table is ours, and it must have one (a
        # discovered pyproject.toml without it is passed over): `[tool.storyline]` was the
        # defaults, without a word
        tool = _tool(data, file)
        if "storylint" not in tool:
            raise ConfigError(f"no [tool.storylint] table{_tables_hint(tool)}", file=str(file))
        data = _storylint_table(data, file)
    elif "tool" in data:
        # a storylint.toml (or --config file) may hold [tool.storylint...] tables, such as the
        # vocabulary `storylint vocabulary --write` exports, beside its own top-level keys:
        # both count (other tools' tables are theirs)
        nested = _storylint_table(data, file)
        del data["tool"]
        data = _merged(data, nested, str(file))
    return config_from_dict(data, source=str(file))


def _tables_hint(tool: dict[str, Any]) -> str:
    """' (did you mean [tool.storyline]?)', or the tables the file has under [tool]."""
    close = difflib.get_close_matches("storylint", list(tool), n=1, cutoff=0.6)
    if close:
        return f" (did you mean [tool.{close[0]}]?)"
    return f" (tables under [tool]: {', '.join(tool)})" if tool else ""


def _merged(top: dict[str, Any], nested: dict[str, Any], source: str, path: str = "") -> dict[str, Any]:
    """`top` and `nested` ([tool.storylint]) as one table; a key set in both is an error."""
    out = dict(top)
    for key, value in nested.items():
        if key not in out:
            out[key] = value
        elif isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merged(out[key], value, source, f"{path}{key}.")
        else:
            raise ConfigError("set both at the top level and under [tool.storylint]", file=source, key=f"{path}{key}")
    return out


def config_from_dict(data: dict[str, Any], *, source: str = "configuration") -> Config:
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown key{_did_you_mean(err['loc'])}"
        raise ConfigError(message, file=source, key=key) from None
    return config.model_copy(update={"source": source})


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the table at `loc[:-1]` accepts (kebab-case, as written in TOML)."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        field = fields.get(str(part)) or model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    """' (did you mean `fail-on`?)' for a misspelt key, from the keys of its own table."""
    if not loc:
        return ""
    typed = str(loc[-1])
    known = _known_keys(loc)
    close = difflib.get_close_matches(typed.replace("_", "-").lower(), known, n=3, cutoff=0.6)
    if not close:
        return f" (known keys: {', '.join(known)})" if known else ""
    return " (did you mean " + " or ".join(f"`{k}`" for k in close) + "?)"


def config_json_schema() -> dict[str, Any]:
    return Config.model_json_schema(by_alias=True)
