"""Model files: round trip, skops compatibility, and refusal of anything not ours."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import shutil
import zipfile

import numpy as np
import pytest

from aitag.errors import ModelError
from aitag.persist import card_path, load_model, read_arrays


def copy_model(model_path, tmp_path, name="copy"):
    target = tmp_path / f"{name}.skops"
    shutil.copy(model_path, target)
    shutil.copy(card_path(model_path), card_path(target))
    return target


def rewrite(target, payload: bytes):
    """Replace a model file and make its card agree, as an attacker would."""
    target.write_bytes(payload)
    card = json.loads(card_path(target).read_text())
    card["sha256"] = hashlib.sha256(payload).hexdigest()
    card_path(target).write_text(json.dumps(card))


def test_round_trip_and_skops_reads_the_same_file(model_path):
    import skops.io

    model, card = load_model(model_path)
    assert card["labels"] == ["AI", "ML", "LLM", "GenAI"]
    assert set(card["thresholds"]) == {"AI", "ML", "LLM", "GenAI"}
    assert skops.io.get_untrusted_types(file=model_path) == []
    arrays = skops.io.load(model_path, trusted=[])
    assert np.array_equal(arrays["coef"], model.passages.coef)
    assert list(arrays["terms"]) == list(model.passages.terms)


def test_card_records_provenance(model_path):
    card = json.loads(card_path(model_path).read_text())
    for key in (
        "sha256",
        "thresholds",
        "params",
        "libraries",
        "corpus",
        "cross_validation",
        "created",
    ):
        assert key in card
    assert len(card["corpus"]["sha256"]) == 64
    assert set(card["cross_validation"]["per_label"]["LLM"]) >= {"precision", "recall", "f1"}


def test_tampered_model_file_is_refused(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_model(target)


def test_missing_model_and_missing_card(tmp_path, model_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.skops")
    target = copy_model(model_path, tmp_path)
    card_path(target).unlink()
    with pytest.raises(ModelError, match="card"):
        load_model(target)


def test_skops_file_with_an_estimator_is_refused_even_with_a_matching_card(model_path, tmp_path):
    import skops.io
    from sklearn.linear_model import LogisticRegression

    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps({"labels": ["AI"], "model": LogisticRegression()}))
    with pytest.raises(ModelError, match="untrusted type sklearn"):
        load_model(target)


def test_skops_file_with_a_function_reference_is_refused(model_path, tmp_path):
    import skops.io

    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps({"hook": np.sum}))
    with pytest.raises(ModelError, match="untrusted type"):
        load_model(target)


class Canary:
    def __reduce__(self):
        return (open, ("/tmp/aitag-canary-should-not-exist", "w"))


def test_pickle_renamed_to_skops_is_refused_and_runs_no_code(model_path, tmp_path):
    canary = "/tmp/aitag-canary-should-not-exist"
    target = copy_model(model_path, tmp_path)
    rewrite(target, pickle.dumps(Canary()))
    with pytest.raises(ModelError, match="not a valid skops"):
        load_model(target)
    import os

    assert not os.path.exists(canary)


def test_object_array_in_a_skops_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        array = io.BytesIO()
        np.save(array, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        archive.writestr("1.npy", array.getvalue())
        schema = {
            "__class__": "ndarray",
            "__module__": "numpy",
            "__loader__": "NdArrayNode",
            "type": "numpy",
            "file": "1.npy",
        }
        archive.writestr("schema.json", json.dumps(schema))
    with pytest.raises(ModelError, match="not a valid skops"):
        read_arrays(buffer.getvalue(), "evil.skops")


def test_truncated_file_is_refused(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    rewrite(target, target.read_bytes()[:200])
    with pytest.raises(ModelError, match="not a valid skops"):
        load_model(target)


def test_other_label_set_is_refused(model_path, tmp_path):
    import skops.io

    model, _ = load_model(model_path)
    arrays = model.to_arrays()
    arrays["labels"] = ["Cats", "Dogs", "Birds", "Fish"]
    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps(arrays))
    with pytest.raises(ModelError, match=r"its model's tags \['Cats', 'Dogs'"):
        load_model(target)


def test_a_card_with_other_tags_is_named_as_the_one_that_differs(model_path, tmp_path):
    # The message named the model file's tags, which were right, as the wrong ones.
    target = copy_model(model_path, tmp_path)
    card_file = target.with_name(target.stem + ".card.json")
    card = json.loads(card_file.read_text())
    card["labels"] = ["X"]
    card_file.write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"its card's tags \['X'\] are not"):
        load_model(target)


def test_other_format_version_is_refused(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    card = json.loads(card_path(target).read_text())
    card["format"] = "aitag-linear/99"
    card_path(target).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="retrain"):
        load_model(target)


@pytest.mark.parametrize("given", ["", ".", "folder"])
def test_a_path_that_is_no_model_file_is_named_not_replaced_by_the_default(tmp_path, given):
    # "" loaded the shipped model without a word; a folder raised from pathlib or was told
    # its card was missing.
    (tmp_path / "folder").mkdir()
    path = given if given in ("", ".") else str(tmp_path / given)
    with pytest.raises(ModelError, match="is not a model file"):
        load_model(path)
