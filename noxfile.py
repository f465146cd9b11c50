"""The test suite on each supported Python: ``nox`` runs the oldest and the newest, as CI
does; ``nox -s tests`` runs every version found; ``nox -s typing`` runs mypy.

Interpreters are looked up on PATH and in pyenv's versions, so a machine with pyenv
needs no ``pyenv global``. A version that is missing is skipped locally and an error on
CI (nox does that when CI is set).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nox

#: The Pythons aitag supports (pyproject: requires-python and classifiers).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests-3.10", "tests-3.13", "typing"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


def _with_pyenv_versions() -> None:
    """Put pyenv's ``python3.X`` of each supported version first on PATH.

    Only those names: pyenv's shims answer every ``python3.X`` but run none that is not
    selected, and each version's own bin/ would shadow ``python3`` and ``pip``.
    """
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    links = Path(tempfile.mkdtemp(prefix="aitag-nox-pythons-"))
    for version in PYTHONS:
        found = sorted(root.glob(f"{version}.*/bin/python{version}"))
        if found:
            (links / f"python{version}").symlink_to(found[-1])
    os.environ["PATH"] = os.pathsep.join([str(links), os.environ.get("PATH", "")])


_with_pyenv_versions()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite (tests and docstring examples) on one Python."""
    session.install("-q", ".[dev]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python=False)
def typing(session: nox.Session) -> None:
    """mypy over the modules listed in pyproject.toml ([tool.mypy] files)."""
    session.run(sys.executable, "-m", "mypy")
