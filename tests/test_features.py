"""Tokens: the numpy tokenizer used for scoring finds exactly the regex tokenizer's tokens."""

from __future__ import annotations

import numpy as np
from conftest import RAW
from hypothesis import given, settings
from hypothesis import strategies as st

from aitag.features import hash_tokens, token_hashes, tokenize
from aitag.model import PassageModel

ALPHABET = st.sampled_from(list("aAbBzZ09 -'.\n\t,İé€🙂") + ["A.I.", "M.L.", "GPT-4's", "a--b"])


def same_tokens(texts: list[str]) -> None:
    hashes, rows = token_hashes(texts)
    expected = [(token, i) for i, text in enumerate(texts) for token in tokenize(text)]
    assert len(hashes) == len(expected)
    if expected:
        assert np.array_equal(hashes, hash_tokens([token for token, _ in expected]))
        assert rows.tolist() == [i for _, i in expected]


def test_tokens_of_every_length_are_found_and_told_apart():
    # Up to 8 bytes a token is its own number; 9 to 16 bytes and longer ones are hashed.
    words = ["".join("abcdefghij"[(n + k) % 10] for k in range(n)) for n in range(1, 41)]
    words += [word[:-1] + "z" for word in words] + ["x" * 200_000, "gpt-4's", "a'b-c"]
    same_tokens([" ".join(words), "\n".join(reversed(words))])
    numbers = hash_tokens(words)
    assert len(set(numbers.tolist())) == len(words)


def test_seed_posts_tokenise_identically():
    same_tokens([path.read_text(encoding="utf-8") for path in sorted(RAW.glob("*.txt"))])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ALPHABET, max_size=30).map("".join), max_size=5))
def test_any_text_tokenises_identically(texts):
    same_tokens(texts)


def test_trigram_model_scores_equal_scikit_learn():
    from functools import partial

    from sklearn.feature_extraction.text import TfidfVectorizer

    from aitag.corpus import load_records
    from aitag.evaluation import label_matrix
    from aitag.features import analyze

    records = load_records(RAW.parent)[:300]
    texts = [r.text for r in records]
    model = PassageModel(ngram_max=3, folds=2).fit(texts, label_matrix([r.labels for r in records]))
    vectorizer = TfidfVectorizer(
        analyzer=partial(analyze, ngram_max=3, entities=True), min_df=2, sublinear_tf=True
    )
    expected = (
        vectorizer.fit_transform(texts) @ model.scorer_.coef.T.astype(np.float64)
        + model.scorer_.intercept
    )
    assert np.allclose(model.decision_function(texts), expected, atol=1e-4)


def test_known_names_add_their_kind_and_unseen_names_of_the_file_count_too():
    import numpy as np

    from aitag.evaluation import label_matrix
    from aitag.features import analyze, entity_aliases, entity_class

    # Every alias of the entity file is a name the tagger can match (1-4 tokens).
    assert all(1 <= len(tokens) <= 4 for tokens in entity_aliases())
    assert analyze("Ask ChatGPT, then Stable Diffusion.", 1, entities=True)[-2:] == [
        entity_class("chatbot"),
        entity_class("image-generator"),
    ]
    texts = [
        "We prompt ChatGPT and GPT-4 for summaries.",
        "Midjourney and Stable Diffusion draw the covers.",
        "XGBoost predicts churn from orders.",
        "The kitchen is open late.",
    ] * 4
    labels = [["LLM"], ["GenAI"], ["ML"], []] * 4
    model = PassageModel(folds=1, min_df=1).fit(texts, label_matrix(labels))
    assert entity_class("language-model") in model.scorer_.terms.tolist()
    # "Nemotron" is in no training text; its kind's class term still moves LLM up.
    with_name, without = model.decision_function(["Nemotron summarises it.", "It summarises it."])
    assert with_name[2] > without[2]
    # ... by exactly that class term's weight in the numpy scorer.
    rows, terms, weights = model.scorer_.features(["Nemotron"])
    assert [model.scorer_.terms[t] for t in terms] == [entity_class("language-model")]
    assert np.isclose(weights[0], 1.0)
