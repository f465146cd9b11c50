"""aitag: tag articles with the AI concepts they discuss (AI, ML, LLM, GenAI).

Importing the package does no work: the names below are loaded on first use, so
``aitag --help`` and worker processes start fast.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["LABELS", "Tagger", "TagModel", "evaluate", "train", "read_documents"]

_LAZY = {
    "LABELS": "aitag.labels",
    "Tagger": "aitag.predict",
    "TagModel": "aitag.model",
    "evaluate": "aitag.evaluate",
    "train": "aitag.train",
    "read_documents": "aitag.documents",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'aitag' has no attribute {name!r}")
