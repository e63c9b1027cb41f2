"""The suppression reader's reach (`_REACH`): a directive ends within the widths the former
single regex allowed (20 blanks either side of the separator, a 300-character reason, 300
blanks before the end) and not one character beyond. 1747a4f replaced that regex with a
bounded `find`; these are its boundaries, compared with the regex it replaced."""

from __future__ import annotations

import itertools
import re

import pytest

from storylint.suppressions import REASON_MAX, find_suppressions

_FORMER = re.compile(
    r"storylint[-: ]?(?:disable|ignore)(-line)?[ \t]{0,20}[:=]?[ \t]{0,20}"
    r"([A-Za-z]{2,4}[0-9]{0,3}(?:[ \t]*,[ \t]*[A-Za-z]{2,4}[0-9]{0,3}){0,50})"
    r"(?:[ \t]{0,20}(?:--(?!>)|\u2014|:)[ \t]{0,20}([^\n]{0,300}?))?[ \t]{0,300}(?:-->|\n|$)"
)


def _former(text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
    return [(m.start(), m.end(), tuple(c.strip().upper() for c in m.group(2).split(",")),
             (m.group(3) or "").strip().rstrip("-").strip()) for m in _FORMER.finditer(text)]  # fmt: skip


def _now(text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
    return [(s.start, s.end, s.codes, s.reason) for s in find_suppressions("", text) if s.codes]


@pytest.mark.parametrize("sep", ["--", ":", "\u2014", ""])
@pytest.mark.parametrize("end", ["-->", "\n", "", " x", "\nnext"])
def test_a_directive_ends_within_the_former_reach_and_not_beyond(sep: str, end: str) -> None:
    edges = (0, 20, 21)
    lengths = (0, REASON_MAX, REASON_MAX + 1)
    for before, after, reason, blanks in itertools.product(edges, edges, lengths, lengths):
        if not sep and (after or reason):
            continue
        text = "storylint-disable DM01" + " " * before + sep + " " * after + "y" * reason + " " * blanks + end
        assert _now(text) == _former(text), (before, after, reason, blanks)
    # the farthest end is found, one blank more is prose
    far = "storylint-disable DM01" + " " * 20 + "--" + " " * 20 + "y" * REASON_MAX + " " * REASON_MAX
    assert _now(far + "-->") and not _now(far + " -->")
