"""`storylint evaluate [CORPUS.jsonl ...]`: precision and recall against labelled stories."""

from __future__ import annotations

import difflib
import json
import logging
from pathlib import Path

import click

from storylint.commands.clitypes import RealRange
from storylint.commands.common import build_linter, config_option, select_options
from storylint.errors import InputError

DEFAULT_CORPUS = Path("..") / "shared" / "corpus" / "dev.jsonl"

log = logging.getLogger("storylint.evaluate")


@click.command()
@click.argument("corpora", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--quiet", is_flag=True, help="Only the figures, not the list of misses.")
@click.option("--split", "held_out", metavar="PROJECTS",
              help="Comma-separated projects (an id's middle part) held out: scored apart, misses never listed.")
@click.option("--project", "projects", metavar="PROJECTS", help="Comma-separated projects to score (default: all).")
@click.option("--min-confidence", type=RealRange(0.0, 1.0), default=None,
              help="Count only findings at or above this confidence (default: the config's).")
@click.option("--store", "store_url", metavar="URL",
              help="Apply the domain vocabulary this history store has learned (it is only read).")
@select_options
@config_option
def evaluate(corpora: tuple[Path, ...], output_format: str, quiet: bool, held_out: str | None,
             projects: str | None, min_confidence: float | None, store_url: str | None, select: str | None,
             ignore: str | None, extend_select: str | None, config_path: str | None) -> None:  # fmt: skip
    """Score the rules on labelled JSONL corpora (default: ../shared/corpus/dev.jsonl).

    Prints the overall figures, then by corpus, project (an id's middle part) and label kind,
    a reliability table (confidence band -> observed precision) and the misses.
    """
    from storylint.evaluation import Report, corpus_names, format_report, judge, load_corpus

    paths = list(corpora) or [DEFAULT_CORPUS]
    for path in paths:
        if not path.is_file():
            raise InputError("no such corpus file (give the path to a labelled JSONL)", source=str(path))
    # (the linter keeps what --min-confidence asks for: below the config's threshold too)
    linter, config = build_linter(config_path, select, ignore, extend_select, min_confidence)
    if store_url:
        from storylint.commands.vocabulary import open_existing_store
        from storylint.domain import learned_terms, rejected_terms

        store = open_existing_store(store_url)
        try:
            linter.use_domain(learned_terms(store, rejected_terms(config.vocabulary.reject)))
        finally:
            store.close()
    wanted, held = _names(projects), _names(held_out)
    outcomes = []
    seen: set[str] = set()
    for path, name in zip(paths, corpus_names(paths), strict=True):
        try:
            items = list(load_corpus(path, name))
            seen.update(item.project for item in items)
            outcomes += [judge(linter, item) for item in items if not wanted or item.project in wanted]
        except (ValueError, KeyError) as exc:
            raise InputError(f"not a labelled corpus: {exc}", source=str(path)) from None
    # a misspelt name scored nothing, or held nothing out and listed the misses it was to hide
    for option, names in (("--project", wanted), ("--split", held)):
        for name in sorted(names - seen):
            log.warning("%s %s: no story of this project in %s%s", option, name, _corpora(paths), _close(name, seen))
    if not outcomes:
        # figures of no story are all 0.000, which reads as a result
        what = "no story of --project " + ", ".join(sorted(wanted)) if wanted else "no labelled story"
        raise InputError(f"{what} to score", source=_corpora(paths))
    threshold = config.min_confidence if min_confidence is None else min_confidence
    report = Report(outcomes, held_out=frozenset(held), min_confidence=threshold)
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(report, show_errors=not quiet), nl=False)


def _names(value: str | None) -> set[str]:
    return {p.strip() for p in (value or "").split(",") if p.strip()}


def _corpora(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def _close(name: str, projects: set[str]) -> str:
    """' (did you mean `titanium`?)' for a misspelt project."""
    close = difflib.get_close_matches(name, sorted(projects), n=3, cutoff=0.6)
    return " (did you mean " + " or ".join(f"`{c}`" for c in close) + "?)" if close else ""
