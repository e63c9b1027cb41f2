"""A few hundred stories made from the repository's own examples, fixtures and rule cases
(tests never read the shared corpora): for tests that need a real multi-story file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from storylint.rulepack import rules_dir

ROOT = Path(__file__).resolve().parent.parent


def case_stories(copies: int = 2) -> list[dict[str, Any]]:
    """Every rule case, labelled fixture and example, `copies` times (the second copy with
    a non-ASCII word, so that stories take both paths of the engine's one scan)."""
    base: list[dict[str, Any]] = []
    for path in (ROOT / "tests" / "fixtures" / "labelled.jsonl", ROOT / "examples" / "stories.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row.pop("label", None)
                base.append(row)
    for path in sorted(rules_dir().rglob("*.cases.toml")):
        for case in tomllib.loads(path.read_text("utf-8"))["case"]:
            base.append({"title": case["title"], "body": case.get("body", ""),
                         "body_format": case.get("body_format", "markdown")})  # fmt: skip
    out: list[dict[str, Any]] = []
    for copy in range(copies):
        for i, row in enumerate(base):
            row = {**row, "id": f"C{copy}-{i}"}
            if copy % 2:
                row["body"] = str(row.get("body") or "") + "\n\nCaf\u00e9 notes: see the design."
            out.append(row)
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path
