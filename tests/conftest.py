"""Shared fixtures: a small model trained once per session on the project's own corpus."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """A model trained on the corpus (3 folds, to keep the session quick)."""
    from aitag.training import train

    path = tmp_path_factory.mktemp("model") / "test-model.skops"
    train(CORPUS, path, seed=0, folds=3)
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
