"""The notebooks run from a fresh clone, top to bottom, and are committed without outputs."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01-corpus.ipynb", "02-model.ipynb"]
KERNEL = "aitag-test"


@pytest.fixture()
def kernel_name(tmp_path, monkeypatch) -> str:
    """A kernelspec for this very interpreter, registered in a temporary JUPYTER_PATH.

    CI has no installed kernel and must not install one for the user, so the notebooks
    run on the interpreter (and the aitag) that runs the tests.
    """
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "aitag tests",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return KERNEL


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, kernel_name, sub_corpus):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        # A notebook that trains takes its corpus from a "parameters" cell (papermill's
        # convention): the session's sub-corpus here, so it trains in seconds.
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = f"CORPUS = Path({str(sub_corpus)!r})"
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name,
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on failure
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    if name == "02-model.ipynb":
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3
