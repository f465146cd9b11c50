"""The same prediction on a real Dask cluster: worker processes over TCP on loopback."""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        protocol="tcp",
    ) as local:
        yield local


def test_files_on_a_cluster_equal_a_local_run(cluster, model_path, tmp_path):
    from aitag.batch import Batch, run_batch
    from aitag.distributed import run_on_cluster

    # Sentences of 10 words or more: a shorter text gets no tags, and a warning.
    texts = [
        "Diffusion models generate brand new images from short text prompts.",
        "A large language model answers questions from a prompt, token by token.",
        "We trained a classifier on labelled transactions to flag fraud early.",
        "Roast the carrots with thyme and honey until they are golden.",
    ]
    for i in range(130):
        (tmp_path / f"p{i:03d}.txt").write_text(texts[i % 4])
    batch = Batch([str(tmp_path)], str(model_path))
    local = list(run_batch(batch, jobs=1))
    remote = list(run_on_cluster(batch, cluster.scheduler_address))
    assert remote == local and len(remote) == 130


def test_bag_and_dataframe_on_a_cluster(cluster, model_path, tagger):
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client

    from aitag.distributed import predict_bag, predict_dataframe

    texts = ["GPT drafts emails from a prompt.", "Midjourney paints a castle.", "Tax forms."] * 4
    with Client(cluster.scheduler_address):
        records = predict_bag(db.from_sequence(texts, npartitions=3), model_path).compute()
        frame = dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=3)
        result = predict_dataframe(frame, model_path=str(model_path)).compute()
    expected = tagger.predict(texts)
    assert [r["labels"] for r in records] == [r["labels"] for r in expected]
    assert list(result["primary"]) == [r["primary"] for r in expected]
