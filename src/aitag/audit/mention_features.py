"""The mention model's features: each used mention read in its sentence and passage.

Every concept name and every known product is replaced by its role relative to the
mention (the same concept, a broader or a narrower one), so "Midjourney is the best LLM"
reads "<broader product> is the best <term>" and "LLMs aren't real AI" reads "<term>
aren't real <broader>". The features are those words near the mention, the words of its
sentence, and what the sentence and its passage discuss with the names masked (the
tagger's scores, relative to the term). The model over them is :mod:`.mention_model`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..labels import LABELS, is_ancestor
from ..sentences import sentence_spans
from .entities import Entity
from .mentions import Mention, mask_terms, scan_mentions

#: Bumped whenever the features change: a model of another version is not used.
FEATURES_VERSION = 2
#: Words each side of a mention that its window features read.
WINDOW = 8
#: Words each side of a mention that its sentence features read (bounds the cost).
SENTENCE_REACH = 40
#: A "sentence" naming more concepts than this is a keyword list or a dump, not prose:
#: it is not audited (and its cost stays bounded).
MAX_MENTIONS = 40

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[^\w\s]")
#: A sentence that opens by answering ("No: ...", "Yes, ...") is read from after the
#: answer, which negates nothing that follows: "Is AI a subset of ML? No: ML is a subset
#: of AI." states the nesting right.
_ANSWER = re.compile(r"\s*(?:no|nope|yes|yep)\s*[:,;!—–-]", re.IGNORECASE)
_NEGATIONS = frozenset(
    "not no never neither nor without isn't aren't wasn't weren't doesn't don't didn't "
    "can't cannot won't shouldn't".split()
)


@dataclass
class Candidate:
    """A used mention in its sentence: what the model scores."""

    passage: int  # index of the passage among those audited together
    lo: int  # the sentence, in the passage's text
    hi: int
    mention: Mention  # offsets into the passage's text
    features: dict[str, float]


def sentence_units(text: str, marks=()) -> list[tuple[int, int, list[Mention], list[Entity]]]:
    """(start, end, mentions, entities) of each sentence of ``text`` that names a concept.

    The mentions include names out of scope (``Mention.scope``): they are context.
    """
    mentions, entities = scan_mentions(text, marks)
    if not mentions:
        return []
    units, m, e = [], 0, 0
    for lo, hi in sentence_spans(text):
        inside, m = _within(mentions, m, lo, hi)
        names, e = _within(entities, e, lo, hi)
        if inside and len(inside) <= MAX_MENTIONS:
            units.append((lo, hi, inside, names))
    return units


def _within(items: list, k: int, lo: int, hi: int) -> tuple[list, int]:
    """The items from ``items[k]`` on that start in ``[lo, hi)``, and the index to go on from.

    ``items`` are in order of their starts and the sentences come in order, so each item
    is looked at once: one that starts before ``lo`` lies between sentences.
    """
    inside = []
    while k < len(items) and items[k].start < hi:
        if items[k].start >= lo:
            inside.append(items[k])
        k += 1
    return inside, k


def _role(focus: str, other: str) -> str:
    if other == focus:
        return "same"
    return "broader" if is_ancestor(other, focus) else "narrower"


def _tokens(sentence: str, lo: int, mentions: list[Mention], entities: list[Entity]):
    """The sentence's tokens, names replaced by slots; and each mention's token position.

    A slot is ``("m", concept, scope)`` or ``("e", concept)``.
    """
    spans = [
        (m.start - lo, m.end - lo, ("m", m.concept, m.scope), i) for i, m in enumerate(mentions)
    ]
    taken = [(a, b) for a, b, _, _ in spans]
    for entity in entities:
        a, b = entity.start - lo, entity.end - lo
        if entity.concept and not any(x < b and a < y for x, y in taken):
            spans.append((a, b, ("e", entity.concept, None), -1))
    spans.sort(key=lambda s: s[0])
    tokens: list = []
    positions = [0] * len(mentions)
    at = 0
    answer = _ANSWER.match(sentence)
    if answer:
        at = answer.end()  # the sentence is read from after the answer
    for a, b, slot, index in spans:
        if a < at:
            continue
        tokens.extend(_TOKEN.findall(sentence[at:a].lower()))
        if index >= 0:
            positions[index] = len(tokens)
        tokens.append(slot)
        at = b
    tokens.extend(_TOKEN.findall(sentence[at:].lower()))
    return tokens, positions


#: A word longer than this is cut in the features: no word the model learned is near
#: it, and a feature key per mention would otherwise copy a word of any length.
MAX_WORD = 40


def _word(token, focus: str) -> str:
    if isinstance(token, str):
        if token in _NEGATIONS or token.endswith("n't"):
            return "_neg_"
        return token[:MAX_WORD]
    if token[0] == "e":
        return f"<product:{_role(focus, token[1])}>"
    if token[2] is not None:
        return "<name>"
    return f"<{_role(focus, token[1])}>"


def mention_features(
    sentence: str,
    lo: int,
    mentions: list[Mention],
    entities: list[Entity],
    sentence_scores: np.ndarray,
    passage_scores: np.ndarray,
) -> list[tuple[Mention, dict[str, float]]]:
    """Features of each used mention of one sentence (offsets of ``mentions`` into the passage)."""
    tokens, positions = _tokens(sentence, lo, mentions, entities)
    question = sentence.rstrip().endswith("?")
    concepts = {t[1] for t in tokens if not isinstance(t, str) and (t[0] == "e" or t[2] is None)}
    out = []
    for mention, at in zip(mentions, positions):
        if mention.scope is not None:
            continue
        focus = mention.concept
        words, position = _words_around(tokens, at, focus)
        f: dict[str, float] = {f"term={focus}": 1.0, "concepts": float(len(concepts))}
        _form_features(f, mention.text, question)
        _window_features(f, focus, words, position)
        _sentence_features(f, focus, words)
        for prefix, scores in (("sent", sentence_scores), ("pass", passage_scores)):
            _score_features(f, focus, prefix, scores)
        out.append((mention, f))
    return out


def _words_around(tokens: list, at: int, focus: str) -> tuple[list[str], int]:
    """The words within reach of the mention at token ``at``, and its position among them.

    Only the words within reach are read: the cost of a mention is bounded, however long
    its sentence and however many names it holds.
    """
    first = max(0, at - SENTENCE_REACH)
    words = [_word(t, focus) for t in tokens[first : at + SENTENCE_REACH]]
    position = at - first
    words[position] = "<term>"
    return words, position


def _form_features(f: dict[str, float], text: str, question: bool) -> None:
    """How the term is written (an acronym, a plural) and whether its sentence asks."""
    if text.isupper() or "." in text:
        f["form=acronym"] = 1.0
    if text.endswith("s"):
        f["form=plural"] = 1.0
    if question:
        f["question"] = 1.0


def _window_features(f: dict[str, float], focus: str, words: list[str], position: int) -> None:
    """The words and word pairs within :data:`WINDOW` of the term, by side; the next word
    either side."""
    left = words[max(0, position - WINDOW) : position]
    right = words[position + 1 : position + 1 + WINDOW]
    for side, seq in (("l", left), ("r", right)):
        for w in seq:
            f[f"{side}:{w}"] = 1.0
        for a, b in zip(seq, seq[1:]):
            f[f"{side}:{a} {b}"] = 1.0
    f[f"l1:{left[-1] if left else '^'}"] = 1.0
    f[f"r1:{right[0] if right else '$'}"] = 1.0
    f[f"{focus}|l1:{left[-1] if left else '^'}"] = 1.0


def _sentence_features(f: dict[str, float], focus: str, words: list[str]) -> None:
    """The sentence's words, and the other names' roles for this term's concept."""
    for w in words:
        f[f"s:{w}"] = 1.0
        if w.startswith("<") and w != "<term>":
            f[f"{focus}|s:{w}"] = 1.0


def _score_features(f: dict[str, float], focus: str, prefix: str, scores: np.ndarray) -> None:
    """What the sentence or passage (``prefix``) discusses: the term's own concept, the
    broadest broader and narrower ones, and each concept."""
    own = scores[LABELS.index(focus)]
    broader = max((scores[j] for j, c in enumerate(LABELS) if is_ancestor(c, focus)), default=0.0)
    narrower = max((scores[j] for j, c in enumerate(LABELS) if is_ancestor(focus, c)), default=0.0)
    for name, value in (("own", own), ("broader", broader), ("narrower", narrower)):
        f[f"{prefix}:{name}"] = float(value)
        f[f"{focus}|{prefix}:{name}"] = float(value)
    for j, c in enumerate(LABELS):
        f[f"{focus}|{prefix}:{c}"] = float(scores[j])


def passage_candidates(
    texts: list[tuple[str, tuple]], scorer, units: list | None = None
) -> list[Candidate]:
    """Candidates of many passages (text, marks) at once: one scoring call for all of them.

    ``units`` are the passages' :func:`sentence_units` as ``(passage, lo, hi, mentions,
    entities)``, when the caller has them already.
    """
    if units is None:
        units = [
            (p, *unit)
            for p, (text, marks) in enumerate(texts)
            for unit in sentence_units(text, marks)
        ]
    if not units:
        return []
    masked = [mask_terms(texts[u[0]][0][u[1] : u[2]]) for u in units]
    passages = sorted({u[0] for u in units})
    row = {p: len(masked) + i for i, p in enumerate(passages)}
    masked += [mask_terms(texts[p][0]) for p in passages]
    scores = scorer.predict_proba(masked)
    candidates = []
    for k, (p, lo, hi, mentions, entities) in enumerate(units):
        sentence = texts[p][0][lo:hi]
        for mention, features in mention_features(
            sentence, lo, mentions, entities, scores[k], scores[row[p]]
        ):
            candidates.append(Candidate(p, lo, hi, mention, features))
    return candidates
