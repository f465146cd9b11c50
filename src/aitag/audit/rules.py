"""The rules: their names and severities.

``aitag.InvertedHierarchy`` (error)
    A claim that puts an outer concept inside an inner one ("AI is a subset of machine
    learning"). Decided by patterns alone (:mod:`.claims`, :mod:`.claim_patterns`), never
    by the model.
``aitag.WrongTerm`` (warning)
    The name of a narrower concept for text about a broader or other one ("LLMs like
    Midjourney draw pictures": the text is about generative AI, not language models).
``aitag.VagueTerm`` (suggestion)
    An umbrella name for text that clearly discusses something narrower ("our AI" for a
    model trained on transactions to flag fraud: machine learning).

The wording of findings is :mod:`.findings`.
"""

from __future__ import annotations

#: Severity of each rule, and the order of severities (index = rank).
LEVELS: tuple[str, ...] = ("suggestion", "warning", "error")
INVERTED_HIERARCHY = "aitag.InvertedHierarchy"
WRONG_TERM = "aitag.WrongTerm"
VAGUE_TERM = "aitag.VagueTerm"
SEVERITY = {INVERTED_HIERARCHY: "error", WRONG_TERM: "warning", VAGUE_TERM: "suggestion"}


def level_at_least(severity: str, level: str) -> bool:
    """True when ``severity`` ranks at or above ``level`` (suggestion < warning < error)."""
    return LEVELS.index(severity) >= LEVELS.index(level)
