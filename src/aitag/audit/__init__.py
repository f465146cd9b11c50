"""Audit: find mentions of the four concepts' names and report the ones that misuse them.

:mod:`.mentions` finds the names, :mod:`.rules` holds the rules and their wording, and
:mod:`.auditor` runs them over documents.
"""

from __future__ import annotations

from .auditor import Auditor
from .rules import LEVELS, SEVERITY, level_at_least

__all__ = ["LEVELS", "SEVERITY", "Auditor", "level_at_least"]
