"""Vetoes: readings of a sentence under which a finding would misread the text."""

from __future__ import annotations

import re

# An umbrella term that names the field as such ("AI tools", "adopt AI", "areas of AI")
# is not vague, whatever the passage is about.
_FIELD_AFTER = re.compile(
    r"^(?:[\s-]+(?:tools?|applications?|technolog(?:y|ies)|solutions?|industry|adoption|strategy"
    r"|strategies|landscape|space|field|market|era|revolution|polic(?:y|ies)|ethics|regulation"
    r"|research|journey|evolution|trends?|capabilities|initiatives?|projects?|skills?"
    r"|literacy|governance|safety|world|age|boom|hype|ecosystem|adopters?)\b)",
    re.IGNORECASE,
)
_FIELD_BEFORE = re.compile(
    r"\b(?:adopt(?:s|ed|ing)?|embrac(?:e|es|ed|ing)|(?:areas?|range|world|field|era|age|use"
    r"|future|power|rise|promise|potential|impact|risks?|benefits?|adoption|state)\s+of"
    r"(?:\s+the)?)\s+$",
    re.IGNORECASE,
)
# A name that follows a hierarchy word names the category in passing (LABELS.md rule 7).
_PARENT_NAMED = re.compile(
    r"\b(?:speciali[sz]ed|specific|particular|(?:a\s+)?(?:kind|type|form|subset|branch|part"
    r"|class|family|category|field|area|domain|subfield|discipline)s?\s+of(?:\s+the)?)\s+$",
    re.IGNORECASE,
)


def parent_named(before: str) -> bool:
    """Whether the words before a name make it the category named in passing ("a field of AI")."""
    return bool(_PARENT_NAMED.search(before[-40:]))
