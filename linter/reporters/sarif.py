"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards.

Each story is an artifact (its tracker URL when known); positions are 1-based lines and
columns within the story's title or body, recorded in the result's properties.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from storylint.escape import safe_url
from storylint.lazyre import lazy
from storylint.model import Report
from storylint.ruledocs import doc_plain, rule_markdown, rule_text

from . import RenderContext

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
#: what a URI's path, query and fragment keep as they are (RFC 3986's pchar, `/` and `?`, and
#: the `%` of an escape); anything else (`"`, `<`, `{`, `|`, `\\`, `^`, a backtick, non-ASCII)
#: is percent-encoded. `[` and `]` are kept in the authority only (an IPv6 address).
_URI_KEEP = ":/?@!$&'()*+,;=-._~%"
_AUTHORITY = lazy(r"[a-zA-Z]+://[^/?#]*")
_LONE_PERCENT = lazy(r"%(?![0-9A-Fa-f]{2})")


def artifact_uri(url: object) -> str | None:
    """The story's tracker URL as the URI reference SARIF requires, or None when it has none
    that is a clean http(s) URL. A URL as trackers and exports give it may hold characters a
    URI may not (`https://tracker/x?q={a|b}`): taken raw, a SARIF consumer that checks URIs
    refuses the file. Percent-encoding them names the same resource."""
    target = safe_url(url)
    if target is None:
        return None
    target = _LONE_PERCENT.sub("%25", target)
    authority = _AUTHORITY.match(target)
    split = authority.end() if authority else 0
    rest, hash_, fragment = target[split:].partition("#")
    return (
        quote(target[:split], safe=_URI_KEEP + "[]")
        + quote(rest, safe=_URI_KEEP)
        + hash_
        + quote(fragment, safe=_URI_KEEP)
    )


def _rule_descriptor(code: str, meta: dict[str, Any]) -> dict[str, Any]:
    docs = meta.get("docs", {})
    return {
        "id": code,
        "name": meta.get("name", code),
        "shortDescription": {"text": meta.get("summary") or meta.get("name", code)},
        "fullDescription": {"text": doc_plain(docs["what"]) if "what" in docs else meta.get("summary", code)},
        # the rule's whole documentation, as docs/rules.md has it: code scanning shows help.markdown
        # (help.text, which SARIF requires, where a viewer renders no Markdown) beside the results
        "help": {"text": rule_text({"code": code, **meta}), "markdown": "\n".join(rule_markdown({"code": code, **meta}))},
        "defaultConfiguration": {"level": _LEVEL.get(meta.get("severity", "warning"), "warning")},
        "properties": {"category": meta.get("category", ""), "tags": [meta.get("category", "")]},
    }


def render(report: Report, ctx: RenderContext) -> str:
    used = sorted({f.rule for f in report.findings} | set(ctx.rules))
    index = {code: i for i, code in enumerate(used)}
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}  # fingerprint -> results that had it
    for f in report.findings:
        # A result's fingerprints are its identity in a results database (code scanning merges
        # results that share them): two terms of one sentence ("over Socket.IO ... in Redis")
        # are two results. The first keeps the plain value, as before; the next ones count
        # on, as GitHub's own primaryLocationLineHash does (":2", ":3").
        fingerprint = f"{f.story}:{f.rule}:{f.excerpt}"
        seen[fingerprint] = occurrence = seen.get(fingerprint, 0) + 1
        if occurrence > 1:
            fingerprint += f":{occurrence}"
        # a URI reference by the SARIF spec: the tracker URL only when it is a clean http(s) one
        uri = artifact_uri(f.url) or f"story/{quote(f.story, safe='/')}"
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _LEVEL[f.severity],
                "message": {"text": f"{f.message} Try: {f.suggestion}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                                "snippet": {"text": f.excerpt},
                            },
                        },
                        "logicalLocations": [{"name": f.story, "kind": "story"}],
                    }
                ],
                "partialFingerprints": {"storylint/v1": fingerprint},
                "properties": {
                    "story": f.story,
                    "field": f.field,
                    "category": f.category,
                    "confidence": round(f.confidence, 2),
                    "suggestion": f.suggestion,
                },
            }
        )
    notifications = [
        {"level": "error", "message": {"text": str(e)}, "descriptor": {"id": "input-error"}} for e in report.errors
    ]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": ctx.tool_name,
                        "version": ctx.version,
                        "informationUri": "https://github.com/storylint/storylint",
                        "rules": [_rule_descriptor(code, ctx.rules.get(code, {})) for code in used],
                    }
                },
                "invocations": [
                    {"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}
                ],
                "results": results,
                # columns count characters (code points), not SARIF's default UTF-16 code units:
                # an emoji before a finding would otherwise put the column one off
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
