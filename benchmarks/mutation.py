"""Mutation testing: which small changes to the code would the tests not notice?

Not run by CI (it takes from minutes to hours). Two modes:

``python benchmarks/mutation.py --mistakes``
    Applies, one at a time, the deliberate mistakes of issue #13 (a wrong micro F1, exact
    match with ``any``, recall computed as precision, ``primary`` by the top score, CSV
    score columns reversed, a 17% test split, a Markdown rule that drops indented lines)
    to a scratch copy of the working tree and runs the tests that should catch each. Every
    one must fail the tests. A minute or two.

``python benchmarks/mutation.py [--groups evaluation,decision,...] [--jobs 2]``
    Runs mutmut (``pip install mutmut``) over each group of modules with the tests that
    cover them, in a scratch copy of the working tree (nothing here is touched), and
    prints per module: mutants, killed, survived, untested, score, then every survivor.
    ``mutmut show NAME`` in the printed scratch folder shows a survivor's diff.

The session's test model is trained once and kept for every mutant (conftest.py:
AITAG_TEST_MODEL_CACHE), so a mutant in the training code meets the tests that train on
purpose rather than the model every test uses.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Group -> (modules to mutate, tests that cover them). Tests that do not exist (on an
#: older commit) are left out.
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "evaluation": (
        ["src/aitag/evaluation.py"],
        ["tests/test_evaluation.py", "tests/test_report.py", "tests/test_cli.py"],
    ),
    "decision": (
        ["src/aitag/decision.py", "src/aitag/predict.py"],
        ["tests/test_primary.py", "tests/test_predict.py", "tests/test_model.py"],
    ),
    "scoring": (
        ["src/aitag/scoring.py"],
        ["tests/test_scoring.py", "tests/test_model.py", "tests/test_features.py"],
    ),
    "model": (
        ["src/aitag/model.py"],
        ["tests/test_model.py", "tests/test_scoring.py"],
    ),
    "formats": (
        ["src/aitag/formats/records.py"],
        ["tests/test_records.py", "tests/test_cli.py"],
    ),
    "readers": (
        ["src/aitag/readers/*"],
        ["tests/test_readers.py", "tests/test_markdown_indentation.py"],
    ),
    "notebooks": (["src/aitag/readers/notebook.py"], ["tests/test_notebook.py"]),
    "inputs": (
        ["src/aitag/readers/inputs.py"],
        ["tests/test_readers.py", "tests/test_hardening.py", "tests/test_fuzz_hostile.py"],
    ),
    "resume": (
        ["src/aitag/resume.py"],
        ["tests/test_outputs.py", "tests/test_cli.py", "tests/test_fuzz_hostile.py"],
    ),
    "audit": (["src/aitag/audit/*"], ["tests/test_audit.py"]),
}

#: Issue #13's deliberate mistakes: (what, file, text, replacement, tests).
MISTAKES = [
    (
        "micro F1 as the mean of the tags' F1",
        "src/aitag/evaluation.py",
        '"micro_f1": _ratio(2 * tp, 2 * tp + wrong),',
        '"micro_f1": round(float(np.mean([v["f1"] for v in per_label.values()])), 4),',
        ["tests/test_evaluation.py"],
    ),
    (
        "exact match computed with any",
        "src/aitag/evaluation.py",
        "np.mean(np.all(truth == guess, axis=1))",
        "np.mean(np.any(truth == guess, axis=1))",
        ["tests/test_evaluation.py"],
    ),
    (
        "recall computed as precision",
        "src/aitag/evaluation.py",
        '"recall": _ratio(tp, tp + fn),',
        '"recall": _ratio(tp, tp + fp),',
        ["tests/test_evaluation.py"],
    ),
    (
        "primary chosen by the top score",
        "src/aitag/predict.py",
        "max(labels, key=lambda label: coverage[LABELS.index(label)])",
        "max(labels, key=lambda label: scores[LABELS.index(label)])",
        ["tests/test_primary.py"],
    ),
    (
        "CSV score columns in reverse order",
        "src/aitag/formats/records.py",
        '*(record["scores"][label] for label in LABELS),',
        '*(record["scores"][label] for label in reversed(LABELS)),',
        ["tests/test_records.py"],
    ),
    (
        "a 17% test split",
        "src/aitag/defaults.py",
        "TEST_SPLIT_PERCENT = 16",
        "TEST_SPLIT_PERCENT = 17",
        ["tests/test_corpus.py"],
    ),
    (
        "a Markdown rule that drops every indented line",
        "src/aitag/readers/markdown.py",
        "    masked, title = masked_markdown(text)\n",
        "    text = re.sub(r'(?m)^[ \\t]+\\S.*$', lambda m: ' ' * len(m.group()), text)\n"
        "    masked, title = masked_markdown(text)\n",
        ["tests/test_markdown_indentation.py", "tests/test_readers.py"],
    ),
]

_MUTANT = re.compile(r"^\s*(?P<name>\S+): (?P<status>.+?)\s*$")
_MODULE = re.compile(r"^(?P<module>.+?)\.x[_ǁ]")


def scratch_copy(prefix: str) -> Path:
    """The tracked files of the working tree (as they are now) in a new folder."""
    target = Path(tempfile.mkdtemp(prefix=prefix))
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    return target


def run_mistakes() -> int:
    survived = []
    for what, file, text, replacement, tests in MISTAKES:
        copy = scratch_copy("aitag-mistake-")
        path = copy / file
        source = path.read_text(encoding="utf-8")
        if text not in source:
            print(f"?  {what}: {file} no longer holds the line this mistake changes")
            survived.append(what)
            continue
        path.write_text(source.replace(text, replacement, 1), encoding="utf-8")
        present = [t for t in tests if (copy / t).exists()]
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *present],
            cwd=copy,
            capture_output=True,
            text=True,
        )
        caught = result.returncode != 0
        print(f"{'caught  ' if caught else 'SURVIVED'} {what} ({', '.join(present)})")
        if not caught:
            survived.append(what)
        shutil.rmtree(copy, ignore_errors=True)
    print(f"\n{len(MISTAKES) - len(survived)} of {len(MISTAKES)} mistakes caught")
    return 1 if survived else 0


def mutmut_config(modules: list[str], tests: list[str]) -> str:
    quoted = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return f"""
[tool.mutmut]
source_paths = ["src/"]
only_mutate = {quoted(modules)}
also_copy = ["corpus/", "models/", "examples/", "notebooks/", "README.md", "LABELS.md"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = {quoted(tests)}
timeout_multiplier = 5.0
timeout_constant = 10.0
"""


def results_of(copy: Path) -> dict[str, str]:
    """Each mutant's status in a scratch folder where mutmut ran."""
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).with_name("mutmut"))
    listing = subprocess.run(
        [mutmut, "results", "--all", "true"], cwd=copy, capture_output=True, text=True
    ).stdout
    results = {}
    for line in listing.splitlines():
        match = _MUTANT.match(line)
        if match and "__mutmut_" in match["name"]:
            results[match["name"]] = match["status"]
    return results


def run_group(name: str, jobs: int, cache: Path, only: list[str]) -> dict[str, str]:
    modules, tests = GROUPS[name]
    copy = scratch_copy(f"aitag-mutation-{name}-")
    tests = [t for t in tests if (copy / t).exists()]
    pyproject = copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = re.sub(r"\n\[tool\.mutmut\].*?(?=\n\[|\Z)", "\n", text, flags=re.S)
    pyproject.write_text(text + mutmut_config(modules, tests), encoding="utf-8")
    env = {**os.environ, "AITAG_TEST_MODEL_CACHE": str(cache)}
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).with_name("mutmut"))
    print(f"[{name}] mutating {', '.join(modules)} against {', '.join(tests)} in {copy}")
    subprocess.run(
        [mutmut, "run", "--max-children", str(jobs), *only],
        cwd=copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return results_of(copy)


def report(results: dict[str, str]) -> None:
    per_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in results.items():
        match = _MODULE.match(name)
        per_module[match["module"] if match else "?"][status] += 1
    print(
        f"\n{'module':<28} {'mutants':>7} {'killed':>7} {'survived':>8} {'untested':>8} {'score':>6}"
    )
    for module, counts in sorted(per_module.items()):
        killed = counts["killed"] + counts["timeout"]
        survived = counts["survived"] + counts["suspicious"]
        untested = counts["no tests"]
        total = killed + survived + untested
        score = f"{killed / total:.0%}" if total else "-"
        print(f"{module:<28} {total:>7} {killed:>7} {survived:>8} {untested:>8} {score:>6}")
    for status in ("survived", "no tests", "suspicious"):
        names = sorted(n for n, s in results.items() if s == status)
        if names:
            print(f"\n{status}:")
            print("\n".join(f"  {n}" for n in names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mistakes", action="store_true", help="Only the deliberate mistakes.")
    parser.add_argument("--groups", default=",".join(GROUPS), help="Comma-separated groups.")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="Mutant names or globs to run."
    )
    parser.add_argument(
        "--report", nargs="+", metavar="DIR", help="Only report on scratch folders of a run."
    )
    args = parser.parse_args()
    if args.mistakes:
        return run_mistakes()
    if args.report:
        report({k: v for folder in args.report for k, v in results_of(Path(folder)).items()})
        return 0
    cache = Path(tempfile.mkdtemp(prefix="aitag-mutation-model-"))
    results: dict[str, str] = {}
    for name in args.groups.split(","):
        results.update(run_group(name.strip(), args.jobs, cache, args.only))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
