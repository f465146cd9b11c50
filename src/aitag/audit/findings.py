"""The wording of findings: the names to suggest, a claim turned round, the nesting spelt out."""

from __future__ import annotations

from ..labels import PARENT
from .mentions import Mention

#: The plain name to suggest for each concept.
SUGGESTED = {"AI": "AI", "ML": "machine learning", "LLM": "LLM", "GenAI": "generative AI"}


def suggest(concept: str, term: str) -> str:
    plural = term.endswith("s") and not term.endswith("ics")
    if concept == "LLM":
        return "LLMs" if plural else "LLM"
    if concept == "ML" and plural:
        return "machine learning models"
    return SUGGESTED[concept]


def swap(sentence: str, left: Mention, right: Mention) -> str:
    """The claim with its two names swapped: the direction LABELS.md gives."""

    def keep_case(text: str) -> str:
        return text if text[:2].isupper() else text[0].lower() + text[1:]

    middle = sentence[left.end : right.start]
    fixed = keep_case(right.text) + middle + keep_case(left.text)
    return fixed[0].upper() + fixed[1:] if left.start == 0 else fixed


def nesting(inner: str, outer: str) -> str:
    """How ``inner`` sits in ``outer``, with the whole chain."""
    chain, label = [], "LLM"
    while label is not None:
        chain.append(label)
        label = PARENT[label]
    return f"{inner} is part of {outer} ({' ⊂ '.join(chain)})"
