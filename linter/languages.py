"""The other languages' words (rules/languages.toml), as the patterns the parser and rules use.

English is written into the patterns themselves; each other language is one table of word
lists in languages.toml. This module turns a key's lists into an alternation: longest phrase
first, any white space between words, and for headings and labels each accented letter also
matching its bare letter ("Criterios de aceptacion", as trackers are often typed).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

#: An alternation no text matches: a key no language lists.
NEVER = "(?!)"


def every(langs: dict[str, Any], key: str) -> list[str]:
    """One key's lists of every language, in file order."""
    return [x for lang in langs.values() for x in lang.get(key, [])]


def phrases(items: list[str]) -> str:
    """Longest first, so that "hay que" is tried before a shorter phrase it starts with; then
    in alphabetical order, so that a pattern is the same text in every run (a set's order is
    not: it moves with the interpreter's string hashing, and the compiled-pattern cache is
    keyed by the text)."""
    return "|".join(re.escape(x).replace("\\ ", "\\s++") for x in sorted(set(items), key=lambda x: (-len(x), x)))


def lenient(pattern: str) -> str:
    """`pattern` with each accented Latin letter also matching its bare letter, and an
    apostrophe either apostrophe: templates are typed with accents, without and mixed."""
    out = []
    for ch in pattern:
        bare = unicodedata.normalize("NFD", ch)[0]
        if ch in "'’":
            out.append("['’]")
        else:
            out.append(f"[{ch}{bare}]" if bare != ch and bare.isascii() and bare.isalpha() else ch)
    return "".join(out)


@cache
def bundled() -> dict[str, Any]:
    from .rulepack import pack_data

    return pack_data("languages.toml")


def words(key: str, langs: dict[str, Any] | None = None) -> str:
    """A key's phrases of every language as one group, accents optional (NEVER if none). No
    word boundary: a heading's word may open or close a compound ("Umsetzungshinweise",
    "Fehlerbeschreibung"); a caller that wants whole words adds them."""
    found = every(bundled() if langs is None else langs, key)
    return f"(?:{lenient(phrases(found))})" if found else NEVER
