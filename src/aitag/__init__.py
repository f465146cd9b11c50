"""aitag: tag articles with the AI concepts they discuss (AI, ML, LLM, GenAI).

Importing the package does no work: the names below are loaded on first use, so
``aitag --help`` and worker processes start fast. No public name is also the name of a
module of the package, so ``aitag.evaluate`` is the same function before and after any
submodule is imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .evaluation import evaluate
    from .labels import LABELS
    from .model import PassageModel
    from .predict import Tagger
    from .readers import read_documents
    from .training import train

__all__ = ["LABELS", "PassageModel", "Tagger", "evaluate", "read_documents", "train"]

_LAZY = {
    "LABELS": "aitag.labels",
    "PassageModel": "aitag.model",
    "Tagger": "aitag.predict",
    "evaluate": "aitag.evaluation",
    "train": "aitag.training",
    "read_documents": "aitag.readers",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'aitag' has no attribute {name!r}")
