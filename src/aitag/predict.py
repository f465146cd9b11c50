"""Tagger: documents in, prediction records out.

Every output (JSON Lines, CSV, the terminal table, ``predict_frame``) shows the same
record: ``{"id", "path", "labels", "scores", "primary", "model"}``.

How a document is scored: each passage gets a probability per tag from the model; a
document's score for a tag is the highest score of any of its passages (a post discusses
a concept when some part of it does), and the tag applies when that score reaches the
tag's threshold. ``primary`` is the applied tag the document says most about: the one
with the largest share of the text, i.e. the highest mean passage score weighted by
passage length in characters; ``none`` when no tag applies.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .decision import MIN_PROSE_WORDS, document_features, temper, word_counts
from .defaults import check_threshold
from .errors import FileWarning, InputError, InputWarning
from .labels import LABELS, NO_LABEL, check_label
from .persist import load_model
from .readers import Document, text_document
from .scoring import NgramScorer, ScoringModel
from .streams import in_chunks

if TYPE_CHECKING:
    import pandas as pd

    from .readers.located import Passage

#: A record: the one shape every output has (see :class:`Tagger`).
Record = dict[str, Any]


class Tagger:
    """A loaded model with its thresholds, ready to tag texts and documents.

    Examples
    --------
    >>> tagger = Tagger.load()  # doctest: +SKIP
    >>> tagger.predict(["Midjourney turns a prompt into a picture."])[0]["labels"]  # doctest: +SKIP
    ['GenAI']
    """

    def __init__(
        self, model: ScoringModel, card: dict[str, Any] | None = None, name: str = "model"
    ):
        self.model = model
        self.card = card or {}
        self.name = name
        #: Per-tag thresholds of passages (the unit the guide labels) ...
        self.passage_thresholds = dict(zip(LABELS, map(float, model.thresholds)))
        #: ... and of documents, which ``--threshold`` overrides.
        document = model.document_thresholds if model.documents is not None else None
        self.thresholds = (
            dict(zip(LABELS, map(float, document)))
            if document is not None
            else dict(self.passage_thresholds)
        )

    @classmethod
    def load(
        cls, path: str | Path | None = None, thresholds: dict[str, float] | None = None
    ) -> Tagger:
        """Load a model file (default: ``$AITAG_MODEL`` or the shipped model); ``thresholds``
        override document thresholds (see :meth:`override_thresholds` for passages')."""
        model, card = load_model(path)
        tagger = cls(model, card, card.get("name", "model"))
        tagger.override_thresholds(thresholds or {})
        return tagger

    def override_thresholds(
        self, thresholds: dict[str, float], documents: bool = True, passages: bool = False
    ) -> None:
        """Override the thresholds that decide the tags a command shows, as ``--threshold``
        does: documents' tags by the document thresholds, and with ``passages`` passages'
        tags (``predict --passages``, labelled passages) by the passage thresholds.

        Every command that takes ``--threshold`` applies it here, so a threshold given
        moves every tag it shows of that name, whichever unit it is.
        """
        for label, value in thresholds.items():
            if documents:
                self.set_threshold(label, value)
            if passages:
                self.set_passage_threshold(label, value)

    def set_threshold(self, label: str, value: float) -> None:
        """Override a document threshold (what ``predict`` decides documents by)."""
        self.thresholds[check_label(label)] = check_threshold(label, value)

    def set_passage_threshold(self, label: str, value: float) -> None:
        """Override a passage threshold (what labelled passages are decided by)."""
        self.passage_thresholds[check_label(label)] = check_threshold(label, value)

    # ------------------------------------------------------------ public API

    def predict(self, texts: str | Iterable[str], passages: bool = False) -> list[Record]:
        """Tag plain texts; one record per text (id = its position)."""
        if isinstance(texts, str):
            texts = [texts]
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):  # else a TypeError from deep in the reader
                raise TypeError(f"texts must be strings; item {i} is {type(text).__name__}")
        documents = [text_document(text, doc_id=str(i)) for i, text in enumerate(texts)]
        return self.score_documents(documents, passages=passages)

    def predict_frame(
        self, frame: pd.DataFrame, text_col: str = "text", id_col: str | None = None
    ) -> pd.DataFrame:
        """Tag a DataFrame's text column; returns one row per input row, in order.

        Columns: ``id``, ``labels`` (list), ``primary``, ``score_AI`` ... ``score_GenAI``,
        ``model``; the index is the input's. Empty texts get no labels and ``primary``
        ``none``, so a frame never fails on one bad row.
        """
        import pandas as pd

        for column in (text_col, id_col):
            if column is not None and column not in frame.columns:
                raise ValueError(
                    f"the frame has no column {column!r}; it has {list(frame.columns)}"
                )
        ids = [str(v) for v in (frame[id_col] if id_col else frame.index)]
        texts = list(frame[text_col])
        # A row that is not text gets an empty record, so one bad row never fails a frame;
        # a missing value (None, NaN) is expected, but bytes or numbers are likely a
        # mistake (the wrong column, undecoded text), said once instead of tagged in silence.
        odd = [
            position
            for position, text in enumerate(texts)
            if not isinstance(text, str)
            and not (text is None or (pd.api.types.is_scalar(text) and pd.isna(text)))
        ]
        if odd:
            warnings.warn(
                f"{len(odd)} row(s) of column {text_col!r} hold no text (the first is row "
                f"{odd[0]}, a {type(texts[odd[0]]).__name__}); they get no tags",
                stacklevel=2,
            )
        valid = [isinstance(text, str) and bool(text.strip()) for text in texts]
        documents = (
            text_document(text, doc_id=doc_id) for text, doc_id, ok in zip(texts, ids, valid) if ok
        )
        # Rows are texts, so none lacks prose; a warning would take a row's place.
        scored = (r for r in self.predict_documents(documents) if isinstance(r, dict))
        rows = [
            _flat(next(scored) if ok else self._empty_record(doc_id))
            for doc_id, ok in zip(ids, valid)
        ]
        columns = ["id", "labels", "primary", *(f"score_{label}" for label in LABELS), "model"]
        result: pd.DataFrame = pd.DataFrame(rows, index=frame.index, columns=columns)
        return result

    def predict_documents(
        self, items: Iterable[Document | InputError], passages: bool = False
    ) -> Iterator[Record | InputError | InputWarning]:
        """Stream records for documents, passing InputErrors through in their place. An
        InputWarning comes before the record of a document without prose and, without
        ``passages``, of one too short to get tags (see :class:`ShortProse`)."""
        return in_chunks(
            items,
            lambda documents: self.score_documents(documents, passages),
            # With passages, a short text's own tags are shown: nothing is left unsaid.
            warn=None if passages else ShortProse(),
        )

    def score_documents(self, documents: list[Document], passages: bool = False) -> list[Record]:
        """Records for documents: passage scores, then the document decision."""
        if not documents:
            return []
        texts = [p.text for document in documents for p in document.passages]
        words = word_counts(texts)
        probabilities = passage_probabilities(self.model.passages, texts, words)
        counts = np.fromiter((len(d.passages) for d in documents), np.int64, len(documents))
        if self.model.documents is not None:
            features = document_features(probabilities, words, counts)
            scores = self.model.documents.predict_proba(features)
        else:  # a model without a document stage: a document scores as its best passage
            scores = _per_document(probabilities, counts, np.maximum)
        scores[counts == 0] = 0.0  # no prose, nothing discussed
        # primary: of the applied tags, the one with the largest share of the text, i.e.
        # the highest passage score weighted by passage length (summed: dividing by the
        # document's length would not change which tag is largest).
        coverage = _per_document(probabilities * words[:, None], counts, np.add)
        firsts = np.cumsum(counts) - counts
        records = []
        for i, document in enumerate(documents):
            record = self._record(document, scores[i], coverage[i])
            if passages:
                record["passages"] = [
                    self._passage_record(passage, probabilities[firsts[i] + k])
                    for k, passage in enumerate(document.passages)
                ]
            records.append(record)
        return records

    def score_passages(self, texts: list[str], ids: list[str]) -> list[Record]:
        """Records for texts that are each one passage (labelled records), decided by the
        passage thresholds: the unit the guide labels and the passage model learns."""
        probabilities = passage_probabilities(self.model.passages, texts)
        records = []
        for doc_id, scores in zip(ids, probabilities):
            labels = self._labels(scores, self.passage_thresholds)
            primary = (
                max(labels, key=lambda label: scores[LABELS.index(label)]) if labels else NO_LABEL
            )
            records.append(
                {
                    "id": doc_id,
                    "path": doc_id,
                    "labels": labels,
                    "scores": _scores(scores),
                    "primary": primary,
                    "model": self.name,
                }
            )
        return records

    # ------------------------------------------------------------ records

    def _labels(
        self, scores: np.ndarray | list[float], thresholds: dict[str, float] | None = None
    ) -> list[str]:
        thresholds = self.thresholds if thresholds is None else thresholds
        return [label for j, label in enumerate(LABELS) if scores[j] >= thresholds[label]]

    def _record(self, document: Document, scores: list[float], coverage: np.ndarray) -> Record:
        labels = self._labels(scores)
        primary = (
            max(labels, key=lambda label: coverage[LABELS.index(label)]) if labels else NO_LABEL
        )
        return {
            "id": document.id,
            "path": document.path,
            "labels": labels,
            "scores": _scores(scores),
            "primary": primary,
            "model": self.name,
        }

    def _passage_record(self, passage: Passage, scores: np.ndarray) -> Record:
        labels = self._labels(scores, self.passage_thresholds)
        primary = max(labels, key=lambda label: scores[LABELS.index(label)]) if labels else NO_LABEL
        return {
            "index": passage.index,
            "line": passage.line,
            "column": passage.column,
            "start": passage.start,
            "end": passage.end,
            "labels": labels,
            "scores": _scores(scores),
            "primary": primary,
            "text": passage.text,
        }

    def _empty_record(self, doc_id: str) -> Record:
        """The record of a frame row that holds no text (it has no file)."""
        return {
            "id": doc_id,
            "path": "",
            "labels": [],
            "scores": dict.fromkeys(LABELS, 0.0),
            "primary": NO_LABEL,
            "model": self.name,
        }


class ShortProse:
    """Warns of a document without tags whose prose is too short to give it any: no
    passage of :data:`aitag.decision.MIN_PROSE_WORDS` words, which the document decision
    needs (a short line never votes alone). Its empty tags are no verdict; the warning
    says so, and that --passages shows the text's own tags.

    A file's rows (a tweet a row) or a feed's posts are warned of once a file, naming the
    first.
    """

    def __init__(self) -> None:
        self.warned_files: set[str] = set()

    def __call__(self, document: Document, record: Record) -> InputWarning | None:
        if record["labels"] or not document.passages:
            return None  # a tagged document's words need no second count
        words = word_counts([passage.text for passage in document.passages])
        if words.max() >= MIN_PROSE_WORDS:
            return None
        total = int(words.sum())
        if total < MIN_PROSE_WORDS:
            short = f"only {total} word(s) of prose"
            rule = f"a text under {MIN_PROSE_WORDS} words gets no tags"
        else:  # short lines, none long enough to vote
            short = f"no passage of {MIN_PROSE_WORDS} words or more, {total} words in short ones"
            rule = "such a text gets no tags"
        if not document.path or document.id == document.path:  # a file (or a text) of its own
            return InputWarning(
                document.path or document.id, f"has {short}; {rule} (try --passages)"
            )
        if document.path in self.warned_files:
            return None
        self.warned_files.add(document.path)
        unit = "post" if document.format == "feed" else "row"
        return FileWarning(
            document.path,
            f"{unit} {document.id!r} has {short}: it and every other {unit} of the file that "
            "short get no tags (try --passages)",
            about="short prose",
        )


def _scores(values: np.ndarray | list[float]) -> dict[str, float]:
    return {label: round(float(value), 4) for label, value in zip(LABELS, values)}


def _flat(record: Record) -> Record:
    row = {"id": record["id"], "labels": record["labels"], "primary": record["primary"]}
    row.update({f"score_{label}": record["scores"][label] for label in LABELS})
    row["model"] = record["model"]
    return row


def passage_probabilities(
    scorer: NgramScorer, texts: list[str], words: np.ndarray | None = None
) -> np.ndarray:
    """Each text's passage score per tag, short texts tempered (:func:`decision.temper`).

    ``words`` are the texts' word counts, when known already.
    """
    if not texts:
        return np.zeros((0, len(LABELS)))
    return temper(scorer.predict_proba(texts), word_counts(texts) if words is None else words)


def document_inputs(scorer: NgramScorer, documents: list[Document]) -> np.ndarray:
    """The document features of documents (see :mod:`aitag.decision`), as training needs them."""
    texts = [p.text for document in documents for p in document.passages]
    counts = np.fromiter((len(d.passages) for d in documents), np.int64, len(documents))
    words = word_counts(texts)
    return document_features(passage_probabilities(scorer, texts, words), words, counts)


def _per_document(values: np.ndarray, counts: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    """``reduce`` over each document's run of passages; 0 for a document without any."""
    out = np.zeros((len(counts),) + values.shape[1:])
    has = counts > 0
    if has.any():
        out[has] = reduce.reduceat(values, (np.cumsum(counts) - counts)[has], axis=0)
    return out
