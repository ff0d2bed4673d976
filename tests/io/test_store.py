"""The Parquet store (toolkit/io/_store.py): Dataset.to_parquet(dir) and load(dir) round-trip exactly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import InputFileError, ParameterError
from toolkit.io import Dataset
from toolkit.io._store import FORMAT_VERSION, MANIFEST, ROW_COL
from toolkit.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "io"
PARTS = ["posts", "comments", "daily", "traffic", "load_report", "rejected"]


def assert_same(a: Dataset, b: Dataset) -> None:
    """Every table equal, value by value, with identical dtypes, index and row order; same tz."""
    assert b.tz == a.tz
    for name in PARTS:
        x, y = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(x, y, check_exact=True, check_index_type=True, check_column_type=True)
        assert [repr(t) for t in x.dtypes] == [repr(t) for t in y.dtypes], name
        for col in x.columns[(x.dtypes == object).to_numpy()]:  # object cells keep their Python type
            assert [type(v) for v in x[col]] == [type(v) for v in y[col]], (name, col)


def load_quiet(path, **kw) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(path, progress=False, **kw)


def test_samples_round_trip(sample_dataset, tmp_path):
    store = sample_dataset.to_parquet(tmp_path / "store")
    assert store == tmp_path / "store"
    back = tk.load(store)
    assert_same(sample_dataset, back)
    assert back.tz == "Europe/Berlin" and len(back.posts) and len(back.comments) and len(back.traffic)
    assert len(back.rejected) and len(back.load_report)


def test_io_fixtures_round_trip(tmp_path):
    # every fixture folder at once: unreadable and unrecognised files, rejected rows, extra columns
    ds = load_quiet(FIXTURES, errors="reject")
    assert (ds.load_report["format"] == "unreadable").any() and len(ds.rejected)
    ds.to_parquet(tmp_path / "store")
    assert_same(ds, tk.load(tmp_path / "store"))


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_each_fixture_folder_round_trips(folder, tmp_path):
    ds = load_quiet(FIXTURES / folder, errors="reject", tz="Europe/Berlin")
    ds.to_parquet(tmp_path / "s")
    assert_same(ds, tk.load(tmp_path / "s", tz="Europe/Berlin"))


def test_empty_tables_round_trip(tmp_path):
    empty = Dataset(TABLES["posts"].empty(), TABLES["comments"].empty(), TABLES["daily"].empty(),
                    pd.DataFrame(columns=tk.io.REPORT_COLUMNS))
    empty.to_parquet(tmp_path / "s")
    back = tk.load(tmp_path / "s")
    assert_same(empty, back)
    assert not list((tmp_path / "s" / "posts").iterdir())  # no partition folders for no rows


def test_layout_partitions_and_manifest(sample_dataset, tmp_path):
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    root = sample_dataset.to_parquet(tmp_path / "store")
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["version"] == FORMAT_VERSION and manifest["tz"] == "Europe/Berlin"
    assert (root / "_load_report.parquet").is_file() and (root / "_rejected.parquet").is_file()
    posts = sample_dataset.posts
    months = posts["published_at"].dt.strftime("%Y-%m")
    expected = {f"posts/platform={p}/month={m}/part-0.parquet" for p, m in zip(posts["platform"], months)}
    found = {p.relative_to(root).as_posix() for p in (root / "posts").rglob("*.parquet")}
    assert found == expected
    # one partition holds exactly its rows, in the table's order, without the partition columns
    first = sorted(expected)[0]
    plat, month = first.split("/")[1].split("=")[1], first.split("/")[2].split("=")[1]
    part = pq.read_table(root / first).to_pandas()
    assert "platform" not in part.columns and "month" not in part.columns
    mine = posts[(posts["platform"] == plat) & (months == month)]
    assert part[ROW_COL].tolist() == list(mine.index)
    assert part["post_id"].tolist() == mine["post_id"].tolist()
    # readable as a hive-partitioned dataset (what dask.dataframe.read_parquet does)
    table = pads.dataset(root / "comments", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == len(sample_dataset.comments)
    assert set(table.column("platform").to_pylist()) == set(sample_dataset.comments["platform"])
    # daily by its date, traffic by tool and date
    assert {p.parent.name for p in (root / "daily").rglob("*.parquet")} == \
        {f"month={m}" for m in sample_dataset.daily["date"].dt.strftime("%Y-%m")}
    assert {p.parent.parent.name for p in (root / "traffic").rglob("*.parquet")} == \
        {f"platform={t}" for t in sample_dataset.traffic["tool"]}


def test_dask_reads_the_tables_folders(sample_dataset, tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    root = sample_dataset.to_parquet(tmp_path / "store")
    comments = dd.read_parquet(root / "comments").compute()
    assert {"platform", "month", ROW_COL} <= set(comments.columns)
    comments = comments.sort_values(ROW_COL).reset_index(drop=True)
    original = sample_dataset.comments
    assert comments["comment_id"].tolist() == original["comment_id"].tolist()
    assert comments["platform"].astype(str).tolist() == original["platform"].tolist()
    assert (comments["month"].astype(str) == original["published_at"].dt.strftime("%Y-%m")).all()
    traffic = dd.read_parquet(root / "traffic").compute()
    assert (traffic["tool"].astype(str) == traffic["platform"].astype(str)).all()
    assert len(traffic) == len(sample_dataset.traffic)


def test_rows_without_a_time_go_to_month_none_and_order_is_kept(tmp_path):
    traffic = TABLES["traffic"].conform(pd.DataFrame({
        "tool": ["matomo", "ga4", "ga4", "ga4"], "breakdown": ["source"] * 4,
        "date": [None, "2026-03-02", None, "2026-02-01"], "source": ["a", "b", "c", "d"],
        "sessions": [1, None, 3, 4], "source_file": ["f.csv"] * 4}))
    ds = Dataset(TABLES["posts"].empty(), TABLES["comments"].empty(), TABLES["daily"].empty(),
                 pd.DataFrame(columns=tk.io.REPORT_COLUMNS), traffic=traffic, tz="UTC")
    ds.to_parquet(tmp_path / "s")
    names = sorted(p.relative_to(tmp_path / "s" / "traffic").as_posix()
                   for p in (tmp_path / "s" / "traffic").rglob("*.parquet"))
    assert names == ["platform=ga4/month=2026-02/part-0.parquet", "platform=ga4/month=2026-03/part-0.parquet",
                     "platform=ga4/month=none/part-0.parquet", "platform=matomo/month=none/part-0.parquet"]
    back = tk.load(tmp_path / "s")
    assert back.traffic["source"].tolist() == ["a", "b", "c", "d"]
    assert_same(ds, back)


def test_a_filtered_table_keeps_its_index_and_odd_values(sample_dataset, tmp_path):
    posts = sample_dataset.posts.sample(frac=0.3, random_state=1)  # shuffled, index not 0..n-1
    rejected = pd.DataFrame({"file": ["a.csv", "b.csv", "c.csv"], "table": ["posts", "", None],
                             "line": [3, None, np.nan], "column": [None, "likes", pd.NA],
                             "kind": ["invalid", "skipped", "invalid"], "reason": ["x", "y", "z"]})
    rejected["line"] = rejected["line"].astype(object)
    rejected.loc[0, "line"] = 3
    rejected["extra"] = pd.Series([["#a", "#b"], {"k": (1, None)}, None], dtype=object)  # lists, dicts, tuples
    ds = Dataset(posts, sample_dataset.comments.iloc[:0], sample_dataset.daily, sample_dataset.load_report,
                 rejected, "Europe/Berlin", traffic=sample_dataset.traffic)
    ds.to_parquet(tmp_path / "s")
    assert_same(ds, tk.load(tmp_path / "s"))


def test_a_store_is_replaced_whole_and_a_failed_write_keeps_the_old_one(sample_dataset, tmp_path):
    small = Dataset(sample_dataset.posts.head(5), TABLES["comments"].empty(), TABLES["daily"].empty(),
                    sample_dataset.load_report.head(2), tz="UTC")
    small.to_parquet(tmp_path / "s")
    sample_dataset.to_parquet(tmp_path / "s")
    assert_same(sample_dataset, tk.load(tmp_path / "s"))
    # a column the store cannot keep exactly fails the write; the previous store stays as it was
    bad = sample_dataset.posts.assign(extra=[object()] * len(sample_dataset.posts))
    broken = Dataset(bad, sample_dataset.comments, sample_dataset.daily, sample_dataset.load_report)
    with pytest.raises(ParameterError, match="table 'posts'.*object"):
        broken.to_parquet(tmp_path / "s")
    assert_same(sample_dataset, tk.load(tmp_path / "s"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no half-written folder left


def test_refuses_to_replace_a_folder_that_is_not_a_store(sample_dataset, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(InputFileError, match="not a toolkit store"):
        sample_dataset.to_parquet(tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_unknown_format_version_says_what_to_do(sample_dataset, tmp_path):
    root = sample_dataset.to_parquet(tmp_path / "s")
    manifest = json.loads((root / MANIFEST).read_text())
    manifest["version"] = 99
    (root / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(InputFileError, match=r"format version 99.*reads version 1.*to_parquet"):
        tk.load(root)


def test_damaged_manifest_and_missing_part(sample_dataset, tmp_path):
    root = sample_dataset.to_parquet(tmp_path / "s")
    next((root / "posts").rglob("*.parquet")).unlink()
    with pytest.raises(InputFileError, match="damaged"):
        tk.load(root)
    (root / MANIFEST).write_text("{not json")
    with pytest.raises(InputFileError, match="damaged"):
        tk.load(root)


def test_tz_must_match_the_store(sample_dataset, tmp_path):
    root = sample_dataset.to_parquet(tmp_path / "s")
    assert tk.load(root, tz="Europe/Berlin").tz == "Europe/Berlin"
    with pytest.raises(ParameterError, match="tz='Europe/Berlin'"):
        tk.load(root, tz="UTC")


def test_leftovers_of_a_dead_writer_are_removed_and_never_read(sample_dataset, tmp_path):
    dead = tmp_path / ".s.toolkit-tmp-999999999-dead"
    (dead / "posts").mkdir(parents=True)
    (dead / "posts" / "part-0.parquet").write_bytes(b"PAR1 half")
    sample_dataset.to_parquet(tmp_path / "s")
    assert not dead.exists()


_KILLED_WRITER = """
import sys, warnings
warnings.simplefilter("ignore")
import toolkit as tk
ds = tk.load(sys.argv[1], tz="Europe/Berlin", progress=False)
print("loaded", flush=True)
while True:
    ds.to_parquet(sys.argv[2])
"""


def test_a_killed_writer_never_leaves_a_half_store(sample_dataset, tmp_path):
    """A writer killed at an arbitrary moment (SIGKILL, no clean-up) leaves a complete store or none."""
    target = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(ROOT / "data" / "samples"), str(target)],
                            stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == b"loaded"
        time.sleep(1.3)  # a few stores written; the kill lands somewhere inside one of them
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    if target.exists():
        assert_same(sample_dataset, tk.load(target))
    # the next write cleans the dead writer's hidden folders up
    sample_dataset.to_parquet(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]
    assert_same(sample_dataset, tk.load(target))


def test_a_store_inside_an_exports_folder_is_not_read_as_exports(tmp_path):
    import shutil

    exports = tmp_path / "exports"
    shutil.copytree(FIXTURES / "mastodon", exports)
    ds = load_quiet(exports)
    ds.to_parquet(exports / "cache")
    again = load_quiet(exports)
    assert_same(ds, again)
