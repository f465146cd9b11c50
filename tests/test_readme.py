"""Every output pasted in the README is what aitag prints, with the shipped model.

Console blocks (```console) are run command by command and compared line by line; the
Library example's ``# [...]`` comments are evaluated. ``aitag train`` is not rerun (it
takes minutes): the shipped model's card, which that run wrote, is printed through the
same command. While the shipped model cannot be loaded (a model file of an older
format), these are expected failures; once it loads, every block must match.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from aitag.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def shipped_model_problem() -> str | None:
    """Why the shipped model cannot be loaded, or None when it can."""
    from aitag.errors import ModelError
    from aitag.persist import load_model

    try:
        load_model(ROOT / "models" / "aitag-default.skops")
    except ModelError as error:
        return str(error)
    return None


PROBLEM = shipped_model_problem()
needs_shipped_model = pytest.mark.xfail(
    PROBLEM is not None, reason=f"the shipped model cannot be loaded: {PROBLEM}", strict=True
)


def console_commands(text: str) -> list[tuple[int, str, str]]:
    """(line, command, expected output) for each ``$ command`` of each console block."""
    found = []
    for block in re.finditer(r"^```console\n(.*?)^```", text, flags=re.M | re.S):
        line = text.count("\n", 0, block.start()) + 2
        body = block.group(1).splitlines()
        starts = [i for i, row in enumerate(body) if row.startswith("$ ")]
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(body)
            found.append((line + start, body[start][2:], "\n".join(body[start + 1 : end])))
    return found


COMMANDS = console_commands(README)


def test_the_readme_has_console_blocks():
    assert len(COMMANDS) >= 7
    assert all(command.split("|")[-1].split()[0] == "aitag" for _, command, _ in COMMANDS)


def invoke(command: str, monkeypatch) -> str:
    """Run one README command line as a terminal user would, with the shipped model."""
    stdin = None
    if "|" in command:  # echo "TEXT" | aitag ...
        producer, command = (part.strip() for part in command.split("|", 1))
        stdin = shlex.split(producer)[1] + "\n"
    args = shlex.split(command)[1:]
    if args[0] == "predict" and "--format" not in args:
        args += ["--format", "table"]  # what a terminal shows
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, args, input=stdin, env={"AITAG_MODEL": None})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def shipped_card() -> dict:
    return json.loads((ROOT / "models" / "aitag-default.card.json").read_text(encoding="utf-8"))


@needs_shipped_model
@pytest.mark.parametrize(
    ("command", "expected"),
    [(c, e) for _, c, e in COMMANDS],
    ids=[f"README.md:{line}" for line, _, _ in COMMANDS],
)
def test_readme_console_output_is_what_aitag_prints(command, expected, monkeypatch):
    if "../shared/" in command and not (ROOT / command.split()[2]).exists():
        pytest.skip("the shared evaluation set is not beside this checkout")
    if command.split()[1] == "train":
        import aitag.training

        # The shipped model's card is what this command printed when it made the model.
        monkeypatch.setattr(aitag.training, "train", lambda *a, **k: shipped_card())
    found = invoke(command, monkeypatch)
    assert [row.rstrip() for row in found.strip("\n").splitlines()] == [
        row.rstrip() for row in expected.strip("\n").splitlines()
    ]


def library_checks(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The Library block's code, and its ``expression  # literal`` lines."""
    section = text.split("## Library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    checks = []
    for row in code.splitlines():
        expression, _, comment = row.partition("  # ")
        try:
            ast.literal_eval(comment.strip())
        except (ValueError, SyntaxError):
            continue
        checks.append((expression.strip(), comment.strip()))
    return code, checks


@needs_shipped_model
def test_readme_library_example_says_what_aitag_returns(monkeypatch):
    import pandas as pd

    monkeypatch.delenv("AITAG_MODEL", raising=False)
    code, checks = library_checks(README)
    assert checks
    namespace = {"df": pd.DataFrame({"text": ["GPT writes text from a prompt."]})}
    exec(compile(code, "README.md", "exec"), namespace)
    for expression, literal in checks:
        assert eval(expression, namespace) == ast.literal_eval(literal), expression


def test_readme_examples_are_found():
    lines = [line for line, _, _ in COMMANDS]
    assert lines == sorted(lines)
    _, checks = library_checks(README)
    assert any("predict" in expression for expression, _ in checks)
    assert Path(ROOT / "examples" / "post.md").exists()


def test_ci_runs_exactly_the_readme_s_two_commands():
    section = README.split("## Set up and run", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)
    assert len(commands) == 2
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert [line for line in script if line in commands] == commands
