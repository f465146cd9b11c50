"""Tagger: what a trained model says about real texts, record shape, thresholds, frames."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import RAW

from aitag.labels import LABELS
from aitag.readers import read_documents, text_document

CLEAR_CASES = [
    (
        "Midjourney and Stable Diffusion turn a short text prompt into a brand new image; "
        "designers use these generators to create ad visuals in seconds.",
        "GenAI",
    ),
    (
        "We trained a gradient boosted classifier on two years of labelled transactions; "
        "the features include amount, merchant and time of day, and recall on fraud rose to 0.91.",
        "ML",
    ),
    (
        "The model's context window holds 128k tokens, so you can paste a whole contract into the "
        "prompt and ask the language model to summarise it; watch out for hallucinated clauses.",
        "LLM",
    ),
    (
        "Expert systems encode the knowledge of specialists as if-then rules, and an inference "
        "engine chains those rules to reach a diagnosis, a classic approach of symbolic artificial intelligence.",
        "AI",
    ),
]


@pytest.mark.parametrize(("text", "label"), CLEAR_CASES)
def test_clear_passages_get_their_concept(tagger, text, label):
    (record,) = tagger.predict([text])
    assert label in record["labels"]
    assert record["primary"] == label


def test_off_topic_text_gets_no_tag(tagger):
    (record,) = tagger.predict(
        [
            "Preheat the oven to 200 degrees, then roast the carrots with honey and thyme for 30 minutes."
        ]
    )
    assert record["labels"] == [] and record["primary"] == "none"


def test_record_shape(tagger):
    (record,) = tagger.predict("GPT writes text from a prompt.")
    assert list(record) == ["id", "path", "labels", "scores", "primary", "model"]
    assert list(record["scores"]) == list(LABELS)
    assert all(0.0 <= v <= 1.0 for v in record["scores"].values())


def test_threshold_override_changes_labels(tagger, model_path):
    from aitag import Tagger

    text = "GPT writes text from a prompt."
    strict = Tagger.load(model_path, thresholds={label: 1.0 for label in LABELS})
    assert strict.predict(text)[0]["labels"] == []
    lax = Tagger.load(model_path, thresholds={label: 0.0 for label in LABELS})
    assert lax.predict(text)[0]["labels"] == list(LABELS)
    with pytest.raises(ValueError):
        Tagger.load(model_path, thresholds={"Robots": 0.5})


def test_seed_posts_are_tagged_sensibly(tagger):
    records = {
        r["path"].rsplit("/", 1)[-1][:3]: r
        for r in tagger.predict_documents(read_documents([str(RAW)]))
    }
    assert {"LLM", "GenAI"} <= set(records["001"]["labels"])
    assert {"LLM", "GenAI"} <= set(records["002"]["labels"])
    assert {"AI", "ML", "LLM", "GenAI"} <= set(records["000"]["labels"])


def test_passages_option_locates_each_passage(tagger):
    (record,) = tagger.predict(
        "Intro line here.\n\nLLMs predict the next token from a prompt.", passages=True
    )
    assert [(p["line"], p["column"]) for p in record["passages"]] == [(1, 1), (3, 1)]
    assert "LLM" in record["passages"][1]["labels"]


def test_document_scores_come_from_the_document_decision_over_its_passages(tagger):
    from aitag.predict import document_inputs
    from aitag.readers import text_document

    text = "Our quarterly newsletter.\n\nDiffusion models generate images from noise, step by step."
    (record,) = tagger.predict(text, passages=True)
    features = document_inputs(tagger.model.passages, [text_document(text, "0")])
    expected = tagger.model.documents.predict_proba(features)[0]
    assert [record["scores"][label] for label in LABELS] == [round(float(v), 4) for v in expected]
    assert record["labels"] == [
        label for j, label in enumerate(LABELS) if expected[j] >= tagger.thresholds[label]
    ]


def test_predict_frame_keeps_rows_and_index(tagger):
    frame = pd.DataFrame(
        {
            "text": [
                "The large language model drafts emails from a short prompt, one token at a "
                "time, and its context window holds the whole thread.",
                "",
                "Roast the carrots.",
            ]
        },
        index=[10, 11, 12],
    )
    result = tagger.predict_frame(frame)
    assert list(result.index) == [10, 11, 12]
    assert result["id"].tolist() == ["10", "11", "12"]  # the index, without an id column
    assert list(result.columns) == [
        "id",
        "labels",
        "primary",
        *(f"score_{label}" for label in LABELS),
        "model",
    ]
    assert "LLM" in result.loc[10, "labels"]
    assert result.loc[11, "labels"] == [] and result.loc[11, "primary"] == "none"


@pytest.mark.parametrize("text", ["Model", "Cargo features", "Create a space", "Data", "Examples"])
def test_a_few_words_never_vote_alone(tagger, text):
    """A heading-like line puts all its weight on a word or two; it never decides alone."""
    (record,) = tagger.predict([text])
    assert record["labels"] == [] and max(record["scores"].values()) < 0.5


def test_records_name_the_model_by_its_card(model_path):
    from aitag import Tagger

    tagger = Tagger.load(model_path)
    assert tagger.card["name"] == model_path.stem == tagger.name
    (record,) = tagger.predict(["Roast the carrots until they are soft and sweet."])
    assert record["model"] == model_path.stem
    unnamed = Tagger(tagger.model)
    assert unnamed.card == {} and unnamed.name == "model"


def test_a_threshold_out_of_range_is_refused_naming_its_tag(tagger):
    with pytest.raises(ValueError, match="threshold for GenAI must be between 0 and 1"):
        tagger.set_threshold("GenAI", 1.5)


def test_a_frame_row_that_is_not_text_gets_an_empty_record(tagger):
    roast = "Roast the carrots until they are soft and sweet, then salt them."
    frame = pd.DataFrame({"text": [None, "   ", 3.5, roast], "key": ["a", "b", "c", "d"]})
    with pytest.warns(
        UserWarning, match=r"1 row\(s\) of column 'text' hold no text .*row 2, a float"
    ) as caught:
        result = tagger.predict_frame(frame, id_col="key")
    # The warning points at the caller's line, not at aitag's.
    assert caught[0].filename == __file__
    assert result["id"].tolist() == ["a", "b", "c", "d"]
    assert result["model"].tolist() == [tagger.name] * 4
    for label in LABELS:
        assert result[f"score_{label}"].tolist()[:3] == [0.0, 0.0, 0.0]
    assert result["primary"].tolist() == ["none"] * 4


def test_predict_documents_adds_passages_only_when_asked(tagger):
    document = text_document("The model drafts replies from a prompt and the thread so far.")
    (plain,) = tagger.predict_documents([document])
    (detailed,) = tagger.predict_documents([document], passages=True)
    assert "passages" not in plain and len(detailed["passages"]) == 1


def test_passage_probabilities_of_no_texts_is_an_empty_matrix(tagger):
    from aitag.predict import passage_probabilities

    assert passage_probabilities(tagger.model.passages, []).shape == (0, len(LABELS))


def test_texts_that_are_not_strings_are_refused_by_name(tagger):
    for texts, kind in (([None], "NoneType"), (["ok", 5], "int"), ([b"bytes"], "bytes")):
        with pytest.raises(
            TypeError, match=f"texts must be strings; item {len(texts) - 1} is {kind}"
        ):
            tagger.predict(texts)


def test_frames_without_the_column_or_without_rows(tagger):
    with pytest.raises(ValueError, match=r"the frame has no column 'text'; it has \['body'\]"):
        tagger.predict_frame(pd.DataFrame({"body": ["x"]}))
    empty = tagger.predict_frame(pd.DataFrame({"text": []}))
    assert empty.shape == (0, 8)
    assert list(empty.columns) == ["id", "labels", "primary"] + [f"score_{t}" for t in LABELS] + [
        "model"
    ]
    missing = tagger.predict_frame(pd.DataFrame({"text": [None, float("nan")]}))
    assert missing["labels"].tolist() == [[], []]  # missing values: expected, no warning
