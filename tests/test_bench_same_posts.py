"""The same-table hand readers of bench/_same_posts.py give exactly the posts table ``tk.load`` gives on
generated exports (so the loaders-at-scale benchmark compares like with like)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

_BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(_BENCH))
    try:
        import _same_posts
        import _scale_data
        yield _same_posts, _scale_data
    finally:
        sys.path.remove(str(_BENCH))


@pytest.mark.parametrize("case", ["generic_posts_csv", "meta_posts_csv", "tiktok_content_csv",
                                  "x_tweet_activity_csv", "youtube_studio_zip"])
def test_same_table_as_load(bench, case, tmp_path):
    same, gen = bench
    getattr(gen, case)(tmp_path / "exports", 250, per_file=100)  # three files, the last one short
    same.check(case, tmp_path / "exports")  # raises on the first difference


def test_check_sees_a_difference(bench, tmp_path):
    same, gen = bench
    gen.tiktok_content_csv(tmp_path / "exports", 50, per_file=50)
    reader = same.READERS["tiktok_content_csv"]
    try:
        same.READERS["tiktok_content_csv"] = lambda folder: reader(folder).iloc[::-1]  # same rows, other order
        with pytest.raises(AssertionError):
            same.check("tiktok_content_csv", tmp_path / "exports")
    finally:
        same.READERS["tiktok_content_csv"] = reader
