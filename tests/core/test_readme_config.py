"""README's configuration example against the configuration model: every key the model
accepts is in the example, and the example is accepted as written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel

from storylint.config import CONFIG_FILES, Config, config_from_dict

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def _example() -> dict:
    section = README[README.index("## Configuration") :]
    m = re.search(r"```toml\n(.*?)\n```", section, re.DOTALL)
    assert m, "README's Configuration section has no ```toml example"
    return tomllib.loads(m.group(1))["tool"]["storylint"]


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        key = prefix + (field.alias or name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out |= _keys(annotation, key + ".")
        else:
            out.add(key)
    return out


def _written(table: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in table.items():
        if isinstance(value, dict) and key in ("vocabulary", "roles", "suppressions"):
            out |= _written(value, f"{prefix}{key}.")
        else:
            out.add(prefix + key)
    return out


def test_the_readme_example_shows_every_key_and_is_accepted() -> None:
    example = _example()
    assert _keys(Config) == _written(example), "a key the configuration takes is missing from README's example (or vice versa)"
    config_from_dict(example, source="README.md")  # accepted as written


def test_the_readme_names_every_file_name_the_configuration_is_found_in() -> None:
    section = README[README.index("## Configuration") : README.index("### Domain vocabulary")]
    missing = [name for name in CONFIG_FILES if f"`{name}`" not in section]
    assert not missing, f"README's Configuration section does not name {missing}"
