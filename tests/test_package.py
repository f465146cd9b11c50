"""The package: its public names, its typing marker, its distribution and licence."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from importlib import metadata
from types import ModuleType

from click.testing import CliRunner
from conftest import ROOT, SRC

import aitag
from aitag.defaults import DISTRIBUTION


def test_public_names_stay_what_they_are_after_every_module_is_imported():
    """``aitag.evaluate`` and ``aitag.train`` were functions on first access and modules
    once ``aitag.evaluate`` (the module) had been imported: a submodule import sets an
    attribute of the package. No public name is also a module's name."""
    before = {name: getattr(aitag, name) for name in aitag.__all__}
    for module in pkgutil.walk_packages(aitag.__path__, "aitag."):
        if module.name != "aitag.__main__":
            importlib.import_module(module.name)
    for name in aitag.__all__:
        value = getattr(aitag, name)
        assert not isinstance(value, ModuleType), name
        assert value is before[name], name
    assert callable(aitag.evaluate) and callable(aitag.train)


def test_public_names_in_a_fresh_process():
    code = (
        "import aitag, aitag.evaluation, aitag.training; "
        "print(type(aitag.evaluate).__name__, type(aitag.train).__name__)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.split() == ["function", "function"], found.stderr


def test_typed_marker_ships_with_the_package():
    assert (SRC / "aitag" / "py.typed").is_file()


def test_distribution_name_licence_and_command():
    assert DISTRIBUTION == "aitag-concepts"
    meta = metadata.metadata(DISTRIBUTION)
    assert meta["Name"] == DISTRIBUTION
    assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier")
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in meta.get_all("Classifier")
    assert "bench" in meta.get_all("Provides-Extra")
    scripts = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert scripts["aitag"] == "aitag.cli:main"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_version_option_names_the_distribution():
    from aitag.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert metadata.version(DISTRIBUTION) in result.output


def test_install_hints_name_the_distribution_not_the_taken_name():
    for path in (SRC / "aitag").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "pip install 'aitag[" not in text and "pip install aitag" not in text, path
