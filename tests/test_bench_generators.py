"""The scale benchmark's comment generator (bench/_comments_10m.py) gives canonical, reproducible tables."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk

pytest.importorskip("pyarrow")

_BENCH = Path(__file__).resolve().parents[1] / "bench" / "_comments_10m.py"


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("_comments_10m", _BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_comments_10m"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def small(gen):
    return gen.comments_frame(5_000, seed=3)


def test_small_output_matches_the_canonical_schema(small):
    comments, posts = small
    assert len(comments) == 5_000
    tk.schema.validate(comments, "comments")
    tk.schema.validate(posts, "posts")
    # every comment belongs to a generated post, and the posts' comment counts add up
    assert set(comments["post_id"]) <= set(posts["post_id"])
    assert int(posts["comments"].sum()) == 5_000


def test_same_seed_same_tables_other_seed_other_tables(gen, small):
    again = gen.comments_frame(5_000, seed=3)
    pd.testing.assert_frame_equal(small[0], again[0])
    pd.testing.assert_frame_equal(small[1], again[1])
    other = gen.comments_frame(5_000, seed=4)[0]
    assert not other["text"].equals(small[0]["text"])


def test_replies_answer_a_top_level_comment_of_the_same_post_later(small):
    comments = small[0]
    replies = comments[comments["parent_id"].notna()]
    assert 0.15 < len(replies) / len(comments) < 0.45
    parents = comments.set_index(["platform", "comment_id"]).loc[
        list(zip(replies["platform"], replies["parent_id"]))]
    assert (parents["post_id"].to_numpy() == replies["post_id"].to_numpy()).all()
    assert parents["parent_id"].isna().all()
    assert (parents["published_at"].to_numpy() < replies["published_at"].to_numpy()).all()
    # brands answer some comments, always as replies, under their own name
    owner = comments[comments["is_owner"]]
    assert len(owner) > 0 and owner["parent_id"].notna().all()
    assert (owner["author"] == owner["account"]).all()


def test_texts_repeat_but_not_all(small):
    texts = small[0]["text"]
    share = texts.nunique() / len(texts)
    assert 0.2 < share < 0.6
    assert texts.value_counts().iloc[0] > 20  # a head of frequent short comments
    assert texts.str.contains("?", regex=False).mean() > 0.05
    assert texts.str.contains(r"[äöüß]").any()  # German comments too


def test_store_reads_back_as_the_same_tables(gen, small, tmp_path):
    summary = gen.write_store(tmp_path / "store", 5_000, seed=3, progress=False)
    assert summary["comments"] == 5_000
    files = sorted(p.relative_to(tmp_path / "store").as_posix()
                   for p in (tmp_path / "store" / "comments").rglob("*.parquet"))
    assert files[0].startswith("comments/platform=") and "/month=20" in files[0]
    assert files[0].endswith("/part-0.parquet")
    if not hasattr(tk.io.Dataset, "to_parquet"):
        pytest.skip("the Parquet store (tk.load of a store folder) is not in this checkout")
    ds = tk.load(tmp_path / "store")
    pd.testing.assert_frame_equal(ds.comments, small[0])
    pd.testing.assert_frame_equal(ds.posts, small[1])
