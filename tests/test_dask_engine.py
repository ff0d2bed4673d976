"""The Dask engine (#14.4): every analysis it runs gives the pandas path's result on the samples.

Each function runs on the sample comments split in three partitions, once on a LocalCluster of two
worker processes (one thread each, started once for this module) and once on Dask's synchronous
scheduler, and is compared with the pandas result (after computing and sorting where the row order
is not defined). The Parquet store is read as Dask DataFrames, on the cluster whose address is
passed. ``import toolkit`` never imports Dask.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster, get_task_stream

import toolkit as tk
from toolkit.errors import ParameterError, SchemaError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TZ = "Europe/Berlin"
BH = ("09:00", "17:00")


@pytest.fixture(scope="module")
def ds():
    return tk.load(SAMPLES, tz=TZ)


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cl:
        yield cl


@pytest.fixture(scope="module", params=["cluster", "synchronous"])
def scheduler(request, cluster):
    if request.param == "synchronous":
        with dask.config.set(scheduler="synchronous"):
            yield "synchronous"
    else:
        with Client(cluster) as client:
            yield client


def _sorted(frame: pd.DataFrame, by) -> pd.DataFrame:
    return frame.sort_values(list(by), kind="stable").reset_index(drop=True) if by else frame


# name -> (call on a table, computed-result sort key or "index" for lazy row-wise results, lazy?)
CASES = {
    "add_sentiment": (lambda c: tk.text.add_sentiment(c), "index"),
    "add_language": (lambda c: tk.text.add_language(c), "index"),
    "sentiment": (lambda c: tk.text.sentiment(c["text"]), "index"),
    "hashtags": (lambda c: tk.text.hashtags(c, id_cols=("platform", "comment_id")),
                 ("platform", "comment_id", "position")),
    "keywords": (lambda c: tk.text.keywords(c, n=None, weight_col="likes"), ("keyword",)),
    "reply_times": (lambda c: tk.community.reply_times(c, tz=TZ, business_hours=BH), ("platform", "comment_id")),
    "response_rate": (lambda c: tk.community.response_rate(c, tz=TZ, business_hours=BH), None),
    "response_rate_thread_month": (lambda c: tk.community.response_rate(c, tz=TZ, freq="M", match="thread",
                                                                         top_level=False), None),
    "care_summary": (lambda c: tk.community.care_summary(c, tz=TZ), None),
    "negative_spikes_day": (lambda c: tk.community.negative_spikes(c, tz=TZ), None),
    "negative_spikes_post": (lambda c: tk.community.negative_spikes(c, by="post"), None),
    "workload": (lambda c: tk.community.workload(c, tz=TZ), None),
    "audience_activity": (lambda c: tk.timing.audience_activity(c, tz=TZ), None),
}
ROW_WISE = {"add_sentiment", "add_language", "sentiment", "hashtags", "reply_times"}
# the text functions run on every sixth comment (about 3,700): the same code paths, less waiting
TEXT = {"add_sentiment", "add_language", "sentiment", "hashtags", "keywords"}


def _table(ds, name):
    return ds.comments.iloc[::6] if name in TEXT else ds.comments


@pytest.fixture(scope="module")
def expected(ds):
    cache: dict[str, pd.DataFrame] = {}

    def get(name):
        if name not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[name] = CASES[name][0](_table(ds, name))
        return cache[name]
    return get


@pytest.mark.parametrize("name", list(CASES))
def test_dask_result_equals_the_pandas_result(name, ds, scheduler, expected):
    call, order = CASES[name]
    comments = tk.scale.from_pandas(_table(ds, name), npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = call(comments)
    want = expected(name)
    if name in ROW_WISE:
        assert tk.scale.is_dask(got), f"{name}: a row-wise result stays a lazy Dask DataFrame"
        got = got.compute()
    else:
        assert isinstance(got, pd.DataFrame), f"{name}: an aggregate comes back computed (pandas)"
    if order == "index":
        got = got.sort_index()
    else:
        got, want = _sorted(got, order), _sorted(want, order)
    pd.testing.assert_frame_equal(got, want)


def test_the_p2p_shuffle_gives_the_same_reply_times(ds, cluster, expected):
    # small tables shuffle with Dask's task method; large ones (and this configuration) with P2P
    comments = tk.scale.from_pandas(ds.comments, npartitions=3)
    with Client(cluster), dask.config.set({"dataframe.shuffle.method": "p2p"}):
        got = CASES["response_rate"][0](comments)
    pd.testing.assert_frame_equal(got, expected("response_rate"))


def test_load_reads_the_store_on_the_cluster_at_the_given_address(ds, cluster, tmp_path):
    ds.to_parquet(tmp_path / "store")
    with dask.config.set({"toolkit.partition-rows": 5_000}):  # several partitions from the sample store
        dds = tk.load(tmp_path / "store", engine="dask", scheduler=cluster.scheduler_address)
    try:
        assert dds.client.scheduler.address == cluster.scheduler_address
        assert dds.tz == TZ and dds.comments.npartitions > 1
        with get_task_stream(dds.client) as tasks:
            comments = dds.comments.compute()
        assert tasks.data, "the work ran on the cluster whose address was passed"
        pd.testing.assert_frame_equal(comments.sort_index(), ds.comments)
        pd.testing.assert_frame_equal(dds.posts.compute().sort_index(), ds.posts)
        pd.testing.assert_frame_equal(dds.load_report, ds.load_report)
        care = tk.community.care_summary(dds.comments, tz=dds.tz)
        pd.testing.assert_frame_equal(care, tk.community.care_summary(ds.comments, tz=TZ))
        assert "engine='dask'" in repr(dds)
        with pytest.raises(ParameterError, match="copy that folder"):
            dds.to_parquet(tmp_path / "again")
    finally:
        dds.client.close()


def test_load_with_engine_dask_writes_the_store_first(cluster, tmp_path):
    with Client(cluster) as client:
        dds = tk.load(SAMPLES / "youtube", tz=TZ, engine="dask", cache=tmp_path / "store", scheduler=client)
        assert (tmp_path / "store" / "toolkit-store.json").is_file()
        assert dds.client is client
        want = tk.load(SAMPLES / "youtube", tz=TZ).comments
        pd.testing.assert_frame_equal(dds.comments.compute().sort_index(), want)


def test_engine_and_scheduler_are_checked(tmp_path):
    with pytest.raises(ParameterError, match=r"engine='daks'.*did you mean 'dask'"):
        tk.load(SAMPLES / "youtube", engine="daks")
    with pytest.raises(ParameterError, match="a scheduler is for engine='dask'"):
        tk.load(SAMPLES / "youtube", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="cache="):
        tk.load(SAMPLES / "youtube", engine="dask")


def test_scale_client_takes_an_address_a_client_or_reuses_the_running_one(cluster):
    with Client(cluster) as running:
        assert tk.scale.client(running) is running
        assert tk.scale.client() is running  # the session's client, no second cluster
        with tk.scale.client(cluster.scheduler_address) as other:
            assert other.scheduler.address == cluster.scheduler_address
    with pytest.raises(ParameterError, match="scheduler address"):
        tk.scale.client(42)


def test_a_wrong_column_is_refused_at_the_call_not_on_a_worker(ds):
    comments = tk.scale.from_pandas(ds.comments.drop(columns=["text"]), npartitions=2)
    with pytest.raises(SchemaError, match="text_col='text'"):
        tk.text.add_sentiment(comments)
    with pytest.raises(SchemaError, match="missing column"):
        tk.community.response_rate(comments.drop(columns=["parent_id"]), tz=TZ)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_import_toolkit_does_not_import_dask():
    done = _run("import sys, toolkit as tk, toolkit.scale, toolkit.community, toolkit.timing\n"
                "import toolkit.text.scoring, toolkit.text.features, toolkit.io\n"
                "assert not [m for m in sys.modules if m == 'dask' or m.startswith(('dask.', 'distributed'))]\n")
    assert done.returncode == 0, done.stderr


def test_without_dask_the_error_says_how_to_install_it(tmp_path):
    done = _run("import sys; sys.modules['dask'] = None; sys.modules['dask.dataframe'] = None\n"
                "import toolkit as tk\n"
                "try:\n"
                f"    tk.load('data/samples', engine='dask', cache={str(tmp_path / 'store')!r})\n"
                "except tk.errors.ParameterError as e:\n"
                "    print(e)\n")
    assert "pip install 'social-media-research-toolkit[scale]'" in done.stdout, done.stderr
    assert not (tmp_path / "store").exists(), "nothing is parsed or written before the error"
