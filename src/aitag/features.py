"""Turning text into the n-gram terms the model counts; shared by training and prediction.

Training hands :func:`analyze` to scikit-learn's TfidfVectorizer, and prediction uses it
directly, so both see exactly the same terms without prediction importing scikit-learn.
"""

from __future__ import annotations

import re

# Acronyms written with dots ("A.I.", "M.L.") are folded into their plain form first, so
# the model and the audit see one spelling.
_DOTTED_ACRONYM = re.compile(r"\b([A-Za-z])\.([A-Za-z])\.(?:([A-Za-z])\.)?")
_DOTTED_HINT = re.compile(r"\.[A-Za-z]\.")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def _fold_acronym(match: re.Match) -> str:
    return "".join(group for group in match.groups() if group)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated words and contractions stay whole."""
    if _DOTTED_HINT.search(text):  # a cheap scan first: the full pattern is slow on long text
        text = _DOTTED_ACRONYM.sub(_fold_acronym, text)
    return _TOKEN.findall(text.lower())


def analyze(text: str, ngram_max: int = 2) -> list[str]:
    """Word n-grams from 1 to ``ngram_max``, as the vectorizer's analyzer."""
    tokens = tokenize(text)
    terms = list(tokens)
    for n in range(2, ngram_max + 1):
        terms.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
    return terms
