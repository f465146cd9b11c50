"""Hostile and broken model files: each is refused with one clear line and runs no code.

test_persist.py covers the basic refusals (tampering, estimators, pickles, labels, format);
here are the files people actually download: joblib dumps renamed to .skops, skops files
whose types would import code, broken cards and schemas, and arrays claiming huge sizes.
A canary file, which the hostile payload would write, proves that nothing ran.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner
from test_persist import copy_model, rewrite

from aitag import persist
from aitag.cli import main
from aitag.errors import ModelError
from aitag.persist import card_path, load_model, read_arrays


class WritesCanary:
    """Unpickling this calls ``open(path, "w")``: the canary appears if pickle ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def refused_by_every_command(target, tmp_path, match):
    """predict, audit, explain and evaluate each refuse the model with one line and exit 2."""
    post = tmp_path / "post.txt"
    post.write_text("A language model writes text from a prompt.")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "1", "text": "GPT writes.", "labels": ["LLM"], "primary": "LLM"}) + "\n"
    )
    for args in (["predict", post], ["audit", post], ["explain", post], ["evaluate", gold]):
        result = CliRunner().invoke(main, [str(a) for a in [*args, "--model", target]])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and str(target) in lines[0] and match in lines[0], result.output


def test_joblib_dump_renamed_to_skops_is_refused_and_runs_no_code(model_path, tmp_path):
    import joblib

    canary = tmp_path / "canary"
    dumped = tmp_path / "model.joblib"
    joblib.dump(WritesCanary(canary), dumped)
    joblib.load(dumped)  # the payload is live: a plain joblib load runs it
    assert canary.exists()
    canary.unlink()
    target = copy_model(model_path, tmp_path)
    rewrite(target, dumped.read_bytes())
    with pytest.raises(ModelError, match="not a valid skops"):
        load_model(target)
    refused_by_every_command(target, tmp_path, "not a valid skops")
    assert not canary.exists()


CANARY_MODULE = """
import pathlib
pathlib.Path({canary!r}).write_text("imported")

def hook():
    pathlib.Path({canary!r}).write_text("called")

class Gadget:
    pass
"""


def python(code, *args, path=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(path or ""), *sys.path]))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("payload", ["hook", "Gadget()"])
def test_skops_file_referencing_code_that_writes_a_file_runs_no_code(model_path, tmp_path, payload):
    canary = tmp_path / "canary"
    (tmp_path / "canary_hook.py").write_text(CANARY_MODULE.format(canary=str(canary)))
    target = copy_model(model_path, tmp_path)
    made = python(
        f"""
        import sys, skops.io, canary_hook
        from canary_hook import *
        open(sys.argv[1], "wb").write(skops.io.dumps({{"labels": ["AI"], "x": {payload}}}))
        """,
        tmp_path / "hostile.skops",
        path=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    rewrite(target, (tmp_path / "hostile.skops").read_bytes())
    # The file is live: a loader that trusts its types imports the module and so writes
    # the canary.
    canary.unlink()
    live = python(
        """
        import sys, skops.io
        skops.io.load(sys.argv[1], trusted=skops.io.get_untrusted_types(file=sys.argv[1]))
        """,
        target,
        path=tmp_path,
    )
    assert live.returncode == 0, live.stderr
    assert canary.exists()
    canary.unlink()
    loaded = python(
        """
        import sys
        from aitag.errors import ModelError
        from aitag.persist import load_model
        try:
            load_model(sys.argv[1])
        except ModelError as error:
            print(error)
        """,
        target,
        path=tmp_path,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "untrusted type canary_hook." in loaded.stdout
    assert not canary.exists()


def hostile_schema_file(schema, files=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr("schema.json", json.dumps(schema))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "schema",
    [
        {"__loader__": "FunctionNode", "__module__": "os", "__class__": "system"},
        {
            "__loader__": "ReduceNode",
            "__module__": "builtins",
            "__class__": "exec",
            "content": {"args": "print(1)"},
        },
        {"__loader__": "TypeNode", "__module__": "builtins", "__class__": "eval"},
        {"__loader__": "ObjectNode", "__module__": "subprocess", "__class__": "Popen"},
    ],
    ids=["function", "reduce", "type", "object"],
)
def test_code_nodes_are_refused_before_anything_is_imported(schema):
    with pytest.raises(ModelError, match="untrusted type"):
        read_arrays(hostile_schema_file(schema), "evil.skops")


@pytest.mark.parametrize(
    "schema",
    [
        [],
        "a string",
        {"__loader__": "DictNode", "__module__": "builtins", "__class__": "dict", "content": []},
        {
            "__loader__": "DictNode",
            "__module__": "builtins",
            "__class__": "dict",
            "content": {},
            "key_types": {"content": ["str"]},
        },
        {"__loader__": "ListNode", "__module__": "builtins", "__class__": "list", "content": 3},
        {"__loader__": "JsonNode", "__module__": "builtins", "__class__": "int", "content": "[1"},
    ],
    ids=["list", "string", "dict-content-list", "key-types", "list-content-int", "bad-json"],
)
def test_malformed_schemas_are_refused_with_one_line(schema):
    with pytest.raises(ModelError, match="evil.skops: "):
        read_arrays(hostile_schema_file(schema), "evil.skops")


def test_deeply_nested_schema_is_refused_not_a_recursion_crash():
    # json.dumps would itself recurse too deeply: write the nested text by hand.
    opening = '{"__loader__": "ListNode", "__module__": "builtins", "__class__": "list", '
    text = (opening + '"content": [') * 100_000 + "]}" * 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", text)
    with pytest.raises(ModelError, match="evil.skops: "):
        read_arrays(buffer.getvalue(), "evil.skops")
    shallow = (opening + '"content": [') * 2000 + "]}" * 2000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", shallow)
    with pytest.raises(ModelError, match="evil.skops: "):
        read_arrays(buffer.getvalue(), "evil.skops")


ARRAY_NODE = {
    "__loader__": "NdArrayNode",
    "__module__": "numpy",
    "__class__": "ndarray",
    "type": "numpy",
    "file": "1.npy",
}


def test_array_header_claiming_a_huge_shape_is_refused():
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    npy = buffer.getvalue() + b"\x00" * 64
    with pytest.raises(ModelError, match="evil.skops: "):
        read_arrays(hostile_schema_file(ARRAY_NODE, [("1.npy", npy)]), "evil.skops")


def test_zip_entry_larger_than_the_model_bound_is_refused(monkeypatch):
    monkeypatch.setattr(persist, "MAX_MODEL_BYTES", 1000)
    array = io.BytesIO()
    np.save(array, np.zeros(1000))
    with pytest.raises(ModelError, match="too large"):
        read_arrays(hostile_schema_file(ARRAY_NODE, [("1.npy", array.getvalue())]), "big.skops")


@pytest.mark.parametrize(
    "card_text",
    ["[" * 100_000 + "]" * 100_000, "[]", '"aitag-linear/1"', "\xff\xfe", ""],
    ids=["nested", "list", "string", "binary", "empty"],
)
def test_broken_cards_are_refused_with_one_line(model_path, tmp_path, card_text):
    target = copy_model(model_path, tmp_path)
    card_path(target).write_bytes(card_text.encode("latin-1"))
    with pytest.raises(ModelError) as caught:
        load_model(target)
    assert "\n" not in str(caught.value) and target.stem in str(caught.value)


def test_card_whose_sha256_does_not_match_is_refused_by_every_command(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    card = json.loads(card_path(target).read_text())
    card["sha256"] = hashlib.sha256(b"another model").hexdigest()
    card_path(target).write_text(json.dumps(card))
    refused_by_every_command(target, tmp_path, "sha256")


def test_card_from_an_incompatible_version_is_refused_by_every_command(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    card = json.loads(card_path(target).read_text())
    del card["format"]  # a card written before formats were versioned
    card_path(target).write_text(json.dumps(card))
    refused_by_every_command(target, tmp_path, "retrain")
    card["format"] = "aitag-linear/1"  # the format before document decisions
    card_path(target).write_text(json.dumps(card))
    refused_by_every_command(target, tmp_path, "aitag-linear/1")


def test_model_from_an_incompatible_version_with_renamed_arrays_is_refused(model_path, tmp_path):
    import skops.io

    model, _ = load_model(model_path)
    arrays = model.to_arrays()
    arrays["weights"] = arrays.pop("coef")
    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps(arrays))
    with pytest.raises(ModelError, match="missing or inconsistent"):
        load_model(target)


def test_model_with_another_label_set_is_refused_by_every_command(model_path, tmp_path):
    import skops.io

    model, _ = load_model(model_path)
    arrays = model.to_arrays()
    arrays["labels"] = ["AI", "ML", "LLM"]
    target = copy_model(model_path, tmp_path)
    rewrite(target, skops.io.dumps(arrays))
    refused_by_every_command(target, tmp_path, "its model's tags")


def test_truncated_model_is_refused_by_every_command(model_path, tmp_path):
    target = copy_model(model_path, tmp_path)
    rewrite(target, target.read_bytes()[: target.stat().st_size // 2])
    refused_by_every_command(target, tmp_path, "not a valid skops")
