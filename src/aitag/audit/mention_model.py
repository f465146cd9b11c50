"""The mention model: whether a term fits what it refers to in its sentence.

Each mention the author uses is read in its sentence (:mod:`.mention_features`). A
multinomial logistic model over those features, fitted on the written audit set
(``corpus/audit``), says whether the mention is a correct use or which rule it breaks.

Prediction needs numpy alone: the model is a list of feature names, a coefficient
matrix, intercepts and a threshold per rule, stored in the model file under ``"audit"``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .mention_features import FEATURES_VERSION, Candidate, passage_candidates
from .rules import INVERTED_HIERARCHY, VAGUE_TERM, WRONG_TERM

#: What the model says of a mention: a correct use, or the rule it breaks.
CLASSES: tuple[str, ...] = ("ok", INVERTED_HIERARCHY, WRONG_TERM, VAGUE_TERM)
#: The written cases' ``expect`` values, as rule names.
EXPECT = {
    "ok": "ok",
    "InvertedHierarchy": INVERTED_HIERARCHY,
    "WrongTerm": WRONG_TERM,
    "VagueTerm": VAGUE_TERM,
}
#: Weight of a correct use taken from the tagger's labelled passages, against a written case.
BACKGROUND_WEIGHT = 0.5
#: Probability a rule needs, unless the model's own thresholds say otherwise.
DEFAULT_THRESHOLD = 0.5


# ---------------------------------------------------------------- the model


class MentionModel:
    """Per-mention probabilities of :data:`CLASSES` from stored arrays (numpy only).

    Parameters
    ----------
    features : list of str
        Feature names; ``coef[:, k]`` weighs ``features[k]``.
    coef : array, shape (n_classes, n_features)
    intercept : array, shape (n_classes,)
    thresholds : dict
        The probability each rule needs for a finding.
    """

    def __init__(self, features, coef, intercept, thresholds: dict[str, float]):
        self.features = [str(name) for name in features]
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.thresholds = {rule: float(value) for rule, value in thresholds.items()}
        self._index = {name: k for k, name in enumerate(self.features)}

    def predict_proba(self, rows: list[dict[str, float]]) -> np.ndarray:
        """Probabilities, shape (len(rows), len(CLASSES))."""
        logits = np.tile(self.intercept, (len(rows), 1))
        for i, row in enumerate(rows):
            ids = [(self._index[k], v) for k, v in row.items() if k in self._index]
            if ids:
                cols, values = zip(*ids)
                logits[i] += self.coef[:, list(cols)] @ np.asarray(values)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_arrays(self) -> dict:
        return {
            "version": FEATURES_VERSION,
            "classes": list(CLASSES),
            "features": np.asarray(self.features, dtype=str),
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "thresholds": np.asarray([self.thresholds.get(c, 1.0) for c in CLASSES[1:]]),
        }

    @classmethod
    def from_arrays(cls, arrays: dict) -> MentionModel:
        """The model of a model file's ``"audit"`` arrays; ValueError when they don't fit."""
        if arrays.get("version") != FEATURES_VERSION or list(arrays.get("classes", [])) != list(
            CLASSES
        ):
            raise ValueError("audit model of another version; retrain the model")
        features = np.asarray(arrays["features"]).astype(str).tolist()
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        thresholds = np.asarray(arrays["thresholds"], dtype=np.float64)
        if coef.shape != (len(CLASSES), len(features)) or intercept.shape != (len(CLASSES),):
            raise ValueError("audit model arrays are inconsistent")
        if thresholds.shape != (len(CLASSES) - 1,):
            raise ValueError("audit model thresholds are inconsistent")
        return cls(features, coef, intercept, dict(zip(CLASSES[1:], thresholds.tolist())))


# ---------------------------------------------------------------- fitting


def read_cases(folder: str | Path) -> list[dict]:
    """The written audit cases of ``folder`` (``*.jsonl``), in file order."""
    cases: list[dict] = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            cases.extend(json.loads(line) for line in handle if line.strip())
    return cases


def case_candidates(cases: list[dict], scorer) -> tuple[list[Candidate], list[str]]:
    """Candidates of the cases and each one's class (a case's misused span names its rule)."""
    candidates = passage_candidates([(case["text"], ()) for case in cases], scorer)
    targets = []
    for c in candidates:
        case = cases[c.passage]
        rule = EXPECT[case["expect"]]
        start = case["text"].find(case["term"]) if case.get("term") else -1
        inside = (
            start >= 0 and c.mention.start < start + len(case["term"]) and c.mention.end > start
        )
        targets.append(rule if rule != "ok" and inside else "ok")
    return candidates, targets


def fit_model(
    rows: list[dict[str, float]],
    targets: list[str],
    C: float = 1.0,
    min_count: int = 3,
    weights: np.ndarray | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(feature names, coef, intercept) of a multinomial logistic model (scikit-learn).

    Features seen in fewer than ``min_count`` mentions are dropped: the written cases are
    few, and a word seen once or twice teaches the wording of one case, not a pattern.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    X = vectorizer.fit_transform(rows).tocsr()
    keep = np.flatnonzero(np.asarray((X != 0).sum(axis=0)).ravel() >= min_count)
    X = X[:, keep]
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    y = np.array([CLASSES.index(t) for t in targets])
    estimator = LogisticRegression(
        C=C, max_iter=3000, class_weight="balanced", solver="saga", random_state=0
    )
    estimator.fit(X, y, sample_weight=weights)
    coef = np.zeros((len(CLASSES), X.shape[1]))
    intercept = np.full(len(CLASSES), -30.0)
    coef[estimator.classes_] = estimator.coef_
    intercept[estimator.classes_] = estimator.intercept_
    names = vectorizer.get_feature_names_out()[keep]
    return [str(name) for name in names], coef, intercept


def background_candidates(records: list[dict], scorer) -> list[Candidate]:
    """Correct uses from labelled passages (``{"text", "labels"}``): mentions of a concept
    the passage discusses, in numbers the written audit cases cannot give, as writing has
    them. (An umbrella term in a passage about something narrower is left out: the corpus
    has deliberate misuses of that kind.)"""
    candidates = passage_candidates([(r["text"], ()) for r in records], scorer)
    return [c for c in candidates if c.mention.concept in records[c.passage]["labels"]]


def background_records(corpus: str | Path) -> list[dict]:
    """The tagger corpus's labelled passages (its train split: the test split is never
    trained on), as :func:`background_candidates` reads them."""
    from ..corpus import load_records, split_records

    return [
        {"text": r.text, "labels": tuple(r.labels)} for r in split_records(load_records(corpus))[0]
    ]


def fit_mention_model(
    cases: list[dict],
    scorer,
    background: Sequence[dict] = (),
    C: float = 1.0,
    folds: int = 5,
    seed: int = 0,
    min_precision: float = 0.9,
    background_weight: float = BACKGROUND_WEIGHT,
) -> MentionModel:
    """Fit the model on written cases (and correct uses from ``background`` passages).

    Each rule's threshold is the lowest misuse score at which the out-of-fold findings of
    that rule reach ``min_precision`` by case, and never below :data:`DEFAULT_THRESHOLD`.
    """
    candidates, targets = case_candidates(cases, scorer)
    extra = background_candidates(list(background), scorer) if background else []
    rows = [c.features for c in candidates]
    extra_rows = [c.features for c in extra]
    weights = np.concatenate([np.ones(len(rows)), np.full(len(extra_rows), background_weight)])
    groups = np.array([c.passage for c in candidates])
    oof = np.zeros((len(rows), len(CLASSES)))
    fold_of = np.random.default_rng(seed).permutation(len(cases)) % folds
    for k in range(folds):
        held = fold_of[groups] == k
        keep = np.concatenate([~held, np.ones(len(extra_rows), dtype=bool)])
        names, coef, intercept = fit_model(
            [r for r, h in zip(rows + extra_rows, keep) if h],
            [t for t, h in zip(targets + ["ok"] * len(extra_rows), keep) if h],
            C,
            weights=weights[keep],
        )
        model = MentionModel(names, coef, intercept, {})
        oof[held] = model.predict_proba([r for r, h in zip(rows, held) if h])
    thresholds = choose_thresholds(cases, candidates, oof, min_precision)
    names, coef, intercept = fit_model(
        rows + extra_rows, targets + ["ok"] * len(extra_rows), C, weights=weights
    )
    return MentionModel(names, coef, intercept, thresholds)


def misuse_scores(proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rule index into CLASSES, misuse score) of each row: the likeliest rule, and how
    unlikely a correct use is (1 - P(ok)), so rules that share the evidence add up."""
    rules = 1 + proba[:, 1:].argmax(axis=1)
    return rules, 1.0 - proba[:, 0]


def choose_thresholds(
    cases: list[dict], candidates: list[Candidate], proba: np.ndarray, min_precision: float
) -> dict[str, float]:
    """Per rule, the lowest misuse score whose case-level findings reach ``min_precision``."""
    rules, scores = misuse_scores(proba)
    thresholds = {}
    for j, rule in enumerate(CLASSES[1:], start=1):
        best: dict[int, float] = {}
        for c, r, p in zip(candidates, rules, scores):
            if r == j:
                best[c.passage] = max(best.get(c.passage, 0.0), float(p))
        ranked = sorted(best.items(), key=lambda item: -item[1])
        chosen, right = 1.0, 0
        for n, (case, p) in enumerate(ranked, start=1):
            right += cases[case]["expect"] != "ok"
            if p < DEFAULT_THRESHOLD:
                break
            if right / n >= min_precision:
                chosen = p
        thresholds[rule] = max(chosen, DEFAULT_THRESHOLD)
    return thresholds


def fit_audit_arrays(corpus: str | Path, scorer, folds: int = 5, seed: int = 0) -> dict | None:
    """The mention model of a corpus (its ``audit/`` cases and labelled passages) as the
    arrays a model file stores, or None when the corpus has no audit cases."""
    folder = Path(corpus) / "audit"
    if not Path(corpus).is_dir() or not folder.is_dir():
        return None
    cases = read_cases(folder)
    if not cases:
        return None
    model = fit_mention_model(cases, scorer, background_records(corpus), folds=folds, seed=seed)
    return model.to_arrays()
