"""The four concepts, their order and their nesting; nothing else spells a tag name."""

from __future__ import annotations

#: The tags, in the order every score vector and table uses.
LABELS: tuple[str, ...] = ("AI", "ML", "LLM", "GenAI")

#: What ``primary`` says when a text discusses none of the concepts.
NO_LABEL = "none"

#: LABELS.md nests the concepts: LLM inside GenAI inside ML inside AI.
#: Each tag maps to its direct parent (``None`` for the outermost).
PARENT: dict[str, str | None] = {"AI": None, "ML": "AI", "GenAI": "ML", "LLM": "GenAI"}


def is_ancestor(outer: str, inner: str) -> bool:
    """Return True when ``outer`` contains ``inner`` in the nesting (strictly)."""
    parent = PARENT[inner]
    while parent is not None:
        if parent == outer:
            return True
        parent = PARENT[parent]
    return False


def check_label(name: str) -> str:
    """Return ``name`` as a tag, accepting any letter case; raise ValueError otherwise.

    >>> check_label(" genai")
    'GenAI'
    """
    for label in LABELS:
        if label.lower() == name.strip().lower():
            return label
    raise ValueError(f"unknown tag {name!r}; tags are {', '.join(LABELS)}")
