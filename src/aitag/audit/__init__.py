"""Audit: find mentions of the four concepts' names and report the ones that misuse them.

:mod:`.mentions` finds the names (:mod:`.entities`, the products and organisations).
:mod:`.rules` names the rules and their severities. Hierarchy claims are read by
:mod:`.claims` (the words between two names) and :mod:`.claim_patterns` (token patterns
over :mod:`.slots`), products called by a narrower term by :mod:`.products`.
:mod:`.mention_features` reads each used mention in its sentence and
:mod:`.mention_model` scores it (and is fitted). :mod:`.auditor` batches documents and runs
:mod:`.pattern_findings`, the mention model and :mod:`.vetoes` in order; :mod:`.findings`
words and places each finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rules import LEVELS, SEVERITY, level_at_least

if TYPE_CHECKING:
    from .auditor import Auditor

__all__ = ["LEVELS", "SEVERITY", "Auditor", "level_at_least"]


def __getattr__(name: str) -> Any:
    # The auditor (its patterns and vetoes) is imported when asked for: loading a model
    # file checks its mention model, and `aitag predict` should not pay for the rest.
    if name == "Auditor":
        from .auditor import Auditor

        return Auditor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
