"""Entity knowledge: products, models and organisations named in a text, with their concept.

The data is ``aitag/data/entities.json`` (versioned, shared with the tagger). The audit
reads a name as what it is (LABELS.md rule 12): a concept's name inside one ("Vertex AI")
is no mention of the concept, and a product's concept ("Midjourney": GenAI) says what a
term next to it refers to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Entity:
    """A name found in a text: ``text[start:end]`` names ``name``, of ``kind`` and ``concept``."""

    name: str
    kind: str
    concept: str | None
    start: int
    end: int


def load_entities() -> dict:
    """The parsed entities file."""
    return _load()


@lru_cache(maxsize=1)
def _load() -> dict:
    path = resources.files("aitag") / "data" / "entities.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, tuple[str, str, str | None]]]:
    data = _load()
    by_alias: dict[str, tuple[str, str, str | None]] = {}
    for entity in data["entities"]:
        concept = data["kinds"][entity["kind"]]
        for alias in {entity["name"], *entity["aliases"]}:
            by_alias[alias] = (entity["name"], entity["kind"], concept)
    # Longest aliases first, so "Core ML Tools" wins over "Core ML". Names are matched as
    # written (they are proper names: "Gemini" the model, not "gemini" the sign), unless
    # the alias itself is all lower case ("sklearn", "o1-preview"). The alternation only
    # ever starts at a word start, so the scan stays linear.
    aliases = sorted(by_alias, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w.@#/-])(?:" + "|".join(map(re.escape, aliases)) + r")(?![\w-]|\.\w)"
    )
    return pattern, by_alias


def find_entities(text: str) -> list[Entity]:
    """Every known name in ``text``, left to right, never overlapping."""
    pattern, by_alias = _matcher()
    found = []
    for match in pattern.finditer(text):
        name, kind, concept = by_alias[match.group()]
        found.append(Entity(name, kind, concept, match.start(), match.end()))
    return found
