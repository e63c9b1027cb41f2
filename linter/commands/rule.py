"""`storylint rule CODE` / `storylint rule --all`: explain rules from their metadata."""

from __future__ import annotations

import json

import click

from storylint.errors import StorylintError


def explain(meta: dict[str, object]) -> str:
    docs = meta["docs"]
    assert isinstance(docs, dict)
    lines = [
        f"{meta['code']} {meta['name']}  [{meta['category']}, {meta['severity']}{', ' + str(meta['status']) if meta['status'] != 'stable' else ''}]",
        "",
        str(meta["summary"]),
        "",
        "What it flags",
        f"  {docs.get('what', '')}",
        "",
        "Why it matters",
        f"  {docs.get('why', '')}",
        "",
        "Example",
        *(f"  {line}" for line in str(docs.get("example", "")).splitlines()),
        "",
        "Better",
        *(f"  {line}" for line in str(docs.get("better", "")).splitlines()),
    ]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Explain a rule (what it flags, why, an example, a better version)."""
    from storylint.rulepack import load_rulepack

    pack = load_rulepack()
    if not code and not show_all:
        raise click.UsageError("give a rule CODE or --all")
    if show_all:
        metas = [r.metadata() for r in sorted(pack.rules.values(), key=lambda r: r.code)]
    else:
        assert code is not None
        resolved = pack.resolve(code.upper())
        if resolved not in pack.rules:
            close = sorted(c for c in pack.rules if c[:2] == code.upper()[:2])
            hint = f" (rules in that family: {', '.join(close)})" if close else ""
            raise StorylintError(f"unknown rule code {code!r}{hint}")
        metas = [pack.rules[resolved].metadata()]
    if output_format == "json":
        click.echo(json.dumps(metas if show_all else metas[0], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(explain(m) for m in metas), nl=False)
