"""Constants that are part of the product, in one place: limits, names and threshold rules.

Every other module imports these; none repeats them.
"""

from __future__ import annotations

#: The distribution's name on the package index (the import package and the command are
#: ``aitag``; that name is taken on the index by an unrelated project).
DISTRIBUTION = "aitag-concepts"

#: Environment variable that points at a model file, overriding the shipped one.
MODEL_ENV = "AITAG_MODEL"

#: Name of the model that ships in ``models/``.
DEFAULT_MODEL_NAME = "aitag-default"

#: Share of corpus records (by a hash of the id) held out as the fixed test split: 16 of
#: 100 buckets, so the split stays at least 15% of the corpus as records are added.
TEST_SPLIT_PERCENT = 16

#: The field of a JSON Lines or CSV row that holds its text (--text-field).
DEFAULT_TEXT_FIELD = "text"

#: The field of a JSON Lines or CSV row that names it (--id-field); a row without one is
#: named by its row number.
DEFAULT_ID_FIELD = "id"

#: Documents larger than this many bytes are refused unless the caller raises the limit.
DEFAULT_MAX_BYTES = 20_000_000

#: Seconds one document may take to read and tag before it is stopped and reported (a
#: document of the largest size allowed takes a few seconds).
DEFAULT_TIMEOUT = 120.0

#: A labelled record is one passage (LABELS.md); a line of a corpus file longer than this
#: is refused before it is decoded.
MAX_RECORD_BYTES = 1_000_000


def check_threshold(label: str, value: float) -> float:
    """``value`` as a decision threshold for ``label``; ValueError unless it is in [0, 1].

    Every place that accepts a threshold (the CLI, the Tagger, the auditor) checks it here.
    """
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValueError(f"threshold for {label} must be between 0 and 1, not {value}")
    return value
