"""Running the same prediction on a Dask cluster (``pip install 'aitag-concepts[dask]'``).

Workers load the model once each (it is cached per process) and tag whole chunks of
files, Dask bags of texts, or partitions of a Dask DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterator

from .batch import CHUNK_FILES, Batch, _tagger, tag_chunk
from .defaults import DISTRIBUTION
from .errors import AitagError, InputError
from .labels import LABELS
from .persist import default_model_path

#: Seconds to wait for a scheduler before saying it cannot be reached.
CONNECT_SECONDS = 10


def _require_dask():
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise AitagError(
            f"Dask is not installed; install it with: pip install '{DISTRIBUTION}[dask]'"
        ) from None


def _model(model_path: str | None) -> str:
    # Workers resolve nothing themselves: they get the client's absolute path.
    return str(default_model_path() if model_path is None else model_path)


def predict_bag(bag, model_path: str | None = None, thresholds: dict | None = None):
    """A Dask bag of texts (or ``{"id", "text"}`` dicts) to a bag of prediction records."""
    _require_dask()
    return bag.map_partitions(
        _tag_texts, _model(model_path), tuple(sorted((thresholds or {}).items()))
    )


def _tag_texts(texts, model_path: str, thresholds: tuple) -> list[dict]:
    from .readers import text_document

    tagger = _tagger(model_path, thresholds)
    documents = []
    for position, item in enumerate(texts):
        text, doc_id = (
            (item["text"], str(item.get("id", position)))
            if isinstance(item, dict)
            else (item, str(position))
        )
        documents.append(text_document(text, doc_id=doc_id))
    return tagger.score_documents(documents)


def predict_dataframe(
    frame, text_col: str = "text", model_path: str | None = None, id_col: str | None = None
):
    """A Dask DataFrame to one of predictions (the columns of ``Tagger.predict_frame``)."""
    _require_dask()
    import pandas as pd

    meta = pd.DataFrame(
        {
            "id": pd.Series(dtype=object),
            "labels": pd.Series(dtype=object),
            "primary": pd.Series(dtype=object),
            **{f"score_{label}": pd.Series(dtype=float) for label in LABELS},
            "model": pd.Series(dtype=object),
        }
    )
    return frame.map_partitions(_tag_frame, _model(model_path), text_col, id_col, meta=meta)


def _tag_frame(partition, model_path: str, text_col: str, id_col: str | None):
    return _tagger(model_path, ()).predict_frame(partition, text_col=text_col, id_col=id_col)


def run_on_cluster(batch: Batch, address: str, window: int = 8) -> Iterator[dict | InputError]:
    """The records of a batch of files, tagged on the cluster at ``address``, in input order."""
    _require_dask()
    from distributed import Client

    batch.model_path = _model(batch.model_path)
    items = batch.files()
    skipper = batch.resume.skipper(batch.options.input_format) if batch.resume else None
    if skipper is not None:
        items = skipper.drop_done_files(items)
    chunks = [items[i : i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (ValueError, TypeError, OSError) as error:
        raise AitagError(
            f"--dask-scheduler {address!r}: cannot reach a scheduler there ({error}); "
            "give its address, e.g. tcp://host:8786"
        ) from None
    with client:
        results = _results(client, batch, chunks, window)
        yield from skipper.skip_done(results) if skipper is not None else results


def _results(client, batch: Batch, chunks: list, window: int) -> Iterator:
    pending = []
    for chunk in chunks:
        pending.append(client.submit(tag_chunk, batch, chunk, pure=False))
        if len(pending) >= window:
            yield from pending.pop(0).result()
    for future in pending:
        yield from future.result()
