"""Check kinds: the few pieces of Python that rule files configure with data.

A rule file names its kind in `[detect] kind = "..."`; the kind validates its fields
when the rule is loaded and compiles its terms once. Kinds read the shared
`Analysis` of a story (sentences, directive flags, tokens) so that the work of
reading a story is done once, not once per rule.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Check, EngineCheck, Hit
from .code_blocks import CodeBlockCheck
from .identifiers import IdentifierCheck
from .patterns import PatternCheck
from .steps import StepListCheck
from .structure import AcceptanceCriteriaCheck, OutcomeCheck
from .terms import TermCheck
from .vocabulary import VocabularyCheck

CHECK_KINDS: dict[str, Callable[..., Check]] = {
    "terms": TermCheck,
    "pattern": PatternCheck,
    "code-block": CodeBlockCheck,
    "identifiers": IdentifierCheck,
    "step-list": StepListCheck,
    "outcome": OutcomeCheck,
    "acceptance-criteria": AcceptanceCriteriaCheck,
    "vocabulary": VocabularyCheck,
    "engine": EngineCheck,
}
#: kinds whose findings the engine itself makes (SL01, SL02): bundled rules only
ENGINE_KINDS = frozenset({"engine"})

__all__ = ["CHECK_KINDS", "ENGINE_KINDS", "Check", "Hit"]
