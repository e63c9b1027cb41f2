"""`storylint evaluate [CORPUS.jsonl]`: precision and recall against labelled stories."""

from __future__ import annotations

import json
from pathlib import Path

import click
from storylint.commands.common import build_linter, config_option, select_options
from storylint.errors import InputError

DEFAULT_CORPUS = Path("..") / "shared" / "corpus" / "dev.jsonl"


@click.command()
@click.argument("corpus", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--quiet", is_flag=True, help="Only the figures, not the list of misses.")
@select_options
@config_option
def evaluate(corpus: Path | None, output_format: str, quiet: bool, select: str | None, ignore: str | None,
             extend_select: str | None, config_path: str | None) -> None:  # fmt: skip
    """Score the rules on a labelled JSONL corpus (default: ../shared/corpus/dev.jsonl)."""
    from storylint.evaluation import evaluate as run
    from storylint.evaluation import format_text, load_labelled

    path = corpus or DEFAULT_CORPUS
    if not path.is_file():
        raise InputError("no such corpus file (give the path to a labelled JSONL)", source=str(path))
    linter, _ = build_linter(config_path, select, ignore, extend_select)
    try:
        ev = run(linter, load_labelled(path))
    except (ValueError, KeyError) as exc:
        raise InputError(f"not a labelled corpus: {exc}", source=str(path)) from None
    if output_format == "json":
        click.echo(json.dumps(ev.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(ev, show_errors=not quiet), nl=False)
