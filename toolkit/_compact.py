"""Compact tables: repetitive text columns held as pandas categoricals (issue #14.2).

A million comments name a few platforms, some hundred accounts and a few thousand posts; with Arrow
strings each row still holds its own copy of those characters plus an 8-byte offset. As a categorical,
a row holds a 1-4 byte code and each distinct value is stored once. :meth:`Dataset.compact` converts
the columns listed in :data:`COMPACT_COLUMNS`; values, order and index do not change, and every public
analysis gives the same results on a compact dataset (tests/test_compact.py runs each of them on both).

Why it is not the default: the canonical dtype of these columns is ``string`` (:mod:`toolkit.schema`)
and user code relies on it: assigning a value that is not yet a category raises, and ``pd.concat`` of
a compact table with a plain one falls back to ``object``. So compact tables are asked for, once the
data is loaded (``tk.load(folder).compact()``), by those who need the memory.
"""

from __future__ import annotations

import pandas as pd

#: Per canonical table, the columns whose values repeat across rows (ids of the rows themselves and
#: free text do not, and stay strings). ``lang`` and ``sentiment_label`` are added by
#: :func:`toolkit.text.add_sentiment` / :func:`~toolkit.text.add_language`, which keep a compact
#: table compact.
COMPACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "account", "media_type", "source_file", "lang", "sentiment_label"),
    "comments": ("platform", "account", "post_id", "parent_id", "author", "source_file", "lang",
                 "sentiment_label"),
    "daily": ("platform", "account", "metric", "source_file"),
    "traffic": ("tool", "property", "segment", "breakdown", "channel", "source", "medium", "campaign",
                "content", "landing_page", "currency", "tz", "source_file"),
}


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype)


def compact_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with the repetitive text columns of ``table`` as categoricals (a shallow copy; the
    other columns are shared, not copied). Columns already categorical, missing or not text are left
    as they are. Categories are the distinct values in sorted order, so sorting and grouping by a
    compact column give the order the string column gives."""
    cols = [c for c in COMPACT_COLUMNS[table] if c in frame.columns and _is_text(frame[c])]
    if not cols:
        return frame
    out = frame.copy(deep=False)
    for c in cols:
        out[c] = out[c].astype("category")
    return out


def is_compact(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` holds any of the compact columns as a categorical (a table that went
    through :meth:`Dataset.compact`)."""
    cols = {c for cols in COMPACT_COLUMNS.values() for c in cols}
    return any(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in cols & set(frame.columns)
               if c not in ("lang", "sentiment_label"))


def like(source: pd.DataFrame, out: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Make the new ``columns`` of ``out`` categorical when ``source`` is a compact table, so an added
    ``lang`` or ``sentiment_label`` keeps a compact table compact (in place; returns ``out``)."""
    if is_compact(source):
        for c in columns:
            if c in out.columns and _is_text(out[c]):
                out[c] = out[c].astype("category")
    return out


def expand_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The reverse of :func:`compact_frame`: compact columns back to their text dtype (the dtype of
    their categories, i.e. the canonical ``string``). Used where the canonical dtype is required
    (the Parquet store keeps canonical tables; Parquet dictionary-encodes repeated values itself)."""
    cols = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)
            and pd.api.types.is_string_dtype(frame[c].dtype.categories.dtype)]
    if not cols:
        return frame
    out = frame.copy(deep=False)
    for c in cols:
        out[c] = out[c].astype(out[c].dtype.categories.dtype)
    return out
