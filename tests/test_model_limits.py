"""Model files that are not files, are too large, or hold values a model cannot have: each
is refused in one line naming it, before any document is read, and nothing blocks."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest
from test_model_files import refused_by_every_command
from test_persist import copy_model, rewrite

from aitag import persist
from aitag.errors import ModelError
from aitag.persist import card_path, load_model


def rewritten(model_path, tmp_path, change) -> os.PathLike:
    """A copy of the model whose arrays went through ``change`` (card kept in step)."""
    import skops.io

    model, _ = load_model(model_path)
    arrays = model.to_arrays()
    change(arrays)
    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps(arrays))
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["params"].update(ngram_max=1000), "ngram_max"),
        (lambda a: a["params"].update(ngram_max="2"), "ngram_max"),
        (lambda a: a["params"].update(ngram_max=True), "ngram_max"),
        (lambda a: a.update(terms=np.stack([a["terms"], a["terms"]])), "terms"),
        (lambda a: a["coef"].__setitem__((0, 0), np.nan), "not finite"),
        (lambda a: a.update(idf=np.full(len(a["idf"]), np.inf)), "not finite"),
        (lambda a: a.update(thresholds=np.array([0.5, 0.5, 2.0, 0.5])), "outside"),
        (lambda a: a.update(intercept=np.array(["a", "b", "c", "d"])), "numbers"),
        (lambda a: a.update(params=[]), "params"),
    ],
    ids=[
        "ngram-1000",
        "ngram-str",
        "ngram-bool",
        "terms-2d",
        "nan",
        "inf",
        "threshold",
        "str",
        "params",
    ],
)
def test_parameters_and_arrays_are_checked_by_type_and_range(model_path, tmp_path, change, message):
    target = rewritten(model_path, tmp_path, change)
    with pytest.raises(ModelError, match=message) as caught:
        load_model(target)
    assert "\n" not in str(caught.value)


def test_nan_weights_are_refused_by_every_command(model_path, tmp_path):
    target = rewritten(model_path, tmp_path, lambda a: a["coef"].__setitem__((1, 3), np.nan))
    refused_by_every_command(target, tmp_path, "not finite")


def test_a_model_that_is_a_named_pipe_is_refused_without_blocking(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    target.unlink()
    os.mkfifo(target)
    refused_by_every_command(target, tmp_path, "named pipe")
    card = card_path(target)
    card.unlink()
    os.mkfifo(card)
    with pytest.raises(ModelError, match="named pipe"):
        load_model(target)


@pytest.mark.parametrize("which", ["model", "card"])
def test_a_model_or_card_linked_to_a_device_is_refused(model_path, tmp_path, which):
    target = copy_model(model_path, tmp_path)
    victim = target if which == "model" else card_path(target)
    victim.unlink()
    victim.symlink_to("/dev/zero")
    with pytest.raises(ModelError, match="device file") as caught:
        load_model(target)
    assert str(victim) in str(caught.value)


def test_a_card_larger_than_any_card_is_refused(model_path, tmp_path, monkeypatch):
    target = copy_model(model_path, tmp_path)
    card = json.loads(card_path(target).read_text())
    card["padding"] = "x" * (persist.MAX_CARD_BYTES + 1)
    card_path(target).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="larger than"):
        load_model(target)


def test_a_schema_that_unpacks_beyond_its_bound_is_refused_before_it_is_read(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("schema.json", b" " * (persist.MAX_SCHEMA_BYTES + 1) + b"{}")
    reads = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda self, name: reads.append(name))
    with pytest.raises(ModelError, match="schema.json is larger"):
        persist.read_arrays(buffer.getvalue(), "bomb.skops")
    assert reads == []


def test_a_model_file_larger_than_the_bound_is_not_read(model_path, tmp_path, monkeypatch):
    monkeypatch.setattr(persist, "MAX_MODEL_BYTES", 1000)
    target = copy_model(model_path, tmp_path)
    with pytest.raises(ModelError, match="larger than the 1,000 bytes"):
        load_model(target)
