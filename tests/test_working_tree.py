"""The tests run the code in src/, in this process and in the processes they start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import SRC

import aitag


def test_this_process_imports_the_working_tree():
    assert Path(aitag.__file__).resolve().parent == SRC / "aitag"


def test_a_started_process_imports_the_working_tree():
    found = subprocess.run(
        [sys.executable, "-c", "import aitag; print(aitag.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(found).resolve().parent == SRC / "aitag"
