"""The four concepts, their order and nesting, and other constants of the product."""

from __future__ import annotations

#: The tags, in the order every score vector and table uses.
LABELS: tuple[str, ...] = ("AI", "ML", "LLM", "GenAI")

#: What ``primary`` says when a text discusses none of the concepts.
NO_LABEL = "none"

#: LABELS.md nests the concepts: LLM inside GenAI inside ML inside AI.
#: Each tag maps to its direct parent (``None`` for the outermost).
PARENT: dict[str, str | None] = {"AI": None, "ML": "AI", "GenAI": "ML", "LLM": "GenAI"}

#: Environment variable that points at a model file, overriding the shipped one.
MODEL_ENV = "AITAG_MODEL"

#: Name of the model that ships in ``models/``.
DEFAULT_MODEL_NAME = "aitag-default"

#: Share of corpus records (by a hash of the id) held out as the fixed test split: 16 of
#: 100 buckets, so the split stays at least 15% of the corpus as records are added.
TEST_SPLIT_PERCENT = 16


def is_ancestor(outer: str, inner: str) -> bool:
    """Return True when ``outer`` contains ``inner`` in the nesting (strictly)."""
    parent = PARENT[inner]
    while parent is not None:
        if parent == outer:
            return True
        parent = PARENT[parent]
    return False


def check_label(name: str) -> str:
    """Return ``name`` as a tag, accepting any letter case; raise ValueError otherwise."""
    for label in LABELS:
        if label.lower() == name.strip().lower():
            return label
    raise ValueError(f"unknown tag {name!r}; tags are {', '.join(LABELS)}")
