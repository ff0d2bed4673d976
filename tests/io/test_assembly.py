"""load()'s assembly (toolkit/io/_core.py) saves memory without changing a value (issue #14.2).

Files of one kind are concatenated column by column, each file's column released once copied, and
the check for duplicate keys folds one key column at a time; both must give what pandas gives.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit as tk
from toolkit.io._core import _any_duplicated, _concat
from toolkit.schema import POSTS

ROOT = Path(__file__).resolve().parents[2]


def _frame(rng, n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "a": pd.array(rng.choice(["x", "y", None], n), dtype="string"),
        "b": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
        "c": pd.to_datetime(pd.Series(rng.choice(["2024-01-01", None], n)), utc=True).astype("datetime64[ns, UTC]"),
        "d": rng.integers(0, 3, n),
    })


def test_duplicate_check_agrees_with_pandas_including_missing_keys():
    rng = np.random.default_rng(7)
    for _ in range(200):
        df = _frame(rng, int(rng.integers(1, 30)))
        for key in (["a"], ["a", "b"], ["a", "b", "c"], ["c", "b", "d"]):
            assert _any_duplicated(df, key) == bool(df.duplicated(key).any()), (df, key)


def test_concat_equals_pandas_and_releases_the_parts():
    rng = np.random.default_rng(3)
    parts = [_frame(rng, n) for n in (5, 7, 1)]  # load() leaves out empty files first
    expected = pd.concat([p.copy() for p in parts], ignore_index=True)
    got = _concat(parts)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert parts == []  # the frames are let go: each column is released once copied


def test_concat_of_parts_with_other_columns_or_dtypes_is_pandas_concat():
    left = pd.DataFrame({"a": pd.array(["x"], dtype="string"), "b": [1]})
    right = pd.DataFrame({"a": pd.array(["y"], dtype="string"), "b": [1.5], "c": ["z"]})
    expected = pd.concat([left.copy(), right.copy()], ignore_index=True)
    pd.testing.assert_frame_equal(_concat([left, right]), expected, check_exact=True)


def test_conform_makes_missing_columns_as_casting_an_empty_column_did():
    frame = pd.DataFrame({"platform": pd.array(["x"], dtype="string"), "post_id": pd.array(["1"], dtype="string"),
                          "published_at": pd.to_datetime(["2024-01-02 10:00"], utc=True)})
    out = POSTS.conform(frame)
    for c in POSTS.columns:
        if c.name not in frame.columns and c.dtype not in ("bool",) and c.name != "text":
            cast = POSTS.conform(frame.assign(**{c.name: pd.Series([pd.NA], dtype=object)}))[c.name]
            pd.testing.assert_series_equal(out[c.name], cast, check_exact=True)
    assert frame.columns.tolist() == ["platform", "post_id", "published_at"]  # the input is not modified


def test_samples_load_twice_to_equal_tables():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = tk.load(ROOT / "data" / "samples", tz="Europe/Berlin", progress=False)
        b = tk.load(ROOT / "data" / "samples", tz="Europe/Berlin", progress=False)
    for name in ("posts", "comments", "daily", "traffic", "load_report", "rejected"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def test_duplicate_check_of_long_id_columns_counted_by_arrow_agrees_with_pandas():
    from toolkit.io._core import _unique_column
    n = 20_000
    ids = [f"p{i}" for i in range(n)]
    cases = {
        "unique": ids,
        "one repeat at the end": ids[:-1] + ["p0"],
        "one missing": ids[:-1] + [None],
        "two missing": ids[:-2] + [None, None],
        "same id on two platforms": ids,
    }
    for name, col in cases.items():
        plat = ["x"] * n if name != "same id on two platforms" else ["x"] * (n // 2) + ["y"] * (n // 2)
        col = col if name != "same id on two platforms" else ids[: n // 2] * 2
        df = pd.DataFrame({"platform": pd.Series(plat, dtype="string"), "post_id": pd.Series(col, dtype="string")})
        key = ["platform", "post_id"]
        assert _any_duplicated(df, key) == bool(df.duplicated(key).any()), name
        assert _unique_column(df, key) == (not df["post_id"].duplicated().any()), name
    assert not _unique_column(df.astype(object), key)  # other storage: the full check


def test_concat_column_by_column_equals_pandas_for_every_dtype_of_the_tables():
    def part(n, k):
        return pd.DataFrame({
            "s": pd.array([f"v{i % 3}" if i % 4 else None for i in range(n)], dtype="string"),
            "str": pd.Series([f"w{i}" for i in range(n)], dtype="str"),
            "i": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
            "f": pd.array([i / 2 if i % 3 else None for i in range(n)], dtype="Float64"),
            "b": np.arange(n) % 2 == 0,
            "nb": pd.array([True, None, False][: n] * (n // 3 + 1), dtype="boolean")[:n],
            "t": pd.date_range("2026-01-01", periods=n, freq="h", tz="UTC") + pd.Timedelta(hours=k),
            "d": pd.date_range("2026-01-01", periods=n, freq="D").astype("datetime64[ns]"),
            "x": np.arange(n, dtype="float64"),
            "o": pd.Series([{"k": i} for i in range(n)], dtype=object),
        })
    parts = [part(n, k) for k, n in enumerate((4, 9, 2))]
    expected = pd.concat([p.copy() for p in parts], ignore_index=True)
    got = _concat(parts)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.dtypes) == list(expected.dtypes)


def test_cell_hashes_are_equal_for_equal_cells_whatever_the_chunk_layout():
    import pyarrow as pa
    from toolkit.io._core import _cell_hashes
    cells = ["a", "", "ü 👍", "a", "p1", "p10", None, "x" * 1000]
    for typ in (pa.string(), pa.large_string()):
        whole = _cell_hashes(pa.array(cells, type=typ))
        part = _cell_hashes(pa.array(["zz"] + cells, type=typ).slice(1))  # offset into the buffers
        assert whole.tolist() == part.tolist()
        assert whole[0] == whole[3] and len(set(whole[[0, 2, 4, 5, 7]].tolist())) == 5
    assert _cell_hashes(pa.array(["x" * 2000])) is None and _cell_hashes(pa.array([1, 2])) is None


def test_unique_id_columns_found_by_hashes_agree_with_pandas_on_tricky_columns():
    from toolkit.io._core import _unique_column
    n = 20_000
    base = [f"p{i}" for i in range(n)]
    columns = {"distinct": base, "long cells": [f"{'x' * 1500}{i}" for i in range(n)],
               "empty and missing": base[:-2] + ["", None], "repeat far apart": base[:-1] + [base[5000]],
               "prefix of another": base[:-1] + ["p1" + "\\x00"]}
    for name, col in columns.items():
        df = pd.DataFrame({"platform": pd.Series(["x"] * n, dtype="string"), "post_id": pd.Series(col, dtype="string")})
        unique = _unique_column(df, ["platform", "post_id"])  # True: sure; False: the full check decides
        assert not unique or not df["post_id"].duplicated().any(), name
        assert unique or name not in ("distinct", "long cells"), name
        assert _any_duplicated(df, ["platform", "post_id"]) == bool(df.duplicated(["platform", "post_id"]).any())


def test_odd_platform_names_found_among_distinct_values_as_before():
    from toolkit.schema import _PLATFORM_RE, _odd_platforms
    s = pd.Series([None, "x", "Bad", None, "ok", "Bad", "also bad", "x"], dtype="string")
    for how in ("match", "fullmatch"):
        uniques = pd.Series(s.dropna().unique(), dtype=s.dtype)  # the way before: NA dropped first
        before = list(uniques[~getattr(uniques.str, how)(_PLATFORM_RE).astype(bool)])
        assert _odd_platforms(s, how) == before == ["Bad", "also bad"]


def test_keys_told_distinct_by_row_hashes_agree_with_pandas():
    """The row-hash shortcut of the duplicate check (large tables: no hash table of every key) never
    calls repeated keys distinct, and does call distinct keys distinct (or it would save nothing)."""
    import random

    from toolkit.io._core import _distinct_by_hash
    rng = random.Random(3)
    vals = ["a", "b", "", None, "ü", "x" * 40, "a,b", "NA"]

    def frame(n: int) -> pd.DataFrame:
        parts = []
        for _ in range(rng.choice([1, 3])):  # several chunks per Arrow column, as concatenated files give
            m = max(1, n // 3)
            parts.append(pd.DataFrame({
                "s1": pd.array([rng.choice(vals) for _ in range(m)], dtype="string"),
                "s2": pd.array([f"id{rng.randrange(10 * n)}" if rng.random() > .05 else None for _ in range(m)],
                               dtype="string"),
                "d": pd.to_datetime([pd.Timestamp("2024-01-01") + pd.Timedelta(days=rng.randrange(30))
                                     if rng.random() > .1 else pd.NaT for _ in range(m)]),
                "i": pd.array([rng.randrange(5) if rng.random() > .1 else None for _ in range(m)], dtype="Int64")}))
        return pd.concat(parts, ignore_index=True)

    told_distinct = 0
    for t in range(300):
        df = frame(rng.choice([2, 5, 50, 300, 3000]))
        if t % 2 and len(df) > 1:
            df.iloc[rng.randrange(len(df))] = df.iloc[rng.randrange(len(df))]
        for key in (["s1"], ["s1", "s2"], ["s1", "d", "i"], ["s2", "d"], ["s1", "s2", "d", "i"]):
            repeated = bool(df.duplicated(key).any())
            distinct = _distinct_by_hash(df, key)
            assert not (distinct and repeated), (t, key)
            told_distinct += distinct
            assert _any_duplicated(df, key) == repeated
    assert told_distinct > 200
