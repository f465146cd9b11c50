"""Shared fixtures: a small model trained once per session on part of the project's corpus."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# pytest puts src/ first on sys.path (pyproject: pythonpath); processes the tests start
# (`python -m aitag ...`) get it too, so every test runs the working tree, never an
# installed copy that may be stale.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
)
CORPUS = ROOT / "corpus"
RAW = CORPUS / "raw"
SEED_WORDPRESS = RAW / "000_1bf6466996516290.txt"


#: What the session's model learns from: passage files and document folders of the real
#: corpus. Every tag has passages of its own and of other senses, and the documents give
#: the model its document stage; training takes seconds, not the minutes of the whole.
SUB_CORPUS_PASSAGES = (
    "seeds.jsonl",
    "written/w1-ai-general.jsonl",
    "written/w2-ml.jsonl",
    "written/w3-llm.jsonl",
    "written/w4-genai.jsonl",
    "written/w6-negatives.jsonl",
    "written/w12-names.jsonl",
    # The audit's cases: the model file carries the mention model they train.
    "audit/a1-hierarchy.jsonl",
    "audit/a2-wrongterm.jsonl",
    "audit/a3-vagueterm.jsonl",
    "audit/a4-correct.jsonl",
)
SUB_CORPUS_DOCUMENTS = ("d02-infra", "d06-ai-field", "d07-ml", "d08-llm")

#: Set (by benchmarks/mutation.py) to a folder where the session's model is kept between
#: test runs: a mutant of the training code then meets the tests that train on purpose,
#: not every test through a model it trained itself.
MODEL_CACHE_ENV = "AITAG_TEST_MODEL_CACHE"


def make_sub_corpus(root: Path) -> Path:
    """Copy the sub-corpus's files into ``root`` (laid out as ``corpus/`` is)."""
    for name in SUB_CORPUS_PASSAGES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / name, root / name)
    for folder in SUB_CORPUS_DOCUMENTS:
        shutil.copytree(CORPUS / "documents" / folder, root / "documents" / folder)
    return root


@pytest.fixture(scope="session")
def sub_corpus(tmp_path_factory) -> Path:
    return make_sub_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def model_path(tmp_path_factory, sub_corpus) -> Path:
    """A model trained on the sub-corpus (2 folds, to keep the session quick)."""
    from aitag.persist import card_path
    from aitag.training import train

    path = tmp_path_factory.mktemp("model") / "test-model.skops"
    cache = os.environ.get(MODEL_CACHE_ENV)
    cached = Path(cache) / path.name if cache else None
    if cached and cached.is_file():
        shutil.copyfile(cached, path)
        shutil.copyfile(card_path(cached), card_path(path))
        return path
    train(sub_corpus, path, seed=0, folds=2)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(card_path(path), card_path(cached))
        shutil.copyfile(path, cached)
    return path


@pytest.fixture(scope="session")
def tagger(model_path):
    from aitag import Tagger

    return Tagger.load(model_path)


@pytest.fixture()
def run(model_path):
    """Invoke the CLI through click's CliRunner with the session's model."""
    from click.testing import CliRunner

    from aitag.cli import main

    def invoke(*args, input=None):
        return CliRunner().invoke(
            main, [str(a) for a in args], input=input, env={"AITAG_MODEL": str(model_path)}
        )

    return invoke


def load_benchmark(name: str):
    """A script of benchmarks/ as a module (they are scripts, not a package); the folder
    goes on the path first, as running the script puts it, for the modules beside it."""
    folder = str(ROOT / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_labelled_set(folder: Path, rows: list[dict]) -> None:
    """A labelled set as public_docs.py and the dev documents have it: ``files/`` with a
    short paragraph per row, and the rows in ``labels.jsonl``."""
    (folder / "files").mkdir(parents=True)
    for row in rows:
        (folder / "files" / row["path"]).write_text("A paragraph of prose for the reader.\n")
    (folder / "labels.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


class GivenTags:
    """A tagger whose tags for each file are set by the test, for tests of what the
    benchmarks count: tag ``path``'s file name with ``tags[name]``."""

    def __init__(self, tags: dict[str, list[str]]):
        self.tags = tags

    def predict_documents(self, documents, passages=False):
        from aitag.labels import LABELS

        for document in documents:
            given = self.tags[Path(document.path).name]
            scores = {label: (0.9 if label in given else 0.1) for label in LABELS}
            yield {"id": document.path, "path": document.path, "labels": given, "scores": scores}
