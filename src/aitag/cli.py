"""The ``aitag`` command: parses arguments, calls the library, prints.

Exit codes: 0 success; 1 ``audit`` found something at or above ``--fail-level``;
2 usage errors, unreadable inputs (after the rest of the batch was done) and bad model
files. Heavy modules are imported inside commands, so ``aitag --help`` starts at once.
"""

from __future__ import annotations

import contextlib
import functools
import sys

import click

from .defaults import DISTRIBUTION, MODEL_ENV
from .formats import (
    AUDIT_FORMATS,
    EXPLAIN_FORMATS,
    PREDICT_FORMATS,
    REPORT_FORMATS,
    format_help,
)
from .formats.safe import one_line, safe_json

EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CliError(click.ClickException):
    """A one-line error from the library, shown without a traceback."""

    exit_code = EXIT_ERROR


def library_errors(command):
    """Turn aitag's typed errors into one-line messages and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .errors import AitagError, printable

        try:
            return command(*args, **kwargs)
        except AitagError as error:
            # One line, and nothing a file name or a model card holds reaches the terminal raw.
            raise CliError(printable(str(error))) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): stop quietly
            sys.exit(0)
        except OSError as error:
            # The system refused a file the command writes or reads outside the batch's
            # inputs (--output in a missing directory, a full disk): one line naming it.
            where = f"{printable(str(error.filename))}: " if error.filename else ""
            raise CliError(f"{where}{error.strerror or error}") from None

    return wrapper


def input_options(command):
    """Options shared by every command that reads documents."""
    from .defaults import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT
    from .readers import FORMATS

    options = [
        click.option(
            "--input-format",
            type=click.Choice(FORMATS),
            default="auto",
            show_default=True,
            help="How to read inputs; auto goes by extension, then by content.",
        ),
        click.option(
            "--text-field", default="text", show_default=True, help="Text column of JSONL/CSV rows."
        ),
        click.option(
            "--id-field", default="id", show_default=True, help="Id column of JSONL/CSV rows."
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Refuse documents larger than this.",
        ),
        click.option(
            "--whole-page",
            is_flag=True,
            help="Read all visible text of HTML pages (navigation, sidebars, footers, "
            "comments), not just their main content.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Seconds a document may take to read and tag; one that takes longer is "
            "reported and skipped (0: no limit).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def document_inputs(command):
    """PATHS, the reading options and --model: what every document command takes."""
    return click.argument("paths", nargs=-1, required=True)(input_options(model_option(command)))


def format_option(names: tuple[str, ...]):
    """--format, from the one vocabulary of :mod:`aitag.formats`; the first name is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default=names[0],
        show_default=True,
        help=format_help(names),
    )


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False),
    envvar=MODEL_ENV,
    default=None,
    help=f"Model file (.skops with its .card.json); default: ${MODEL_ENV}, else the shipped model.",
)


def parse_thresholds(values: tuple[str, ...]) -> dict[str, float]:
    """``LABEL=VALUE`` options as a dict; a bad one is a usage error naming it."""
    from .defaults import check_threshold
    from .labels import check_label

    thresholds = {}
    for value in values:
        label, _, number = value.partition("=")
        try:
            tag = check_label(label)
            thresholds[tag] = check_threshold(tag, float(number))
        except ValueError as error:
            raise click.BadParameter(
                f"{value!r}: expected LABEL=VALUE with VALUE between 0 and 1, e.g. LLM=0.4 "
                f"({error})"
            ) from None
    return thresholds


def reported(item) -> str | None:
    """Report an input error or warning on stderr; say which it was (None for a record)."""
    if isinstance(item, dict):
        return None
    from .errors import InputError, InputWarning

    if isinstance(item, InputError):
        click.echo(f"aitag: skipped {item}", err=True)
        return "error"
    if isinstance(item, InputWarning):
        click.echo(f"aitag: warning: {item}", err=True)
        return "warning"
    return None


def gather(results) -> tuple[list[dict], int]:
    """The records of a stream, each input error reported on stderr: (records, failed)."""
    records, failed = [], 0
    for item in results:
        kind = reported(item)
        if kind is None:
            records.append(item)
        failed += kind == "error"
    return records, failed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION)
def main() -> None:
    """Tag articles with the AI concepts they discuss: AI, ML, LLM, GenAI."""


@main.command()
@document_inputs
@click.option(
    "--format",
    "fmt",
    type=click.Choice(PREDICT_FORMATS),
    default=None,
    help=format_help(PREDICT_FORMATS)
    + " Default: by --output's extension (.csv, .txt for a table, else jsonl); to stdout,"
    " table on a terminal, else jsonl.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write records here instead of stdout."
)
@click.option("--passages", is_flag=True, help="Add per-passage tags and scores to each record.")
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    metavar="LABEL=VALUE",
    help="Override a tag's decision threshold (repeatable).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes, at most the cores aitag may use [default: cores].",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip documents already in --output (JSON Lines) and append the rest.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on stderr.")
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help=f"Tag on a Dask cluster (pip install '{DISTRIBUTION}[dask]').",
)
@library_errors
def predict(
    paths, input_format, text_field, id_field, max_bytes, whole_page, timeout, model_path, fmt,
    output, passages, thresholds, jobs, resume, quiet, dask_scheduler,
):  # fmt: skip
    """Tag documents: files, directories, globs, or - for stdin.

    One record per document (per row of a JSONL or CSV file):
    {"id", "path", "labels", "scores", "primary", "model"}.
    """
    from .batch import Batch, ReadOptions, default_jobs, load_tagger, run_batch
    from .formats.records import RecordWriter, output_format

    if fmt is None:
        fmt = output_format(output) or ("table" if sys.stdout.isatty() else "jsonl")
    if resume and (output is None or fmt != "jsonl"):
        raise click.UsageError("--resume needs --output FILE in jsonl format")
    overrides = parse_thresholds(thresholds)
    load_tagger(model_path, overrides)  # fail on a bad model before any work starts
    options = ReadOptions(
        input_format, text_field, id_field, max_bytes, whole_page=whole_page,
        timeout=timeout or None,
    )  # fmt: skip
    batch = Batch(list(paths), model_path, overrides, options, passages)
    items = batch.files()
    failed = 0
    # The output is opened (checked against the inputs, locked) before anything is read
    # from it or written to it, so a second aitag on the same file fails at once.
    with RecordWriter(fmt, output, append=resume, inputs=items) as writer:
        batch.resume = writer.resume_state(max_bytes) if resume else None
        if dask_scheduler:
            from .distributed import run_on_cluster

            results = run_on_cluster(batch, dask_scheduler)
        else:
            results = run_batch(batch, jobs or default_jobs(), items)
        show_progress = not quiet and sys.stderr.isatty() and len(items) > 1
        progress = (
            click.progressbar(length=len(items), label="tagging", file=sys.stderr)
            if show_progress
            else contextlib.nullcontext()
        )
        with progress as bar:
            last_path = None
            for item in results:
                kind = reported(item)
                if kind is None:
                    writer.write(item)
                failed += kind == "error"
                path = item["path"] if kind is None else item.path
                if show_progress and path != last_path:
                    bar.update(1)
                    last_path = path
    if not quiet and (output or failed):
        skipped = f", {batch.resume.total} already done" if resume else ""
        click.echo(f"aitag: tagged {writer.count} document(s), {failed} failed{skipped}", err=True)
    if failed:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option(
    "--corpus",
    default="corpus",
    show_default=True,
    type=click.Path(exists=True),
    help="Corpus folder or file.",
)
@click.option(
    "--out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Model file to write (models/NAME.skops).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of folds and solver.")
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(min=2),
    help="Cross-validation folds.",
)
@format_option(REPORT_FORMATS)
@library_errors
def train(corpus, out, seed, folds, fmt):
    """Train a model on the corpus's train split; print cross-validated and test figures."""
    from .formats.metrics import format_metrics
    from .training import train as train_model

    card = train_model(corpus, out, seed=seed, folds=folds)
    if fmt == "json":
        click.echo(safe_json(card, indent=2))
        return
    counts = card["corpus"]
    click.echo(
        f"corpus: {counts['train']} train / {counts['test']} test passages, "
        f"{counts['documents_train']} train / {counts['documents_test']} test documents"
    )
    for key, title in (("thresholds", "passage"), ("document_thresholds", "document")):
        if card.get(key):
            values = ", ".join(f"{k}={v:.2f}" for k, v in card[key].items())
            click.echo(f"{title} thresholds: {values}")
    sections = (
        ("cross_validation", "passages, cross-validated on the train split"),
        ("test_split", "passages, held-out test split"),
        ("document_cross_validation", "documents, cross-validated on the train split"),
        ("document_test_split", "documents, held-out test split"),
    )
    for key, title in sections:
        if card.get(key):
            click.echo(f"\n{title}:")
            click.echo(format_metrics(card[key]))
    if out:
        from .persist import card_path

        click.echo(f"\nwrote {one_line(str(out))} and {one_line(str(card_path(out)))}")


@main.command()
@click.argument("data", type=click.Path(exists=True))
@model_option
@format_option(REPORT_FORMATS)
@click.option(
    "--threshold", "thresholds", multiple=True, metavar="LABEL=VALUE", help="Override a threshold."
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help=f"Also write metrics.json and PNG plots here (pip install '{DISTRIBUTION}[plots]').",
)
@library_errors
def evaluate(data, model_path, fmt, thresholds, report_dir):
    """Measure a model on labelled data: passages (JSON Lines in the format of LABELS.md)
    or whole documents (a folder with labels.jsonl giving each file's path and labels)."""
    from pathlib import Path

    from .evaluation import evaluate as evaluate_model
    from .evaluation import evaluate_documents
    from .formats.metrics import format_metrics
    from .predict import Tagger

    tagger = Tagger.load(model_path, parse_thresholds(thresholds))
    if Path(data).is_dir():
        result = evaluate_documents(tagger, data)
    elif report_dir:
        from .report import write_report

        result = write_report(tagger, data, report_dir)
    else:
        result = evaluate_model(tagger, data)
    if fmt == "json":
        click.echo(safe_json(result, indent=2))
    else:
        click.echo(f"{one_line(data)} with model {one_line(result['model'])}")
        click.echo(format_metrics(result))
        if report_dir:
            click.echo(f"\nwrote {one_line(', '.join(result['files'].values()))}")


@main.command()
@document_inputs
@format_option(AUDIT_FORMATS)
@click.option(
    "--min-level",
    type=click.Choice(["suggestion", "warning", "error"]),
    default="suggestion",
    show_default=True,
    help="Show findings at or above this level.",
)
@click.option(
    "--fail-level",
    type=click.Choice(["suggestion", "warning", "error"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding (shown or not) is at or above this level.",
)
@library_errors
def audit(
    paths, input_format, text_field, id_field, max_bytes, whole_page, timeout, model_path, fmt,
    min_level, fail_level,
):  # fmt: skip
    """Find misused concept names: inverted hierarchies, wrong and vague terms.

    Findings carry line and column in the original file (rows of JSONL/CSV: in the row's
    text, keyed by the row's id). Exit codes: 0 clean, 1 a finding at or above
    --fail-level, 2 unreadable inputs or a bad model.
    """
    from .audit import Auditor, level_at_least
    from .formats.findings import render
    from .limits import time_limits
    from .predict import Tagger
    from .readers import expand_inputs
    from .streams import read_within_budget

    auditor = Auditor(Tagger.load(model_path))
    with time_limits(timeout):
        inputs = expand_inputs(paths)
        items = read_within_budget(
            inputs,
            input_format,
            text_field,
            id_field,
            max_bytes,
            whole_page=whole_page,
        )
        records, failed = gather(auditor.audit_documents(items, passages=fmt == "html"))
    # The exit code counts every finding, shown or not; --min-level only filters the view.
    failing = any(level_at_least(f["severity"], fail_level) for r in records for f in r["findings"])
    for record in records:
        record["findings"] = [
            f for f in record["findings"] if level_at_least(f["severity"], min_level)
        ]
    output = render(records, fmt)
    if output:
        click.echo(output)
    if failed:
        click.echo(f"aitag: audited {len(records)} document(s), {failed} failed", err=True)
        sys.exit(EXIT_ERROR)
    if failing:
        sys.exit(EXIT_FINDINGS)


@main.command()
@document_inputs
@format_option(EXPLAIN_FORMATS)
@click.option("--passages", is_flag=True, help="Explain every passage too, not just the document.")
@click.option(
    "--top", type=click.IntRange(min=1), default=5, show_default=True, help="N-grams per direction."
)
@library_errors
def explain(
    paths, input_format, text_field, id_field, max_bytes, whole_page, timeout, model_path, fmt,
    passages, top,
):  # fmt: skip
    """Show, per tag, the n-grams of each document that pushed its score up or down most.

    A weight is the n-gram's coefficient times its TF-IDF value: exact for the model's
    linear score. A document's score for a tag is its best passage's, so that passage
    explains it (its line and column are shown).
    """
    from .explain import Explainer
    from .formats.explanations import render
    from .limits import time_limits
    from .predict import Tagger
    from .readers import expand_inputs
    from .streams import read_within_budget

    explainer = Explainer(Tagger.load(model_path), top=top)
    with time_limits(timeout):
        inputs = expand_inputs(paths)
        items = read_within_budget(
            inputs,
            input_format,
            text_field,
            id_field,
            max_bytes,
            whole_page=whole_page,
        )
        records, failed = gather(explainer.explain_documents(items, passages=passages))
    output = render(records, fmt)
    if output:
        click.echo(output)
    if failed:
        click.echo(f"aitag: explained {len(records)} document(s), {failed} failed", err=True)
        sys.exit(EXIT_ERROR)


@main.group()
def corpus():
    """Check, count and extract the labelled corpus."""


@corpus.command("validate")
@click.argument("path", default="corpus", type=click.Path(exists=True))
@click.option(
    "--against",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="JSONL whose passages the corpus must not copy.",
)
@library_errors
def corpus_validate(path, against):
    """Schema, tags, primary rule, duplicates and near duplicates (also --against FILE)."""
    from .corpus import validate_corpus

    problems = validate_corpus(path, against)
    for problem in problems:
        click.echo(one_line(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{one_line(path)}: valid")


@corpus.command("stats")
@click.argument("path", default="corpus", type=click.Path(exists=True))
@format_option(REPORT_FORMATS)
@library_errors
def corpus_stats(path, fmt):
    """Counts per tag, tag combination, source, genre and length."""
    from .corpus import corpus_stats as stats
    from .corpus import load_records

    result = stats(load_records(path))
    if fmt == "json":
        click.echo(safe_json(result, indent=2))
        return
    click.echo(
        f"records {result['records']} (train {result['train']}, test {result['test']}), "
        f"untagged {result['untagged']}"
    )
    for section in ("per_tag", "combinations", "primary", "source", "genre", "length"):
        click.echo(f"\n{section.replace('_', ' ')}:")
        for key, count in result[section].items():
            click.echo(f"  {one_line(str(key)):<24} {count:>6}")


@corpus.command("extract-seeds")
@click.option(
    "--raw", default="corpus/raw", show_default=True, type=click.Path(exists=True, file_okay=False)
)
@click.option(
    "--out", default="corpus/seeds.jsonl", show_default=True, type=click.Path(dir_okay=False)
)
@library_errors
def corpus_extract_seeds(raw, out):
    """(Re)extract snippets of the raw seed posts, keeping labels already given."""
    import json
    from pathlib import Path

    from .atomic import write_atomic
    from .corpus import load_records
    from .seeds import extract_seed_snippets

    labelled = {r.id: r for r in load_records(out)} if Path(out).exists() else {}
    records = extract_seed_snippets(raw, labelled)
    write_atomic(out, "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records))
    unlabelled = sum(1 for r in records if r.id not in labelled or labelled[r.id].text != r.text)
    click.echo(
        f"wrote {len(records)} snippets to {one_line(out)}; {unlabelled} new or changed (untagged)"
    )
