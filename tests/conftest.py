"""Shared fixtures: a small model trained once per session on part of the project's corpus."""

from __future__ import annotations

import os
import shutil
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
