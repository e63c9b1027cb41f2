"""`storylint vocabulary`: the domain vocabulary a history store has learned, per project.

Runs with `--store` apply it themselves; `--write FILE` exports one project's terms as
`[tool.storylint.vocabulary] accept = [...]` for runs without a store (the GitHub Action).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from storylint.commands.common import config_option
from storylint.errors import ConfigError, StorylintError

if TYPE_CHECKING:
    from storylint.domain import LearnedTerm
    from storylint.store import Store


def open_existing_store(url: str, option: str = "--store") -> Store:
    """Open a store to read it; a SQLite file that does not exist is an error, never created.
    Messages name the store without its password, as everywhere."""
    from storylint.store import open_store
    from storylint.store.base import url_scheme
    from storylint.store.sqlite import sqlite_path
    from storylint.store.urls import redact_url

    if url_scheme(url) in (None, "sqlite"):
        path = sqlite_path(url)
        if path == ":memory:" or not Path(path).expanduser().is_file():
            raise ConfigError("no such store (record one with a --store run first)", file=f"{option} {redact_url(url)}")
    return open_store(url, create=False)  # which refuses an unknown scheme, the password hidden


@click.command()
@click.option("--store", "store_url", required=True, metavar="URL",
              help="The history store: a SQLite file path, sqlite:///path or postgresql://...")  # fmt: skip
@click.option("--project", metavar="PROJECT", help="Only this project (Jira key, GitHub owner/name, the stories' project).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--write", "write_path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the project's terms as a TOML [tool.storylint.vocabulary] accept list (needs --project).")  # fmt: skip
@config_option
def vocabulary(
    store_url: str, project: str | None, output_format: str, write_path: Path | None, config_path: str | None
) -> None:
    """List the domain vocabulary learned from the stories recorded in a store.

    A term is learned for a project when the project's stories use it where users speak
    (their own wants, acceptance criteria, "support for ...") in at least 5 stories and
    1% of the project's recorded stories; terms the configuration rejects never are.
    """
    from storylint.config import load_config
    from storylint.domain import MIN_SHARE, MIN_STORIES, learned_vocabulary, rejected_terms

    config = load_config(config_path)
    store = open_existing_store(store_url)
    try:
        totals = store.project_story_counts()
        learned = learned_vocabulary(store, rejected_terms(config.vocabulary.reject))
        if write_path is not None and project is None:
            names = ", ".join(sorted(totals)) or "none recorded"
            raise StorylintError(f"--write needs one --project (projects: {names})")
        if project is not None and project not in totals:
            names = ", ".join(sorted(totals)) or "none recorded"
            raise StorylintError(f"--project {project}: no stories of this project in the store (projects: {names})")
        projects = [project] if project is not None else sorted(totals)
        data: dict[str, Any] = {
            "min_stories": MIN_STORIES,
            "min_share": MIN_SHARE,
            "projects": {p: {"stories": totals[p], "terms": _terms(store, p, learned.get(p, []))} for p in projects},
        }
    finally:
        store.close()
    if write_path is not None:
        assert project is not None
        _write(write_path, project, [t.term for t in learned.get(project, [])])
        if str(write_path) == "-":
            return  # the TOML was the output
    if output_format == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(_text(data), nl=False)


def _terms(store: Store, project: str, terms: list[LearnedTerm]) -> list[dict[str, Any]]:
    live = store.live_stories(project) if terms else set()  # read once for all the terms
    return [{"term": t.term, "stories": t.stories, "share": round(t.share, 4),
             "examples": store.domain_examples(project, t.term, live=live)} for t in terms]  # fmt: skip


def _text(data: dict[str, Any]) -> str:
    # project names and story ids are tracker data: as in `check`'s text output, they can
    # neither break a line nor start a workflow command (`::add-mask::`) in a CI log
    from storylint.escape import terminal_text, text_line

    lines: list[str] = []
    for project, info in data["projects"].items():
        terms = info["terms"]
        lines.append(f"{terminal_text(project)}: {len(terms)} learned term(s) from {info['stories']} stories")
        width = max((len(t["term"]) for t in terms), default=0)
        for t in terms:
            examples = terminal_text(", ".join(t["examples"]))
            lines.append(f"  {terminal_text(t['term']):<{width}}  {t['stories']:>5} stories  {t['share']:>6.1%}  e.g. {examples}")
    if not lines:
        lines.append("no stories with a project in the store")
    return "\n".join(text_line(line) for line in lines) + "\n"


def _write(path: Path, project: str, terms: list[str]) -> None:
    """As `-o` writes (storylint.outfile): a regular file replaced atomically, a symlink
    followed, a FIFO or device written into, never replaced; `-` is stdout."""
    from storylint.escape import log_line
    from storylint.outfile import write_output

    body = ", ".join(_toml_string(t) for t in terms)
    text = (
        # the project's name is tracker data: a line break in it would end the comment and
        # make the rest of the name configuration (`select = [...]`) when the file is read back
        f"# Domain vocabulary of {log_line(project)} learned by `storylint vocabulary` ({len(terms)} terms).\n"
        "[tool.storylint.vocabulary]\n"
        f"accept = [{body}]\n"
    )
    write_output(str(path), text, option="--write")


def _toml_string(text: str) -> str:
    """`text` as a TOML basic string: JSON's escapes are TOML's, but TOML also refuses a
    raw DEL, which JSON leaves as it is."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
