"""Memory of the canonical comments and posts tables by string representation (issue #14.2).

One run, one set of generated tables (bench/_comments_10m.py, default 1M comments with their ~5,000
posts, plus ``lang``/``sentiment_label`` from ``tk.text.add_sentiment``), built five ways from the same
Arrow columns:

* ``object``: Python ``str`` objects in object columns; repetitive columns (platform, account, ids of posts
  and parents, author, lang, labels, source_file) share one object per distinct value as the loaders build
  them, text and comment_id have one object per row;
* ``string[python]``: the canonical ``string`` dtype as pandas stores it *without* pyarrow (shared objects,
  as the loaders build them);
* ``string[pyarrow]``: the same dtype as pandas 3 stores it *with* pyarrow installed (``mode.string_storage``
  "auto");
* ``python + categories`` and ``pyarrow + categories``: the repetitive columns as ``category``, by the
  function ``Dataset.compact()`` uses (``toolkit._compact.COMPACT_COLUMNS``: in comments platform, account,
  post_id, parent_id, author, source_file, lang, sentiment_label; in posts platform, account, media_type,
  source_file, lang, sentiment_label).

Reported per table and variant: ``memory_usage(deep=True)`` and the bytes really held (``deep`` counts a
shared Python string once per row; "held" counts each distinct object once: 8-byte pointers plus
``sys.getsizeof`` of each distinct object; Arrow and numpy columns: their buffers). Then whether four
analyses (response_rate, workload, audience_activity, hashtags) give the same values on every variant
as on ``string[python]`` (on the first ``--check-rows`` comments).

Usage: ``nice .venv/bin/python bench/table_memory.py [--n 1000000] [--check-rows 200000]``; prints a
markdown table.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _comments_10m as gen  # noqa: E402

import toolkit as tk  # noqa: E402
from toolkit._compact import compact_frame  # noqa: E402

#: columns whose equal values the loaders share as one Python object (toolkit.io: #14.2 of the last session);
#: text and ids stay one object per row, as parsed
SHARED_COLS = {"platform", "account", "post_id", "parent_id", "author", "lang", "sentiment_label", "media_type",
               "source_file", "permalink"}


def _objects(arr: pa.ChunkedArray | pa.Array, shared: bool) -> np.ndarray:
    """Object array of Python str (None for nulls): one shared object per distinct value when ``shared``
    (as the loaders build repetitive columns), else one object per row."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not shared:
        return arr.to_numpy(zero_copy_only=False).astype(object)
    enc = arr.dictionary_encode()
    uniques = np.asarray(enc.dictionary.to_pylist() + [None], dtype=object)
    idx = enc.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)
    return uniques[idx]


def build(table: pa.Table, variant: str, kind: str) -> pd.DataFrame:
    """The frame of ``table`` in the string representation ``variant``."""
    storage = "pyarrow" if variant.startswith("pyarrow") or variant == "string[pyarrow]" else "python"
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            if variant == "object":
                cols[name] = pd.Series(_objects(col, name in SHARED_COLS), dtype=object)
            elif storage == "pyarrow":
                cols[name] = pd.Series(pd.StringDtype("pyarrow").__from_arrow__(col))
            else:
                cols[name] = pd.Series(pd.array(_objects(col, name in SHARED_COLS), dtype=pd.StringDtype("python")))
        else:
            cols[name] = table.column(name).to_pandas()
            if name in ("likes",) or name in tk.schema.METRICS:
                cols[name] = cols[name].astype("Int64")
    df = pd.DataFrame(cols)
    if "categories" in variant:  # what Dataset.compact() does (the same function)
        df = compact_frame(df, kind)
    return df


def held_bytes(df: pd.DataFrame) -> int:
    """Bytes the frame really holds: distinct Python objects counted once."""
    total = 0
    for name in df.columns:
        s = df[name]
        arr = s.array
        if isinstance(s.dtype, pd.CategoricalDtype):
            total += s.cat.codes.nbytes + held_bytes(pd.DataFrame({"c": pd.Series(s.cat.categories)}))
        elif isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            total += arr._pa_array.nbytes
        elif s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            values = np.asarray(arr, dtype=object) if s.dtype == object else arr._ndarray
            total += values.nbytes
            seen = {}
            for v in values:  # distinct objects once (per-object cost, the point of the measurement)
                seen.setdefault(id(v), v)
            total += sum(sys.getsizeof(v) for v in seen.values() if v is not None and v is not pd.NA)
        else:
            total += int(s.memory_usage(index=False, deep=True))
    return total


def analyses(c: pd.DataFrame) -> dict[str, pd.DataFrame]:
    tz = "Europe/Berlin"
    return {"response_rate": tk.community.response_rate(c, tz=tz, freq="W"),
            "workload": tk.community.workload(c, tz=tz),
            "audience_activity": tk.timing.audience_activity(c, tz=tz),
            "hashtags": tk.text.hashtags(c)}


def _same(a: pd.DataFrame, b: pd.DataFrame) -> str:
    def plain(df):
        out = df.copy()
        for col in out.columns:
            if isinstance(out[col].dtype, (pd.CategoricalDtype, pd.StringDtype)) or out[col].dtype == object:
                out[col] = out[col].astype(object).where(out[col].notna(), None)
        return out.reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(plain(a), plain(b), check_dtype=False, check_categorical=False)
    except AssertionError as exc:
        return "differs: " + " ".join(str(exc).split())[:160]
    return "same"


VARIANTS = ["object", "string[python]", "string[pyarrow]", "python + categories", "pyarrow + categories"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check-rows", type=int, default=200_000)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    comments, posts = gen.comments_frame(a.n, seed=a.seed)
    comments = tk.text.add_sentiment(comments, progress=False)
    tables = {"comments": pa.Table.from_pandas(comments, preserve_index=False),
              "posts": pa.Table.from_pandas(posts, preserve_index=False)}
    del comments, posts
    gc.collect()
    print(f"generated {a.n:,} comments + sentiment in {time.perf_counter() - t0:.1f} s "
          f"(pandas {pd.__version__}, pyarrow {pa.__version__})", file=sys.stderr)
    rows = []
    reference = None
    for variant in VARIANTS:
        for kind, table in tables.items():
            df = build(table, variant, kind)
            deep = int(df.memory_usage(index=False, deep=True).sum())
            held = held_bytes(df)
            per_col = df.memory_usage(index=False, deep=True)
            check = ""
            if kind == "comments":
                res = analyses(df.iloc[:a.check_rows].reset_index(drop=True))
                if reference is None and variant == "string[python]":
                    reference = res
                check = res
            rows.append({"variant": variant, "table": kind, "rows": len(df), "deep_mb": deep / 1e6,
                         "held_mb": held / 1e6, "text_mb": per_col.get("text", 0) / 1e6, "res": check})
            del df
            gc.collect()
    print("| variant | table | rows | memory_usage(deep=True) MB | bytes held MB | of which text MB (deep) | "
          "held vs string[python] | analyses vs string[python] |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    base = {r["table"]: r["held_mb"] for r in rows if r["variant"] == "string[python]"}
    for r in rows:
        if r["table"] == "comments" and reference is not None:
            verdict = "; ".join(f"{k}: {_same(r['res'][k], reference[k])}" for k in reference)
            if all(_same(r["res"][k], reference[k]) == "same" for k in reference):
                verdict = "all 4 same"
        else:
            verdict = ""
        print(f"| {r['variant']} | {r['table']} | {r['rows']:,} | {r['deep_mb']:,.1f} | {r['held_mb']:,.1f} | "
              f"{r['text_mb']:,.1f} | {r['held_mb'] / base[r['table']]:.2f} | {verdict} |")


if __name__ == "__main__":
    main()
