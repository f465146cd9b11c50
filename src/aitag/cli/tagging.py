"""``predict``, ``audit`` and ``explain``: the commands that read documents."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from ..defaults import DISTRIBUTION
from ..formats import (
    AUDIT_FORMATS,
    EXPLAIN_FORMATS,
    PREDICT_FORMATS,
    format_help,
)
from .options import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    document_inputs,
    format_option,
    gather,
    library_errors,
    parse_thresholds,
    read_inputs,
    reported,
)

if TYPE_CHECKING:
    from ..errors import InputError, InputWarning


@click.command()
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
    help="Override a tag's decision threshold (repeatable): documents' tags, and with "
    "--passages passages' tags too.",
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
    help="Skip documents already in --output and append the rest; the output is JSON Lines "
    "whatever its name, and only a file of aitag records written with the same model, "
    "--passages, --threshold and --whole-page is continued.",
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
    from ..batch import Batch, ReadOptions, default_jobs, load_tagger, run_batch
    from ..formats.records import RecordWriter

    fmt = _records_format(fmt, output, resume, passages)
    overrides = parse_thresholds(thresholds)
    # Loaded now: a bad model fails before any work starts.
    tagger = load_tagger(model_path, overrides, passages)
    options = ReadOptions(
        input_format, text_field, id_field, max_bytes, whole_page=whole_page,
        timeout=timeout or None,
    )  # fmt: skip
    batch = Batch(list(paths), model_path, overrides, options, passages)
    items = batch.files()
    for warning in batch.unread:
        reported(warning)
    failed = 0
    # The output is opened (checked against the inputs, locked) before anything is read
    # from it or written to it, so a second aitag on the same file fails at once.
    with RecordWriter(fmt, output, append=resume, inputs=items) as writer:
        # Continued only by the same model, with the same --passages, --threshold and
        # --whole-page: no file of records decided two ways.
        batch.resume = (
            writer.resume_state(max_bytes, tagger.name, passages, batch.settings())
            if resume
            else None
        )
        results: Iterator[dict | InputError | InputWarning]
        if dask_scheduler:
            from ..distributed import run_on_cluster

            results = run_on_cluster(batch, dask_scheduler)
        else:
            results = run_batch(batch, jobs or default_jobs(), items)
        show_progress = _shows_progress(quiet, len(items), output)
        progress = (
            click.progressbar(length=len(items), label="tagging", file=sys.stderr)
            if show_progress
            else contextlib.nullcontext()
        )
        with progress as bar:
            last_path = None
            for item in results:
                if isinstance(item, dict):
                    writer.write(item)
                    path = item["path"]
                else:
                    failed += reported(item) == "error"
                    path = item.path
                if bar is not None and path != last_path:
                    bar.update(1)
                    last_path = path
    if not quiet and (output or failed):
        skipped = f", {batch.resume.total} already done" if batch.resume is not None else ""
        click.echo(f"aitag: tagged {writer.count} document(s), {failed} failed{skipped}", err=True)
    if failed:
        sys.exit(EXIT_ERROR)


def _shows_progress(quiet: bool, inputs: int, output: str | None) -> bool:
    """A progress bar on a terminal for a run of several inputs, unless the records go to
    the same terminal: its bar and their rows would share the lines."""
    records_on_terminal = output in (None, "-") and sys.stdout.isatty()
    return not quiet and inputs > 1 and sys.stderr.isatty() and not records_on_terminal


def _records_format(fmt: str | None, output: str | None, resume: bool, passages: bool) -> str:
    """The format of predict's records, from the option, the output's name or the terminal;
    a usage error for a combination that cannot be honoured."""
    from ..formats.records import output_format

    if fmt is None and resume:
        fmt = "jsonl"  # only JSON Lines can be resumed, whatever the file is called
    elif fmt is None:
        fmt = output_format(output) or ("table" if sys.stdout.isatty() else "jsonl")
    if resume and (output is None or fmt != "jsonl"):
        raise click.UsageError("--resume needs --output FILE in jsonl format")
    if passages and fmt == "csv":
        # A CSV row is one document: its passages have no columns to go in.
        raise click.UsageError("--passages needs jsonl or table output; CSV has a row per document")
    return fmt


@click.command()
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
    from ..audit import Auditor, level_at_least
    from ..formats.findings import render
    from ..limits import time_limits
    from ..predict import Tagger

    auditor = Auditor(Tagger.load(model_path))
    with time_limits(timeout):
        items = read_inputs(paths, input_format, text_field, id_field, max_bytes, whole_page)
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


@click.command()
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
    linear score. A document's tags are decided from its passages' scores; the passage
    that supports a tag most explains it (its line and column are shown).
    """
    from ..explain import Explainer
    from ..formats.explanations import render
    from ..limits import time_limits
    from ..predict import Tagger

    explainer = Explainer(Tagger.load(model_path), top=top)
    with time_limits(timeout):
        items = read_inputs(paths, input_format, text_field, id_field, max_bytes, whole_page)
        records, failed = gather(explainer.explain_documents(items, passages=passages))
    output = render(records, fmt)
    if output:
        click.echo(output)
    if failed:
        click.echo(f"aitag: explained {len(records)} document(s), {failed} failed", err=True)
        sys.exit(EXIT_ERROR)
